//! The logic of each fuzz target, shared by the libFuzzer binaries (`fuzz_targets/`) and by the
//! corpus regression test (`tests/corpus.rs`), which replays the committed corpus without
//! libFuzzer.
//!
//! Every target checks more than "no panic": whatever parses must also satisfy the invariants
//! written next to it (a report is valid exactly when it has no error, an honest draw verifies,
//! a JSON round trip keeps the commitment and the seed, ...). A broken invariant is a panic, so
//! libFuzzer reports it as a crash.

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use kleroterion::merkle::MerkleTree;
use kleroterion::public_lottery::{LotteryFormat, NumberGroup};
use kleroterion::text::{is_bidi_control, is_control};
use kleroterion::tickets::holder_of;
use kleroterion::{
    Allocation, Bundle, Digest, Fallback, Feature, Manifest, Method, PoolCommitment, Published,
    PublishedLottery, Purpose, Receipt, Recipe, Record, Replacement, Report, Reveal, SourceSpec,
    SourceValue, StepId, Subject, ValueQuota, Verdict, check_receipt, draw as core_draw, replace,
    verify, verify_json, verify_with,
};
use kleroterion_files::{
    CommitOptions, IdColumn, MethodChoice, People, PeopleOptions, Quotas, TicketSource, commit,
};

/// The names of the targets, as in `fuzz_targets/` and `corpus/`.
pub const TARGETS: [&str; 7] = [
    "bundle_json",
    "manifest_json",
    "reveal_json",
    "receipt",
    "csv_people",
    "csv_quotas",
    "draw",
];

/// Runs one input through the named target's logic.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "bundle_json" => bundle_json(data),
        "manifest_json" => manifest_json(data),
        "reveal_json" => reveal_json(data),
        "receipt" => receipt(data),
        "csv_people" => csv_people(data),
        "csv_quotas" => csv_quotas(data),
        "draw" => {
            let u = arbitrary::Unstructured::new(data);
            if let Ok(input) = DrawInput::arbitrary_take_rest(u) {
                draw(&input);
            }
        }
        _ => panic!("unknown fuzz target {target}"),
    }
}

/// Checks the invariants every verification report keeps.
fn check_report(r: &Report) {
    assert_eq!(
        r.steps.iter().map(|s| s.id).collect::<Vec<_>>(),
        StepId::ALL,
        "a report lists every step, in order"
    );
    assert_eq!(r.valid, r.error.is_none(), "valid exactly when no error");
    assert_eq!(
        r.error.is_some(),
        r.error_kind.is_some(),
        "an error has a kind"
    );
    assert_eq!(
        r.valid,
        r.failed_step().is_none(),
        "valid exactly when no step failed"
    );
    let expected = match (r.valid, r.by_hand.is_empty()) {
        (false, _) => Verdict::Invalid,
        (true, true) => Verdict::Valid,
        (true, false) => Verdict::ValidIf,
    };
    assert_eq!(
        r.verdict, expected,
        "the verdict follows the steps and by_hand"
    );
    if !r.valid {
        assert!(
            r.by_hand.is_empty(),
            "nothing to compare by hand when invalid"
        );
    }
    // Nothing a report says can draw on a terminal or reorder a page (SPEC.md section 3).
    let texts = r
        .steps
        .iter()
        .flat_map(|s| {
            [&s.title]
                .into_iter()
                .chain(&s.computed)
                .chain(&s.published)
                .chain(&s.detail)
        })
        .chain(&r.error)
        .chain(
            r.by_hand
                .iter()
                .flat_map(|b| [&b.what, &b.value, &b.record]),
        );
    for t in texts {
        assert!(
            !t.chars().any(|c| is_control(c) || is_bidi_control(c)),
            "the report prints a control or bidi character: {t:?}"
        );
    }
    // A report survives JSON.
    let json = serde_json::to_string(r).expect("a report serialises");
    let back: Report = serde_json::from_str(&json).expect("a report reads back");
    assert_eq!(&back, r, "JSON round trip of a report");
}

