//! Known answers from the RFCs and FIPS behind the protocol's primitives (SPEC.md section 18):
//! ChaCha20 (RFC 8439 appendix A.1) through our stream, the RFC 3797 worked example, SHA-256
//! (FIPS 180-2) and MD5 (RFC 1321). An upgrade of a dependency that changed any of these bytes
//! would change protocol outputs, so it must fail here first.

use kleroterion::digest::{from_hex, to_hex};
use kleroterion::encoding::sha256;
use kleroterion::methods::rfc3797::{MAX_PICKS, key_of_sources, pick_count, picks, picks_detailed};
use kleroterion::public_lottery::{LotteryFormat, NumberGroup};
use kleroterion::published::Subject;
use kleroterion::stream::Stream;
use kleroterion::{
    Digest, Fallback, Manifest, Method, PoolCommitment, Published, Purpose, Recipe, Record, Reveal,
    SourceSpec, SourceValue, StepId, Verdict, draw, verify, verify_with,
};

/// RFC 8439 appendix A.1, ChaCha20 block function test vectors #1 to #4: the key, the initial
/// block counter and the 64-byte keystream block. The nonce is zero in all four. The bytes are
/// those of the independent Python reference (`tests/reference/test_reference.py`, typed from
/// the RFC and checked against another ChaCha20 implementation).
const RFC8439_A1: [(&str, u32, &str); 4] = [
    (
        "0000000000000000000000000000000000000000000000000000000000000000",
        0,
        "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7\
         da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586",
    ),
    (
        "0000000000000000000000000000000000000000000000000000000000000000",
        1,
        "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed\
         29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f",
    ),
    (
        "0000000000000000000000000000000000000000000000000000000000000001",
        1,
        "3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a\
         8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0",
    ),
    (
        "00ff000000000000000000000000000000000000000000000000000000000000",
        2,
        "72d54dfbf12ec44b362692df94137f328fea8da73990265ec1bbbea1ae9af0ca\
         13b25aa26cb4a648cb9b9d1be65b2c0924a66c54d545ec1b7374f4872e99f096",
    ),
];

fn key(hex: &str) -> Digest {
    Digest::from_hex(hex, "key").expect("a 32-byte test key")
}

/// The keystream block as 16 little-endian 32-bit words.
fn block_words(hex: &str) -> Vec<u32> {
    let bytes = from_hex(hex, "block").expect("a hex block");
    assert_eq!(bytes.len(), 64);
    bytes
        .chunks_exact(4)
        .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
        .collect()
}

#[test]
fn chacha20_keystream_rfc8439_appendix_a1() {
    for (i, (k, counter, block)) in RFC8439_A1.iter().enumerate() {
        // Our stream starts at block counter 0: skip `counter` blocks of 16 words.
        let mut s = Stream::from_key(&key(k));
        for _ in 0..16 * counter {
            s.next_u32();
        }
        let got: Vec<u32> = (0..16).map(|_| s.next_u32()).collect();
        assert_eq!(
            got,
            block_words(block),
            "RFC 8439 A.1 test vector #{}",
            i + 1
        );
    }
}

#[test]
fn chacha20_next_u64_is_lo_then_hi() {
    for (i, (k, counter, block)) in RFC8439_A1.iter().enumerate() {
        let mut s = Stream::from_key(&key(k));
        for _ in 0..8 * counter {
            s.next_u64();
        }
        let words = block_words(block);
        for (j, pair) in words.chunks_exact(2).enumerate() {
            let want = u64::from(pair[0]) | (u64::from(pair[1]) << 32);
            assert_eq!(
                s.next_u64(),
                want,
                "test vector #{}, 64-bit draw {j}",
                i + 1
            );
        }
        assert_eq!(s.draws_consumed(), 8 * u64::from(*counter) + 8);
    }
    // The first draw of the zero key, as written in the reference tests.
    assert_eq!(
        Stream::from_key(&key(RFC8439_A1[0].0)).next_u64(),
        0x903D_F1A0_ADE0_B876
    );
}

