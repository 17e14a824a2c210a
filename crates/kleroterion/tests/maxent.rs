//! The `maxent` method (SPEC.md section 9.6) against brute force on a pool small enough to list
//! every panel: the exact count, the walk (each panel reached by as many integers as the
//! product of its weights), and 100,000 draws whose panel frequencies pass a chi-square test
//! against the uniform distribution over the compliant panels, and against the weighted one.
//!
//! The chi-square test is Pearson's on the multinomial counts of the compliant panels, at
//! α = 0.001 with the Wilson–Hilferty critical value (see `statistics.rs`, which checks that
//! approximation against the NIST/SEMATECH table). Seed `i` is `SHA-256(u64(i))`: the test is
//! deterministic.

mod common;

use std::collections::BTreeMap;

use kleroterion::encoding::sha256;
use kleroterion::methods::maxent::{self, BigUint, Count, Params, Rejection, Tables};
use kleroterion::model::ResolvedPool;
use kleroterion::quotas::{broken_quotas, shared_household};
use kleroterion::{Feature, Manifest, Method, PoolCommitment, Record, ValueQuota};

const ALPHA_Z: f64 = 3.090_232;

fn critical(nu: usize) -> f64 {
    let nu = nu as f64;
    let h = 2.0 / (9.0 * nu);
    nu * (1.0 - h + ALPHA_Z * h.sqrt()).powi(3)
}

/// Genre, âge, région and household of the twelve people.
const PEOPLE: [(&str, &str, &str, Option<&str>); 12] = [
    ("f", "a1", "r1", Some("A")),
    ("h", "a1", "r1", Some("A")),
    ("f", "a2", "r2", None),
    ("h", "a2", "r1", Some("B")),
    ("f", "a3", "r2", Some("B")),
    ("h", "a3", "r2", None),
    ("f", "a1", "r2", None),
    ("h", "a2", "r2", Some("C")),
    ("f", "a2", "r1", Some("C")),
    ("h", "a1", "r1", None),
    ("f", "a3", "r1", None),
    ("h", "a3", "r2", None),
];
const WEIGHTS: [u32; 12] = [1, 3, 2, 1, 1, 2, 3, 1, 2, 1, 1, 2];
const K: u32 = 4;

fn feature(name: &str, quotas: &[(&str, u32, u32)]) -> Feature {
    Feature {
        name: name.into(),
        values: quotas
            .iter()
            .map(|&(v, min, max)| ValueQuota {
                value: v.into(),
                min,
                max,
            })
            .collect(),
    }
}

fn records() -> Vec<Record> {
    PEOPLE
        .iter()
        .enumerate()
        .map(|(i, (g, a, r, h))| Record {
            ticket: format!("t{i:02}"),
            values: vec![(*g).into(), (*a).into(), (*r).into()],
            seal: None,
            household: h.map(Into::into),
            holder: sha256(format!("holder {i}").as_bytes()),
            link: None,
        })
        .collect()
}

fn manifest(counted: &[&str], weights: &[u32]) -> (Manifest, ResolvedPool) {
    let features = vec![
        feature("genre", &[("f", 2, 2), ("h", 2, 2)]),
        feature("âge", &[("a1", 1, 2), ("a2", 1, 2), ("a3", 1, 2)]),
        feature("région", &[("r1", 1, 3), ("r2", 1, 3)]),
    ];
    let recs = records();
    let method = Method::Maxent {
        counted: counted.iter().map(|s| (*s).into()).collect(),
        max_attempts: 1000,
        weights: weights.to_vec(),
    };
    let m = Manifest::new(
        "maxent",
        method,
        K,
        features.clone(),
        PoolCommitment::of(&recs).expect("pool"),
    )
    .with_household_rule(true);
    m.validate().expect("valid manifest");
    let pool = ResolvedPool::new(&features, &recs).expect("pool");
    (m, pool)
}

