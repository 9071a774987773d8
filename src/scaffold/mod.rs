//! The facilitator's commands that write content: `init`, `new reading` and `reply`.
//!
//! Each reads the site with the same loader as `build`, decides everything
//! before touching the disk, and reports problems as `Diagnostics`, so a
//! refused command has written nothing.

mod find;
mod init;
mod new;
mod reply;
pub(crate) mod yaml_out;

use std::path::Path;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::diagnostics::{Diagnostic, Diagnostics, Span};

pub use init::init;
pub use new::new_reading;
pub use reply::reply;

/// What a command did: one line for the user, and notes worth reading.
#[derive(Debug)]
pub struct Done {
    /// What was written, and where.
    pub summary: String,
    /// Warnings and notes (printed to stderr).
    pub notes: Vec<Diagnostic>,
}

/// Now, as the site's clock shows it.
fn now_in(zone: Tz) -> DateTime<Tz> {
    Utc::now().with_timezone(&zone)
}

/// A mistake in the command itself, shown at the flag or argument it concerns.
fn usage(flag: &str, message: String, help: &str) -> Diagnostics {
    Diagnostic::error(Span::file(flag), message).with_help(help).into()
}

/// A problem writing `path`, for the user.
fn cannot_write(path: &Path, error: &std::io::Error) -> Diagnostics {
    Diagnostic::error(Span::file(path), format!("cannot write here: {error}"))
        .with_help("check that the disk has space and that you may write to this folder")
        .into()
}

/// Refuses a folder that is not a site, before anything is read.
fn require_content(root: &Path) -> Result<(), Diagnostics> {
    if root.join("content").is_dir() {
        return Ok(());
    }
    Err(Diagnostic::error(Span::file(root.join("content")), "this site has no content/ folder")
        .with_help(
            "run roundtable in the site's folder, or point to it with --root (start a site with `roundtable init`)",
        )
        .into())
}
