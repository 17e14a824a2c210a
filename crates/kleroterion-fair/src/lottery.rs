//! Rounding a distribution to a uniform lottery over M panels.
//!
//! Method: systematic sampling along the distribution's panels. Lay the panels on `[0, 1)` in
//! their order, each taking an interval as long as its weight, and take the panel under each of
//! the M points `(i + 1/2) / M`. Panel `j` is then taken `floor` or `ceil` of `M * w_j` times
//! (within one), and a person whose panels form `R` runs of consecutive panels in that order is
//! covered by `R` intervals, each of which holds its length times M points give or take less
//! than one. Hence the guarantee, checked by the property tests:
//!
//! `|lottery probability - distribution probability| < R / M` for every person, where `R` is
//! that person's number of runs; [`Portfolio::bound`] reports `max R / M`.
//!
//! The distributions from [`crate::leximin`] are laid out so that runs are few: all panels
//! expanded from one panel over types are consecutive, and inside them a person's windows are
//! consecutive (cyclically), so `R` is at most twice the number of type panels that take some
//! but not all of the person's type, plus the number that take all of it.

use crate::{Distribution, FairError, Instance, ProbabilitySummary};

/// Default number of panels in a lottery.
pub const DEFAULT_LOTTERY_SIZE: u32 = 1000;

/// A uniform lottery over M panels (possibly with repeats): draw one of them uniformly.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Portfolio {
    /// The M panels, each strictly ascending, the list sorted lexicographically.
    pub panels: Vec<Vec<u32>>,
    /// Each person's probability under the uniform lottery (number of panels holding them / M).
    pub probabilities: Vec<f64>,
    /// Largest absolute change of any person's probability from the distribution.
    pub max_change: f64,
    /// The guaranteed bound on `max_change` for this distribution (see the module docs).
    pub bound: f64,
    /// Summary statistics of `probabilities`.
    pub report: ProbabilitySummary,
}

impl Portfolio {
    /// The committed method of this lottery: its panels as pool indices. They are pool
    /// indices when the instance came from the pool ([`Instance::from_pool`]), whose person
    /// `i` is pool index `i`.
    pub fn into_method(self) -> kleroterion::Method {
        kleroterion::Method::Lottery {
            portfolio: self.panels,
        }
    }
}

/// Rounds `distribution` to a uniform lottery over exactly `m` panels, each one a panel of the
/// distribution's support (so each meets every quota and the household rule).
///
/// Errors with [`FairError::InvalidArgument`] for `m == 0`, [`FairError::InvalidInstance`] for a
/// malformed instance and [`FairError::InvalidDistribution`] when the distribution does not fit
/// the instance (lengths, a panel that breaks a rule, weights not summing to 1).
pub fn round_to_lottery(
    instance: &Instance,
    distribution: &Distribution,
    m: u32,
) -> Result<Portfolio, FairError> {
    instance.validate()?;
    if m == 0 {
        return Err(FairError::InvalidArgument(
            "the lottery needs at least one panel".into(),
        ));
    }
    let bad = |s: String| Err(FairError::InvalidDistribution(s));
    let n = instance.len();
    if distribution.panels.len() != distribution.weights.len() {
        return bad("panels and weights differ in length".into());
    }
    if distribution.probabilities.len() != n {
        return bad(format!(
            "{} probabilities for {n} people",
            distribution.probabilities.len()
        ));
    }
    let mut total = 0.0;
    for (j, (panel, &w)) in distribution
        .panels
        .iter()
        .zip(&distribution.weights)
        .enumerate()
    {
        if !w.is_finite() || w < 0.0 {
            return bad(format!("panel {j} has weight {w}"));
        }
        if w > 0.0
            && let Err(e) = instance.check_panel(panel)
        {
            return bad(format!("panel {j}: {e}"));
        }
        total += w;
    }
    if !(total - 1.0).abs().le(&1e-6) {
        return bad(format!("weights sum to {total}, not 1"));
    }
    let recomputed =
        crate::realize::person_probabilities(n, &distribution.panels, &distribution.weights);
    for (i, (a, b)) in recomputed
        .iter()
        .zip(&distribution.probabilities)
        .enumerate()
    {
        if !(a - b).abs().le(&1e-6) {
            return bad(format!(
                "person {i} has probability {b}, but the panels give {a}"
            ));
        }
    }

    // Systematic sampling.
    let support: Vec<usize> = (0..distribution.panels.len())
        .filter(|&j| distribution.weights[j] > 0.0)
        .collect();
    let mut chosen: Vec<usize> = Vec::with_capacity(m as usize);
    let mut cum = 0.0;
    let mut idx = 0;
    for i in 0..m {
        let point = (f64::from(i) + 0.5) / f64::from(m) * total;
        while idx + 1 < support.len() && cum + distribution.weights[support[idx]] <= point {
            cum += distribution.weights[support[idx]];
            idx += 1;
        }
        chosen.push(support[idx]);
    }

    // Runs per person, for the bound.
    let mut last = vec![usize::MAX; n];
    let mut runs = vec![0u32; n];
    for (pos, &j) in support.iter().enumerate() {
        for &p in &distribution.panels[j] {
            let p = p as usize;
            if pos == 0 || last[p] != pos - 1 {
                runs[p] += 1;
            }
            last[p] = pos;
        }
    }
    let max_runs = runs.iter().copied().max().unwrap_or(0);
    let bound = (f64::from(max_runs) / f64::from(m)).min(1.0);

    let mut counts = vec![0u32; n];
    let mut panels: Vec<Vec<u32>> = chosen
        .iter()
        .map(|&j| distribution.panels[j].clone())
        .collect();
    for panel in &panels {
        for &p in panel {
            counts[p as usize] += 1;
        }
    }
    panels.sort();
    let probabilities: Vec<f64> = counts
        .iter()
        .map(|&c| f64::from(c) / f64::from(m))
        .collect();
    let max_change = probabilities
        .iter()
        .zip(&distribution.probabilities)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    let report = ProbabilitySummary::new(&probabilities, instance.panel_size);
    Ok(Portfolio {
        panels,
        probabilities,
        max_change,
        bound,
        report,
    })
}
