//! Minimax rounding: integer multiplicities for the distribution's panels, summing to M, that
//! keep the largest change of anyone's probability small.
//!
//! People with the same feature values and the same probability who share no household with
//! anyone form a *class*: a panel only needs to say how many of each class it takes, and any
//! members of the class will do (the quotas and the household rule see only the counts). The
//! distribution's panels are grouped into *columns*, counts per class, and the rounding chooses
//! how many times `C_j` each column is taken. Once the columns are chosen, each class's seats
//! `X_t = sum_j C_j x_jt` are handed to its `c_t` members in turn (a pointer per class walks
//! round its members, copy after copy), so every member sits on `floor(X_t / c_t)` or
//! `ceil(X_t / c_t)` of the M panels: for a given `X_t`, the most even spread there is.
//!
//! The search starts from the multiplicities of systematic rounding at a few offsets (the
//! first is systematic rounding itself, so it never ends worse, and keeps its bound) and moves
//! one copy at a time from one column to another. A descent takes moves that lower
//! `sum over people of |M p_i - n_i|^6` (`n_i` the person's number of panels), a smooth
//! stand-in for the largest change that the largest changes dominate; its candidates are the
//! best few removals paired with the best few additions, then every move that changes one of
//! the classes with the largest changes. A short tabu search follows (the best move that is not
//! tabu, even a worsening one), then the descent again. The best multiplicities seen, by their
//! largest change and then their potential, are kept. Budgets count moves and steps, never
//! time, and nothing depends on hash order, so the same input gives the same lottery.

use std::collections::BTreeMap;

use crate::{Distribution, Instance};

/// The exponent of the potential.
const POWER: i32 = 6;
/// How many removals and additions are paired in the quick neighbourhood.
const SHORTLIST: usize = 24;
/// How many removals and additions are paired around the class with the largest change.
const WIDE: usize = 32;
/// How many classes with the largest changes the descent tries before it stops.
const WORST_CLASSES: usize = 8;
/// The most moves one descent makes.
const DESCENT: usize = 5000;
/// How many steps a column that lost (gained) a copy may not gain (lose) one.
const TENURE: usize = 12;

/// Column `j`: `(class, count)`, ascending by class.
type Column = Vec<(u32, u32)>;

/// The rounding problem over classes.
pub(crate) struct Problem {
    /// Members of each class, ascending person indices.
    members: Vec<Vec<u32>>,
    /// `M p` of each class (the mean over its members, who agree to within 1e-9).
    target: Vec<f64>,
    /// The distinct columns of the support.
    columns: Vec<Column>,
    /// Column of each panel of the distribution (`usize::MAX` for weight 0).
    column_of: Vec<usize>,
}

