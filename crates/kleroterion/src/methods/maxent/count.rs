//! The exact count of `maxent` (SPEC.md section 9.6): the records grouped into types by their
//! counted values, the states reachable from the start, and `B_j(s)` for every cell.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, Zero};

use super::big::{Suffixes, elementary, unrank_subset};
use crate::error::{Error, Result};
use crate::manifest::Manifest;
use crate::model::ResolvedPool;

/// The most cells a count may have (SPEC.md section 9.6).
pub const MAX_CELLS: u64 = 1_000_000;

/// The most weight terms, `sum of n_j (top_j + 1)` over the types, a count may need (SPEC.md
/// section 9.6).
pub const MAX_WEIGHT_TERMS: u64 = 10_000_000;

/// The records that share their values for the counted features.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Type {
    /// The value positions, one per counted feature, in `counted` order.
    pub values: Vec<u32>,
    /// Its members' pool indices, in pool order.
    pub members: Vec<u32>,
    /// Its members' weights, in the same order.
    pub weights: Vec<u32>,
}

/// The states of one layer, sorted, each `stride` entries: the panel size then the counts of
/// the counted values.
#[derive(Debug, Clone)]
struct Layer {
    states: Vec<u32>,
    ways: Vec<BigUint>,
}

/// The count of a `maxent` manifest over its pool: every `B_j(s)` and `Z`.
#[derive(Debug, Clone)]
pub struct Count {
    types: Vec<Type>,
    /// For each type, the state entries it adds to.
    steps: Vec<Vec<usize>>,
    /// For each type, the state entries of the values it finishes: no later type has them.
    finishing: Vec<Vec<usize>>,
    /// True when every counted value that no record has allows 0 panel members.
    absent_ok: bool,
    /// `W_j(c)` for each type, `c` up to what the caps allow.
    type_ways: Vec<Vec<BigUint>>,
    caps: Vec<u32>,
    floors: Vec<u32>,
    stride: usize,
    layers: Vec<Layer>,
    cells: u64,
}

impl Count {
    /// Makes the count of `manifest`'s `maxent` method over `pool`, refusing a count of more
    /// than [`MAX_CELLS`] cells.
    pub fn new(
        manifest: &Manifest,
        pool: &ResolvedPool,
        counted: &[String],
        weights: &[u32],
    ) -> Result<Self> {
        let features: Vec<usize> = counted
            .iter()
            .map(|name| {
                manifest
                    .features
                    .iter()
                    .position(|f| &f.name == name)
                    .ok_or_else(|| Error::UnknownFeature {
                        field: "the method",
                        feature: name.clone(),
                    })
            })
            .collect::<Result<_>>()?;
        let k = manifest.panel_size;
        let (mut caps, mut floors, mut offsets) = (alloc::vec![k], alloc::vec![k], Vec::new());
        for &f in &features {
            offsets.push(caps.len());
            for q in &manifest.features[f].values {
                caps.push(q.max.min(k));
                floors.push(q.min);
            }
        }
        let types = group(pool, &features, weights);
        let steps: Vec<Vec<usize>> = types
            .iter()
            .map(|t| {
                let mut s = alloc::vec![0];
                s.extend(offsets.iter().zip(&t.values).map(|(o, &v)| o + v as usize));
                s
            })
            .collect();
        let mut last_type = alloc::vec![None; caps.len()];
        for (j, step) in steps.iter().enumerate() {
            for &i in &step[1..] {
                last_type[i] = Some(j);
            }
        }
        let mut finishing = alloc::vec![Vec::new(); types.len()];
        for (i, last) in last_type.iter().enumerate().skip(1) {
            if let Some(j) = last {
                finishing[*j].push(i);
            }
        }
        let absent_ok = last_type
            .iter()
            .zip(&floors)
            .skip(1)
            .all(|(last, &min)| last.is_some() || min == 0);
        let tops: Vec<usize> = types
            .iter()
            .zip(&steps)
            .map(|(t, s)| {
                let top = s.iter().map(|&i| caps[i]).min().unwrap_or(k) as usize;
                top.min(t.members.len())
            })
            .collect();
        let terms: u64 = types
            .iter()
            .zip(&tops)
            .map(|(t, &top)| t.members.len() as u64 * (top as u64 + 1))
            .sum();
        if terms > MAX_WEIGHT_TERMS {
            return Err(Error::InvalidMethod {
                detail: format!(
                    "the maxent count's weights need {terms} terms, more than {MAX_WEIGHT_TERMS}, the most a verifier's browser is asked to compute (SPEC.md section 9.6); draw from a smaller pool, or count more features"
                ),
            });
        }
        let type_ways = types
            .iter()
            .zip(&tops)
            .map(|(t, &top)| elementary(t.weights.iter().copied(), top))
            .collect();
        let mut count = Self {
            types,
            steps,
            finishing,
            absent_ok,
            type_ways,
            stride: caps.len(),
            caps,
            floors,
            layers: Vec::new(),
            cells: 0,
        };
        count.reach()?;
        count.ways();
        Ok(count)
    }

