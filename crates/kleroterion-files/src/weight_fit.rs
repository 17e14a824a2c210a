//! Fitting `maxent` weights to target selection probabilities (SPEC.md section 9.6, weighted
//! form): the organiser's side of "FairMaxEntropy made verifiable".
//!
//! The distribution of largest entropy whose selection probabilities are given puts on each
//! compliant panel a probability proportional to the product of one positive number per person.
//! The fit looks for those numbers by multiplicative scaling: each round makes the exact count
//! with the current weights, reads every person's exact probability from it, and multiplies
//! each weight by `(target / probability)^step`. A round that lowers the sum of the squared
//! gaps is kept and the step grows again (up to 1); another is dropped and the step halved. The
//! weights are whole numbers in every round (the largest is [`SCALE`], none below 1), so the
//! probabilities measured are those of the weights committed. Each round costs one exact count:
//! about a second near the cell limit, so up to [`ROUNDS`] seconds there. Rounds are counted,
//! never timed, and nothing depends on hash order: the same inputs give the same weights.
//!
//! Only a draw that never rejects a panel has exact probabilities in the count (every feature
//! whose quotas some panel could break is counted, and no two people share a household under the
//! rule); another draw is refused, naming what to count.

use kleroterion::Manifest;
use kleroterion::methods::maxent::{self, Count, Rejection};
use kleroterion::model::ResolvedPool;

use crate::error::{FileError, Result};

/// The largest fitted weight: the others are scaled to it and rounded, at least 1.
pub const SCALE: f64 = 1_000_000.0;
/// The most rounds of scaling.
pub const ROUNDS: u32 = 200;
/// The fit stops once every probability is this close to its target.
pub const TOLERANCE: f64 = 1e-6;
/// The fit stops when the step falls below this.
const MIN_STEP: f64 = 1.0 / 1024.0;

/// Weights fitted to target probabilities, with what they give.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightFit {
    /// One whole weight per record, in pool order.
    pub weights: Vec<u32>,
    /// The exact probability of each record under these weights, in pool order.
    pub probabilities: Vec<f64>,
    /// The largest `|probability - target|`.
    pub largest_gap: f64,
    /// The round that found these weights (0: every weight 1).
    pub rounds: u32,
}

/// Fits the weights of `manifest`'s `maxent` method, over `pool`, to `target` (one probability
/// per record, in pool order, summing to the panel size). The manifest's own weights are
/// ignored. Refused for another method, for targets of the wrong length, and for a draw that
/// can reject a panel.
pub fn fit(manifest: &Manifest, pool: &ResolvedPool, target: &[f64]) -> Result<WeightFit> {
    let params = manifest
        .method
        .maxent_params()
        .ok_or_else(|| FileError::Invalid {
            detail: format!(
                "weights are fitted for the maxent method, and the method is {}",
                manifest.method.name()
            ),
        })?;
    let n = pool.len();
    if target.len() != n || target.iter().any(|t| !(0.0..=1.0).contains(t)) {
        return Err(FileError::Invalid {
            detail: format!(
                "{} target probabilities for {n} records; give one per record, each from 0 to 1",
                target.len()
            ),
        });
    }
    let rejection = Rejection::of(manifest, pool, params.counted);
    if rejection.possible() {
        return Err(not_exact(&rejection));
    }
    let evaluate = |weights: Vec<u32>| -> Result<WeightFit> {
        let count = Count::new(manifest, pool, params.counted, &weights)
            .map_err(|e| FileError::core("counting the maxent panels", e))?;
        let (held, z) = maxent::exact_probabilities(manifest, pool, &count, params.counted)
            .ok_or_else(|| not_exact(&rejection))?;
        let probabilities: Vec<f64> = held.iter().map(|h| maxent::probability(h, &z)).collect();
        Ok(WeightFit {
            largest_gap: largest_gap(&probabilities, target),
            weights,
            probabilities,
            rounds: 0,
        })
    };
    let mut best = evaluate(vec![1; n])?;
    let mut best_gap = squared_gap(&best.probabilities, target);
    let mut step = 1.0;
    for round in 1..ROUNDS {
        if best.largest_gap <= TOLERANCE || step < MIN_STEP {
            break;
        }
        let real: Vec<f64> = (0..n)
            .map(|i| f64::from(best.weights[i]) * factor(target[i], best.probabilities[i], step))
            .collect();
        let next = evaluate(whole(&real))?;
        let next_gap = squared_gap(&next.probabilities, target);
        if next_gap < best_gap {
            best_gap = next_gap;
            best = WeightFit {
                rounds: round,
                ..next
            };
            step = (step * 1.5).min(1.0);
        } else {
            step /= 2.0;
        }
    }
    Ok(best)
}

/// The factor `(target / probability)^step`, bounded so that one round never moves a weight by
/// more than a factor of 1,000 either way.
fn factor(target: f64, probability: f64, step: f64) -> f64 {
    let ratio = if probability > 0.0 {
        target / probability
    } else {
        1e3
    };
    ratio.clamp(1e-3, 1e3).powf(step)
}

/// Whole weights from real ones: the largest becomes [`SCALE`], none falls below 1.
fn whole(real: &[f64]) -> Vec<u32> {
    let top = real.iter().copied().fold(f64::MIN_POSITIVE, f64::max);
    real.iter()
        .map(|&r| ((r / top) * SCALE).round().clamp(1.0, SCALE) as u32)
        .collect()
}

/// The sum of `(p - t)^2`.
fn squared_gap(p: &[f64], target: &[f64]) -> f64 {
    p.iter().zip(target).map(|(p, t)| (p - t) * (p - t)).sum()
}

/// The largest `|p - t|`.
fn largest_gap(p: &[f64], target: &[f64]) -> f64 {
    p.iter()
        .zip(target)
        .map(|(p, t)| (p - t).abs())
        .fold(0.0, f64::max)
}

/// Why a draw's probabilities are not exact: the features with bound quotas not counted, and
/// shared households.
fn not_exact(rejection: &Rejection) -> FileError {
    let households = rejection.shared_household.is_some();
    FileError::Invalid {
        detail: format!(
            "weights can be fitted only when no panel can be rejected, so that the count gives every probability exactly; here a panel can break {}. Fix: count every feature whose quotas a panel could break{}",
            if households {
                "the household rule".to_owned()
            } else {
                format!("a quota of {}", rejection.uncounted.join(", "))
            },
            if households {
                " and draw without the household rule, or fit the weights with your own optimiser and give them with --weights"
            } else {
                ""
            }
        ),
    }
}