#[test]
fn exact_probabilities_are_the_weighted_share_of_the_panels_holding_each_record() {
    for weights in [&[][..], &WEIGHTS[..]] {
        let (m, pool) = manifest(&["région", "genre", "âge"], weights);
        let m = m.with_household_rule(false);
        let count = Count::new(&m, &pool, params(&m).counted, weights).expect("count");
        let (numerators, total) =
            maxent::exact_probabilities(&m, &pool, &count, params(&m).counted)
                .expect("every quota counted, no household rule: exact");
        let panels: Vec<Vec<u32>> = subsets(PEOPLE.len() as u32, K)
            .into_iter()
            .filter(|p| broken_quotas(&m.features, &pool, p).is_empty())
            .collect();
        let z: u64 = panels.iter().map(|p| weight(p, weights)).sum();
        assert_eq!(total, BigUint::from(z));
        for (i, got) in numerators.iter().enumerate() {
            let holding: u64 = panels
                .iter()
                .filter(|p| p.contains(&(i as u32)))
                .map(|p| weight(p, weights))
                .sum();
            assert_eq!(
                got,
                &BigUint::from(holding),
                "record {i}, weights {weights:?}"
            );
        }
        let sum: BigUint = numerators.iter().sum();
        assert_eq!(
            sum,
            total * BigUint::from(K),
            "the probabilities add up to k"
        );
    }
}

#[test]
fn probabilities_are_not_called_exact_when_a_panel_can_be_rejected() {
    // The household rule with shared households, or a bound quota left uncounted.
    let (m, pool) = manifest(&["région", "genre", "âge"], &[]);
    let count = Count::new(&m, &pool, params(&m).counted, &[]).expect("count");
    assert!(maxent::exact_probabilities(&m, &pool, &count, params(&m).counted).is_none());
    let why = Rejection::of(&m, &pool, params(&m).counted);
    assert!(why.uncounted.is_empty() && why.possible());
    let (a, b) = why.shared_household.expect("two people share a household");
    assert!(
        a != b && PEOPLE[a as usize].3.is_some() && PEOPLE[a as usize].3 == PEOPLE[b as usize].3
    );

    let (m, pool) = manifest(&["genre", "âge"], &[]);
    let m = m.with_household_rule(false);
    let count = Count::new(&m, &pool, params(&m).counted, &[]).expect("count");
    assert!(maxent::exact_probabilities(&m, &pool, &count, params(&m).counted).is_none());
    let why = Rejection::of(&m, &pool, params(&m).counted);
    assert_eq!(why.uncounted, ["région"]);
    assert_eq!(why.shared_household, None);

    let (m, pool) = manifest(&["région", "genre", "âge"], &[]);
    let m = m.with_household_rule(false);
    assert!(!Rejection::of(&m, &pool, params(&m).counted).possible());
}

#[test]
fn probability_keeps_64_bits_of_quotients_of_any_size() {
    let big = |n: u64, shift: usize| BigUint::from(n) << shift;
    assert_eq!(maxent::probability(&big(1, 0), &big(4, 0)), 0.25);
    assert_eq!(maxent::probability(&big(3, 0), &big(3, 0)), 1.0);
    assert_eq!(maxent::probability(&big(0, 0), &big(3, 0)), 0.0);
    assert_eq!(
        maxent::probability(&big(1, 0), &big(1, 1000)),
        2f64.powi(-1000)
    );
    assert_eq!(
        maxent::probability(&big(1, 0), &big(1, 3000)),
        0.0,
        "below the floats"
    );
    for shift in [0, 70, 2000] {
        let p = maxent::probability(&big(1, shift), &big(3, shift));
        assert!(
            (p - 1.0 / 3.0).abs() <= f64::EPSILON / 4.0,
            "{p} at shift {shift}"
        );
        let p = maxent::probability(&big(2_000_000_001, shift), &big(6_000_000_000, shift));
        assert!((p - 2_000_000_001.0 / 6_000_000_000.0).abs() <= f64::EPSILON / 2.0);
    }
}

fn subsets(n: u32, k: u32) -> Vec<Vec<u32>> {
    (0u32..1 << n)
        .filter(|m| m.count_ones() == k)
        .map(|m| (0..n).filter(|i| m >> i & 1 == 1).collect())
        .collect()
}

fn weight(panel: &[u32], weights: &[u32]) -> u64 {
    panel
        .iter()
        .map(|&i| u64::from(weights.get(i as usize).copied().unwrap_or(1)))
        .product()
}

