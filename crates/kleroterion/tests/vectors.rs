//! The shared vectors of `tests/vectors/*.json`, computed by an independent implementation
//! (`tests/reference/kleroterion_ref.py`), reproduced byte for byte.

use kleroterion::digest::to_hex;
use kleroterion::merkle::{MerkleTree, leaf_hash, verify_inclusion};
use kleroterion::sampling::{sample, uniform};
use kleroterion::stream::{Stream, stream_key};
use kleroterion::text::{TextKind, check};
use kleroterion::{Bundle, Digest, Manifest, Record, Reveal, draw, replace, verify};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!(
        "{}/../../tests/vectors/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn digest(v: &Value) -> Digest {
    Digest::from_hex(v.as_str().expect("hex string"), "vector").expect("valid hex")
}

fn parse<T: serde::de::DeserializeOwned>(v: &Value) -> T {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{e}: {v}"))
}

#[test]
fn encoding_records() {
    let v = load("encoding");
    let cases = v["records"].as_array().expect("records");
    assert!(!cases.is_empty());
    for c in cases {
        let r: Record = parse(&c["record"]);
        assert_eq!(
            to_hex(&r.canonical_bytes().expect("bytes")),
            c["bytes"].as_str().expect("bytes"),
            "{r:?}"
        );
        assert_eq!(leaf_hash(&r).expect("leaf"), digest(&c["leaf"]));
    }
}

#[test]
fn encoding_manifests() {
    let v = load("encoding");
    for c in v["manifests"].as_array().expect("manifests") {
        let m: Manifest = parse(&c["manifest"]);
        assert_eq!(
            to_hex(&m.canonical_bytes().expect("bytes")),
            c["bytes"].as_str().expect("bytes"),
            "{m:?}"
        );
        assert_eq!(
            m.commitment().expect("commitment"),
            digest(&c["commitment"])
        );
        m.validate().unwrap_or_else(|e| panic!("{e}: {}", m.title));
    }
}

#[test]
fn encoding_lottery_canon() {
    let v = load("encoding");
    for c in v["lottery_canon"].as_array().expect("canon") {
        let numbers: Vec<kleroterion::LotteryNumber> = parse(&c["numbers"]);
        assert_eq!(
            kleroterion::reveal::canonical_numbers(&numbers),
            c["canonical"].as_str().expect("canonical")
        );
    }
}

#[test]
fn encoding_invalid_texts() {
    let v = load("encoding");
    for c in v["invalid_texts"].as_array().expect("invalid") {
        let text = c["text"].as_str().expect("text");
        assert!(
            check(text, TextKind::Name, || "t".into()).is_err(),
            "accepted {text:?} ({})",
            c["reason"]
        );
        if !text.is_empty() {
            assert!(
                check(text, TextKind::Free, || "t".into()).is_err(),
                "accepted {text:?}"
            );
        }
    }
}

#[test]
fn merkle_roots_and_proofs() {
    let v = load("merkle");
    for t in v["trees"].as_array().expect("trees") {
        let records: Vec<Record> = parse(&t["records"]);
        let tree = MerkleTree::from_records(&records).expect("tree");
        let root = digest(&t["root"]);
        assert_eq!(tree.root(), Some(root));
        assert_eq!(
            kleroterion::merkle::pool_root(&records).expect("root"),
            Some(root)
        );
        for (i, (leaf, proof)) in t["leaves"]
            .as_array()
            .expect("leaves")
            .iter()
            .zip(t["proofs"].as_array().expect("proofs"))
            .enumerate()
        {
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
    for c in v["cases"].as_array().expect("cases") {
        let reveal: Reveal = parse(&c["reveal"]);
        assert_eq!(
            to_hex(&reveal.canonical_bytes().expect("bytes")),
            c["reveal_bytes"].as_str().expect("bytes")
        );
        assert_eq!(
            reveal.seed(&digest(&c["commitment"])).expect("seed"),
            digest(&c["seed"])
        );
        assert_eq!(
            reveal.rfc3797_key(),
            c["rfc3797_key"].as_str().expect("key")
        );
    }
}

#[test]
fn stream_words() {
    let v = load("stream");
    for c in v["cases"].as_array().expect("cases") {
        let key = stream_key(
            &digest(&c["seed"]),
            c["purpose"].as_str().expect("purpose"),
            c["index"].as_u64().expect("index") as u32,
        );
        assert_eq!(key, digest(&c["key"]));
        let mut s = Stream::from_key(&key);
        for w in c["words64"].as_array().expect("words") {
            assert_eq!(s.next_u64().to_string(), w.as_str().expect("decimal"));
        }
    }
}

#[test]
fn sampling() {
    let v = load("sampling");
    for c in v["uniform"].as_array().expect("uniform") {
        let mut s = Stream::from_key(&digest(&c["key"]));
        let n: u64 = c["n"].as_str().expect("n").parse().expect("u64");
        for r in c["results"].as_array().expect("results") {
            assert_eq!(
                uniform(&mut s, n).to_string(),
                r.as_str().expect("decimal"),
                "n = {n}"
            );
        }
        assert_eq!(
            s.draws_consumed(),
            c["words_consumed"].as_u64().expect("count"),
            "n = {n}"
        );
    }
    for c in v["sample"].as_array().expect("sample") {
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

fn draw_case(c: &Value) -> Bundle {
    let m: Manifest = parse(&c["manifest"]);
    let pool: Vec<Record> = parse(&c["pool"]);
    let reveal: Reveal = parse(&c["reveal"]);
    draw(&m, &pool, &reveal).unwrap_or_else(|e| panic!("{}: {e}", c["name"]))
}

#[test]
fn full_draws() {
    let v = load("draws");
    let draws = v["draws"].as_array().expect("draws");
    assert!(draws.len() >= 5);
    for c in draws {
        let name = c["name"].as_str().expect("name");
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
        let report = verify(&b);
        assert!(report.valid, "{name}: {:?}", report.error);
    }
}

#[test]
fn draw_failures() {
    let v = load("draws");
    for c in v["failures"].as_array().expect("failures") {
        let m: Manifest = parse(&c["manifest"]);
        let pool: Vec<Record> = parse(&c["pool"]);
        let reveal: Reveal = parse(&c["reveal"]);
        let e = draw(&m, &pool, &reveal).expect_err(c["name"].as_str().expect("name"));
        assert_eq!(e.kind(), c["error"].as_str().expect("error"));
    }
}

#[test]
fn replacements() {
    let v = load("draws");
    let draws = v["draws"].as_array().expect("draws");
    for c in v["replacements"].as_array().expect("replacements") {
        let d = draws
            .iter()
            .find(|d| d["name"] == c["draw"])
            .expect("draw named");
        let b = draw_case(d);
        let dropped: Vec<String> = parse(&c["dropped"]);
        let r = replace(&b, &dropped).expect("replace");
        let want: Vec<Option<String>> = parse(&c["replacements"]);
        let panel: Vec<String> = parse(&c["panel"]);
        assert_eq!(r.replacements, want, "{}", c["draw"]);
        assert_eq!(r.panel, panel, "{}", c["draw"]);
        assert_eq!(r.hash, digest(&c["hash"]), "{}", c["draw"]);
    }
}
