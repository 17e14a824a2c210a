//! Selection frequencies over many fixed seeds, tested with chi-square at α = 0.001.
//!
//! Seed `i` is `SHA-256(u64(i))` (8 bytes, big-endian). The seeds are fixed, so each test is
//! deterministic: it passes or fails the same way on every run and platform.
//!
//! **Critical values.** The upper `α` point of χ²(ν) is computed with the Wilson–Hilferty
//! approximation (Wilson and Hilferty, 1931; e.g. Johnson, Kotz and Balakrishnan, *Continuous
//! Univariate Distributions*, vol. 1, eq. 18.24):
//!
//! ```text
//! χ²_α(ν) ≈ ν · (1 − 2/(9ν) + z_α · sqrt(2/(9ν)))³,   z_0.001 = 3.090232 (standard normal)
//! ```
//!
//! and checked against table values (NIST/SEMATECH e-Handbook of Statistical Methods, section
//! 1.3.6.7.4, upper critical values of the chi-square distribution, α = 0.001).
//!
//! **Sampling without replacement.** Drawing `k` of `n` people gives counts that are not
//! multinomial: each count `c_i` is Binomial(T, p) with `p = k/n`, and any two counts are
//! negatively correlated. The covariance matrix is `T p (1 − p) · n/(n − 1) · (I − J/n)`, whose
//! non-zero part is a projection of rank `n − 1`, so
//!
//! ```text
//! X² = Σ (c_i − T p)² / (T p (1 − p) · n/(n − 1))  →  χ²(n − 1).
//! ```
//!
//! (The plain Pearson statistic `Σ (c_i − E)²/E` would have mean `n (1 − p)` instead of `n − 1`,
//! a test too lenient by the factor `(1 − p) n/(n − 1)`.) For the lottery method each draw picks
//! one of `M` panels: the counts are multinomial and the plain Pearson statistic is χ²(M − 1).

use kleroterion::encoding::sha256;
use kleroterion::methods::{draw_panel, lottery};
use kleroterion::model::ResolvedPool;
use kleroterion::sampling::uniform;
use kleroterion::stream::Stream;
use kleroterion::{
    Allocation, Digest, Feature, Manifest, Method, PoolCommitment, Purpose, Record, Reveal,
    SourceValue, ValueQuota,
};

const ALPHA_Z: f64 = 3.090_232; // z such that P(Z > z) = 0.001
const SEEDS: u64 = 20_000;

fn seed(i: u64) -> Digest {
    sha256(&i.to_be_bytes())
}

/// Wilson–Hilferty upper critical value of χ²(ν) at the level of `ALPHA_Z`.
fn critical(nu: u32) -> f64 {
    let nu = f64::from(nu);
    let h = 2.0 / (9.0 * nu);
    nu * (1.0 - h + ALPHA_Z * h.sqrt()).powi(3)
}

#[test]
fn wilson_hilferty_matches_the_table() {
    // NIST/SEMATECH table, α = 0.001.
    for (nu, table) in [
        (4, 18.467),
        (9, 27.877),
        (12, 32.909),
        (16, 39.252),
        (17, 40.790),
        (19, 43.820),
    ] {
        let wh = critical(nu);
        // Wilson–Hilferty is slightly above the exact value at small ν (1.4% at ν = 4), which
        // makes the tests a little more lenient, never stricter.
        assert!(
            wh >= table && (wh - table) / table < 0.015,
            "ν = {nu}: {wh} vs table {table}"
        );
    }
}

/// `X²` for counts of `n` people each drawn with probability `p` per trial, `k = p n` per trial.
fn chi2_without_replacement(counts: &[u64], trials: u64, k: u32) -> f64 {
    let n = counts.len() as f64;
    let p = f64::from(k) / n;
    let e = trials as f64 * p;
    let var = e * (1.0 - p) * n / (n - 1.0);
    counts.iter().map(|&c| (c as f64 - e).powi(2) / var).sum()
}

fn records(values: &[&str]) -> Vec<Record> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| Record {
            link: None,
            seal: None,
            ticket: format!("P{i:02}"),
            values: vec![(*v).into()],
            household: None,
            holder: kleroterion::Digest::from_array([0x5a; 32]),
        })
        .collect()
}

fn manifest(records: &[Record], values: &[&str], method: Method, k: u32) -> Manifest {
    Manifest::new(
        "statistics",
        method,
        k,
        vec![Feature {
            name: "group".into(),
            values: values
                .iter()
                .map(|v| ValueQuota {
                    value: (*v).into(),
                    min: 0,
                    max: k,
                })
                .collect(),
        }],
        PoolCommitment::of(records).expect("pool commitment"),
    )
    .with_alternates(0)
    .with_household_rule(false)
    .with_purpose(Purpose::Official)
}

fn any_reveal() -> Reveal {
    Reveal {
        sources: vec![SourceValue::Hex { value: vec![0] }],
    }
}

