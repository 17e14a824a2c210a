//! The draw methods an organiser can choose, compared on the same instance: figures recounted
//! from each method's panels and weights ([`MethodFigures`], with the [`ProbabilitySummary`]
//! every distribution has), and the core's `greedy` and `maxent` methods run on an instance
//! ([`GreedyPool`], [`MaxentPool`]), whose selection probabilities are known only from draws.
//!
//! Used by `benches/compare.rs` (BENCHMARKS.md section 9) and the demo's report.

use std::collections::HashSet;

use kleroterion::encoding::sha256;
use kleroterion::methods::{greedy, maxent};
use kleroterion::model::ResolvedPool;
use kleroterion::{Digest, Manifest, Method, PoolCommitment, Record};

use crate::{FairError, Instance, ProbabilitySummary};

/// One method's figures on one instance, recounted from its panels and their weights.
#[derive(Clone, Debug, PartialEq)]
pub struct MethodFigures {
    /// Each person's selection probability: the total weight of the panels holding them.
    pub probabilities: Vec<f64>,
    /// Their lowest value, Gini coefficient and the rest, as for any distribution.
    pub summary: ProbabilitySummary,
    /// The number of distinct panels of positive weight.
    pub distinct_panels: usize,
    /// The expected number of distinct value combinations on the drawn panel, over the number
    /// held in the pool. A combination is a value `a` of a feature `f` and a value `b` of
    /// another feature `g` (each pair of features once); it is on a panel when one member has
    /// both, and held in the pool when one volunteer has both.
    pub pairs_together: f64,
    /// The number of combinations on at least one panel of positive weight, over the number
    /// held in the pool.
    pub pairs_ever: f64,
}

impl MethodFigures {
    /// The figures of the distribution `panels` (ascending person indices) with `weights`
    /// (summing to 1). Fails when the lengths differ or a panel of positive weight breaks a
    /// quota or the household rule.
    pub fn of(
        instance: &Instance,
        panels: &[Vec<u32>],
        weights: &[f64],
    ) -> Result<Self, FairError> {
        if panels.len() != weights.len() {
            return Err(FairError::InvalidDistribution(format!(
                "{} panels but {} weights",
                panels.len(),
                weights.len()
            )));
        }
        let support: Vec<(&[u32], f64)> = panels
            .iter()
            .zip(weights)
            .filter(|&(_, &w)| w > 0.0)
            .map(|(p, &w)| (p.as_slice(), w))
            .collect();
        for (panel, _) in &support {
            instance
                .check_panel(panel)
                .map_err(FairError::InvalidDistribution)?;
        }
        let mut probabilities = vec![0.0; instance.len()];
        for (panel, w) in &support {
            for &person in *panel {
                probabilities[person as usize] += w;
            }
        }
        let (pairs_together, pairs_ever) = Combinations::new(instance).shares(&support);
        Ok(Self {
            summary: ProbabilitySummary::new(&probabilities, instance.panel_size),
            distinct_panels: support
                .iter()
                .map(|(p, _)| *p)
                .collect::<HashSet<_>>()
                .len(),
            pairs_together,
            pairs_ever,
            probabilities,
        })
    }

    /// The figures of panels that are equally likely: a committed lottery's, or the draws of
    /// a method (its empirical distribution).
    pub fn of_equally_likely(instance: &Instance, panels: &[Vec<u32>]) -> Result<Self, FairError> {
        let weight = 1.0 / panels.len().max(1) as f64;
        Self::of(instance, panels, &vec![weight; panels.len()])
    }
}

/// Every (feature f = value a, feature g = value b) combination with f < g, as one number.
struct Combinations {
    /// The combinations each person holds: one per pair of features.
    of_person: Vec<Vec<u32>>,
    /// How many combinations there are, held or not.
    count: usize,
    /// How many are held by at least one person of the pool.
    in_pool: usize,
}

impl Combinations {
    fn new(instance: &Instance) -> Self {
        let sizes: Vec<usize> = instance.features.iter().map(|f| f.values.len()).collect();
        let nf = sizes.len();
        // base[f][g]: the first number of the combinations of features f < g.
        let mut base = vec![vec![0usize; nf]; nf];
        let mut count = 0;
        for f in 0..nf {
            for g in f + 1..nf {
                base[f][g] = count;
                count += sizes[f] * sizes[g];
            }
        }
        let of_person: Vec<Vec<u32>> = instance
            .people
            .iter()
            .map(|row| {
                let mut ids = Vec::with_capacity(nf * nf.saturating_sub(1) / 2);
                for f in 0..nf {
                    for g in f + 1..nf {
                        let (a, b) = (row[f] as usize, row[g] as usize);
                        ids.push((base[f][g] + a * sizes[g] + b) as u32);
                    }
                }
                ids
            })
            .collect();
        let in_pool = of_person.iter().flatten().collect::<HashSet<_>>().len();
        Self {
            of_person,
            count,
            in_pool,
        }
    }

