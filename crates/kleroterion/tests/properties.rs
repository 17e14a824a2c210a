//! Property tests of the core: determinism, quotas and households of `greedy` and `lottery`,
//! `verify` accepting every honest bundle and rejecting every single-field change at the
//! expected step, Merkle proofs, integer sampling and seat allocation.
//!
//! Pools are small and random (6 to 20 people, 1 to 3 features of 2 or 3 values, random
//! households). Quotas are derived from a reference panel (a random set of people from distinct
//! households) widened by 0 to 2 on each side, so they are always satisfiable.

use kleroterion::compact::CompactPool;
use kleroterion::draw::draw_compact;
use kleroterion::encoding::sha256;
use kleroterion::merkle::{BlockTree, MerkleTree, leaf_hash, verify_inclusion};
use kleroterion::methods::greedy;
use kleroterion::methods::stratified::{largest_remainder, sainte_lague};
use kleroterion::model::ResolvedPool;
use kleroterion::sampling::{Permutation, sample, uniform};
use kleroterion::stream::Stream;
use kleroterion::{
    Allocation, Bundle, Digest, Fallback, Feature, Manifest, Method, PoolCommitment, Purpose,
    Recipe, Record, Reveal, SourceSpec, SourceValue, StepId, ValueQuota, draw, verify,
};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

// ---------------------------------------------------------------------------------------------
// Random cases
// ---------------------------------------------------------------------------------------------

// The parts of a case that proptest does not shrink come from the project's one test
// generator, `kleroterion_fair::synthetic::SplitMix64`. Its file is included rather than the
// fair crate depended on: that would compile two LP solvers (microlp, clarabel) for the core's
// tests, whose only dev-dependencies are proptest and serde_json.
#[path = "../../kleroterion-fair/src/splitmix.rs"]
mod splitmix;
use splitmix::SplitMix64;

#[derive(Debug, Clone)]
struct Case {
    features: Vec<Feature>,
    records: Vec<Record>,
    k: u32,
    /// A panel of distinct households that meets every quota.
    reference: Vec<u32>,
    alternates: u32,
    household_rule: bool,
    with_recipe: bool,
    reveal_bytes: Vec<u8>,
    /// Varies the portfolio of the lottery method.
    salt: u64,
}

fn build_case(
    n: usize,
    value_counts: &[usize],
    seed: u64,
    alternates: u32,
    flags: (bool, bool),
    reveal_bytes: Vec<u8>,
) -> Case {
    let mut g = SplitMix64::new(seed);
    let names: Vec<Vec<String>> = value_counts
        .iter()
        .map(|&c| (0..c).map(|v| format!("v{v}")).collect())
        .collect();
    let records: Vec<Record> = (0..n)
        .map(|i| Record {
            link: None,
            seal: None,
            ticket: format!("T-{i:03}"),
            values: names
                .iter()
                .map(|vals| vals[g.below(vals.len() as u64) as usize].clone())
                .collect(),
            household: (g.below(2) == 0).then(|| format!("h{}", g.below((n / 3) as u64))),
            holder: kleroterion::Digest::from_array([0x5a; 32]),
        })
        .collect();
    let records = publishable(records, flags.0);
    let want = 1 + g.below((n / 2).min(8) as u64) as usize;
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, g.below(i as u64 + 1) as usize);
    }
    let mut reference = Vec::new();
    let mut used = BTreeSet::new();
    for i in order {
        if reference.len() == want {
            break;
        }
        if let Some(h) = &records[i].household
            && !used.insert(h.clone())
        {
            continue;
        }
        reference.push(i as u32);
    }
    reference.sort_unstable();
    let features = names
        .iter()
        .enumerate()
        .map(|(f, vals)| Feature {
            name: format!("f{f}"),
            values: vals
                .iter()
                .map(|v| {
                    let c = reference
                        .iter()
                        .filter(|&&p| records[p as usize].values[f] == *v)
                        .count() as u32;
                    let (lo, hi) = (g.below(3) as u32, g.below(3) as u32);
                    // c = 0 and hi = 0 give a maximum of 0 (see `greedy_respects_a_maximum_of_zero`).
                    ValueQuota {
                        value: v.clone(),
                        min: c.saturating_sub(lo),
                        max: c + hi,
                    }
                })
                .collect(),
        })
        .collect();
    Case {
        features,
        k: reference.len() as u32,
        records,
        reference,
        alternates,
        household_rule: flags.0,
        with_recipe: flags.1,
        reveal_bytes,
        salt: g.next_u64(),
    }
}

/// The records as a pool may publish them (SPEC.md section 5.2): household tags only under
/// the household rule, and only those carried by two records or more.
fn publishable(mut records: Vec<Record>, household_rule: bool) -> Vec<Record> {
    let mut carriers: BTreeMap<String, usize> = BTreeMap::new();
    for h in records.iter().filter_map(|r| r.household.clone()) {
        *carriers.entry(h).or_default() += 1;
    }
    for r in &mut records {
        if !household_rule || r.household.as_ref().is_some_and(|h| carriers[h] < 2) {
            r.household = None;
        }
    }
    records
}

impl Case {
    /// The case drawn with or without the household rule.
    fn for_rule(&self, rule: bool) -> Case {
        Case {
            records: publishable(self.records.clone(), rule),
            ..self.clone()
        }
    }
}

