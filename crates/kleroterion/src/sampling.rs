//! Integer sampling: Lemire's method and partial Fisher–Yates (SPEC.md section 8).

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::stream::Stream;

/// A uniform integer in `[0, n)`, by Lemire's multiply-and-reject on 64-bit draws.
///
/// `n` must be at least 1; `uniform(s, 0)` returns 0 without consuming anything.
pub fn uniform(s: &mut Stream, n: u64) -> u64 {
    uniform_draw(s, n).value
}

/// One uniform integer as [`uniform`] draws it, with the 64-bit draw that gave it: what a
/// published trace of the draw shows for each pick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Draw {
    /// The 64-bit draw accepted (0 when `range` is 0 and nothing was drawn).
    pub word: u64,
    /// How many earlier draws were rejected for this integer.
    pub rejected: u32,
    /// `n`: the integer is in `[0, n)`.
    pub range: u64,
    /// The integer: the high 64 bits of `word × n`.
    pub value: u64,
}

/// [`uniform`], returning the draw behind the integer.
pub fn uniform_draw(s: &mut Stream, n: u64) -> Draw {
    let mut out = Draw {
        word: 0,
        rejected: 0,
        range: n,
        value: 0,
    };
    if n == 0 {
        return out;
    }
    let threshold = n.wrapping_neg() % n;
    loop {
        let word = s.next_u64();
        let m = u128::from(word) * u128::from(n);
        if (m as u64) >= threshold {
            out.word = word;
            out.value = (m >> 64) as u64;
            return out;
        }
        out.rejected += 1;
    }
}

/// `k` distinct integers of `[0, n)` in draw order (forward partial Fisher–Yates).
///
/// Memory is proportional to `k`, not `n`: only swapped cells are stored.
pub fn sample(s: &mut Stream, n: u32, k: u32) -> Vec<u32> {
    let mut perm = Permutation::new(n);
    (0..k.min(n)).filter_map(|_| perm.next(s)).collect()
}

/// A Fisher–Yates shuffle of `[0, n)` run lazily, one position at a time.
#[derive(Debug, Clone)]
pub struct Permutation {
    n: u32,
    i: u32,
    swapped: BTreeMap<u32, u32>,
}

impl Permutation {
    /// A fresh shuffle of `[0, n)`.
    pub fn new(n: u32) -> Self {
        Self {
            n,
            i: 0,
            swapped: BTreeMap::new(),
        }
    }

    /// How many positions remain.
    pub fn remaining(&self) -> u32 {
        self.n - self.i
    }

    /// The next element, or `None` once all `n` were produced.
    pub fn next(&mut self, s: &mut Stream) -> Option<u32> {
        self.next_draw(s).map(|(x, _)| x)
    }

    /// The next element with the draw that chose it among the `remaining()` positions.
    pub fn next_draw(&mut self, s: &mut Stream) -> Option<(u32, Draw)> {
        if self.i >= self.n {
            return None;
        }
        let i = self.i;
        let draw = uniform_draw(s, u64::from(self.n - i));
        let j = i + draw.value as u32;
        let at_i = self.swapped.get(&i).copied().unwrap_or(i);
        let at_j = self.swapped.get(&j).copied().unwrap_or(j);
        self.swapped.insert(j, at_i);
        self.swapped.remove(&i);
        self.i += 1;
        Some((at_j, draw))
    }
}
