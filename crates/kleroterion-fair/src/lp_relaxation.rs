//! LEXIMIN over the quota polytope, the LP relaxation of the panel problem.
//!
//! The quota polytope holds the fractional panels over types: counts `0 <= x_t <= c_t` that
//! sum to `k`, keep every quota total within its bounds and take at most one member per
//! household. The expected counts of every distribution over panels lie in it, so its
//! LEXIMIN is, level by level, at least as good as the LEXIMIN over panels: an upper bound.
//! A distribution over panels whose expected counts reach it is therefore LEXIMIN.
//!
//! Each level is one compact LP over the types, with no panels: maximise `z` with every
//! unfixed type's probability `x_t / c_t` at least `z` and every fixed type's at least its
//! fixed value. The types at `z` in the central (interior-point) optimum are then fixed, as
//! column generation does: the central solution gives slack to every row that has slack in
//! some optimal solution.

use clarabel::algebra::CscMatrix;

use crate::FairError;
use crate::column_generation::fix_level;
use crate::model::Model;
use crate::options::{Guard, Phase, Progress};
use crate::solver::solve_lp;

/// The LEXIMIN of the quota polytope.
#[derive(Clone, Debug)]
pub(crate) struct RelaxedLeximin {
    /// Expected count of each type.
    pub counts: Vec<f64>,
    /// The value of each level, lowest first.
    pub levels: Vec<f64>,
}

/// Rows of a level LP, built as triplets: `A x + s = b`, the first row an equality.
struct Rows {
    ii: Vec<usize>,
    jj: Vec<usize>,
    vv: Vec<f64>,
    b: Vec<f64>,
}

impl Rows {
    fn row(&mut self, terms: impl IntoIterator<Item = (usize, f64)>, rhs: f64) {
        let r = self.b.len();
        for (j, v) in terms {
            self.ii.push(r);
            self.jj.push(j);
            self.vv.push(v);
        }
        self.b.push(rhs);
    }
}

/// One level: maximise `z` over the polytope with the fixed types held at their values.
/// Returns the expected counts and `z`.
fn level(model: &Model, fixed: &[Option<f64>]) -> Result<(Vec<f64>, f64), FairError> {
    let nt = model.num_types();
    let z = nt;
    let mut rows = Rows {
        ii: Vec::new(),
        jj: Vec::new(),
        vv: Vec::new(),
        b: Vec::new(),
    };
    rows.row((0..nt).map(|t| (t, 1.0)), f64::from(model.k));
    for t in 0..nt {
        rows.row([(t, -1.0)], 0.0);
        rows.row([(t, 1.0)], f64::from(model.count(t)));
    }
    for q in &model.quotas {
        rows.row(q.types.iter().map(|&t| (t, 1.0)), f64::from(q.max));
        rows.row(q.types.iter().map(|&t| (t, -1.0)), -f64::from(q.min));
    }
    for h in &model.households {
        rows.row(h.iter().map(|&t| (t, 1.0)), 1.0);
    }
    for (t, f) in fixed.iter().enumerate() {
        let share = -1.0 / f64::from(model.count(t));
        match f {
            None => rows.row([(t, share), (z, 1.0)], 0.0),
            Some(f) => rows.row([(t, share)], -f),
        }
    }
    let a = CscMatrix::new_from_triplets(rows.b.len(), nt + 1, rows.ii, rows.jj, rows.vv);
    let mut q = vec![0.0; nt + 1];
    q[z] = -1.0;
    let solver = solve_lp(&q, &a, &rows.b, 1)?;
    let x = &solver.solution.x;
    Ok((x[..nt].iter().map(|&v| v.max(0.0)).collect(), x[z]))
}

/// The maximin of the relaxation (its first level): no distribution over real panels gives
/// everyone more, so column generation's maximin has reached its optimum once it gets there.
pub(crate) fn relaxed_maximin(model: &Model) -> Result<f64, FairError> {
    level(model, &vec![None; model.num_types()]).map(|(_, z)| z)
}

/// Computes the LEXIMIN of the quota polytope, reporting each fixed level.
pub(crate) fn relaxed_leximin(
    model: &Model,
    guard: &Guard<'_>,
) -> Result<RelaxedLeximin, FairError> {
    let nt = model.num_types();
    let mut fixed: Vec<Option<f64>> = vec![None; nt];
    let mut fixed_people = 0usize;
    let mut levels = Vec::new();
    loop {
        guard.check()?;
        let (counts, z) = level(model, &fixed)?;
        levels.push(z);
        let probs: Vec<f64> = (0..nt)
            .map(|t| counts[t] / f64::from(model.count(t)))
            .collect();
        fixed_people += fix_level(model, &mut fixed, &probs, z)?;
        guard.report(Progress {
            phase: Phase::Relaxation,
            level: levels.len(),
            fixed: fixed_people,
            people: model.n,
            panels: 0,
            value: z,
            bound: z,
        });
        if fixed.iter().all(Option::is_some) {
            return Ok(RelaxedLeximin { counts, levels });
        }
    }
}
