//! Every `Error` variant that input can trigger, produced from a bad input: the `kind()` and the
//! words of the message (which name the field) are checked. Nothing may panic, including on
//! random changes of a bundle's JSON text and random manifest numbers.
//!
//! Not covered: `TooLarge` (a list of more than 4,294,967,295 entries; it cannot be built in a
//! test's memory).

use kleroterion::draw::check_committed;
use kleroterion::methods::lottery::check_portfolio;
use kleroterion::model::ResolvedPool;
use kleroterion::public_lottery::{LotteryFormat, NumberGroup};
use kleroterion::receipt::Receipt;
use kleroterion::tickets::holder_of;
use kleroterion::{
    Allocation, Bundle, Digest, Error, Fallback, Feature, Manifest, Method, PoolCommitment,
    PoolFile, PublishedLottery, Purpose, Recipe, Record, Reveal, SourceSpec, SourceValue,
    ValueQuota, draw, replace, verify,
};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// A valid base: 8 people, two features, k = 4.
// ---------------------------------------------------------------------------------------------

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
            values: vec![q("young", 0, 4), q("old", 0, 4)],
        },
    ]
}

fn records() -> Vec<Record> {
    (0..8)
        .map(|i| Record {
            link: None,
            seal: None,
            ticket: format!("t{i}"),
            values: vec![
                if i % 2 == 0 { "woman" } else { "man" }.into(),
                if i < 4 { "young" } else { "old" }.into(),
            ],
            household: None,
            holder: holder_of(&[i; 32]),
        })
        .collect()
}

/// The same people, for draws under the household rule: households h0 = {t0, t1} and
/// h1 = {t2, t3}.
fn records_with_households() -> Vec<Record> {
    let mut records = records();
    for (i, r) in records.iter_mut().enumerate().take(4) {
        r.household = Some(format!("h{}", i / 2));
    }
    records
}

fn manifest_for(records: &[Record], method: Method) -> Manifest {
    Manifest::new(
        "errors",
        method,
        4,
        features(),
        PoolCommitment::of(records).expect("pool commitment"),
    )
    .with_announced_at("2026-11-30T12:00:00Z")
    .with_alternates(2)
    .with_household_rule(false)
    .with_purpose(Purpose::Official)
    // Eight people: every cell is small. These tests aim at other checks.
    .with_min_cell(1)
}

fn manifest() -> Manifest {
    manifest_for(&records(), Method::Uniform)
}

fn hex_reveal() -> Reveal {
    Reveal {
        sources: vec![SourceValue::Hex {
            value: vec![1, 2, 3],
        }],
    }
}

fn lottery_value(lottery: &str, main: &[u32], bonus: &[&[u32]]) -> SourceValue {
    SourceValue::Lottery {
        lottery: lottery.into(),
        main: main.to_vec(),
        bonus: bonus.iter().map(|g| g.to_vec()).collect(),
    }
}

/// A registry lottery source (EuroMillions draws on Tuesdays and Fridays).
fn euromillions(date: &str) -> SourceSpec {
    SourceSpec::Lottery {
        lottery: "euromillions".into(),
        date: date.into(),
        format: None,
        draw_at: None,
    }
}

/// A lottery outside the registry, declared with its format and draw time.
fn declared(lottery: &str, format: LotteryFormat, draw_at: &str) -> SourceSpec {
    SourceSpec::Lottery {
        lottery: lottery.into(),
        date: "2026-12-01".into(),
        format: Some(format),
        draw_at: Some(draw_at.into()),
    }
}

fn group(name: &str, count: u32, min: u32, max: u32) -> NumberGroup {
    NumberGroup {
        name: name.into(),
        count,
        min,
        max,
        from_main_drum: false,
    }
}

/// Three numbers of 1 to 90, one bonus number of 1 to 10.
fn tombola() -> LotteryFormat {
    LotteryFormat {
        main: group("numbers", 3, 1, 90),
        bonus: vec![group("bonus", 1, 1, 10)],
    }
}

const QUICKNET: &str = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971";
const MAINNET: &str = "8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce";

fn chain(hex: &str) -> Digest {
    Digest::from_hex(hex, "chain").expect("a chain hash")
}

/// Asserts the error's kind and that its message holds every one of `words`.
#[track_caller]
fn expect<T: std::fmt::Debug>(r: Result<T, Error>, kind: &str, words: &[&str]) {
    let e = r.expect_err(&format!("expected {kind}"));
    assert_eq!(e.kind(), kind, "{e}");
    let msg = e.to_string();
    for w in words {
        assert!(msg.contains(w), "{kind}: {msg:?} does not name {w:?}");
    }
}

/// Draws with a changed manifest.
fn draw_with(f: impl FnOnce(&mut Manifest)) -> Result<Bundle, Error> {
    let mut m = manifest();
    f(&mut m);
    draw(&m, &records(), &hex_reveal())
}

/// Draws with changed records, re-committed so that only the records' content is wrong.
fn draw_records(f: impl FnOnce(&mut Vec<Record>)) -> Result<Bundle, Error> {
    let mut recs = records();
    f(&mut recs);
    let mut m = manifest();
    m.pool = PoolCommitment::of(&recs)?;
    draw(&m, &recs, &hex_reveal())
}

/// Draws with a recipe and a reveal.
fn draw_revealed(recipe: Vec<SourceSpec>, reveal: Vec<SourceValue>) -> Result<Bundle, Error> {
    let mut m = manifest();
    m.randomness = Some(Recipe {
        sources: recipe,
        fallback: Fallback::NextValue,
    });
    draw(&m, &records(), &Reveal { sources: reveal })
}

#[test]
fn the_base_is_valid() {
    let b = draw(&manifest(), &records(), &hex_reveal()).expect("valid base");
    assert!(verify(&b).valid);
}

// ---------------------------------------------------------------------------------------------
// Manifest (SPEC.md 5.1)
// ---------------------------------------------------------------------------------------------

#[test]
fn unsupported_spec() {
    expect(
        draw_with(|m| m.spec = "kleroterion/v9".into()),
        "UnsupportedSpec",
        &["kleroterion/v9"],
    );
}

#[test]
fn panel_size_zero_or_above_pool() {
    expect(
        draw_with(|m| m.panel_size = 0),
        "PanelSize",
        &["panel size 0", "pool of 8"],
    );
    expect(
        draw_with(|m| m.panel_size = 9),
        "PanelSize",
        &["panel size 9", "pool of 8"],
    );
}

#[test]
fn empty_pool() {
    expect(
        draw_with(|m| m.pool.count = 0),
        "EmptyPool",
        &["pool is empty"],
    );
    expect(PoolCommitment::of(&[]), "EmptyPool", &["pool is empty"]);
    expect(
        ResolvedPool::new(&features(), &[]),
        "EmptyPool",
        &["pool is empty"],
    );
    let mut m = manifest();
    m.pool.count = 0;
    expect(
        draw(&m, &[], &hex_reveal()),
        "EmptyPool",
        &["pool is empty"],
    );
}

