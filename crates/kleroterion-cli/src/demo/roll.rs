//! The synthetic electoral roll: about 320,000 registered voters across the 31 communes.
//!
//! Everything is drawn from the protocol's own ChaCha20 stream ([`Stream::from_key`]) and
//! integer sampling ([`uniform`]) under fixed, public keys, so the roll is the same byte for
//! byte on every machine. No person is real.

use kleroterion::Digest;
use kleroterion::sampling::uniform;
use kleroterion::stream::Stream;

use super::DemoError;
use super::data::{Figures, PPM, quantile};

/// Household sizes 1 to 4, per thousand households of registered voters.
const HOUSEHOLD_SIZES: [u64; 4] = [330, 400, 170, 100];
/// Per thousand: how often a person's socio-professional category follows their age rank
/// (students young, retired old) instead of being drawn independently.
const CSP_FOLLOWS_AGE: u64 = 850;
/// Per thousand: how often a person's education follows their age rank inversely.
const EDUCATION_FOLLOWS_AGE: u64 = 500;
/// The order of the socio-professional categories along the age axis, youngest first.
const CSP_AGE_ORDER: [&str; 8] = [
    "other-inactive",
    "employees",
    "manual-workers",
    "intermediate-professions",
    "managers-professionals",
    "craftsmen-shopkeepers-entrepreneurs",
    "farmers",
    "retired",
];

/// A fixed, public 32-byte key made from a short label (the demo's keys are not secret).
pub fn demo_key(label: &str) -> Digest {
    let mut k = [0u8; 32];
    for (d, s) in k.iter_mut().zip(label.as_bytes()) {
        *d = *s;
    }
    Digest::from_array(k)
}

/// One registered voter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Person {
    /// Index into the communes.
    pub commune: u16,
    /// Value index per personal feature: gender, age, education, csp.
    pub values: [u8; 4],
    /// Index into [`Roll::households`].
    pub household: u32,
}

/// The roll: people in roll order and their households.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roll {
    /// Everyone, commune by commune, household by household.
    pub people: Vec<Person>,
    /// For each household, the index of its first member and its size.
    pub households: Vec<(u32, u8)>,
}

impl Roll {
    /// Builds the roll at `scale_per_mille` of the full size (1000 = about 320,000 voters).
    pub fn build(
        fig: &Figures,
        scale_per_mille: u64,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Self, DemoError> {
        if scale_per_mille == 0 {
            return Err(DemoError::Config(
                "the roll scale must be at least 1 per mille".into(),
            ));
        }
        let counts: Vec<u64> = fig
            .communes
            .iter()
            .map(|c| (c.registered() * scale_per_mille / 1000).max(1))
            .collect();
        let total: u64 = counts.iter().sum();
        let (age, edu, csp) = (fig.feature(1), fig.feature(2), fig.feature(3));
        let age_order: Vec<usize> = (0..age.values.len()).collect();
        let edu_order: Vec<usize> = (0..edu.values.len()).collect();
        let csp_order = CSP_AGE_ORDER
            .iter()
            .map(|n| csp.index(n))
            .collect::<Result<Vec<_>, _>>()?;
        let woman = fig.feature(0).index("woman")?;
        let man = fig.feature(0).index("man")?;
        let mut s = Stream::from_key(&demo_key("kleroterion demo: roll"));
        let mut people = Vec::with_capacity(total as usize);
        let mut households = Vec::new();
        for (c, &n) in counts.iter().enumerate() {
            let mut left = n;
            while left > 0 {
                let size =
                    (quantile(&HOUSEHOLD_SIZES, &[0, 1, 2, 3], uniform(&mut s, 1000)) as u64 + 1)
                        .min(left);
                households.push((people.len() as u32, size as u8));
                for _ in 0..size {
                    let gender = if uniform(&mut s, PPM) < fig.feature(0).shares[woman] {
                        woman
                    } else {
                        man
                    };
                    let u_age = uniform(&mut s, PPM);
                    let v_csp = if uniform(&mut s, 1000) < CSP_FOLLOWS_AGE {
                        u_age
                    } else {
                        uniform(&mut s, PPM)
                    };
                    let v_edu = if uniform(&mut s, 1000) < EDUCATION_FOLLOWS_AGE {
                        PPM - 1 - u_age
                    } else {
                        uniform(&mut s, PPM)
                    };
                    people.push(Person {
                        commune: c as u16,
                        values: [
                            gender as u8,
                            quantile(&age.shares, &age_order, u_age) as u8,
                            quantile(&edu.shares, &edu_order, v_edu) as u8,
                            quantile(&csp.shares, &csp_order, v_csp) as u8,
                        ],
                        household: (households.len() - 1) as u32,
                    });
                }
                left -= size;
            }
            progress(people.len() as u64, total);
        }
        Ok(Self { people, households })
    }

    /// The members of a household, as person indices.
    pub fn members(&self, household: u32) -> std::ops::Range<usize> {
        let (first, size) = self.households[household as usize];
        first as usize..first as usize + usize::from(size)
    }

    /// A stable text form of the whole roll (one line per person), for determinism checks.
    #[cfg(test)]
    pub fn to_csv(&self) -> String {
        let mut out = String::from("commune,gender,age,education,csp,household\n");
        for p in &self.people {
            let [g, a, e, c] = p.values;
            out.push_str(&format!("{},{g},{a},{e},{c},{}\n", p.commune, p.household));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roll(scale: u64) -> Roll {
        Roll::build(&Figures::load().unwrap(), scale, &mut |_, _| {}).unwrap()
    }

    #[test]
    fn the_roll_is_the_same_bytes_twice() {
        let (a, b) = (roll(50), roll(50));
        assert_eq!(a.to_csv().as_bytes(), b.to_csv().as_bytes());
        assert!(a.people.len() > 15_000);
    }

    #[test]
    fn the_full_roll_has_about_320000_voters() {
        let fig = Figures::load().unwrap();
        let total: u64 = fig.communes.iter().map(|c| c.registered()).sum();
        assert!((315_000..=325_000).contains(&total), "{total}");
    }

    #[test]
    fn the_roll_matches_the_marginals() {
        let fig = Figures::load().unwrap();
        let r = roll(100);
        let n = r.people.len() as f64;
        for (f, feat) in fig.features.iter().enumerate() {
            for (v, &share) in feat.shares.iter().enumerate() {
                let got = r
                    .people
                    .iter()
                    .filter(|p| usize::from(p.values[f]) == v)
                    .count() as f64
                    / n;
                let want = share as f64 / PPM as f64;
                assert!(
                    (got - want).abs() < 0.01,
                    "{}={}: {got:.4} vs {want:.4}",
                    feat.name,
                    feat.values[v]
                );
            }
        }
        let sizes: Vec<u8> = r.households.iter().map(|h| h.1).collect();
        assert!(sizes.iter().all(|&s| (1..=4).contains(&s)));
        assert!(sizes.iter().any(|&s| s >= 3));
    }
}
