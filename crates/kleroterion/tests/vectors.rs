//! The shared vectors of `tests/vectors/*.json`, computed by an independent implementation
//! (`tests/reference/kleroterion_ref.py`), reproduced byte for byte.
//!
//! Every loop over a list of cases counts what it checked and fails when the list is empty, so
//! that a vector file that lost its cases cannot pass silently.

mod common;

use kleroterion::digest::to_hex;
use kleroterion::merkle::{MerkleTree, leaf_hash, verify_inclusion};
use kleroterion::public_lottery::{LotteryFormat, REGISTRY, Zone, registered};
use kleroterion::sampling::{sample, uniform};
use kleroterion::seal::Opening;
use kleroterion::stream::{Stream, stream_key};
use kleroterion::text::{TextKind, check};
use kleroterion::time::{format_unix, parse_utc};
use kleroterion::{
    Bundle, Digest, Fallback, Manifest, Published, Recipe, Record, Replacement, Reveal, SourceSpec,
    SourceValue, draw, replace_sealed, verify, verify_json, verify_with,
};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!(
        "{}/../../tests/vectors/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(
        v["spec"],
        kleroterion::SPEC_VERSION,
        "{path} is not a vector file of {}",
        kleroterion::SPEC_VERSION
    );
    v
}

/// The cases of a list, which must not be empty.
#[track_caller]
fn cases<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    let list = v[key]
        .as_array()
        .unwrap_or_else(|| panic!("no list \"{key}\""));
    assert!(!list.is_empty(), "the list \"{key}\" is empty");
    list
}

fn digest(v: &Value) -> Digest {
    Digest::from_hex(v.as_str().expect("hex string"), "vector").expect("valid hex")
}