#[test]
fn duplicate_names() {
    expect(
        draw_with(|m| m.features[1].name = "gender".into()),
        "DuplicateName",
        &["features", "\"gender\""],
    );
    expect(
        draw_with(|m| m.features[0].values[1].value = "woman".into()),
        "DuplicateName",
        &["values of feature \"gender\"", "\"woman\""],
    );
}

#[test]
fn no_values() {
    expect(
        draw_with(|m| m.features[1].values.clear()),
        "NoValues",
        &["\"age\""],
    );
}

#[test]
fn quota_min_above_max() {
    expect(
        draw_with(|m| m.features[0].values[0] = q("woman", 3, 2)),
        "QuotaMinAboveMax",
        &["gender=woman", "min 3", "max 2"],
    );
}

#[test]
fn quota_mins_past_panel_size() {
    expect(
        draw_with(|m| m.features[0].values = vec![q("woman", 3, 3), q("man", 2, 3)]),
        "QuotaMinsTooLarge",
        &["\"gender\"", "5", "panel size 4"],
    );
}

#[test]
fn quota_maxs_below_panel_size() {
    expect(
        draw_with(|m| m.features[1].values = vec![q("young", 0, 1), q("old", 0, 2)]),
        "QuotaMaxsTooSmall",
        &["\"age\"", "3", "panel size 4"],
    );
}

#[test]
fn household_rule_with_methods_that_ignore_it() {
    expect(
        draw_with(|m| m.household_rule = true),
        "HouseholdRuleNotSupported",
        &["uniform", "household rule"],
    );
    expect(
        draw_with(|m| {
            m.household_rule = true;
            m.method = Method::Stratified {
                feature: "gender".into(),
                allocation: Allocation::SainteLague,
            };
        }),
        "HouseholdRuleNotSupported",
        &["stratified"],
    );
    expect(
        draw_with(|m| {
            m.household_rule = true;
            m.method = Method::Rfc3797;
        }),
        "HouseholdRuleNotSupported",
        &["rfc3797"],
    );
}

#[test]
fn bad_times() {
    for t in [
        "2026-02-30T12:00:00Z",
        "2025-02-29T12:00:00Z",
        "2026-13-01T12:00:00Z",
        "2026-00-01T12:00:00Z",
        "2026-11-00T12:00:00Z",
        "2026-11-30T24:00:00Z",
        "2026-11-30T12:60:00Z",
        "2026-11-30T12:00:60Z",
        "2026-11-30 12:00:00Z",
        "2026-11-30T12:00:00",
        "2026-11-30T12:00:00+01:00",
        "26-11-30T12:00:00Z",
        "2026-1a-30T12:00:00Z",
        "",
        "2026-11-30T12:00:00Ż",
    ] {
        expect(
            draw_with(|m| m.announced_at = Some(t.into())),
            "InvalidTime",
            &["announced_at", t],
        );
    }
    // Leap day of a leap year, and of 2000.
    draw_with(|m| m.announced_at = Some("2024-02-29T23:59:59Z".into())).expect("leap day");
    draw_with(|m| m.announced_at = Some("2000-02-29T00:00:00Z".into())).expect("leap day 2000");
}

// ---------------------------------------------------------------------------------------------
// Texts (SPEC.md 3)
// ---------------------------------------------------------------------------------------------

const NOT_NFC: &str = "Pe\u{301}rols"; // "Pérols" with a combining accent

#[test]
fn non_nfc_texts() {
    expect(
        draw_with(|m| m.title = NOT_NFC.into()),
        "InvalidText",
        &["title", "NFC"],
    );
    expect(
        draw_with(|m| m.features[0].name = NOT_NFC.into()),
        "InvalidText",
        &["feature name", "NFC"],
    );
    expect(
        draw_with(|m| m.features[0].values[0].value = NOT_NFC.into()),
        "InvalidText",
        &["feature \"gender\": value", "NFC"],
    );
    expect(
        draw_records(|r| r[0].ticket = NOT_NFC.into()),
        "InvalidText",
        &["ticket", "NFC"],
    );
    expect(
        draw_records(|r| r[1].household = Some(NOT_NFC.into())),
        "InvalidText",
        &["ticket \"t1\": household", "NFC"],
    );
    expect(
        draw_records(|r| r[2].values[0] = NOT_NFC.into()),
        "InvalidText",
        &["ticket \"t2\": value", "NFC"],
    );
    expect(
        draw_revealed(
            vec![SourceSpec::Lottery {
                lottery: NOT_NFC.into(),
                date: "2026-12-01".into(),
                format: None,
                draw_at: None,
            }],
            vec![],
        ),
        "InvalidText",
        &["recipe source 1: lottery", "NFC"],
    );
    expect(
        draw_revealed(
            vec![SourceSpec::Hex { label: "x".into() }],
            vec![lottery_value(NOT_NFC, &[1], &[])],
        ),
        "InvalidText",
        &["reveal source 1: lottery", "NFC"],
    );
    let mut format = tombola();
    format.bonus[0].name = NOT_NFC.into();
    expect(
        draw_revealed(
            vec![declared("Tombola", format, "2026-12-01T18:00:00Z")],
            vec![],
        ),
        "InvalidText",
        &["recipe source 1: format", "NFC"],
    );
}

/// C0 controls, DEL, C1 controls (U+0080..U+009F), an ANSI escape sequence and the
/// bidirectional formatting characters of SPEC.md section 3.
const CONTROLS: [&str; 8] = [
    "a\tb",
    "a\nb",
    "\u{0}",
    "x\u{7f}",
    "\u{1b}[31m",
    "\u{9b}31m",
    "\u{85}",
    "x\u{9f}",
];
const BIDI: [&str; 12] = [
    "\u{61c}",
    "\u{200e}",
    "\u{200f}",
    "\u{202a}",
    "\u{202b}",
    "\u{202c}",
    "\u{202d}",
    "abc\u{202e}fed",
    "\u{2066}",
    "\u{2067}",
    "\u{2068}",
    "\u{2069}",
];

#[test]
fn control_characters() {
    for bad in CONTROLS {
        expect(
            draw_with(|m| m.title = bad.into()),
            "InvalidText",
            &["title", "control character"],
        );
        expect(
            draw_records(|r| r[3].ticket = bad.into()),
            "InvalidText",
            &["ticket", "control character"],
        );
        expect(
            draw_revealed(
                vec![SourceSpec::Dice {
                    count: 1,
                    faces: 6,
                    witnesses: format!("the mayor{bad}"),
                }],
                vec![SourceValue::Dice { values: vec![1] }],
            ),
            "InvalidText",
            &["recipe source 1: witnesses", "control character"],
        );
    }
}

