//! The IETF NomCom procedure of RFC 3797 (SPEC.md section 9.5).

use alloc::vec::Vec;
use md5::{Digest as _, Md5};

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