impl Problem {
    /// Groups people into classes and panels into columns.
    pub(crate) fn new(instance: &Instance, distribution: &Distribution, m: u32) -> Self {
        let n = instance.len();
        let p = &distribution.probabilities;
        let shared = instance.shared_households();
        let alone = |i: usize| shared[i].is_none();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| {
            (!alone(a), &instance.people[a])
                .cmp(&(!alone(b), &instance.people[b]))
                .then(p[a].total_cmp(&p[b]))
                .then(a.cmp(&b))
        });
        let mut class_of = vec![0u32; n];
        let mut members: Vec<Vec<u32>> = Vec::new();
        let mut first = usize::MAX;
        for &i in &order {
            let same = first != usize::MAX
                && alone(i)
                && alone(first)
                && instance.people[i] == instance.people[first]
                && (p[i] - p[first]).abs() <= 1e-9;
            if !same {
                members.push(Vec::new());
                first = i;
            }
            class_of[i] = (members.len() - 1) as u32;
            members.last_mut().expect("a class").push(i as u32);
        }
        for list in &mut members {
            list.sort_unstable();
        }
        let target = members
            .iter()
            .map(|list| {
                let sum: f64 = list.iter().map(|&i| p[i as usize]).sum();
                f64::from(m) * sum / list.len() as f64
            })
            .collect();
        let mut index: BTreeMap<Column, usize> = BTreeMap::new();
        let mut columns = Vec::new();
        let column_of = distribution
            .panels
            .iter()
            .zip(&distribution.weights)
            .map(|(panel, &w)| {
                if w <= 0.0 {
                    return usize::MAX;
                }
                let mut counts: BTreeMap<u32, u32> = BTreeMap::new();
                for &i in panel {
                    *counts.entry(class_of[i as usize]).or_default() += 1;
                }
                let col: Column = counts.into_iter().collect();
                *index.entry(col.clone()).or_insert_with(|| {
                    columns.push(col);
                    columns.len() - 1
                })
            })
            .collect();
        Self {
            members,
            target,
            columns,
            column_of,
        }
    }

    /// The multiplicities that systematic rounding's choice of panels gives each column.
    pub(crate) fn multiplicities_of(&self, chosen: &[usize]) -> Vec<u32> {
        let mut mult = vec![0u32; self.columns.len()];
        for &j in chosen {
            mult[self.column_of[j]] += 1;
        }
        mult
    }

    /// The best multiplicities the search of the module docs finds from each start (each
    /// summing to M); `steps` bounds each start's tabu phase.
    pub(crate) fn search(&self, starts: &[Vec<u32>], steps: usize) -> Vec<u32> {
        let mut best: Option<(f64, f64, Vec<u32>)> = None;
        for start in starts {
            let mut s = Search::new(self, start);
            let mut keep = |s: &Search<'_>| {
                let (d, pot) = (s.largest(), s.total());
                if best
                    .as_ref()
                    .is_none_or(|b| d < b.0 - 1e-9 || (d <= b.0 + 1e-9 && pot < b.1))
                {
                    best = Some((d, pot, s.mult.clone()));
                }
            };
            keep(&s);
            s.descend();
            keep(&s);
            for step in 0..steps {
                if !s.step(step) {
                    break;
                }
                keep(&s);
            }
            s.descend();
            keep(&s);
        }
        best.map(|b| b.2).unwrap_or_default()
    }

    /// The M panels: each column `mult[j]` times, the members of each class taken in turn.
    pub(crate) fn panels(&self, mult: &[u32]) -> Vec<Vec<u32>> {
        let mut next = vec![0usize; self.members.len()];
        let mut panels = Vec::new();
        for (col, &c) in self.columns.iter().zip(mult) {
            for _ in 0..c {
                let mut panel = Vec::new();
                for &(t, x) in col {
                    let list = &self.members[t as usize];
                    for _ in 0..x {
                        panel.push(list[next[t as usize]]);
                        next[t as usize] = (next[t as usize] + 1) % list.len();
                    }
                }
                panel.sort_unstable();
                panels.push(panel);
            }
        }
        panels
    }
}

/// The potential of a class holding `seats` seats: `sum over members |M p - n|^POWER`.
fn potential(size: i64, target: f64, seats: i64) -> f64 {
    let q = seats.div_euclid(size);
    let r = seats.rem_euclid(size);
    let low = (q as f64 - target).abs().powi(POWER);
    let high = (q as f64 + 1.0 - target).abs().powi(POWER);
    (size - r) as f64 * low + r as f64 * high
}

/// The largest `|M p - n|` over a class's members with `seats` seats.
fn largest(size: i64, target: f64, seats: i64) -> f64 {
    let q = seats.div_euclid(size);
    let low = (q as f64 - target).abs();
    if seats.rem_euclid(size) == 0 {
        low
    } else {
        low.max((q as f64 + 1.0 - target).abs())
    }
}

struct Search<'a> {
    problem: &'a Problem,
    size: Vec<i64>,
    seats: Vec<i64>,
    pot: Vec<f64>,
    mult: Vec<u32>,
    /// The step until which each column may not gain a copy.
    removed: Vec<usize>,
    /// The step until which each column may not lose a copy.
    added: Vec<usize>,
}