#[test]
fn bidirectional_formatting_characters() {
    for bad in BIDI {
        expect(
            draw_with(|m| m.title = bad.into()),
            "InvalidText",
            &["title", "bidirectional"],
        );
        expect(
            draw_with(|m| m.features[0].values[1].value = format!("man{bad}")),
            "InvalidText",
            &["feature \"gender\": value", "bidirectional"],
        );
        expect(
            draw_records(|r| r[3].household = Some(bad.into())),
            "InvalidText",
            &["household", "bidirectional"],
        );
    }
    // Right-to-left letters themselves are text, not formatting.
    draw_with(|m| m.title = "\u{5e9}\u{5dc}\u{5d5}\u{5dd} \u{627}\u{644}".into())
        .expect("Hebrew and Arabic");
}

#[test]
fn unassigned_code_points() {
    // U+0378 is unassigned; U+FDD0 and U+10FFFF are noncharacters; U+1FAE8 was assigned only
    // in Unicode 15.
    for bad in ["\u{378}", "\u{fdd0}", "\u{10ffff}", "\u{1fae8}"] {
        expect(
            draw_with(|m| m.title = format!("t{bad}")),
            "InvalidText",
            &["title", "unassigned in Unicode 14.0.0"],
        );
    }
}

#[test]
fn text_lengths() {
    expect(
        draw_records(|r| r[0].ticket = String::new()),
        "InvalidText",
        &["ticket", "empty"],
    );
    expect(
        draw_records(|r| r[0].ticket = "x".repeat(129)),
        "InvalidText",
        &["ticket", "too long"],
    );
    draw_records(|r| r[0].ticket = "x".repeat(128)).expect("128-byte ticket");
    expect(
        draw_with(|m| m.features[1].name = "f".repeat(257)),
        "InvalidText",
        &["feature name", "too long"],
    );
    expect(
        draw_with(|m| m.title = "t".repeat(4097)),
        "InvalidText",
        &["title", "too long"],
    );
    expect(
        draw_records(|r| r[0].household = Some(String::new())),
        "InvalidText",
        &["household", "empty"],
    );
}

// ---------------------------------------------------------------------------------------------
// Pool (SPEC.md 5.2)
// ---------------------------------------------------------------------------------------------

#[test]
fn pool_root_and_count_mismatch() {
    let mut recs = records();
    recs[5].values[1] = "young".into();
    expect(
        draw(&manifest(), &recs, &hex_reveal()),
        "PoolRootMismatch",
        &["the records hash to", "commits to"],
    );
    recs.truncate(7);
    expect(
        draw(&manifest(), &recs, &hex_reveal()),
        "PoolRootMismatch",
        &["7 records published, 8 committed"],
    );
}

#[test]
fn duplicate_ticket() {
    expect(
        draw_records(|r| r[6].ticket = "t2".into()),
        "DuplicateTicket",
        &["\"t2\""],
    );
}

#[test]
fn wrong_value_count() {
    expect(
        draw_records(|r| r[4].values.pop().map(drop).unwrap_or(())),
        "WrongValueCount",
        &["\"t4\"", "1 values", "2 features"],
    );
    expect(
        draw_records(|r| r[4].values.push("x".into())),
        "WrongValueCount",
        &["\"t4\"", "3 values"],
    );
}

#[test]
fn unknown_value() {
    expect(
        draw_records(|r| r[3].values[0] = "other".into()),
        "UnknownValue",
        &["\"t3\"", "\"other\"", "\"gender\""],
    );
}

// ---------------------------------------------------------------------------------------------
// Recipe and reveal (SPEC.md 6)
// ---------------------------------------------------------------------------------------------

#[test]
fn bad_recipes() {
    expect(
        draw_revealed(vec![], vec![]),
        "InvalidRecipe",
        &["randomness recipe", "0 sources"],
    );
    let many = vec![SourceSpec::Hex { label: "x".into() }; 17];
    expect(
        draw_revealed(many, vec![]),
        "InvalidRecipe",
        &["17 sources"],
    );
    let unknown = Digest::from_array([0x52; 32]);
    expect(
        draw_revealed(
            vec![SourceSpec::Drand {
                chain: unknown,
                round: 0,
            }],
            vec![],
        ),
        "InvalidRecipe",
        &["recipe source 1", "drand rounds start at 1"],
    );
    expect(
        draw_revealed(
            vec![SourceSpec::Drand {
                chain: unknown,
                round: 5,
            }],
            vec![],
        ),
        "InvalidRecipe",
        &["recipe source 1", "not a network this verifier knows"],
    );
    for (count, faces) in [(0, 6), (1001, 6), (3, 1), (3, 1001)] {
        expect(
            draw_revealed(
                vec![SourceSpec::Dice {
                    count,
                    faces,
                    witnesses: "w".into(),
                }],
                vec![],
            ),
            "InvalidRecipe",
            &["recipe source 1", "dice"],
        );
    }
    expect(
        draw_revealed(
            vec![SourceSpec::Hex {
                label: String::new(),
            }],
            vec![],
        ),
        "InvalidText",
        &["recipe source 1: label"],
    );
}

/// The rounds around the last one the protocol can express (9999-12-31T23:59:59Z).
#[cfg(feature = "drand")]
#[test]
fn drand_rounds_past_the_last_instant() {
    let with_round = |round: u64| {
        let mut m = manifest();
        m.randomness = Some(Recipe {
            sources: vec![SourceSpec::Drand {
                chain: chain(QUICKNET),
                round,
            }],
            fallback: Fallback::NextValue,
        });
        m.validate()
    };
    // Quicknet: genesis 1692803367, one round every 3 s.
    let last = (kleroterion::recipe::LAST_INSTANT - 1_692_803_367) / 3 + 1;
    with_round(last).expect("the last round before 10000-01-01");
    for round in [last + 1, u64::MAX / 3, u64::MAX] {
        expect(
            with_round(round),
            "InvalidRecipe",
            &[
                "recipe source 1",
                "9999-12-31T23:59:59Z",
                &round.to_string(),
            ],
        );
    }
}

#[test]
fn bad_lottery_sources() {
    let lottery = |lottery: &str, date: &str| SourceSpec::Lottery {
        lottery: lottery.into(),
        date: date.into(),
        format: None,
        draw_at: None,
    };
    let cases: Vec<(SourceSpec, &[&str])> = vec![
        (
            lottery("EuroMillions", "2026-12-01"),
            &[
                "\"EuroMillions\" is not in the lottery registry",
                "euromillions",
                "format",
                "draw_at",
            ],
        ),
        (
            SourceSpec::Lottery {
                lottery: "euromillions".into(),
                date: "2026-12-01".into(),
                format: Some(tombola()),
                draw_at: None,
            },
            &["registry", "give neither \"format\" nor \"draw_at\""],
        ),
        (
            SourceSpec::Lottery {
                lottery: "fr-loto".into(),
                date: "2026-12-02".into(),
                format: None,
                draw_at: Some("2026-12-02T19:15:00Z".into()),
            },
            &["Loto (France)", "give neither"],
        ),
        (
            euromillions("2026-12-02"),
            &[
                "2026-12-02 is a Wednesday",
                "EuroMillions draws only on Tuesday and Friday",
            ],
        ),
        (
            euromillions("2016-09-23"),
            &["only since 2016-09-27", "2016-09-23"],
        ),
        (euromillions("2026-12-1"), &["\"2026-12-1\"", "YYYY-MM-DD"]),
        (euromillions("2026-02-29"), &["\"2026-02-29\""]),
        (
            SourceSpec::Lottery {
                lottery: "Tombola".into(),
                date: "2026-12-01".into(),
                format: Some(tombola()),
                draw_at: None,
            },
            &["\"Tombola\" is not in the lottery registry"],
        ),
        (
            declared("Tombola", tombola(), "2026-12-01 18:00:00"),
            &["draw_at \"2026-12-01 18:00:00\"", "YYYY-MM-DDTHH:MM:SSZ"],
        ),
        (
            SourceSpec::Lottery {
                lottery: "Tombola".into(),
                date: "1 December 2026".into(),
                format: Some(tombola()),
                draw_at: Some("2026-12-01T18:00:00Z".into()),
            },
            &["\"1 December 2026\"", "YYYY-MM-DD"],
        ),
    ];
    for (source, words) in cases {
        let mut all = vec!["randomness recipe", "recipe source 1"];
        all.extend_from_slice(words);
        expect(draw_revealed(vec![source], vec![]), "InvalidRecipe", &all);
    }
}

