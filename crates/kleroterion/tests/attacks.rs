//! The attacks an organiser can try against a draw (SPEC.md section 16), each started from an
//! honest bundle built here, and what verification answers:
//!
//! 1. **Re-commitment**: change a quota or the portfolio after the fact and recompute the
//!    commitment and the draw. The bundle agrees with itself, so `verify` alone can only list the
//!    commitment to compare by hand (never a bare "VALID"); given the real commitment, the
//!    `manifest` step fails with `CommitmentMismatch`.
//! 2. **Ground lottery numbers**: keep the real commitment and invent EuroMillions numbers. Given
//!    the published numbers, the `randomness` step fails with `LotteryMismatch`; without them, the
//!    lottery is listed to compare by hand, main numbers and stars apart. A lottery is always
//!    compared by hand, even when its published numbers were given and match.
//! 3. **Late commitment**: a recipe whose drand round or lottery draw exists at or before
//!    `announced_at` fails `time_order` with `CommittedLate`; recipes that would let the organiser
//!    choose when to look (a free-text fallback, "the latest value", a drand round after
//!    9999-12-31, round `u64::MAX`) cannot be written.
//! 4. **A forged screen**: escape sequences, C1 controls and bidirectional overrides are refused
//!    by the text rules, and whatever the report quotes from a file is escaped and cut.
//!
//! And **replacement records**: an honest record verifies and names who was declared dropped;
//! a tampered one (another replacement, a changed hash, another draw's transcript) fails with
//! `ReplacementMismatch`.
//!
//! The honest draw commits, on 2024-10-10, to quicknet's drand round 12040883 (produced at
//! 2024-10-14T17:13:33Z, a real beacon from `crates/kleroterion-drand/tests/vectors`), to the
//! EuroMillions draw of Tuesday 2024-10-15 (20:30 in Paris, 18:30 UTC), to five dice and to a hex
//! value. The EuroMillions numbers are made up for the test.

use kleroterion::public_lottery::{LotteryFormat, NumberGroup, registered};
use kleroterion::published::grouped;
use kleroterion::text::{DISPLAY_LIMIT, display, is_bidi_control, is_control};
use kleroterion::tickets::holder_of;
use kleroterion::{
    Bundle, ByHand, Digest, Fallback, Feature, Manifest, Method, PoolCommitment, Published,
    PublishedLottery, Purpose, Recipe, Record, Replacement, Report, Reveal, SourceSpec,
    SourceValue, Status, StepId, Subject, ValueQuota, Verdict, draw, replace, verify, verify_json,
    verify_with,
};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// The honest draw
// ---------------------------------------------------------------------------------------------

const QUICKNET: &str = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971";
/// A real quicknet round, produced at 2024-10-14T17:13:33Z.
const ROUND: u64 = 12_040_883;
const ROUND_TIME: &str = "2024-10-14T17:13:33Z";
/// The EuroMillions draw of Tuesday 2024-10-15, 20:30 in Paris (summer time), in UTC.
const DRAW_DATE: &str = "2024-10-15";
const DRAW_TIME: &str = "2024-10-15T18:30:00Z";
const ANNOUNCED: &str = "2024-10-10T12:00:00Z";
/// The numbers of the honest reveal, as a reader would copy them from the operator's page.
const EUROMILLIONS: &str = "euromillions@2024-10-15=7,18,28,40,48+3,9";

