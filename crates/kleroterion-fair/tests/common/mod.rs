//! Test-only readers for the fixtures in `tests/data`, and a synthetic instance generator.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kleroterion_fair::{Feature, Instance, ValueQuota};

/// `tests/data` at the workspace root.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data")
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
            name: v.clone(),
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
                        .position(|x| &x.name == v)
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

/// A small deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
    /// Index drawn with probability proportional to `weights`.
    pub fn pick(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut r = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if r < u64::from(w) {
                return i;
            }
            r -= u64::from(w);
        }
        weights.len() - 1
    }
}

/// (feature, values, volunteer skew weights, population shares in percent)
type FeatureSpec = (
    &'static str,
    &'static [&'static str],
    &'static [u32],
    &'static [u32],
);

/// A realistic synthetic pool: `n` volunteers, 7 features with skewed response rates, about a
/// tenth of them in two-person households, quotas proportional to a target population with a
/// little slack.
pub fn synthetic(n: usize, k: u32, seed: u64) -> Instance {
    // (feature, values, volunteer skew weights, population shares in percent)
    let spec: [FeatureSpec; 7] = [
        (
            "gender",
            &["female", "male", "other"],
            &[52, 46, 2],
            &[50, 49, 1],
        ),
        (
            "age",
            &["16-29", "30-44", "45-59", "60-74", "75+"],
            &[10, 18, 26, 32, 14],
            &[22, 24, 25, 19, 10],
        ),
        (
            "region",
            &["north", "south", "east", "west", "centre", "islands"],
            &[20, 25, 15, 20, 17, 3],
            &[18, 22, 17, 20, 19, 4],
        ),
        (
            "education",
            &["none", "secondary", "vocational", "degree"],
            &[6, 24, 25, 45],
            &[15, 35, 27, 23],
        ),
        (
            "urban",
            &["city", "town", "rural"],
            &[50, 30, 20],
            &[40, 35, 25],
        ),
        (
            "ethnicity",
            &["majority", "minority-a", "minority-b", "minority-c"],
            &[88, 6, 4, 2],
            &[82, 9, 6, 3],
        ),
        (
            "housing",
            &["owner", "renter", "social"],
            &[65, 27, 8],
            &[55, 30, 15],
        ),
    ];
    let mut rng = Rng::new(seed);
    let mut features = Vec::new();
    for (name, values, _, shares) in spec.iter() {
        let vals = values
            .iter()
            .zip(shares.iter())
            .map(|(v, &s)| {
                let target = f64::from(k) * f64::from(s) / 100.0;
                let slack = (target * 0.15).max(1.0);
                ValueQuota {
                    name: (*v).into(),
                    min: (target - slack).floor().max(0.0) as u32,
                    max: (target + slack).ceil() as u32,
                }
            })
            .collect();
        features.push(Feature {
            name: (*name).into(),
            values: vals,
        });
    }
    let mut people: Vec<Vec<u32>> = Vec::with_capacity(n);
    let mut households = Vec::with_capacity(n);
    let mut next_household = 0u32;
    while people.len() < n {
        let person: Vec<u32> = spec.iter().map(|(_, _, w, _)| rng.pick(w) as u32).collect();
        if people.len() + 1 < n && rng.below(20) == 0 {
            // A two-person household: same region and urbanity, other traits drawn afresh.
            let mut partner: Vec<u32> =
                spec.iter().map(|(_, _, w, _)| rng.pick(w) as u32).collect();
            partner[2] = person[2];
            partner[4] = person[4];
            people.push(person);
            people.push(partner);
            households.push(Some(next_household));
            households.push(Some(next_household));
            next_household += 1;
        } else {
            people.push(person);
            households.push(None);
        }
    }
    Instance {
        panel_size: k,
        features,
        people,
        households,
    }
}
