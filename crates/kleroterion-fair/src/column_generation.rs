//! LEXIMIN and maximin by column generation over types: the general method, used when the
//! relaxation's LEXIMIN cannot be reached (see [`crate::leximin()`]) and for maximin.
//!
//! The master LP chooses weights for a growing set of panels (columns) to maximise the lowest
//! selection probability among the types not yet fixed, keeping every fixed type at its fixed
//! probability. Its duals price a new panel (a MIP over integer counts per type); when no panel
//! prices above the convexity dual by more than max([`GAP_TOL`], [`REL_GAP`] x level), the level
//! is optimal to within that. Pricing uses Wentges-smoothed duals. On instances with few
//! types, each round also adds the improving panels that local search finds from the panels
//! the master weighs most, so that fewer master LPs are solved. Every type whose
//! probability sits at the level in the (central, interior-point) optimum is then fixed at
//! once: the central solution of an LP gives slack to every constraint that has slack in some
//! optimal solution, so these are exactly the types that cannot be raised.

use std::collections::BTreeSet;

use crate::heuristic::LocalSearch;
use crate::model::{Column, Model, column_value};
use crate::options::{Guard, Phase, Progress};
use crate::realize::Distribution;
use crate::solver::{Backend, MasterSolution, PureRust};
use crate::{FairError, Partial, Stopped};

/// Column generation stops once no panel can raise the level by more than this.
pub(crate) const GAP_TOL: f64 = 1e-8;
/// ... or once it cannot rise by more than this fraction of its value.
pub(crate) const REL_GAP: f64 = 1e-5;
/// A type whose probability is within this of the level is fixed at the level.
pub(crate) const FIX_TOL: f64 = 1e-6;
/// Fixed probabilities are relaxed by this much so that the next LP keeps an interior.
pub(crate) const FIX_SLACK: f64 = 2e-8;
/// Column weights below this are dropped from the final distribution.
pub(crate) const WEIGHT_FLOOR: f64 = 1e-9;
/// Weight of the best-bound duals in the smoothed duals used for pricing.
const SMOOTHING: f64 = 0.7;
/// Columns without weight in this many master solves in a row are dropped.
const DROP_AFTER: u32 = 20;
/// Columns per master solve that seed the local search for more improving panels.
const BATCH: usize = 20;
/// Above this many types the extra panels cost the master LP more than they save: its
/// factorisation grows with the number of types times the number of panels. Measured on the
/// synthetic pools (BENCHMARKS.md section 3): 404 types gain, 713 and 1,218 lose.
const BATCH_MAX_TYPES: usize = 500;
/// At most this many seeding oracle calls.
const SEED_CALLS: usize = 200;

struct State<'m> {
    model: &'m Model,
    columns: Vec<Column>,
    seen: BTreeSet<Column>,
    /// Master solves in a row in which each column had no weight.
    idle: Vec<u32>,
    /// The last master solution's weight of each column; columns added since have none.
    last: Vec<f64>,
}

/// How far the levels have got: what a stopped run reports.
struct Levels {
    fixed: Vec<Option<f64>>,
    /// Per type, the index in `values` of the level that fixed it.
    fixed_at: Vec<Option<usize>>,
    fixed_people: usize,
    /// The value of each level fixed so far.
    values: Vec<f64>,
    /// The current level, from 1 (0 while seeding).
    level: usize,
    /// The level of the last master solution: its unfixed types have at least this.
    z: f64,
    /// An upper bound on the current level (1 when none is known yet).
    bound: f64,
}

