//! Decomposing expected counts into a distribution over panels, by Wolfe's minimum-norm-point
//! algorithm (P. Wolfe, "Finding the nearest point in a polytope", Math. Programming 11, 1976)
//! over the panels of a face.
//!
//! The algorithm looks for the point of the panels' convex hull nearest to the target counts,
//! measured by `|x - y|^2 = sum_t (x_t - y_t)^2 / c_t` (a sum over people of squared
//! differences in probability). It keeps a *corral*: a few affinely independent panels with
//! positive weights. Each major step adds a panel that decreases `<x - target, v>` below
//! `<x - target, x>`, from the pricing MIP: the first such panel its branch and bound finds
//! within a few nodes, or else the proven best one; minor steps then move to the
//! nearest point of the corral's affine hull, dropping panels whose weights would turn
//! negative. The affine minimiser comes from a Cholesky factor of `11' + G` (`G` the Gram
//! matrix of the corral's panels minus the target), updated when a panel enters or leaves.
//!
//! When the target lies in the hull, the distance falls to zero and the corral's weights are
//! the distribution. When the best panel cannot decrease the distance, the current point is
//! the nearest one: if it is still far from the target, the target is out of reach.

use crate::FairError;
use crate::face::Face;
use crate::model::{Column, Model, column_value};
use crate::options::{Guard, Phase, Progress};
use crate::solver::Backend;

/// The decomposition is done once every type's probability is within this of its target.
pub const TARGET_DEV: f64 = 1e-8;
/// When the distance stops falling, a point this close to the target is accepted.
pub(crate) const ACCEPT_DEV: f64 = 1e-6;
/// The distance has stalled when it has not fallen by this factor in `STALL_STEPS` steps.
const STALL_FACTOR: f64 = 0.999;
const STALL_STEPS: usize = 50;
/// Steps allowed per type before giving up (Wolfe's algorithm is finite, but slow on a target
/// out of reach).
const MAX_STEPS_PER_TYPE: usize = 20;
/// Branch-and-bound nodes searched for an improving panel before proving the best one.
const EARLY_NODES: u64 = 50;
/// Corral weights at or below this count as zero.
const MIN_WEIGHT: f64 = 1e-15;

/// The result of a decomposition.
pub(crate) enum Outcome {
    /// Panels and weights (summing to 1) whose expected counts are within [`ACCEPT_DEV`] (in
    /// probability, for every type) of the target, and usually within [`TARGET_DEV`].
    Reached {
        columns: Vec<Column>,
        weights: Vec<f64>,
    },
    /// No distribution over the face's panels comes within [`ACCEPT_DEV`] of the target.
    OutOfReach,
    /// The time limit or the cancellation flag stopped the search; the corral's panels and
    /// weights (summing to 1) are a distribution, short of the target.
    Interrupted {
        error: FairError,
        columns: Vec<Column>,
        weights: Vec<f64>,
    },
}

/// Panels with affinely independent offsets from the target, their weights and the Cholesky
/// factor of `11' + G`.
#[derive(Default)]
struct Corral {
    columns: Vec<Column>,
    /// `<column, target>` of each column.
    with_target: Vec<f64>,
    weights: Vec<f64>,
    /// Upper-triangular factor, by columns: column `j` holds rows `0..=j`.
    factor: Vec<Vec<f64>>,
}

/// The inner product `sum_t a_t b_t / c_t` and the target it measures against.
struct Metric<'a> {
    inv_count: Vec<f64>,
    target: &'a [f64],
    /// `<target, target>`.
    target_sq: f64,
}

impl Metric<'_> {
    fn columns(&self, a: &Column, b: &Column) -> f64 {
        let (mut i, mut j, mut s) = (0, 0, 0.0);
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    let t = a[i].0 as usize;
                    s += f64::from(a[i].1) * f64::from(b[j].1) * self.inv_count[t];
                    i += 1;
                    j += 1;
                }
            }
        }
        s
    }

    fn with_target(&self, a: &Column) -> f64 {
        a.iter()
            .map(|&(t, x)| f64::from(x) * self.target[t as usize] * self.inv_count[t as usize])
            .sum()
    }

    /// `<a - target, b - target>` from `<a, b>` and the two products with the target.
    fn offsets(&self, ab: f64, a_target: f64, b_target: f64) -> f64 {
        ab - a_target - b_target + self.target_sq
    }
}