impl<'a> Search<'a> {
    fn new(problem: &'a Problem, mult: &[u32]) -> Self {
        let size: Vec<i64> = problem.members.iter().map(|l| l.len() as i64).collect();
        let mut seats = vec![0i64; size.len()];
        for (col, &c) in problem.columns.iter().zip(mult) {
            for &(t, x) in col {
                seats[t as usize] += i64::from(c) * i64::from(x);
            }
        }
        let pot = (0..size.len())
            .map(|t| potential(size[t], problem.target[t], seats[t]))
            .collect();
        Self {
            problem,
            size,
            seats,
            pot,
            mult: mult.to_vec(),
            removed: vec![0; mult.len()],
            added: vec![0; mult.len()],
        }
    }

    /// The change of the potential when class `t` gains `delta` seats.
    fn gain(&self, t: usize, delta: i64) -> f64 {
        if delta == 0 {
            return 0.0;
        }
        potential(self.size[t], self.problem.target[t], self.seats[t] + delta) - self.pot[t]
    }

    /// The change of the potential when column `j` is taken `sign` more times (one column).
    fn single(&self, j: usize, sign: i64) -> f64 {
        self.problem.columns[j]
            .iter()
            .map(|&(t, x)| self.gain(t as usize, sign * i64::from(x)))
            .sum()
    }

    /// The change of the potential when one copy moves from column `from` to column `to`.
    fn pair(&self, from: usize, to: usize) -> f64 {
        let (a, b) = (&self.problem.columns[from], &self.problem.columns[to]);
        let (mut i, mut k) = (0, 0);
        let mut total = 0.0;
        while i < a.len() || k < b.len() {
            let ta = a.get(i).map_or(u32::MAX, |e| e.0);
            let tb = b.get(k).map_or(u32::MAX, |e| e.0);
            if ta == tb {
                total += self.gain(ta as usize, i64::from(b[k].1) - i64::from(a[i].1));
                i += 1;
                k += 1;
            } else if ta < tb {
                total += self.gain(ta as usize, -i64::from(a[i].1));
                i += 1;
            } else {
                total += self.gain(tb as usize, i64::from(b[k].1));
                k += 1;
            }
        }
        total
    }

    /// Applies the move of one copy from column `from` to column `to`.
    fn apply(&mut self, from: usize, to: usize) {
        self.mult[from] -= 1;
        self.mult[to] += 1;
        for (j, sign) in [(from, -1i64), (to, 1)] {
            for &(t, x) in &self.problem.columns[j] {
                let t = t as usize;
                self.seats[t] += sign * i64::from(x);
            }
        }
        for j in [from, to] {
            for &(t, _) in &self.problem.columns[j] {
                let t = t as usize;
                self.pot[t] = potential(self.size[t], self.problem.target[t], self.seats[t]);
            }
        }
    }

    /// Moves that lower the potential, as long as there are any (at most `DESCENT` of them).
    fn descend(&mut self) {
        for _ in 0..DESCENT {
            if !self.quick_move() && !self.full_move() {
                break;
            }
        }
    }

    /// The best of the given moves, applied when it lowers the potential.
    fn best_of(&mut self, from: &[usize], to: &[usize]) -> bool {
        let scale: f64 = self.pot.iter().sum();
        let mut best = (-1e-12 * scale.max(1.0), usize::MAX, usize::MAX);
        for &f in from {
            for &t in to {
                if f == t {
                    continue;
                }
                let d = self.pair(f, t);
                if d < best.0 {
                    best = (d, f, t);
                }
            }
        }
        if best.1 == usize::MAX {
            return false;
        }
        self.apply(best.1, best.2);
        true
    }

    /// The best move among the shortlisted removals and additions.
    fn quick_move(&mut self) -> bool {
        let from = self.shortlist(|j| self.mult[j] > 0, |j| self.single(j, -1), SHORTLIST);
        let to = self.shortlist(|_| true, |j| self.single(j, 1), SHORTLIST);
        self.best_of(&from, &to)
    }