#[test]
fn bad_lottery_formats() {
    let with = |f: &dyn Fn(&mut LotteryFormat)| {
        let mut format = tombola();
        f(&mut format);
        draw_revealed(
            vec![declared("Tombola", format, "2026-12-01T18:00:00Z")],
            vec![],
        )
    };
    type Case<'a> = (&'a dyn Fn(&mut LotteryFormat), &'a [&'a str]);
    let cases: Vec<Case> = vec![
        (
            &|f| f.main.count = 0,
            &["\"numbers\" draws 0 numbers", "1 to 64"],
        ),
        (
            &|f| f.main = group("numbers", 65, 1, 90),
            &["draws 65 numbers"],
        ),
        (
            &|f| f.bonus[0].min = 11,
            &["\"bonus\" has min 11 above max 10"],
        ),
        (
            &|f| f.bonus[0].count = 11,
            &["draws 11 different numbers from 1 to 10", "holds only 10"],
        ),
        (
            &|f| f.bonus = (0..9).map(|i| group(&format!("b{i}"), 1, 1, 10)).collect(),
            &["9 bonus groups", "at most 8"],
        ),
        (
            &|f| f.main.from_main_drum = true,
            &["main group", "main drum"],
        ),
        (
            &|f| f.bonus[0].from_main_drum = true,
            &["main drum", "main range 1 to 90, not 1 to 10"],
        ),
        (
            &|f| {
                f.main = group("numbers", 9, 1, 10);
                f.bonus[0] = NumberGroup {
                    from_main_drum: true,
                    ..group("bonus", 2, 1, 10)
                };
            },
            &[
                "2 more numbers from the main drum after 9 main numbers",
                "holds only 10",
            ],
        ),
    ];
    for (change, words) in cases {
        let mut all = vec!["recipe source 1", "the lottery format is impossible"];
        all.extend_from_slice(words);
        expect(with(change), "InvalidRecipe", &all);
    }
    // Accepted formats (the empty reveal is what fails then): a bonus ball drawn from the
    // main drum after the main numbers (UK Lotto), and 8 bonus groups.
    for change in [
        &(|f: &mut LotteryFormat| {
            f.main = group("numbers", 6, 1, 59);
            f.bonus[0] = NumberGroup {
                from_main_drum: true,
                ..group("bonus ball", 1, 1, 59)
            };
        }) as &dyn Fn(&mut LotteryFormat),
        &|f| f.bonus = (0..8).map(|i| group(&format!("b{i}"), 1, 1, 10)).collect(),
    ] {
        expect(with(change), "InvalidReveal", &["0 sources"]);
    }
}

#[test]
fn announcement_missing() {
    let mut m = manifest();
    m.announced_at = None;
    m.randomness = Some(Recipe {
        sources: vec![
            SourceSpec::Hex { label: "x".into() },
            euromillions("2026-12-01"),
        ],
        fallback: Fallback::NextValue,
    });
    expect(
        m.validate(),
        "AnnouncementMissing",
        &["announced_at is missing", "drand round or a lottery draw"],
    );
    let mut timed = vec![declared("Tombola", tombola(), "2026-12-01T18:00:00Z")];
    if cfg!(feature = "drand") {
        timed.push(SourceSpec::Drand {
            chain: chain(QUICKNET),
            round: 1_000,
        });
    }
    for source in timed {
        m.randomness = Some(Recipe {
            sources: vec![source],
            fallback: Fallback::NextValue,
        });
        expect(m.validate(), "AnnouncementMissing", &["announced_at"]);
    }
    // Hex values and dice have no time a program can know: no announcement is needed.
    m.randomness = Some(Recipe {
        sources: vec![
            SourceSpec::Hex { label: "x".into() },
            SourceSpec::Dice {
                count: 2,
                faces: 6,
                witnesses: "w".into(),
            },
        ],
        fallback: Fallback::NextValue,
    });
    m.validate().expect("no timed source");
}

#[test]
fn bad_reveals() {
    let none = Reveal { sources: vec![] };
    expect(
        draw(&manifest(), &records(), &none),
        "InvalidReveal",
        &["reveal", "0 sources"],
    );
    let many = Reveal {
        sources: vec![SourceValue::Hex { value: vec![1] }; 17],
    };
    expect(
        draw(&manifest(), &records(), &many),
        "InvalidReveal",
        &["17 sources"],
    );
    let one = |source: SourceValue| Reveal {
        sources: vec![source],
    };
    for (value, words) in [(vec![], "0 bytes"), (vec![7; 1025], "1025 bytes")] {
        expect(
            draw(&manifest(), &records(), &one(SourceValue::Hex { value })),
            "InvalidReveal",
            &["source 1", words],
        );
    }
    let forty: Vec<u32> = (1..=65).collect();
    let cases: Vec<(SourceValue, &[&str])> = vec![
        (
            lottery_value("Loto", &[], &[]),
            &["0 main numbers", "1 to 64"],
        ),
        (lottery_value("Loto", &forty, &[]), &["65 main numbers"]),
        (
            lottery_value("Loto", &[1], &[&[1][..]; 9]),
            &["9 bonus groups", "at most 8"],
        ),
        (
            lottery_value("Loto", &[1], &[&[1], &[]]),
            &["a bonus group of 0 numbers"],
        ),
        (
            lottery_value("Loto", &[1], &[&forty]),
            &["a bonus group of 65 numbers"],
        ),
        // A registry lottery's numbers must fit its format, even without a recipe.
        (
            lottery_value("euromillions", &[0, 18, 28, 40, 48], &[&[3, 9]]),
            &["the number 0 of the group \"numbers\"", "range of 1 to 50"],
        ),
        (
            lottery_value("euromillions", &[7, 18, 28, 40, 51], &[&[3, 9]]),
            &["the number 51"],
        ),
        (
            lottery_value("euromillions", &[7, 18, 28, 40], &[&[3, 9]]),
            &["\"numbers\" holds 4 numbers", "exactly 5"],
        ),
        (
            lottery_value("euromillions", &[7, 18, 28, 40, 7], &[&[3, 9]]),
            &["the number 7 appears twice"],
        ),
        (
            lottery_value("euromillions", &[7, 18, 28, 40, 48], &[&[3, 13]]),
            &["the number 13 of the group \"stars\"", "1 to 12"],
        ),
        (
            lottery_value("euromillions", &[7, 18, 28, 40, 48], &[]),
            &["gives 0 bonus groups", "exactly 1"],
        ),
        (
            lottery_value("uk-lotto", &[1, 2, 3, 4, 5, 6], &[&[6]]),
            &["the number 6 of the group \"bonus ball\" is also a main number"],
        ),
        (SourceValue::Dice { values: vec![] }, &["0 dice values"]),
        (
            SourceValue::Dice {
                values: vec![1; 1001],
            },
            &["1001 dice values"],
        ),
        (
            SourceValue::Drand {
                chain: chain(QUICKNET),
                round: 42,
                signature: vec![1; 48],
                previous_signature: None,
                randomness: Some(Digest::from_array([0; 32])),
            },
            &["drand randomness", "not SHA-256 of the signature"],
        ),
    ];
    for (value, words) in cases {
        let mut all = vec!["reveal", "source 1"];
        all.extend_from_slice(words);
        expect(
            draw(&manifest(), &records(), &one(value)),
            "InvalidReveal",
            &all,
        );
    }
    // Numbers that fit: any numbers for a lottery outside the registry, without a recipe.
    draw(
        &manifest(),
        &records(),
        &one(lottery_value("Loto", &[0, u32::MAX, 0], &[&[0]])),
    )
    .expect("an uncommitted lottery outside the registry");
}

