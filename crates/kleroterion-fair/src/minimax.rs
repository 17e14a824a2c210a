//! Minimax rounding: a lottery of M panels, each taken with probability 1/M, that keeps the
//! largest change of anyone's probability small.
//!
//! People with the same feature values and the same probability who share no household with
//! anyone form a *class*: a panel only needs to say how many of each class it takes, and any
//! members of the class will do (the quotas and the household rule see only the counts). A
//! panel over classes is a *column*, and the rounding chooses how many times `C_j` each column
//! is taken. Once the columns are chosen, each class's seats `X_t = sum_j C_j x_jt` are handed
//! to its `c_t` members in turn (a pointer per class walks round its members, copy after
//! copy), so every member sits on `floor(X_t / c_t)` or `ceil(X_t / c_t)` of the M panels:
//! for a given `X_t`, the most even spread there is.
//!
//! Both phases lower `sum over people of |M p_i - n_i|^6` (`n_i` the person's number of
//! panels), a smooth stand-in for the largest change that the largest changes dominate.
//!
//! **Over the distribution's columns.** The search starts from the multiplicities of
//! systematic rounding at a few offsets (the first is systematic rounding itself, so it never
//! ends worse, and keeps its bound) and moves one copy at a time from one column to another. A
//! descent takes moves that lower the potential; its candidates are the best few removals
//! paired with the best few additions, then every move that changes one of the classes with
//! the largest changes. A short tabu search follows (the best move that is not tabu, even a
//! worsening one), then the descent again.
//!
//! **With new columns.** The distribution's panels are few, and a lottery that may only
//! repeat them cannot mend a person whom every one of them over- or under-serves. So the
//! search then generates panels, as column generation does for LEXIMIN: the *slope* of a class
//! is how much the potential falls when it gains one seat, and a pricing MIP over the panel
//! rules (the quotas and the household rule over classes) looks for the panel with the largest
//! total slope: the best its branch and bound finds within a fixed number of nodes (proving
//! the optimum can take seconds a panel, and a good panel is enough here). A generated panel
//! takes every member of a class that every panel of the distribution takes, and none of a
//! class that none takes: whoever the distribution makes certain stays on all M panels, and
//! whoever it leaves out stays out (trading that for gains elsewhere is not the rounding's
//! call). One copy of a taken column is traded for it when that lowers the potential; when no
//! trade does, the slopes are recomputed as if each of a few taken columns had lost a copy
//! (those that hold the class with the largest change, then those whose loss lowers the
//! potential most), and each is priced in turn. Quick descent moves follow every trade. The
//! search stops when no priced panel lowers the potential, or after a fixed number of rounds.
//! Each round is reported as [`crate::Phase::Rounding`], and a raised cancellation flag stops
//! the search at the end of a round.
//!
//! The best multiplicities seen, by their largest change and then their potential, are kept.
//! Budgets count moves, steps and rounds, never time; the MIP solver is deterministic, and
//! nothing depends on hash order, so the same input gives the same lottery.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::BTreeMap;

use crate::face::Face;
use crate::model::{Column, Model};
use crate::options::{Guard, Phase, Progress};
use crate::solver::best_panel_within;
use crate::{Distribution, FairError, Instance, Stopped};

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
/// Branch-and-bound nodes each pricing MIP may search.
const PRICING_NODES: u64 = 300;
/// How many removals a round of column generation tries before it gives up.
const REMOVALS: usize = 8;
/// How many steps a column that lost (gained) a copy may not gain (lose) one.
const TENURE: usize = 12;

