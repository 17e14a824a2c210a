//! Big-integer pieces of `maxent` (SPEC.md section 9.6): uniform big integers from the stream,
//! elementary symmetric polynomials of weights, and the unranking of a weighted subset.

use alloc::vec::Vec;
use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, ToPrimitive, Zero};

use crate::sampling::{Draw, uniform_draw};
use crate::stream::Stream;

/// `uniform_big(N)`: a uniform integer in `[0, n)`, `n >= 1`. Below `2^64` it is `uniform(n)`
/// of section 8; above, `w` 64-bit draws make a `w`-word integer, cut to the bit length of `n`,
/// and rejected while it is not below `n`. Every 64-bit draw is passed to `each_draw`.
pub fn uniform_big_logged(
    stream: &mut Stream,
    n: &BigUint,
    mut each_draw: impl FnMut(Draw),
) -> BigUint {
    if let Some(small) = n.to_u64() {
        let d = uniform_draw(stream, small);
        each_draw(d);
        return BigUint::from(d.value);
    }
    let bits = n.bits();
    let words = bits.div_ceil(64) as usize;
    let mask = (BigUint::one() << bits) - BigUint::one();
    loop {
        let mut digits = Vec::with_capacity(2 * words);
        for _ in 0..words {
            let x = stream.next_u64();
            each_draw(Draw {
                word: x,
                rejected: 0,
                range: 0,
                value: 0,
            });
            digits.push(x as u32);
            digits.push((x >> 32) as u32);
        }
        let r = BigUint::new(digits) & &mask;
        if &r < n {
            return r;
        }
    }
}

/// [`uniform_big_logged`] without the record of draws.
pub fn uniform_big(stream: &mut Stream, n: &BigUint) -> BigUint {
    uniform_big_logged(stream, n, |_| {})
}

/// `e_c(weights)` for `c = 0 ..= top`: the sum over the `c`-subsets of the product of their
/// weights.
pub fn elementary(weights: impl Iterator<Item = u32>, top: usize) -> Vec<BigUint> {
    let mut e = alloc::vec![BigUint::zero(); top + 1];
    e[0] = BigUint::one();
    for (seen, w) in weights.enumerate() {
        for c in (1..=top.min(seen + 1)).rev() {
            let add = &e[c - 1] * w;
            e[c] += add;
        }
    }
    e
}

/// The suffix table `E(i, r) = e_r(w_i, ..., w_{n-1})`, `r <= top`, of the unranking.
#[derive(Debug)]
pub struct Suffixes {
    top: usize,
    table: Vec<BigUint>,
    /// The same table in `u128` when every entry fits (every block of the unranking is then
    /// below an entry, and fits too): the unranking's fast path, with the same results.
    small: Option<Vec<u128>>,
}

impl Suffixes {
    /// The table of `weights` up to degree `top`.
    pub fn new(weights: &[u32], top: usize) -> Self {
        let n = weights.len();
        let mut table = alloc::vec![BigUint::zero(); (n + 1) * (top + 1)];
        table[n * (top + 1)] = BigUint::one();
        for i in (0..n).rev() {
            let (head, tail) = table.split_at_mut((i + 1) * (top + 1));
            let row = &mut head[i * (top + 1)..];
            row[0] = BigUint::one();
            for r in 1..=top {
                row[r] = &tail[r] + &tail[r - 1] * weights[i];
            }
        }
        let small = table.iter().map(ToPrimitive::to_u128).collect();
        Self { top, table, small }
    }

    fn get(&self, i: usize, r: usize) -> &BigUint {
        &self.table[i * (self.top + 1) + r]
    }

    /// `e_c` of all the weights.
    pub fn total(&self, c: usize) -> &BigUint {
        self.get(0, c)
    }
}

/// `subset(c, q)` of SPEC.md section 9.6: the positions of the `c`-subset that the integer
/// `q < e_c(weights)` designates, in increasing order. Each subset is designated by as many
/// values of `q` as the product of its weights.
pub fn unrank_subset(weights: &[u32], suffixes: &Suffixes, c: usize, q: &BigUint) -> Vec<usize> {
    if let (Some(small), Some(q)) = (&suffixes.small, q.to_u128()) {
        return unrank_small(weights, small, suffixes.top, c, q);
    }
    let mut q = q.clone();
    let mut chosen = Vec::with_capacity(c);
    let mut left = c;
    for (i, &w) in weights.iter().enumerate() {
        if left == 0 {
            break;
        }
        let rest = suffixes.get(i + 1, left - 1);
        let block = rest * w;
        if q < block {
            chosen.push(i);
            q = q.mod_floor(rest);
            left -= 1;
        } else {
            q -= block;
        }
    }
    chosen
}

/// [`unrank_subset`] in `u128`, for a table whose entries all fit.
fn unrank_small(weights: &[u32], table: &[u128], top: usize, c: usize, mut q: u128) -> Vec<usize> {
    let mut chosen = Vec::with_capacity(c);
    let mut left = c;
    for (i, &w) in weights.iter().enumerate() {
        if left == 0 {
            break;
        }
        let rest = table[(i + 1) * (top + 1) + left - 1];
        let block = rest * u128::from(w);
        if q < block {
            chosen.push(i);
            q %= rest;
            left -= 1;
        } else {
            q -= block;
        }
    }
    chosen
}
