//! Maximal entropy: every compliant panel equally likely, or in proportion to the product of
//! its members' committed weights (SPEC.md section 9.6, a draft of version 3).
//!
//! The count ([`Count`]) is exact, in big integers, over the counted features; one uniform big
//! integer per attempt is walked down the count to a panel, and a panel that breaks a quota of
//! another feature or the household rule is rejected.

mod big;
mod count;

pub use big::{Suffixes, elementary, uniform_big, unrank_subset};
pub use count::{Count, MAX_CELLS, MAX_WEIGHT_TERMS, Tables, Type};
pub use num_bigint::BigUint;

use alloc::format;
use alloc::vec::Vec;

use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::Manifest;
use crate::model::ResolvedPool;
use crate::quotas::shared_household;
use crate::stream::{Purpose, Stream};
use crate::trace::{Log, Picked};

/// The most attempts a manifest may allow.
pub const MAX_ATTEMPTS: u32 = 100_000;

/// The method's parameters, borrowed from the manifest.
#[derive(Debug, Clone, Copy)]
pub struct Params<'a> {
    /// The counted features.
    pub counted: &'a [alloc::string::String],
    /// How many attempts before the draw fails.
    pub max_attempts: u32,
    /// One weight per record, or none (every weight 1).
    pub weights: &'a [u32],
}

/// Draws the panel; returns it in walk order with the number of rejected attempts.
pub fn draw(
    manifest: &Manifest,
    pool: &ResolvedPool,
    seed: &Digest,
    params: Params<'_>,
) -> Result<(Vec<u32>, u32)> {
    draw_logged(manifest, pool, seed, params, &mut Log::off())
}

/// [`draw`], recording every 64-bit draw of every attempt in `log`.
pub(crate) fn draw_logged(
    manifest: &Manifest,
    pool: &ResolvedPool,
    seed: &Digest,
    params: Params<'_>,
    log: &mut Log,
) -> Result<(Vec<u32>, u32)> {
    let count = Count::new(manifest, pool, params.counted, params.weights)?;
    let mut tables = Tables::default();
    attempts(
        manifest,
        pool,
        seed,
        (&count, &mut tables),
        params.max_attempts,
        log,
    )
}

/// The draw's attempts over a count already made: what [`draw`] does once the count exists,
/// for a caller that draws many times from the same count (a study of the distribution).
/// `tables` keeps what the walks reuse from one draw to the next; give it only draws over
/// this `count`.
pub fn draw_counted(
    manifest: &Manifest,
    pool: &ResolvedPool,
    seed: &Digest,
    (count, tables): (&Count, &mut Tables),
    max_attempts: u32,
) -> Result<(Vec<u32>, u32)> {
    attempts(
        manifest,
        pool,
        seed,
        (count, tables),
        max_attempts,
        &mut Log::off(),
    )
}

fn attempts(
    manifest: &Manifest,
    pool: &ResolvedPool,
    seed: &Digest,
    (count, tables): (&Count, &mut Tables),
    max_attempts: u32,
    log: &mut Log,
) -> Result<(Vec<u32>, u32)> {
    let total = count.total();
    if total == &BigUint::default() {
        return Err(Error::DrawFailed {
            detail: format!(
                "no panel of {} meets the quotas of the counted features in this pool",
                manifest.panel_size
            ),
        });
    }
    for a in 0..max_attempts {
        let mut stream = Stream::new(seed, Purpose::Panel, a);
        let q = big::uniform_big_logged(&mut stream, total, |d| {
            log.draw(Purpose::Panel.as_str(), a, d, Picked::Attempt(a));
        });
        let panel = count.walk(q, tables);
        if Walked::of(manifest, pool, &panel).accepted() {
            return Ok((panel, a));
        }
    }
    Err(Error::DrawFailed {
        detail: format!(
            "each of the {max_attempts} attempts of the maxent method drew a panel that breaks a quota or the household rule"
        ),
    })
}

/// What the rejection step sees of a walked panel.
struct Walked {
    /// The total quota violation (0 when every quota holds).
    violation: u64,
    /// Whether two members share a household under the rule.
    shares_household: bool,
}