#[test]
fn published_lottery_results() {
    let p = PublishedLottery::parse("euromillions@2026-12-04=7,18,28,40,48+3,9").expect("parses");
    assert_eq!(p.main, [7, 18, 28, 40, 48]);
    assert_eq!(p.bonus, [vec![3, 9]]);
    for bad in [
        "euromillions 2026-12-04 7,18",
        "euromillions@2026-12-04",
        "euromillions@2026-12-04=7,-1",
        "euromillions@2026-12-04=7,18+",
        "euromillions@2026-12-04=4294967296",
    ] {
        expect(
            PublishedLottery::parse(bad),
            "InvalidReveal",
            &["published lottery result", "LOTTERY@YYYY-MM-DD=MAIN+BONUS"],
        );
    }
}

#[test]
fn reveal_recipe_mismatch_of_each_kind() {
    let hex = || SourceSpec::Hex { label: "x".into() };
    let drand = |chain, round| SourceValue::Drand {
        chain,
        round,
        signature: vec![1; 48],
        previous_signature: None,
        randomness: None,
    };
    let lottery = || euromillions("2026-12-01");
    let dice = || SourceSpec::Dice {
        count: 3,
        faces: 6,
        witnesses: "the mayor".into(),
    };
    let (quicknet, mainnet) = (chain(QUICKNET), chain(MAINNET));
    let mut cases: Vec<(Vec<SourceSpec>, Vec<SourceValue>, &[&str])> = vec![
        (
            vec![hex(), hex()],
            vec![SourceValue::Hex { value: vec![1] }],
            &["the recipe has 2 sources but the reveal gives 1"],
        ),
        (
            vec![hex()],
            vec![SourceValue::Hex { value: vec![1] }; 2],
            &["the recipe has 1 sources but the reveal gives 2"],
        ),
        (
            vec![hex()],
            vec![lottery_value("Loto", &[1], &[])],
            &["source 1", "hex source", "lottery"],
        ),
        (
            vec![lottery()],
            vec![SourceValue::Dice { values: vec![1] }],
            &["source 1", "lottery source", "dice"],
        ),
        (
            vec![hex(), dice()],
            vec![SourceValue::Hex { value: vec![1] }, drand(quicknet, 1)],
            &["source 2", "dice source", "drand"],
        ),
        (
            vec![lottery()],
            vec![lottery_value("fr-loto", &[1, 2, 3, 4, 5], &[&[6]])],
            &["source 1", "\"fr-loto\"", "\"euromillions\""],
        ),
        (
            vec![dice()],
            vec![SourceValue::Dice { values: vec![1, 2] }],
            &["source 1", "2 dice values given, 3 committed"],
        ),
        (
            vec![dice()],
            vec![SourceValue::Dice {
                values: vec![1, 0, 2],
            }],
            &["die value 0", "between 1 and 6"],
        ),
        (
            vec![dice()],
            vec![SourceValue::Dice {
                values: vec![1, 7, 2],
            }],
            &["die value 7", "between 1 and 6"],
        ),
    ];
    if cfg!(feature = "drand") {
        cases.push((
            vec![SourceSpec::Drand {
                chain: quicknet,
                round: 5,
            }],
            vec![drand(mainnet, 5)],
            &["source 1", "drand chain"],
        ));
        cases.push((
            vec![SourceSpec::Drand {
                chain: quicknet,
                round: 5,
            }],
            vec![drand(quicknet, 6)],
            &["source 1", "round 6", "round 5"],
        ));
    }
    for (recipe, reveal, words) in cases {
        let mut all = vec!["the reveal does not match the committed recipe"];
        all.extend_from_slice(words);
        expect(draw_revealed(recipe, reveal), "RevealMismatch", &all);
    }
    // Numbers that do not fit the committed format are an invalid reveal.
    let tombola_source = || declared("Tombola", tombola(), "2026-12-01T18:00:00Z");
    for (main, bonus, words) in [
        (&[1, 2, 91][..], &[&[3][..]][..], "the number 91"),
        (&[1, 2, 3], &[], "gives 0 bonus groups"),
        (&[1, 2], &[&[3]], "holds 2 numbers"),
    ] {
        expect(
            draw_revealed(
                vec![tombola_source()],
                vec![lottery_value("Tombola", main, bonus)],
            ),
            "InvalidReveal",
            &["source 1", words],
        );
    }
    // Matching reveals of every kind but drand are accepted, in any published order.
    draw_revealed(
        vec![hex(), lottery(), dice(), tombola_source()],
        vec![
            SourceValue::Hex { value: vec![1] },
            lottery_value("euromillions", &[48, 7, 18, 28, 40], &[&[11, 8]]),
            SourceValue::Dice {
                values: vec![6, 1, 3],
            },
            lottery_value("Tombola", &[90, 1, 45], &[&[10]]),
        ],
    )
    .expect("matching reveal");
}

