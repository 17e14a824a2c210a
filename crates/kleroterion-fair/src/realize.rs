//! From panels over types to panels over people.
//!
//! A panel over types says "take `x` of the `c` members of type `t`". To give every member of
//! the type the same probability, the panel's weight `w` is split along `[0, 1)`: for type `t`,
//! sub-interval `s` (of length `1/c`) takes the cyclic window of members `s, s+1, .., s+x-1`
//! (mod `c`), so each member is in exactly `x` of the `c` windows. The types are coupled by
//! cutting `[0, 1)` at every breakpoint `s/c` of every partially taken type (exact rational
//! comparisons); each piece becomes one panel of people. Each piece takes, for every type, one
//! of its windows, so every person panel has the counts of the type panel it comes from and
//! meets every quota and household rule.

use std::cmp::Ordering;

use crate::ProbabilitySummary;
use crate::model::{Column, Model};

/// A probability distribution over panels, with each person's selection probability.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Distribution {
    /// Panels, each a strictly ascending list of person indices.
    pub panels: Vec<Vec<u32>>,
    /// Probability of each panel (same order as `panels`); they sum to 1.
    pub weights: Vec<f64>,
    /// Selection probability of each person: the sum of the weights of the panels holding them.
    pub probabilities: Vec<f64>,
    /// Summary statistics of `probabilities`.
    pub report: ProbabilitySummary,
}

/// A fraction `num/den` with `0 < num < den`.
#[derive(Clone, Copy, Debug)]
struct Frac {
    num: u64,
    den: u64,
}

fn cmp_frac(a: Frac, b: Frac) -> Ordering {
    (u128::from(a.num) * u128::from(b.den)).cmp(&(u128::from(b.num) * u128::from(a.den)))
}

impl Distribution {
    /// Expands weighted panels over types into panels over people.
    pub(crate) fn from_columns(model: &Model, cols: &[(&Column, f64)]) -> Self {
        let mut panels = Vec::new();
        let mut weights = Vec::new();
        for &(col, w) in cols {
            let mut dens: Vec<u64> = col
                .iter()
                .filter(|&&(t, x)| x < model.count(t as usize))
                .map(|&(t, _)| u64::from(model.count(t as usize)))
                .collect();
            dens.sort_unstable();
            dens.dedup();
            let mut cuts: Vec<Frac> = Vec::new();
            for &den in &dens {
                for num in 1..den {
                    cuts.push(Frac { num, den });
                }
            }
            cuts.sort_by(|&a, &b| cmp_frac(a, b));
            cuts.dedup_by(|a, b| cmp_frac(*a, *b) == Ordering::Equal);
            let mut starts = vec![Frac { num: 0, den: 1 }];
            starts.extend(cuts);
            for (i, &start) in starts.iter().enumerate() {
                let end = starts
                    .get(i + 1)
                    .copied()
                    .unwrap_or(Frac { num: 1, den: 1 });
                let len = (u128::from(end.num) * u128::from(start.den)
                    - u128::from(start.num) * u128::from(end.den)) as f64
                    / (u128::from(start.den) * u128::from(end.den)) as f64;
                let mut panel = Vec::with_capacity(model.k as usize);
                for &(t, x) in col {
                    let members = &model.members[t as usize];
                    let c = members.len() as u64;
                    let s = (u128::from(start.num) * u128::from(c) / u128::from(start.den)) as u64;
                    for r in 0..u64::from(x) {
                        panel.push(members[((s + r) % c) as usize]);
                    }
                }
                panel.sort_unstable();
                panels.push(panel);
                weights.push(w * len);
            }
        }
        let probabilities = person_probabilities(model.n, &panels, &weights);
        let report = ProbabilitySummary::new(&probabilities, model.k);
        Self {
            panels,
            weights,
            probabilities,
            report,
        }
    }
}

/// Sum of the weights of the panels holding each person.
pub(crate) fn person_probabilities(n: usize, panels: &[Vec<u32>], weights: &[f64]) -> Vec<f64> {
    let mut p = vec![0.0; n];
    for (panel, &w) in panels.iter().zip(weights) {
        for &i in panel {
            p[i as usize] += w;
        }
    }
    p
}
