//! The command line: what `roundtable --help` shows comes from the doc comments here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Turn weekly readings and their discussion threads into a static website.
#[derive(Debug, Parser)]
#[command(name = "roundtable", version, about, long_about = None)]
pub struct Cli {
    /// Print only errors and warnings.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (replaced only when the build succeeds).
    Build(BuildArgs),
    /// Check the site and report every problem, without writing anything.
    Check(SiteArgs),
    /// Preview the site: serve it on this computer, rebuild on every edit, reload the browser.
    Serve(ServeArgs),
    /// Write the facilitator's participation report (private: outside the site unless --publish).
    Report(ReportArgs),
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The site and what to include.
    #[command(flatten)]
    pub site: SiteArgs,
    /// The port to listen on (0 picks a free one).
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on; the default lets only this computer in.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
}

/// Options of `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The site and what to include.
    #[command(flatten)]
    pub site: SiteArgs,
    /// Folder to write the report in (relative to the site folder unless absolute).
    #[arg(long, default_value = "reports", conflicts_with = "publish")]
    pub out: PathBuf,
    /// html (one page with a sortable grid), csv (for a spreadsheet) or json (for scripts).
    #[arg(long, value_enum, default_value = "html")]
    pub format: crate::report::Format,
    /// Put the report into the built site, as <output>/report/, where anyone with the address can read it.
    #[arg(long)]
    pub publish: bool,
    /// The built site that --publish adds the report to (it must have been built already).
    #[arg(long, short, default_value = "public", requires = "publish")]
    pub output: PathBuf,
}

/// Where the site is.
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The site folder, holding content/ and site.yaml.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Include readings marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
}

/// Options of `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site and what to include.
    #[command(flatten)]
    pub site: SiteArgs,
    /// Where to write the site (relative to the site folder unless absolute).
    #[arg(long, short, default_value = "public")]
    pub output: PathBuf,
    /// The address the site is served from, overriding site.yaml's base_url.
    #[arg(long)]
    pub base_url: Option<String>,
    /// Clean every text afresh, neither reading nor writing the build cache in .roundtable/cache/.
    #[arg(long)]
    pub no_cache: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
