//! Parsing drand's HTTP API JSON, and refusing what is not.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use kleroterion_drand::{Beacon, DrandError, Field, QUICKNET, verify, verify_signature};

// Quicknet round 2 and mainnet round 2 (ChainSafe/forest
// src/beacon/tests/fixtures/drand_quicknet.json / drand_mainnet.json).
const Q_SIG: &str = "b6b6a585449b66eb12e875b64fcbab3799861a00e4dbf092d99e969a5eac57dd3f798acf61e705fe4f093db926626807";
const Q_RAND: &str = "5782d6987841c654515a0e72b2d1ebb4e741234042c37cb19608ae50d93fb60c";
const M_SIG: &str = "aa18facd2d51b616511d542de6f9af8a3b920121401dad1434ed1db4a565f10e04fad8d9b2b4e3e0094364374caafe9b10478bf75650124831509c638b5a36a7a232ec70289f8751a2adb47fc32eb70b57dc81c39d48cbcac9fec46cdfc31663";
const M_PREV: &str = "8d61d9100567de44682506aea1a7a6fa6e5491cd27a0a0ed349ef6910ac5ac20ff7bc3e09d7c046566c9f7f3c6f3b10104990e7cb424998203d8f7de586fb7fa5f60045417a432684f85093b06ca91c769f0e7ca19268375e659c2a2352b4655";

fn is_json_error(r: Result<Beacon, DrandError>) -> bool {
    matches!(r, Err(DrandError::Json { .. }))
}

/// The project's one test generator, included by path (this crate does not depend on the fair
/// crate).
#[path = "../../kleroterion-fair/src/splitmix.rs"]
mod splitmix;

#[test]
fn parses_quicknet_and_mainnet_answers() {
    let q = Beacon::from_json(&format!(
        r#"{{"round":2,"randomness":"{Q_RAND}","signature":"{Q_SIG}"}}"#
    ))
    .unwrap();
    assert_eq!(q.round, 2);
    assert_eq!(q.signature.len(), 48);
    assert_eq!(q.previous_signature, None);
    assert!(q.randomness.is_some());

    let m = Beacon::from_json(&format!(
        r#"{{"round":2,"signature":"{M_SIG}","previous_signature":"{M_PREV}"}}"#
    ))
    .unwrap();
    assert_eq!(m.signature.len(), 96);
    assert_eq!(m.previous_signature.as_deref().map(<[u8]>::len), Some(96));
    assert_eq!(m.randomness, None);
}