/// The published facts a bundle claims itself: its commitment and its lottery numbers, for the
/// recipe's lottery sources; `None` when it gives two sets of numbers for one draw (then no
/// published result can match both).
fn facts_of(b: &Bundle) -> Option<Published> {
    let sorted = |v: &[u32]| {
        let mut v = v.to_vec();
        v.sort_unstable();
        v
    };
    let specs = b.manifest.randomness.iter().flat_map(|r| r.sources.iter());
    let mut lotteries: Vec<PublishedLottery> = Vec::new();
    for (spec, value) in specs.zip(&b.reveal.sources) {
        let (SourceSpec::Lottery { lottery, date, .. }, SourceValue::Lottery { main, bonus, .. }) =
            (spec, value)
        else {
            continue;
        };
        let groups = |p: &PublishedLottery| {
            (
                sorted(&p.main),
                p.bonus.iter().map(|g| sorted(g)).collect::<Vec<_>>(),
            )
        };
        let new = PublishedLottery {
            lottery: lottery.clone(),
            date: date.clone(),
            main: main.clone(),
            bonus: bonus.clone(),
        };
        match lotteries
            .iter()
            .find(|p| p.lottery == new.lottery && p.date == new.date)
        {
            Some(p) if groups(p) != groups(&new) => return None,
            Some(_) => {}
            None => lotteries.push(new),
        }
    }
    Some(Published {
        commitment: Some(b.commitment),
        lotteries,
    })
}

/// Splits `bundle NUL published NUL replacements` (the last two optional, JSON).
fn split_input(data: &[u8]) -> (&[u8], Option<&[u8]>, Option<&[u8]>) {
    let mut parts = data.splitn(3, |&b| b == 0);
    let bundle = parts.next().unwrap_or_default();
    (bundle, parts.next(), parts.next())
}

// -------------------------------------------------------------------------------------------
// bundle_json: Bundle::from_json + verify, and verify_json
// -------------------------------------------------------------------------------------------

/// The input is `bundle`, or `bundle NUL published NUL replacements` with the published facts
/// (SPEC.md section 14) and a JSON list of replacement records.
///
/// `verify_json` on the text; `Bundle::from_json` then `verify_with` agree with it; a valid
/// bundle still verifies after a JSON round trip, and against the facts it claims itself (its
/// commitment, then no commitment item by hand; its own lottery numbers, still compared by
/// hand); a replacement from it verifies as a record.
pub fn bundle_json(data: &[u8]) {
    let (bundle_bytes, published_bytes, replacement_bytes) = split_input(data);
    let Ok(text) = std::str::from_utf8(bundle_bytes) else {
        return;
    };
    let published: Published = match published_bytes {
        None => Published::default(),
        Some(p) => match serde_json::from_slice(p) {
            Ok(p) => p,
            Err(_) => return,
        },
    };
    let replacements: Vec<Replacement> = match replacement_bytes {
        None => Vec::new(),
        Some(r) => match serde_json::from_slice(r) {
            Ok(r) => r,
            Err(_) => return,
        },
    };
    let by_text = verify_json(text, &published, &replacements);
    check_report(&by_text);
    let Ok(bundle) = Bundle::from_json(text) else {
        assert!(!by_text.valid, "an unreadable bundle never verifies");
        assert_eq!(by_text.failed_step(), Some(StepId::Format));
        assert_eq!(by_text.purpose, None);
        return;
    };
    let report = verify_with(&bundle, &published, &replacements);
    check_report(&report);
    assert_eq!(report, by_text, "verify_with and verify_json agree");
    let alone = verify(&bundle);
    check_report(&alone);
    if published.commitment.is_none() && report.valid {
        assert!(
            alone
                .by_hand
                .iter()
                .any(|b| b.subject == Subject::Commitment),
            "the commitment is compared by hand when it was not given"
        );
    }
    if !alone.valid {
        return;
    }
    assert_ne!(
        alone.verdict,
        Verdict::Valid,
        "never a bare VALID without published facts"
    );
    let again = Bundle::from_json(&bundle.to_json().expect("a valid bundle serialises"))
        .expect("a serialised bundle parses");
    assert!(
        verify(&again).valid,
        "a valid bundle survives a JSON round trip"
    );
    if let Some(t) = bundle.result.selected.first()
        && let Ok(record) = replace(&bundle, std::slice::from_ref(t))
    {
        let r = verify_with(&bundle, &Published::default(), &[record]);
        check_report(&r);
        assert!(
            r.valid,
            "an honest replacement record verifies: {:?}",
            r.error
        );
    }
    let Some(facts) = facts_of(&bundle) else {
        return;
    };
    let with_facts = verify_with(&bundle, &facts, &[]);
    check_report(&with_facts);
    assert!(
        with_facts.valid,
        "a valid bundle verifies against the facts it claims: {:?}",
        with_facts.error
    );
    assert!(
        !with_facts
            .by_hand
            .iter()
            .any(|b| b.subject == Subject::Commitment)
    );
    let lotteries = |r: &Report| {
        r.by_hand
            .iter()
            .filter(|b| b.subject == Subject::Lottery)
            .count()
    };
    assert_eq!(
        lotteries(&with_facts),
        lotteries(&alone),
        "a lottery is compared by hand even when its numbers were given"
    );
}

