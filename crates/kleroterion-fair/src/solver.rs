//! Solver back end: the pricing MIP (best panel for given weights) and the master LP.
//!
//! Both sit behind [`Backend`]; the default [`PureRust`] uses `microlp` (branch and bound over
//! integer counts per type) for pricing and `clarabel` (interior point) for the master LP.
//! Every solver status is checked: anything but a proven optimum is an error.

use std::time::Duration;

use clarabel::algebra::CscMatrix;
use clarabel::solver::{
    DefaultSettingsBuilder, DefaultSolver, IPSolver, NonnegativeConeT, SolverStatus, ZeroConeT,
};
use microlp::{ComparisonOp, LinearExpr, OptimizationDirection, Problem, SolveOptions};

use crate::FairError;
use crate::face::Face;
use crate::model::{Column, Model};

/// Solution of a master LP.
#[derive(Clone, Debug)]
pub(crate) struct MasterSolution {
    /// Weight of each column.
    pub weights: Vec<f64>,
    /// The level `z` (lowest probability among unfixed types).
    pub value: f64,
    /// Dual value of each type's row (0 for types without a row).
    pub duals: Vec<f64>,
    /// Dual value of the convexity row `sum weights = 1`.
    pub nu: f64,
}

/// The two solver calls column generation needs.
pub(crate) trait Backend {
    /// A panel maximising `sum_t weights[t] * x_t` over all feasible panels (of `face`, when
    /// given). `hint`, a feasible panel (of the face), seeds the search's incumbent.
    fn price(
        &mut self,
        model: &Model,
        weights: &[f64],
        hint: Option<&Column>,
        face: Option<&Face>,
        time_left: Option<Duration>,
    ) -> Result<Column, FairError>;

    /// Like [`Backend::price`] without a hint, but first searches at most `nodes`
    /// branch-and-bound nodes and returns that search's best panel when `good_enough` accepts
    /// it; otherwise it goes on to the optimum. Also returns whether the panel is proven best.
    fn price_early(
        &mut self,
        model: &Model,
        weights: &[f64],
        face: Option<&Face>,
        nodes: u64,
        good_enough: &dyn Fn(&Column) -> bool,
        time_left: Option<Duration>,
    ) -> Result<(Column, bool), FairError>;

    /// Maximise `z` subject to `sum_j w_j = 1`, `w >= 0`,
    /// `P_t(w) >= z` for unfixed types (`fixed[t] == None`) and `P_t(w) >= f` for fixed ones,
    /// where `P_t(w)` is the probability of each member of type `t`.
    fn master(
        &mut self,
        model: &Model,
        columns: &[Column],
        fixed: &[Option<f64>],
    ) -> Result<MasterSolution, FairError>;
}

/// `microlp` for pricing, `clarabel` for the master LP: pure Rust, single-threaded, deterministic.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct PureRust;

/// Builds the panel constraints over integer counts per type into `problem`; returns the
/// variables. With a face, only the panels of that face qualify.
pub(crate) fn panel_constraints(
    problem: &mut Problem,
    model: &Model,
    objective: &[f64],
    face: Option<&Face>,
) -> Vec<microlp::Variable> {
    let vars: Vec<_> = (0..model.num_types())
        .map(|t| {
            let (lo, hi) = face.map_or((0, model.count(t)), |f| f.type_range(model, t));
            problem.add_integer_var(objective[t], (lo as i32, hi as i32))
        })
        .collect();
    let mut total = LinearExpr::empty();
    for &v in &vars {
        total.add(v, 1.0);
    }
    problem.add_constraint(total, ComparisonOp::Eq, f64::from(model.k));
    for (i, h) in model.households.iter().enumerate() {
        let mut e = LinearExpr::empty();
        for &t in h {
            e.add(vars[t], 1.0);
        }
        let full = face.is_some_and(|f| f.household_full[i]);
        let op = if full {
            ComparisonOp::Eq
        } else {
            ComparisonOp::Le
        };
        problem.add_constraint(e, op, 1.0);
    }
    vars
}

/// Adds the quota rows (unrelaxed; with a face, its totals).
fn quota_constraints(
    problem: &mut Problem,
    model: &Model,
    vars: &[microlp::Variable],
    face: Option<&Face>,
) {
    for (r, q) in model.quotas.iter().enumerate() {
        let (min, max) = face.map_or((q.min, q.max), |f| f.quota_range(model, r));
        let avail: u32 = q.types.iter().map(|&t| model.count(t)).sum();
        let mut e = LinearExpr::empty();
        for &t in &q.types {
            e.add(vars[t], 1.0);
        }
        if min == max {
            problem.add_constraint(e, ComparisonOp::Eq, f64::from(min));
            continue;
        }
        if min > 0 {
            problem.add_constraint(e.clone(), ComparisonOp::Ge, f64::from(min));
        }
        if max < avail.min(model.k) {
            problem.add_constraint(e, ComparisonOp::Le, f64::from(max));
        }
    }
}