    /// The expected number of distinct combinations on the panel, and the number on at least
    /// one panel, each over the number held in the pool.
    fn shares(&self, support: &[(&[u32], f64)]) -> (f64, f64) {
        // seen_on[c] is 1 + the last panel that holds combination c (0: none yet).
        let mut seen_on = vec![0usize; self.count];
        let mut expected = 0.0;
        for (j, (panel, w)) in support.iter().enumerate() {
            let mut distinct = 0usize;
            for &person in *panel {
                for &c in &self.of_person[person as usize] {
                    if seen_on[c as usize] != j + 1 {
                        seen_on[c as usize] = j + 1;
                        distinct += 1;
                    }
                }
            }
            expected += w * distinct as f64;
        }
        let ever = seen_on.iter().filter(|&&s| s > 0).count();
        let pool = self.in_pool.max(1) as f64;
        (expected / pool, ever as f64 / pool)
    }
}

/// An instance as a committed pool for the core's `greedy` method: person `i` is pool index
/// `i`, with the instance's features, quotas and (when it has households) the household rule.
#[derive(Debug)]
pub struct GreedyPool {
    /// The `greedy` manifest.
    pub manifest: Manifest,
    /// The resolved pool.
    pub pool: ResolvedPool,
}

impl GreedyPool {
    /// Builds one open record per person (its value names in feature order, and a household
    /// tag when its household has two people or more), the manifest and the resolved pool.
    pub fn new(instance: &Instance, max_attempts: u32) -> Result<Self, FairError> {
        instance.validate()?;
        let households = instance.shared_households();
        let records = records_of(instance, &households);
        let invalid = |e: kleroterion::Error| FairError::InvalidInstance(e.to_string());
        let manifest = Manifest::new(
            "compare",
            Method::Greedy { max_attempts },
            instance.panel_size,
            instance.features.clone(),
            PoolCommitment::of(&records).map_err(invalid)?,
        )
        .with_household_rule(!instance.households.is_empty());
        let pool = ResolvedPool::new(&instance.features, &records).map_err(invalid)?;
        Ok(Self { manifest, pool })
    }

    /// Draw `i` (seed `SHA-256(u64_be(i))`): its panel in ascending order, or `None` when no
    /// attempt met every quota.
    pub fn draw(&self, i: u64) -> Option<Vec<u32>> {
        let seed: Digest = sha256(&i.to_be_bytes());
        let attempts = match self.manifest.method {
            Method::Greedy { max_attempts } => max_attempts,
            _ => 0,
        };
        let (mut panel, _) = greedy::draw(&self.manifest, &self.pool, &seed, attempts).ok()?;
        panel.sort_unstable();
        Some(panel)
    }
}

/// An instance as a committed pool for the core's `maxent` method (person `i` is pool index
/// `i`, as in [`GreedyPool`]), with the counted features of its manifest, the size of its
/// count and how often a walk met every quota.
#[derive(Debug)]
pub struct MaxentPool {
    /// The `maxent` manifest.
    pub manifest: Manifest,
    /// The resolved pool.
    pub pool: ResolvedPool,
    /// The count's cells.
    pub cells: u64,
    /// The forecast: walks tried and kept.
    pub forecast: maxent::Forecast,
    count: maxent::Count,
    tables: std::cell::RefCell<maxent::Tables>,
}

impl MaxentPool {
    /// The pool counting `counted` (put in [`maxent::count_order`]), forecast with `walks`
    /// walks. Fails when the count passes the cell limit.
    pub fn new(
        instance: &Instance,
        counted: &[String],
        max_attempts: u32,
        walks: u32,
    ) -> Result<Self, FairError> {
        let greedy = GreedyPool::new(instance, 1)?;
        let counted = maxent::count_order(&instance.features, counted, instance.panel_size);
        let mut manifest = greedy.manifest;
        manifest.method = Method::Maxent {
            counted: counted.clone(),
            max_attempts,
            weights: Vec::new(),
        };
        let invalid = |e: kleroterion::Error| FairError::InvalidInstance(e.to_string());
        manifest.validate().map_err(invalid)?;
        let count = maxent::Count::new(&manifest, &greedy.pool, &counted, &[]).map_err(invalid)?;
        let forecast = maxent::Forecast::new(&manifest, &greedy.pool, &count, walks);
        Ok(Self {
            manifest,
            pool: greedy.pool,
            cells: count.cells(),
            forecast,
            count,
            tables: std::cell::RefCell::default(),
        })
    }