// -------------------------------------------------------------------------------------------
// manifest_json: Manifest::from_json + validate + commitment
// -------------------------------------------------------------------------------------------

/// `Manifest::from_json`, `validate`, `canonical_bytes` and `commitment`; a manifest keeps its
/// commitment across a JSON round trip.
pub fn manifest_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(m) = Manifest::from_json(text) else {
        return;
    };
    let valid = m.validate().is_ok();
    let bytes = m.canonical_bytes();
    let commitment = m.commitment();
    assert_eq!(bytes.is_ok(), commitment.is_ok());
    if let Ok(json) = m.to_json() {
        let again = Manifest::from_json(&json).expect("a serialised manifest parses");
        assert_eq!(again, m, "JSON round trip");
        assert_eq!(again.validate().is_ok(), valid);
        if let (Ok(a), Ok(b)) = (again.commitment(), &commitment) {
            assert_eq!(&a, b, "the commitment survives a JSON round trip");
        }
    }
}

// -------------------------------------------------------------------------------------------
// reveal_json: Reveal::from_json + seed + check against fixed recipes
// -------------------------------------------------------------------------------------------

fn hex32(s: &str) -> Digest {
    Digest::from_hex(s, "chain").expect("a 64-digit hex constant")
}

/// The recipes a fuzzed reveal is checked against: one per kind, and the test vectors' mixes.
fn recipes() -> &'static [Recipe] {
    static RECIPES: OnceLock<Vec<Recipe>> = OnceLock::new();
    RECIPES.get_or_init(|| {
        let registry = |lottery: &str, date: &str| SourceSpec::Lottery {
            lottery: lottery.into(),
            date: date.into(),
            format: None,
            draw_at: None,
        };
        let group = |name: &str, count, min, max, from_main_drum| NumberGroup {
            name: name.into(),
            count,
            min,
            max,
            from_main_drum,
        };
        let declared =
            |lottery: &str, main: NumberGroup, bonus: Vec<NumberGroup>| SourceSpec::Lottery {
                lottery: lottery.into(),
                date: "2026-12-01".into(),
                format: Some(LotteryFormat { main, bonus }),
                draw_at: Some("2026-12-01T18:00:00Z".into()),
            };
        let hex = || SourceSpec::Hex { label: "x".into() };
        let recipe = |sources: Vec<SourceSpec>| Recipe {
            sources,
            fallback: Fallback::NextValue,
        };
        let recipes = vec![
            recipe(vec![hex()]),
            recipe(vec![hex(), hex()]),
            recipe(vec![registry("euromillions", "2026-12-01")]),
            recipe(vec![registry("uk-lotto", "2026-12-02"), hex()]),
            recipe(vec![registry("it-superenalotto", "2026-12-01")]),
            recipe(vec![
                declared("Loterie 1", group("nombre", 1, 0, 9999, false), vec![]),
                declared("Loterie 2", group("numéros", 5, 1, 49, false), vec![]),
                declared("Loterie 3", group("numéros", 6, 1, 49, false), vec![]),
            ]),
            recipe(vec![
                declared(
                    "Loto du Comité des fêtes",
                    group("boules", 6, 1, 49, false),
                    vec![
                        group("complémentaire", 1, 1, 49, true),
                        group("chance", 1, 1, 10, false),
                    ],
                ),
                hex(),
            ]),
            recipe(vec![SourceSpec::Dice {
                count: 5,
                faces: 6,
                witnesses: "the room".into(),
            }]),
            recipe(vec![SourceSpec::Drand {
                chain: hex32("52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"),
                round: 1_234_567,
            }]),
            recipe(vec![SourceSpec::Drand {
                chain: hex32("8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce"),
                round: 3_000_000,
            }]),
        ];
        for r in &recipes {
            r.validate().expect("the fixed recipes are valid");
        }
        recipes
    })
}