impl Corral {
    /// Adds a panel with weight 0; `false` when it is (numerically) affinely dependent on the
    /// corral.
    fn push(&mut self, metric: &Metric<'_>, col: Column) -> bool {
        let col_target = metric.with_target(&col);
        let rhs: Vec<f64> = self
            .columns
            .iter()
            .zip(&self.with_target)
            .map(|(c, &ct)| 1.0 + metric.offsets(metric.columns(c, &col), ct, col_target))
            .collect();
        let diag = 1.0 + metric.offsets(metric.columns(&col, &col), col_target, col_target);
        let mut new = forward(&self.factor, &rhs);
        let rest = diag - new.iter().map(|v| v * v).sum::<f64>();
        if rest <= 1e-14 * diag {
            return false;
        }
        new.push(rest.sqrt());
        self.factor.push(new);
        self.columns.push(col);
        self.with_target.push(col_target);
        self.weights.push(0.0);
        true
    }

    /// Removes panel `k`, restoring the factor's triangular shape by Givens rotations: rotation
    /// `j` (rows `j` and `j + 1`) is set by column `j` once the earlier ones have turned it, and
    /// each column takes its rotations in order, one column at a time.
    fn remove(&mut self, k: usize) {
        self.columns.remove(k);
        self.with_target.remove(k);
        self.weights.remove(k);
        self.factor.remove(k);
        let mut rotations: Vec<(f64, f64)> = Vec::with_capacity(self.factor.len() - k);
        for (j, col) in self.factor.iter_mut().enumerate().skip(k) {
            for (i, &(c, s)) in (k..).zip(&rotations) {
                rotate(col, i, c, s);
            }
            let (a, b) = (col[j], col[j + 1]);
            let h = a.hypot(b);
            let (c, s) = (a / h, b / h);
            rotate(col, j, c, s);
            col.truncate(j + 1);
            rotations.push((c, s));
        }
    }

    /// Weights (summing to 1) of the point of the corral's affine hull nearest the target.
    fn affine_minimiser(&self) -> Vec<f64> {
        let ones = vec![1.0; self.factor.len()];
        let mut a = backward(&self.factor, &forward(&self.factor, &ones));
        let total: f64 = a.iter().sum();
        for v in &mut a {
            *v /= total;
        }
        a
    }

    /// Minor steps: move towards the affine minimiser, dropping panels whose weight reaches
    /// 0, until the minimiser lies inside the corral's convex hull.
    fn settle(&mut self) {
        loop {
            let a = self.affine_minimiser();
            if a.iter().all(|&v| v > MIN_WEIGHT) {
                self.weights = a;
                return;
            }
            let theta = a
                .iter()
                .zip(&self.weights)
                .filter(|&(&ai, &li)| ai <= MIN_WEIGHT && li - ai > 0.0)
                .map(|(&ai, &li)| li / (li - ai))
                .fold(1.0f64, f64::min);
            for (l, &ai) in self.weights.iter_mut().zip(&a) {
                *l = theta * ai + (1.0 - theta) * *l;
            }
            for k in (0..self.columns.len()).rev() {
                if self.weights[k] <= MIN_WEIGHT {
                    self.remove(k);
                }
            }
            let total: f64 = self.weights.iter().sum();
            for l in &mut self.weights {
                *l /= total;
            }
        }
    }

    /// The outcome once the distance stops falling at `deviation` from the target.
    fn finish(self, deviation: f64) -> Outcome {
        if deviation <= ACCEPT_DEV {
            Outcome::Reached {
                columns: self.columns,
                weights: self.weights,
            }
        } else {
            Outcome::OutOfReach
        }
    }

    /// The outcome when `error`, a time limit or cancellation, stops the search.
    fn interrupted(self, error: FairError) -> Outcome {
        Outcome::Interrupted {
            error,
            columns: self.columns,
            weights: self.weights,
        }
    }

    /// Expected count of each type.
    fn point(&self, nt: usize) -> Vec<f64> {
        let mut x = vec![0.0; nt];
        for (col, &l) in self.columns.iter().zip(&self.weights) {
            for &(t, c) in col {
                x[t as usize] += l * f64::from(c);
            }
        }
        x
    }
}

/// Solves `R' y = b` for the upper-triangular `R` stored by columns.
fn forward(r: &[Vec<f64>], b: &[f64]) -> Vec<f64> {
    let mut y = Vec::with_capacity(b.len() + 1);
    for (i, col) in r.iter().enumerate() {
        let s: f64 = col[..i].iter().zip(&y).map(|(a, v)| a * v).sum();
        y.push((b[i] - s) / col[i]);
    }
    y
}

