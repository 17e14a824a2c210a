//! The input: a pool of volunteers, their features, the quotas and the households.

use std::collections::BTreeMap;

use crate::FairError;

/// A feature (e.g. age bracket) and the quotas of its values: the core's type, so that a
/// manifest's features are an instance's features.
pub use kleroterion::Feature;
/// One value of a feature with its quota: the core's type.
pub use kleroterion::ValueQuota;

/// A selection problem: choose `panel_size` people from `people`, meeting every quota, at most
/// one person per household.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Instance {
    /// Number of people on a panel (k).
    pub panel_size: u32,
    /// Features and quotas.
    pub features: Vec<Feature>,
    /// `people[i][f]` is the index (into `features[f].values`) of person `i`'s value of feature `f`.
    pub people: Vec<Vec<u32>>,
    /// People with the same `Some(id)` share a household: at most one of them sits on a panel.
    /// Either empty (no households) or one entry per person.
    pub households: Vec<Option<u32>>,
}

impl Instance {
    /// The instance of a committed pool: its features (the first `features.len()` of the
    /// pool's, in order: pass only the quota features to leave out a stratifying column), every
    /// person in pool order, and households when `household_rule` is set. Person `i` of the
    /// instance is pool index `i`, so a [`crate::Portfolio`] rounded from it is a lottery
    /// method for that pool ([`crate::Portfolio::into_method`]).
    ///
    /// Refuses a pool with fewer features than `features`, and an instance that
    /// [`Instance::validate`] refuses.
    pub fn from_pool(
        features: &[Feature],
        pool: &kleroterion::model::ResolvedPool,
        panel_size: u32,
        household_rule: bool,
    ) -> Result<Self, FairError> {
        let nf = features.len();
        let mut people = Vec::with_capacity(pool.len());
        for (i, row) in pool.rows().enumerate() {
            let Some(values) = row.get(..nf) else {
                return Err(FairError::InvalidInstance(format!(
                    "person {i} has {} feature values, expected at least {nf}",
                    row.len()
                )));
            };
            people.push(values.to_vec());
        }
        let households = if household_rule {
            pool.household.clone()
        } else {
            Vec::new()
        };
        let instance = Self {
            panel_size,
            features: features.to_vec(),
            people,
            households,
        };
        instance.validate()?;
        Ok(instance)
    }

    /// Checks that the instance is well formed. It does not check that a panel exists
    /// (see [`crate::feasibility`]).
    pub fn validate(&self) -> Result<(), FairError> {
        let bad = |m: String| Err(FairError::InvalidInstance(m));
        if self.panel_size == 0 {
            return bad("panel size must be at least 1".into());
        }
        if self.people.len() > u32::MAX as usize / 2 {
            return bad("too many people".into());
        }
        if (self.panel_size as usize) > self.people.len() {
            return bad(format!(
                "panel size {} exceeds the pool of {} people",
                self.panel_size,
                self.people.len()
            ));
        }
        for (fi, f) in self.features.iter().enumerate() {
            if f.values.is_empty() {
                return bad(format!("feature {fi} ({}) has no values", f.name));
            }
            for v in &f.values {
                if v.min > v.max {
                    return bad(format!(
                        "quota {}={}: min {} > max {}",
                        f.name, v.value, v.min, v.max
                    ));
                }
            }
        }
        for (i, p) in self.people.iter().enumerate() {
            if p.len() != self.features.len() {
                return bad(format!(
                    "person {i} has {} feature values, expected {}",
                    p.len(),
                    self.features.len()
                ));
            }
            for (fi, &v) in p.iter().enumerate() {
                if v as usize >= self.features[fi].values.len() {
                    return bad(format!(
                        "person {i}: value index {v} out of range for feature {}",
                        self.features[fi].name
                    ));
                }
            }
        }
        if !self.households.is_empty() && self.households.len() != self.people.len() {
            return bad(format!(
                "{} household entries for {} people",
                self.households.len(),
                self.people.len()
            ));
        }
        Ok(())
    }

    /// Number of people in the pool.
    pub fn len(&self) -> usize {
        self.people.len()
    }

    /// Whether the pool is empty.
    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    /// The household of person `i`, if any.
    pub fn household(&self, i: usize) -> Option<u32> {
        self.households.get(i).copied().flatten()
    }

    /// Each person's household when they share it with someone (a household of one constrains
    /// nothing), numbered 0, 1, 2, ... in order of first appearance: two instances that group
    /// the same people give the same list, whatever their household ids.
    pub fn shared_households(&self) -> Vec<Option<u32>> {
        let mut size: BTreeMap<u32, usize> = BTreeMap::new();
        for h in self.households.iter().flatten() {
            *size.entry(*h).or_default() += 1;
        }
        let mut number: BTreeMap<u32, u32> = BTreeMap::new();
        (0..self.len())
            .map(|i| {
                let next = number.len() as u32;
                self.household(i)
                    .filter(|h| size[h] > 1)
                    .map(|h| *number.entry(h).or_insert(next))
            })
            .collect()
    }

    /// Checks one panel: strictly ascending valid person indices, `panel_size` of them, every
    /// quota met, at most one person per household. Returns a description of the first problem.
    pub fn check_panel(&self, panel: &[u32]) -> Result<(), String> {
        if panel.len() != self.panel_size as usize {
            return Err(format!(
                "panel has {} people, expected {}",
                panel.len(),
                self.panel_size
            ));
        }
        for w in panel.windows(2) {
            if w[0] >= w[1] {
                return Err("panel is not strictly ascending".into());
            }
        }
        if let Some(&last) = panel.last()
            && last as usize >= self.people.len()
        {
            return Err(format!("person {last} does not exist"));
        }
        for (fi, f) in self.features.iter().enumerate() {
            let mut counts = vec![0u32; f.values.len()];
            for &p in panel {
                counts[self.people[p as usize][fi] as usize] += 1;
            }
            for (v, &c) in f.values.iter().zip(&counts) {
                if c < v.min || c > v.max {
                    return Err(format!(
                        "{}={} has {c} members, quota is {}..={}",
                        f.name, v.value, v.min, v.max
                    ));
                }
            }
        }
        let mut seen = BTreeMap::new();
        for &p in panel {
            if let Some(h) = self.household(p as usize)
                && let Some(q) = seen.insert(h, p)
            {
                return Err(format!("people {q} and {p} share household {h}"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_households_keep_groups_of_two_or_more_numbered_by_first_appearance() {
        let inst = Instance {
            panel_size: 1,
            features: vec![Feature::new("g", [("a", 0, 1)])],
            people: vec![vec![0]; 6],
            households: vec![Some(9), Some(4), None, Some(9), Some(7), Some(4)],
        };
        // 7 is a household of one; 9 comes first.
        assert_eq!(
            inst.shared_households(),
            vec![Some(0), Some(1), None, Some(0), None, Some(1)]
        );
        let none = Instance {
            households: Vec::new(),
            ..inst
        };
        assert_eq!(none.shared_households(), vec![None; 6]);
    }
}