/// `Reveal::from_json`, `validate`, `seed`, the RFC 3797 key, and `check_against` each fixed
/// recipe; the seed survives a JSON round trip.
pub fn reveal_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(r) = Reveal::from_json(text) else {
        return;
    };
    let commitment = Digest::from_hex(&"ab".repeat(32), "commitment").expect("hex");
    let valid = r.validate();
    let seed = r.seed(&commitment);
    if valid.is_ok() {
        assert!(seed.is_ok(), "a valid reveal has a seed");
    }
    let _ = r.rfc3797_key();
    let _ = r.check_unbound();
    for recipe in recipes() {
        if r.check_against(recipe).is_ok() {
            assert!(valid.is_ok(), "a reveal that matches a recipe is valid");
        }
    }
    let json = serde_json::to_string(&r).expect("a reveal serialises");
    let again = Reveal::from_json(&json).expect("a serialised reveal parses");
    assert_eq!(again, r, "JSON round trip");
    if let (Ok(a), Ok(b)) = (again.seed(&commitment), &seed) {
        assert_eq!(&a, b, "the seed survives a JSON round trip");
    }
    assert_eq!(again.rfc3797_key(), r.rfc3797_key());
    // Lottery numbers are hashed sorted: the order they were published in does not matter.
    let mut sorted = r.clone();
    for s in &mut sorted.sources {
        if let SourceValue::Lottery { main, bonus, .. } = s {
            main.reverse();
            for g in bonus.iter_mut() {
                g.sort_unstable();
            }
        }
    }
    if let (Ok(a), Ok(b)) = (sorted.seed(&commitment), &seed) {
        assert_eq!(
            &a, b,
            "the seed does not depend on the order of lottery numbers"
        );
    }
    assert_eq!(sorted.rfc3797_key(), r.rfc3797_key());
    assert_eq!(sorted.validate().is_ok(), valid.is_ok());
}

// -------------------------------------------------------------------------------------------
// receipt: Receipt::from_json + check_receipt against a fixed honest bundle
// -------------------------------------------------------------------------------------------

fn q(value: &str, min: u32, max: u32) -> ValueQuota {
    ValueQuota {
        value: value.into(),
        min,
        max,
    }
}

/// Household tags as a pool may publish them: only under the rule, and only when shared.
fn publishable(mut records: Vec<Record>, household_rule: bool) -> Vec<Record> {
    let mut carriers = std::collections::BTreeMap::<String, usize>::new();
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

/// The receipt secret of the record at index `i` of the pools made here.
fn secret_of(i: usize) -> [u8; 32] {
    [(i % 256) as u8; 32]
}

/// The honest bundle receipts are checked against: 9 people, greedy with households, k = 4.
pub fn honest_bundle() -> &'static Bundle {
    static BUNDLE: OnceLock<Bundle> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let records: Vec<Record> = (0..9)
            .map(|i| Record {
                seal: None,
                link: None,
                ticket: format!("T-{i:02}"),
                values: vec![
                    if i % 2 == 0 { "woman" } else { "man" }.into(),
                    if i < 4 { "young" } else { "old" }.into(),
                ],
                household: (i < 6).then(|| format!("h{}", i / 2)),
                holder: holder_of(&secret_of(i)),
            })
            .collect();
        let manifest = Manifest::new(
            "receipts",
            Method::Greedy { max_attempts: 20 },
            4,
            vec![
                Feature {
                    name: "gender".into(),
                    values: vec![q("woman", 1, 3), q("man", 1, 3)],
                },
                Feature {
                    name: "age".into(),
                    values: vec![q("young", 0, 4), q("old", 0, 4)],
                },
            ],
            PoolCommitment::of(&records).expect("pool"),
        )
        .with_announced_at("2026-11-30T12:00:00Z")
        .with_alternates(3)
        .with_household_rule(true)
        .with_randomness(Recipe {
            sources: vec![SourceSpec::Hex { label: "x".into() }],
            fallback: Fallback::NextValue,
        })
        .with_purpose(Purpose::Official)
        .with_min_cell(1);
        let reveal = Reveal {
            sources: vec![SourceValue::Hex {
                value: vec![1, 2, 3],
            }],
        };
        core_draw(&manifest, &records, &reveal).expect("the honest bundle draws")
    })
}