impl Walked {
    fn of(manifest: &Manifest, pool: &ResolvedPool, panel: &[u32]) -> Self {
        let counts = crate::quotas::counts(&manifest.features, pool, panel);
        Self {
            violation: crate::quotas::violation(&manifest.features, &counts),
            shares_household: manifest.household_rule && shared_household(pool, panel).is_some(),
        }
    }

    /// Whether a draw accepts the panel: it meets every quota and the household rule.
    fn accepted(&self) -> bool {
        self.violation == 0 && !self.shares_household
    }
}

/// Checks the parameters of SPEC.md section 9.6 that need no pool.
pub(crate) fn validate(manifest: &Manifest, params: Params<'_>) -> Result<()> {
    let invalid = |detail| Err(Error::InvalidMethod { detail });
    for (i, name) in params.counted.iter().enumerate() {
        crate::text::check(name, crate::text::TextKind::Name, || {
            "maxent counted feature".into()
        })?;
        if params.counted[..i].contains(name) {
            return invalid(format!(
                "the maxent method counts the feature \"{name}\" twice; name it once"
            ));
        }
        if manifest.feature(name).is_none() {
            return Err(Error::UnknownFeature {
                field: "the method",
                feature: name.clone(),
            });
        }
    }
    if !(1..=MAX_ATTEMPTS).contains(&params.max_attempts) {
        return invalid(format!(
            "maxent max_attempts is {}; use 1 to 100,000",
            params.max_attempts
        ));
    }
    let n = manifest.pool.count as usize;
    if !params.weights.is_empty() && params.weights.len() != n {
        return invalid(format!(
            "the maxent method gives {} weights for {n} records; give one per record, in pool order, or none",
            params.weights.len()
        ));
    }
    if let Some(i) = params.weights.iter().position(|&w| w == 0) {
        return invalid(format!(
            "the maxent weight of record {i} is 0; every weight is at least 1"
        ));
    }
    Ok(())
}

/// How many walks of the count meet every quota and the household rule: what an organiser
/// reads before committing to a `maxent` manifest, to know how many attempts a draw needs. It
/// is not part of the protocol: the walks are those of the stream (`panel`, `i`) under the
/// fixed seed `SHA-256("kleroterion maxent forecast")`, not of any draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Forecast {
    /// How many walks were tried.
    pub walks: u32,
    /// How many of them met every quota and the household rule.
    pub accepted: u32,
    /// The total quota violation of the walks, summed (`sum over (f, v) of max(0, min - count)
    /// + max(0, count - max)` for each): how far the others were from the quotas.
    pub violation: u64,
}

impl Forecast {
    /// Tries `walks` walks of `count`, the count of `manifest` over `pool`.
    pub fn new(manifest: &Manifest, pool: &ResolvedPool, count: &Count, walks: u32) -> Self {
        let seed = crate::encoding::sha256(b"kleroterion maxent forecast");
        let mut tables = Tables::default();
        let total = count.total();
        let mut out = Self {
            walks,
            accepted: 0,
            violation: 0,
        };
        if total == &BigUint::default() {
            out.violation = u64::MAX;
            return out;
        }
        for i in 0..walks {
            let q = uniform_big(&mut Stream::new(&seed, Purpose::Panel, i), total);
            let walked = Walked::of(manifest, pool, &count.walk(q, &mut tables));
            out.violation = out.violation.saturating_add(walked.violation);
            out.accepted += u32::from(walked.accepted());
        }
        out
    }

    /// The estimated chance that all `max_attempts` attempts of a draw are rejected,
    /// `(1 - accepted / walks)^max_attempts`.
    pub fn failure_chance(&self, max_attempts: u32) -> f64 {
        if self.walks == 0 {
            return 1.0;
        }
        let p = f64::from(self.accepted) / f64::from(self.walks);
        pow_u32(1.0 - p, max_attempts)
    }
}

/// `x^n` by squaring (the core has no `std` floating-point functions).
fn pow_u32(x: f64, mut n: u32) -> f64 {
    let (mut base, mut out) = (x, 1.0);
    while n > 0 {
        if n & 1 == 1 {
            out *= base;
        }
        base *= base;
        n >>= 1;
    }
    out
}

