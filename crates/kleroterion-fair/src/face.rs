//! The face of the quota polytope at a point: the rules the point meets with equality.
//!
//! The quota polytope is the set of fractional panels over types: counts `0 <= x_t <= c_t`
//! summing to `k`, every quota's total within its bounds, at most one member per household.
//! When a distribution over panels has expected counts `x`, every panel it uses meets with
//! equality every rule that `x` meets with equality (an average of values on one side of a
//! bound sits on the bound only when all of them do). So a decomposition of `x` needs only
//! the panels of this face.

use crate::model::{Column, Model};

/// The rules a point of the quota polytope meets with equality.
#[derive(Clone, Debug)]
pub(crate) struct Face {
    /// Per type, the count every panel of the face takes, when the point is at 0 or at `c_t`.
    pub type_count: Vec<Option<u32>>,
    /// Per quota row, the total every panel of the face takes, when the point is at a bound.
    pub quota_total: Vec<Option<u32>>,
    /// Per household, whether every panel of the face takes exactly one member.
    pub household_full: Vec<bool>,
}

impl Face {
    /// The face at expected counts `x`; a rule counts as met with equality within `tol`.
    pub(crate) fn at(model: &Model, x: &[f64], tol: f64) -> Self {
        let type_count = (0..model.num_types())
            .map(|t| {
                let c = model.count(t);
                if x[t] <= tol {
                    Some(0)
                } else if x[t] >= f64::from(c) - tol {
                    Some(c)
                } else {
                    None
                }
            })
            .collect();
        let quota_total = model
            .quotas
            .iter()
            .map(|q| {
                let s: f64 = q.types.iter().map(|&t| x[t]).sum();
                [q.min, q.max]
                    .into_iter()
                    .find(|&b| (s - f64::from(b)).abs() <= tol)
            })
            .collect();
        let household_full = model
            .households
            .iter()
            .map(|h| h.iter().map(|&t| x[t]).sum::<f64>() >= 1.0 - tol)
            .collect();
        Self {
            type_count,
            quota_total,
            household_full,
        }
    }

    /// The face that fixes the given types' counts and nothing else.
    pub(crate) fn fixing(model: &Model, type_count: Vec<Option<u32>>) -> Self {
        Self {
            type_count,
            quota_total: vec![None; model.quotas.len()],
            household_full: vec![false; model.households.len()],
        }
    }

    /// The whole quota polytope: every panel that meets the rules.
    #[cfg(test)]
    pub(crate) fn whole(model: &Model) -> Self {
        Self::fixing(model, vec![None; model.num_types()])
    }

    /// The range of counts of type `t` in the face's panels.
    pub(crate) fn type_range(&self, model: &Model, t: usize) -> (u32, u32) {
        self.type_count[t].map_or((0, model.count(t)), |c| (c, c))
    }

    /// The range of totals of quota row `r` in the face's panels.
    pub(crate) fn quota_range(&self, model: &Model, r: usize) -> (u32, u32) {
        let q = &model.quotas[r];
        self.quota_total[r].map_or((q.min, q.max), |b| (b, b))
    }

    /// Whether a panel that meets every rule of `model` lies in the face.
    pub(crate) fn contains(&self, model: &Model, col: &Column) -> bool {
        let mut counts = vec![0u32; model.num_types()];
        for &(t, x) in col {
            counts[t as usize] = x;
        }
        let types_ok = (0..model.num_types()).all(|t| {
            let (lo, hi) = self.type_range(model, t);
            (lo..=hi).contains(&counts[t])
        });
        let quotas_ok = (0..model.quotas.len()).all(|r| {
            let (lo, hi) = self.quota_range(model, r);
            let s: u32 = model.quotas[r].types.iter().map(|&t| counts[t]).sum();
            (lo..=hi).contains(&s)
        });
        let households_ok = model
            .households
            .iter()
            .zip(&self.household_full)
            .all(|(h, &full)| !full || h.iter().map(|&t| counts[t]).sum::<u32>() == 1);
        types_ok && quotas_ok && households_ok
    }
}