/// Every honest receipt of [`honest_bundle`], as JSON.
pub fn honest_receipts() -> Vec<String> {
    let b = honest_bundle();
    let tree = MerkleTree::from_records(&b.pool).expect("tree");
    (0..b.pool.len() as u32)
        .map(|i| {
            let r = Receipt::issue(b.commitment, &tree, &b.pool, i, &secret_of(i as usize))
                .expect("receipt");
            serde_json::to_string_pretty(&r).expect("json")
        })
        .collect()
}

/// `Receipt::from_json`, `proof_verifies` and `check_receipt` against the honest bundle: a
/// receipt is accepted only when it holds the bundle's own record at its index.
pub fn receipt(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(r) = Receipt::from_json(text) else {
        return;
    };
    let b = honest_bundle();
    let _ = r.proof_verifies();
    if let Ok(check) = check_receipt(&r, b) {
        assert_eq!(
            b.pool.get(r.index as usize),
            Some(&r.record),
            "an accepted receipt holds the bundle's record"
        );
        assert_eq!(check.ticket, r.record.ticket);
    }
}

// -------------------------------------------------------------------------------------------
// csv_quotas and csv_people: the importers
// -------------------------------------------------------------------------------------------

/// `Quotas::parse_bytes`; whatever parses has values with `min <= max` and at least one value
/// per feature, and `check_panel_size` answers for any size.
pub fn csv_quotas(data: &[u8]) {
    let Ok(q) = Quotas::parse_bytes("quotas.csv", data) else {
        return;
    };
    assert!(!q.features.is_empty());
    assert_eq!(q.features.len(), q.lines.len());
    for (f, lines) in q.features.iter().zip(&q.lines) {
        assert!(!f.values.is_empty());
        assert_eq!(f.values.len(), lines.len());
        for v in &f.values {
            assert!(v.min <= v.max);
        }
    }
    for k in [0, 1, 4, u32::MAX] {
        let _ = q.check_panel_size(k);
    }
}

const DEFAULT_QUOTAS: &[u8] =
    b"feature,value,min,max\ngender,female,0,3\ngender,male,0,3\nage,young,0,4\nage,old,0,4\n";

/// `People::parse_bytes` with three sets of options, then `commit`, `draw` and `verify`.
///
/// The input is `quotas NUL people` when it holds a NUL byte, else the people file alone with
/// fixed quotas (gender female/male, age young/old).
pub fn csv_people(data: &[u8]) {
    let (quota_bytes, people_bytes) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (DEFAULT_QUOTAS, data),
    };
    let Ok(quotas) = Quotas::parse_bytes("quotas.csv", quota_bytes) else {
        return;
    };
    let options = [
        PeopleOptions::default(),
        PeopleOptions {
            id: IdColumn::Named("id".into()),
            household_columns: vec!["address".into()],
            extra_features: vec![],
            ..Default::default()
        },
        PeopleOptions {
            id: IdColumn::RowNumber,
            household_columns: vec![],
            extra_features: vec!["town".into()],
            ..Default::default()
        },
    ];
    for (o, opts) in options.iter().enumerate() {
        let Ok(people) = People::parse_bytes("people.csv", people_bytes, &quotas, opts) else {
            continue;
        };
        assert!(!people.people.is_empty());
        let mut ids: Vec<&str> = people.people.iter().map(|p| p.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), people.people.len(), "ids are unique");
        for p in &people.people {
            assert_eq!(p.values.len(), people.features.len());
            for (v, f) in p.values.iter().zip(&quotas.features) {
                assert!(f.value_index(v).is_some(), "every value is declared");
            }
            let _ = people.output_cells(p);
        }
        commit_draw_verify(&people, &quotas, o);
    }
}