#[test]
fn whitespace_member_order_case_and_extra_members_are_accepted() {
    let json = format!(
        "  {{\n \"signature\" : \"{}\",\n \"extra\": [1, {{}}],\n \"round\": 2\n}}\n",
        Q_SIG.to_uppercase()
    );
    let b = Beacon::from_json(&json).unwrap();
    assert_eq!(b.round, 2);
    assert!(verify(&QUICKNET, 2, &b).is_ok());
    // A JSON null previous_signature is the same as none.
    let json = format!(r#"{{"round":2,"signature":"{Q_SIG}","previous_signature":null}}"#);
    assert_eq!(Beacon::from_json(&json).unwrap().previous_signature, None);
}

#[test]
fn refuses_text_that_is_not_a_beacon_object() {
    for bad in [
        "",
        "   ",
        "null",
        "[]",
        "42",
        "\"round\"",
        "{",
        "{}",
        "{\"round\":2}",
        &format!(r#"{{"signature":"{Q_SIG}"}}"#),
        &format!(r#"{{"round":"2","signature":"{Q_SIG}"}}"#),
        &format!(r#"{{"round":-2,"signature":"{Q_SIG}"}}"#),
        &format!(r#"{{"round":2.5,"signature":"{Q_SIG}"}}"#),
        &format!(r#"{{"round":18446744073709551616,"signature":"{Q_SIG}"}}"#),
        r#"{"round":2,"signature":42}"#,
        &format!(r#"{{"round":2,"signature":"{Q_SIG}"}} trailing"#),
        &format!(r#"{{"round":2,"round":3,"signature":"{Q_SIG}"}}"#),
        &format!(r#"{{"round":2,"signature":"{Q_SIG}","randomness":7}}"#),
    ] {
        let r = Beacon::from_json(bad);
        assert!(is_json_error(r.clone()), "{bad:?} gave {r:?}");
        let msg = r.unwrap_err().to_string();
        assert!(msg.starts_with("the drand beacon is not in the JSON form"));
    }
}

#[test]
fn refuses_round_zero() {
    assert_eq!(
        Beacon::from_json(&format!(r#"{{"round":0,"signature":"{Q_SIG}"}}"#)),
        Err(DrandError::RoundZero)
    );
    let b = Beacon::from_json(&format!(r#"{{"round":2,"signature":"{Q_SIG}"}}"#)).unwrap();
    assert_eq!(verify(&QUICKNET, 0, &b), Err(DrandError::RoundZero));
    assert_eq!(
        verify_signature(&QUICKNET, 0, &b.signature, None),
        Err(DrandError::RoundZero)
    );
}

#[test]
fn refuses_bad_hex() {
    let hex_err = |field| Err(DrandError::Hex { field });
    let odd = &Q_SIG[1..];
    let nonhex = format!("zz{}", &Q_SIG[2..]);
    let prefixed = format!("0x{Q_SIG}");
    for sig in [odd, &nonhex, &prefixed] {
        assert_eq!(
            Beacon::from_json(&format!(r#"{{"round":2,"signature":"{sig}"}}"#)),
            hex_err(Field::Signature)
        );
    }
    assert_eq!(
        Beacon::from_json(&format!(
            r#"{{"round":2,"signature":"{M_SIG}","previous_signature":"xyz"}}"#
        )),
        hex_err(Field::PreviousSignature)
    );
    assert_eq!(
        Beacon::from_json(&format!(
            r#"{{"round":2,"signature":"{Q_SIG}","randomness":"not hex"}}"#
        )),
        hex_err(Field::Randomness)
    );
}

#[test]
fn refuses_wrong_lengths() {
    assert_eq!(
        Beacon::from_json(&format!(
            r#"{{"round":2,"signature":"{Q_SIG}","randomness":"{}"}}"#,
            &Q_RAND[..62]
        )),
        Err(DrandError::Length {
            field: Field::Randomness,
            expected: 32,
            found: 31
        })
    );
    // Signatures of the wrong size parse, but verify refuses them.
    for sig in ["", "00", &Q_SIG[..94], &format!("{Q_SIG}00")] {
        let b = Beacon::from_json(&format!(r#"{{"round":2,"signature":"{sig}"}}"#)).unwrap();
        assert_eq!(
            verify(&QUICKNET, 2, &b),
            Err(DrandError::Length {
                field: Field::Signature,
                expected: 48,
                found: sig.len() / 2
            })
        );
    }
}

#[test]
fn refuses_points_off_the_curve_and_the_identity() {
    // All-zero bytes: the compression flag is missing.
    let zero = "00".repeat(48);
    // The compressed identity (flags: compressed + infinity).
    let identity = format!("c0{}", "00".repeat(47));
    // Compressed flag set but x = 1 is not the x of a curve point of G1.
    let off_curve = format!("80{}01", "00".repeat(46));
    for sig in [zero, identity, off_curve] {
        let b = Beacon::from_json(&format!(r#"{{"round":2,"signature":"{sig}"}}"#)).unwrap();
        assert_eq!(
            verify(&QUICKNET, 2, &b),
            Err(DrandError::InvalidPoint {
                field: Field::Signature
            }),
            "{sig}"
        );
    }
}

#[test]
fn refuses_randomness_that_is_not_the_hash_of_the_signature() {
    let wrong = format!("{}00", &Q_RAND[..62]);
    assert_eq!(
        Beacon::from_json(&format!(
            r#"{{"round":2,"randomness":"{wrong}","signature":"{Q_SIG}"}}"#
        )),
        Err(DrandError::RandomnessMismatch { round: 2 })
    );
}

#[test]
fn garbage_never_panics() {
    // The project's test generator; every outcome must be an Err or Ok, never a panic.
    let mut rng = splitmix::SplitMix64::new(0x9e37_79b9_7f4a_7c15);

    let alphabet = b"{}[]\":,0123456789abcdefABCDEF roundsignatureprevious_-.e\\u";
    for _ in 0..2000 {
        let len = rng.below(120) as usize;
        let s: String = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len() as u64) as usize] as char)
            .collect();
        let _ = Beacon::from_json(&s);
    }
    for _ in 0..200 {
        let len = [0, 1, 32, 47, 48, 49, 95, 96, 97][rng.below(9) as usize];
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
        if let Some(first) = bytes.first_mut() {
            *first |= 0x80; // compressed flag, to reach the curve checks
        }
        let round = rng.below(5) + 1;
        let _ = verify_signature(&QUICKNET, round, &bytes, None);
        let prev: Vec<u8> = (0..96).map(|_| rng.next_u64() as u8).collect();
        let _ = verify_signature(&kleroterion_drand::MAINNET, round, &bytes, Some(&prev));
    }
}
