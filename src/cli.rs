//! The command line: what `roundtable --help` shows comes from the doc comments here.
//!
//! Only the binary uses clap: each command's options are turned into the library's own
//! option types in `main.rs`, so the library has no clap types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};

/// Turn weekly readings and their discussion threads into a static website.
#[derive(Debug, Parser)]
#[command(name = "roundtable", version, about, long_about = None)]
pub struct Cli {
    /// Print only errors and warnings.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also say what each stage did and how long it took.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a new site in a new or empty folder: settings, people and an example reading with its thread.
    Init(InitArgs),
    /// Add something new to the site.
    #[command(subcommand)]
    New(NewCommand),
    /// Add a comment (a reflection or a reply) to a reading's thread.
    Reply(ReplyArgs),
    /// Build the site into the output folder (replaced only when the build succeeds).
    Build(BuildArgs),
    /// Check the site and report every problem, without writing anything.
    Check(SiteArgs),
    /// Preview the site: serve it on this computer, rebuild on every edit, reload the browser.
    Serve(ServeArgs),
    /// Write the facilitator's participation report (private: outside the site unless --publish).
    Report(ReportArgs),
    /// Add members' replies from saved e-mail (.eml files, mbox files, Maildir folders) to their threads.
    Ingest(IngestArgs),
    /// List the comments waiting for approval, or approve or remove comments.
    Moderate(ModerateArgs),
    /// Remove the built site and .roundtable/ (the build cache and the preview); both are made again.
    Clean(CleanArgs),
    /// Print a completion script for bash, zsh, fish, elvish or powershell (see the README).
    Completions(CompletionsArgs),
    /// Bring readings and their comments over from Blogger, WordPress, Disqus or Jekyll.
    Import(ImportArgs),
    /// Write the week's e-mail digest for each member as .eml files, and send them with --send.
    Digest(DigestArgs),
}

/// Options of `digest`.
#[derive(Debug, Args)]
pub struct DigestArgs {
    /// The site folder, holding content/ and site.yaml.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The week (default: the latest week of the readings).
    #[arg(long)]
    pub week: Option<u32>,
    /// Folder for the .eml files (default: digests/week-N in the site folder).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Send them through `smtp:` of site.yaml; what was sent is recorded, so a rerun sends only the rest.
    #[arg(long)]
    pub send: bool,
}

/// Options of `ingest`.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Saved mail: .eml files, mbox files and Maildir folders.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The site folder, holding content/ and site.yaml.
    #[arg(long, short, default_value = ".", value_hint = ValueHint::DirPath)]
    pub root: PathBuf,
    /// Put every message on this reading (slug, address or file), whatever its subject says.
    #[arg(long)]
    pub reading: Option<String>,
    /// With --reading: the id of the comment every message answers.
    #[arg(long, requires = "reading")]
    pub to: Option<String>,
}

/// Options of `moderate`.
#[derive(Debug, Args)]
pub struct ModerateArgs {
    /// Without one, list what waits for approval.
    #[command(subcommand)]
    pub action: Option<ModerateAction>,
    /// The site folder, holding content/ and site.yaml.
    #[arg(long, short, default_value = ".", global = true, value_hint = ValueHint::DirPath)]
    pub root: PathBuf,
}

/// What `moderate` does with comments.
#[derive(Debug, Subcommand)]
pub enum ModerateAction {
    /// Publish these comments.
    Approve(ModerateIds),
    /// Take these comments down: "This reflection was removed" stands in their place, their replies stay.
    Remove(ModerateIds),
}

/// The comments `moderate approve` or `remove` changes.
#[derive(Debug, Args)]
pub struct ModerateIds {
    /// Their ids, as `roundtable moderate` lists them.
    #[arg(required = true)]
    pub ids: Vec<String>,
    /// Their reading (slug, address or file), where an id is in several threads.
    #[arg(long)]
    pub reading: Option<String>,
}

/// Options of `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// blogger, wordpress, disqus or jekyll.
    pub format: roundtable::import::Format,
    /// The export file (for jekyll, the Jekyll site's folder).
    pub source: PathBuf,
    /// The site to import into: a new or empty folder, or an existing site (nothing in it is overwritten).
    #[arg(long, default_value = ".", value_hint = ValueHint::DirPath)]
    pub into: PathBuf,
    /// The section folder under content/ that receives the readings.
    #[arg(long, default_value = "readings")]
    pub section: String,
    /// Print what would be written, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Make comments that address one earlier commenter ("@Claire", "Claire, I agree") replies to them.
    #[arg(long)]
    pub infer_replies: bool,
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
    #[arg(long, default_value = "reports", conflicts_with = "publish", value_hint = ValueHint::DirPath)]
    pub out: PathBuf,
    /// The report's form.
    #[arg(long, value_enum, default_value = "html")]
    pub format: ReportFormat,
    /// Put the report into the built site, as <output>/report/, where anyone with the address can read it.
    #[arg(long)]
    pub publish: bool,
    /// The built site that --publish adds the report to (it must have been built already).
    #[arg(long, short, default_value = "public", requires = "publish", value_hint = ValueHint::DirPath)]
    pub output: PathBuf,
    /// Count only comments written on or after this day (YYYY-MM-DD, in the site's timezone).
    #[arg(long, value_parser = day)]
    pub from: Option<chrono::NaiveDate>,
    /// Count only comments written on or before this day (YYYY-MM-DD).
    #[arg(long, value_parser = day)]
    pub to: Option<chrono::NaiveDate>,
}