/// Commits what was read (a panel of the smallest size the quotas allow), draws with a fixed
/// reveal and checks the bundle verifies.
fn commit_draw_verify(people: &People, quotas: &Quotas, o: usize) {
    let n = people.people.len() as u32;
    let mins = quotas
        .features
        .iter()
        .map(|f| f.values.iter().map(|v| u64::from(v.min)).sum::<u64>())
        .max()
        .unwrap_or(0);
    let k = u32::try_from(mins).unwrap_or(u32::MAX).clamp(1, n);
    let method = if people.has_households() {
        MethodChoice::Greedy { max_attempts: 5 }
    } else if o == 2 {
        MethodChoice::Stratified {
            feature: "town".into(),
            allocation: Allocation::LargestRemainder,
        }
    } else {
        MethodChoice::Uniform
    };
    let options = CommitOptions::new(k, method)
        .with_title("fuzz")
        .with_alternates(2)
        .with_tickets(TicketSource::Keyed(
            kleroterion::TicketKey::from_bytes(b"fuzz key 0123456").unwrap(),
        ));
    let Ok(c) = commit(people, quotas, &options) else {
        return;
    };
    assert_eq!(c.pool.records.len(), people.people.len(), "nobody dropped");
    assert_eq!(c.receipts.len(), people.people.len());
    let reveal = Reveal {
        sources: vec![SourceValue::Hex { value: vec![7; 8] }],
    };
    if let Ok(b) = core_draw(&c.manifest, &c.pool.records, &reveal) {
        let report = verify(&b);
        assert!(report.valid, "an honest draw verifies: {:?}", report.error);
        for r in &c.receipts {
            check_receipt(r, &b).expect("an honest receipt matches its draw");
        }
    }
}

// -------------------------------------------------------------------------------------------
// draw: small arbitrary manifests and pools through draw, verify, receipts and replace
// -------------------------------------------------------------------------------------------

/// A small draw described by raw numbers, mapped onto a manifest, a pool and a reveal.
#[derive(Debug, Arbitrary)]
pub struct DrawInput {
    /// Pool size is `1 + n % 12`.
    pub n: u8,
    /// Number of values of each feature (at most 2 features), `1 + x % 3`.
    pub feature_values: Vec<u8>,
    /// Quotas, in order of (feature, value): `(min % 6, max % 7)`.
    pub quotas: Vec<(u8, u8)>,
    /// Each person's value index per feature, cycled.
    pub person_values: Vec<u8>,
    /// Each person's household: `0` none, else `h{x % 4}`; cycled.
    pub households: Vec<u8>,
    /// `panel_size % (n + 2)`.
    pub panel_size: u8,
    /// `alternates % 8`, or `u32::MAX` when 255.
    pub alternates: u8,
    /// The household rule.
    pub household_rule: bool,
    /// `method % 7`: uniform, stratified (largest remainder, Sainte-Laguë, explicit), greedy,
    /// lottery, rfc3797.
    pub method: u8,
    /// Method parameter: the stratifying feature, greedy's attempts.
    pub param: u8,
    /// Lottery portfolio panels or explicit counts (raw numbers).
    pub lists: Vec<Vec<u8>>,
    /// `purpose % 3`: official, rehearsal, replay.
    pub purpose: u8,
    /// The hex reveal (empty: one zero byte).
    pub reveal: Vec<u8>,
}