#[test]
fn chacha20_vector_2_is_the_block_after_vector_1() {
    // #1 and #2 share the key: one stream reads #1 then #2 without a skip.
    let mut s = Stream::from_key(&key(RFC8439_A1[0].0));
    let got: Vec<u32> = (0..32).map(|_| s.next_u32()).collect();
    let mut want = block_words(RFC8439_A1[0].2);
    want.extend(block_words(RFC8439_A1[1].2));
    assert_eq!(got, want);
}

#[test]
fn sha256_fips_180_2() {
    assert_eq!(
        sha256(b"abc").to_hex(),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        sha256(b"").to_hex(),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        sha256(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").to_hex(),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    );
}

#[test]
fn md5_rfc1321() {
    use md5::{Digest as _, Md5};
    let cases = [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        (
            "abcdefghijklmnopqrstuvwxyz",
            "c3fcd3d76192e4007dfb496cca67e13b",
        ),
    ];
    for (input, want) in cases {
        assert_eq!(
            to_hex(&Md5::digest(input.as_bytes())),
            want,
            "MD5({input:?})"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// RFC 3797 section 6, from `tests/data/rfc3797`.
// ---------------------------------------------------------------------------------------------

fn data(name: &str) -> String {
    let path = format!(
        "{}/../../tests/data/rfc3797/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn names() -> Vec<String> {
    data("ref.names")
        .split_whitespace()
        .map(String::from)
        .collect()
}

/// The sources of `ref.seeds`, one line each, `#` lines being comments.
fn seeds() -> Vec<Vec<String>> {
    data("ref.seeds")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split_whitespace().map(String::from).collect())
        .collect()
}

/// `(index, md5 hex, divisor, 1-based pick)` for each line of `ref.results`.
fn results() -> Vec<(u32, String, u32, u32)> {
    data("ref.results")
        .lines()
        .skip(1)
        .filter_map(|l| {
            let l = l.replace("->", " ").replace("<-", " ");
            let p: Vec<&str> = l.split_whitespace().collect();
            (p.len() >= 4).then(|| {
                let num = |s: &str| s.parse::<u32>().expect("a number in ref.results");
                (num(p[0]), p[1].to_ascii_lowercase(), num(p[2]), num(p[3]))
            })
        })
        .collect()
}

/// The numbers of a source of `ref.seeds`.
fn numbers(source: &[String]) -> Vec<u32> {
    source
        .iter()
        .map(|n| n.parse::<u32>().expect("a decimal number in ref.seeds"))
        .collect()
}

/// RFC 3797's three sources, declared as lotteries outside the registry: a four-digit daily
/// number, five numbers of 1 to 35 and six numbers of 1 to 49, each drawn on the evening of
/// 2004-10-01 (a date and times chosen for the test; the RFC's example gives none).
fn rfc_sources() -> Vec<SourceSpec> {
    let group = |name: &str, count: u32, min: u32, max: u32| NumberGroup {
        name: name.into(),
        count,
        min,
        max,
        from_main_drum: false,
    };
    [
        (
            "daily number",
            group("number", 1, 0, 9999),
            "2004-10-01T22:00:00Z",
        ),
        (
            "five of 35",
            group("numbers", 5, 1, 35),
            "2004-10-01T22:30:00Z",
        ),
        (
            "six of 49",
            group("numbers", 6, 1, 49),
            "2004-10-01T23:00:00Z",
        ),
    ]
    .into_iter()
    .map(|(name, main, draw_at)| SourceSpec::Lottery {
        lottery: format!("RFC 3797 example, {name}"),
        date: "2004-10-01".into(),
        format: Some(LotteryFormat {
            main,
            bonus: vec![],
        }),
        draw_at: Some(draw_at.into()),
    })
    .collect()
}

fn rfc_reveal() -> Reveal {
    Reveal {
        sources: seeds()
            .iter()
            .zip(rfc_sources())
            .map(|(nums, spec)| {
                let SourceSpec::Lottery { lottery, .. } = spec else {
                    unreachable!("lottery sources")
                };
                SourceValue::Lottery {
                    lottery,
                    main: numbers(nums),
                    bonus: vec![],
                }
            })
            .collect(),
    }
}

const RFC_KEY: &str = "9319./2.5.8.10.12./9.18.26.34.41.45./";

#[test]
fn rfc3797_data_files() {
    assert_eq!(names().len(), 25);
    assert_eq!(
        seeds(),
        vec![
            vec!["9319"],
            vec!["2", "5", "12", "8", "10"],
            vec!["9", "18", "26", "34", "41", "45"]
        ]
    );
    assert_eq!(results().len(), 16);
}

#[test]
fn rfc3797_key_of_the_worked_example() {
    assert_eq!(rfc_reveal().rfc3797_key(), RFC_KEY);
    // The same numbers as dice give the same key: the canonical string of a source is its
    // numbers sorted, whatever the kind.
    let dice = Reveal {
        sources: seeds()
            .iter()
            .map(|nums| SourceValue::Dice {
                values: numbers(nums),
            })
            .collect(),
    };
    assert_eq!(dice.rfc3797_key(), RFC_KEY);
    assert_eq!(
        kleroterion::reveal::canonical_numbers(&[2, 5, 12, 8, 10]),
        "2.5.8.10.12."
    );
    // Leading zeros are not written (RFC 3797 section 5): 0319 is "319.".
    assert_eq!(kleroterion::reveal::canonical_numbers(&[319]), "319.");
}

#[test]
fn rfc3797_sixteen_picks_with_md5() {
    let want = results();
    let got = picks_detailed(RFC_KEY, 25, 16).expect("16 of 25 picks");
    assert_eq!(got.len(), 16);
    for (p, (idx, md5, div, pick)) in got.iter().zip(&want) {
        assert_eq!(to_hex(&p.md5), *md5, "MD5 of pick {idx}");
        assert_eq!(p.remaining, *div, "divisor of pick {idx}");
        assert_eq!(p.index + 1, *pick, "pick {idx}");
    }
    let names = names();
    let first: Vec<&str> = got
        .iter()
        .take(11)
        .map(|p| names[p.index as usize].as_str())
        .collect();
    assert_eq!(
        first,
        [
            "Lee",
            "Doc",
            "Mary",
            "Charity",
            "Kasczynski",
            "Envy",
            "Sneazy",
            "Anger",
            "Chastity",
            "Pandora",
            "Sloth"
        ]
    );
    assert_eq!(
        picks(RFC_KEY, 25, 16).expect("16 of 25 picks"),
        got.iter().map(|p| p.index).collect::<Vec<_>>()
    );
}

/// The key of the procedure run on its own, from the source texts of `ref.seeds` (RFC 3797
/// section 6's numbers, given unsorted as drawn): the RFC's own key string.
#[test]
fn rfc3797_key_of_the_worked_example_sources() {
    let texts: Vec<String> = seeds().iter().map(|s| s.join(" ")).collect();
    assert_eq!(key_of_sources(&texts).expect("the RFC's sources"), RFC_KEY);
    // Commas, extra spaces and leading zeros do not change it.
    assert_eq!(
        key_of_sources(&["09319", "2,5, 12  8 10", "45 41 34 26 18 9"]).expect("same numbers"),
        RFC_KEY
    );
    for (sources, words) in [
        (vec![], "no random source"),
        (vec!["9319", " , "], "source 2"),
        (vec!["9319", "2 x 5"], "\"x\""),
        (vec!["-1"], "\"-1\""),
    ] {
        let e = key_of_sources(&sources).expect_err(words);
        assert_eq!(e.kind(), "InvalidArgument");
        assert!(e.to_string().starts_with("sources: "), "{e}");
        assert!(e.to_string().contains(words), "{e}");
        assert!(e.to_string().contains("give the numbers drawn"), "{e}");
    }
}

/// RFC 3797 numbers its picks with 2 bytes: 65,536 picks are defined, the next is refused,
/// never wrapped to pick 0 again.
#[test]
fn rfc3797_refuses_more_than_65536_picks() {
    assert_eq!(MAX_PICKS, 65_536);
    assert_eq!(pick_count(70_000, Some(65_536)), Ok(65_536));
    assert_eq!(pick_count(25, None), Ok(25));
    assert_eq!(pick_count(25, Some(40)), Ok(25));
    for (n, count) in [
        (70_000, None),
        (70_000, Some(65_537)),
        (u32::MAX, Some(u32::MAX)),
    ] {
        let e = pick_count(n, count).expect_err("too many picks");
        assert_eq!(e.kind(), "TooManyPicks");
        assert!(e.to_string().contains("65,536 or fewer"), "{e}");
        assert!(e.to_string().starts_with("count: "), "{e}");
    }
    let e = picks_detailed(RFC_KEY, 65_537, 65_537).expect_err("65,537 picks");
    assert_eq!(e, kleroterion::Error::TooManyPicks { asked: 65_537 });
    // Past the number of entries, the count is capped, as before.
    assert_eq!(picks(RFC_KEY, 25, 40).expect("capped").len(), 25);
}

#[test]
fn rfc3797_as_a_full_draw() {
    let records: Vec<Record> = names()
        .into_iter()
        .map(|ticket| Record {
            link: None,
            seal: None,
            ticket,
            values: vec![],
            household: None,
            holder: kleroterion::Digest::from_array([0x5a; 32]),
        })
        .collect();
    let manifest = Manifest::new(
        "RFC 3797 section 6 worked example",
        Method::Rfc3797,
        10,
        vec![],
        PoolCommitment::of(&records).expect("pool commitment"),
    )
    .with_announced_at("2004-09-27T12:00:00Z")
    .with_alternates(6)
    .with_household_rule(false)
    .with_randomness(Recipe {
        sources: rfc_sources(),
        fallback: Fallback::NextValue,
    })
    .with_purpose(Purpose::Official);
    let bundle = draw(&manifest, &records, &rfc_reveal()).expect("the RFC 3797 draw");
    assert_eq!(bundle.reveal.rfc3797_key(), RFC_KEY);
    let names = names();
    let picked: Vec<String> = results()
        .iter()
        .map(|r| names[r.3 as usize - 1].clone())
        .collect();
    assert_eq!(bundle.result.selected, picked[..10]);
    assert_eq!(bundle.result.alternates, picked[10..]);
    let report = verify(&bundle);
    assert!(report.valid, "{:?}", report.error);
    // Checked by computation: the time order; compared by hand: the commitment, the
    // announcement and the three lotteries' numbers, never shown as checked.
    assert_eq!(report.verdict, Verdict::ValidIf);
    let time_order = report
        .steps
        .iter()
        .find(|s| s.id == StepId::TimeOrder)
        .expect("a time_order step");
    assert_eq!(time_order.status, kleroterion::Status::Passed);
    let subjects: Vec<Subject> = report.by_hand.iter().map(|b| b.subject).collect();
    assert_eq!(
        subjects,
        [
            Subject::Commitment,
            Subject::Announcement,
            Subject::Lottery,
            Subject::Lottery,
            Subject::Lottery
        ]
    );
    assert_eq!(report.by_hand[1].value, "2004-10-01T22:00:00Z (UTC)");
    assert_eq!(report.by_hand[2].value, "number 9319");
    assert_eq!(report.by_hand[3].value, "numbers 2 5 12 8 10");
    assert_eq!(report.by_hand[4].value, "numbers 9 18 26 34 41 45");
    let given = verify_with(&bundle, &Published::commitment(bundle.commitment), &[]);
    assert_eq!(given.verdict, Verdict::ValidIf);
    assert_eq!(given.by_hand.len(), 4, "the commitment was given");

    // Announced after the first draw: committed late.
    let mut late = manifest.clone();
    late.announced_at = Some("2004-10-01T22:00:00Z".into());
    let late = draw(&late, &records, &rfc_reveal()).expect("the draw itself runs");
    assert_eq!(
        late.result, bundle.result,
        "the RFC key does not use the seed"
    );
    let report = verify(&late);
    assert_eq!(report.failed_step(), Some(StepId::TimeOrder));
    assert_eq!(
        report.error_kind.map(kleroterion::ErrorKind::as_str),
        Some("CommittedLate")
    );
}