    /// How many members of type `j` can join `state` within the caps.
    fn room(&self, j: usize, state: &[u32]) -> u32 {
        let room = self.steps[j]
            .iter()
            .map(|&i| self.caps[i] - state[i])
            .min()
            .unwrap_or(0);
        room.min(self.types[j].members.len() as u32)
    }

    /// The successor of `state` by `c` members of type `j` (`c` within [`Count::room`]) in
    /// `into`: the counts the type finishes are checked against their minimum and set to 0.
    /// False when one is below its minimum: there is no successor.
    fn add(&self, j: usize, state: &[u32], c: u32, into: &mut Vec<u32>) -> bool {
        into.clear();
        into.extend_from_slice(state);
        for &i in &self.steps[j] {
            into[i] += c;
        }
        for &i in &self.finishing[j] {
            if into[i] < self.floors[i] {
                return false;
            }
            into[i] = 0;
        }
        true
    }

    /// Each successor of `state` in layer `j`: the number `c` of type `j`'s members taken and
    /// the successor's position in layer `j + 1` (once the layers are built).
    fn successors<'a>(
        &'a self,
        j: usize,
        state: &'a [u32],
    ) -> impl Iterator<Item = (u32, usize)> + 'a {
        let mut next = Vec::with_capacity(self.stride);
        (0..=self.room(j, state)).filter_map(move |c| {
            if self.add(j, state, c, &mut next) {
                Some((c, self.find(j + 1, &next)))
            } else {
                None
            }
        })
    }

    /// The layers of reachable states, checking the cell limit as they grow.
    fn reach(&mut self) -> Result<()> {
        let mut layer = alloc::vec![0u32; self.stride];
        self.cells = 1;
        let mut next = Vec::new();
        for j in 0..self.types.len() {
            let mut set: BTreeSet<Vec<u32>> = BTreeSet::new();
            for state in layer.chunks_exact(self.stride) {
                for c in 0..=self.room(j, state) {
                    if self.add(j, state, c, &mut next) && !set.contains(&next) {
                        set.insert(next.clone());
                        if self.cells + set.len() as u64 > MAX_CELLS {
                            return Err(too_many_cells(self.types.len()));
                        }
                    }
                }
            }
            self.cells += set.len() as u64;
            self.layers.push(Layer {
                states: core::mem::take(&mut layer),
                ways: Vec::new(),
            });
            layer = set.into_iter().flatten().collect();
        }
        self.layers.push(Layer {
            states: layer,
            ways: Vec::new(),
        });
        Ok(())
    }

    /// `B_j(s)` for every cell, from the last layer back to the first.
    fn ways(&mut self) {
        let last = &mut self.layers[self.types.len()];
        last.ways = last
            .states
            .chunks_exact(self.stride)
            .map(|s| {
                let fin = self.absent_ok && s[0] == self.caps[0];
                if fin { BigUint::one() } else { BigUint::zero() }
            })
            .collect();
        for j in (0..self.types.len()).rev() {
            let ways = self.layers[j]
                .states
                .chunks_exact(self.stride)
                .map(|state| {
                    let mut sum = BigUint::zero();
                    for (c, to) in self.successors(j, state) {
                        let b = &self.layers[j + 1].ways[to];
                        if !b.is_zero() {
                            sum += &self.type_ways[j][c as usize] * b;
                        }
                    }
                    sum
                })
                .collect();
            self.layers[j].ways = ways;
        }
    }

    /// The position of `state` in layer `j` (it is there: layers hold every reachable state).
    fn find(&self, j: usize, state: &[u32]) -> usize {
        let states = &self.layers[j].states;
        let n = states.len() / self.stride;
        let at = |i: usize| &states[i * self.stride..(i + 1) * self.stride];
        let mut lo = 0;
        let mut hi = n;
        while lo < hi {
            let mid = (lo + hi) / 2;
            if at(mid) < state {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// `Z`: the weighted number of panels of `k` that meet the counted quotas.
    pub fn total(&self) -> &BigUint {
        &self.layers[0].ways[0]
    }

    /// How many cells the count has.
    pub fn cells(&self) -> u64 {
        self.cells
    }

    /// The types, in type order.
    pub fn types(&self) -> &[Type] {
        &self.types
    }

    /// Each record's weight of panels: the sum, over the panels of `k` that meet the counted
    /// quotas and hold the record, of the product of their members' weights, by pool index.
    /// Over [`Count::total`], it is the record's exact probability of being drawn when no
    /// panel is ever rejected (see [`super::exact_probabilities`]).
    pub fn inclusion(&self, records: usize) -> Vec<BigUint> {
        let mut out = alloc::vec![BigUint::zero(); records];
        let mut reach = alloc::vec![BigUint::one()];
        for (j, t) in self.types.iter().enumerate() {
            let layer = &self.layers[j];
            let mut onward = alloc::vec![BigUint::zero(); self.layers[j + 1].ways.len()];
            let mut through = alloc::vec![BigUint::zero(); self.type_ways[j].len()];
            for (at, state) in layer.states.chunks_exact(self.stride).enumerate() {
                if reach[at].is_zero() {
                    continue;
                }
                for (c, to) in self.successors(j, state) {
                    onward[to] += &reach[at] * &self.type_ways[j][c as usize];
                    through[c as usize] += &reach[at] * &self.layers[j + 1].ways[to];
                }
            }
            for (&member, &w) in t.members.iter().zip(&t.weights) {
                // e_r of the type without this member: e_r = E_r - w e_{r-1}.
                let mut without = BigUint::one();
                let mut sum = BigUint::zero();
                for (held, e) in through.iter().zip(&self.type_ways[j]).skip(1) {
                    sum += held * &without * w;
                    without = e - &without * w;
                }
                out[member as usize] = sum;
            }
            reach = onward;
        }
        out
    }

    /// The walk: the panel that `q < Z` designates, by type then in pool order, with the
    /// unranking tables and the choices of the cells already met in `tables`.
    pub fn walk(&self, mut q: BigUint, tables: &mut Tables) -> Vec<u32> {
        let mut panel = Vec::new();
        let mut at = 0;
        for j in 0..self.types.len() {
            let choices = tables.choices(self, j, at);
            // The first choice whose running total passes `q` (every total is positive).
            let i = choices.partition_point(|ch| ch.end <= q);
            let Some(ch) = choices.get(i) else {
                break;
            };
            let (c, to) = (ch.c, ch.to);
            if i > 0 {
                q -= &choices[i - 1].end;
            }
            let (inner, rest) = q.div_rem(&self.layers[j + 1].ways[to]);
            let t = &self.types[j];
            let table = tables.of(j, t, self.type_ways[j].len() - 1);
            let chosen = unrank_subset(&t.weights, table, c as usize, &inner);
            panel.extend(chosen.into_iter().map(|i| t.members[i]));
            q = rest;
            at = to;
        }
        panel
    }

    /// The choices of the walk at cell `(j, at)`: each `c` whose term is not 0, with its
    /// successor and the running total of the terms up to it.
    fn choices_at(&self, j: usize, at: usize) -> Vec<Choice> {
        let state = &self.layers[j].states[at * self.stride..(at + 1) * self.stride];
        let mut end = BigUint::zero();
        let mut out = Vec::new();
        for (c, to) in self.successors(j, state) {
            let b = &self.layers[j + 1].ways[to];
            if b.is_zero() {
                continue;
            }
            end += &self.type_ways[j][c as usize] * b;
            out.push(Choice {
                c,
                to,
                end: end.clone(),
            });
        }
        out
    }
}

/// One choice of the walk: `c` members of the type, the successor's position in the next layer,
/// and the running total of the terms up to and including this one.
#[derive(Debug, Clone)]
struct Choice {
    c: u32,
    to: usize,
    end: BigUint,
}

/// What walks reuse: the unranking tables of the types and the choices of the cells, each
/// made the first time a walk needs it.
#[derive(Debug, Default)]
pub struct Tables {
    suffixes: Vec<Option<Suffixes>>,
    choices: BTreeMap<(usize, usize), Vec<Choice>>,
}

impl Tables {
    fn of(&mut self, j: usize, t: &Type, top: usize) -> &Suffixes {
        if self.suffixes.len() <= j {
            self.suffixes.resize_with(j + 1, || None);
        }
        self.suffixes[j].get_or_insert_with(|| Suffixes::new(&t.weights, top))
    }

    fn choices(&mut self, count: &Count, j: usize, at: usize) -> &[Choice] {
        self.choices
            .entry((j, at))
            .or_insert_with(|| count.choices_at(j, at))
    }
}

/// The records grouped by their counted values, types in lexicographic order.
fn group(pool: &ResolvedPool, features: &[usize], weights: &[u32]) -> Vec<Type> {
    let mut keyed: Vec<(Vec<u32>, u32)> = (0..pool.len())
        .map(|i| {
            let row = pool.row(i);
            (features.iter().map(|&f| row[f]).collect(), i as u32)
        })
        .collect();
    keyed.sort();
    let mut types: Vec<Type> = Vec::new();
    for (values, i) in keyed {
        let w = weights.get(i as usize).copied().unwrap_or(1);
        match types.last_mut() {
            Some(t) if t.values == values => {
                t.members.push(i);
                t.weights.push(w);
            }
            _ => types.push(Type {
                values,
                members: alloc::vec![i],
                weights: alloc::vec![w],
            }),
        }
    }
    types
}

fn too_many_cells(types: usize) -> Error {
    Error::InvalidMethod {
        detail: format!(
            "the maxent count over {types} types has more than {MAX_CELLS} cells, the most a verifier's browser is asked to redo (SPEC.md section 9.6); count fewer or coarser features, whose quotas are still met by rejection"
        ),
    }
}