impl DrawInput {
    /// The manifest, pool and reveal this input describes.
    pub fn build(&self) -> (Manifest, Vec<Record>, Reveal) {
        let n = 1 + usize::from(self.n % 12);
        let nf = self.feature_values.len().min(2);
        let mut quotas = self.quotas.iter().cycle();
        let features: Vec<Feature> = (0..nf)
            .map(|f| Feature {
                name: format!("f{f}"),
                values: (0..1 + self.feature_values[f] % 3)
                    .map(|v| {
                        let (min, max) = quotas.next().copied().unwrap_or((0, 6));
                        q(&format!("v{v}"), u32::from(min % 6), u32::from(max % 7))
                    })
                    .collect(),
            })
            .collect();
        let mut pv = self.person_values.iter().cycle();
        let mut hh = self.households.iter().cycle();
        let records: Vec<Record> = (0..n)
            .map(|i| Record {
                seal: None,
                link: None,
                ticket: format!("t{i}"),
                values: features
                    .iter()
                    .map(|f| {
                        let x = pv.next().copied().unwrap_or(i as u8);
                        f.values[usize::from(x) % f.values.len()].value.clone()
                    })
                    .collect(),
                household: match hh.next().copied().unwrap_or(0) {
                    0 => None,
                    x => Some(format!("h{}", x % 4)),
                },
                holder: holder_of(&secret_of(i)),
            })
            .collect();
        // Mostly pools a verifier accepts (SPEC.md section 5.2): tags only under the rule and
        // never alone; now and then the raw tags, which must be refused, never panic.
        let records = if self.param % 11 == 10 {
            records
        } else {
            publishable(records, self.household_rule)
        };
        let k = u32::from(self.panel_size) % (n as u32 + 2);
        let list = |i: usize| self.lists.get(i).cloned().unwrap_or_default();
        let feature_name = if nf == 0 || self.param % 5 == 4 {
            "none".to_string()
        } else {
            format!("f{}", usize::from(self.param) % nf)
        };
        let stratified = |allocation| Method::Stratified {
            feature: feature_name.clone(),
            allocation,
        };
        let method = match self.method % 9 {
            0 => Method::Uniform,
            1 => stratified(Allocation::LargestRemainder),
            2 => stratified(Allocation::SainteLague),
            3 => stratified(Allocation::Explicit {
                counts: list(0).iter().map(|&c| u32::from(c % 8)).collect(),
            }),
            4 | 5 => Method::Greedy {
                max_attempts: u32::from(self.param % 8),
            },
            6 | 7 => Method::Lottery {
                portfolio: self
                    .lists
                    .iter()
                    .take(8)
                    .map(|p| {
                        let mut p: Vec<u32> = p.iter().map(|&x| u32::from(x) % n as u32).collect();
                        p.sort_unstable();
                        p.dedup();
                        p
                    })
                    .collect(),
            },
            _ => Method::Rfc3797,
        };
        let manifest = Manifest::new(
            "fuzz",
            method,
            k,
            features,
            PoolCommitment::of(&records).expect("a pool of 1 to 12 records"),
        )
        .with_alternates(if self.alternates == 255 {
            u32::MAX
        } else {
            u32::from(self.alternates % 8)
        })
        .with_household_rule(self.household_rule)
        .with_purpose(match self.purpose % 3 {
            0 => Purpose::Official,
            1 => Purpose::Rehearsal,
            _ => Purpose::Replay,
        })
        // Pools of 1 to 12 records: the default floor of 5 would refuse nearly all of them.
        .with_min_cell(if self.param % 7 == 6 { 5 } else { 1 });
        let value = if self.reveal.is_empty() {
            vec![0]
        } else {
            self.reveal.iter().take(64).copied().collect()
        };
        let reveal = Reveal {
            sources: vec![SourceValue::Hex { value }],
        };
        (manifest, records, reveal)
    }
}

/// Draws; a successful draw verifies (also after a JSON round trip), every receipt matches it,
/// its panel meets the quotas when the method enforces them, and a replacement does not panic.
pub fn draw(input: &DrawInput) {
    let (manifest, records, reveal) = input.build();
    let Ok(b) = core_draw(&manifest, &records, &reveal) else {
        return;
    };
    assert_eq!(b.result.selected.len(), manifest.panel_size as usize);
    let report = verify(&b);
    check_report(&report);
    assert!(report.valid, "an honest draw verifies: {:?}", report.error);
    assert_eq!(report.purpose, Some(manifest.purpose));
    let purpose_listed = report.by_hand.iter().any(|i| i.subject == Subject::Purpose);
    assert_eq!(
        purpose_listed,
        manifest.purpose != Purpose::Official,
        "a rehearsal or a replay says so"
    );
    let text = b.to_json().expect("json");
    let by_text = verify_json(&text, &Published::default(), &[]);
    assert_eq!(by_text, report, "and after a JSON round trip");
    let given = verify_with(&b, &Published::commitment(b.commitment), &[]);
    check_report(&given);
    assert!(given.valid);
    assert_eq!(
        given.by_hand.len() + 1,
        report.by_hand.len(),
        "the commitment was given"
    );
    let tree = MerkleTree::from_records(&records).expect("tree");
    for i in 0..records.len() as u32 {
        let r = Receipt::issue(b.commitment, &tree, &records, i, &secret_of(i as usize))
            .expect("receipt");
        check_receipt(&r, &b).expect("an honest receipt matches");
    }
    if manifest.method.enforces_quotas() {
        for f in 0..manifest.features.len() {
            for (v, quota) in manifest.features[f].values.iter().enumerate() {
                let count =
                    b.result
                        .selected
                        .iter()
                        .filter(|t| {
                            records.iter().find(|r| &&r.ticket == t).is_some_and(|r| {
                                r.values[f] == manifest.features[f].values[v].value
                            })
                        })
                        .count() as u32;
                assert!(
                    (quota.min..=quota.max).contains(&count),
                    "an enforced quota holds"
                );
            }
        }
    }
    if let Some(t) = b.result.selected.first() {
        let _ = replace(&b, std::slice::from_ref(t));
    }
}