/// Solves `R a = y` for the upper-triangular `R` stored by columns, a column at a time.
fn backward(r: &[Vec<f64>], y: &[f64]) -> Vec<f64> {
    let mut a = y.to_vec();
    for (j, col) in r.iter().enumerate().rev() {
        a[j] /= col[j];
        let aj = a[j];
        for (ai, rij) in a[..j].iter_mut().zip(&col[..j]) {
            *ai -= rij * aj;
        }
    }
    a
}

/// Turns rows `i` and `i + 1` of `col` by the rotation `(c, s)`.
fn rotate(col: &mut [f64], i: usize, c: f64, s: f64) {
    let (u, v) = (col[i], col[i + 1]);
    col[i] = c * u + s * v;
    col[i + 1] = -s * u + c * v;
}

/// Finds weights on panels of `face` whose expected counts are `target`.
pub(crate) fn decompose(
    model: &Model,
    face: &Face,
    target: &[f64],
    backend: &mut impl Backend,
    guard: &Guard<'_>,
) -> Result<Outcome, FairError> {
    let nt = model.num_types();
    let inv_count: Vec<f64> = (0..nt).map(|t| 1.0 / f64::from(model.count(t))).collect();
    let target_sq = (0..nt).map(|t| target[t] * target[t] * inv_count[t]).sum();
    let metric = Metric {
        inv_count,
        target,
        target_sq,
    };
    let shares: Vec<f64> = (0..nt).map(|t| target[t] * metric.inv_count[t]).collect();
    let first = match backend.price(model, &shares, None, Some(face), guard.remaining()) {
        Ok(col) => col,
        // The face has no panel: the target is out of reach.
        Err(FairError::Infeasible) => return Ok(Outcome::OutOfReach),
        Err(e) => return Err(e),
    };
    let mut corral = Corral::default();
    corral.push(&metric, first);
    corral.weights[0] = 1.0;
    let mut best = f64::INFINITY;
    let mut best_step = 0;
    for step in 0..MAX_STEPS_PER_TYPE * nt + 1000 {
        // The corral is settled here: its weights are a distribution, kept when the run stops.
        if let Err(e) = guard.check() {
            return Ok(corral.interrupted(e));
        }
        let x = corral.point(nt);
        // Per-unit weights of the descent direction: a panel v decreases the distance when
        // <x - target, v> < <x - target, x>, that is when w . v > w . x.
        let w: Vec<f64> = (0..nt)
            .map(|t| (target[t] - x[t]) * metric.inv_count[t])
            .collect();
        let wx: f64 = x.iter().zip(&w).map(|(a, b)| a * b).sum();
        let dist_sq: f64 = (0..nt).map(|t| (target[t] - x[t]) * w[t]).sum();
        let deviation = w.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        guard.report(Progress {
            phase: Phase::Decomposing,
            level: 0,
            fixed: (0..nt)
                .filter(|&t| w[t].abs() <= TARGET_DEV)
                .map(|t| model.count(t) as usize)
                .sum(),
            people: model.n,
            panels: corral.columns.len(),
            value: deviation,
            bound: TARGET_DEV,
        });
        if deviation <= TARGET_DEV {
            return Ok(corral.finish(deviation));
        }
        if dist_sq < STALL_FACTOR * best {
            best = dist_sq;
            best_step = step;
        } else if step - best_step >= STALL_STEPS && deviation <= ACCEPT_DEV {
            return Ok(corral.finish(deviation));
        }
        let improving = |c: &Column| column_value(c, &w) > wx && !corral.columns.contains(c);
        let (col, proven) = match backend.price_early(
            model,
            &w,
            Some(face),
            EARLY_NODES,
            &improving,
            guard.remaining(),
        ) {
            Ok(c) => c,
            Err(FairError::Infeasible) => return Ok(Outcome::OutOfReach),
            Err(e) if e.is_stop() => return Ok(corral.interrupted(e)),
            Err(e) => return Err(e),
        };
        // When the target is in the hull, the best panel gains at least |x - target|^2: a
        // best panel that gains less proves the target out of reach (up to round-off).
        let short = proven && column_value(&col, &w) - wx < dist_sq * (1.0 - 1e-9);
        if !improving(&col) || short || !corral.push(&metric, col) {
            return Ok(corral.finish(deviation));
        }
        corral.settle();
    }
    Ok(Outcome::OutOfReach)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Six panels of three over six types, affinely independent.
    fn corral(metric: &Metric<'_>) -> Corral {
        let mut corral = Corral::default();
        let panels: [&[(u32, u32)]; 6] = [
            &[(0, 2), (1, 1)],
            &[(1, 2), (2, 1)],
            &[(0, 1), (2, 1), (3, 1)],
            &[(2, 2), (3, 1)],
            &[(0, 1), (4, 2)],
            &[(3, 1), (4, 1), (5, 1)],
        ];
        for p in panels {
            assert!(corral.push(metric, p.to_vec()), "{p:?} is independent");
        }
        corral
    }

    /// `11' + G` from the definition, `G_ab = sum_t (a_t - y_t)(b_t - y_t) / c_t`.
    fn gram(corral: &Corral, inv_count: &[f64], target: &[f64]) -> Vec<Vec<f64>> {
        let dense = |col: &Column| {
            let mut v = vec![0.0; target.len()];
            for &(t, x) in col {
                v[t as usize] = f64::from(x);
            }
            v
        };
        let cols: Vec<Vec<f64>> = corral.columns.iter().map(dense).collect();
        cols.iter()
            .map(|a| {
                cols.iter()
                    .map(|b| {
                        1.0 + (0..target.len())
                            .map(|t| (a[t] - target[t]) * (b[t] - target[t]) * inv_count[t])
                            .sum::<f64>()
                    })
                    .collect()
            })
            .collect()
    }

    /// `R'R` for the upper-triangular `R` stored by columns.
    fn product(r: &[Vec<f64>]) -> Vec<Vec<f64>> {
        r.iter()
            .map(|a| {
                r.iter()
                    .map(|b| a.iter().zip(b).map(|(x, y)| x * y).sum())
                    .collect()
            })
            .collect()
    }

    fn assert_close(a: &[Vec<f64>], b: &[Vec<f64>]) {
        for (ra, rb) in a.iter().zip(b) {
            for (x, y) in ra.iter().zip(rb) {
                assert!((x - y).abs() < 1e-9, "{a:?} against {b:?}");
            }
        }
    }

    #[test]
    fn the_factor_stays_that_of_the_gram_matrix_as_panels_leave() {
        let inv_count = [0.5, 1.0, 1.0 / 3.0, 1.0, 0.5, 1.0];
        let target = [0.9, 0.7, 0.5, 0.4, 0.3, 0.2];
        let target_sq = (0..6).map(|t| target[t] * target[t] * inv_count[t]).sum();
        let metric = Metric {
            inv_count: inv_count.to_vec(),
            target: &target,
            target_sq,
        };
        let mut corral = corral(&metric);
        assert_close(
            &product(&corral.factor),
            &gram(&corral, &inv_count, &target),
        );
        for k in [1, 3, 0] {
            corral.remove(k);
            for (j, col) in corral.factor.iter().enumerate() {
                assert_eq!(col.len(), j + 1, "column {j} is upper triangular");
            }
            assert_close(
                &product(&corral.factor),
                &gram(&corral, &inv_count, &target),
            );
        }
        assert_eq!(corral.columns.len(), 3);
        let left = corral.columns[0].clone();
        assert!(!corral.push(&metric, left), "a panel already there");
        assert!(
            corral.push(&metric, vec![(0, 2), (1, 1)]),
            "a panel that left"
        );
        assert_close(
            &product(&corral.factor),
            &gram(&corral, &inv_count, &target),
        );
    }

    #[test]
    fn forward_and_backward_solve_the_triangular_systems() {
        // R = [[2, 1, -1], [0, 3, 2], [0, 0, 4]], stored by columns.
        let r = vec![vec![2.0], vec![1.0, 3.0], vec![-1.0, 2.0, 4.0]];
        // R a = y for a = (1, -2, 0.5): y = (2 - 2 - 0.5, -6 + 1, 2).
        assert_eq!(backward(&r, &[-0.5, -5.0, 2.0]), [1.0, -2.0, 0.5]);
        // R' y = b for y = (1, -2, 0.5): b = (2, 1 - 6, -1 - 4 + 2).
        assert_eq!(forward(&r, &[2.0, -5.0, -3.0]), [1.0, -2.0, 0.5]);
    }
}