fn load(path: &str) -> Value {
    let full = format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn quicknet() -> Digest {
    Digest::from_hex(QUICKNET, "chain").expect("quicknet's chain hash")
}

/// A real drand beacon of the drand crate's test vectors.
fn beacon(round: u64) -> SourceValue {
    let v = load("crates/kleroterion-drand/tests/vectors/beacons.json");
    let b = v["vectors"]
        .as_array()
        .expect("vectors")
        .iter()
        .find(|b| b["round"] == round && b["chain_hash"] == QUICKNET)
        .expect("a recorded quicknet beacon");
    let hex = |k: &str| {
        b[k].as_str()
            .map(|s| kleroterion::digest::from_hex(s, k).expect("hex"))
    };
    SourceValue::Drand {
        chain: quicknet(),
        round,
        signature: hex("signature").expect("signature"),
        previous_signature: hex("previous_signature"),
        randomness: None,
    }
}

fn q(value: &str, min: u32, max: u32) -> ValueQuota {
    ValueQuota {
        value: value.into(),
        min,
        max,
    }
}

fn features() -> Vec<Feature> {
    vec![
        Feature {
            name: "gender".into(),
            values: vec![q("woman", 1, 3), q("man", 1, 3)],
        },
        Feature {
            name: "age".into(),
            values: vec![q("16-39", 1, 3), q("40+", 1, 3)],
        },
    ]
}

/// Twelve people; three households of two.
fn records() -> Vec<Record> {
    let people = [
        ("woman", "16-39", Some("h-a")),
        ("man", "16-39", Some("h-a")),
        ("woman", "40+", Some("h-b")),
        ("man", "40+", Some("h-b")),
        ("woman", "16-39", None),
        ("man", "16-39", None),
        ("woman", "40+", None),
        ("man", "40+", None),
        ("woman", "16-39", Some("h-c")),
        ("man", "40+", Some("h-c")),
        ("woman", "40+", None),
        ("man", "16-39", None),
    ];
    people
        .iter()
        .enumerate()
        .map(|(i, (gender, age, household))| Record {
            link: None,
            seal: None,
            ticket: format!("K-{:04}", 1 + i),
            values: vec![(*gender).into(), (*age).into()],
            household: household.map(String::from),
            holder: holder_of(&[i as u8; 32]),
        })
        .collect()
}

fn greedy() -> Method {
    Method::Greedy { max_attempts: 100 }
}

/// Four panels of four, each meeting the quotas and the household rule.
fn lottery() -> Method {
    Method::Lottery {
        portfolio: vec![
            vec![0, 3, 6, 11],
            vec![1, 2, 4, 7],
            vec![5, 6, 8, 10],
            vec![2, 5, 7, 8],
        ],
    }
}

fn euromillions(date: &str) -> SourceSpec {
    SourceSpec::Lottery {
        lottery: "euromillions".into(),
        date: date.into(),
        format: None,
        draw_at: None,
    }
}

fn dice() -> SourceSpec {
    SourceSpec::Dice {
        count: 5,
        faces: 6,
        witnesses: "two clerks of the town hall, before the public".into(),
    }
}

fn hex() -> SourceSpec {
    SourceSpec::Hex {
        label: "the organiser's contribution".into(),
    }
}

fn recipe() -> Recipe {
    Recipe {
        sources: vec![
            SourceSpec::Drand {
                chain: quicknet(),
                round: ROUND,
            },
            euromillions(DRAW_DATE),
            dice(),
            hex(),
        ],
        fallback: Fallback::NextValue,
    }
}

fn manifest(method: Method) -> Manifest {
    let records = records();
    Manifest::new(
        "Assemblée citoyenne de Pérols, panel",
        method,
        4,
        features(),
        PoolCommitment::of(&records).expect("pool commitment"),
    )
    .with_announced_at(ANNOUNCED)
    .with_alternates(3)
    .with_household_rule(true)
    .with_randomness(recipe())
    .with_purpose(Purpose::Official)
    // Twelve people: every cell is small. These attacks aim at other steps.
    .with_min_cell(1)
}

fn lottery_value(main: &[u32], stars: &[u32]) -> SourceValue {
    SourceValue::Lottery {
        lottery: "euromillions".into(),
        main: main.to_vec(),
        bonus: vec![stars.to_vec()],
    }
}

fn reveal_with(main: &[u32], stars: &[u32]) -> Reveal {
    Reveal {
        sources: vec![
            beacon(ROUND),
            lottery_value(main, stars),
            SourceValue::Dice {
                values: vec![3, 6, 1, 4, 2],
            },
            SourceValue::Hex {
                value: vec![0x5a; 16],
            },
        ],
    }
}

fn reveal() -> Reveal {
    reveal_with(&[7, 18, 28, 40, 48], &[3, 9])
}

fn honest(method: Method) -> Bundle {
    draw(&manifest(method), &records(), &reveal()).expect("the honest draw")
}

fn real_commitment(b: &Bundle) -> Published {
    Published::commitment(b.commitment)
}

fn published_numbers(b: &Bundle, result: &str) -> Published {
    Published {
        commitment: Some(b.commitment),
        lotteries: vec![PublishedLottery::parse(result).expect("a published result")],
    }
}

// ---------------------------------------------------------------------------------------------
// Report helpers
// ---------------------------------------------------------------------------------------------

fn step(r: &Report, id: StepId) -> &kleroterion::Step {
    r.steps
        .iter()
        .find(|s| s.id == id)
        .expect("every step is listed")
}

/// Asserts the report fails at `id` with `kind`, and what an invalid report always holds.
#[track_caller]
fn assert_fails(r: &Report, id: StepId, kind: &str) {
    assert_eq!(r.failed_step(), Some(id), "{r:#?}");
    assert_eq!(
        r.error_kind.map(kleroterion::ErrorKind::as_str),
        Some(kind),
        "{:?}",
        r.error
    );
    assert_eq!(r.verdict, Verdict::Invalid);
    assert!(!r.valid);
    assert_eq!(r.headline(), "INVALID");
    assert!(
        r.by_hand.is_empty(),
        "nothing to compare by hand when a step failed"
    );
    let later = StepId::ALL.iter().skip_while(|s| **s != id).skip(1);
    for s in later {
        assert_eq!(step(r, *s).status, Status::NotChecked, "{s:?}");
    }
}

/// Asserts the report passes every step, with items left to compare by hand.
#[track_caller]
fn assert_valid_if(r: &Report) {
    assert!(r.valid, "{:?} {:?}", r.error_kind, r.error);
    assert_eq!(r.failed_step(), None);
    assert_eq!(r.verdict, Verdict::ValidIf);
    assert!(!r.by_hand.is_empty());
    assert_eq!(
        r.headline(),
        format!(
            "VALID if the {} items below match their public records",
            r.by_hand.len()
        )
    );
}

fn items(r: &Report, subject: Subject) -> Vec<&ByHand> {
    r.by_hand.iter().filter(|b| b.subject == subject).collect()
}

/// Every text of a report.
fn report_texts(r: &Report) -> Vec<&str> {
    let mut all: Vec<&str> = Vec::new();
    all.extend(r.error.as_deref());
    all.extend(r.error_kind.map(kleroterion::ErrorKind::as_str));
    for s in &r.steps {
        all.push(&s.title);
        all.extend(s.computed.as_deref());
        all.extend(s.published.as_deref());
        all.extend(s.detail.iter().map(String::as_str));
    }
    for b in &r.by_hand {
        all.extend([b.what.as_str(), b.value.as_str(), b.record.as_str()]);
    }
    all
}

/// Nothing in the report can draw on a terminal or reorder a page, and nothing is long.
#[track_caller]
fn assert_safe_to_print(r: &Report) {
    for text in report_texts(r) {
        assert!(
            !text.chars().any(|c| is_control(c) || is_bidi_control(c)),
            "the report prints a control or bidi character: {text:?}"
        );
        assert!(text.len() < 4_000, "{} bytes printed", text.len());
    }
}

// ---------------------------------------------------------------------------------------------
// The honest bundle
// ---------------------------------------------------------------------------------------------

#[test]
fn the_honest_bundle_is_valid_if_its_public_records_match() {
    for method in [greedy(), lottery()] {
        let b = honest(method);
        for r in [
            verify(&b),
            verify_with(&b, &real_commitment(&b), &[]),
            verify_with(&b, &published_numbers(&b, EUROMILLIONS), &[]),
        ] {
            assert_valid_if(&r);
            assert_safe_to_print(&r);
            assert_eq!(r.purpose, Some(Purpose::Official));
            assert_eq!(step(&r, StepId::TimeOrder).status, Status::Passed);
            assert_eq!(step(&r, StepId::Replacements).status, Status::Skipped);
            // The announcement is compared by hand with the earliest source time.
            let announcement = items(&r, Subject::Announcement);
            assert_eq!(announcement.len(), 1);
            assert_eq!(announcement[0].value, format!("{ROUND_TIME} (UTC)"));
            // The lottery, the dice and the hex value are never checked by computation.
            assert_eq!(items(&r, Subject::Lottery).len(), 1);
            assert_eq!(items(&r, Subject::Dice).len(), 1);
            assert_eq!(items(&r, Subject::Dice)[0].value, "3 6 1 4 2");
            assert_eq!(items(&r, Subject::Hex).len(), 1);
            assert!(items(&r, Subject::Purpose).is_empty());
            assert!(items(&r, Subject::Uncommitted).is_empty());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Re-commitment after the fact
// ---------------------------------------------------------------------------------------------

/// The commitment to compare by hand: in full, 16 groups of 4 hex digits.
#[track_caller]
fn assert_commitment_listed(r: &Report, commitment: &Digest) {
    let listed = items(r, Subject::Commitment);
    assert_eq!(listed.len(), 1, "{:#?}", r.by_hand);
    let value = &listed[0].value;
    let groups: Vec<&str> = value.split(' ').collect();
    assert_eq!(groups.len(), 16, "{value}");
    assert!(
        groups
            .iter()
            .all(|g| g.len() == 4 && g.bytes().all(|c| c.is_ascii_hexdigit())),
        "{value}"
    );
    assert_eq!(groups.concat(), commitment.to_hex());
    assert_eq!(value, &grouped(commitment));
    assert_eq!(r.by_hand[0].subject, Subject::Commitment, "listed first");
}

#[test]
fn recommitting_a_changed_manifest() {
    type Change = (&'static str, Method, fn(&mut Manifest));
    let changes: [Change; 5] = [
        ("a quota raised", greedy(), |m| {
            m.features[0].values[1].min = 2
        }),
        ("a quota lowered", greedy(), |m| {
            m.features[1].values[0].max = 2
        }),
        ("a panel dropped from the portfolio", lottery(), |m| {
            if let Method::Lottery { portfolio } = &mut m.method {
                portfolio.remove(1);
            }
        }),
        ("a panel added to the portfolio", lottery(), |m| {
            if let Method::Lottery { portfolio } = &mut m.method {
                portfolio.push(vec![0, 3, 5, 10]);
            }
        }),
        ("a panel of the portfolio changed", lottery(), |m| {
            if let Method::Lottery { portfolio } = &mut m.method {
                portfolio[0] = vec![0, 3, 7, 11];
            }
        }),
    ];
    for (what, method, change) in changes {
        let honest = honest(method);
        assert_commitment_listed(&verify(&honest), &honest.commitment);

        let mut m = honest.manifest.clone();
        change(&mut m);
        let forged = draw(&m, &honest.pool, &honest.reveal).expect(what);
        assert_ne!(forged.commitment, honest.commitment, "{what}");

        // The forged bundle agrees with itself: alone, it can only be valid if its commitment
        // matches the organiser's first public record, which it does not.
        let alone = verify(&forged);
        assert_valid_if(&alone);
        assert_ne!(alone.verdict, Verdict::Valid, "{what}");
        assert_commitment_listed(&alone, &forged.commitment);
        let manifest = step(&alone, StepId::Manifest);
        assert!(
            manifest
                .detail
                .iter()
                .any(|d| d.contains("compare it by hand")),
            "{:?}",
            manifest.detail
        );

        // Given the real commitment, the manifest step fails.
        let r = verify_with(&forged, &real_commitment(&honest), &[]);
        assert_fails(&r, StepId::Manifest, "CommitmentMismatch");
        let manifest = step(&r, StepId::Manifest);
        assert_eq!(manifest.computed, Some(forged.commitment.to_hex()));
        assert_eq!(manifest.published, Some(honest.commitment.to_hex()));
        assert_safe_to_print(&r);

        // With everything else published too, it still fails at the manifest.
        let r = verify_with(&forged, &published_numbers(&honest, EUROMILLIONS), &[]);
        assert_fails(&r, StepId::Manifest, "CommitmentMismatch");

        // A change without recomputing the commitment fails even without the real one.
        let mut lazy = honest.clone();
        lazy.manifest = m;
        assert_fails(&verify(&lazy), StepId::Manifest, "CommitmentMismatch");

        // The honest bundle against its own commitment: the commitment is no longer listed.
        let r = verify_with(&honest, &real_commitment(&honest), &[]);
        assert_valid_if(&r);
        assert!(items(&r, Subject::Commitment).is_empty());
    }
}

#[test]
fn the_commitment_given_is_compared_in_full() {
    let honest = honest(greedy());
    for byte in [0, 17, 31] {
        let mut other = *honest.commitment.as_bytes();
        other[byte] ^= 0x01;
        let r = verify_with(
            &honest,
            &Published::commitment(Digest::from_array(other)),
            &[],
        );
        assert_fails(&r, StepId::Manifest, "CommitmentMismatch");
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Ground lottery numbers
// ---------------------------------------------------------------------------------------------

/// Made-up numbers for which the draw gives another panel than the honest one, as an
/// organiser who wants another panel would look for.
fn ground_numbers(honest: &Bundle) -> (Vec<u32>, Vec<u32>, Bundle) {
    for last in 1..=50u32 {
        let main = vec![7, 18, 28, 40, last];
        if [7, 18, 28, 40, 48].contains(&last) {
            continue;
        }
        let stars = vec![3, 9];
        let forged = draw(&honest.manifest, &honest.pool, &reveal_with(&main, &stars))
            .expect("a forged draw runs");
        if forged.result.selected != honest.result.selected {
            return (main, stars, forged);
        }
    }
    panic!("no ground numbers change the panel");
}

#[test]
fn ground_lottery_numbers_fail_against_the_published_numbers() {
    for method in [greedy(), lottery()] {
        let honest = honest(method);
        let (main, stars, forged) = ground_numbers(&honest);
        // The real commitment: the organiser kept it.
        assert_eq!(forged.commitment, honest.commitment);

        // Given the published numbers, the randomness step fails.
        for result in [
            EUROMILLIONS,
            // In the order the operator drew them, stars first or last: compared as sets.
            "euromillions@2024-10-15=48,7,40,18,28+9,3",
        ] {
            let r = verify_with(&forged, &published_numbers(&honest, result), &[]);
            assert_fails(&r, StepId::Randomness, "LotteryMismatch");
            let randomness = step(&r, StepId::Randomness);
            assert_eq!(
                randomness.computed.as_deref(),
                Some(
                    format!(
                        "numbers {} · stars {}",
                        main.iter()
                            .map(u32::to_string)
                            .collect::<Vec<_>>()
                            .join(" "),
                        stars
                            .iter()
                            .map(u32::to_string)
                            .collect::<Vec<_>>()
                            .join(" ")
                    )
                    .as_str()
                )
            );
            assert!(randomness.published.is_some());
            assert_safe_to_print(&r);
        }

        // Without them, the verdict lists the ground numbers to compare by hand, main numbers
        // and stars apart, with the operator's page.
        let r = verify_with(&forged, &real_commitment(&honest), &[]);
        assert_valid_if(&r);
        let lottery = items(&r, Subject::Lottery);
        assert_eq!(lottery.len(), 1);
        assert_eq!(
            lottery[0].value,
            format!("numbers 7 18 28 40 {} · stars 3 9", main[4])
        );
        assert!(
            lottery[0].what.contains("EuroMillions"),
            "{}",
            lottery[0].what
        );
        assert!(lottery[0].what.contains(DRAW_DATE), "{}", lottery[0].what);
        assert!(
            lottery[0]
                .what
                .contains("main numbers and bonus numbers apart")
        );
        let page = registered("euromillions")
            .expect("in the registry")
            .result_page;
        assert!(lottery[0].record.contains(page), "{}", lottery[0].record);
    }
}

#[test]
fn a_lottery_is_always_compared_by_hand() {
    let honest = honest(greedy());
    let given = verify_with(&honest, &published_numbers(&honest, EUROMILLIONS), &[]);
    assert_valid_if(&given);
    let lottery = items(&given, Subject::Lottery);
    assert_eq!(
        lottery.len(),
        1,
        "listed even when the published numbers match"
    );
    assert_eq!(lottery[0].value, "numbers 7 18 28 40 48 · stars 3 9");
    assert!(
        lottery[0].what.contains("match the numbers you gave"),
        "{}",
        lottery[0].what
    );
    // The randomness step lists the numbers but never says it checked them.
    let randomness = step(&given, StepId::Randomness);
    assert_eq!(randomness.status, Status::Passed);
    for line in randomness
        .detail
        .iter()
        .filter(|l| l.contains("EuroMillions"))
    {
        assert!(
            !line.contains("checked") && !line.contains("verified"),
            "{line}"
        );
    }
    // Without the numbers: the same item, without the note.
    let alone = verify_with(&honest, &real_commitment(&honest), &[]);
    assert_eq!(items(&alone, Subject::Lottery)[0].value, lottery[0].value);
    assert!(!items(&alone, Subject::Lottery)[0].what.contains("you gave"));
}

/// A recipe that names the same draw twice: the organiser reveals the real numbers for one
/// copy and chooses the other. Every copy is compared with the published numbers.
#[test]
fn ground_numbers_hidden_in_a_second_copy_of_the_draw() {
    let real = [7, 18, 28, 40, 48];
    for (first, second) in [
        (&real[..], &[7, 18, 28, 40, 49][..]),
        (&[7, 18, 28, 40, 49][..], &real[..]),
    ] {
        let b = announced(
            ANNOUNCED,
            vec![euromillions(DRAW_DATE), euromillions(DRAW_DATE)],
            vec![
                lottery_value(first, &[3, 9]),
                lottery_value(second, &[3, 9]),
            ],
        );
        let alone = verify_with(&b, &real_commitment(&b), &[]);
        assert_valid_if(&alone);
        assert_eq!(
            items(&alone, Subject::Lottery).len(),
            2,
            "both copies by hand"
        );
        let r = verify_with(&b, &published_numbers(&b, EUROMILLIONS), &[]);
        assert_fails(&r, StepId::Randomness, "LotteryMismatch");
    }
    let honest_twice = announced(
        ANNOUNCED,
        vec![euromillions(DRAW_DATE), euromillions(DRAW_DATE)],
        vec![lottery_value(&real, &[3, 9]), lottery_value(&real, &[9, 3])],
    );
    assert_valid_if(&verify_with(
        &honest_twice,
        &published_numbers(&honest_twice, EUROMILLIONS),
        &[],
    ));
}

#[test]
fn published_numbers_of_another_draw_or_lottery() {
    let honest = honest(greedy());
    for result in [
        "euromillions@2024-10-18=7,18,28,40,48+3,9",
        "fr-loto@2024-10-15=7,18,28,40,48+3",
        "euromillions@2024-10-15=7,18,28,40,48+3",
        "euromillions@2024-10-15=7,18,28,40,48+3,9+1",
        "euromillions@2024-10-15=7,18,28,40+3,9",
    ] {
        let r = verify_with(&honest, &published_numbers(&honest, result), &[]);
        assert_fails(&r, StepId::Randomness, "LotteryMismatch");
    }
}

#[test]
fn euromillions_number_zero_is_refused() {
    let honest = honest(greedy());
    let zero = reveal_with(&[0, 18, 28, 40, 48], &[3, 9]);
    let e =
        draw(&honest.manifest, &honest.pool, &zero).expect_err("0 is not a EuroMillions number");
    assert_eq!(e.kind(), "InvalidReveal", "{e}");
    assert!(e.to_string().contains("range of 1 to 50"), "{e}");
    // Star 0 and star 13 too.
    for stars in [[0, 9], [3, 13]] {
        let e = draw(
            &honest.manifest,
            &honest.pool,
            &reveal_with(&[7, 18, 28, 40, 48], &stars),
        )
        .expect_err("not a star");
        assert_eq!(e.kind(), "InvalidReveal", "{e}");
    }
    // A bundle carrying the number 0 (seed and draw recomputed) fails at the randomness step.
    let mut forged = honest.clone();
    forged.reveal = zero.clone();
    forged.seed = zero.seed(&forged.commitment).expect("seed");
    let r = verify(&forged);
    assert_fails(&r, StepId::Randomness, "InvalidReveal");
    // Without a recipe, a registry lottery's numbers must still fit its format.
    let unbound = Reveal {
        sources: vec![lottery_value(&[0, 18, 28, 40, 48], &[3, 9])],
    };
    let e = unbound.check_unbound().expect_err("unbound");
    assert_eq!(e.kind(), "InvalidReveal");
    // And in JSON: 0 parses as a number, and is refused by the format.
    let json = r#"{"sources": [{"kind": "lottery", "lottery": "euromillions", "main": [0, 18, 28, 40, 48], "bonus": [[3, 9]]}]}"#;
    let parsed = Reveal::from_json(json).expect("well-formed JSON");
    assert_eq!(
        parsed.validate().expect_err("refused").kind(),
        "InvalidReveal"
    );
}

// ---------------------------------------------------------------------------------------------
// 3. Late commitment
// ---------------------------------------------------------------------------------------------

fn unix(t: &str) -> u64 {
    kleroterion::time::parse_utc(t).expect("a UTC time")
}

/// The honest draw with another announcement time and recipe, drawn again.
fn announced(at: &str, sources: Vec<SourceSpec>, values: Vec<SourceValue>) -> Bundle {
    let mut m = manifest(greedy());
    m.announced_at = Some(at.into());
    m.randomness = Some(Recipe {
        sources,
        fallback: Fallback::NextValue,
    });
    draw(&m, &records(), &Reveal { sources: values }).expect("the draw itself runs")
}

#[test]
fn the_source_times_are_known() {
    let drand = SourceSpec::Drand {
        chain: quicknet(),
        round: ROUND,
    };
    assert_eq!(drand.time(), Ok(Some(unix(ROUND_TIME))));
    assert_eq!(euromillions(DRAW_DATE).time(), Ok(Some(unix(DRAW_TIME))));
    assert_eq!(dice().time(), Ok(None));
    assert_eq!(hex().time(), Ok(None));
    assert_eq!(recipe().earliest_time(), Some(unix(ROUND_TIME)));
    // In winter, 20:30 in Paris is 19:30 UTC.
    assert_eq!(
        euromillions("2024-12-03").time(),
        Ok(Some(unix("2024-12-03T19:30:00Z")))
    );
}

#[test]
fn committing_at_or_after_the_randomness_is_late() {
    let all = || recipe().sources;
    let values = || reveal().sources;
    // Before the drand round: on time.
    let r = verify(&announced("2024-10-14T17:13:32Z", all(), values()));
    assert_valid_if(&r);
    assert_eq!(step(&r, StepId::TimeOrder).status, Status::Passed);

    for at in [
        ROUND_TIME,
        "2024-10-14T17:13:34Z",
        "2024-10-15T18:29:59Z",
        DRAW_TIME,
        "2024-10-16T00:00:00Z",
        "2030-01-01T00:00:00Z",
    ] {
        let late = announced(at, all(), values());
        for r in [
            verify(&late),
            verify_with(&late, &real_commitment(&late), &[]),
        ] {
            assert_fails(&r, StepId::TimeOrder, "CommittedLate");
            let error = r.error.as_deref().expect("an error");
            assert!(
                error.contains("committed after the randomness existed: the draw proves nothing"),
                "{error}"
            );
            let time_order = step(&r, StepId::TimeOrder);
            assert_eq!(time_order.computed.as_deref(), Some(ROUND_TIME), "{at}");
            assert_eq!(time_order.published.as_deref(), Some(at));
        }
    }

    // The lottery alone: late from its draw time.
    let lottery_only = |at: &str| {
        announced(
            at,
            vec![euromillions(DRAW_DATE), hex()],
            vec![
                lottery_value(&[7, 18, 28, 40, 48], &[3, 9]),
                SourceValue::Hex { value: vec![1] },
            ],
        )
    };
    assert_valid_if(&verify(&lottery_only("2024-10-15T18:29:59Z")));
    for at in [DRAW_TIME, "2024-10-15T18:30:01Z"] {
        let r = verify(&lottery_only(at));
        assert_fails(&r, StepId::TimeOrder, "CommittedLate");
        assert_eq!(
            step(&r, StepId::TimeOrder).computed.as_deref(),
            Some(DRAW_TIME)
        );
        assert!(
            r.error
                .as_deref()
                .is_some_and(|e| e.contains("EuroMillions"))
        );
    }

    // A declared lottery: late from its draw_at.
    let declared = |at: &str| {
        announced(
            at,
            vec![SourceSpec::Lottery {
                lottery: "Tombola de Pérols".into(),
                date: "2024-10-12".into(),
                format: Some(LotteryFormat {
                    main: NumberGroup {
                        name: "numbers".into(),
                        count: 3,
                        min: 1,
                        max: 90,
                        from_main_drum: false,
                    },
                    bonus: vec![],
                }),
                draw_at: Some("2024-10-12T16:00:00Z".into()),
            }],
            vec![SourceValue::Lottery {
                lottery: "Tombola de Pérols".into(),
                main: vec![4, 44, 88],
                bonus: vec![],
            }],
        )
    };
    assert_valid_if(&verify(&declared("2024-10-12T15:59:59Z")));
    assert_fails(
        &verify(&declared("2024-10-12T16:00:00Z")),
        StepId::TimeOrder,
        "CommittedLate",
    );
}

#[test]
fn time_order_is_skipped_without_a_timed_source() {
    // Dice and hex values have no time a program knows: the reader compares by hand.
    let b = announced(
        ANNOUNCED,
        vec![dice(), hex()],
        vec![
            SourceValue::Dice {
                values: vec![1, 2, 3, 4, 5],
            },
            SourceValue::Hex { value: vec![1] },
        ],
    );
    let r = verify(&b);
    assert_valid_if(&r);
    assert_eq!(step(&r, StepId::TimeOrder).status, Status::Skipped);
    let announcement = items(&r, Subject::Announcement);
    assert_eq!(announcement.len(), 1);
    assert_eq!(announcement[0].value, "before the randomness");
    // Without a recipe: skipped, and nothing bound the randomness.
    let mut m = manifest(greedy());
    m.randomness = None;
    let r = verify(&draw(&m, &records(), &reveal()).expect("a draw without recipe"));
    assert_valid_if(&r);
    assert_eq!(step(&r, StepId::TimeOrder).status, Status::Skipped);
    assert_eq!(items(&r, Subject::Uncommitted).len(), 1);
    assert!(items(&r, Subject::Announcement).is_empty());
}

/// SPEC.md section 12.2: a replay was written after its randomness existed; it verifies, and
/// its verdict says that it proves nothing. A rehearsal gets no such exception.
#[test]
fn a_replay_written_after_its_randomness_verifies_and_says_so() {
    let mut m = manifest(greedy());
    m.announced_at = Some("2026-01-01T00:00:00Z".into());
    m.purpose = Purpose::Replay;
    let replay = draw(&m, &records(), &reveal()).expect("a replay");
    let r = verify(&replay);
    assert_valid_if(&r);
    assert_eq!(r.purpose, Some(Purpose::Replay));
    assert_eq!(step(&r, StepId::TimeOrder).status, Status::Skipped);
    assert_eq!(
        r.by_hand[0].subject,
        Subject::Purpose,
        "the purpose comes first"
    );
    assert_eq!(r.by_hand[0].value, "replay");
    assert!(
        r.by_hand[0].what.contains("proves nothing"),
        "{}",
        r.by_hand[0].what
    );

    m.purpose = Purpose::Rehearsal;
    let rehearsal = draw(&m, &records(), &reveal()).expect("a rehearsal");
    assert_fails(&verify(&rehearsal), StepId::TimeOrder, "CommittedLate");
}

/// SPEC.md section 12.3: the lotteries, then the dice, then the hex values, whatever the
/// recipe's order.
#[test]
fn by_hand_items_come_in_the_order_of_the_spec() {
    let b = announced(
        ANNOUNCED,
        vec![
            hex(),
            dice(),
            euromillions(DRAW_DATE),
            euromillions("2024-10-18"),
        ],
        vec![
            SourceValue::Hex { value: vec![1] },
            SourceValue::Dice {
                values: vec![1, 2, 3, 4, 5],
            },
            lottery_value(&[7, 18, 28, 40, 48], &[3, 9]),
            lottery_value(&[1, 2, 3, 4, 5], &[1, 2]),
        ],
    );
    let r = verify(&b);
    assert_valid_if(&r);
    let subjects: Vec<Subject> = r.by_hand.iter().map(|b| b.subject).collect();
    assert_eq!(
        subjects,
        [
            Subject::Commitment,
            Subject::Announcement,
            Subject::Lottery,
            Subject::Lottery,
            Subject::Dice,
            Subject::Hex
        ]
    );
    assert!(r.by_hand[2].what.contains(DRAW_DATE));
    assert!(r.by_hand[3].what.contains("2024-10-18"));
    assert_eq!(r.by_hand[1].value, format!("{DRAW_TIME} (UTC)"));
}

/// The honest bundle's JSON with the recipe's fallback replaced.
fn bundle_json_with_fallback(rule: &str) -> String {
    let json = honest(greedy()).to_json().expect("json");
    assert!(json.contains("\"fallback\": \"next_value\""));
    json.replace(
        "\"fallback\": \"next_value\"",
        &format!("\"fallback\": {rule}"),
    )
}

#[test]
fn a_fallback_that_chooses_when_to_look_cannot_be_written() {
    for rule in [
        "the latest value",
        "latest value",
        "latest_value",
        "the first later value of the same source",
        "whatever the organiser decides",
        "\u{1b}[32mnext_value",
    ] {
        let json = bundle_json_with_fallback(&serde_json::to_string(rule).expect("a string"));
        // Read as written, refused by the rules of the recipe, whatever is published.
        let b = Bundle::from_json(&json).expect("a text fallback is read");
        for r in [
            verify_json(&json, &Published::default(), &[]),
            verify_with(&b, &published_numbers(&b, EUROMILLIONS), &[]),
        ] {
            assert_fails(&r, StepId::Manifest, "InvalidRecipe");
            let error = r.error.as_deref().expect("an error");
            assert!(error.contains("fallback rule"), "{error}");
            assert!(error.contains("next_value"), "{error}");
            assert!(error.contains("SPEC.md section 6.1"), "{error}");
            assert_safe_to_print(&r);
        }
        // It has no canonical bytes, so no commitment can be made for it.
        let e = b.manifest.commitment().expect_err("no commitment");
        assert_eq!(e.kind(), "InvalidRecipe", "{e}");
        let e = draw(&b.manifest, &b.pool, &b.reveal).expect_err("refused");
        assert_eq!(e.kind(), "InvalidRecipe", "{e}");
    }
    // Not a text at all: unreadable.
    for rule in ["null", "1", "[\"next_value\"]"] {
        let r = verify_json(&bundle_json_with_fallback(rule), &Published::default(), &[]);
        assert_fails(&r, StepId::Format, "UnreadableBundle");
    }
    // The only rule: next_value.
    let r = verify_json(
        &bundle_json_with_fallback("\"next_value\""),
        &Published::default(),
        &[],
    );
    assert_valid_if(&r);
}

#[test]
fn drand_rounds_that_can_never_be_revealed_are_refused() {
    // Quicknet: genesis 1692803367, one round every 3 s; the last round produced by
    // 9999-12-31T23:59:59Z.
    let last = (kleroterion::recipe::LAST_INSTANT - 1_692_803_367) / 3 + 1;
    let with_round = |round: u64| {
        let mut m = manifest(greedy());
        m.randomness = Some(Recipe {
            sources: vec![SourceSpec::Drand {
                chain: quicknet(),
                round,
            }],
            fallback: Fallback::NextValue,
        });
        m
    };
    with_round(last)
        .validate()
        .expect("the last round of year 9999");
    let honest = honest(greedy());
    for round in [last + 1, 1 << 40, u64::MAX - 1, u64::MAX] {
        let m = with_round(round);
        let e = m.validate().expect_err("a round after 9999-12-31");
        assert_eq!(e.kind(), "InvalidRecipe", "{e}");
        let msg = e.to_string();
        assert!(msg.contains("9999-12-31T23:59:59Z"), "{msg}");
        assert!(msg.contains(&round.to_string()), "{msg}");
        assert!(msg.contains("recipe source 1"), "{msg}");
        assert_eq!(
            draw(&m, &records(), &reveal()).expect_err("refused").kind(),
            "InvalidRecipe"
        );
        // In a bundle, re-committed: the manifest step names the rule.
        let mut forged = honest.clone();
        forged.manifest = m;
        forged.commitment = forged.manifest.commitment().expect("commitment");
        let r = verify_json(&forged.to_json().expect("json"), &Published::default(), &[]);
        assert_fails(&r, StepId::Manifest, "InvalidRecipe");
        assert!(
            r.error
                .as_deref()
                .is_some_and(|e| e.contains("9999-12-31T23:59:59Z"))
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 4. A forged screen
// ---------------------------------------------------------------------------------------------

/// Texts that would draw on a terminal or reorder a page.
const FORGERIES: [&str; 8] = [
    "\u{1b}[2J\u{1b}[1;32mVALID\u{1b}[0m",
    "\u{1b}]8;;https://example.org\u{7}link\u{1b}]8;;\u{7}",
    "\u{9b}2J\u{9b}32mVALID",
    "panel: \u{202e}DILAVNI",
    "\u{2066}K-0001\u{2069}",
    "K-0001\u{200f}",
    "\r\u{1b}[1AVALID",
    "\u{85}next line",
];

/// Asserts `text::display` leaves no control or bidi character, and shows each as `\u{..}`.
#[track_caller]
fn assert_displayed_safely(s: &str) {
    let shown = display(s, DISPLAY_LIMIT);
    assert!(
        !shown.chars().any(|c| is_control(c) || is_bidi_control(c)),
        "{shown:?}"
    );
    assert!(!shown.bytes().any(|b| b == 0x1b || b < 0x20), "{shown:?}");
    for c in s.chars().filter(|&c| is_control(c) || is_bidi_control(c)) {
        let escaped = format!("\\u{{{:x}}}", u32::from(c));
        assert!(shown.contains(&escaped), "{shown:?} lacks {escaped}");
    }
}

/// The honest bundle with a changed manifest, re-committed (so that only the text is wrong).
fn recommitted(b: &Bundle, f: impl FnOnce(&mut Manifest)) -> Bundle {
    let mut forged = b.clone();
    f(&mut forged.manifest);
    forged.commitment = forged.manifest.commitment().expect("commitment");
    forged
}

#[test]
fn forged_texts_are_refused_by_the_text_rules() {
    let honest = honest(lottery());
    for forgery in FORGERIES {
        assert_displayed_safely(forgery);
        type ManifestChange<'a> = (&'a str, Box<dyn Fn(&mut Manifest) + 'a>);
        let manifest_changes: Vec<ManifestChange> = vec![
            ("title", Box::new(|m| m.title = forgery.into())),
            (
                "feature \"gender\": value",
                Box::new(|m| m.features[0].values[0].value = forgery.into()),
            ),
            (
                "feature name",
                Box::new(|m| m.features[1].name = forgery.into()),
            ),
            (
                "recipe source 2: lottery",
                Box::new(|m| {
                    if let Some(r) = &mut m.randomness {
                        r.sources[1] = euromillions(DRAW_DATE);
                        if let SourceSpec::Lottery { lottery, .. } = &mut r.sources[1] {
                            *lottery = forgery.into();
                        }
                    }
                }),
            ),
            (
                "recipe source 2: format",
                Box::new(|m| {
                    if let Some(r) = &mut m.randomness {
                        r.sources[1] = SourceSpec::Lottery {
                            lottery: "Tombola".into(),
                            date: DRAW_DATE.into(),
                            format: Some(LotteryFormat {
                                main: NumberGroup {
                                    name: forgery.into(),
                                    count: 5,
                                    min: 1,
                                    max: 50,
                                    from_main_drum: false,
                                },
                                bonus: vec![],
                            }),
                            draw_at: Some(DRAW_TIME.into()),
                        };
                    }
                }),
            ),
            (
                "recipe source 2: draw_at",
                Box::new(|m| {
                    if let Some(r) = &mut m.randomness {
                        r.sources[1] = SourceSpec::Lottery {
                            lottery: "Tombola".into(),
                            date: DRAW_DATE.into(),
                            format: registered("euromillions").map(|l| l.format()),
                            draw_at: Some(format!("{DRAW_TIME}{forgery}")),
                        };
                    }
                }),
            ),
            (
                "recipe source 3: witnesses",
                Box::new(|m| {
                    if let Some(r) = &mut m.randomness {
                        r.sources[2] = SourceSpec::Dice {
                            count: 5,
                            faces: 6,
                            witnesses: forgery.into(),
                        };
                    }
                }),
            ),
            (
                "recipe source 4: label",
                Box::new(|m| {
                    if let Some(r) = &mut m.randomness {
                        r.sources[3] = SourceSpec::Hex {
                            label: forgery.into(),
                        };
                    }
                }),
            ),
        ];
        for (field, change) in &manifest_changes {
            let forged = recommitted(&honest, change);
            // draw() refuses it.
            let e = draw(&forged.manifest, &forged.pool, &forged.reveal).expect_err(field);
            assert_eq!(e.kind(), "InvalidText", "{field}: {e}");
            // verify fails at the manifest step, whatever is published.
            for r in [
                verify(&forged),
                verify_with(&forged, &real_commitment(&forged), &[]),
                verify_json(&forged.to_json().expect("json"), &Published::default(), &[]),
            ] {
                assert_fails(&r, StepId::Manifest, "InvalidText");
                let error = r.error.as_deref().expect("an error");
                assert!(error.starts_with(field), "{field}: {error}");
                assert_safe_to_print(&r);
            }
        }

        // A ticket (and a household key, a value) of the pool, re-committed: the pool step.
        type PoolChange = fn(&mut Vec<Record>, &str);
        let pool_changes: [(&str, PoolChange); 3] = [
            ("ticket", |p, f| p[5].ticket = f.into()),
            ("household", |p, f| p[4].household = Some(f.into())),
            ("value", |p, f| p[6].values[0] = f.into()),
        ];
        for (field, change) in pool_changes {
            let mut forged = honest.clone();
            change(&mut forged.pool, forgery);
            forged.manifest.pool = PoolCommitment::of(&forged.pool).expect("pool");
            forged.commitment = forged.manifest.commitment().expect("commitment");
            let r = verify(&forged);
            assert_fails(&r, StepId::Pool, "InvalidText");
            assert!(
                r.error.as_deref().is_some_and(|e| e.contains(field)),
                "{:?}",
                r.error
            );
            assert_safe_to_print(&r);
        }
    }
}

/// Texts the text rules do not reach (they are not committed, or are refused before they are
/// checked) are escaped wherever the report quotes them.
#[test]
fn forged_texts_elsewhere_are_escaped_in_the_report() {
    let honest = honest(greedy());
    for forgery in FORGERIES {
        // A ticket of the result that is not in the pool.
        let mut forged = honest.clone();
        forged.result.selected[0] = forgery.into();
        let r = verify(&forged);
        assert_fails(&r, StepId::Draw, "DrawMismatch");
        assert!(
            r.error
                .as_deref()
                .is_some_and(|e| e.contains("is not in the committed pool"))
        );
        assert_safe_to_print(&r);
        // ... and at the end of the alternates.
        let mut forged = honest.clone();
        forged.result.alternates.push(forgery.into());
        assert_safe_to_print(&verify(&forged));

        // The bundle's format and spec.
        for f in [
            (|b: &mut Bundle, s: &str| b.format = s.into()) as fn(&mut Bundle, &str),
            |b, s| b.spec = format!("kleroterion/v2{s}"),
            |b, s| b.manifest.spec = format!("kleroterion/v2{s}"),
        ] {
            let mut forged = honest.clone();
            f(&mut forged, forgery);
            let r = verify(&forged);
            assert_eq!(r.failed_step(), Some(StepId::Format));
            assert!(r.by_hand.is_empty());
            assert_safe_to_print(&r);
        }

        // A file that is not a bundle, with the forgery in an unknown field's name, in a value
        // of the wrong type, or as an unknown method.
        let json = honest.to_json().expect("json");
        let quoted = serde_json::to_string(forgery).expect("a JSON string");
        for text in [
            json.replacen('{', &format!("{{{quoted}: 1,"), 1),
            json.replacen("\"panel_size\": 4", &format!("\"panel_size\": {quoted}"), 1),
            json.replacen("\"greedy\"", &quoted, 1),
        ] {
            let r = verify_json(&text, &Published::default(), &[]);
            assert_fails(&r, StepId::Format, "UnreadableBundle");
            assert_safe_to_print(&r);
        }

        // A replacement record naming a forged ticket, or of another format.
        let mut record = replace(&honest, &honest.result.selected[..1]).expect("replacement");
        record.dropped = vec![forgery.into()];
        let r = verify_with(&honest, &Published::default(), &[record]);
        assert_fails(&r, StepId::Replacements, "ReplacementMismatch");
        assert_safe_to_print(&r);
        let mut record = replace(&honest, &honest.result.selected[..1]).expect("replacement");
        record.format = forgery.into();
        let r = verify_with(&honest, &Published::default(), &[record]);
        assert_fails(&r, StepId::Replacements, "ReplacementMismatch");
        assert_safe_to_print(&r);

        // Two records with the same forged ticket, re-committed: refused at the pool step
        // (as a duplicate, before the texts of each record are read), quoted escaped.
        let mut forged = honest.clone();
        forged.pool[0].ticket = forgery.into();
        forged.pool[1].ticket = forgery.into();
        forged.manifest.pool = PoolCommitment::of(&forged.pool).expect("pool");
        forged.commitment = forged.manifest.commitment().expect("commitment");
        let r = verify(&forged);
        assert_eq!(r.failed_step(), Some(StepId::Pool));
        assert_safe_to_print(&r);

        // A published lottery result with a forged name is quoted escaped.
        let published = Published {
            commitment: None,
            lotteries: vec![PublishedLottery {
                lottery: forgery.into(),
                date: DRAW_DATE.into(),
                main: vec![1],
                bonus: vec![],
            }],
        };
        let r = verify_with(&honest, &published, &[]);
        assert_fails(&r, StepId::Randomness, "LotteryMismatch");
        assert_safe_to_print(&r);
    }
}

#[test]
fn long_texts_are_cut() {
    const LEN: usize = 10 * 1024 * 1024;
    let long = "A".repeat(LEN);
    let shown = display(&long, DISPLAY_LIMIT);
    assert_eq!(
        shown,
        format!(
            "{}… ({} more bytes)",
            "A".repeat(DISPLAY_LIMIT),
            LEN - DISPLAY_LIMIT
        )
    );
    // Cut on a character boundary: 'é' is 2 bytes.
    let accents = "é".repeat(LEN / 2);
    let shown = display(&accents, 201);
    assert_eq!(
        shown,
        format!("{}… ({} more bytes)", "é".repeat(100), LEN - 200)
    );
    // Escapes count the bytes of the original text; the output stays short and clean.
    let escapes = "\u{1b}".repeat(LEN);
    let shown = display(&escapes, DISPLAY_LIMIT);
    assert!(shown.ends_with(&format!("… ({} more bytes)", LEN - DISPLAY_LIMIT)));
    assert!(shown.len() < 10 * DISPLAY_LIMIT);
    assert_displayed_safely(&escapes[..DISPLAY_LIMIT]);
    // Short texts are not cut.
    assert_eq!(display("Pérols", DISPLAY_LIMIT), "Pérols");

    // A 10 MB title, ticket, or field name: refused, and never printed whole.
    let honest = honest(greedy());
    let forged = recommitted(&honest, |m| m.title = long.clone());
    let r = verify(&forged);
    assert_fails(&r, StepId::Manifest, "InvalidText");
    assert!(r.error.as_deref().is_some_and(|e| e.contains("too long")));
    assert_safe_to_print(&r);

    let mut forged = honest.clone();
    forged.result.selected[0] = long.clone();
    let r = verify(&forged);
    assert_fails(&r, StepId::Draw, "DrawMismatch");
    assert_safe_to_print(&r);
    assert!(
        r.error
            .as_deref()
            .is_some_and(|e| e.contains(&format!("({} more bytes)", LEN - DISPLAY_LIMIT))),
        "{:?}",
        r.error.as_deref().map(|e| &e[..e.len().min(300)])
    );

    let json = honest.to_json().expect("json");
    let text = json.replacen('{', &format!("{{\"{long}\": 1,"), 1);
    let r = verify_json(&text, &Published::default(), &[]);
    assert_fails(&r, StepId::Format, "UnreadableBundle");
    assert_safe_to_print(&r);

    let mut record = replace(&honest, &honest.result.selected[..1]).expect("replacement");
    record.dropped = vec![long];
    let r = verify_with(&honest, &Published::default(), &[record]);
    assert_fails(&r, StepId::Replacements, "ReplacementMismatch");
    assert_safe_to_print(&r);
}

// ---------------------------------------------------------------------------------------------
// Replacement records
// ---------------------------------------------------------------------------------------------

/// A ticket of the pool that is neither selected nor an alternate.
fn outsider(b: &Bundle) -> String {
    b.pool
        .iter()
        .map(|r| r.ticket.clone())
        .find(|t| !b.result.selected.contains(t) && !b.result.alternates.contains(t))
        .expect("someone left out")
}

fn honest_record(b: &Bundle) -> Replacement {
    let dropped = vec![b.result.selected[1].clone(), outsider(b)];
    replace(b, &dropped).expect("an honest replacement")
}

#[test]
fn an_honest_replacement_record_verifies() {
    for method in [greedy(), lottery()] {
        let b = honest(method);
        let record = honest_record(&b);
        assert_eq!(record.replacements.len(), 2);
        assert!(
            record.replacements[0].is_some(),
            "the panel member is replaced"
        );
        assert_eq!(
            record.replacements[1], None,
            "the outsider was not on the panel"
        );
        let second = replace(&b, &b.result.selected[2..3]).expect("another record");
        let r = verify_with(&b, &real_commitment(&b), &[record.clone(), second]);
        assert_valid_if(&r);
        let step = step(&r, StepId::Replacements);
        assert_eq!(step.status, Status::Passed);
        let details = step.detail.join("\n");
        for t in &record.dropped {
            assert!(details.contains(t.as_str()), "{details}");
        }
        assert!(details.contains("declared dropped"), "{details}");
        assert!(
            details.contains("contest it with their receipt"),
            "{details}"
        );
        // The record survives JSON.
        let json = serde_json::to_string(&record).expect("json");
        let back: Replacement = serde_json::from_str(&json).expect("parses");
        assert_valid_if(&verify_with(&b, &Published::default(), &[back]));
    }
}

#[test]
fn a_tampered_replacement_record_fails() {
    let b = honest(greedy());
    let record = honest_record(&b);
    let replaced = record.replacements[0].clone().expect("a replacement");
    let other = b
        .pool
        .iter()
        .map(|r| r.ticket.clone())
        .find(|t| !record.panel.contains(t) && !record.dropped.contains(t))
        .expect("another ticket");
    let other_draw = {
        let mut m = manifest(greedy());
        m.title.push_str(" (second draw)");
        draw(&m, &records(), &reveal()).expect("another draw")
    };
    assert_ne!(other_draw.transcript, b.transcript);

    type Tamper = fn(&mut Replacement, &str, &str, &Bundle);
    let tampers: [(&str, Tamper); 9] = [
        ("a different replacement ticket", |r, replaced, other, _| {
            for t in r.replacements.iter_mut().flatten() {
                if t == replaced {
                    *t = other.into();
                }
            }
            for t in &mut r.panel {
                if t == replaced {
                    *t = other.into();
                }
            }
        }),
        ("nobody instead of the replacement", |r, replaced, _, _| {
            r.replacements[0] = None;
            r.panel.retain(|t| t != replaced);
        }),
        ("a changed hash", |r, _, _, _| {
            let mut h = *r.hash.as_bytes();
            h[0] ^= 0x80;
            r.hash = Digest::from_array(h);
        }),
        ("another draw's transcript", |r, _, _, other_draw| {
            r.transcript = other_draw.transcript
        }),
        ("another dropped ticket", |r, _, other, _| {
            r.dropped[1] = other.into()
        }),
        ("a dropped ticket removed", |r, _, _, _| {
            r.dropped.pop();
            r.replacements.pop();
        }),
        ("the panel reordered", |r, _, _, _| r.panel.swap(0, 1)),
        ("a broken quota claimed", |r, _, _, _| {
            r.broken_quotas
                .push("gender=woman: 4, above the maximum 3".into())
        }),
        ("another protocol", |r, _, _, _| {
            r.spec = "kleroterion/v1".into()
        }),
    ];
    for (what, tamper) in tampers {
        let mut forged = record.clone();
        tamper(&mut forged, &replaced, &other, &other_draw);
        assert_ne!(forged, record, "{what}");
        let r = verify_with(&b, &real_commitment(&b), &[forged.clone()]);
        assert_fails(&r, StepId::Replacements, "ReplacementMismatch");
        assert!(
            r.error
                .as_deref()
                .is_some_and(|e| e.starts_with("replacement record 1:")),
            "{what}: {:?}",
            r.error
        );
        assert_safe_to_print(&r);
        // After an honest record, the forged one is named as the second.
        let r = verify_with(&b, &real_commitment(&b), &[record.clone(), forged]);
        assert_fails(&r, StepId::Replacements, "ReplacementMismatch");
        assert!(
            r.error
                .as_deref()
                .is_some_and(|e| e.starts_with("replacement record 2:")),
            "{what}: {:?}",
            r.error
        );
    }

    // A record made honestly from another draw, given with this one.
    let theirs = honest_record(&other_draw);
    let r = verify_with(&b, &Published::default(), &[theirs]);
    assert_fails(&r, StepId::Replacements, "ReplacementMismatch");
    assert!(
        r.error
            .as_deref()
            .is_some_and(|e| e.contains("another draw"))
    );
}
