//! Numbers as LEB128, the form of the build cache's compact files (the search counts, the parse
//! cache): seven bits a byte, lowest first, the high bit on in all but the last.

/// Appends `n`.
pub(crate) fn put(out: &mut Vec<u8>, n: u64) {
    let (bytes, len) = encoded(n);
    out.extend_from_slice(&bytes[..len]);
}

/// `n` as [`put`] writes it: its bytes, and how many.
pub(crate) fn encoded(mut n: u64) -> ([u8; 10], usize) {
    let mut bytes = [0; 10];
    let mut len = 0;
    while n >= 0x80 {
        bytes[len] = (n as u8) | 0x80;
        len += 1;
        n >>= 7;
    }
    bytes[len] = n as u8;
    (bytes, len + 1)
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

/// How many bytes [`put`] writes for `n`.
pub(crate) fn length(n: u32) -> usize {
    (32 - n.leading_zeros() as usize).max(1).div_ceil(7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_come_back_as_written_in_as_many_bytes_as_said() {
        for n in [0, 1, 127, 128, 16_383, 16_384, u32::MAX] {
            let mut out = Vec::new();
            put(&mut out, u64::from(n));
            assert_eq!(out.len(), length(n), "{n}");
            assert_eq!(take(&mut &out[..]), Some(u64::from(n)));
        }
        assert_eq!(take(&mut &[0x80][..]), None, "cut short");
        assert_eq!(take(&mut &[0xff; 12][..]), None, "past 64 bits");
    }
}
