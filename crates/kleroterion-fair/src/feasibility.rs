//! Is there any panel at all? If not, the smallest relaxation of the quotas that makes one.

use microlp::{ComparisonOp, LinearExpr, OptimizationDirection, Problem};

use crate::model::Model;
use crate::solver::{panel_constraints, read_column, solve_optimal};
use crate::{FairError, Instance};

/// Which end of a quota a [`QuotaChange`] moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Bound {
    /// The minimum is lowered.
    Min,
    /// The maximum is raised.
    Max,
}

/// One quota change of a smallest relaxation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct QuotaChange {
    /// Feature name.
    pub feature: String,
    /// Value name.
    pub value: String,
    /// Which bound moves.
    pub bound: Bound,
    /// The bound now.
    pub from: u32,
    /// The bound it must move to.
    pub to: u32,
    /// The change in words, e.g. `"raise the max of age=16-29 from 3 to 5"`.
    pub reason: String,
}

/// Outcome of [`feasibility`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Feasibility {
    /// Some panel meets every quota and the household rule; here is one.
    Feasible {
        /// One such panel, ascending person indices.
        example: Vec<u32>,
    },
    /// No panel exists. `relaxations` is a smallest set of quota changes (fewest seats moved,
    /// summed over all bounds) after which one does, or empty when no quota change can help
    /// (the households leave fewer than `panel_size` people who can sit together).
    Infeasible {
        /// The quota changes, in feature and value order.
        relaxations: Vec<QuotaChange>,
        /// A one-line explanation.
        reason: String,
    },
}

/// Checks whether any panel exists; when none does, finds the smallest relaxation of the
/// quotas by an integer program over how far each min is lowered and each max is raised
/// (minimising the total), keeping the panel size and household rule.
pub fn feasibility(instance: &Instance) -> Result<Feasibility, FairError> {
    instance.validate()?;
    let model = Model::new(instance);
    let nt = model.num_types();
    let mut problem = Problem::new(OptimizationDirection::Minimize);
    let vars = panel_constraints(&mut problem, &model, &vec![0.0; nt], None);
    let mut slacks = Vec::new();
    for q in &model.quotas {
        let down = problem.add_integer_var(1.0, (0, q.min as i32));
        let up = problem.add_integer_var(1.0, (0, model.k as i32));
        let mut lo = LinearExpr::empty();
        let mut hi = LinearExpr::empty();
        for &t in &q.types {
            lo.add(vars[t], 1.0);
            hi.add(vars[t], 1.0);
        }
        lo.add(down, 1.0);
        hi.add(up, -1.0);
        problem.add_constraint(lo, ComparisonOp::Ge, f64::from(q.min));
        problem.add_constraint(hi, ComparisonOp::Le, f64::from(q.max));
        slacks.push((down, up));
    }
    let sol = match solve_optimal(&problem, None, None) {
        Ok(s) => s,
        Err(FairError::Infeasible) => {
            return Ok(Feasibility::Infeasible {
                relaxations: Vec::new(),
                reason: format!(
                    "fewer than {} people can sit together on a panel (one per household)",
                    model.k
                ),
            });
        }
        Err(e) => return Err(e),
    };
    let mut relaxations = Vec::new();
    for (q, &(down, up)) in model.quotas.iter().zip(&slacks) {
        let d = sol.var_value(down).round() as u32;
        let u = sol.var_value(up).round() as u32;
        let f = &instance.features[q.feature];
        let v = &f.values[q.value];
        if d > 0 {
            let to = q.min - d;
            relaxations.push(QuotaChange {
                feature: f.name.clone(),
                value: v.value.clone(),
                bound: Bound::Min,
                from: q.min,
                to,
                reason: format!(
                    "lower the min of {}={} from {} to {to}",
                    f.name, v.value, q.min
                ),
            });
        }
        if u > 0 {
            let to = q.max + u;
            relaxations.push(QuotaChange {
                feature: f.name.clone(),
                value: v.value.clone(),
                bound: Bound::Max,
                from: q.max,
                to,
                reason: format!(
                    "raise the max of {}={} from {} to {to}",
                    f.name, v.value, q.max
                ),
            });
        }
    }
    if relaxations.is_empty() {
        let col = read_column(&sol, &vars);
        if !model.column_ok(&col) {
            return Err(FairError::Solver(
                "microlp returned a panel that breaks a rule after rounding".into(),
            ));
        }
        let mut example: Vec<u32> = col
            .iter()
            .flat_map(|&(t, x)| model.members[t as usize][..x as usize].iter().copied())
            .collect();
        example.sort_unstable();
        return Ok(Feasibility::Feasible { example });
    }
    let moved: u32 = relaxations.iter().map(|r| r.from.abs_diff(r.to)).sum();
    Ok(Feasibility::Infeasible {
        reason: format!(
            "no panel meets every quota; the smallest fix moves {moved} seat bound(s) in {} quota(s)",
            relaxations.len()
        ),
        relaxations,
    })
}
