//! The report as JSON, for scripts: the `Participation` value as it is, indented.

use super::Participation;

/// Pretty-printed JSON ending in a newline.
pub fn render(participation: &Participation) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(participation).expect("the report is plain data");
    bytes.push(b'\n');
    bytes
}