#[test]
fn uniform_selection_is_uniform() {
    let (n, k) = (20usize, 5u32);
    let recs = records(&["g"; 20]);
    let m = manifest(&recs, &["g"], Method::Uniform, k);
    let pool = ResolvedPool::new(&m.features, &recs).expect("pool");
    let reveal = any_reveal();
    let mut counts = vec![0u64; n];
    for i in 0..SEEDS {
        let panel = draw_panel(&m, &pool, &seed(i), &reveal).expect("uniform draw");
        assert_eq!(panel.selected.len(), k as usize);
        for p in panel.selected {
            counts[p as usize] += 1;
        }
    }
    let x2 = chi2_without_replacement(&counts, SEEDS, k);
    let crit = critical(n as u32 - 1);
    println!("uniform: X² = {x2:.2}, critical {crit:.2}");
    assert!(
        x2 < crit,
        "uniform: X² = {x2:.2} ≥ {crit:.2} (ν = {}); counts {counts:?}",
        n - 1
    );
}

#[test]
fn uniform_draw_positions_are_uniform() {
    // The first person drawn is uniform over the pool too (order matters for the panel list).
    let (n, k) = (20usize, 5u32);
    let recs = records(&["g"; 20]);
    let m = manifest(&recs, &["g"], Method::Uniform, k);
    let pool = ResolvedPool::new(&m.features, &recs).expect("pool");
    let reveal = any_reveal();
    let mut first = vec![0u64; n];
    for i in 0..SEEDS {
        first[draw_panel(&m, &pool, &seed(i), &reveal)
            .expect("draw")
            .selected[0] as usize] += 1;
    }
    let e = SEEDS as f64 / n as f64;
    let x2: f64 = first.iter().map(|&c| (c as f64 - e).powi(2) / e).sum();
    let crit = critical(n as u32 - 1);
    println!("first position: X² = {x2:.2}, critical {crit:.2}");
    assert!(
        x2 < crit,
        "first position: X² = {x2:.2} ≥ {crit:.2}; counts {first:?}"
    );
}

#[test]
fn stratified_selection_is_uniform_within_strata() {
    // Strata of 10, 6 and 4 people; k = 5 by largest remainder gives 3, 1, 1 seats
    // (quotas 2.5, 1.5, 1; the tie between the two remainders goes to the larger stratum).
    let mut values = vec!["a"; 10];
    values.extend(["b"; 6]);
    values.extend(["c"; 4]);
    let recs = records(&values);
    let m = manifest(
        &recs,
        &["a", "b", "c"],
        Method::Stratified {
            feature: "group".into(),
            allocation: Allocation::LargestRemainder,
        },
        5,
    );
    let pool = ResolvedPool::new(&m.features, &recs).expect("pool");
    let reveal = any_reveal();
    let mut counts = vec![0u64; 20];
    for i in 0..SEEDS {
        let panel = draw_panel(&m, &pool, &seed(i), &reveal).expect("stratified draw");
        let per: Vec<usize> = ["a", "b", "c"]
            .iter()
            .map(|s| {
                panel
                    .selected
                    .iter()
                    .filter(|&&p| values[p as usize] == *s)
                    .count()
            })
            .collect();
        assert_eq!(per, [3, 1, 1], "allocation");
        for p in panel.selected {
            counts[p as usize] += 1;
        }
    }
    // Strata are drawn on independent streams: the statistics add, and so do the degrees of
    // freedom (9 + 5 + 3 = 17).
    let x2 = chi2_without_replacement(&counts[..10], SEEDS, 3)
        + chi2_without_replacement(&counts[10..16], SEEDS, 1)
        + chi2_without_replacement(&counts[16..], SEEDS, 1);
    let crit = critical(17);
    println!("stratified: X² = {x2:.2}, critical {crit:.2}");
    assert!(
        x2 < crit,
        "stratified: X² = {x2:.2} ≥ {crit:.2} (ν = 17); counts {counts:?}"
    );
}

#[test]
fn lottery_panel_index_is_uniform() {
    // M = 13 panels (not a power of two); the draw only depends on M.
    let portfolio: Vec<Vec<u32>> = (0..13).map(|j| vec![j]).collect();
    let mut counts = [0u64; 13];
    for i in 0..SEEDS {
        let (j, panel) = lottery::draw(&portfolio, &seed(i));
        assert_eq!(panel, portfolio[j]);
        counts[j] += 1;
    }
    let e = SEEDS as f64 / 13.0;
    let x2: f64 = counts.iter().map(|&c| (c as f64 - e).powi(2) / e).sum();
    let crit = critical(12);
    println!("lottery: X² = {x2:.2}, critical {crit:.2}");
    assert!(
        x2 < crit,
        "lottery: X² = {x2:.2} ≥ {crit:.2} (ν = 12); counts {counts:?}"
    );
}

#[test]
fn lemire_uniform_small_range_is_uniform() {
    // uniform(n) for n = 6 and n = 17, on one stream per seed.
    for n in [6u64, 17] {
        let mut counts = vec![0u64; n as usize];
        for i in 0..SEEDS / 4 {
            let mut s = Stream::from_key(&seed(i));
            for _ in 0..4 {
                counts[uniform(&mut s, n) as usize] += 1;
            }
        }
        let e = SEEDS as f64 / n as f64;
        let x2: f64 = counts.iter().map(|&c| (c as f64 - e).powi(2) / e).sum();
        let crit = critical(n as u32 - 1);
        println!("uniform({n}): X² = {x2:.2}, critical {crit:.2}");
        assert!(
            x2 < crit,
            "uniform({n}): X² = {x2:.2} ≥ {crit:.2}; counts {counts:?}"
        );
    }
}
