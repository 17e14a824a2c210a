//! Rounding a distribution to a uniform lottery over M panels.
//!
//! Two methods, chosen by [`Rounding`] in [`Options`]:
//!
//! **Minimax** (the default) chooses M panels so that the largest change of anyone's
//! probability is small: it starts from the systematic rounding below, improves how many times
//! each of the distribution's panels (over classes of interchangeable people) is taken by a
//! local search, then trades copies for new panels that a pricing MIP finds outside the
//! distribution's support; see the module `minimax` for the method. It is never worse than
//! systematic rounding, so [`Portfolio::bound`] holds for it too.
//!
//! **Systematic** sampling along the distribution's panels. Lay the panels on `[0, 1)` in
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

use crate::minimax::{Problem, Report};
use crate::options::Guard;
use crate::{Distribution, FairError, Instance, Options, ProbabilitySummary};

/// Default number of panels in a lottery.
pub const DEFAULT_LOTTERY_SIZE: u32 = 1000;

/// The offsets of the systematic roundings the minimax search starts from (the first is
/// systematic rounding itself).
const OFFSETS: [f64; 4] = [0.5, 0.25, 0.75, 0.125];
/// Tabu steps of the minimax search from each start.
const TABU_STEPS: usize = 100;
/// Rounds of the minimax search that price a panel from outside the support.
const GENERATED: usize = 400;

/// How a distribution is rounded to a lottery of M panels (see [`round_to_lottery_with`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Rounding {
    /// Keep the largest change of anyone's probability as small as the search can: systematic
    /// rounding, then a local search over how many times each panel is taken.
    #[default]
    Minimax,
    /// Systematic sampling along the distribution's panels, in their order.
    Systematic,
}

impl Rounding {
    /// The method's name: `"minimax"` or `"systematic"`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Minimax => "minimax",
            Self::Systematic => "systematic",
        }
    }
}

impl std::str::FromStr for Rounding {
    type Err = FairError;

    /// `"minimax"` or `"systematic"`, as [`Rounding::name`] writes them.
    fn from_str(s: &str) -> Result<Self, FairError> {
        match s {
            "minimax" => Ok(Self::Minimax),
            "systematic" => Ok(Self::Systematic),
            other => Err(FairError::InvalidArgument(format!(
                "unknown rounding {other:?}: \"minimax\" or \"systematic\""
            ))),
        }
    }
}

impl std::fmt::Display for Rounding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What rounding a distribution to a lottery cost.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RoundingLoss {
    /// Largest absolute change of any person's probability, from the distribution to the
    /// lottery.
    pub max_change: f64,
    /// Every person whose change is `max_change` (to within 1e-12), ascending.
    pub people: Vec<u32>,
    /// The distribution's lowest probability.
    pub min_before: f64,
    /// The lottery's lowest probability.
    pub min_after: f64,
    /// No lottery of M panels changes the largest probability by less: a person's number of
    /// panels is an integer, so `M p` moves at least to its nearest integer.
    pub lower_bound: f64,
}

/// A uniform lottery over M panels (possibly with repeats): draw one of them uniformly.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Portfolio {
    /// The M panels, each strictly ascending, the list sorted lexicographically.
    pub panels: Vec<Vec<u32>>,
    /// Each person's probability under the uniform lottery (number of panels holding them / M).
    pub probabilities: Vec<f64>,
    /// How it was rounded.
    pub rounding: Rounding,
    /// The largest change of anyone's probability, who, and the lowest probability before
    /// and after.
    pub loss: RoundingLoss,
    /// A guaranteed bound on `loss.max_change` for this distribution: systematic rounding's
    /// (see the module docs), which minimax rounding never exceeds.
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

/// Rounds `distribution` to a uniform lottery over exactly `m` panels by the default method,
/// [`Rounding::Minimax`]: [`round_to_lottery_with`] with default options.
pub fn round_to_lottery(
    instance: &Instance,
    distribution: &Distribution,
    m: u32,
) -> Result<Portfolio, FairError> {
    round_to_lottery_with(instance, distribution, m, &Options::default())
}

