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

/// The most picks RFC 3797 defines: it numbers them with 2 bytes (SPEC.md section 9.5).
pub const MAX_PICKS: u32 = 65_536;

/// How many picks `count` asks for among `n` entries: `count` (all entries when `None`), never
/// more than `n`. More than [`MAX_PICKS`] is refused with [`Error::TooManyPicks`], never wrapped
/// or cut silently.
pub fn pick_count(n: u32, count: Option<u32>) -> Result<u32> {
    let asked = count.unwrap_or(n).min(n);
    if asked > MAX_PICKS {
        return Err(Error::TooManyPicks { asked });
    }
    Ok(asked)
}

/// The first `count` picks among `n` entries for an RFC 3797 key, with their MD5 values
/// (`count` is capped at `n`, as [`pick_count`] does).
///
/// Fails with [`Error::TooManyPicks`] past [`MAX_PICKS`].
pub fn picks_detailed(key: &str, n: u32, count: u32) -> Result<Vec<Pick>> {
    let count = pick_count(n, Some(count))?;
    let mut left: Vec<u32> = (0..n).collect();
    let mut out = Vec::new();
    for i in 0..count {
        // `i` is below MAX_PICKS = 2^16, so it fits the 2 bytes RFC 3797 numbers picks with.
        let tag = u16::try_from(i)
            .map_err(|_| Error::TooManyPicks { asked: count })?
            .to_be_bytes();
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
    Ok(out)
}

/// The first `count` pool indices picked for an RFC 3797 key; fails as [`picks_detailed`].
pub fn picks(key: &str, n: u32, count: u32) -> Result<Vec<u32>> {
    Ok(picks_detailed(key, n, count)?
        .into_iter()
        .map(|p| p.index)
        .collect())
}

/// The RFC 3797 key of the procedure run on its own (outside a manifest): each source is a
/// text of the numbers drawn (`"2 5 12 8 10"`), separated by spaces or commas, each a
/// non-negative decimal number (`digits[.digits]`, [`Decimal`]); the key is each source's
/// [`canonical_decimals`] followed by `/`, in the order given (RFC 3797 section 4).
///
/// Fails with [`Error::InvalidArgument`] (`sources`) naming the source (1-based) and the
/// number, when there is no source, a source holds no number, or a number cannot be read.
pub fn key_of_sources<S: AsRef<str>>(sources: &[S]) -> Result<String> {
    if sources.is_empty() {
        return Err(Error::InvalidArgument {
            field: "sources",
            detail:
                "no random source; give the numbers drawn, one source each, e.g. \"2 5 12 8 10\""
                    .into(),
        });
    }
    let mut key = String::new();
    for (i, source) in sources.iter().enumerate() {
        let source = source.as_ref();
        let shown = || crate::text::display(source, 80);
        let numbers = source
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|s| !s.is_empty())
            .map(|s| {
                Decimal::parse(s).map_err(|_| Error::InvalidArgument {
                    field: "sources",
                    detail: format!(
                        "source {} (\"{}\"): \"{}\" is not a non-negative number; give the numbers drawn, e.g. \"2 5 12 8 10\"",
                        i + 1,
                        shown(),
                        crate::text::display(s, 80)
                    ),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        if numbers.is_empty() {
            return Err(Error::InvalidArgument {
                field: "sources",
                detail: format!(
                    "source {} (\"{}\") holds no number; give the numbers drawn, e.g. \"2 5 12 8 10\"",
                    i + 1,
                    shown()
                ),
            });
        }
        key.push_str(&canonical_decimals(&numbers));
        key.push('/');
    }
    Ok(key)
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
