//! The instance compressed into types of interchangeable people.
//!
//! People with identical feature vectors who share no household with anyone are
//! interchangeable: a panel only needs to know how many of them it takes. Every person in a
//! household of two or more is a type of their own, and each such household becomes a
//! constraint "at most one of these types".

use std::collections::BTreeMap;

use crate::Instance;

/// One quota row over types.
#[derive(Clone, Debug)]
pub(crate) struct QuotaRow {
    pub feature: usize,
    pub value: usize,
    pub min: u32,
    pub max: u32,
    /// Types with this value, ascending.
    pub types: Vec<usize>,
}

/// A panel over types: `(type, count)` with count > 0, ascending by type.
pub(crate) type Column = Vec<(u32, u32)>;

/// `sum_t weights[t] * x_t` of a panel over types.
pub(crate) fn column_value(col: &Column, weights: &[f64]) -> f64 {
    col.iter()
        .map(|&(t, x)| weights[t as usize] * f64::from(x))
        .sum()
}

#[derive(Clone, Debug)]
pub(crate) struct Model {
    pub k: u32,
    /// Members of each type, ascending person indices; types ordered by first member.
    pub members: Vec<Vec<u32>>,
    pub quotas: Vec<QuotaRow>,
    /// Types of each household with two or more members.
    pub households: Vec<Vec<usize>>,
    pub n: usize,
}

impl Model {
    /// Builds the model of a validated instance.
    pub(crate) fn new(inst: &Instance) -> Self {
        let shared = inst.shared_households();
        let mut by_values: BTreeMap<&[u32], usize> = BTreeMap::new();
        let mut members: Vec<Vec<u32>> = Vec::new();
        for (i, person) in inst.people.iter().enumerate() {
            let t = if shared[i].is_some() {
                members.push(Vec::new());
                members.len() - 1
            } else {
                *by_values.entry(person).or_insert_with(|| {
                    members.push(Vec::new());
                    members.len() - 1
                })
            };
            members[t].push(i as u32);
        }
        Self::over(inst, members, &shared)
    }

    /// The model over the given groups of interchangeable people: each group shares its
    /// feature values, and everyone in a household of two or more is a group of their own.
    pub(crate) fn with_types(inst: &Instance, members: Vec<Vec<u32>>) -> Self {
        Self::over(inst, members, &inst.shared_households())
    }

    /// [`Model::with_types`], given the instance's `shared_households()`.
    fn over(inst: &Instance, members: Vec<Vec<u32>>, shared: &[Option<u32>]) -> Self {
        // Keyed by the instance's own household tags, whose order gives the rows' order.
        let mut hh: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for (t, list) in members.iter().enumerate() {
            for &i in list {
                if let (Some(_), Some(h)) = (shared[i as usize], inst.household(i as usize)) {
                    hh.entry(h).or_default().push(t);
                }
            }
        }
        let households: Vec<Vec<usize>> = hh.into_values().collect();
        let mut quotas = Vec::new();
        for (fi, f) in inst.features.iter().enumerate() {
            for (vi, v) in f.values.iter().enumerate() {
                let types = (0..members.len())
                    .filter(|&t| inst.people[members[t][0] as usize][fi] as usize == vi)
                    .collect();
                quotas.push(QuotaRow {
                    feature: fi,
                    value: vi,
                    min: v.min,
                    max: v.max,
                    types,
                });
            }
        }
        Self {
            k: inst.panel_size,
            members,
            quotas,
            households,
            n: inst.people.len(),
        }
    }

    pub(crate) fn num_types(&self) -> usize {
        self.members.len()
    }

    pub(crate) fn count(&self, t: usize) -> u32 {
        self.members[t].len() as u32
    }

    /// Checks a panel over types against every rule (exact integer arithmetic).
    pub(crate) fn column_ok(&self, col: &Column) -> bool {
        let mut counts = vec![0u32; self.num_types()];
        let mut total = 0u32;
        for &(t, x) in col {
            if x == 0 || x > self.count(t as usize) {
                return false;
            }
            counts[t as usize] = x;
            total += x;
        }
        if total != self.k {
            return false;
        }
        for q in &self.quotas {
            let s: u32 = q.types.iter().map(|&t| counts[t]).sum();
            if s < q.min || s > q.max {
                return false;
            }
        }
        self.households
            .iter()
            .all(|h| h.iter().map(|&t| counts[t]).sum::<u32>() <= 1)
    }
}