fn case() -> impl Strategy<Value = Case> {
    (
        6usize..=20,
        prop::collection::vec(2usize..=3, 1..=3),
        any::<u64>(),
        0u32..=4,
        (any::<bool>(), any::<bool>()),
        prop::collection::vec(any::<u8>(), 1..=40),
    )
        .prop_map(|(n, vals, seed, a, flags, bytes)| build_case(n, &vals, seed, a, flags, bytes))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Uniform,
    Explicit,
    LargestRemainder,
    SainteLague,
    Greedy,
    Lottery,
    Rfc3797,
}

const KINDS: [Kind; 7] = [
    Kind::Uniform,
    Kind::Explicit,
    Kind::LargestRemainder,
    Kind::SainteLague,
    Kind::Greedy,
    Kind::Lottery,
    Kind::Rfc3797,
];

fn manifest(c: &Case, method: Method, household_rule: bool) -> Manifest {
    {
        let mut m = Manifest::new(
            "property test",
            method,
            c.k,
            c.features.clone(),
            PoolCommitment::of(&c.records).expect("pool commitment"),
        )
        .with_announced_at("2026-11-30T12:00:00Z")
        .with_alternates(c.alternates)
        .with_household_rule(household_rule)
        .with_purpose(Purpose::Official)
        // Six to twenty people: every cell is small. These properties concern the draw.
        .with_min_cell(1);
        m.randomness = c.with_recipe.then(|| Recipe {
            sources: vec![SourceSpec::Hex {
                label: "test bytes".into(),
            }],
            fallback: Fallback::NextValue,
        });
        m
    }
}

fn reveal(c: &Case) -> Reveal {
    Reveal {
        sources: vec![SourceValue::Hex {
            value: c.reveal_bytes.clone(),
        }],
    }
}

fn seed_of(i: u64) -> Digest {
    sha256(&i.to_be_bytes())
}

/// A portfolio of panels from greedy draws with seeds `salt + 0 .. salt + 5`.
fn portfolio(c: &Case) -> Vec<Vec<u32>> {
    let m = manifest(c, Method::Greedy { max_attempts: 50 }, c.household_rule);
    let pool = ResolvedPool::new(&c.features, &c.records).expect("resolved pool");
    let mut panels: Vec<Vec<u32>> = (0..6)
        .filter_map(|i| greedy::draw(&m, &pool, &seed_of(c.salt.wrapping_add(i)), 50).ok())
        .map(|(mut p, _)| {
            p.sort_unstable();
            p
        })
        .collect();
    if panels.is_empty() {
        panels.push(c.reference.clone());
    }
    panels
}

fn method_of(c: &Case, kind: Kind) -> Method {
    let stratified = |allocation| Method::Stratified {
        feature: "f0".into(),
        allocation,
    };
    match kind {
        Kind::Uniform => Method::Uniform,
        Kind::Explicit => {
            let f0 = &c.features[0];
            let counts = f0
                .values
                .iter()
                .map(|v| {
                    c.reference
                        .iter()
                        .filter(|&&p| c.records[p as usize].values[0] == v.value)
                        .count() as u32
                })
                .collect();
            stratified(Allocation::Explicit { counts })
        }
        Kind::LargestRemainder => stratified(Allocation::LargestRemainder),
        Kind::SainteLague => stratified(Allocation::SainteLague),
        Kind::Greedy => Method::Greedy { max_attempts: 50 },
        Kind::Lottery => Method::Lottery {
            portfolio: portfolio(c),
        },
        Kind::Rfc3797 => Method::Rfc3797,
    }
}

/// The honest bundle of a case, or `None` when greedy exhausted its attempts.
fn honest(c: &Case, kind: Kind) -> Option<Bundle> {
    let rule = matches!(kind, Kind::Greedy | Kind::Lottery) && c.household_rule;
    let c = &c.for_rule(rule);
    match draw(
        &manifest(c, method_of(c, kind), rule),
        &c.records,
        &reveal(c),
    ) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == "DrawFailed" && kind == Kind::Greedy => None,
        Err(e) => panic!("{kind:?}: {e}"),
    }
}