#[test]
fn drand_source_that_cannot_be_checked() {
    // A chain that is not a known network: refused in a recipe (its rounds have no known
    // time), and in a reveal without a recipe (its signature cannot be checked). Never a
    // silent skip.
    let unknown = Digest::from_array([0x11; 32]);
    let reveal = SourceValue::Drand {
        chain: unknown,
        round: 5,
        signature: vec![1; 48],
        previous_signature: None,
        randomness: None,
    };
    expect(
        draw_revealed(
            vec![SourceSpec::Drand {
                chain: unknown,
                round: 5,
            }],
            vec![reveal.clone()],
        ),
        "InvalidRecipe",
        &["drand chain", "not a network this verifier knows"],
    );
    expect(
        draw(
            &manifest(),
            &records(),
            &Reveal {
                sources: vec![reveal],
            },
        ),
        "DrandSignature",
        &["drand", "chain"],
    );
}

#[cfg(not(feature = "drand"))]
#[test]
fn drand_without_support() {
    let reveal = SourceValue::Drand {
        chain: chain(QUICKNET),
        round: 5,
        signature: vec![1; 48],
        previous_signature: None,
        randomness: None,
    };
    expect(
        draw(
            &manifest(),
            &records(),
            &Reveal {
                sources: vec![reveal],
            },
        ),
        "DrandSignature",
        &["drand", "round 5", "no drand support"],
    );
}