/// `names` (features of `features`, unknown ones left out) in the order that keeps the count
/// smallest: the feature whose counts can take the most combinations, `prod(min(max, k) + 1)`
/// over its values, first, since its values are finished one after the other; ties in the
/// order of `features`. Not part of the protocol: any order draws the same distribution.
pub fn count_order(
    features: &[crate::model::Feature],
    names: &[alloc::string::String],
    k: u32,
) -> Vec<alloc::string::String> {
    let combinations = |f: &crate::model::Feature| -> u128 {
        f.values.iter().fold(1u128, |acc, q| {
            acc.saturating_mul(u128::from(q.max.min(k)) + 1)
        })
    };
    let mut chosen: Vec<&crate::model::Feature> = features
        .iter()
        .filter(|f| names.contains(&f.name))
        .collect();
    chosen.sort_by_key(|f| core::cmp::Reverse(combinations(f)));
    chosen.into_iter().map(|f| f.name.clone()).collect()
}

/// What lets a draw reject a panel (SPEC.md section 9.6): a feature whose quotas some panel of
/// `k` could break that is not counted, or two records that share a household under the rule.
/// When neither is there, every walked panel is accepted and the count gives each record's
/// probability exactly ([`exact_probabilities`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rejection {
    /// The features with a quota some panel could break that are not counted, in manifest
    /// order.
    pub uncounted: Vec<alloc::string::String>,
    /// Two records (pool indices) that share a household, when the household rule is on.
    pub shared_household: Option<(u32, u32)>,
}

impl Rejection {
    /// What in `manifest` and `pool` lets a draw that counts `counted` reject a panel.
    pub fn of(manifest: &Manifest, pool: &ResolvedPool, counted: &[alloc::string::String]) -> Self {
        let k = manifest.panel_size;
        let bound = |f: &crate::model::Feature| f.values.iter().any(|q| q.min > 0 || q.max < k);
        let uncounted = manifest
            .features
            .iter()
            .filter(|f| bound(f) && !counted.contains(&f.name))
            .map(|f| f.name.clone())
            .collect();
        let shared_household = if manifest.household_rule {
            let everyone: Vec<u32> = (0..u32::try_from(pool.len()).unwrap_or(u32::MAX)).collect();
            shared_household(pool, &everyone)
        } else {
            None
        };
        Self {
            uncounted,
            shared_household,
        }
    }

    /// True when some panel can be rejected.
    pub fn possible(&self) -> bool {
        !self.uncounted.is_empty() || self.shared_household.is_some()
    }
}

/// Each record's exact probability of being drawn, as `(numerator by pool index, Z)`, when the
/// draw never rejects a panel (no [`Rejection`] is possible). `None` otherwise: rejection then
/// conditions the distribution, and the count alone does not give the probabilities (estimate
/// them from draws).
pub fn exact_probabilities(
    manifest: &Manifest,
    pool: &ResolvedPool,
    count: &Count,
    counted: &[alloc::string::String],
) -> Option<(Vec<BigUint>, BigUint)> {
    (!Rejection::of(manifest, pool, counted).possible())
        .then(|| (count.inclusion(pool.len()), count.total().clone()))
}

/// `num / den` as a floating-point number, for `num <= den`: the quotient of `num · 2^s` by
/// `den` keeps 64 significant bits before it is scaled back by `2^-s`. 0 when either is 0.
pub fn probability(num: &BigUint, den: &BigUint) -> f64 {
    let zero = BigUint::default();
    if num == &zero || den == &zero {
        return 0.0;
    }
    let mut shift = 64 + den.bits().saturating_sub(num.bits());
    let quotient: BigUint = (num << shift) / den;
    let mut value = quotient
        .to_u64_digits()
        .iter()
        .rev()
        .fold(0.0, |acc, &d| acc * TWO_TO_64 + d as f64);
    while shift >= 64 {
        value /= TWO_TO_64;
        shift -= 64;
    }
    value / (1u64 << shift) as f64
}

/// 2^64 as a float.
const TWO_TO_64: f64 = 18_446_744_073_709_551_616.0;