impl State<'_> {
    fn add(&mut self, col: Column) -> bool {
        if self.seen.insert(col.clone()) {
            self.columns.push(col);
            self.idle.push(0);
            true
        } else {
            false
        }
    }

    /// Records which columns a master solution uses.
    fn record(&mut self, weights: &[f64]) {
        for (idle, &w) in self.idle.iter_mut().zip(weights) {
            *idle = if w > WEIGHT_FLOOR { 0 } else { *idle + 1 };
        }
        self.last = weights.to_vec();
    }

    /// Drops the columns unused in the last `DROP_AFTER` master solves (they may come back).
    /// They have no weight in the last solution either, so `last` loses nothing.
    fn drop_idle(&mut self) {
        let mut j = 0;
        while j < self.columns.len() {
            if self.idle[j] >= DROP_AFTER {
                self.seen.remove(&self.columns[j]);
                self.columns.remove(j);
                self.idle.remove(j);
                if j < self.last.len() {
                    self.last.remove(j);
                }
            } else {
                j += 1;
            }
        }
    }

    /// The distribution of the columns weighted by the last master solution, without the
    /// weights below [`WEIGHT_FLOOR`].
    fn mix(&self) -> Result<Distribution, FairError> {
        let mut kept: Vec<(usize, f64)> = self
            .last
            .iter()
            .enumerate()
            .filter(|&(_, &w)| w > WEIGHT_FLOOR)
            .map(|(j, &w)| (j, w))
            .collect();
        if kept.is_empty() {
            return Err(FairError::Solver(
                "the master LP put no weight on any panel".into(),
            ));
        }
        let total: f64 = kept.iter().map(|&(_, w)| w).sum();
        for (_, w) in &mut kept {
            *w /= total;
        }
        let cols: Vec<(&Column, f64)> = kept.iter().map(|&(j, w)| (&self.columns[j], w)).collect();
        Ok(Distribution::from_columns(self.model, &cols))
    }

    /// The last master solution's mix, for a run stopped at `levels`; `None` before the first
    /// master solve, or while the mix leaves out someone not yet fixed.
    fn partial(&self, levels: &Levels) -> Option<Partial> {
        let distribution = self.mix().ok()?;
        let mut fixed = vec![None; self.model.n];
        let mut guaranteed_minimum = levels.z;
        for (t, members) in self.model.members.iter().enumerate() {
            for &p in members {
                let p = p as usize;
                match levels.fixed_at[t] {
                    Some(l) => fixed[p] = Some(levels.values[l]),
                    None => {
                        guaranteed_minimum = guaranteed_minimum.min(distribution.probabilities[p]);
                    }
                }
            }
        }
        if guaranteed_minimum <= 0.0 {
            return None;
        }
        Some(Partial {
            distribution,
            levels: levels.values.clone(),
            fixed,
            guaranteed_minimum,
            bound: levels.bound.max(guaranteed_minimum),
        })
    }

    /// Probability of each member of each type under `weights`.
    fn type_probs(&self, weights: &[f64]) -> Vec<f64> {
        let mut p = vec![0.0; self.model.num_types()];
        for (col, &w) in self.columns.iter().zip(weights) {
            for &(t, x) in col {
                p[t as usize] += w * f64::from(x);
            }
        }
        for (t, v) in p.iter_mut().enumerate() {
            *v /= f64::from(self.model.count(t));
        }
        p
    }
}