/// The pricing MIP: maximise `weights . x` over the panels (of `face`, when given), with the
/// weights scaled to at most 1 in size and tiny ones dropped.
fn pricing_problem(
    model: &Model,
    weights: &[f64],
    face: Option<&Face>,
) -> (Problem, Vec<microlp::Variable>) {
    let scale = weights.iter().fold(0.0f64, |m, w| m.max(w.abs()));
    let scale = if scale > 0.0 { scale } else { 1.0 };
    let obj: Vec<f64> = weights
        .iter()
        .map(|w| {
            let v = w / scale;
            // Tiny weights only add numerical noise to the branch and bound.
            if v.abs() < 1e-12 { 0.0 } else { v }
        })
        .collect();
    let mut problem = Problem::new(OptimizationDirection::Maximize);
    let vars = panel_constraints(&mut problem, model, &obj, face);
    quota_constraints(&mut problem, model, &vars, face);
    (problem, vars)
}

/// The best panel of `face` for `weights` that the pricing MIP's branch and bound finds within
/// `nodes` nodes (the proven best when it ends sooner), or `None` when it finds none in that
/// budget. A budget of nodes, never of time, so the answer is the same in every run.
pub(crate) fn best_panel_within(
    model: &Model,
    weights: &[f64],
    face: &Face,
    nodes: u64,
) -> Result<Option<Column>, FairError> {
    let (outcome, vars) = search_within(model, weights, Some(face), nodes, None)?;
    match outcome {
        microlp::SolveOutcome::Solution(sol) => {
            checked_column(model, Some(face), &sol, &vars).map(Some)
        }
        microlp::SolveOutcome::Interrupted(_) => Ok(None),
    }
}

/// The pricing MIP's branch and bound, stopped after `nodes` nodes (or `time_left`), and its
/// variables.
fn search_within(
    model: &Model,
    weights: &[f64],
    face: Option<&Face>,
    nodes: u64,
    time_left: Option<Duration>,
) -> Result<(microlp::SolveOutcome, Vec<microlp::Variable>), FairError> {
    let (problem, vars) = pricing_problem(model, weights, face);
    let mut opts = SolveOptions::default();
    opts.time_limit = time_left;
    opts.node_limit = Some(nodes);
    Ok((problem.solve_with(opts).map_err(mlp_err)?, vars))
}

/// The panel a pricing solution holds, checked against every rule (and the face).
fn checked_column(
    model: &Model,
    face: Option<&Face>,
    sol: &microlp::Solution,
    vars: &[microlp::Variable],
) -> Result<Column, FairError> {
    let col = read_column(sol, vars);
    if !model.column_ok(&col) || face.is_some_and(|f| !f.contains(model, &col)) {
        return Err(FairError::Solver(
            "microlp returned a panel that breaks a rule after rounding".into(),
        ));
    }
    Ok(col)
}

/// Maps a microlp failure to a typed error.
pub(crate) fn mlp_err(e: microlp::Error) -> FairError {
    match e {
        microlp::Error::Infeasible => FairError::Infeasible,
        other => FairError::Solver(format!("microlp: {other}")),
    }
}

/// Solves `problem` to proven optimality and returns the solution.
pub(crate) fn solve_optimal(
    problem: &Problem,
    warm_start: Option<Vec<(microlp::Variable, f64)>>,
    time_left: Option<Duration>,
) -> Result<microlp::Solution, FairError> {
    let mut opts = SolveOptions::default();
    opts.time_limit = time_left;
    opts.warm_start = warm_start;
    require_optimal(problem.solve_with(opts).map_err(mlp_err)?, time_left)
}

/// The solution of an outcome, when it is proven optimal; a stop on the time limit is
/// [`FairError::TimeLimit`], any other stop short of optimality an error.
fn require_optimal(
    outcome: microlp::SolveOutcome,
    time_left: Option<Duration>,
) -> Result<microlp::Solution, FairError> {
    match outcome {
        microlp::SolveOutcome::Solution(s) => {
            if s.status() == microlp::SolutionStatus::Optimal {
                Ok(s)
            } else if time_left.is_some() {
                Err(FairError::time_limit())
            } else {
                Err(FairError::Solver(format!(
                    "microlp stopped without proving optimality: {:?}",
                    s.termination_reason()
                )))
            }
        }
        microlp::SolveOutcome::Interrupted(_) => Err(FairError::time_limit()),
    }
}

