//! Builds the seed corpus `fuzz/corpus/<target>/` from the test vectors and data files.
//!
//! Run from the `fuzz` folder: `cargo run --bin make_corpus`. Existing files of the same name
//! are overwritten; nothing else is removed.
//!
//! A `bundle_json` input is a bundle, or `bundle NUL published NUL replacements` (the published
//! facts and the replacement records as JSON, see `kleroterion_fuzz::bundle_json`).

use std::fs;
use std::path::{Path, PathBuf};

use kleroterion::{Bundle, Manifest, Reveal, draw};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn out(target: &str, name: &str, bytes: impl AsRef<[u8]>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    fs::create_dir_all(&dir).expect("corpus folder");
    fs::write(dir.join(name), bytes).expect("corpus file");
}

fn vectors(name: &str) -> Value {
    let text = fs::read_to_string(root().join("tests/vectors").join(name)).expect("vector file");
    serde_json::from_str(&text).expect("vector JSON")
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).expect("json")
}

/// The cases of a vector list, which must not be empty.
fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    let l = v[key].as_array().unwrap_or_else(|| panic!("no list {key}"));
    assert!(!l.is_empty(), "the list {key} is empty");
    l
}

/// A file name made of the ASCII letters and digits of a vector's description.
fn slug(text: &str) -> String {
    let s: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    s.split('-')
        .filter(|w| !w.is_empty())
        .take(8)
        .collect::<Vec<_>>()
        .join("-")
}

/// A CSV file, cut to its first `lines` lines so the corpus stays small.
fn csv(path: &str, lines: usize) -> Vec<u8> {
    let text = fs::read(root().join(path)).expect("csv file");
    let mut out = Vec::new();
    for (i, line) in text.split_inclusive(|&b| b == b'\n').enumerate() {
        if i >= lines {
            break;
        }
        out.extend_from_slice(line);
    }
    out
}