/// A day as `YYYY-MM-DD`.
fn day(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a day; write it like 2011-08-08"))
}

/// The report's forms, as typed on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    /// One page with a sortable member x week grid.
    Html,
    /// One row per person and week, for a spreadsheet.
    Csv,
    /// Everything, for scripts.
    Json,
}

/// Where the site is.
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The site folder, holding content/ and site.yaml.
    #[arg(long, short, default_value = ".", value_hint = ValueHint::DirPath)]
    pub root: PathBuf,
    /// Include readings marked `draft: true`.
    #[arg(long, short = 'D')]
    pub drafts: bool,
    /// Include readings dated in the future (scheduled, not published yet).
    #[arg(long, short = 'F')]
    pub future: bool,
}

/// Options of `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site and what to include.
    #[command(flatten)]
    pub site: SiteArgs,
    /// Where to write the site (relative to the site folder unless absolute).
    #[arg(long, short, default_value = "public", value_hint = ValueHint::DirPath)]
    pub output: PathBuf,
    /// The address the site is served from, overriding site.yaml's base_url.
    #[arg(long, short = 'u')]
    pub base_url: Option<String>,
    /// Clean every text afresh, neither reading nor writing the build cache in .roundtable/cache/.
    #[arg(long)]
    pub no_cache: bool,
}

/// Options of `clean`.
#[derive(Debug, Args)]
pub struct CleanArgs {
    /// The site folder, holding content/ and site.yaml.
    #[arg(long, short, default_value = ".", value_hint = ValueHint::DirPath)]
    pub root: PathBuf,
    /// The built site to remove (relative to the site folder unless absolute).
    #[arg(long, short, default_value = "public", value_hint = ValueHint::DirPath)]
    pub output: PathBuf,
}

/// Options of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    pub shell: clap_complete::Shell,
}

/// Options of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create the site in (new, empty, or holding only dotfiles such as .git).
    #[arg(value_hint = ValueHint::DirPath)]
    pub dir: PathBuf,
    /// Also copy the built-in theme into templates/ and static/, ready to edit.
    #[arg(long)]
    pub with_theme: bool,
    /// Write into a folder that already holds files; files already there are kept as they are.
    #[arg(long, short)]
    pub force: bool,
}

/// What `new` can create.
#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Create this week's reading: a Markdown file with its front matter filled in.
    Reading(NewReadingArgs),
}

/// Options of `new reading`.
#[derive(Debug, Args)]
pub struct NewReadingArgs {
    /// The reading's title (its file name and address are made from it).
    pub title: String,
    /// The site folder, holding content/ and site.yaml.
    #[arg(long, short, default_value = ".", value_hint = ValueHint::DirPath)]
    pub root: PathBuf,
    /// The section folder under content/ (needed when the site has more than one).
    #[arg(long, short)]
    pub section: Option<String>,
    /// The cohort week; default: the section's latest week plus one.
    #[arg(long, short)]
    pub week: Option<u32>,
    /// Topic tags, separated by commas: `--tags trust,teams`.
    #[arg(long, short, value_delimiter = ',')]
    pub tags: Vec<String>,
    /// The publication date (YYYY-MM-DD); default: today. A later date schedules the reading.
    #[arg(long, short)]
    pub date: Option<String>,
}

/// Options of `reply`.
#[derive(Debug, Args)]
pub struct ReplyArgs {
    /// The reading: its slug, its address (/readings/trust/) or its file.
    pub reading: String,
    /// The site folder, holding content/ and site.yaml.
    #[arg(long, short, default_value = ".", value_hint = ValueHint::DirPath)]
    pub root: PathBuf,
    /// The id of the comment this one answers; without it, a new top-level comment.
    #[arg(long, short)]
    pub to: Option<String>,
    /// Who wrote it: a name, key or alias from authors.yaml, or any name.
    #[arg(long, short)]
    pub author: String,
    /// A file holding the comment's text (Markdown); without it, the text is read from standard input.
    #[arg(long, short, value_hint = ValueHint::FilePath)]
    pub file: Option<PathBuf>,
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
