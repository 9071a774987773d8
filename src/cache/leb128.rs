//! Numbers as LEB128, the form of the build cache's compact files (the search counts, the parse
//! cache): seven bits a byte, lowest first, the high bit on in all but the last.

/// Appends `n`.
pub(crate) fn put(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Reads a number [`put`] wrote at the start of `bytes`, and moves past it; none when the bytes end
/// first or it is past 64 bits.
pub(crate) fn take(bytes: &mut &[u8]) -> Option<u64> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = bytes.split_first()?;
        *bytes = rest;
        n |= u64::from(byte & 0x7f).checked_shl(shift)?;
        if byte < 0x80 {
            return Some(n);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_come_back_as_written_in_as_many_bytes_as_said() {
        for (n, length) in [(0, 1), (1, 1), (127, 1), (128, 2), (16_383, 2), (16_384, 3), (u32::MAX, 5)] {
            let mut out = Vec::new();
            put(&mut out, u64::from(n));
            assert_eq!(out.len(), length, "{n}");
            assert_eq!(take(&mut &out[..]), Some(u64::from(n)));
        }
        assert_eq!(take(&mut &[0x80][..]), None, "cut short");
        assert_eq!(take(&mut &[0xff; 12][..]), None, "past 64 bits");
    }
}