/// Checks quotas and households from the records, without the library's counting code.
fn check_panel(c: &Case, tickets: &[String], household_rule: bool) -> Result<(), String> {
    let by_ticket: BTreeMap<&str, &Record> =
        c.records.iter().map(|r| (r.ticket.as_str(), r)).collect();
    let panel: Vec<&Record> = tickets.iter().map(|t| by_ticket[t.as_str()]).collect();
    if panel.len() != c.k as usize {
        return Err(format!("{} people for k = {}", panel.len(), c.k));
    }
    for (f, feat) in c.features.iter().enumerate() {
        for q in &feat.values {
            let n = panel.iter().filter(|r| r.values[f] == q.value).count() as u32;
            if n < q.min || n > q.max {
                return Err(format!(
                    "{}={}: {n} not in {}..={}",
                    feat.name, q.value, q.min, q.max
                ));
            }
        }
    }
    if household_rule {
        let mut seen = BTreeSet::new();
        for h in panel.iter().filter_map(|r| r.household.as_ref()) {
            if !seen.insert(h) {
                return Err(format!("household {h} twice"));
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Determinism, quotas and households
// ---------------------------------------------------------------------------------------------

/// The compact draw of the same manifest, records and reveal: its results, and its bundle
/// written through the view, must equal the in-memory draw's.
fn check_compact(m: &Manifest, records: &[Record], r: &Reveal) -> Result<(), TestCaseError> {
    let pool = CompactPool::from_records(&m.features, records);
    let in_memory = draw(m, records, r);
    let (pool, bundle) = match (pool, in_memory) {
        (Ok(p), Ok(b)) => (p, b),
        (_, Err(e)) => {
            let compact = CompactPool::from_records(&m.features, records)
                .and_then(|p| draw_compact(m, &p, r));
            prop_assert_eq!(compact.map_err(|e| e.kind()), Err(e.kind()));
            return Ok(());
        }
        (Err(e), Ok(_)) => return Err(TestCaseError::fail(format!("compact pool refused: {e}"))),
    };
    prop_assert_eq!(pool.records().collect::<Vec<_>>(), records.to_vec());
    prop_assert_eq!(
        pool.root(),
        kleroterion::merkle::pool_root(records).expect("root")
    );
    for (i, rec) in records.iter().enumerate() {
        prop_assert_eq!(pool.position(&rec.ticket), Some(i));
    }
    prop_assert_eq!(pool.position("not a ticket"), None);
    let resolved = ResolvedPool::new(&m.features, records).expect("resolved");
    prop_assert_eq!(&pool.resolved().household, &resolved.household);
    let drawn = draw_compact(m, &pool, r).expect("compact draw");
    prop_assert_eq!(&drawn.result, &bundle.result);
    prop_assert_eq!(drawn.transcript, bundle.transcript);
    let view = drawn.bundle(m, pool.serialize_records(), r);
    let streamed = serde_json::to_string_pretty(&view).expect("view");
    prop_assert_eq!(&streamed, &bundle.to_json().expect("json"));
    prop_assert_eq!(
        &streamed,
        &serde_json::to_string_pretty(&bundle).expect("derived")
    );
    Ok(())
}

#[test]
fn block_tree_proofs_are_the_full_trees() {
    for n in 0..=70usize {
        let leaves: Vec<Digest> = (0..n as u64).map(seed_of).collect();
        let full = MerkleTree::from_leaves(leaves.clone());
        for bits in 0..=4 {
            let blocks = BlockTree::new(bits, leaves.iter().copied());
            assert_eq!(blocks.root(), full.root(), "n {n}, bits {bits}");
            assert_eq!(blocks.len(), n);
            let mut proofs = Vec::new();
            for (b, chunk) in leaves.chunks(blocks.block_size()).enumerate() {
                proofs.extend(blocks.proofs(b, chunk.to_vec()).expect("block"));
            }
            let expected: Vec<Vec<Digest>> =
                (0..n).map(|i| full.proof(i).expect("proof")).collect();
            assert_eq!(proofs, expected, "n {n}, bits {bits}");
            let past = n.div_ceil(blocks.block_size());
            assert_eq!(blocks.proofs(past, vec![seed_of(0)]), None);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn compact_draws_equal_in_memory_draws(c in case()) {
        for kind in KINDS {
            let rule = matches!(kind, Kind::Greedy | Kind::Lottery) && c.household_rule;
            let c = c.for_rule(rule);
            check_compact(&manifest(&c, method_of(&c, kind), rule), &c.records, &reveal(&c))?;
        }
        // A pool out of ticket order, so that positions go through the sorted index.
        let mut shuffled = c.clone();
        shuffled.records.reverse();
        for kind in [Kind::Uniform, Kind::Greedy] {
            let m = manifest(&shuffled, method_of(&shuffled, kind), shuffled.household_rule);
            check_compact(&m, &shuffled.records, &reveal(&shuffled))?;
        }
        // A duplicate ticket is refused by both.
        let mut twice = c.records.clone();
        twice[1].ticket = twice[0].ticket.clone();
        prop_assert_eq!(
            CompactPool::from_records(&c.features, &twice).map(|_| ()).map_err(|e| e.kind().as_str()),
            Err("DuplicateTicket")
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn draws_are_deterministic(c in case()) {
        for kind in KINDS {
            let (Some(a), Some(b)) = (honest(&c, kind), honest(&c, kind)) else { continue };
            prop_assert_eq!(&a, &b, "{:?}", kind);
            let back = Bundle::from_json(&a.to_json().expect("json")).expect("read back");
            prop_assert_eq!(&a, &back, "{:?} JSON round trip", kind);
        }
    }

    #[test]
    fn greedy_meets_quotas_and_households(c in case()) {
        let m = manifest(&c, Method::Greedy { max_attempts: 50 }, c.household_rule);
        match draw(&m, &c.records, &reveal(&c)) {
            Ok(b) => {
                if let Err(e) = check_panel(&c, &b.result.selected, c.household_rule) {
                    return Err(TestCaseError::fail(format!("greedy panel {:?}: {e}", b.result.selected)));
                }
                let all: BTreeSet<&String> = b.result.selected.iter().chain(&b.result.alternates).collect();
                prop_assert_eq!(all.len(), b.result.selected.len() + b.result.alternates.len());
            }
            Err(e) => prop_assert_eq!(e.kind(), "DrawFailed"),
        }
    }

    #[test]
    fn greedy_panels_meet_quotas_for_many_seeds(c in case()) {
        let m = manifest(&c, Method::Greedy { max_attempts: 50 }, c.household_rule);
        let pool = ResolvedPool::new(&c.features, &c.records).expect("resolved pool");
        for i in 0..8 {
            if let Ok((panel, _)) = greedy::draw(&m, &pool, &seed_of(c.salt ^ i), 50) {
                let distinct: BTreeSet<u32> = panel.iter().copied().collect();
                prop_assert_eq!(distinct.len(), panel.len());
                let tickets: Vec<String> = panel.iter().map(|&p| c.records[p as usize].ticket.clone()).collect();
                if let Err(e) = check_panel(&c, &tickets, c.household_rule) {
                    return Err(TestCaseError::fail(format!("greedy panel {panel:?}: {e}")));
                }
            }
        }
    }

    #[test]
    fn lottery_meets_quotas_and_households(c in case()) {
        let b = honest(&c, Kind::Lottery).expect("a lottery draw never fails");
        let Method::Lottery { portfolio } = &b.manifest.method else { unreachable!() };
        let tickets: Vec<String> = b.result.selected.to_vec();
        if let Err(e) = check_panel(&c, &tickets, c.household_rule) {
            return Err(TestCaseError::fail(format!("lottery panel: {e}")));
        }
        let idx: Vec<u32> = tickets
            .iter()
            .map(|t| c.records.iter().position(|r| &r.ticket == t).expect("ticket in pool") as u32)
            .collect();
        prop_assert!(portfolio.contains(&idx), "the panel is one of the portfolio's, in its order");
    }
}

/// Regression test: SPEC.md 9.3 once removed the people of a value from `R` only once
/// `sel == max` after a selection, so a value whose maximum is 0 was never removed and a pick
/// made for another feature could take someone with it. People with a value of maximum 0 are
/// now out of `R` from the start.
#[test]
fn greedy_respects_a_maximum_of_zero() {
    let features = vec![
        Feature {
            name: "f0".into(),
            values: vec![ValueQuota {
                value: "x".into(),
                min: 0,
                max: 1,
            }],
        },
        Feature {
            name: "f1".into(),
            values: vec![
                ValueQuota {
                    value: "a".into(),
                    min: 0,
                    max: 0,
                },
                ValueQuota {
                    value: "b".into(),
                    min: 0,
                    max: 1,
                },
            ],
        },
    ];
    let records: Vec<Record> = ["a", "b"]
        .iter()
        .enumerate()
        .map(|(i, v)| Record {
            link: None,
            seal: None,
            ticket: format!("T{i}"),
            values: vec!["x".into(), (*v).into()],
            household: None,
            holder: kleroterion::Digest::from_array([0x5a; 32]),
        })
        .collect();
    let c = Case {
        features,
        records,
        k: 1,
        reference: vec![1],
        alternates: 0,
        household_rule: false,
        with_recipe: false,
        reveal_bytes: vec![],
        salt: 0,
    };
    for i in 0..16u8 {
        let c = Case {
            reveal_bytes: vec![i],
            ..c.clone()
        };
        let b = draw(
            &manifest(&c, Method::Greedy { max_attempts: 10 }, false),
            &c.records,
            &reveal(&c),
        )
        .expect("a greedy draw");
        assert_eq!(
            check_panel(&c, &b.result.selected, false),
            Ok(()),
            "reveal {i}"
        );
        let r = verify(&b);
        assert!(r.valid, "reveal {i}: {:?}", r.error);
    }
}

// ---------------------------------------------------------------------------------------------
// verify: honest bundles pass, every single-field change fails at the expected step
// ---------------------------------------------------------------------------------------------

fn flip(d: &Digest, i: usize) -> Digest {
    let mut a = *d.as_bytes();
    a[i] ^= 0x01;
    Digest::from_array(a)
}

/// A ticket of the pool that is neither selected nor an alternate, or an unknown one.
fn outsider(b: &Bundle) -> String {
    b.pool
        .iter()
        .map(|r| &r.ticket)
        .find(|t| !b.result.selected.contains(t) && !b.result.alternates.contains(t))
        .cloned()
        .unwrap_or_else(|| "not-in-the-pool".into())
}

/// Every single-field change of a bundle, with the step at which `verify` must stop.
///
/// | field changed | first failing step | why |
/// |---|---|---|
/// | `format`, `spec`, `manifest.spec` | `format` | unknown format or protocol version |
/// | any other manifest field: `title`, `announced_at`, method and its parameters, `panel_size`, `alternates`, `household_rule`, each quota `min`/`max`, feature and value names, `pool.root`, `pool.count`, the recipe, `purpose` | `manifest` | `man(M)` changes, so the commitment no longer matches (or the manifest became invalid, same step) |
/// | `commitment` | `manifest` | the manifest no longer hashes to it |
/// | a record's ticket, value or household; a record dropped, added or moved | `pool` | the Merkle root or count changes |
/// | a reveal value | `seed` (`randomness` when it no longer matches the recipe) | the seed hashes the reveal |
/// | a source added to the reveal | `randomness` with a recipe, `seed` without one | the recipe fixes the number of sources |
/// | any byte of `seed` | `seed` | |
/// | `selected` or `alternates`: an entry changed, dropped, added, two swapped | `draw` | the recomputed lists differ |
/// | any byte of `transcript` | `transcript` | |
fn mutations(b: &Bundle) -> Vec<(String, StepId, Bundle)> {
    let mut out: Vec<(String, StepId, Bundle)> = Vec::new();
    let mut add = |name: String, step: StepId, f: &dyn Fn(&mut Bundle)| {
        let mut c = b.clone();
        f(&mut c);
        assert_ne!(&c, b, "mutation {name} changed nothing");
        out.push((name, step, c));
    };
    use StepId::*;
    add("format".into(), Format, &|c| c.format.push('x'));
    add("spec".into(), Format, &|c| c.spec = "kleroterion/v9".into());
    add("manifest.spec".into(), Format, &|c| {
        c.manifest.spec = "kleroterion/v9".into()
    });

    add("title".into(), Manifest, &|c| c.manifest.title.push('!'));
    add("announced_at".into(), Manifest, &|c| {
        c.manifest.announced_at = match &c.manifest.announced_at {
            Some(_) => None,
            None => Some("2026-11-30T12:00:00Z".into()),
        }
    });
    add("announced_at second".into(), Manifest, &|c| {
        c.manifest.announced_at = Some("2026-11-30T12:00:01Z".into())
    });
    add("panel_size".into(), Manifest, &|c| {
        let k = c.manifest.panel_size;
        c.manifest.panel_size = if k > 1 { k - 1 } else { k + 1 };
    });
    add("alternates".into(), Manifest, &|c| {
        c.manifest.alternates += 1
    });
    add("household_rule".into(), Manifest, &|c| {
        c.manifest.household_rule ^= true
    });
    for (f, feat) in b.manifest.features.iter().enumerate() {
        add(format!("feature {f} name"), Manifest, &|c| {
            c.manifest.features[f].name.push('x')
        });
        for (v, q) in feat.values.iter().enumerate() {
            add(format!("feature {f} value {v} name"), Manifest, &|c| {
                c.manifest.features[f].values[v].value.push('x')
            });
            add(format!("feature {f} value {v} min+1"), Manifest, &|c| {
                c.manifest.features[f].values[v].min += 1
            });
            add(format!("feature {f} value {v} max+1"), Manifest, &|c| {
                c.manifest.features[f].values[v].max += 1
            });
            if q.min > 0 {
                add(format!("feature {f} value {v} min-1"), Manifest, &|c| {
                    c.manifest.features[f].values[v].min -= 1
                });
            }
            if q.max > 0 {
                add(format!("feature {f} value {v} max-1"), Manifest, &|c| {
                    c.manifest.features[f].values[v].max -= 1
                });
            }
        }
    }
    add("pool.root".into(), Manifest, &|c| {
        c.manifest.pool.root = flip(&c.manifest.pool.root, 7)
    });
    add("pool.count".into(), Manifest, &|c| {
        c.manifest.pool.count += 1
    });
    add("recipe".into(), Manifest, &|c| {
        c.manifest.randomness = match &c.manifest.randomness {
            Some(_) => None,
            None => Some(Recipe {
                sources: vec![SourceSpec::Hex { label: "x".into() }],
                fallback: Fallback::NextValue,
            }),
        }
    });
    add("purpose".into(), Manifest, &|c| {
        c.manifest.purpose = match c.manifest.purpose {
            Purpose::Official => Purpose::Rehearsal,
            _ => Purpose::Official,
        }
    });
    add("purpose replay".into(), Manifest, &|c| {
        c.manifest.purpose = Purpose::Replay
    });
    if b.manifest.randomness.is_some() {
        add("recipe label".into(), Manifest, &|c| {
            if let Some(r) = &mut c.manifest.randomness {
                r.sources[0] = SourceSpec::Hex {
                    label: "other".into(),
                };
            }
        });
    }
    // The method and its parameters.
    match &b.manifest.method {
        Method::Uniform => add("method".into(), Manifest, &|c| {
            c.manifest.method = Method::Rfc3797
        }),
        Method::Rfc3797 => add("method".into(), Manifest, &|c| {
            c.manifest.method = Method::Uniform
        }),
        Method::Greedy { .. } => {
            add("max_attempts".into(), Manifest, &|c| {
                c.manifest.method = Method::Greedy { max_attempts: 49 }
            });
            add("method".into(), Manifest, &|c| {
                c.manifest.method = Method::Uniform
            });
        }
        Method::Stratified { allocation, .. } => {
            add("stratified feature".into(), Manifest, &|c| {
                if let Method::Stratified { feature, .. } = &mut c.manifest.method {
                    feature.push('x');
                }
            });
            let other = match allocation {
                Allocation::SainteLague => Allocation::LargestRemainder,
                _ => Allocation::SainteLague,
            };
            add("allocation kind".into(), Manifest, &|c| {
                if let Method::Stratified { allocation, .. } = &mut c.manifest.method {
                    *allocation = other.clone();
                }
            });
            if let Allocation::Explicit { counts } = allocation {
                for i in 0..counts.len() {
                    add(format!("explicit count {i}"), Manifest, &|c| {
                        if let Method::Stratified {
                            allocation: Allocation::Explicit { counts },
                            ..
                        } = &mut c.manifest.method
                        {
                            counts[i] += 1;
                        }
                    });
                }
            }
        }
        Method::Lottery { portfolio } => {
            add("portfolio panel added".into(), Manifest, &|c| {
                if let Method::Lottery { portfolio } = &mut c.manifest.method {
                    portfolio.push(portfolio[0].clone());
                }
            });
            for (p, panel) in portfolio.iter().enumerate() {
                for i in 0..panel.len() {
                    add(format!("portfolio panel {p} entry {i}"), Manifest, &|c| {
                        if let Method::Lottery { portfolio } = &mut c.manifest.method {
                            portfolio[p][i] ^= 1;
                        }
                    });
                }
            }
            if portfolio.len() > 1 {
                add("portfolio panel dropped".into(), Manifest, &|c| {
                    if let Method::Lottery { portfolio } = &mut c.manifest.method {
                        portfolio.pop();
                    }
                });
            }
        }
        other => panic!("a method this test does not mutate yet: {}", other.name()),
    }
    for i in 0..32 {
        add(format!("commitment byte {i}"), Manifest, &|c| {
            c.commitment = flip(&c.commitment, i)
        });
    }

    let features = &b.manifest.features;
    for (r, rec) in b.pool.iter().enumerate() {
        add(format!("record {r} ticket"), Pool, &|c| {
            c.pool[r].ticket.push('x')
        });
        for (f, v) in rec.values.iter().enumerate() {
            let other = features[f]
                .values
                .iter()
                .map(|q| &q.value)
                .find(|w| *w != v)
                .cloned();
            let other = other.unwrap_or_else(|| "undeclared".into());
            add(format!("record {r} value {f}"), Pool, &|c| {
                c.pool[r].values[f] = other.clone()
            });
        }
        add(format!("record {r} household"), Pool, &|c| {
            c.pool[r].household = match &c.pool[r].household {
                None => Some("new household".into()),
                Some(h) if r % 2 == 0 => Some(format!("{h}x")),
                Some(_) => None,
            }
        });
    }
    add("record dropped".into(), Pool, &|c| {
        c.pool.pop();
    });
    add("record added".into(), Pool, &|c| {
        let mut r = c.pool[0].clone();
        r.ticket = "added".into();
        c.pool.push(r);
    });
    add("records swapped".into(), Pool, &|c| c.pool.swap(0, 1));

    let SourceValue::Hex { value } = &b.reveal.sources[0] else {
        unreachable!("hex reveals")
    };
    for i in 0..value.len() {
        add(format!("reveal byte {i}"), Seed, &|c| {
            if let SourceValue::Hex { value } = &mut c.reveal.sources[0] {
                value[i] ^= 0x80;
            }
        });
    }
    add("reveal byte appended".into(), Seed, &|c| {
        if let SourceValue::Hex { value } = &mut c.reveal.sources[0] {
            value.push(0);
        }
    });
    let extra_source = if b.manifest.randomness.is_some() {
        Randomness
    } else {
        Seed
    };
    add("reveal source added".into(), extra_source, &|c| {
        c.reveal.sources.push(SourceValue::Dice { values: vec![1] })
    });
    add(
        "reveal kind".into(),
        if b.manifest.randomness.is_some() {
            Randomness
        } else {
            Seed
        },
        &|c| c.reveal.sources[0] = SourceValue::Dice { values: vec![6] },
    );
    for i in 0..32 {
        add(format!("seed byte {i}"), Seed, &|c| {
            c.seed = flip(&c.seed, i)
        });
    }

    let outsider = outsider(b);
    for (list, name) in [(0, "selected"), (1, "alternates")] {
        fn selected(c: &mut Bundle) -> &mut Vec<String> {
            &mut c.result.selected
        }
        fn alternates(c: &mut Bundle) -> &mut Vec<String> {
            &mut c.result.alternates
        }
        let get: fn(&mut Bundle) -> &mut Vec<String> =
            if list == 0 { selected } else { alternates };
        let len = if list == 0 {
            b.result.selected.len()
        } else {
            b.result.alternates.len()
        };
        for i in 0..len {
            add(format!("{name} {i} changed"), Draw, &|c| {
                get(c)[i] = outsider.clone()
            });
            add(format!("{name} {i} unknown"), Draw, &|c| {
                get(c)[i] = "nobody".into()
            });
            add(format!("{name} {i} dropped"), Draw, &|c| {
                get(c).remove(i);
            });
        }
        add(format!("{name} added"), Draw, &|c| {
            get(c).push(outsider.clone())
        });
        if len >= 2 {
            add(format!("{name} first two swapped"), Draw, &|c| {
                get(c).swap(0, 1)
            });
            add(format!("{name} first and last swapped"), Draw, &|c| {
                get(c).swap(0, len - 1)
            });
        }
    }
    if !b.result.alternates.is_empty() {
        add("selected and alternate swapped".into(), Draw, &|c| {
            std::mem::swap(&mut c.result.selected[0], &mut c.result.alternates[0]);
        });
    }
    for i in 0..32 {
        add(format!("transcript byte {i}"), Transcript, &|c| {
            c.transcript = flip(&c.transcript, i)
        });
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn verify_accepts_honest_and_rejects_every_single_change(c in case()) {
        for kind in KINDS {
            let Some(b) = honest(&c, kind) else { continue };
            let report = verify(&b);
            prop_assert!(report.valid, "{:?}: {:?}", kind, report.error);
            prop_assert_eq!(report.failed_step(), None);
            for (name, step, bad) in mutations(&b) {
                let r = verify(&bad);
                prop_assert!(!r.valid, "{:?}: {} accepted", kind, name);
                prop_assert_eq!(r.failed_step(), Some(step), "{:?}: {}: {:?}", kind, name, r.error);
                prop_assert!(r.error.is_some());
            }
        }
    }
}

/// Changes that are re-committed (a new commitment, consistent with the changed manifest) are
/// caught by the later steps.
#[test]
fn recommitted_changes_fail_later_steps() {
    let c = build_case(16, &[2, 3], 7, 2, (true, true), vec![1, 2, 3]);
    let b = honest(&c, Kind::Lottery).expect("lottery bundle");

    // A portfolio panel breaking a quota, re-committed: the portfolio step.
    let mut bad = b.clone();
    if let Method::Lottery { portfolio } = &mut bad.manifest.method {
        portfolio.push((0..c.k).collect());
    }
    bad.commitment = bad.manifest.commitment().expect("commitment");
    let r = verify(&bad);
    // (0..k) may happen to meet every quota; then the seed step fails instead.
    assert!(
        matches!(r.failed_step(), Some(StepId::Portfolio | StepId::Seed)),
        "{r:?}"
    );

    // A changed title, re-committed, with the old seed: the seed step.
    let mut bad = b.clone();
    bad.manifest.title.push('!');
    bad.commitment = bad.manifest.commitment().expect("commitment");
    assert_eq!(verify(&bad).failed_step(), Some(StepId::Seed));

    // ... and with the seed recomputed too: the draw step or, by chance, the transcript.
    bad.seed = bad.reveal.seed(&bad.commitment).expect("seed");
    assert!(matches!(
        verify(&bad).failed_step(),
        Some(StepId::Draw | StepId::Transcript)
    ));
}

// ---------------------------------------------------------------------------------------------
// Merkle proofs
// ---------------------------------------------------------------------------------------------

fn records(n: usize) -> Vec<Record> {
    (0..n)
        .map(|i| Record {
            link: None,
            seal: None,
            ticket: format!("{i:04X}-{:04X}", i * 7919 % 65_536),
            values: vec![format!("v{}", i % 3)],
            household: (i % 4 == 0).then(|| format!("h{}", i / 8)),
            holder: kleroterion::Digest::from_array([0x5a; 32]),
        })
        .collect()
}

#[derive(Debug, PartialEq, Eq)]
enum Side {
    Left,
    Right,
}

/// The sides of the audit path of leaf `m` in a tree of `n` (RFC 6962 `PATH`), leaf first.
fn path_shape(m: u64, n: u64) -> Vec<Side> {
    if n <= 1 {
        return Vec::new();
    }
    let k = 1u64 << (63 - (n - 1).leading_zeros());
    if m < k {
        let mut p = path_shape(m, k);
        p.push(Side::Right);
        p
    } else {
        let mut p = path_shape(m - k, n - k);
        p.push(Side::Left);
        p
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn merkle_proofs(n in 1usize..=200, pick in any::<u64>(), other in any::<u64>(), delta in 1u64..=300) {
        let recs = records(n);
        let tree = MerkleTree::from_records(&recs).expect("tree");
        let root = tree.root().expect("root");
        let m = (pick % n as u64) as usize;
        let leaf = leaf_hash(&recs[m]).expect("leaf");
        let proof = tree.proof(m).expect("proof");
        let (mu, nu) = (m as u64, n as u64);
        prop_assert!(verify_inclusion(&leaf, mu, nu, &proof, &root));
        prop_assert_eq!(proof.len(), path_shape(mu, nu).len());

        // Any flipped bit of any proof hash.
        for i in 0..proof.len() {
            for byte in [0usize, 13, 31] {
                let mut bad = proof.clone();
                bad[i] = flip(&bad[i], byte);
                prop_assert!(!verify_inclusion(&leaf, mu, nu, &bad, &root), "proof {i} byte {byte}");
            }
        }
        // A proof hash dropped, or one added.
        if !proof.is_empty() {
            prop_assert!(!verify_inclusion(&leaf, mu, nu, &proof[1..], &root));
            prop_assert!(!verify_inclusion(&leaf, mu, nu, &proof[..proof.len() - 1], &root));
        }
        let mut longer = proof.clone();
        longer.push(root);
        prop_assert!(!verify_inclusion(&leaf, mu, nu, &longer, &root));
        // Another index.
        let m2 = (mu + 1 + other % nu.max(2)) % (nu + 1);
        if m2 != mu {
            prop_assert!(!verify_inclusion(&leaf, m2, nu, &proof, &root), "index {m2} accepted for {mu}");
        }
        prop_assert!(!verify_inclusion(&leaf, nu + delta, nu, &proof, &root));
        // Another count: rejected unless the audit path has the same shape, in which case the
        // proof alone cannot tell the two sizes apart (a tree of 3 read as a tree of 4 for leaf
        // 0); the count is bound by the commitment, not by the proof.
        for n2 in [nu + delta, nu.saturating_sub(delta % nu.max(1)).max(1)] {
            if n2 != nu && mu < n2 {
                let same_shape = path_shape(mu, n2) == path_shape(mu, nu);
                prop_assert_eq!(verify_inclusion(&leaf, mu, n2, &proof, &root), same_shape, "count {} for {}", n2, nu);
            }
        }
        // Another leaf: a changed ticket, value or household.
        let mut r = recs[m].clone();
        r.ticket.push('x');
        prop_assert!(!verify_inclusion(&leaf_hash(&r).expect("leaf"), mu, nu, &proof, &root));
        let mut r = recs[m].clone();
        r.values[0].push('x');
        prop_assert!(!verify_inclusion(&leaf_hash(&r).expect("leaf"), mu, nu, &proof, &root));
        let mut r = recs[m].clone();
        r.household = if r.household.is_some() { None } else { Some("h".into()) };
        prop_assert!(!verify_inclusion(&leaf_hash(&r).expect("leaf"), mu, nu, &proof, &root));
        if n > 1 {
            let neighbour = leaf_hash(&recs[(m + 1) % n]).expect("leaf");
            prop_assert!(!verify_inclusion(&neighbour, mu, nu, &proof, &root));
        }
        // Another root.
        prop_assert!(!verify_inclusion(&leaf, mu, nu, &proof, &flip(&root, 0)));
        prop_assert_eq!(kleroterion::merkle::pool_root(&recs).expect("root"), Some(root));
    }
}

// ---------------------------------------------------------------------------------------------
// Integer sampling
// ---------------------------------------------------------------------------------------------

fn key_of(bytes: [u8; 32]) -> Digest {
    Digest::from_array(bytes)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn uniform_is_below_n(key in any::<[u8; 32]>(), n in 1u64..=u64::MAX, small in 1u64..=1000) {
        let mut s = Stream::from_key(&key_of(key));
        for _ in 0..8 {
            prop_assert!(uniform(&mut s, n) < n);
            prop_assert!(uniform(&mut s, small) < small);
        }
        // Every call consumes at least one draw, even for n = 1.
        let before = s.draws_consumed();
        prop_assert_eq!(uniform(&mut s, 1), 0);
        prop_assert!(s.draws_consumed() > before);
    }

    #[test]
    fn a_changed_key_changes_the_outputs(key in any::<[u8; 32]>(), byte in 0usize..32, bit in 0u8..8) {
        let mut other = key;
        other[byte] ^= 1 << bit;
        let words = |k: [u8; 32]| {
            let mut s = Stream::from_key(&key_of(k));
            (0..4).map(|_| s.next_u64()).collect::<Vec<_>>()
        };
        prop_assert_ne!(words(key), words(other));
        let draws = |k: [u8; 32]| {
            let mut s = Stream::from_key(&key_of(k));
            (0..8).map(|_| uniform(&mut s, 1 << 40)).collect::<Vec<_>>()
        };
        prop_assert_ne!(draws(key), draws(other));
        let mut a = Stream::from_key(&key_of(key));
        let mut b = Stream::from_key(&key_of(other));
        prop_assert_ne!(sample(&mut a, 1_000_000, 8), sample(&mut b, 1_000_000, 8));
    }

    #[test]
    fn sample_gives_k_distinct_values_below_n(key in any::<[u8; 32]>(), n in 0u32..=2000, k_frac in 0u32..=100) {
        let k = (u64::from(n) * u64::from(k_frac) / 100) as u32;
        let got = sample(&mut Stream::from_key(&key_of(key)), n, k);
        prop_assert_eq!(got.len(), k as usize);
        prop_assert!(got.iter().all(|&x| x < n));
        let distinct: BTreeSet<u32> = got.iter().copied().collect();
        prop_assert_eq!(distinct.len(), got.len());
        // A prefix of a longer sample on the same stream.
        let longer = sample(&mut Stream::from_key(&key_of(key)), n, n);
        prop_assert_eq!(&longer[..k as usize], &got[..]);
    }

    #[test]
    fn permutation_is_a_permutation(key in any::<[u8; 32]>(), n in 0u32..=500) {
        let mut s = Stream::from_key(&key_of(key));
        let mut p = Permutation::new(n);
        let mut out = Vec::new();
        while let Some(x) = p.next(&mut s) {
            prop_assert_eq!(p.remaining(), n - out.len() as u32 - 1);
            out.push(x);
        }
        prop_assert_eq!(out.len(), n as usize);
        out.sort_unstable();
        prop_assert_eq!(out, (0..n).collect::<Vec<_>>());
        prop_assert_eq!(p.next(&mut s), None);
    }
}

// ---------------------------------------------------------------------------------------------
// Seat allocation
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn allocations_sum_to_k_within_strata(sizes in prop::collection::vec(0u32..=300, 1..=31), frac in 0u64..=1000) {
        let n: u64 = sizes.iter().map(|&s| u64::from(s)).sum();
        prop_assume!(n > 0);
        let k = (n * frac / 1000) as u32;
        for (name, seats) in [("largest remainder", largest_remainder(&sizes, k)), ("Sainte-Laguë", sainte_lague(&sizes, k))] {
            prop_assert_eq!(seats.len(), sizes.len());
            prop_assert_eq!(seats.iter().map(|&a| u64::from(a)).sum::<u64>(), u64::from(k), "{}", name);
            for (a, s) in seats.iter().zip(&sizes) {
                prop_assert!(a <= s, "{}: {} seats for a stratum of {}", name, a, s);
            }
        }
        // Hamilton: each stratum within 1 of its exact quota k N_s / n, i.e. |a_s n - k N_s| < n.
        for (a, s) in largest_remainder(&sizes, k).iter().zip(&sizes) {
            let diff = i128::from(*a) * i128::from(n) - i128::from(k) * i128::from(*s);
            prop_assert!(diff.abs() < i128::from(n), "{} seats for quota {}*{}/{}", a, k, s, n);
            // and, more precisely, floor or floor + 1.
            let floor = u64::from(k) * u64::from(*s) / n;
            prop_assert!(u64::from(*a) == floor || u64::from(*a) == floor + 1);
        }
    }
}
