//! Integer sampling: Lemire's method and partial Fisher–Yates (SPEC.md section 8).

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::stream::Stream;

/// A uniform integer in `[0, n)`, by Lemire's multiply-and-reject on 64-bit draws.
///
/// `n` must be at least 1; `uniform(s, 0)` returns 0 without consuming anything.
pub fn uniform(s: &mut Stream, n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    let threshold = n.wrapping_neg() % n;
    loop {
        let m = u128::from(s.next_u64()) * u128::from(n);
        if (m as u64) >= threshold {
            return (m >> 64) as u64;
        }
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
        if self.i >= self.n {
            return None;
        }
        let i = self.i;
        let j = i + uniform(s, u64::from(self.n - i)) as u32;
        let at_i = self.swapped.get(&i).copied().unwrap_or(i);
        let at_j = self.swapped.get(&j).copied().unwrap_or(j);
        self.swapped.insert(j, at_i);
        self.swapped.remove(&i);
        self.i += 1;
        Some(at_j)
    }
}