/// Reads integer counts from a solution into a column.
pub(crate) fn read_column(sol: &microlp::Solution, vars: &[microlp::Variable]) -> Column {
    vars.iter()
        .enumerate()
        .filter_map(|(t, &v)| {
            let x = sol.var_value(v).round();
            (x >= 0.5).then_some((t as u32, x as u32))
        })
        .collect()
}

/// Minimises `q'x` subject to `A x + s = b`, with `s` zero in the first `equalities` rows and
/// non-negative in the rest, by `clarabel`.
///
/// Tight tolerances first; if clarabel cannot reach them, retry with looser tolerances and
/// stronger regularisation. Anything short of `Solved` in the last try is an error. The first
/// try's reduced tolerances are the second try's tolerances: clarabel's `AlmostSolved` then
/// applies the same test as `Solved` in the second try (gap and residuals below 1e-8,
/// kappa/tau at most 1), so it is accepted without a second solve.
pub(crate) fn solve_lp(
    q: &[f64],
    a: &CscMatrix<f64>,
    b: &[f64],
    equalities: usize,
) -> Result<DefaultSolver<f64>, FairError> {
    let n = q.len();
    let p = CscMatrix::zeros((n, n));
    let cones = [
        ZeroConeT(equalities),
        NonnegativeConeT(b.len() - equalities),
    ];
    let mut last_status = SolverStatus::Unsolved;
    for (tol, reduced, equilibrate, reg) in [
        (1e-10, Some(1e-8), true, 1e-8),
        (1e-8, None, true, 1e-8),
        (1e-8, None, false, 1e-7),
        (1e-7, None, true, 1e-6),
    ] {
        let mut builder = DefaultSettingsBuilder::default();
        builder
            .verbose(false)
            .max_iter(1000)
            .tol_gap_abs(tol)
            .tol_gap_rel(tol)
            .tol_feas(tol)
            .equilibrate_enable(equilibrate)
            .static_regularization_constant(reg);
        if let Some(r) = reduced {
            builder
                .reduced_tol_gap_abs(r)
                .reduced_tol_gap_rel(r)
                .reduced_tol_feas(r);
        }
        let settings = builder
            .build()
            .map_err(|e| FairError::Solver(format!("clarabel settings: {e:?}")))?;
        let mut solver = DefaultSolver::new(&p, q, a, b, &cones, settings)
            .map_err(|e| FairError::Solver(format!("clarabel setup: {e:?}")))?;
        solver.solve();
        last_status = solver.solution.status;
        let almost = reduced.is_some() && last_status == SolverStatus::AlmostSolved;
        if last_status == SolverStatus::Solved || almost {
            return Ok(solver);
        }
    }
    Err(FairError::Solver(format!(
        "clarabel ended with status {last_status:?}"
    )))
}

impl Backend for PureRust {
    fn price(
        &mut self,
        model: &Model,
        weights: &[f64],
        hint: Option<&Column>,
        face: Option<&Face>,
        time_left: Option<Duration>,
    ) -> Result<Column, FairError> {
        let (problem, vars) = pricing_problem(model, weights, face);
        let warm = hint.map(|col| {
            let mut x = vec![0.0; vars.len()];
            for &(t, c) in col {
                x[t as usize] = f64::from(c);
            }
            vars.iter().copied().zip(x).collect()
        });
        let sol = solve_optimal(&problem, warm, time_left)?;
        checked_column(model, face, &sol, &vars)
    }

    fn price_early(
        &mut self,
        model: &Model,
        weights: &[f64],
        face: Option<&Face>,
        nodes: u64,
        good_enough: &dyn Fn(&Column) -> bool,
        time_left: Option<Duration>,
    ) -> Result<(Column, bool), FairError> {
        let (outcome, vars) = search_within(model, weights, face, nodes, time_left)?;
        if let microlp::SolveOutcome::Solution(sol) = &outcome {
            let col = checked_column(model, face, sol, &vars)?;
            if sol.status() == microlp::SolutionStatus::Optimal {
                return Ok((col, true));
            }
            if good_enough(&col) {
                return Ok((col, false));
            }
        }
        let mut resume = microlp::ResumeOptions::default();
        resume.time_limit = time_left;
        let sol = require_optimal(outcome.resume_with(resume).map_err(mlp_err)?, time_left)?;
        Ok((checked_column(model, face, &sol, &vars)?, true))
    }

