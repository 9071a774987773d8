//! The messages in what the facilitator saved: `.eml` files, mbox files and Maildir folders.
//!
//! An mbox file is cut into messages here, by hand: mail-parser's mbox reader starts a new message
//! at every line beginning with `From `, so a member's line "From what I read..." would cut their
//! reply in two. Here a message starts only at a `From ` line that begins the file or follows a
//! blank line and carries a date (a year and a time), as mail programs write them; `>From ` lines
//! inside a message lose one `>` (mboxrd). A file that ends in the middle of a line was cut short,
//! and its last message is refused rather than half read.

use std::path::Path;

use super::message::MAX_MESSAGE_BYTES;
use crate::diagnostics::Span;

/// One message's bytes, or why they cannot be had, with where it is.
#[derive(Debug)]
pub struct Item {
    /// The file, and for an mbox the line its message starts on.
    pub at: Span,
    /// The message, or why it cannot be read.
    pub bytes: Result<Vec<u8>, String>,
}

/// Every message under `path`, in order.
pub fn items(path: &Path) -> Vec<Item> {
    let whole = |bytes| vec![Item { at: Span::file(path), bytes }];
    if path.is_dir() {
        return maildir(path);
    }
    let size = match std::fs::metadata(path) {
        Ok(meta) => meta.len(),
        Err(error) => return whole(Err(format!("cannot read it: {error}"))),
    };
    let looks_mbox = std::fs::File::open(path)
        .and_then(|mut file| {
            let mut start = [0u8; 5];
            std::io::Read::read(&mut file, &mut start).map(|n| start[..n] == *b"From ")
        })
        .unwrap_or(false);
    if !looks_mbox && size > MAX_MESSAGE_BYTES as u64 {
        let megabytes = size as f64 / 1_000_000.0;
        return whole(Err(format!(
            "it is {megabytes:.1} MB, more than the {} MB a reply may be (it is surely its attachments)",
            MAX_MESSAGE_BYTES / 1024 / 1024
        )));
    }
    match std::fs::read(path) {
        Ok(bytes) if looks_mbox => mbox(path, &bytes),
        Ok(bytes) => whole(Ok(bytes)),
        Err(error) => whole(Err(format!("cannot read it: {error}"))),
    }
}

/// The messages of a Maildir's `new/` and `cur/` folders, by file name.
fn maildir(folder: &Path) -> Vec<Item> {
    let subfolders: Vec<_> = ["new", "cur"].iter().map(|s| folder.join(s)).filter(|p| p.is_dir()).collect();
    if subfolders.is_empty() {
        return vec![Item {
            at: Span::file(folder),
            bytes: Err("this folder is not a Maildir (it has no new/ or cur/ folder inside)".into()),
        }];
    }
    let mut files: Vec<_> = subfolders
        .iter()
        .filter_map(|sub| std::fs::read_dir(sub).ok())
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    files.sort();
    files.iter().flat_map(|file| items(file)).collect()
}

/// The messages of an mbox file.
fn mbox(path: &Path, bytes: &[u8]) -> Vec<Item> {
    let mut items = Vec::new();
    let mut current: Option<(usize, Vec<u8>)> = None;
    let mut previous_blank = true;
    let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
    for (number, line) in lines.iter().enumerate() {
        let starts = previous_blank && is_separator(line);
        previous_blank = line.iter().all(|b| b.is_ascii_whitespace());
        if starts {
            items.extend(current.take().map(|(at, message)| finished(path, at, message)));
            current = Some((number + 1, Vec::new()));
            continue;
        }
        let Some((_, message)) = current.as_mut() else { continue };
        let quoted_from =
            line.iter().position(|&b| b != b'>').is_some_and(|i| i > 0 && line[i..].starts_with(b"From "));
        message.extend_from_slice(if quoted_from { &line[1..] } else { line });
    }
    if let Some((at, message)) = current {
        if bytes.ends_with(b"\n") {
            items.push(finished(path, at, message));
        } else {
            items.push(Item {
                at: Span::new(path, at, 0),
                bytes: Err("the mailbox ends in the middle of this message: the file was cut short".into()),
            });
        }
    }
    items
}

fn finished(path: &Path, line: usize, mut message: Vec<u8>) -> Item {
    // The blank line before the next separator belongs to the mbox, not to the message.
    if message.ends_with(b"\n\n") || message.ends_with(b"\r\n\r\n") {
        message.truncate(message.len() - if message.ends_with(b"\r\n") { 2 } else { 1 });
    }
    let bytes = if message.len() > MAX_MESSAGE_BYTES {
        Err(format!(
            "it is {:.1} MB, more than the {} MB a reply may be (it is surely its attachments)",
            message.len() as f64 / 1_000_000.0,
            MAX_MESSAGE_BYTES / 1024 / 1024
        ))
    } else {
        Ok(message)
    };
    Item { at: Span::new(path, line, 0), bytes }
}

/// `From sender Mon Jan  5 10:00:00 2026`: a `From ` line with a time and a year after it.
fn is_separator(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"From ") else { return false };
    let text = String::from_utf8_lossy(rest);
    let words: Vec<&str> = text.split_whitespace().collect();
    let time = words.iter().any(|w| {
        let parts: Vec<&str> = w.split(':').collect();
        parts.len() >= 2 && parts.iter().all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
    });
    let year = words.iter().any(|w| w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()));
    words.len() >= 3 && time && year
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(items: &[Item]) -> Vec<Result<String, String>> {
        items.iter().map(|i| i.bytes.clone().map(|b| String::from_utf8(b).unwrap())).collect()
    }

    #[test]
    fn an_mbox_is_cut_at_dated_from_lines_only() {
        let mbox_text = "From ana@x.example Mon Jan  5 10:00:00 2026\nSubject: one\n\nFrom what I read,\n>From here on.\n\nFrom ben@x.example Mon Jan  5 11:00:00 2026\nSubject: two\n\nb\n";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("box.mbox");
        std::fs::write(&path, mbox_text).unwrap();
        let found = items(&path);
        assert_eq!(
            texts(&found),
            [
                Ok("Subject: one\n\nFrom what I read,\nFrom here on.\n".to_string()),
                Ok("Subject: two\n\nb\n".to_string())
            ]
        );
        assert_eq!(found[1].at.line, 7);
    }

    #[test]
    fn a_cut_mbox_refuses_its_last_message_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("box.mbox");
        std::fs::write(
            &path,
            "From a@x Mon Jan  5 10:00:00 2026\nSubject: one\n\na\n\nFrom b@x Mon Jan  5 11:00:00 2026\nSubject: tw",
        )
        .unwrap();
        let found = items(&path);
        assert!(found[0].bytes.is_ok());
        assert!(found[1].bytes.as_ref().unwrap_err().contains("cut short"));
    }

    #[test]
    fn a_folder_that_is_not_a_maildir_says_so() {
        let dir = tempfile::tempdir().unwrap();
        assert!(items(dir.path())[0].bytes.as_ref().unwrap_err().contains("not a Maildir"));
    }
}