/// Every panel that meets every quota and the household rule, with its weight.
fn compliant(m: &Manifest, pool: &ResolvedPool, weights: &[u32]) -> BTreeMap<Vec<u32>, u64> {
    subsets(PEOPLE.len() as u32, K)
        .into_iter()
        .filter(|p| broken_quotas(&m.features, pool, p).is_empty())
        .filter(|p| shared_household(pool, p).is_none())
        .map(|p| {
            let w = weight(&p, weights);
            (p, w)
        })
        .collect()
}

fn params<'a>(m: &'a Manifest) -> Params<'a> {
    m.method.maxent_params().expect("a maxent manifest")
}

#[test]
fn the_count_is_the_weighted_number_of_panels_meeting_the_counted_quotas() {
    for weights in [&[][..], &WEIGHTS[..]] {
        for counted in [
            &[][..],
            &["genre"][..],
            &["genre", "âge"],
            &["genre", "âge", "région"],
        ] {
            let (m, pool) = manifest(counted, weights);
            let count = Count::new(&m, &pool, params(&m).counted, weights).expect("count");
            let names: Vec<String> = counted.iter().map(|s| (*s).into()).collect();
            let brute: u64 = subsets(PEOPLE.len() as u32, K)
                .iter()
                .filter(|p| {
                    let broken = broken_quotas(&m.features, &pool, p);
                    !broken
                        .iter()
                        .any(|b| names.iter().any(|n| b.starts_with(&format!("{n}="))))
                })
                .map(|p| weight(p, weights))
                .sum();
            assert_eq!(
                count.total(),
                &BigUint::from(brute),
                "{counted:?} {weights:?}"
            );
        }
    }
}

#[test]
fn the_walk_reaches_each_panel_as_often_as_its_weight() {
    for weights in [&[][..], &WEIGHTS[..]] {
        let (m, pool) = manifest(&["genre", "âge"], weights);
        let count = Count::new(&m, &pool, params(&m).counted, weights).expect("count");
        let total = u64::try_from(count.total()).expect("small");
        let mut tables = Tables::default();
        let mut hits: BTreeMap<Vec<u32>, u64> = BTreeMap::new();
        for q in 0..total {
            let mut panel = count.walk(BigUint::from(q), &mut tables);
            assert_eq!(panel.len(), K as usize);
            panel.sort_unstable();
            *hits.entry(panel).or_default() += 1;
        }
        for (panel, n) in &hits {
            assert_eq!(*n, weight(panel, weights), "{panel:?}");
            let broken = broken_quotas(&m.features, &pool, panel);
            assert!(
                !broken
                    .iter()
                    .any(|b| b.starts_with("genre=") || b.starts_with("âge="))
            );
        }
        assert_eq!(hits.values().sum::<u64>(), total);
    }
}

fn chi_square(weights: &[u32], draws: u64) -> (f64, f64, usize) {
    let (m, pool) = manifest(&["genre"], weights);
    let panels = compliant(&m, &pool, weights);
    let mut counts: BTreeMap<Vec<u32>, u64> = panels.keys().map(|p| (p.clone(), 0)).collect();
    let mut rejected = 0u64;
    for i in 0..draws {
        let seed = sha256(&i.to_be_bytes());
        let (mut panel, r) = maxent::draw(&m, &pool, &seed, params(&m)).expect("draw");
        rejected += u64::from(r);
        panel.sort_unstable();
        *counts.get_mut(&panel).expect("a compliant panel") += 1;
    }
    assert!(
        rejected > draws,
        "the rejection path is exercised ({rejected} rejections)"
    );
    let total_weight: u64 = panels.values().sum();
    let x2 = panels
        .iter()
        .map(|(p, &w)| {
            let e = draws as f64 * w as f64 / total_weight as f64;
            let d = counts[p] as f64 - e;
            d * d / e
        })
        .sum();
    (x2, critical(panels.len() - 1), panels.len())
}

#[test]
fn panels_are_uniform_among_the_compliant_ones() {
    let (x2, crit, panels) = chi_square(&[], 100_000);
    assert!(panels > 20, "{panels} compliant panels");
    assert!(x2 < crit, "X² = {x2:.1} above {crit:.1} ({panels} panels)");
}

#[test]
fn weighted_panels_follow_the_product_of_their_weights() {
    let (x2, crit, panels) = chi_square(&WEIGHTS, 100_000);
    assert!(x2 < crit, "X² = {x2:.1} above {crit:.1} ({panels} panels)");
}

