//! SplitMix64, the one small deterministic generator of the project's tests and synthetic data: the
//! synthetic pools of [`crate::synthetic`], the benchmarks' pools, the national-roll example's
//! roll and the core's property tests. It is never used for a draw (draws take their
//! randomness from the protocol's streams).
//!
//! This file stands alone (no `use` of this crate), so that the core's tests can include it with
//! `#[path]` instead of depending on this crate and its LP solvers.

/// SplitMix64 (Steele, Lea and Flood, 2014): the same seed always gives the same numbers, on
/// every platform.
///
/// ```
/// use kleroterion_fair::synthetic::SplitMix64;
///
/// let mut rng = SplitMix64::new(1);
/// assert_eq!(rng.next_u64(), 0x910A_2DEC_8902_5CC1);
/// assert!(rng.below(6) < 6);
/// ```
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator whose state starts at `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`next_u64() % n`: slightly biased towards small numbers when `n` does
    /// not divide 2^64, which synthetic data can afford). `n` must not be 0.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}