/// Rounds `distribution` to a uniform lottery over exactly `m` panels by
/// [`Options::rounding`]. Every panel meets every quota and the household rule: systematic
/// rounding takes the support's panels themselves; minimax rounding takes, of each group of
/// interchangeable people (same features, same probability, no household shared), as many as
/// a panel of the support or a panel it generated over those groups under the same rules.
/// Either way, someone on every panel of the support is on all `m` panels, and someone on
/// none of them is on none. The same input gives the same lottery: the search has fixed
/// budgets of moves and rounds and never looks at the clock (the options' time limit does not
/// apply). Minimax rounding reports each round of its search to [`Options::progress`] as
/// [`crate::Phase::Rounding`], and stops with [`FairError::Cancelled`] at the end of a round
/// when the options' cancellation flag is raised.
///
/// Errors with [`FairError::InvalidArgument`] for `m == 0`, [`FairError::InvalidInstance`] for a
/// malformed instance and [`FairError::InvalidDistribution`] when the distribution does not fit
/// the instance (lengths, a panel that breaks a rule, weights not summing to 1); with minimax
/// rounding, [`FairError::Solver`] if the pricing MIP fails or returns a panel that breaks a
/// rule (every generated panel is checked).
pub fn round_to_lottery_with(
    instance: &Instance,
    distribution: &Distribution,
    m: u32,
    options: &Options,
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

    let support: Vec<usize> = (0..distribution.panels.len())
        .filter(|&j| distribution.weights[j] > 0.0)
        .collect();
    let chosen = systematic(&support, &distribution.weights, m, 0.5, total);

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

    let mut panels: Vec<Vec<u32>> = match options.rounding {
        Rounding::Systematic => chosen
            .iter()
            .map(|&j| distribution.panels[j].clone())
            .collect(),
        Rounding::Minimax => {
            let problem = Problem::new(instance, distribution, m);
            let starts: Vec<Vec<u32>> = OFFSETS
                .iter()
                .map(|&u| {
                    let chosen = systematic(&support, &distribution.weights, m, u, total);
                    problem.multiplicities_of(&chosen)
                })
                .collect();
            let guard = Guard::new(options);
            let report = Report::new(&guard, n, m, simple_bound(&distribution.probabilities, m));
            let mult = problem.search(&starts, TABU_STEPS, &report)?;
            let (columns, mult) = problem.generate(&mult, GENERATED, &report)?;
            problem.panels(&columns, &mult)
        }
    };
    let mut counts = vec![0u32; n];
    for panel in &panels {
        debug_assert!(instance.check_panel(panel).is_ok());
        for &p in panel {
            counts[p as usize] += 1;
        }
    }
    panels.sort();
    let probabilities: Vec<f64> = counts
        .iter()
        .map(|&c| f64::from(c) / f64::from(m))
        .collect();
    let loss = loss(&distribution.probabilities, &probabilities, m);
    let report = ProbabilitySummary::new(&probabilities, instance.panel_size);
    Ok(Portfolio {
        panels,
        probabilities,
        rounding: options.rounding,
        loss,
        bound,
        report,
    })
}

fn loss(before: &[f64], after: &[f64], m: u32) -> RoundingLoss {
    let change: Vec<f64> = before
        .iter()
        .zip(after)
        .map(|(a, b)| (a - b).abs())
        .collect();
    let max_change = change.iter().copied().fold(0.0, f64::max);
    let people = (0..change.len() as u32)
        .filter(|&i| change[i as usize] >= max_change - 1e-12)
        .collect();
    let lower_bound = simple_bound(before, m);
    let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    RoundingLoss {
        max_change,
        people,
        min_before: min(before),
        min_after: min(after),
        lower_bound,
    }
}

/// The largest distance of an `M p` to its nearest integer, over `M`: no lottery of `m`
/// panels changes everyone's probability by less.
fn simple_bound(probabilities: &[f64], m: u32) -> f64 {
    let mf = f64::from(m);
    probabilities
        .iter()
        .map(|&p| (p * mf - (p * mf).round()).abs() / mf)
        .fold(0.0, f64::max)
}

/// Systematic sampling: the support panel under each point `(i + offset) / M * total`.
fn systematic(support: &[usize], weights: &[f64], m: u32, offset: f64, total: f64) -> Vec<usize> {
    let mut chosen: Vec<usize> = Vec::with_capacity(m as usize);
    let mut cum = 0.0;
    let mut idx = 0;
    for i in 0..m {
        let point = (f64::from(i) + offset) / f64::from(m) * total;
        while idx + 1 < support.len() && cum + weights[support[idx]] <= point {
            cum += weights[support[idx]];
            idx += 1;
        }
        chosen.push(support[idx]);
    }
    chosen
}
