//! A synthetic volunteer pool for benchmarks, tests and examples: `n` volunteers with seven
//! features whose response rates are skewed against a target population, about a tenth of
//! them in two-person households, and quotas proportional to the population with a little
//! slack. The same `(n, k, seed)` always gives the same instance.
//!
//! ```
//! let pool = kleroterion_fair::synthetic::synthetic(300, 30, 1);
//! assert_eq!(pool.len(), 300);
//! assert_eq!(pool.features.len(), 7);
//! assert!(kleroterion_fair::feasibility(&pool).is_ok());
//! ```

use crate::{Feature, Instance, ValueQuota};

pub use crate::splitmix::SplitMix64;

/// Index drawn with probability proportional to `weights`.
fn pick(rng: &mut SplitMix64, weights: &[u32]) -> usize {
    let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
    let mut r = rng.below(total);
    for (i, &w) in weights.iter().enumerate() {
        if r < u64::from(w) {
            return i;
        }
        r -= u64::from(w);
    }
    weights.len() - 1
}

/// (feature, values, volunteer skew weights, population shares in percent)
type FeatureSpec = (
    &'static str,
    &'static [&'static str],
    &'static [u32],
    &'static [u32],
);

/// A realistic synthetic pool: `n` volunteers, 7 features with skewed response rates, about a
/// tenth of them in two-person households, quotas for a panel of `k` proportional to a target
/// population with a little slack (15 %, at least one seat).
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
    let mut rng = SplitMix64::new(seed);
    let mut features = Vec::new();
    for (name, values, _, shares) in spec.iter() {
        let vals = values
            .iter()
            .zip(shares.iter())
            .map(|(v, &s)| {
                let target = f64::from(k) * f64::from(s) / 100.0;
                let slack = (target * 0.15).max(1.0);
                ValueQuota {
                    value: (*v).into(),
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
        let person: Vec<u32> = spec
            .iter()
            .map(|(_, _, w, _)| pick(&mut rng, w) as u32)
            .collect();
        if people.len() + 1 < n && rng.below(20) == 0 {
            // A two-person household: same region and urbanity, other traits drawn afresh.
            let mut partner: Vec<u32> = spec
                .iter()
                .map(|(_, _, w, _)| pick(&mut rng, w) as u32)
                .collect();
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