/// The rounding problem over classes.
pub(crate) struct Problem {
    /// `M p` of each class (the mean over its members, who agree to within 1e-9).
    target: Vec<f64>,
    /// The distinct columns of the support.
    columns: Vec<Column>,
    /// The index of each column of the support.
    index: BTreeMap<Column, usize>,
    /// Column of each panel of the distribution (`usize::MAX` for weight 0).
    column_of: Vec<usize>,
    /// The panel rules over classes, for generating columns; its types are the classes, and
    /// its `members` each class's members, ascending person indices.
    model: Model,
    /// The classes whose count is the same in every column of the support: all of a class
    /// that every panel takes (people the distribution makes certain), none of one that no
    /// panel takes. Generated columns keep them.
    settled: Face,
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
        let model = Model::with_types(instance, members);
        let settled = Face::fixing(&model, settled_counts(&model, &columns));
        Self {
            model,
            settled,
            target,
            columns,
            index,
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
    /// summing to M); `steps` bounds each start's tabu phase. Errors only when cancelled.
    pub(crate) fn search(
        &self,
        starts: &[Vec<u32>],
        steps: usize,
        report: &Report<'_, '_>,
    ) -> Result<Vec<u32>, FairError> {
        let mut best = Best::default();
        for start in starts {
            let mut s = Search::new(self, start);
            best.offer(&s);
            s.descend();
            best.offer(&s);
            for step in 0..steps {
                if !s.step(step) {
                    break;
                }
                best.offer(&s);
            }
            s.descend();
            best.offer(&s);
            report.round(self.columns.len(), &best)?;
        }
        Ok(best.mult)
    }

    /// Improves `mult` (over the support's columns) with panels from outside the support: each
    /// round prices the panel that the potential's slopes favour most (a MIP over the panel
    /// rules), trades one copy of a taken column for it when that lowers the potential, then
    /// descends again on the quick moves. Stops after `rounds` rounds or when no trade lowers
    /// the potential. Returns the columns (the support's, then the new ones) and the best
    /// multiplicities seen, one per column.
    pub(crate) fn generate(
        &self,
        mult: &[u32],
        rounds: usize,
        report: &Report<'_, '_>,
    ) -> Result<(Vec<Column>, Vec<u32>), FairError> {
        let mut s = Search::new(self, mult);
        let mut best = Best::default();
        best.offer(&s);
        for _ in 0..rounds {
            if !s.trade_for_new(&self.model, &self.settled)? {
                break;
            }
            for _ in 0..DESCENT {
                if !s.quick_move() {
                    break;
                }
            }
            best.offer(&s);
            report.round(s.columns.len(), &best)?;
        }
        let mut mult = best.mult;
        mult.resize(s.columns.len(), 0);
        Ok((s.columns.into_owned(), mult))
    }

    /// The M panels: each column `mult[j]` times, the members of each class taken in turn.
    pub(crate) fn panels(&self, columns: &[Column], mult: &[u32]) -> Vec<Vec<u32>> {
        let mut next = vec![0usize; self.model.members.len()];
        let mut panels = Vec::new();
        for (col, &c) in columns.iter().zip(mult) {
            for _ in 0..c {
                let mut panel = Vec::new();
                for &(t, x) in col {
                    let list = &self.model.members[t as usize];
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

/// Per class, its count when every column takes the same number of it, all or none.
fn settled_counts(model: &Model, columns: &[Column]) -> Vec<Option<u32>> {
    let mut held = vec![0usize; model.num_types()];
    let mut full = vec![0usize; model.num_types()];
    for col in columns {
        for &(t, x) in col {
            held[t as usize] += 1;
            if x == model.count(t as usize) {
                full[t as usize] += 1;
            }
        }
    }
    (0..model.num_types())
        .map(|t| {
            if held[t] == 0 {
                Some(0)
            } else if full[t] == columns.len() {
                Some(model.count(t))
            } else {
                None
            }
        })
        .collect()
}

/// Reports the search's rounds as [`Phase::Rounding`].
pub(crate) struct Report<'a, 'g> {
    guard: &'a Guard<'g>,
    people: usize,
    /// The number of panels M.
    m: u32,
    /// The simple lower bound on the largest change, in probability.
    bound: f64,
    rounds: Cell<usize>,
}

impl<'a, 'g> Report<'a, 'g> {
    pub(crate) fn new(guard: &'a Guard<'g>, people: usize, m: u32, bound: f64) -> Self {
        Self {
            guard,
            people,
            m,
            bound,
            rounds: Cell::new(0),
        }
    }

    /// One more round done, with `panels` columns to take from and `best` the best so far;
    /// [`FairError::Cancelled`] when the options' cancellation flag is raised.
    fn round(&self, panels: usize, best: &Best) -> Result<(), FairError> {
        self.rounds.set(self.rounds.get() + 1);
        let largest = best.score.map_or(f64::INFINITY, |(d, _)| d);
        self.guard.report(Progress {
            phase: Phase::Rounding,
            level: self.rounds.get(),
            fixed: 0,
            people: self.people,
            panels,
            value: largest / f64::from(self.m),
            bound: self.bound,
        });
        if self.guard.cancelled() {
            let stopped = Stopped {
                phase: Phase::Rounding,
                levels_fixed: 0,
                people_fixed: 0,
                people: self.people,
            };
            return Err(FairError::cancelled().with_stop(stopped, None));
        }
        Ok(())
    }
}

/// The best multiplicities seen: the smallest largest change, then the smallest potential.
#[derive(Default)]
struct Best {
    /// Largest change and potential of `mult`; `None` before the first offer.
    score: Option<(f64, f64)>,
    mult: Vec<u32>,
}

impl Best {
    /// Keeps the search's multiplicities when they beat the best so far.
    fn offer(&mut self, s: &Search<'_>) {
        let (d, pot) = (s.largest(), s.total());
        let better = self
            .score
            .is_none_or(|(bd, bp)| d < bd - 1e-9 || (d <= bd + 1e-9 && pot < bp));
        if better {
            self.score = Some((d, pot));
            self.mult = s.mult.clone();
        }
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
    /// The columns the search may take: the support's, then the generated ones (borrowed from
    /// the problem until the first is generated).
    columns: Cow<'a, [Column]>,
    /// The index of each column.
    index: Cow<'a, BTreeMap<Column, usize>>,
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
    /// A search over the support's columns, taken `mult` times each.
    fn new(problem: &'a Problem, mult: &[u32]) -> Self {
        let size: Vec<i64> = problem
            .model
            .members
            .iter()
            .map(|l| l.len() as i64)
            .collect();
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
            columns: Cow::Borrowed(&problem.columns),
            index: Cow::Borrowed(&problem.index),
            size,
            seats,
            pot,
            mult: mult.to_vec(),
            removed: vec![0; mult.len()],
            added: vec![0; mult.len()],
        }
    }

    /// How much each class's potential falls with one more seat, after column `without` (if
    /// any) loses a copy.
    fn slopes(&self, without: Option<usize>) -> Vec<f64> {
        let mut seats = self.seats.clone();
        if let Some(f) = without {
            for &(t, x) in &self.columns[f] {
                seats[t as usize] -= i64::from(x);
            }
        }
        (0..self.size.len())
            .map(|t| {
                let (size, target) = (self.size[t], self.problem.target[t]);
                potential(size, target, seats[t]) - potential(size, target, seats[t] + 1)
            })
            .collect()
    }

    /// Prices the panel the slopes favour most, first as they are, then after each of the
    /// shortlisted removals, and applies the first trade of a taken copy for it that lowers
    /// the potential. Returns whether one did.
    fn trade_for_new(&mut self, model: &Model, face: &Face) -> Result<bool, FairError> {
        if let Some(col) = best_panel_within(model, &self.slopes(None), face, PRICING_NODES)? {
            let j = self.push(col);
            let held: Vec<usize> = (0..self.mult.len()).filter(|&f| self.mult[f] > 0).collect();
            if self.best_of(&held, &[j]) {
                return Ok(true);
            }
        }
        let worst = self.worst_class() as u32;
        let holds = |f: usize| self.columns[f].iter().any(|e| e.0 == worst);
        let mut from = self.shortlist(
            |f| self.mult[f] > 0 && holds(f),
            |f| self.single(f, -1),
            REMOVALS,
        );
        from.extend(self.shortlist(|f| self.mult[f] > 0, |f| self.single(f, -1), REMOVALS));
        for f in from {
            let Some(col) = best_panel_within(model, &self.slopes(Some(f)), face, PRICING_NODES)?
            else {
                continue;
            };
            let j = self.push(col);
            if self.best_of(&[f], &[j]) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The index of `col`, added with no copies and no tabu when it is new.
    fn push(&mut self, col: Column) -> usize {
        if let Some(&j) = self.index.get(&col) {
            return j;
        }
        let j = self.columns.len();
        self.index.to_mut().insert(col.clone(), j);
        self.columns.to_mut().push(col);
        self.mult.push(0);
        self.removed.push(0);
        self.added.push(0);
        j
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
        self.columns[j]
            .iter()
            .map(|&(t, x)| self.gain(t as usize, sign * i64::from(x)))
            .sum()
    }

    /// The change of the potential when one copy moves from column `from` to column `to`.
    fn pair(&self, from: usize, to: usize) -> f64 {
        let (a, b) = (&self.columns[from], &self.columns[to]);
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
            for &(t, x) in &self.columns[j] {
                let t = t as usize;
                self.seats[t] += sign * i64::from(x);
            }
        }
        for j in [from, to] {
            for &(t, _) in &self.columns[j] {
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
            let holding: Vec<usize> = all
                .iter()
                .copied()
                .filter(|&j| self.columns[j].iter().any(|e| e.0 as usize == t))
                .collect();
            let from: Vec<usize> = holding
                .iter()
                .copied()
                .filter(|&j| self.mult[j] > 0)
                .collect();
            if self.best_of(&from, &all) {
                return true;
            }
            let to = holding;
            if self.best_of(&held, &to) {
                return true;
            }
        }
        false
    }

    /// The class with the largest change, ties to the lower index.
    fn worst_class(&self) -> usize {
        let mut worst = (f64::NEG_INFINITY, 0);
        for t in 0..self.size.len() {
            let d = largest(self.size[t], self.problem.target[t], self.seats[t]);
            if d > worst.0 {
                worst = (d, t);
            }
        }
        worst.1
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
        let w = self.worst_class() as u32;
        let holds = |j: usize| self.columns[j].iter().any(|e| e.0 == w);
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