/// Panels that price above the convexity dual, found by local search from each of the
/// `BATCH` columns the master weighs most (ties by index).
fn improving_neighbours(
    st: &State<'_>,
    sol: &MasterSolution,
    search: &LocalSearch,
    w: &[f64],
) -> Vec<Column> {
    if st.model.num_types() > BATCH_MAX_TYPES {
        return Vec::new();
    }
    let mut used: Vec<usize> = (0..st.columns.len())
        .filter(|&j| sol.weights[j] > WEIGHT_FLOOR)
        .collect();
    used.sort_by(|&a, &b| sol.weights[b].total_cmp(&sol.weights[a]).then(a.cmp(&b)));
    let mut out: Vec<Column> = Vec::new();
    for &j in used.iter().take(BATCH) {
        let c = search.improve(st.model, &st.columns[j], w);
        // Panels already in the LP are left out here, before `drop_idle` forgets some of them;
        // repeats within `out` are left to `State::add`.
        if column_value(&c, w) > sol.nu + GAP_TOL && !st.seen.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Fixes, just below the level `z`, every unfixed type whose probability is within
/// [`FIX_TOL`] of it, or every unfixed type when `z` is 1 (no probability exceeds 1); returns
/// how many people that fixes.
pub(crate) fn fix_level(
    model: &Model,
    fixed: &mut [Option<f64>],
    probs: &[f64],
    z: f64,
) -> Result<usize, FairError> {
    let nt = model.num_types();
    let mut newly: Vec<usize> = (0..nt)
        .filter(|&t| fixed[t].is_none() && (probs[t] <= z + FIX_TOL || z >= 1.0 - FIX_TOL))
        .collect();
    if newly.is_empty() {
        // Cannot happen with an exact optimum; guard against round-off anyway.
        let t = (0..nt)
            .filter(|&t| fixed[t].is_none())
            .min_by(|&a, &b| probs[a].total_cmp(&probs[b]).then(a.cmp(&b)))
            .ok_or_else(|| FairError::Solver("no type left to fix".into()))?;
        newly.push(t);
    }
    for &t in &newly {
        fixed[t] = Some((z - FIX_SLACK).max(0.0));
    }
    Ok(newly.iter().map(|&t| model.count(t) as usize).sum())
}

/// LEXIMIN (or, with `single`, maximin) of a validated model by column generation.
///
/// A time limit or cancellation returns the last master solution's mix as a partial result:
/// every fixed type keeps its level and every other type has at least the current level's
/// value so far.
pub(crate) fn column_generation(
    model: &Model,
    guard: &Guard<'_>,
    scope: Scope,
) -> Result<Distribution, FairError> {
    let nt = model.num_types();
    let mut st = State {
        model,
        columns: Vec::new(),
        seen: BTreeSet::new(),
        idle: Vec::new(),
        last: Vec::new(),
    };
    let mut levels = Levels {
        fixed: vec![None; nt],
        fixed_at: vec![None; nt],
        fixed_people: 0,
        values: Vec::new(),
        level: 0,
        z: 0.0,
        bound: 1.0,
    };
    if let Err(e) = solve_levels(&mut st, &mut levels, guard, scope) {
        let stopped = Stopped {
            phase: if levels.level == 0 {
                Phase::Seeding
            } else {
                Phase::Level
            },
            levels_fixed: levels.values.len(),
            people_fixed: levels.fixed_people,
            people: model.n,
        };
        let partial = if e.is_stop() {
            st.partial(&levels)
        } else {
            None
        };
        return Err(e.with_stop(stopped, partial));
    }
    guard.report(Progress {
        phase: Phase::Finishing,
        level: levels.level,
        fixed: levels.fixed_people,
        people: model.n,
        panels: st.columns.len(),
        value: levels.z,
        bound: levels.z,
    });
    st.mix()
}

/// Which levels [`column_generation`] solves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Scope {
    /// Every level: LEXIMIN.
    Leximin,
    /// The first level only, with an upper bound on it known beforehand (the relaxation's
    /// maximin), which ends the level once reached: its own dual bound can stay above the
    /// optimum while degenerate master LPs take one improving panel after another.
    Maximin {
        /// The known upper bound, if any.
        cap: Option<f64>,
    },
}

/// Seeds the columns, then solves the levels (or the single maximin level), leaving the last
/// master solution in `st.last`.
fn solve_levels(
    st: &mut State<'_>,
    levels: &mut Levels,
    guard: &Guard<'_>,
    scope: Scope,
) -> Result<(), FairError> {
    let cap = match scope {
        Scope::Leximin => 1.0,
        Scope::Maximin { cap } => cap.unwrap_or(1.0).min(1.0),
    };
    let model = st.model;
    let nt = model.num_types();
    let mut backend = PureRust;
    let progress = |phase, level, fixed: usize, panels, value| Progress {
        phase,
        level,
        fixed,
        people: model.n,
        panels,
        value,
        bound: value,
    };

    // Seeding: a few panels that between them cover as many types as possible.
    let mut covered = vec![false; nt];
    for _ in 0..SEED_CALLS {
        guard.check()?;
        let w: Vec<f64> = (0..nt)
            .map(|t| {
                let c = f64::from(model.count(t));
                if covered[t] { 1e-3 / c } else { 1.0 / c }
            })
            .collect();
        let col = backend.price(model, &w, None, None, guard.remaining())?;
        let mut new = false;
        for &(t, _) in &col {
            new |= !covered[t as usize];
            covered[t as usize] = true;
        }
        st.add(col);
        guard.report(progress(Phase::Seeding, 0, 0, st.columns.len(), 0.0));
        if !new || covered.iter().all(|&c| c) {
            break;
        }
    }

    let per_unit =
        |mu: &[f64]| -> Vec<f64> { (0..nt).map(|t| mu[t] / f64::from(model.count(t))).collect() };
    let search = LocalSearch::new(model);
    loop {
        levels.level += 1;
        levels.bound = 1.0;
        let fixed = &levels.fixed;
        let fixed_term = |mu: &[f64]| -> f64 {
            (0..nt)
                .filter_map(|t| fixed[t].map(|f| mu[t] * f))
                .sum::<f64>()
        };
        // Column generation with Wentges dual smoothing: price at a mix of the current duals
        // and the duals that gave the best upper bound so far; fall back to the current duals
        // when the mix finds no improving panel. Each pricing MIP is seeded with the best
        // panel the swap heuristic finds from the panel the master LP weighs most.
        let mut stab: Option<(Vec<f64>, f64)> = None;
        let sol = loop {
            guard.check()?;
            let sol = backend.master(model, &st.columns, fixed)?;
            st.record(&sol.weights);
            levels.z = sol.value;
            let tol = GAP_TOL.max(REL_GAP * sol.value.abs());
            let w_cur = per_unit(&sol.duals);
            let top = (0..st.columns.len())
                .max_by(|&a, &b| sol.weights[a].total_cmp(&sol.weights[b]).then(b.cmp(&a)))
                .map(|j| st.columns[j].clone());
            let mut found = None;
            for smooth in [SMOOTHING, 0.0] {
                let mu: Vec<f64> = match (&stab, smooth > 0.0) {
                    (Some((s_mu, _)), true) => s_mu
                        .iter()
                        .zip(&sol.duals)
                        .map(|(a, b)| smooth * a + (1.0 - smooth) * b)
                        .collect(),
                    (None, true) => continue,
                    (_, false) => sol.duals.clone(),
                };
                let w = per_unit(&mu);
                guard.check()?;
                let hint = top.as_ref().map(|c| search.improve(model, c, &w));
                let col = backend.price(model, &w, hint.as_ref(), None, guard.remaining())?;
                // Lagrangian (dual) bound on the level from these duals.
                let ub = column_value(&col, &w) - fixed_term(&mu);
                if stab.as_ref().is_none_or(|(_, b)| ub < *b) {
                    stab = Some((mu, ub));
                }
                if column_value(&col, &w_cur) > sol.nu + GAP_TOL {
                    found = Some(col);
                    break;
                }
            }
            // No probability exceeds 1, so neither does the level: a level at 1 is optimal
            // without more column generation (whose LPs are then degenerate). The same holds
            // for the relaxation's maximin on the first level.
            let best_ub = stab.as_ref().map_or(cap, |(_, b)| b.min(cap));
            levels.bound = best_ub.max(sol.value);
            guard.report(Progress {
                bound: levels.bound,
                ..progress(
                    Phase::Level,
                    levels.level,
                    levels.fixed_people,
                    st.columns.len(),
                    sol.value,
                )
            });
            let Some(col) = found else { break sol };
            if best_ub <= sol.value + tol {
                break sol;
            }
            let extra = improving_neighbours(st, &sol, &search, &w_cur);
            st.drop_idle();
            if !st.add(col) {
                break sol;
            }
            for c in extra {
                st.add(c);
            }
        };
        if matches!(scope, Scope::Maximin { .. }) {
            return Ok(());
        }
        let probs = st.type_probs(&st.last);
        let z = sol.value;
        levels.fixed_people += fix_level(model, &mut levels.fixed, &probs, z)?;
        for (at, f) in levels.fixed_at.iter_mut().zip(&levels.fixed) {
            if at.is_none() && f.is_some() {
                *at = Some(levels.values.len());
            }
        }
        levels.values.push(z);
        guard.report(progress(
            Phase::Fixed,
            levels.level,
            levels.fixed_people,
            st.columns.len(),
            z,
        ));
        if levels.fixed.iter().all(Option::is_some) {
            return Ok(());
        }
    }
}