    fn master(
        &mut self,
        model: &Model,
        columns: &[Column],
        fixed: &[Option<f64>],
    ) -> Result<MasterSolution, FairError> {
        let nt = model.num_types();
        let nj = columns.len();
        let level = fixed.iter().any(Option::is_none);
        // Rows: 0 = convexity; then one row per type that needs one; then one per column.
        let mut row_of = vec![usize::MAX; nt];
        let mut b = vec![1.0];
        for t in 0..nt {
            match fixed[t] {
                None => {
                    row_of[t] = b.len();
                    b.push(0.0);
                }
                Some(f) if f > 1e-9 => {
                    row_of[t] = b.len();
                    b.push(-f);
                }
                Some(_) => {}
            }
        }
        let first_lambda_row = b.len();
        b.extend(std::iter::repeat_n(0.0, nj));
        let m = b.len();
        let nvar = nj + usize::from(level);
        let mut colptr = Vec::with_capacity(nvar + 1);
        let mut rowval = Vec::new();
        let mut nzval = Vec::new();
        colptr.push(0);
        for (j, col) in columns.iter().enumerate() {
            rowval.push(0);
            nzval.push(1.0);
            for &(t, x) in col {
                let r = row_of[t as usize];
                if r != usize::MAX {
                    rowval.push(r);
                    nzval.push(-f64::from(x) / f64::from(model.count(t as usize)));
                }
            }
            rowval.push(first_lambda_row + j);
            nzval.push(-1.0);
            colptr.push(rowval.len());
        }
        if level {
            for t in 0..nt {
                if fixed[t].is_none() {
                    rowval.push(row_of[t]);
                    nzval.push(1.0);
                }
            }
            colptr.push(rowval.len());
        }
        let a = CscMatrix::new(m, nvar, colptr, rowval, nzval);
        let mut q = vec![0.0; nvar];
        if level {
            q[nj] = -1.0;
        }
        let solver = solve_lp(&q, &a, &b, 1)?;
        let x = &solver.solution.x;
        let zd = &solver.solution.z;
        let weights: Vec<f64> = x[..nj].iter().map(|&w| w.max(0.0)).collect();
        let value = if level { x[nj] } else { 0.0 };
        let duals = (0..nt)
            .map(|t| {
                if row_of[t] == usize::MAX {
                    0.0
                } else {
                    zd[row_of[t]].max(0.0)
                }
            })
            .collect();
        Ok(MasterSolution {
            weights,
            value,
            duals,
            nu: zd[0],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Feature, Instance};

    /// People 0 and 1 share a household; 2 and 3 are interchangeable.
    fn pair_and_two() -> Instance {
        Instance {
            panel_size: 2,
            features: vec![Feature::new("g", [("a", 0, 2), ("b", 0, 2)])],
            people: vec![vec![0], vec![0], vec![1], vec![1]],
            households: vec![Some(7), Some(7), None, None],
        }
    }

    #[test]
    fn a_panel_within_the_budget_keeps_the_household_rule_over_given_groups() {
        let inst = pair_and_two();
        let model = Model::with_types(&inst, vec![vec![0], vec![1], vec![2, 3]]);
        // Both members of the household are worth most; together they would score 2.
        let col = best_panel_within(&model, &[1.0, 1.0, 0.1], &Face::whole(&model), 300)
            .unwrap()
            .unwrap();
        assert!(
            col == vec![(0, 1), (2, 1)] || col == vec![(1, 1), (2, 1)],
            "{col:?}"
        );
        // Without the household, the pair is the best panel.
        let apart = Instance {
            households: vec![None; 4],
            ..inst
        };
        let model = Model::with_types(&apart, vec![vec![0], vec![1], vec![2, 3]]);
        let col = best_panel_within(&model, &[1.0, 1.0, 0.1], &Face::whole(&model), 300)
            .unwrap()
            .unwrap();
        assert_eq!(col, vec![(0, 1), (1, 1)]);
    }

    #[test]
    fn a_quota_forces_the_panel_and_one_no_group_can_meet_is_infeasible() {
        let inst = Instance {
            features: vec![Feature::new("g", [("a", 0, 2), ("b", 2, 2)])],
            ..pair_and_two()
        };
        // Exactly two of value b: the only panel, whatever the weights favour.
        let model = Model::with_types(&inst, vec![vec![0], vec![1], vec![2, 3]]);
        let col = best_panel_within(&model, &[1.0, 1.0, 0.1], &Face::whole(&model), 300)
            .unwrap()
            .unwrap();
        assert_eq!(col, vec![(2, 2)]);
        // With only one person of value b, no panel meets the quota.
        let short = Instance {
            people: vec![vec![0], vec![0], vec![1], vec![0]],
            ..inst
        };
        let model = Model::with_types(&short, vec![vec![0], vec![1], vec![2], vec![3]]);
        assert!(matches!(
            best_panel_within(&model, &[1.0, 1.0, 0.1, 0.1], &Face::whole(&model), 300),
            Err(FairError::Infeasible)
        ));
    }
}
