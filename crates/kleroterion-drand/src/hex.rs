//! Minimal hexadecimal decoding (either case, no prefix, no separators).

use alloc::vec::Vec;

/// Why a hex string was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HexError {
    /// A character is not a hex digit, or the number of digits is odd.
    NotHex,
    /// Well-formed hex, but of the wrong number of bytes (the number found).
    Length(usize),
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decodes a hex string of any even length.
pub(crate) fn decode(s: &str) -> Result<Vec<u8>, HexError> {
    let bytes = s.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return Err(HexError::NotHex);
    }
    bytes
        .chunks_exact(2)
        .map(|pair| match pair {
            &[hi, lo] => match (nibble(hi), nibble(lo)) {
                (Some(hi), Some(lo)) => Ok((hi << 4) | lo),
                _ => Err(HexError::NotHex),
            },
            _ => Err(HexError::NotHex),
        })
        .collect()
}

/// Decodes a hex string of exactly `N` bytes.
pub(crate) fn decode_array<const N: usize>(s: &str) -> Result<[u8; N], HexError> {
    let v = decode(s)?;
    let found = v.len();
    v.try_into().map_err(|_| HexError::Length(found))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_both_cases() {
        assert_eq!(decode("00ffAB"), Ok(alloc::vec![0x00, 0xff, 0xab]));
        assert_eq!(decode(""), Ok(Vec::new()));
    }

    #[test]
    fn refuses_bad_hex() {
        assert_eq!(decode("abc"), Err(HexError::NotHex));
        assert_eq!(decode("zz"), Err(HexError::NotHex));
        assert_eq!(decode("0x00"), Err(HexError::NotHex));
        assert_eq!(decode("é0"), Err(HexError::NotHex));
        assert_eq!(decode_array::<2>("0011"), Ok([0, 0x11]));
        assert_eq!(decode_array::<2>("001122"), Err(HexError::Length(3)));
    }
}