fn main() {
    // Bundles, manifests and reveals from the draws vectors.
    let draws = vectors("draws.json");
    for d in list(&draws, "draws") {
        let name = d["name"].as_str().expect("name");
        let manifest: Manifest = serde_json::from_value(d["manifest"].clone()).expect("manifest");
        let pool: Vec<kleroterion::Record> =
            serde_json::from_value(d["pool"].clone()).expect("pool");
        let reveal: Reveal = serde_json::from_value(d["reveal"].clone()).expect("reveal");
        let bundle: Bundle = draw(&manifest, &pool, &reveal).expect("a vector draws");
        out(
            "bundle_json",
            &format!("{name}.json"),
            bundle.to_json().expect("json"),
        );
        out(
            "manifest_json",
            &format!("draw-{name}.json"),
            pretty(&d["manifest"]),
        );
        out(
            "reveal_json",
            &format!("draw-{name}.json"),
            pretty(&d["reveal"]),
        );
    }
    for d in list(&draws, "failures") {
        let name = d["name"].as_str().expect("name");
        out(
            "manifest_json",
            &format!("failure-{name}.json"),
            pretty(&d["manifest"]),
        );
    }
    // A bundle from a future spec version, one from version 1, and one with an unknown field.
    let first = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/bundle_json/uniform.json"),
    )
    .expect("uniform bundle");
    assert!(first.contains(kleroterion::SPEC_VERSION));
    out(
        "bundle_json",
        "future-spec.json",
        first.replace(kleroterion::SPEC_VERSION, "kleroterion/v3"),
    );
    out(
        "bundle_json",
        "v1-spec.json",
        first.replace(kleroterion::SPEC_VERSION, "kleroterion/v1"),
    );
    out(
        "bundle_json",
        "unknown-field.json",
        first.replacen('{', "{\"extra\": 1,", 1),
    );

    // The verification vectors: each bundle (or unreadable text) with its published facts and
    // replacement records, as `bundle NUL published NUL replacements`.
    let verify = vectors("verify.json");
    for c in list(&verify, "cases") {
        let name = c["name"].as_str().expect("name");
        let mut bytes = match c["bundle_text"].as_str() {
            Some(t) => t.as_bytes().to_vec(),
            None => pretty(&c["bundle"]).into_bytes(),
        };
        bytes.push(0);
        bytes.extend(pretty(&c["published"]).into_bytes());
        bytes.push(0);
        bytes.extend(pretty(&c["replacements"]).into_bytes());
        out("bundle_json", &format!("verify-{name}.json"), bytes);
        if let Some(b) = c.get("bundle").filter(|b| b.is_object()) {
            out(
                "manifest_json",
                &format!("verify-{name}.json"),
                pretty(&b["manifest"]),
            );
            if b["reveal"].is_object() {
                out(
                    "reveal_json",
                    &format!("verify-{name}.json"),
                    pretty(&b["reveal"]),
                );
            }
        }
    }

    // Manifests from the encoding vectors.
    let encoding = vectors("encoding.json");
    for (i, m) in list(&encoding, "manifests").iter().enumerate() {
        out(
            "manifest_json",
            &format!("encoding-{i:02}.json"),
            pretty(&m["manifest"]),
        );
    }
    for (i, m) in list(&encoding, "invalid_manifests").iter().enumerate() {
        let what = slug(m["what"].as_str().expect("what"));
        out(
            "manifest_json",
            &format!("invalid-{i:02}-{what}.json"),
            pretty(&m["manifest"]),
        );
    }
    // Lottery values (registry, declared, unsorted, repeated) as one-source reveals.
    for (i, c) in list(&encoding, "lottery_values").iter().enumerate() {
        let reveal = serde_json::json!({"sources": [c["value"]]});
        out(
            "reveal_json",
            &format!("lottery-value-{i:02}.json"),
            pretty(&reveal),
        );
    }
    // Numbers that fit a lottery's format and numbers that do not, one per reason and lottery.
    let lottery = vectors("lottery.json");
    let mut seen = std::collections::BTreeSet::new();
    for c in list(&lottery, "numbers") {
        let id = c["value"]["lottery"].as_str().expect("lottery");
        let reason = c["reason"].as_str().unwrap_or("fits");
        if seen.insert((id.to_string(), reason.to_string())) {
            let reveal = serde_json::json!({"sources": [c["value"]]});
            out(
                "reveal_json",
                &format!("lottery-{}-{}.json", slug(id), slug(reason)),
                pretty(&reveal),
            );
        }
    }

    // Reveals from the seed vectors.
    let seed = vectors("seed.json");
    for (i, c) in list(&seed, "cases").iter().enumerate() {
        out(
            "reveal_json",
            &format!("seed-{i:02}.json"),
            pretty(&c["reveal"]),
        );
    }

    // Receipts of the fixed honest bundle, and a few hand-broken ones.
    let receipts = kleroterion_fuzz::honest_receipts();
    for (i, r) in receipts.iter().enumerate() {
        out("receipt", &format!("honest-{i:02}.json"), r);
    }
    out(
        "receipt",
        "wrong-index.json",
        receipts[0].replacen("\"index\": 0", "\"index\": 1", 1),
    );
    out(
        "receipt",
        "huge-count.json",
        receipts[0].replacen("\"pool_count\": 9", "\"pool_count\": 4294967295", 1),
    );

    // Quota files and people files from the data folders. A csv_people input is either a people
    // file (read with the target's fixed quotas) or `quotas NUL people`.
    let quota_files = [
        (
            "sortition-algorithms",
            "tests/data/sortition-algorithms/features.csv",
        ),
        (
            "small-20",
            "tests/data/replication/example_small_20/categories.csv",
        ),
        (
            "large-200",
            "tests/data/replication/example_large_200/categories.csv",
        ),
        (
            "francais",
            "crates/kleroterion-cli/tests/fixtures/francais/quotas.csv",
        ),
    ];
    for (name, path) in quota_files {
        out("csv_quotas", &format!("{name}.csv"), csv(path, 40));
    }
    let pairs = [
        (
            "sortition-algorithms",
            "tests/data/sortition-algorithms/features.csv",
            "tests/data/sortition-algorithms/candidates.csv",
        ),
        (
            "small-20",
            "tests/data/replication/example_small_20/categories.csv",
            "tests/data/replication/example_small_20/respondents.csv",
        ),
        (
            "large-200",
            "tests/data/replication/example_large_200/categories.csv",
            "tests/data/replication/example_large_200/respondents.csv",
        ),
        (
            "francais",
            "crates/kleroterion-cli/tests/fixtures/francais/quotas.csv",
            "crates/kleroterion-cli/tests/fixtures/francais/personnes.csv",
        ),
    ];
    for (name, quotas, people) in pairs {
        let mut bytes = csv(quotas, 40);
        bytes.push(0);
        bytes.extend(csv(people, 30));
        out("csv_people", &format!("{name}.csv"), bytes);
    }

    // Hand-written inputs for the documented bad-input classes.
    let quotas: &[(&str, &[u8])] = &[
        ("empty.csv", b""),
        ("header-only.csv", b"feature,value,min,max\n"),
        (
            "bom-semicolons.csv",
            b"\xEF\xBB\xBFfeature;value;min;max\r\ngender;female;1;3\ngender;male;1;3\r\n",
        ),
        (
            "negative.csv",
            b"feature,value,min,max\ngender,female,-1,3\n",
        ),
        (
            "non-numeric.csv",
            b"feature,value,min,max\ngender,female,one,3\n",
        ),
        (
            "flex.csv",
            b"feature,value,min,max,min_flex,max_flex\ngender,female,1,3,0,4\n,,,,,\n",
        ),
        (
            "panelot.csv",
            b"category,feature,min,max\ngender,\"fe,male\",1,3\n",
        ),
        (
            "latin1.csv",
            b"feature,value,min,max\ngender,f\xe9minin,1,3\n",
        ),
    ];
    for (name, bytes) in quotas {
        out("csv_quotas", name, bytes);
    }
    let people: &[(&str, &[u8])] = &[
        ("empty.csv", b""),
        ("header-only.csv", b"id,gender,age\n"),
        ("basic.csv", b"id,gender,age,address,town\n1,female,young,1 rue A,Lattes\n2,male,old,1 RUE A,Lattes\n3,male,young,,P\xc3\xa9rols\n"),
        ("bom-crlf.csv", b"\xEF\xBB\xBFid;gender;age\r\n1;female;young\n2;male;old\r\r\n3;female;old\r\n"),
        ("quotes.csv", b"id,gender,age,address\n\"1\",\"female\",young,\"12, rue \"\"A\"\"\nLattes\"\n2,male,old,x\n"),
        ("extra-column.csv", b"id,gender,age\n1,female,young,extra\n"),
        ("missing-column.csv", b"id,gender\n1,female\n"),
        ("duplicate-id.csv", b"id,gender,age\n1,female,young\n1,male,old\n"),
        ("unknown-value.csv", b"id,gender,age\n1,Female,young\n"),
        ("latin1.csv", b"id,gender,age\n1,female,young\n2,male,\xe2ge\n"),
        ("one-household.csv", b"id,gender,age,address\n1,female,young,same\n2,male,old,SAME\n3,female,old,same\n"),
        ("pool-of-one.csv", b"id,gender,age\n1,female,young\n"),
        ("unclosed-quote.csv", b"id,gender,age\n1,\"female,young\n"),
    ];
    for (name, bytes) in people {
        out("csv_people", name, bytes);
    }

    // A few structured seeds for the draw target (arbitrary bytes).
    for (i, seed) in [
        &b"\x07\x02\x01\x01\x01\x04\x01\x04\x01\x04\x00\x01\x02\x03\x04\x05\x06\x07"[..],
        b"\x0b\x01\x02\x02\x00\x05\x00\x05\x00\x05\x01\x00\x01\x01\x02\x03\x04\x00\x02",
        b"\x03\x00\x00\x00\x00\x00\x00\x00\x02\x05\x00\x08\x03\x00",
        b"\x05\x02\x00\x02\x01\x02\x00\x02\x01\x01\x01\x00\x01\x02\x03\x01\x02\x03\x02\x01\x06\x02\x03",
        b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",
    ]
    .iter()
    .enumerate()
    {
        out("draw", &format!("seed-{i}.bin"), seed);
    }
}
