//! Test-only readers for the fixtures in `tests/data` (the synthetic generator is
//! `kleroterion_fair::synthetic`).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kleroterion_fair::{Feature, Instance, ValueQuota};

/// `tests/data` at the workspace root: the first folder above the compiling crate that holds
/// it (this module is also compiled into `benches/`, one level below the root, not two).
pub fn data_dir() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|dir| dir.join("tests/data"))
        .find(|dir| dir.join("sortition-algorithms").is_dir())
        .unwrap_or_else(|| panic!("no tests/data with the fixtures above {}", here.display()))
}

fn rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(|c| c.trim().to_string()).collect())
        .collect()
}

/// Builds an instance from quota rows `(feature, value, min, max)` and people given as
/// `feature -> value` maps.
fn build(
    k: u32,
    quotas: &[(String, String, u32, u32)],
    people: &[BTreeMap<String, String>],
    households: Vec<Option<u32>>,
) -> Instance {
    let mut features: Vec<Feature> = Vec::new();
    for (f, v, min, max) in quotas {
        let fi = match features.iter().position(|x| &x.name == f) {
            Some(i) => i,
            None => {
                features.push(Feature {
                    name: f.clone(),
                    values: Vec::new(),
                });
                features.len() - 1
            }
        };
        features[fi].values.push(ValueQuota {
            value: v.clone(),
            min: *min,
            max: *max,
        });
    }
    let people = people
        .iter()
        .map(|p| {
            features
                .iter()
                .map(|f| {
                    let v = &p[&f.name];
                    f.values
                        .iter()
                        .position(|x| &x.value == v)
                        .unwrap_or_else(|| panic!("value {v}")) as u32
                })
                .collect()
        })
        .collect();
    Instance {
        panel_size: k,
        features,
        people,
        households,
    }
}

/// Reads a Panelot directory (`categories.csv`, `respondents.csv`).
pub fn panelot(dir: &Path, k: u32) -> Instance {
    let cats = rows(&dir.join("categories.csv"));
    let quotas: Vec<_> = cats[1..]
        .iter()
        .map(|r| {
            (
                r[0].clone(),
                r[1].clone(),
                r[2].parse().unwrap(),
                r[3].parse().unwrap(),
            )
        })
        .collect();
    let resp = rows(&dir.join("respondents.csv"));
    let header = &resp[0];
    let people: Vec<BTreeMap<String, String>> = resp[1..]
        .iter()
        .map(|r| header.iter().cloned().zip(r.iter().cloned()).collect())
        .collect();
    build(k, &quotas, &people, Vec::new())
}

/// Reads the sortition-algorithms fixture; households = same `primary_address1` + `primary_zip`.
pub fn sortition_foundation(k: u32) -> Instance {
    let dir = data_dir().join("sortition-algorithms");
    let feats = rows(&dir.join("features.csv"));
    let quotas: Vec<_> = feats[1..]
        .iter()
        .map(|r| {
            (
                r[0].clone(),
                r[1].clone(),
                r[2].parse().unwrap(),
                r[3].parse().unwrap(),
            )
        })
        .collect();
    let cand = rows(&dir.join("candidates.csv"));
    let header = &cand[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (a, z) = (col("primary_address1"), col("primary_zip"));
    let mut addr: BTreeMap<(String, String), u32> = BTreeMap::new();
    let mut households = Vec::new();
    let mut people = Vec::new();
    for r in &cand[1..] {
        let next = addr.len() as u32;
        households.push(Some(
            *addr.entry((r[a].clone(), r[z].clone())).or_insert(next),
        ));
        people.push(header.iter().cloned().zip(r.iter().cloned()).collect());
    }
    build(k, &quotas, &people, households)
}

/// Reference sorted LEXIMIN profile: `(percentile in 0..100, probability)`.
pub fn reference_profile(name: &str) -> Vec<(f64, f64)> {
    let path = data_dir().join(format!(
        "replication/reference_output/{name}_prob_allocs_data.csv"
    ));
    rows(&path)[1..]
        .iter()
        .filter(|r| r[0].eq_ignore_ascii_case("leximin"))
        .map(|r| (r[1].parse().unwrap(), r[2].parse().unwrap()))
        .collect()
}

/// Asserts that a panel meets every quota of the instance and seats at most one person per
/// household.
pub fn check_panel(inst: &Instance, panel: &[u32]) {
    for (fi, f) in inst.features.iter().enumerate() {
        for (vi, v) in f.values.iter().enumerate() {
            let c = panel
                .iter()
                .filter(|&&p| inst.people[p as usize][fi] as usize == vi)
                .count() as u32;
            assert!(
                (v.min..=v.max).contains(&c),
                "{}={}: {c} in {panel:?}",
                f.name,
                v.value
            );
        }
    }
    let mut homes: Vec<u32> = panel
        .iter()
        .filter_map(|&p| inst.households.get(p as usize).copied().flatten())
        .collect();
    let seated = homes.len();
    homes.sort_unstable();
    homes.dedup();
    assert_eq!(homes.len(), seated, "a household twice in {panel:?}");
}

/// Checks a partial distribution without the crate's own checks: every panel has
/// `panel_size` distinct people, meets every quota and seats at most one person per
/// household; the weights are positive and sum to 1; the probabilities are the weights' sums;
/// every fixed person has their level (within 1e-6) and everyone else the guaranteed minimum.
pub fn check_partial(inst: &Instance, partial: &kleroterion_fair::Partial) {
    let d = &partial.distribution;
    let n = inst.people.len();
    assert_eq!(d.panels.len(), d.weights.len());
    let mut probabilities = vec![0.0; n];
    for (panel, &w) in d.panels.iter().zip(&d.weights) {
        assert!(w > 0.0, "weight {w}");
        assert_eq!(panel.len(), inst.panel_size as usize, "{panel:?}");
        let mut people = panel.clone();
        people.sort_unstable();
        people.dedup();
        assert_eq!(people.len(), panel.len(), "someone twice in {panel:?}");
        check_panel(inst, panel);
        for &p in panel {
            probabilities[p as usize] += w;
        }
    }
    let total: f64 = d.weights.iter().sum();
    assert!((total - 1.0).abs() < 1e-9, "weights sum to {total}");
    assert_eq!(partial.fixed.len(), n);
    for (i, &p) in probabilities.iter().enumerate() {
        assert!((p - d.probabilities[i]).abs() < 1e-9, "person {i}");
        match partial.fixed[i] {
            Some(level) => assert!(p >= level - 1e-6, "person {i}: {p} < level {level}"),
            None => assert!(
                p >= partial.guaranteed_minimum - 1e-9,
                "person {i}: {p} < {}",
                partial.guaranteed_minimum
            ),
        }
    }
    assert!(partial.guaranteed_minimum <= partial.bound + 1e-9);
}