#[test]
fn the_chi_square_test_sees_a_wrong_distribution() {
    // The same draws, counted against the weighted distribution while drawn uniformly: the test
    // must be able to fail.
    let (m, pool) = manifest(&["genre"], &[]);
    let weighted = compliant(&m, &pool, &WEIGHTS);
    let total_weight: u64 = weighted.values().sum();
    let mut counts: BTreeMap<Vec<u32>, u64> = BTreeMap::new();
    let draws = 20_000u64;
    for i in 0..draws {
        let (mut panel, _) =
            maxent::draw(&m, &pool, &sha256(&i.to_be_bytes()), params(&m)).expect("draw");
        panel.sort_unstable();
        *counts.entry(panel).or_default() += 1;
    }
    let x2: f64 = weighted
        .iter()
        .map(|(p, &w)| {
            let e = draws as f64 * w as f64 / total_weight as f64;
            let d = counts.get(p).copied().unwrap_or(0) as f64 - e;
            d * d / e
        })
        .sum();
    assert!(x2 > critical(weighted.len() - 1));
}

// ---------------------------------------------------------------------------------------------
// tests/vectors/maxent.json, from the independent reference implementation

fn vectors() -> serde_json::Value {
    let path = format!(
        "{}/../../tests/vectors/maxent.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("vector file")).expect("json")
}

fn big(v: &serde_json::Value) -> BigUint {
    BigUint::parse_bytes(v.as_str().expect("decimal").as_bytes(), 10).expect("decimal")
}

fn list<T: serde::de::DeserializeOwned>(v: &serde_json::Value) -> T {
    serde_json::from_value(v.clone()).expect("vector field")
}

#[test]
fn uniform_big_is_the_reference_implementations() {
    use kleroterion::stream::{Purpose, Stream};
    let cases = vectors()["uniform_big"].as_array().expect("cases").clone();
    assert!(cases.len() >= 6);
    for c in cases {
        assert_eq!(c["purpose"], "panel");
        let seed =
            kleroterion::Digest::from_hex(c["seed"].as_str().expect("seed"), "seed").expect("hex");
        let index = c["index"].as_u64().expect("index") as u32;
        let mut stream = Stream::new(&seed, Purpose::Panel, index);
        let n = big(&c["n"]);
        for (i, want) in c["values"].as_array().expect("values").iter().enumerate() {
            assert_eq!(
                maxent::uniform_big(&mut stream, &n),
                big(want),
                "n = {n}, call {i}"
            );
        }
    }
}

#[test]
fn subsets_are_the_reference_implementations() {
    let cases = vectors()["subsets"].as_array().expect("cases").clone();
    assert!(cases.len() >= 10);
    for c in cases {
        let weights: Vec<u32> = list(&c["weights"]);
        let size = c["c"].as_u64().expect("c") as usize;
        let table = maxent::Suffixes::new(&weights, size);
        let chosen = maxent::unrank_subset(&weights, &table, size, &big(&c["q"]));
        let want: Vec<usize> = list(&c["chosen"]);
        assert_eq!(chosen, want, "{c}");
    }
}

#[test]
fn counts_are_the_reference_implementations() {
    let cases = vectors()["counts"].as_array().expect("cases").clone();
    assert!(cases.len() >= 8);
    for c in cases {
        let name = c["name"].as_str().expect("name");
        let m: Manifest = list(&c["manifest"]);
        let records: Vec<Record> = list(&c["pool"]);
        let pool = ResolvedPool::new(&m.features, &records).expect("pool");
        let count = Count::new(&m, &pool, params(&m).counted, params(&m).weights).expect(name);
        let types = c["types"].as_array().expect("types");
        assert_eq!(count.types().len(), types.len(), "{name}: types");
        for (got, want) in count.types().iter().zip(types) {
            assert_eq!(got.values, list::<Vec<u32>>(&want["values"]), "{name}");
            assert_eq!(got.members, list::<Vec<u32>>(&want["members"]), "{name}");
        }
        assert_eq!(
            count.cells(),
            c["cells"].as_u64().expect("cells"),
            "{name}: cells"
        );
        assert_eq!(count.total(), &big(&c["total"]), "{name}: Z");
    }
}

// ---------------------------------------------------------------------------------------------
// An organiser who wants another compliant panel than the first one

/// The attack: the organiser keeps attempting past the first accepted panel, picks a later
/// one that also meets every quota, and publishes it with its own number of rejections, its
/// alternates and a transcript recomputed to match. The bundle agrees with itself; the verifier,
/// who redoes the attempts from the first, fails it at `draw`.
#[test]
fn a_later_compliant_attempt_passed_off_as_the_draw_fails() {
    use kleroterion::alternates::ReplacementOrder;
    use kleroterion::draw::{Outcome, transcript};
    use kleroterion::stream::{Purpose, Stream};
    use kleroterion::verify::verify;

    let draws = {
        let path = format!(
            "{}/../../tests/vectors/draws.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("vectors")).expect("json");
        v["draws"].as_array().expect("draws").clone()
    };
    let mut attacked = 0;
    for c in draws
        .iter()
        .filter(|c| c["manifest"]["method"]["name"] == "maxent")
    {
        let honest = common::draw_vector_case(c).expect("honest draw");
        let m = &honest.manifest;
        let pool = ResolvedPool::new(&m.features, &honest.pool).expect("pool");
        let p = params(m);
        let count = Count::new(m, &pool, p.counted, p.weights).expect("count");
        let first = honest.result.rejections.expect("rejections");
        let mut tables = Tables::default();
        let later = (first + 1..first + 5000).find_map(|a| {
            let mut stream = Stream::new(&honest.seed, Purpose::Panel, a);
            let panel = count.walk(maxent::uniform_big(&mut stream, count.total()), &mut tables);
            let households = m.household_rule && shared_household(&pool, &panel).is_some();
            let compliant = !households && broken_quotas(&m.features, &pool, &panel).is_empty();
            compliant.then_some((a, panel))
        });
        let Some((a, panel)) = later else { continue };
        let alternates = ReplacementOrder::new(&pool, &panel, m.household_rule, &honest.seed)
            .first(m.alternates);
        let outcome = Outcome {
            selected: panel,
            alternates,
            rejections: Some(a),
        };
        let mut forged = honest.clone();
        let ticket = |i: &u32| honest.pool[*i as usize].ticket.clone();
        forged.result.selected = outcome.selected.iter().map(ticket).collect();
        forged.result.alternates = outcome.alternates.iter().map(ticket).collect();
        forged.result.rejections = Some(a);
        forged.transcript = transcript(&honest.commitment, &honest.seed, &outcome).expect("hash");
        assert_ne!(forged.result.selected, honest.result.selected);
        let report = verify(&forged);
        assert!(!report.valid, "{}", c["name"]);
        assert_eq!(
            report.error_kind,
            Some(kleroterion::ErrorKind::DrawMismatch),
            "{}: {:?}",
            c["name"],
            report.error
        );
        attacked += 1;
    }
    assert!(attacked >= 3, "the attack was tried on {attacked} draws");
}

#[test]
fn a_count_whose_weights_would_take_too_long_is_refused_before_any_is_computed() {
    // 20,000 records of one type and a panel of 500: 20,000 × 501 weight terms, over the
    // 10,000,000 of SPEC.md section 9.6. A count over this many would run for hours.
    let n = 20_000;
    let records: Vec<Record> = (0..n)
        .map(|i| Record {
            ticket: format!("t{i:05}"),
            values: vec!["x".into()],
            seal: None,
            household: None,
            holder: sha256(format!("holder {i}").as_bytes()),
            link: None,
        })
        .collect();
    let features = vec![feature("g", &[("x", 0, 500)])];
    let method = Method::Maxent {
        counted: vec![],
        max_attempts: 10,
        weights: vec![],
    };
    let m = Manifest::new(
        "too many terms",
        method,
        500,
        features.clone(),
        PoolCommitment::of(&records).expect("pool"),
    )
    .with_min_cell(1);
    let e = m.commit(records).expect_err("refused");
    assert_eq!(e.kind(), kleroterion::ErrorKind::InvalidMethod, "{e}");
    let text = e.to_string();
    assert!(
        text.contains("10020000 terms, more than 10000000"),
        "{text}"
    );
}