    /// The best move that changes one of the classes with the largest changes.
    fn full_move(&mut self) -> bool {
        let nt = self.size.len();
        let mut worst: Vec<(f64, usize)> = (0..nt)
            .map(|t| {
                let d = largest(self.size[t], self.problem.target[t], self.seats[t]);
                (d, t)
            })
            .collect();
        worst.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let nj = self.mult.len();
        let all: Vec<usize> = (0..nj).collect();
        let held: Vec<usize> = (0..nj).filter(|&j| self.mult[j] > 0).collect();
        for &(_, t) in worst.iter().take(WORST_CLASSES) {
            let holds = |j: usize| self.problem.columns[j].iter().any(|e| e.0 as usize == t);
            let from: Vec<usize> = held.iter().copied().filter(|&j| holds(j)).collect();
            if self.best_of(&from, &all) {
                return true;
            }
            let to: Vec<usize> = all.iter().copied().filter(|&j| holds(j)).collect();
            if self.best_of(&held, &to) {
                return true;
            }
        }
        false
    }

    /// The largest change over all classes.
    fn largest(&self) -> f64 {
        (0..self.size.len())
            .map(|t| largest(self.size[t], self.problem.target[t], self.seats[t]))
            .fold(0.0, f64::max)
    }

    /// The potential.
    fn total(&self) -> f64 {
        self.pot.iter().sum()
    }

    /// The `count` best columns by `score`, ties to the lower index.
    fn shortlist(
        &self,
        keep: impl Fn(usize) -> bool,
        score: impl Fn(usize) -> f64,
        count: usize,
    ) -> Vec<usize> {
        let mut scores: Vec<(f64, usize)> = (0..self.mult.len())
            .filter(|&j| keep(j))
            .map(|j| (score(j), j))
            .collect();
        scores.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        scores.truncate(count);
        scores.into_iter().map(|(_, j)| j).collect()
    }

    /// One step: the best move that is not tabu, even when it raises the potential. A column
    /// that lost a copy may not gain one for `TENURE` steps, and the other way round.
    fn step(&mut self, step: usize) -> bool {
        let tabu_add = |j: usize| self.removed[j] > step;
        let tabu_remove = |j: usize| self.added[j] > step;
        let held = |j: usize| self.mult[j] > 0 && !tabu_remove(j);
        let from = self.shortlist(held, |j| self.single(j, -1), SHORTLIST);
        let to = self.shortlist(|j| !tabu_add(j), |j| self.single(j, 1), SHORTLIST);
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for &f in &from {
            for &t in &to {
                pairs.push((f, t));
            }
        }
        // The class with the largest change, ties to the lower index.
        let nt = self.size.len();
        let mut worst = (f64::NEG_INFINITY, 0);
        for t in 0..nt {
            let d = largest(self.size[t], self.problem.target[t], self.seats[t]);
            if d > worst.0 {
                worst = (d, t);
            }
        }
        let w = worst.1 as u32;
        let holds = |j: usize| self.problem.columns[j].iter().any(|e| e.0 == w);
        let from_w = self.shortlist(|j| held(j) && holds(j), |j| self.single(j, -1), WIDE);
        let to_any = self.shortlist(|j| !tabu_add(j), |j| self.single(j, 1), WIDE);
        let to_w = self.shortlist(|j| !tabu_add(j) && holds(j), |j| self.single(j, 1), WIDE);
        let from_any = self.shortlist(held, |j| self.single(j, -1), WIDE);
        for &f in &from_w {
            for &t in &to_any {
                pairs.push((f, t));
            }
        }
        for &f in &from_any {
            for &t in &to_w {
                pairs.push((f, t));
            }
        }
        let mut best = (f64::INFINITY, usize::MAX, usize::MAX);
        for (f, t) in pairs {
            if f == t {
                continue;
            }
            let d = self.pair(f, t);
            if d < best.0 || (d == best.0 && (f, t) < (best.1, best.2)) {
                best = (d, f, t);
            }
        }
        if best.1 == usize::MAX {
            return false;
        }
        self.removed[best.1] = step + 1 + TENURE;
        self.added[best.2] = step + 1 + TENURE;
        self.apply(best.1, best.2);
        true
    }
}
