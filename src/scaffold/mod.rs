//! The facilitator's commands that write content: `init`, `new reading` and `reply`.
//!
//! Each reads the site with the same loader as `build`, decides everything
//! before touching the disk, and reports problems as `Diagnostics`, so a
//! refused command has written nothing.

pub(crate) mod comment;
pub(crate) mod find;
mod init;
pub(crate) mod new;
mod reply;
pub(crate) mod yaml_out;

use std::path::Path;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::diagnostics::{Diagnostic, Diagnostics};

pub use init::{init, InitOptions};
pub use new::{new_reading, NewReadingOptions};
pub use reply::{reply, ReplyOptions};

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
    Diagnostic::command(flag, message).with_help(help).into()
}

/// Refuses a folder that is not a site (no `content/` in it), before anything is read: a mistake in the command.
pub fn require_site(root: &Path) -> Result<(), Diagnostics> {
    if root.join("content").is_dir() {
        return Ok(());
    }
    let message = match root.is_dir() {
        true => format!("{} has no content/ folder, so it is not a site", shown_folder(root)),
        false => format!("there is no folder {}", root.display()),
    };
    Err(Diagnostic::command("--root", message)
        .with_help(
            "run roundtable in the site's folder, or point to it with --root (start a site with `roundtable init`)",
        )
        .into())
}

fn shown_folder(root: &Path) -> String {
    match root.as_os_str().is_empty() || root == Path::new(".") {
        true => "this folder".to_string(),
        false => root.display().to_string(),
    }
}
