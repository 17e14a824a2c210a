//! The IETF NomCom procedure of RFC 3797 (SPEC.md section 9.5).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;
use md5::{Digest as _, Md5};

use crate::error::{Error, Result};

/// One pick: the MD5 value and the pool index chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pick {
    /// `MD5(u16(i) || key || u16(i))`.
    pub md5: [u8; 16],
    /// How many entries remained before this pick.
    pub remaining: u32,
    /// The 0-based pool index picked.
    pub index: u32,
}

/// The first `count` picks among `n` entries for an RFC 3797 key, with their MD5 values.
pub fn picks_detailed(key: &str, n: u32, count: u32) -> Vec<Pick> {
    let mut left: Vec<u32> = (0..n).collect();
    let mut out = Vec::new();
    for i in 0..count.min(n) {
        // RFC 3797 numbers iterations with 2 bytes; more than 65,536 picks are not defined.
        let tag = (i as u16).to_be_bytes();
        let mut h = Md5::new();
        h.update(tag);
        h.update(key.as_bytes());
        h.update(tag);
        let md5: [u8; 16] = h.finalize().into();
        let v = u128::from_be_bytes(md5);
        let remaining = left.len() as u32;
        let pos = (v % u128::from(remaining)) as usize;
        out.push(Pick {
            md5,
            remaining,
            index: left.remove(pos),
        });
    }
    out
}

/// The first `count` pool indices picked for an RFC 3797 key.
pub fn picks(key: &str, n: u32, count: u32) -> Vec<u32> {
    picks_detailed(key, n, count)
        .into_iter()
        .map(|p| p.index)
        .collect()
}

/// A non-negative decimal number of an RFC 3797 source (RFC 3797 section 4): `digits[.digits]`.
///
/// Protocol draws use whole lottery numbers (SPEC.md section 6.2); the standalone RFC 3797
/// procedure also accepts decimals, such as a stock index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal {
    int: String,
    frac: String,
}

impl Decimal {
    /// Parses `digits[.digits]`.
    pub fn parse(s: &str) -> Result<Self> {
        let bad = || Error::InvalidReveal {
            detail: format!(
                "\"{s}\" is not a non-negative decimal number (digits, optionally a point and digits)"
            ),
        };
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) => (i, f),
            None => (s, ""),
        };
        let digits = |p: &str| p.bytes().all(|c| c.is_ascii_digit());
        if int.is_empty()
            || !digits(int)
            || !digits(frac)
            || (s.contains('.') && frac.is_empty())
            || s.len() > 64
        {
            return Err(bad());
        }
        let int = int.trim_start_matches('0');
        Ok(Self {
            int: if int.is_empty() {
                "0".into()
            } else {
                int.into()
            },
            frac: frac.trim_end_matches('0').into(),
        })
    }

    /// The canonical decimal text, without the terminating period.
    pub fn canonical(&self) -> String {
        if self.frac.is_empty() {
            self.int.clone()
        } else {
            format!("{}.{}", self.int, self.frac)
        }
    }

    fn numeric_cmp(&self, other: &Self) -> Ordering {
        self.int
            .len()
            .cmp(&other.int.len())
            .then_with(|| self.int.cmp(&other.int))
            .then_with(|| self.frac.cmp(&other.frac))
    }
}

/// RFC 3797's canonical form of a source's numbers: sorted numerically, each followed by a
/// period.
pub fn canonical_decimals(numbers: &[Decimal]) -> String {
    let mut sorted: Vec<&Decimal> = numbers.iter().collect();
    sorted.sort_by(|a, b| a.numeric_cmp(b));
    let mut out = String::new();
    for n in sorted {
        out.push_str(&n.canonical());
        out.push('.');
    }
    out
}
