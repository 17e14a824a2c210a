//! Fast pricing heuristic: local search by one-for-one swaps.
//!
//! Starting from a feasible panel over types, repeatedly replace one member of some type `a` by
//! one more member of another type `b` where that raises `sum_t w_t x_t` the most, keeping every
//! quota and the household rule, until no swap helps. The result is a feasible panel but not
//! necessarily a best one; column generation uses it to find improving panels cheaply and calls
//! the exact MIP only to prove that none is left.

use crate::model::{Column, Model};

/// Precomputed rows of each type, for quick feasibility checks of swaps.
pub(crate) struct LocalSearch {
    /// Quota row of each (type, feature), flattened as `t * features + f`.
    rows: Vec<u32>,
    features: usize,
    min: Vec<u32>,
    max: Vec<u32>,
    /// Household (index into `model.households`) of each type, if any.
    household: Vec<Option<u32>>,
    nhh: usize,
}

impl LocalSearch {
    pub(crate) fn new(model: &Model) -> Self {
        let nt = model.num_types();
        let features = model
            .quotas
            .iter()
            .map(|q| q.feature + 1)
            .max()
            .unwrap_or(0);
        let mut rows = vec![u32::MAX; nt * features];
        for (r, q) in model.quotas.iter().enumerate() {
            for &t in &q.types {
                rows[t * features + q.feature] = r as u32;
            }
        }
        let mut household = vec![None; nt];
        for (h, types) in model.households.iter().enumerate() {
            for &t in types {
                household[t] = Some(h as u32);
            }
        }
        Self {
            rows,
            features,
            min: model.quotas.iter().map(|q| q.min).collect(),
            max: model.quotas.iter().map(|q| q.max).collect(),
            household,
            nhh: model.households.len(),
        }
    }

    fn row(&self, t: usize, f: usize) -> usize {
        self.rows[t * self.features + f] as usize
    }

    /// Improves the feasible panel `start` by best-improvement swaps under per-unit weights `w`.
    pub(crate) fn improve(&self, model: &Model, start: &Column, w: &[f64]) -> Column {
        let nt = model.num_types();
        let mut x = vec![0u32; nt];
        let mut load = vec![0u32; self.min.len()];
        let mut hh = vec![0u32; self.nhh];
        for &(t, c) in start {
            let t = t as usize;
            x[t] = c;
            for f in 0..self.features {
                load[self.row(t, f)] += c;
            }
            if let Some(h) = self.household[t] {
                hh[h as usize] += c;
            }
        }
        // Types by weight, best first (ties by index, for determinism).
        let mut order: Vec<usize> = (0..nt).collect();
        order.sort_by(|&a, &b| w[b].total_cmp(&w[a]).then(a.cmp(&b)));
        let eps = 1e-12 * w.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-300);
        for _ in 0..4 * model.k as usize + 16 {
            // Members, worst first.
            let inside: Vec<usize> = order.iter().rev().copied().filter(|&t| x[t] > 0).collect();
            let mut best: Option<(f64, usize, usize)> = None;
            for &b in &order {
                if x[b] >= model.count(b) {
                    continue;
                }
                let Some(&worst) = inside.first() else { break };
                let bound = w[b] - w[worst];
                if bound <= best.map_or(eps, |(g, _, _)| g) {
                    break;
                }
                for &a in &inside {
                    let gain = w[b] - w[a];
                    if gain <= best.map_or(eps, |(g, _, _)| g) {
                        break;
                    }
                    if a == b || !self.swap_ok(&load, &hh, a, b) {
                        continue;
                    }
                    best = Some((gain, a, b));
                    break;
                }
            }
            let Some((_, a, b)) = best else { break };
            x[a] -= 1;
            x[b] += 1;
            for f in 0..self.features {
                load[self.row(a, f)] -= 1;
                load[self.row(b, f)] += 1;
            }
            if let Some(h) = self.household[a] {
                hh[h as usize] -= 1;
            }
            if let Some(h) = self.household[b] {
                hh[h as usize] += 1;
            }
        }
        x.iter()
            .enumerate()
            .filter(|&(_, &c)| c > 0)
            .map(|(t, &c)| (t as u32, c))
            .collect()
    }

    fn swap_ok(&self, load: &[u32], hh: &[u32], a: usize, b: usize) -> bool {
        for f in 0..self.features {
            let (ra, rb) = (self.row(a, f), self.row(b, f));
            if ra != rb && (load[ra] <= self.min[ra] || load[rb] >= self.max[rb]) {
                return false;
            }
        }
        match (self.household[a], self.household[b]) {
            (_, None) => true,
            (Some(ha), Some(hb)) if ha == hb => true,
            (_, Some(hb)) => hh[hb as usize] == 0,
        }
    }
}