#[cfg(feature = "drand")]
#[test]
fn drand_bad_signature() {
    let quicknet = chain(QUICKNET);
    for signature in [vec![1; 48], vec![], vec![0; 96]] {
        let reveal = SourceValue::Drand {
            chain: quicknet,
            round: 5,
            signature,
            previous_signature: None,
            randomness: None,
        };
        expect(
            draw_revealed(
                vec![SourceSpec::Drand {
                    chain: quicknet,
                    round: 5,
                }],
                vec![reveal.clone()],
            ),
            "DrandSignature",
            &["drand"],
        );
        // Without a recipe, the signature is still checked.
        expect(
            draw(
                &manifest(),
                &records(),
                &Reveal {
                    sources: vec![reveal],
                },
            ),
            "DrandSignature",
            &["drand"],
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Methods (SPEC.md 9)
// ---------------------------------------------------------------------------------------------

fn stratified(feature: &str, allocation: Allocation) -> Method {
    Method::Stratified {
        feature: feature.into(),
        allocation,
    }
}

#[test]
fn explicit_allocation_errors() {
    expect(
        draw_with(|m| m.method = stratified("gender", Allocation::Explicit { counts: vec![4] })),
        "InvalidAllocation",
        &[
            "stratified allocation",
            "1 counts given for 2 values of \"gender\"",
        ],
    );
    expect(
        draw_with(|m| m.method = stratified("gender", Allocation::Explicit { counts: vec![2, 1] })),
        "InvalidAllocation",
        &["add up to 3", "panel size 4"],
    );
    expect(
        draw_with(|m| {
            m.panel_size = 5;
            m.method = stratified("gender", Allocation::Explicit { counts: vec![5, 0] });
        }),
        "AllocationExceedsStratum",
        &["\"woman\"", "5 seats", "only 4 people"],
    );
}

#[test]
fn unknown_stratified_feature() {
    expect(
        draw_with(|m| m.method = stratified("income", Allocation::LargestRemainder)),
        "UnknownFeature",
        &["\"income\""],
    );
}

#[test]
fn bad_method_parameters() {
    for a in [0, 1001, u32::MAX] {
        expect(
            draw_with(|m| m.method = Method::Greedy { max_attempts: a }),
            "InvalidMethod",
            &["method", "max_attempts", &a.to_string()],
        );
    }
    expect(
        draw_with(|m| m.method = Method::Lottery { portfolio: vec![] }),
        "InvalidMethod",
        &["portfolio has 0 panels"],
    );
    let mut m = manifest();
    m.method = Method::Rfc3797;
    m.features = vec![];
    m.pool.count = 70_000;
    m.panel_size = 65_000;
    m.alternates = 600;
    expect(
        m.validate(),
        "InvalidMethod",
        &["rfc3797", "65,536", "65600"],
    );
}

#[test]
fn invalid_portfolio_panels() {
    let recs = records();
    // t0..t7: women are even, young are 0..4; households h0 = {t0, t1}, h1 = {t2, t3}.
    let cases: Vec<(Vec<u32>, bool, &[&str])> = vec![
        (vec![0, 1, 2], false, &["3 people", "panel size is 4"]),
        (vec![0, 1, 2, 3, 4], false, &["5 people"]),
        (vec![0, 1, 2, 8], false, &["person 8 does not exist"]),
        (vec![1, 0, 2, 3], false, &["not strictly increasing"]),
        (vec![0, 1, 1, 2], false, &["not strictly increasing"]),
        (
            vec![0, 2, 4, 6],
            false,
            &["breaks the quota gender=woman", "above the maximum 3"],
        ),
        (
            vec![0, 1, 4, 5],
            true,
            &["people 0 and 1 share a household"],
        ),
    ];
    for (bad, rule, words) in cases {
        let recs = if rule {
            records_with_households()
        } else {
            recs.clone()
        };
        let good = vec![0, 3, 4, 7];
        let mut m = manifest_for(
            &recs,
            Method::Lottery {
                portfolio: vec![good, bad.clone()],
            },
        );
        m.household_rule = rule;
        let mut all = vec!["panel 1 of the portfolio"];
        all.extend_from_slice(words);
        expect(draw(&m, &recs, &hex_reveal()), "InvalidPortfolio", &all);
        expect(check_committed(&m, &recs), "InvalidPortfolio", &all);
        let pool = ResolvedPool::new(&m.features, &recs).expect("pool");
        expect(
            check_portfolio(&[bad], &m.features, &pool, 4, rule),
            "InvalidPortfolio",
            &["panel 0"],
        );
    }
}

#[test]
fn greedy_draw_failed() {
    // Two "rare" people are required but the pool has only one.
    let mut recs = records();
    for r in &mut recs {
        r.values
            .push(if r.ticket == "t0" { "rare" } else { "common" }.into());
    }
    let mut m = manifest_for(&recs, Method::Greedy { max_attempts: 5 });
    m.features.push(Feature {
        name: "rarity".into(),
        values: vec![q("rare", 2, 2), q("common", 0, 4)],
    });
    expect(
        draw(&m, &recs, &hex_reveal()),
        "DrawFailed",
        &["greedy", "5 attempts"],
    );
    // Under the household rule, k = 4 from 2 households plus 4 singles cannot meet
    // woman = 3 and young >= 3: young people are in only 2 households.
    let mut m = manifest_for(
        &records_with_households(),
        Method::Greedy { max_attempts: 20 },
    );
    m.household_rule = true;
    m.features[1].values = vec![q("young", 3, 4), q("old", 0, 4)];
    expect(
        draw(&m, &records_with_households(), &hex_reveal()),
        "DrawFailed",
        &["20 attempts"],
    );
}

// ---------------------------------------------------------------------------------------------
// Replacement (SPEC.md 10.2)
// ---------------------------------------------------------------------------------------------

#[test]
fn replacement_errors() {
    let b = draw(&manifest(), &records(), &hex_reveal()).expect("bundle");
    expect(
        replace(&b, &["nobody".into()]),
        "UnknownTicket",
        &["\"nobody\"", "not in the committed pool"],
    );
    let first = b.result.selected[0].clone();
    expect(
        replace(&b, &[first.clone(), first.clone()]),
        "DuplicateTicket",
        &[&format!("\"{first}\"")],
    );
    let mut bad = b.clone();
    bad.seed = Digest::from_array([0; 32]);
    expect(
        replace(&bad, &[first]),
        "DrawFailed",
        &["does not verify", "seed"],
    );
    replace(&b, &[]).expect("nobody dropped out");
}

// ---------------------------------------------------------------------------------------------
// JSON and hex
// ---------------------------------------------------------------------------------------------

#[test]
fn json_unknown_fields() {
    let m = manifest().to_json().expect("json");
    let with = |json: &str, field: &str| json.replacen('{', &format!("{{\"{field}\": 1,"), 1);
    expect(
        Manifest::from_json(&with(&m, "colour")),
        "Json",
        &["manifest", "unknown field `colour`"],
    );
    let b = draw(&manifest(), &records(), &hex_reveal())
        .expect("bundle")
        .to_json()
        .expect("json");
    expect(
        Bundle::from_json(&with(&b, "signature")),
        "Json",
        &["bundle", "unknown field `signature`"],
    );
    expect(
        Reveal::from_json(r#"{"sources": [{"kind": "hex", "value": "01", "label": "x"}]}"#),
        "Json",
        &["reveal", "unknown field `label`"],
    );
    expect(
        Reveal::from_json(r#"{"sources": [{"kind": "coin", "value": "01"}]}"#),
        "Json",
        &["reveal", "unknown variant `coin`"],
    );
    expect(
        PoolFile::from_json(
            r#"{"spec": "kleroterion/v2", "records": [{"ticket": "a", "values": [], "age": 3}]}"#,
        ),
        "Json",
        &["pool", "unknown field `age`"],
    );
    expect(
        Receipt::from_json(r#"{"format": "kleroterion-receipt", "x": 1}"#),
        "Json",
        &["receipt", "unknown field `x`"],
    );
}

#[test]
fn json_syntax_and_type_errors() {
    expect(
        Manifest::from_json("{\"spec\": \"kleroterion/v2\",\n"),
        "Json",
        &["manifest", "line 2"],
    );
    expect(Bundle::from_json("[1, 2"), "Json", &["bundle", "line 1"]);
    expect(
        Reveal::from_json("{\"sources\": [}"),
        "Json",
        &["reveal", "column"],
    );
    expect(PoolFile::from_json(""), "Json", &["pool", "EOF"]);
    let m = manifest().to_json().expect("json");
    expect(
        Manifest::from_json(&m.replace("\"panel_size\": 4", "\"panel_size\": -4")),
        "Json",
        &["manifest", "-4"],
    );
    expect(
        Manifest::from_json(&m.replace("\"panel_size\": 4", "\"panel_size\": \"4\"")),
        "Json",
        &["manifest"],
    );
    let root = manifest().pool.root.to_hex();
    expect(
        Manifest::from_json(&m.replace(&root, "00")),
        "Json",
        &["manifest", "hexadecimal"],
    );
    for (numbers, words) in [
        ("[-3]", &["reveal", "-3"][..]),
        ("[\"1e5\"]", &["reveal", "\"1e5\""]),
        ("[\"7\"]", &["reveal", "\"7\""]),
        ("[4294967296]", &["reveal", "4294967296"]),
        ("[1.5]", &["reveal", "1.5"]),
    ] {
        expect(
            Reveal::from_json(&format!(
                r#"{{"sources": [{{"kind": "lottery", "lottery": "Loto", "main": {numbers}}}]}}"#
            )),
            "Json",
            words,
        );
    }
    // The version 1 shape of a lottery value (name and numbers as text) is not read.
    expect(
        Reveal::from_json(
            r#"{"sources": [{"kind": "lottery", "name": "Loto", "numbers": ["1"]}]}"#,
        ),
        "Json",
        &["reveal", "unknown field `name`"],
    );
    let ok = Reveal::from_json(
        r#"{"sources": [{"kind": "lottery", "lottery": "Loto", "main": [4294967295]}]}"#,
    )
    .expect("bonus may be absent");
    assert_eq!(
        ok.sources[0],
        lottery_value("Loto", &[u32::MAX], &[]),
        "no bonus group"
    );
    expect(
        Reveal::from_json(r#"{"sources": [{"kind": "hex", "value": "0g"}]}"#),
        "Json",
        &["reveal", "hex"],
    );
}

/// The fallback is a closed rule: free text, including "the latest value", is refused when
/// the manifest is read (SPEC.md section 6.1).
#[test]
fn json_fallback_and_purpose() {
    let mut m = manifest();
    m.randomness = Some(Recipe {
        sources: vec![SourceSpec::Hex { label: "x".into() }],
        fallback: Fallback::NextValue,
    });
    let json = m.to_json().expect("json");
    assert!(json.contains("\"fallback\": \"next_value\""), "{json}");
    assert_eq!(Manifest::from_json(&json).expect("reads back"), m);
    // Any other rule is read as written, and refused by the recipe's rules (SPEC.md 6.1).
    for rule in [
        "the latest value",
        "latest_value",
        "latest value",
        "the first later value of the same source",
        "none",
        "",
        "NextValue",
        "next_value ",
    ] {
        let other = Manifest::from_json(&json.replace("\"next_value\"", &format!("\"{rule}\"")))
            .expect("a text fallback is read");
        assert_eq!(
            other.randomness.as_ref().map(|r| &r.fallback),
            Some(&Fallback::Unsupported(rule.into()))
        );
        expect(
            other.validate(),
            "InvalidRecipe",
            &[
                "randomness recipe",
                "fallback rule",
                "next_value",
                "SPEC.md section 6.1",
            ],
        );
        expect(
            draw(&other, &records(), &hex_reveal()),
            "InvalidRecipe",
            &["fallback rule"],
        );
    }
    for not_text in [
        "1",
        "null",
        "[\"next_value\"]",
        "{\"rule\": \"next_value\"}",
    ] {
        expect(
            Manifest::from_json(&json.replace("\"next_value\"", not_text)),
            "Json",
            &["manifest"],
        );
    }
    // The fallback's text is escaped in the message.
    let e = Manifest::from_json(&json.replace("\"next_value\"", "\"\\u001b[2J\""))
        .expect("a text fallback is read")
        .validate()
        .expect_err("an escape sequence");
    assert_eq!(e.kind(), "InvalidRecipe");
    assert!(!e.to_string().contains('\u{1b}'), "{e}");

    // purpose: official by default, rehearsal and replay, nothing else.
    assert!(json.contains("\"purpose\": \"official\""), "{json}");
    let without: String = json.replace(",\n  \"purpose\": \"official\"", "");
    assert!(!without.contains("purpose"), "{without}");
    assert_eq!(
        Manifest::from_json(&without)
            .expect("purpose may be absent")
            .purpose,
        Purpose::Official
    );
    for (text, purpose) in [
        ("rehearsal", Purpose::Rehearsal),
        ("replay", Purpose::Replay),
    ] {
        let other = Manifest::from_json(&json.replace("\"official\"", &format!("\"{text}\"")))
            .expect("a purpose");
        assert_eq!(other.purpose, purpose);
        assert_ne!(other.commitment().expect("c"), m.commitment().expect("c"));
    }
    for bad in ["\"test\"", "\"Official\"", "0", "null"] {
        expect(
            Manifest::from_json(&json.replace("\"official\"", bad)),
            "Json",
            &["manifest"],
        );
    }
}

/// A bundle of another protocol version is refused for its version (`UnsupportedSpec` at the
/// format step), even when its shape cannot be read as a bundle of this version.
#[test]
fn bundles_of_other_versions() {
    let json = draw(&manifest(), &records(), &hex_reveal())
        .expect("bundle")
        .to_json()
        .expect("json");
    let published = kleroterion::Published::default();
    // Version 1 bundles wrote lottery values as {"name", "numbers"}: not readable as version 2.
    let v1 = json.replace("kleroterion/v2", "kleroterion/v1").replacen(
        "\"seed\":",
        "\"old_field\": 1,\n  \"seed\":",
        1,
    );
    assert!(Bundle::from_json(&v1).is_err());
    for (text, found) in [
        (v1.as_str(), "kleroterion/v1"),
        (
            &json.replace("kleroterion/v2", "kleroterion/v3"),
            "kleroterion/v3",
        ),
    ] {
        let r = kleroterion::verify_json(text, &published, &[]);
        assert_eq!(r.failed_step(), Some(kleroterion::StepId::Format));
        assert_eq!(
            r.error_kind.map(kleroterion::ErrorKind::as_str),
            Some("UnsupportedSpec"),
            "{:?}",
            r.error
        );
        assert!(r.error.as_deref().is_some_and(|e| e.contains(found)));
        assert!(r.by_hand.is_empty());
    }
    // Not a bundle at all, or a bundle of this version that does not parse: unreadable.
    for text in [
        "[]".to_string(),
        json.replace("kleroterion-bundle", "kleroterion-receipt")
            .replacen("\"seed\":", "\"old_field\": 1,\n  \"seed\":", 1),
        json.replacen("\"seed\":", "\"old_field\": 1,\n  \"seed\":", 1),
    ] {
        let r = kleroterion::verify_json(&text, &published, &[]);
        assert_eq!(
            r.error_kind.map(kleroterion::ErrorKind::as_str),
            Some("UnreadableBundle"),
            "{:?}",
            r.error
        );
    }
}

#[test]
fn bad_hex() {
    expect(
        Digest::from_hex("xyz", "commitment"),
        "InvalidHex",
        &["commitment"],
    );
    expect(
        Digest::from_hex("00", "seed"),
        "InvalidHex",
        &["seed", "expected length"],
    );
    expect(
        Digest::from_hex(&"0".repeat(65), "root"),
        "InvalidHex",
        &["root"],
    );
    expect(
        kleroterion::digest::from_hex("abc", "value"),
        "InvalidHex",
        &["value"],
    );
    expect(
        kleroterion::digest::from_hex("é1", "value"),
        "InvalidHex",
        &["value"],
    );
}

// ---------------------------------------------------------------------------------------------
// Nothing panics
// ---------------------------------------------------------------------------------------------

/// Regression test for a panic: the rfc3797 pick count was once `panel_size + alternates`
/// in `u32`, which overflowed when `alternates` is near `u32::MAX`; it is now
/// `panel_size + min(alternates, pool_count - panel_size)` (SPEC.md section 9.5).
#[test]
fn rfc3797_with_huge_alternates_does_not_panic() {
    let mut m = manifest();
    m.method = Method::Rfc3797;
    m.alternates = u32::MAX;
    let b = draw(&m, &records(), &hex_reveal()).expect("a valid draw: all 4 others are alternates");
    assert_eq!(b.result.alternates.len(), 4);
}

fn honest_bundle_json(method: Method, household_rule: bool) -> String {
    let records = if household_rule {
        records_with_households()
    } else {
        records()
    };
    let mut m = manifest_for(&records, method);
    m.household_rule = household_rule;
    m.randomness = Some(Recipe {
        sources: vec![SourceSpec::Hex { label: "x".into() }],
        fallback: Fallback::NextValue,
    });
    draw(&m, &records, &hex_reveal())
        .expect("honest bundle")
        .to_json()
        .expect("json")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Random byte changes of a bundle's JSON: reading, verifying and replacing never panic.
    #[test]
    fn mutated_bundle_json_never_panics(
        which in 0usize..4,
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let json = match which {
            0 => honest_bundle_json(Method::Uniform, false),
            1 => honest_bundle_json(Method::Greedy { max_attempts: 10 }, true),
            2 => honest_bundle_json(Method::Lottery { portfolio: vec![vec![0, 3, 4, 7], vec![1, 2, 5, 6]] }, true),
            _ => honest_bundle_json(Method::Rfc3797, false),
        };
        let mut bytes = json.into_bytes();
        for (at, b) in edits {
            let i = at.index(bytes.len());
            // Printable ASCII keeps most edits inside the JSON grammar, where they go further.
            bytes[i] = b' ' + b % 95;
        }
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(b) = Bundle::from_json(&text) {
            let report = verify(&b);
            prop_assert_eq!(report.valid, report.error.is_none());
            if let Some(t) = b.result.selected.first() {
                let _ = replace(&b, std::slice::from_ref(t));
            }
        }
    }

    /// Random manifest numbers (quotas, sizes, method parameters): drawing never panics.
    #[test]
    fn random_manifest_numbers_never_panic(
        k in 0u32..=10,
        alternates in 0u32..=20,
        quotas in prop::collection::vec((0u32..=5, 0u32..=6), 4),
        method in 0u8..6,
        attempts in 0u32..=3,
        rule in any::<bool>(),
        big in any::<u32>(),
    ) {
        let mut m = manifest();
        m.panel_size = k;
        m.alternates = alternates;
        m.household_rule = rule;
        for (i, (min, max)) in quotas.into_iter().enumerate() {
            m.features[i / 2].values[i % 2].min = min;
            m.features[i / 2].values[i % 2].max = max;
        }
        m.method = match method {
            0 => Method::Uniform,
            1 => stratified("age", Allocation::SainteLague),
            2 => stratified("gender", Allocation::Explicit { counts: vec![k / 2, k - k / 2] }),
            3 => Method::Greedy { max_attempts: attempts },
            4 => Method::Lottery { portfolio: vec![vec![0, 3, 4, 7], vec![big % 9, 2, 5, 6]] },
            _ => Method::Rfc3797,
        };
        if let Ok(b) = draw(&m, &records(), &hex_reveal()) {
            prop_assert!(verify(&b).valid);
            let _ = replace(&b, &b.result.selected);
        }
        // Numbers far out of range are refused, not overflowed.
        m.panel_size = big;
        m.features[0].values[0].max = big;
        let _ = draw(&m, &records(), &hex_reveal());
    }
}