fn parse<T: serde::de::DeserializeOwned>(v: &Value) -> T {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{e}: {v}"))
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

// ---------------------------------------------------------------------------------------------
// encoding.json
// ---------------------------------------------------------------------------------------------

#[test]
fn encoding_records() {
    let v = load("encoding");
    for c in cases(&v, "records") {
        let r: Record = parse(&c["record"]);
        assert_eq!(
            to_hex(&r.canonical_bytes().expect("bytes")),
            text(&c["bytes"]),
            "{r:?}"
        );
        assert_eq!(leaf_hash(&r).expect("leaf"), digest(&c["leaf"]));
        if let Some(secret) = c.get("secret").and_then(Value::as_str) {
            let secret: [u8; 32] = kleroterion::digest::from_hex(secret, "secret")
                .expect("hex")
                .try_into()
                .expect("32 bytes");
            assert_eq!(kleroterion::tickets::holder_of(&secret), r.holder, "{r:?}");
        }
        if let Some(opening) = c.get("opening") {
            // A sealed record (SPEC.md section 4.1): its opening hashes to its seal.
            let o: Opening = parse(opening);
            assert_eq!(o.seal().expect("seal"), digest(&c["seal"]), "{r:?}");
            assert_eq!(r.seal, Some(digest(&c["seal"])), "{r:?}");
            assert!(r.values.is_empty(), "{r:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// pools.json: household tags and the disclosure floor (SPEC.md section 5.2)
// ---------------------------------------------------------------------------------------------

#[test]
fn pool_validity_and_cells() {
    let v = load("pools");
    for c in cases(&v, "cases") {
        let name = text(&c["name"]);
        let m: Manifest = parse(&c["manifest"]);
        let records: Vec<Record> = parse(&c["pool"]);
        let checked = kleroterion::draw::check_committed(&m, &records);
        match c["error"].as_str() {
            Some(kind) => {
                let e = checked.expect_err(name);
                assert_eq!(e.kind().as_str(), kind, "{name}: {e}");
            }
            None => {
                checked.unwrap_or_else(|e| panic!("{name}: {e}"));
            }
        }
        if c["smallest_cell"].is_null() {
            continue;
        }
        let pool = kleroterion::model::ResolvedPool::new(&m.features, &records).expect(name);
        let cells = kleroterion::disclosure::Cells::of(&pool);
        if c["floor_applies"] == Value::Bool(false) {
            assert!(cells.is_none(), "{name}");
            continue;
        }
        let cells = cells.unwrap_or_else(|| panic!("{name}: no cells"));
        let sizes: Vec<u64> = c["cell_sizes"]
            .as_array()
            .expect("sizes")
            .iter()
            .map(|s| s.as_u64().expect("size"))
            .collect();
        assert_eq!(u64::from(cells.smallest), c["smallest_cell"], "{name}");
        assert_eq!(u64::from(cells.alone), c["alone"], "{name}");
        assert_eq!(cells.cells as usize, sizes.len(), "{name}");
        let below: u64 = sizes.iter().filter(|&&s| s < 5).sum();
        assert_eq!(u64::from(cells.below_default), below, "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// receipts.json (SPEC.md section 13)
// ---------------------------------------------------------------------------------------------

#[test]
fn receipts() {
    let v = load("receipts");
    let bundles: Vec<(String, Bundle)> = cases(&v, "bundles")
        .iter()
        .map(|b| (text(&b["name"]).to_string(), parse(&b["bundle"])))
        .collect();
    for c in cases(&v, "cases") {
        let name = text(&c["name"]);
        let bundle = &bundles
            .iter()
            .find(|(n, _)| n == text(&c["bundle"]))
            .unwrap_or_else(|| panic!("{name}: no bundle"))
            .1;
        let receipt: kleroterion::Receipt = parse(&c["receipt"]);
        let checked = kleroterion::check_receipt(&receipt, bundle);
        if c["matches"] == Value::Bool(false) {
            let e = checked.expect_err(name);
            assert_eq!(
                Value::from(e.kind().as_str()),
                c["error_kind"],
                "{name}: {e}"
            );
            continue;
        }
        // The outcome is established only when the bundle verifies (SPEC.md section 13).
        let established = kleroterion::verify(bundle).valid;
        assert_eq!(Value::Bool(established), c["established"], "{name}");
        let check = checked.unwrap_or_else(|e| panic!("{name}: {e}"));
        let (outcome, position, number) = match check.outcome {
            kleroterion::ReceiptOutcome::Selected { position } => {
                ("selected", Some(position), None)
            }
            kleroterion::ReceiptOutcome::Alternate { number } => ("alternate", None, Some(number)),
            kleroterion::ReceiptOutcome::NotSelected => ("not selected", None, None),
        };
        assert_eq!(Value::from(outcome), c["outcome"], "{name}");
        assert_eq!(serde_json::json!(position), c["position"], "{name}");
        assert_eq!(serde_json::json!(number), c["number"], "{name}");
    }
}

#[test]
fn encoding_manifests() {
    let v = load("encoding");
    for c in cases(&v, "manifests") {
        let m: Manifest = parse(&c["manifest"]);
        assert_eq!(
            to_hex(&m.canonical_bytes().expect("bytes")),
            text(&c["bytes"]),
            "{}",
            m.title
        );
        assert_eq!(
            m.commitment().expect("commitment"),
            digest(&c["commitment"]),
            "{}",
            m.title
        );
        m.validate().unwrap_or_else(|e| panic!("{e}: {}", m.title));
        // The JSON text reads the same way.
        let again = Manifest::from_json(&c["manifest"].to_string()).expect("reads");
        assert_eq!(again, m);
    }
}

/// Each manifest has one fault, refused with the kind of SPEC.md section 5.1, whether it is
/// read alone or inside a bundle given to the verifier.
#[test]
fn encoding_invalid_manifests() {
    let v = load("encoding");
    let mut failures = Vec::new();
    for c in cases(&v, "invalid_manifests") {
        let what = text(&c["what"]);
        let want = text(&c["error"]);
        let got = match Manifest::from_json(&c["manifest"].to_string()) {
            Ok(m) => m.validate().err().map(|e| (e.kind(), e.to_string())),
            Err(e) => Some((e.kind(), e.to_string())),
        };
        match got {
            Some((kind, _)) if kind == want => {}
            Some((kind, msg)) => failures.push(format!("{what}: {kind} ({msg}), expected {want}")),
            None => failures.push(format!("{what}: accepted, expected {want}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} invalid manifests not refused as the vectors say:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn encoding_lottery_values() {
    let v = load("encoding");
    for c in cases(&v, "lottery_values") {
        let value: SourceValue = parse(&c["value"]);
        let reveal = Reveal {
            sources: vec![value.clone()],
        };
        reveal
            .validate()
            .unwrap_or_else(|e| panic!("{e}: {}", c["value"]));
        // list(val, [s]) is u32(1) || val(s).
        let bytes = reveal.canonical_bytes().expect("bytes");
        assert_eq!(&bytes[..4], &[0, 0, 0, 1]);
        assert_eq!(to_hex(&bytes[4..]), text(&c["bytes"]), "{}", c["value"]);
        assert_eq!(
            value.rfc3797_string(),
            text(&c["rfc3797"]),
            "{}",
            c["value"]
        );
    }
}

/// The words of `kleroterion::text`'s message for each rule of SPEC.md section 3.
fn reason_words(reason: &str) -> &'static str {
    match reason {
        "empty" => "is empty",
        "too long" => "too long",
        "control character" => "control character",
        "bidirectional formatting character" => "bidirectional formatting character",
        "unassigned code point" => "unassigned in Unicode 14.0.0",
        "not NFC" => "NFC",
        other => panic!("unknown reason {other:?}"),
    }
}

#[test]
fn encoding_invalid_texts() {
    let v = load("encoding");
    for c in cases(&v, "invalid_texts") {
        let t = text(&c["text"]);
        let reason = text(&c["reason"]);
        for kind in [TextKind::Ticket, TextKind::Name, TextKind::Free] {
            let result = check(t, kind, || "t".into());
            if t.is_empty() && matches!(kind, TextKind::Free) {
                assert!(result.is_ok(), "the empty text is a valid free text");
                continue;
            }
            let e = result.expect_err(&format!("accepted {t:?} as {kind:?} ({reason})"));
            assert_eq!(e.kind(), "InvalidText");
            let msg = e.to_string();
            assert!(
                msg.contains(reason_words(reason)),
                "{t:?} as {kind:?}: {msg:?}, expected the rule {reason:?}"
            );
        }
    }
}

#[test]
fn encoding_valid_texts() {
    let v = load("encoding");
    for c in cases(&v, "valid_texts") {
        let t = text(&c["text"]);
        for kind in [TextKind::Ticket, TextKind::Name, TextKind::Free] {
            check(t, kind, || "t".into()).unwrap_or_else(|e| panic!("{t:?} as {kind:?}: {e}"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// merkle.json, seed.json, stream.json, sampling.json
// ---------------------------------------------------------------------------------------------

#[test]
fn merkle_roots_and_proofs() {
    let v = load("merkle");
    for t in cases(&v, "trees") {
        let records: Vec<Record> = parse(&t["records"]);
        let tree = MerkleTree::from_records(&records).expect("tree");
        let root = digest(&t["root"]);
        assert_eq!(tree.root(), Some(root));
        assert_eq!(
            kleroterion::merkle::pool_root(&records).expect("root"),
            Some(root)
        );
        let leaves = cases(t, "leaves");
        let proofs = cases(t, "proofs");
        assert_eq!(leaves.len(), records.len());
        assert_eq!(proofs.len(), records.len());
        for (i, (leaf, proof)) in leaves.iter().zip(proofs).enumerate() {
            assert_eq!(tree.leaves()[i], digest(leaf));
            let want: Vec<Digest> = proof
                .as_array()
                .expect("proof")
                .iter()
                .map(digest)
                .collect();
            assert_eq!(
                tree.proof(i).expect("proof"),
                want,
                "proof {i} of {}",
                records.len()
            );
            assert!(verify_inclusion(
                &tree.leaves()[i],
                i as u64,
                records.len() as u64,
                &want,
                &root
            ));
        }
    }
}

#[test]
fn seeds() {
    let v = load("seed");
    for c in cases(&v, "cases") {
        let reveal: Reveal = parse(&c["reveal"]);
        reveal.validate().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            to_hex(&reveal.canonical_bytes().expect("bytes")),
            text(&c["reveal_bytes"])
        );
        assert_eq!(
            reveal.seed(&digest(&c["commitment"])).expect("seed"),
            digest(&c["seed"])
        );
        assert_eq!(reveal.rfc3797_key(), text(&c["rfc3797_key"]));
    }
}

#[test]
fn stream_words() {
    let v = load("stream");
    for c in cases(&v, "cases") {
        let key = stream_key(
            &digest(&c["seed"]),
            text(&c["purpose"]),
            c["index"].as_u64().expect("index") as u32,
        );
        assert_eq!(key, digest(&c["key"]));
        let mut s = Stream::from_key(&key);
        for w in cases(c, "words64") {
            assert_eq!(s.next_u64().to_string(), text(w));
        }
    }
}

#[test]
fn sampling() {
    let v = load("sampling");
    for c in cases(&v, "uniform") {
        let mut s = Stream::from_key(&digest(&c["key"]));
        let n: u64 = text(&c["n"]).parse().expect("u64");
        for r in cases(c, "results") {
            assert_eq!(uniform(&mut s, n).to_string(), text(r), "n = {n}");
        }
        assert_eq!(
            s.draws_consumed(),
            c["words_consumed"].as_u64().expect("count"),
            "n = {n}"
        );
    }
    for c in cases(&v, "sample") {
        let mut s = Stream::from_key(&digest(&c["key"]));
        let got = sample(
            &mut s,
            c["n"].as_u64().expect("n") as u32,
            c["k"].as_u64().expect("k") as u32,
        );
        let want: Vec<u32> = parse(&c["result"]);
        assert_eq!(got, want);
    }
}

// ---------------------------------------------------------------------------------------------
// draws.json
// ---------------------------------------------------------------------------------------------

fn draw_case(c: &Value) -> Bundle {
    common::draw_vector_case(c).unwrap_or_else(|e| panic!("{}: {e}", c["name"]))
}

#[test]
fn full_draws() {
    let v = load("draws");
    let draws = cases(&v, "draws");
    assert!(draws.len() >= 5);
    for c in draws {
        let name = text(&c["name"]);
        let b = draw_case(c);
        assert_eq!(
            b.manifest.pool.root,
            digest(&c["intermediate"]["pool_root"]),
            "{name}"
        );
        assert_eq!(b.commitment, digest(&c["commitment"]), "{name}");
        assert_eq!(b.seed, digest(&c["seed"]), "{name}");
        let sel: Vec<String> = parse(&c["selected"]);
        let alt: Vec<String> = parse(&c["alternates"]);
        assert_eq!(b.result.selected, sel, "{name}");
        assert_eq!(b.result.alternates, alt, "{name}");
        assert_eq!(b.transcript, digest(&c["transcript"]), "{name}");
        let openings: Vec<Opening> = c.get("openings").map(parse).unwrap_or_default();
        assert_eq!(b.openings, openings, "{name}: the bundle's openings");
        if let Some(key) = c["intermediate"]["rfc3797_key"].as_str() {
            assert_eq!(b.reveal.rfc3797_key(), key, "{name}");
        }
        let report = verify(&b);
        assert!(report.valid, "{name}: {:?}", report.error);
        let report = verify_with(&b, &Published::commitment(digest(&c["commitment"])), &[]);
        assert!(report.valid, "{name}: {:?}", report.error);
    }
}

#[test]
fn draw_failures() {
    let v = load("draws");
    for c in cases(&v, "failures") {
        let m: Manifest = parse(&c["manifest"]);
        let pool: Vec<Record> = parse(&c["pool"]);
        let reveal: Reveal = parse(&c["reveal"]);
        let e = draw(&m, &pool, &reveal).expect_err(text(&c["name"]));
        assert_eq!(e.kind(), text(&c["error"]), "{}: {e}", c["name"]);
    }
}

#[test]
fn replacements() {
    let v = load("draws");
    let draws = cases(&v, "draws");
    for c in cases(&v, "replacements") {
        let d = draws
            .iter()
            .find(|d| d["name"] == c["draw"])
            .expect("draw named");
        let b = draw_case(d);
        let dropped: Vec<String> = parse(&c["dropped"]);
        let private: Vec<Opening> = d.get("private_openings").map(parse).unwrap_or_default();
        let r = replace_sealed(&b, &dropped, &private).expect("replace");
        let openings: Vec<Opening> = c.get("openings").map(parse).unwrap_or_default();
        assert_eq!(r.openings, openings, "{}: the record's openings", c["draw"]);
        let want: Vec<Option<String>> = parse(&c["replacements"]);
        let panel: Vec<String> = parse(&c["panel"]);
        assert_eq!(r.replacements, want, "{}", c["draw"]);
        assert_eq!(r.panel, panel, "{}", c["draw"]);
        assert_eq!(r.hash, digest(&c["hash"]), "{}", c["draw"]);
        // The record verifies with its draw.
        let report = verify_with(&b, &Published::default(), &[r]);
        assert!(report.valid, "{}: {:?}", c["draw"], report.error);
    }
}

// ---------------------------------------------------------------------------------------------
// lottery.json
// ---------------------------------------------------------------------------------------------

/// The registry as the reference reads SPEC.md section 6.6: the same entries, draw days and
/// local times, zones, first dates and formats, and the format's `fmt(F)` bytes.
#[test]
fn lottery_registry() {
    let v = load("lottery");
    let entries = cases(&v, "registry");
    assert_eq!(entries.len(), REGISTRY.len(), "the registry's size");
    for e in entries {
        let id = text(&e["id"]);
        let l = registered(id).unwrap_or_else(|| panic!("{id} is not in the registry"));
        assert_eq!(l.name, text(&e["name"]), "{id}");
        assert_eq!(l.since, text(&e["since"]), "{id}");
        assert_eq!(l.zone.name(), text(&e["zone"]), "{id}");
        assert_eq!(l.result_page, text(&e["results"]), "{id}");
        let draws = e["draws"]
            .as_object()
            .unwrap_or_else(|| panic!("{id}: draws"));
        assert_eq!(draws.len(), l.draws.len(), "{id}: draw days");
        for &(day, hour, minute) in l.draws {
            let name = day.name().to_lowercase();
            assert_eq!(
                draws.get(&name).and_then(Value::as_str),
                Some(format!("{hour:02}:{minute:02}").as_str()),
                "{id}: {name}"
            );
        }
        let format: LotteryFormat = parse(&e["format"]);
        assert_eq!(l.format(), format, "{id}");
        // fmt(F), as it appears in a recipe that declares this format (SPEC.md section 6.1):
        // str(lottery) || str(date) || u8(1) || fmt(F) || u8(1) || str(draw_at).
        let mut m: Manifest = parse(&cases(&load("encoding"), "manifests")[0]["manifest"]);
        let draw_at = "2026-12-01T18:00:00Z";
        m.randomness = Some(one_source(SourceSpec::Lottery {
            lottery: "Tombola".into(),
            date: "2026-12-01".into(),
            format: Some(format),
            draw_at: Some(draw_at.into()),
        }));
        let str_bytes = |t: &str| {
            let mut b = (t.len() as u32).to_be_bytes().to_vec();
            b.extend_from_slice(t.as_bytes());
            b
        };
        let mut want = str_bytes("Tombola");
        want.extend(str_bytes("2026-12-01"));
        want.push(1);
        want.extend(kleroterion::digest::from_hex(text(&e["fmt"]), "fmt").expect("hex"));
        want.push(1);
        want.extend(str_bytes(draw_at));
        let bytes = m.canonical_bytes().expect("bytes");
        assert!(
            bytes.windows(want.len()).any(|w| w == want.as_slice()),
            "{id}: fmt(F) is not {}",
            text(&e["fmt"])
        );
    }
}

/// The UTC instants of each summer-time rule, through the zones that follow it.
#[test]
fn lottery_summer_time_rules() {
    let v = load("lottery");
    let hour = 3_600i64;
    for c in cases(&v, "summer") {
        let (zone, standard) = match text(&c["rule"]) {
            "EU" => (Zone::EuropeParis, hour),
            "US" => (Zone::AmericaNewYork, -5 * hour),
            other => panic!("unknown rule {other}"),
        };
        let from = parse_utc(text(&c["from"])).expect("from") as i64;
        let to = parse_utc(text(&c["to"])).expect("to") as i64;
        // The local wall-clock time of an instant, at an offset, back to UTC.
        let back = |utc: i64, offset: i64| {
            let local = format_unix((utc + offset) as u64);
            let n = |r: std::ops::Range<usize>| local[r].parse::<i64>().expect("digits");
            zone.to_utc(n(0..4), n(5..7), n(8..10), n(11..13), n(14..16))
        };
        let summer = standard + hour;
        // Local times on both sides of each change that exist once (the hour before the
        // change back to standard time is read twice on a clock).
        for (utc, offset) in [
            (from - 60, standard),
            (from, summer),
            (to - hour - 60, summer),
            (to + hour, standard),
        ] {
            assert_eq!(back(utc, offset), Some(utc as u64), "{c}");
        }
    }
}

#[test]
fn lottery_draw_instants() {
    let v = load("lottery");
    for c in cases(&v, "draws") {
        let id = text(&c["lottery"]);
        let date = text(&c["date"]);
        let want = parse_utc(text(&c["utc"])).expect("utc");
        let l = registered(id).unwrap_or_else(|| panic!("{id}"));
        assert_eq!(l.draw_instant(date), Ok(want), "{id} {date}");
        let source = SourceSpec::Lottery {
            lottery: id.into(),
            date: date.into(),
            format: None,
            draw_at: None,
        };
        assert_eq!(source.time(), Ok(Some(want)), "{id} {date}");
    }
}

fn one_source(source: SourceSpec) -> Recipe {
    Recipe {
        sources: vec![source],
        fallback: Fallback::NextValue,
    }
}

#[test]
fn lottery_refused_dates() {
    let v = load("lottery");
    for c in cases(&v, "refused_dates") {
        let source: SourceSpec = parse(&c["source"]);
        let e = one_source(source)
            .validate()
            .expect_err(&format!("{} ({})", c["source"], c["reason"]));
        assert_eq!(e.kind(), text(&c["error"]), "{}: {e}", c["source"]);
    }
}

#[test]
fn lottery_numbers() {
    let v = load("lottery");
    for c in cases(&v, "numbers") {
        let source: SourceSpec = parse(&c["source"]);
        let registry =
            matches!(&source, SourceSpec::Lottery { lottery, .. } if registered(lottery).is_some());
        let recipe = one_source(source);
        recipe
            .validate()
            .unwrap_or_else(|e| panic!("{e}: {}", c["source"]));
        let reveal = Reveal {
            sources: vec![parse(&c["value"])],
        };
        let matched = reveal.check_against(&recipe);
        match c["error"].as_str() {
            None => {
                matched.unwrap_or_else(|e| panic!("{e}: {}", c["value"]));
                reveal.validate().expect("fits alone");
            }
            Some(kind) => {
                let e = matched.expect_err(&format!("{} ({})", c["value"], c["reason"]));
                assert_eq!(e.kind(), kind, "{}: {e}", c["value"]);
                if registry {
                    // The same error from the value alone, without a recipe.
                    let e = reveal.validate().expect_err("refused alone");
                    assert_eq!(e.kind(), kind, "{}: {e}", c["value"]);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// verify.json
// ---------------------------------------------------------------------------------------------

#[test]
fn verification_reports() {
    let v = load("verify");
    let mut failures = Vec::new();
    for c in cases(&v, "cases") {
        let name = text(&c["name"]);
        let bundle_text = match c["bundle_text"].as_str() {
            Some(t) => t.to_string(),
            None => c["bundle"].to_string(),
        };
        let published: Published = parse(&c["published"]);
        let replacements: Vec<Replacement> = parse(&c["replacements"]);
        let report = verify_json(&bundle_text, &published, &replacements);
        let got = serde_json::to_value(&report).expect("a report serialises");
        let steps: Vec<Value> = got["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .map(|s| serde_json::json!({"id": s["id"], "status": s["status"]}))
            .collect();
        let by_hand: Vec<Value> = got["by_hand"]
            .as_array()
            .expect("by_hand")
            .iter()
            .map(|b| b["subject"].clone())
            .collect();
        let failed_step = report
            .failed_step()
            .map_or(Value::Null, |s| Value::from(s.as_str()));
        let compare = [
            ("verdict", got["verdict"].clone(), c["verdict"].clone()),
            ("valid", got["valid"].clone(), c["valid"].clone()),
            ("purpose", got["purpose"].clone(), c["purpose"].clone()),
            ("steps", Value::from(steps), c["steps"].clone()),
            ("failed_step", failed_step, c["failed_step"].clone()),
            (
                "error_kind",
                got["error_kind"].clone(),
                c["error_kind"].clone(),
            ),
            ("by_hand", Value::from(by_hand), c["by_hand"].clone()),
        ];
        for (what, ours, theirs) in compare {
            if ours != theirs {
                failures.push(format!(
                    "{name}: {what} is {ours}, the vector says {theirs} (error: {:?})",
                    report.error
                ));
            }
        }
        // A parsed bundle verifies the same way through `verify_with`.
        if let Ok(b) = Bundle::from_json(&bundle_text) {
            let direct = verify_with(&b, &published, &replacements);
            assert_eq!(direct, report, "{name}: verify_with and verify_json differ");
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences with verify.json:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