    /// Chooses the counted features: starting from none, adds at each round the feature whose
    /// count, under the cell limit, keeps the most of `walks` walks (or, while none is kept,
    /// leaves the walks the smallest total quota violation), while that improves on the round
    /// before.
    pub fn choose(instance: &Instance, max_attempts: u32, walks: u32) -> Result<Self, FairError> {
        let score = |p: &Self| {
            (
                p.forecast.accepted,
                core::cmp::Reverse(p.forecast.violation),
            )
        };
        let mut best = Self::new(instance, &[], max_attempts, walks)?;
        let mut counted: Vec<String> = Vec::new();
        loop {
            let round = instance
                .features
                .iter()
                .filter(|f| !counted.contains(&f.name))
                .filter_map(|f| {
                    let mut names = counted.clone();
                    names.push(f.name.clone());
                    Self::new(instance, &names, max_attempts, walks)
                        .ok()
                        .map(|p| (names, p))
                })
                .max_by_key(|(_, p)| score(p));
            match round {
                Some((names, p)) if score(&p) > score(&best) => {
                    counted = names;
                    best = p;
                }
                _ => return Ok(best),
            }
        }
    }

    /// The counted features, in the manifest's order.
    pub fn counted(&self) -> &[String] {
        self.manifest
            .method
            .maxent_params()
            .map_or(&[], |p| p.counted)
    }

    /// Draw `i` (seed `SHA-256(u64_be(i))`): its panel in ascending order and the number of
    /// rejections, or `None` when every attempt was rejected.
    pub fn draw(&self, i: u64) -> Option<(Vec<u32>, u32)> {
        let seed: Digest = sha256(&i.to_be_bytes());
        let max_attempts = self.manifest.method.maxent_params()?.max_attempts;
        let (mut panel, rejections) = maxent::draw_counted(
            &self.manifest,
            &self.pool,
            &seed,
            (&self.count, &mut self.tables.borrow_mut()),
            max_attempts,
        )
        .ok()?;
        panel.sort_unstable();
        Some((panel, rejections))
    }
}

/// One open record per person: ticket `P000000`, `P000001`, ..., its value names, its
/// household tag.
fn records_of(instance: &Instance, households: &[Option<u32>]) -> Vec<Record> {
    instance
        .people
        .iter()
        .zip(households)
        .enumerate()
        .map(|(i, (row, household))| Record {
            ticket: format!("P{i:06}"),
            values: row
                .iter()
                .zip(&instance.features)
                .map(|(&v, f)| f.values[v as usize].value.clone())
                .collect(),
            seal: None,
            household: household.map(|h| format!("household-{h}")),
            holder: Digest::from_array([0; 32]),
            link: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Feature;

    /// Four people, one binary feature, panels of 2 with one of each value.
    fn tiny() -> Instance {
        Instance {
            features: vec![Feature::new("g", [("a", 1, 1), ("b", 1, 1)])],
            people: vec![vec![0], vec![0], vec![1], vec![1]],
            households: Vec::new(),
            panel_size: 2,
        }
    }

    #[test]
    fn figures_recount_a_hand_made_distribution() {
        let inst = tiny();
        let panels = vec![vec![0, 2], vec![1, 3], vec![0, 3]];
        let f = MethodFigures::of(&inst, &panels, &[0.5, 0.25, 0.25]).unwrap();
        assert_eq!(f.probabilities, vec![0.75, 0.25, 0.5, 0.5]);
        assert_eq!(f.summary.min, 0.25);
        assert_eq!(f.distinct_panels, 3);
        // |p_i - p_j| over the unordered pairs: 0.5 (0.75, 0.25), 2 x 0.25 (0.75, 0.5), 2 x 0.25
        // (0.25, 0.5), 0 (0.5, 0.5): 1.5, so 3 over the ordered pairs; 2 n^2 mean = 16.
        assert!((f.summary.gini - 3.0 / 16.0).abs() < 1e-12);
        // One feature: no pair of features, no combination.
        assert_eq!((f.pairs_together, f.pairs_ever), (0.0, 0.0));
    }

    #[test]
    fn a_panel_that_breaks_a_quota_is_refused() {
        let inst = tiny();
        let err = MethodFigures::of_equally_likely(&inst, &[vec![0, 1]]).unwrap_err();
        assert!(matches!(err, FairError::InvalidDistribution(_)));
    }

    #[test]
    fn greedy_draws_meet_the_quotas_and_repeat() {
        let inst = tiny();
        let pool = GreedyPool::new(&inst, 10).unwrap();
        for i in 0..20 {
            let panel = pool.draw(i).expect("a panel");
            inst.check_panel(&panel).unwrap();
            assert_eq!(pool.draw(i), Some(panel));
        }
    }
}
