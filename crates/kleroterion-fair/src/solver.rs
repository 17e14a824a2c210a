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
    /// A panel maximising `sum_t weights[t] * x_t` over all feasible panels.
    /// `hint`, a feasible panel, seeds the search's incumbent.
    fn price(
        &mut self,
        model: &Model,
        weights: &[f64],
        hint: Option<&Column>,
        time_left: Option<Duration>,
    ) -> Result<Column, FairError>;

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

/// Builds the panel constraints over integer counts per type into `problem`; returns the variables.
pub(crate) fn panel_constraints(
    problem: &mut Problem,
    model: &Model,
    objective: &[f64],
) -> Vec<microlp::Variable> {
    let vars: Vec<_> = (0..model.num_types())
        .map(|t| problem.add_integer_var(objective[t], (0, model.count(t) as i32)))
        .collect();
    let mut total = LinearExpr::empty();
    for &v in &vars {
        total.add(v, 1.0);
    }
    problem.add_constraint(total, ComparisonOp::Eq, f64::from(model.k));
    for h in &model.households {
        let mut e = LinearExpr::empty();
        for &t in h {
            e.add(vars[t], 1.0);
        }
        problem.add_constraint(e, ComparisonOp::Le, 1.0);
    }
    vars
}

/// Adds the quota rows (unrelaxed).
fn quota_constraints(problem: &mut Problem, model: &Model, vars: &[microlp::Variable]) {
    for q in &model.quotas {
        let avail: u32 = q.types.iter().map(|&t| model.count(t)).sum();
        let mut e = LinearExpr::empty();
        for &t in &q.types {
            e.add(vars[t], 1.0);
        }
        if q.min > 0 {
            problem.add_constraint(e.clone(), ComparisonOp::Ge, f64::from(q.min));
        }
        if q.max < avail.min(model.k) {
            problem.add_constraint(e, ComparisonOp::Le, f64::from(q.max));
        }
    }
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
    match problem.solve_with(opts).map_err(mlp_err)? {
        microlp::SolveOutcome::Solution(s) => {
            if s.status() == microlp::SolutionStatus::Optimal {
                Ok(s)
            } else if time_left.is_some() {
                Err(FairError::TimeLimit)
            } else {
                Err(FairError::Solver(format!(
                    "microlp stopped without proving optimality: {:?}",
                    s.termination_reason()
                )))
            }
        }
        microlp::SolveOutcome::Interrupted(_) => Err(FairError::TimeLimit),
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

impl Backend for PureRust {
    fn price(
        &mut self,
        model: &Model,
        weights: &[f64],
        hint: Option<&Column>,
        time_left: Option<Duration>,
    ) -> Result<Column, FairError> {
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
        let vars = panel_constraints(&mut problem, model, &obj);
        quota_constraints(&mut problem, model, &vars);
        let warm = hint.map(|col| {
            let mut x = vec![0.0; vars.len()];
            for &(t, c) in col {
                x[t as usize] = f64::from(c);
            }
            vars.iter().copied().zip(x).collect()
        });
        let sol = solve_optimal(&problem, warm, time_left)?;
        let col = read_column(&sol, &vars);
        if !model.column_ok(&col) {
            return Err(FairError::Solver(
                "microlp returned a panel that breaks a rule after rounding".into(),
            ));
        }
        Ok(col)
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
        let p = CscMatrix::zeros((nvar, nvar));
        let mut q = vec![0.0; nvar];
        if level {
            q[nj] = -1.0;
        }
        let cones = [ZeroConeT(1), NonnegativeConeT(m - 1)];
        // Tight tolerances first; if clarabel cannot reach them, retry with looser tolerances
        // and stronger regularisation. Anything short of `Solved` in the last try is an error.
        // The first try's reduced tolerances are the second try's tolerances: clarabel's
        // `AlmostSolved` then applies the same test as `Solved` in the second try (gap and
        // residuals below 1e-8, kappa/tau at most 1), so it is accepted without a second solve.
        let mut last_status = SolverStatus::Unsolved;
        let mut solved = None;
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
            let mut solver = DefaultSolver::new(&p, &q, &a, &b, &cones, settings)
                .map_err(|e| FairError::Solver(format!("clarabel setup: {e:?}")))?;
            solver.solve();
            last_status = solver.solution.status;
            let almost = reduced.is_some() && last_status == SolverStatus::AlmostSolved;
            if last_status == SolverStatus::Solved || almost {
                solved = Some(solver);
                break;
            }
        }
        let Some(solver) = solved else {
            return Err(FairError::Solver(format!(
                "clarabel ended with status {last_status:?}"
            )));
        };
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
