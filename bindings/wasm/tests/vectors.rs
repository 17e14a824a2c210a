//! The shared vectors of `tests/vectors/*.json` through the bindings, in wasm (and natively).
//!
//! Run in wasm with
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test -p kleroterion-wasm --target wasm32-unknown-unknown`.

use kleroterion_wasm::api;
use serde_json::Value;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test;

const DRAWS: &str = include_str!("../../../tests/vectors/draws.json");
const ENCODING: &str = include_str!("../../../tests/vectors/encoding.json");
const MERKLE: &str = include_str!("../../../tests/vectors/merkle.json");
const RECEIPTS: &str = include_str!("../../../tests/vectors/receipts.json");
const SAMPLING: &str = include_str!("../../../tests/vectors/sampling.json");
const SEED: &str = include_str!("../../../tests/vectors/seed.json");
const STREAM: &str = include_str!("../../../tests/vectors/stream.json");
const VERIFY: &str = include_str!("../../../tests/vectors/verify.json");

/// The number of steps of a report (SPEC.md section 12.1).
const STEPS: usize = 15;

fn load(text: &str) -> Value {
    serde_json::from_str(text).expect("vector file is JSON")
}

fn arr<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} is a list"))
}

/// The cases of a list of vectors, which must not be empty (so that a vector file that lost
/// its cases cannot pass silently).
#[track_caller]
fn cases<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    let list = arr(v, key);
    assert!(!list.is_empty(), "the list \"{key}\" is empty");
    list
}

fn s(v: &Value) -> &str {
    v.as_str().expect("a string")
}

fn out(text: &str) -> Value {
    serde_json::from_str(text).expect("the bindings return JSON")
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn encoding_records() {
    let v = load(ENCODING);
    for c in cases(&v, "records") {
        let got = out(&api::record_encoding(&c["record"].to_string()).expect("record"));
        assert_eq!(got["bytes"], c["bytes"]);
        assert_eq!(got["leaf"], c["leaf"]);
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn encoding_manifests() {
    let v = load(ENCODING);
    for c in cases(&v, "manifests") {
        let got = out(&api::manifest_encoding(&c["manifest"].to_string()).expect("manifest"));
        assert_eq!(got["bytes"], c["bytes"]);
        assert_eq!(got["commitment"], c["commitment"]);
        assert_eq!(got["error"], Value::Null, "{}", c["manifest"]["title"]);
        let commitment = api::manifest_commitment(&c["manifest"].to_string()).expect("commitment");
        assert_eq!(commitment, s(&c["commitment"]));
    }
}

/// Each invalid manifest is refused with the kind of SPEC.md section 5.1, when it is read or
/// when it is validated.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn encoding_invalid_manifests() {
    let v = load(ENCODING);
    let mut wrong = Vec::new();
    for c in cases(&v, "invalid_manifests") {
        let kind = match api::manifest_encoding(&c["manifest"].to_string()) {
            Ok(text) => out(&text)["error_kind"]
                .as_str()
                .unwrap_or("accepted")
                .to_owned(),
            Err(e) => e.kind,
        };
        if kind != s(&c["error"]) {
            wrong.push(format!(
                "{}: {kind}, expected {}",
                s(&c["what"]),
                s(&c["error"])
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn encoding_lottery_values_and_texts() {
    let v = load(ENCODING);
    for c in cases(&v, "lottery_values") {
        let reveal = serde_json::json!({ "sources": [c["value"]] });
        let got = out(&api::reveal_seed(&reveal.to_string(), &"00".repeat(32)).expect("reveal"));
        assert_eq!(
            got["reveal_bytes"],
            format!("00000001{}", s(&c["bytes"])),
            "{}",
            c["value"]
        );
        assert_eq!(
            got["rfc3797_key"],
            format!("{}/", s(&c["rfc3797"])),
            "{}",
            c["value"]
        );
        let main = c["value"]["main"].to_string();
        let canonical = api::lottery_canonical(&main).expect("numbers");
        assert!(s(&c["rfc3797"]).starts_with(&canonical), "{}", c["value"]);
    }
    for c in cases(&v, "invalid_texts") {
        let text = s(&c["text"]);
        for kind in ["ticket", "name", "free"] {
            if text.is_empty() && kind == "free" {
                continue;
            }
            let e = api::check_text(text, kind).expect_err(text);
            assert_eq!(e.kind, "InvalidText", "{} ({kind})", s(&c["reason"]));
        }
    }
    for c in cases(&v, "valid_texts") {
        for kind in ["ticket", "name", "free"] {
            assert_eq!(
                api::check_text(s(&c["text"]), kind),
                Ok(()),
                "{} ({kind})",
                c["text"]
            );
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn merkle_roots_and_proofs() {
    let v = load(MERKLE);
    for t in cases(&v, "trees") {
        let got = out(&api::merkle_tree(&t["records"].to_string()).expect("tree"));
        assert_eq!(got["root"], t["root"]);
        assert_eq!(got["leaves"], t["leaves"]);
        assert_eq!(got["proofs"], t["proofs"]);
        let count = arr(t, "leaves").len() as u32;
        for (i, (leaf, proof)) in cases(t, "leaves")
            .iter()
            .zip(cases(t, "proofs"))
            .enumerate()
        {
            let ok =
                api::verify_inclusion(s(leaf), i as u32, count, &proof.to_string(), s(&t["root"]));
            assert_eq!(ok, Ok(true));
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn seeds() {
    let v = load(SEED);
    for c in cases(&v, "cases") {
        let got =
            out(&api::reveal_seed(&c["reveal"].to_string(), s(&c["commitment"])).expect("seed"));
        assert_eq!(got["reveal_bytes"], c["reveal_bytes"]);
        assert_eq!(got["seed"], c["seed"]);
        assert_eq!(got["rfc3797_key"], c["rfc3797_key"]);
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn stream_words() {
    let v = load(STREAM);
    for c in cases(&v, "cases") {
        let index = c["index"].as_u64().expect("index") as u32;
        let key = api::stream_key(s(&c["seed"]), s(&c["purpose"]), index).expect("key");
        assert_eq!(key, s(&c["key"]));
        let words = cases(c, "words64");
        let got = out(&api::stream_words(&key, words.len() as u32).expect("words"));
        assert_eq!(&got, &c["words64"]);
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn sampling() {
    let v = load(SAMPLING);
    for c in cases(&v, "uniform") {
        let calls = cases(c, "results").len() as u32;
        let got = out(&api::uniform(s(&c["key"]), s(&c["n"]), calls).expect("uniform"));
        assert_eq!(got["results"], c["results"], "n = {}", c["n"]);
        assert_eq!(got["words_consumed"], c["words_consumed"], "n = {}", c["n"]);
    }
    for c in cases(&v, "sample") {
        let n = c["n"].as_u64().expect("n") as u32;
        let k = c["k"].as_u64().expect("k") as u32;
        let got = out(&api::sample(s(&c["key"]), n, k).expect("sample"));
        assert_eq!(got, c["result"]);
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn full_draws_and_verification() {
    let v = load(DRAWS);
    let draws = cases(&v, "draws");
    assert!(draws.len() >= 5);
    let mut sealed = 0;
    for c in draws {
        let name = s(&c["name"]);
        let bundle = draw_case(c).unwrap_or_else(|e| panic!("{name}: {e}"));
        let b = out(&bundle);
        // A sealed draw opens the panel then the alternates, exactly as the vectors give them;
        // without the organiser's openings it is refused, and an open draw has nothing to open.
        let openings =
            (!c["private_openings"].is_null()).then(|| c["private_openings"].to_string());
        match &openings {
            Some(_) => {
                sealed += 1;
                assert_eq!(b["openings"], c["openings"], "{name}");
                let e = api::draw(
                    &c["manifest"].to_string(),
                    &c["pool"].to_string(),
                    &c["reveal"].to_string(),
                )
                .expect_err(name);
                assert_eq!(e.kind, "OpeningMismatch", "{name}: {e}");
            }
            None => {
                assert_eq!(b.get("openings"), None, "{name}");
                let e = api::draw_sealed(
                    &c["manifest"].to_string(),
                    &c["pool"].to_string(),
                    &c["reveal"].to_string(),
                    "[]",
                )
                .expect_err(name);
                assert_eq!(e.kind, "OpeningMismatch", "{name}: {e}");
            }
        }
        assert_eq!(
            b["manifest"]["pool"]["root"], c["intermediate"]["pool_root"],
            "{name}"
        );
        assert_eq!(b["commitment"], c["commitment"], "{name}");
        assert_eq!(b["seed"], c["seed"], "{name}");
        assert_eq!(b["result"]["selected"], c["selected"], "{name}");
        assert_eq!(b["result"]["alternates"], c["alternates"], "{name}");
        assert_eq!(b["transcript"], c["transcript"], "{name}");
        // A maxent draw says how many panels it rejected before the panel (SPEC.md section
        // 9.6); the other methods' bundles have no such field.
        assert_eq!(b["result"].get("rejections"), c.get("rejections"), "{name}");
        let report = out(&api::verify(&bundle));
        assert_eq!(
            report["valid"],
            Value::Bool(true),
            "{name}: {}",
            report["error"]
        );
        assert_eq!(arr(&report, "steps").len(), STEPS);
        // Without the published commitment, the verdict is never a bare valid.
        assert_eq!(report["verdict"], "valid_if", "{name}");
        assert_eq!(report["by_hand"][0]["subject"], "commitment", "{name}");
        let facts = api::published_facts(s(&c["commitment"]), "").expect("facts");
        let given = out(&api::verify_with(&bundle, &facts, "[]").expect("verify_with"));
        assert_eq!(
            given["valid"],
            Value::Bool(true),
            "{name}: {}",
            given["error"]
        );
        assert!(
            arr(&given, "by_hand")
                .iter()
                .all(|i| i["subject"] != "commitment"),
            "{name}: the commitment given is not compared by hand"
        );
    }
    assert!(sealed >= 1, "draws.json holds a sealed draw");
    for c in cases(&v, "failures") {
        let e = api::draw(
            &c["manifest"].to_string(),
            &c["pool"].to_string(),
            &c["reveal"].to_string(),
        )
        .expect_err(s(&c["name"]));
        assert_eq!(e.kind, s(&c["error"]));
    }
}

/// The maxent draws of `draws.json` through the views of a parsed bundle: the number of
/// rejections in the published lists, the picks of each attempt (never a person), and the
/// draw step, which fails when that number is changed, removed, or given for another method.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn maxent_rejections_and_picks() {
    let v = load(DRAWS);
    let failed = |b: &Value| -> (String, String, String) {
        let r = out(&api::verify(&b.to_string()));
        assert_eq!(r["valid"], Value::Bool(false));
        let step = arr(&r, "steps")
            .iter()
            .find(|s| s["status"] == "failed")
            .map(|s| s["id"].as_str().unwrap_or_default().to_string())
            .unwrap_or_default();
        (step, s(&r["error_kind"]).into(), s(&r["error"]).into())
    };
    let mut seen = 0;
    for c in cases(&v, "draws") {
        let name = s(&c["name"]);
        let text = draw_case(c).unwrap_or_else(|e| panic!("{name}: {e}"));
        let honest = out(&text);
        let method = s(&c["manifest"]["method"]["name"]);
        let parsed = api::ParsedBundle::new(&text);
        let members = out(&parsed.members().expect("members"));
        assert_eq!(members.get("rejections"), c.get("rejections"), "{name}");
        if method != "maxent" {
            let mut b = honest.clone();
            b["result"]["rejections"] = 1.into();
            let want = format!(
                "the bundle says 1 panels were rejected, but the {method} method rejects none"
            );
            assert_eq!(
                failed(&b),
                ("draw".into(), "DrawMismatch".into(), want),
                "{name}"
            );
            continue;
        }
        seen += 1;
        let rejections = c["rejections"].as_u64().expect("rejections");
        let picks = out(&parsed.picks().expect("picks"));
        let attempts: Vec<&Value> = arr(&picks, "picks")
            .iter()
            .filter(|p| p["picked"]["kind"] == "attempt")
            .collect();
        let people = arr(&picks, "picks").len() - attempts.len();
        assert_eq!(people, arr(c, "alternates").len(), "{name}");
        for p in &attempts {
            assert_eq!(p["stream"], "panel", "{name}");
            assert_eq!(p["index"], p["picked"]["index"], "{name}");
            assert_eq!(p["ticket"], Value::Null, "{name}");
            if p["among"] == 0 {
                assert_eq!(p["position"], 0, "{name}");
            }
        }
        assert_eq!(
            attempts.last().map(|p| p["picked"]["index"].clone()),
            Some(rejections.into()),
            "{name}: the last attempt is the accepted one"
        );
        let report = out(&api::verify(&text));
        let draw = arr(&report, "steps")
            .iter()
            .find(|s| s["id"] == "draw")
            .expect("draw step");
        let line = format!(
            "{rejections} panels drawn and rejected before the panel (a quota of a feature that is not counted, or the household rule)"
        );
        assert!(arr(draw, "detail").contains(&Value::String(line)), "{name}");
        let mut b = honest.clone();
        b["result"]["rejections"] = (rejections + 1).into();
        let want = format!(
            "the draw rejects {rejections} panels before the panel, but the bundle says {}",
            rejections + 1
        );
        assert_eq!(
            failed(&b),
            ("draw".into(), "DrawMismatch".into(), want),
            "{name}"
        );
        let mut b = honest.clone();
        b["result"]
            .as_object_mut()
            .expect("result")
            .remove("rejections");
        let want = format!(
            "the draw rejects {rejections} panels before the panel, and the bundle does not say how many"
        );
        assert_eq!(
            failed(&b),
            ("draw".into(), "DrawMismatch".into(), want),
            "{name}"
        );
    }
    assert!(seen >= 1, "draws.json holds a maxent draw");
}

/// The bundle of a draw of `draws.json`: with the organiser's openings for a sealed pool.
fn draw_case(c: &Value) -> Result<String, kleroterion_wasm::error::ApiError> {
    let (manifest, pool, reveal) = (
        c["manifest"].to_string(),
        c["pool"].to_string(),
        c["reveal"].to_string(),
    );
    match c.get("private_openings") {
        Some(o) => api::draw_sealed(&manifest, &pool, &reveal, &o.to_string()),
        None => api::draw(&manifest, &pool, &reveal),
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn replacements() {
    let v = load(DRAWS);
    let draws = cases(&v, "draws");
    let mut sealed = 0;
    for c in cases(&v, "replacements") {
        let d = draws
            .iter()
            .find(|d| d["name"] == c["draw"])
            .expect("draw named");
        let bundle = draw_case(d).expect("draw");
        let dropped = c["dropped"].to_string();
        let r = match d.get("private_openings") {
            Some(o) => {
                sealed += 1;
                let r = out(&api::replace_sealed(&bundle, &dropped, &o.to_string())
                    .expect("replace_sealed"));
                // The record opens exactly the records the rule read beyond the bundle's.
                let none = Value::Array(Vec::new());
                assert_eq!(
                    r.get("openings").unwrap_or(&none),
                    &c["openings"],
                    "{}",
                    c["draw"]
                );
                // Without the organiser's openings, a rule that reads a sealed record beyond
                // the bundle's openings cannot run.
                match api::replace(&bundle, &dropped) {
                    Ok(plain) => assert_eq!(out(&plain), r, "{}: no opening needed", c["draw"]),
                    Err(e) => {
                        assert_eq!(e.kind, "OpeningMismatch", "{e}");
                        assert!(!arr(c, "openings").is_empty(), "{}", c["draw"]);
                    }
                }
                // The file the organiser keeps is read as well as the bare list.
                let file = serde_json::json!({"spec": kleroterion::SPEC_VERSION, "openings": o});
                let from_file = api::replace_sealed(&bundle, &dropped, &file.to_string())
                    .expect("the openings file");
                assert_eq!(out(&from_file), r);
                r
            }
            None => out(&api::replace(&bundle, &dropped).expect("replace")),
        };
        assert_eq!(r["replacements"], c["replacements"], "{}", c["draw"]);
        assert_eq!(r["panel"], c["panel"], "{}", c["draw"]);
        assert_eq!(r["broken_quotas"], c["broken_quotas"], "{}", c["draw"]);
        assert_eq!(r["hash"], c["hash"], "{}", c["draw"]);
    }
    assert!(sealed >= 1, "draws.json replaces in a sealed draw");
}

/// Every case of `receipts.json`: a sealed record's receipt shows the values of its opening.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn receipts() {
    let v = load(RECEIPTS);
    let bundles: Vec<(String, String)> = cases(&v, "bundles")
        .iter()
        .map(|b| (s(&b["name"]).to_owned(), b["bundle"].to_string()))
        .collect();
    let mut sealed = 0;
    for c in cases(&v, "cases") {
        let name = s(&c["name"]);
        let bundle = &bundles
            .iter()
            .find(|(n, _)| n == s(&c["bundle"]))
            .expect("bundle named")
            .1;
        let a = out(&api::check_receipt(&c["receipt"].to_string(), bundle));
        assert_eq!(a["matches"], c["matches"], "{name}: {}", a["error"]);
        assert_eq!(a["error_kind"], c["error_kind"], "{name}");
        if c["matches"] != Value::Bool(true) {
            continue;
        }
        let outcome = s(&a["outcome"]["outcome"]).replace('_', " ");
        assert_eq!(outcome, s(&c["outcome"]), "{name}");
        let shown: Vec<Value> = arr(&a, "features").iter().map(|p| p[1].clone()).collect();
        let opening = &c["receipt"]["opening"];
        if opening.is_null() {
            assert_eq!(a["sealed"], Value::Bool(false), "{name}");
            assert_eq!(
                &Value::Array(shown),
                &c["receipt"]["record"]["values"],
                "{name}"
            );
        } else {
            sealed += 1;
            assert_eq!(a["sealed"], Value::Bool(true), "{name}");
            assert_eq!(&Value::Array(shown), &opening["values"], "{name}");
        }
        let verified = out(&api::verify(bundle))["valid"].clone();
        assert_eq!(verified, c["established"], "{name}");
    }
    assert!(sealed >= 3, "receipts.json holds sealed receipts");
}

/// A sealed bundle's views show the opened values of the panel and the alternates, and no
/// one else's: the quota table counts the panel from its openings, the lists and the ticket
/// search give the opened values, and an opening that does not open its record shows nothing.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn sealed_views_show_opened_values() {
    let v = load(DRAWS);
    let c = arr(&v, "draws")
        .iter()
        .find(|d| d["manifest"]["sealed"] == Value::Bool(true))
        .expect("a sealed draw");
    let text = draw_case(c).expect("draw");
    let b = out(&text);
    let k = arr(&b["result"], "selected").len();
    let openings = arr(&b, "openings");
    let features = arr(&b["manifest"], "features");

    let q = out(&api::quota_table(&text).expect("quota table"));
    assert_eq!(q["sealed"], Value::Bool(true));
    let mut rows = 0;
    for (f, feat) in features.iter().enumerate() {
        for quota in arr(feat, "values") {
            let row = &q["rows"][rows];
            rows += 1;
            let want = openings[..k]
                .iter()
                .filter(|o| o["values"][f] == quota["value"])
                .count();
            assert_eq!(row["value"], quota["value"]);
            assert_eq!(row["panel"].as_u64(), Some(want as u64), "{}", row["value"]);
            assert_eq!(row["pool"], Value::Null, "the pool's values are sealed");
            assert_eq!(row["ok"], Value::Bool(true), "{}", row["value"]);
        }
    }
    assert_eq!(arr(&q, "rows").len(), rows);

    let m = out(&api::members(&text).expect("members"));
    assert_eq!(m["sealed"], Value::Bool(true));
    let listed: Vec<&Value> = arr(&m, "selected")
        .iter()
        .chain(arr(&m, "alternates"))
        .collect();
    assert_eq!(listed.len(), openings.len());
    for (member, o) in listed.iter().zip(openings) {
        assert_eq!(member["ticket"], o["ticket"]);
        assert_eq!(member["values"], o["values"]);
    }

    let p = api::ParsedBundle::new(&text);
    assert_eq!(
        p.members().expect("members"),
        api::members(&text).expect("members")
    );
    assert_eq!(
        p.quota_table().expect("quotas"),
        api::quota_table(&text).expect("quotas")
    );
    let a = out(&p.find_ticket(s(&openings[0]["ticket"])).expect("find"));
    assert_eq!(a["sealed"], Value::Bool(true));
    let values: Vec<Value> = arr(&a, "features").iter().map(|p| p[1].clone()).collect();
    assert_eq!(Value::Array(values), openings[0]["values"]);
    let outsider = arr(&b, "pool")
        .iter()
        .find(|r| !openings.iter().any(|o| o["ticket"] == r["ticket"]))
        .expect("someone neither selected nor alternate");
    let a = out(&p.find_ticket(s(&outsider["ticket"])).expect("find"));
    assert_eq!(a["outcome"]["outcome"], "not_selected");
    assert_eq!(a["sealed"], Value::Bool(true));
    assert!(
        arr(&a, "features").is_empty(),
        "a record the bundle does not open stays sealed"
    );

    // An opening whose values were changed fails the openings step, and no view shows them.
    let mut forged = b.clone();
    let other = arr(&features[0], "values")
        .iter()
        .find(|x| x["value"] != openings[0]["values"][0])
        .expect("another value")["value"]
        .clone();
    forged["openings"][0]["values"][0] = other;
    let forged = forged.to_string();
    let r = out(&api::verify(&forged));
    assert_eq!(r["valid"], Value::Bool(false));
    assert_eq!(r["error_kind"], "OpeningMismatch");
    let failed: Vec<&Value> = arr(&r, "steps")
        .iter()
        .filter(|s| s["status"] == "failed")
        .map(|s| &s["id"])
        .collect();
    assert_eq!(failed, [&Value::from("openings")]);
    let m = out(&api::members(&forged).expect("members"));
    assert_eq!(m["selected"][0]["values"], Value::Null);
    assert_eq!(m["selected"][1]["values"], openings[1]["values"]);

    // An open bundle's quota table is exactly the core's.
    let open = arr(&v, "draws")
        .iter()
        .find(|d| {
            d["manifest"]["method"]["name"] == "lottery"
                && d["manifest"]["sealed"] != Value::Bool(true)
        })
        .expect("an open lottery");
    let text = draw_case(open).expect("draw");
    let core = serde_json::to_value(kleroterion::verify::QuotaTable::of(
        &kleroterion::Bundle::from_json(&text).expect("bundle"),
    ))
    .expect("json");
    assert_eq!(out(&api::quota_table(&text).expect("quotas")), core);
    assert_eq!(
        out(&api::members(&text).expect("members"))["sealed"],
        Value::Bool(false)
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn tampering_is_named_and_receipts_checked() {
    let v = load(DRAWS);
    let c = arr(&v, "draws")
        .iter()
        .find(|d| d["manifest"]["method"]["name"] == "lottery")
        .expect("a lottery draw");
    let text = api::draw(
        &c["manifest"].to_string(),
        &c["pool"].to_string(),
        &c["reveal"].to_string(),
    )
    .expect("draw");
    let honest = out(&text);

    let failed = |b: &Value| -> String {
        let r = out(&api::verify(&b.to_string()));
        assert_eq!(r["valid"], Value::Bool(false));
        arr(&r, "steps")
            .iter()
            .find(|s| s["status"] == "failed")
            .map(|s| s["id"].as_str().unwrap_or_default().to_string())
            .unwrap_or_default()
    };
    let mut b = honest.clone();
    b["spec"] = "kleroterion/v9".into();
    assert_eq!(failed(&b), "format");
    let mut b = honest.clone();
    b["manifest"]["title"] = "changed".into();
    assert_eq!(failed(&b), "manifest");
    let mut b = honest.clone();
    b["transcript"] = Value::String("00".repeat(32));
    assert_eq!(failed(&b), "transcript");
    assert_eq!(failed(&Value::String("not a bundle".into())), "format");

    // Probabilities and the quota table of a lottery bundle.
    let p = out(&api::selection_probabilities(&text).expect("lottery"));
    let m = arr(&honest["manifest"]["method"], "portfolio").len() as u64;
    assert_eq!(p["panels"].as_u64(), Some(m));
    let k = honest["manifest"]["panel_size"].as_u64().expect("k");
    let total: u64 = arr(&p, "counts").iter().filter_map(Value::as_u64).sum();
    assert_eq!(total, k * m);
    let q = out(&api::quota_table(&text).expect("quotas"));
    assert!(arr(&q, "rows").iter().all(|r| r["ok"] == Value::Bool(true)));

    // A receipt issued from the bundle's own tree.
    let tree = out(&api::merkle_tree(&honest["pool"].to_string()).expect("tree"));
    let ticket = s(&honest["result"]["selected"][0]);
    let index = arr(&honest, "pool")
        .iter()
        .position(|r| r["ticket"] == ticket)
        .expect("selected ticket in pool");
    let mut receipt = serde_json::json!({
        "format": "kleroterion-receipt",
        "spec": kleroterion::SPEC_VERSION,
        "commitment": honest["commitment"],
        "pool_root": honest["manifest"]["pool"]["root"],
        "pool_count": honest["manifest"]["pool"]["count"],
        "index": index,
        "record": honest["pool"][index],
        "proof": tree["proofs"][index],
        // The vectors' rule for secrets (tests/vectors/draws.json's description).
        "secret": kleroterion::encoding::sha256(
            format!("kleroterion vectors secret{}", ticket).as_bytes()
        ),
    });
    let a = out(&api::check_receipt(&receipt.to_string(), &text));
    assert_eq!(a["matches"], Value::Bool(true), "{}", a["error"]);
    assert_eq!(a["outcome"]["outcome"], "selected");
    assert_eq!(a["outcome"]["position"], 1);
    // The same receipt as anyone could rebuild it from the public pool: no valid secret.
    let mut rebuilt = receipt.clone();
    rebuilt["secret"] = Value::String("00".repeat(32));
    let a = out(&api::check_receipt(&rebuilt.to_string(), &text));
    assert_eq!(a["matches"], Value::Bool(false));
    assert_eq!(a["error_kind"], "ReceiptMismatch");
    receipt["record"]["values"][0] = "forged".into();
    let a = out(&api::check_receipt(&receipt.to_string(), &text));
    assert_eq!(a["matches"], Value::Bool(false));
    assert_eq!(a["error_kind"], "ReceiptMismatch");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn unreadable_text_fails_the_format_step() {
    for text in ["", "[]", "{", r#"{"hello": "world"}"#] {
        let r = out(&api::verify(text));
        assert_eq!(r["valid"], Value::Bool(false), "{text}");
        assert_eq!(r["verdict"], "invalid", "{text}");
        assert_eq!(r["error_kind"], "UnreadableBundle", "{text}");
        assert!(arr(&r, "by_hand").is_empty());
        let steps = arr(&r, "steps");
        assert_eq!(steps.len(), STEPS);
        assert_eq!(steps[0]["id"], "format");
        assert_eq!(steps[0]["status"], "failed");
        assert!(steps[1..].iter().all(|s| s["status"] == "not_checked"));
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn first_drand_round_plans_a_draw() {
    let r = out(&api::first_drand_round("quicknet", "2023-08-23T15:09:30Z").expect("quicknet"));
    assert_eq!(r["network"], "quicknet");
    assert_eq!(r["round"], 2);
    assert_eq!(r["time"], "2023-08-23T15:09:30Z");
    let r = out(&api::first_drand_round("mainnet", "2020-07-22T15:18:00Z").expect("mainnet"));
    assert_eq!(r["round"], 2);
    // One second later is the next round; a chain hash, no seconds and no Z are accepted.
    let hash = s(&r["chain"]).to_owned();
    let later = out(&api::first_drand_round(&hash, "2020-07-22 15:18:01").expect("by hash"));
    assert_eq!(later["network"], "mainnet");
    assert_eq!(later["round"], 3);
    let r = out(&api::first_drand_round("QUICKNET", "2023-08-23T15:10").expect("no seconds"));
    assert_eq!(r["after"], "2023-08-23T15:10:00Z");
    for (chain, time) in [
        ("testnet", "2023-08-23T15:09:30Z"),
        ("quicknet", "2023-02-30T00:00:00Z"),
        ("quicknet", "2023-08-23T25:00:00Z"),
        ("quicknet", "yesterday"),
        ("quicknet", "1969-12-31T23:59:59Z"),
    ] {
        let e = api::first_drand_round(chain, time).expect_err(time);
        assert_eq!(e.kind, "InvalidArgument", "{chain} {time}");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn non_lottery_has_no_probabilities() {
    let v = load(DRAWS);
    let c = arr(&v, "draws")
        .iter()
        .find(|d| d["manifest"]["method"]["name"] == "uniform")
        .expect("a uniform draw");
    let text = api::draw(
        &c["manifest"].to_string(),
        &c["pool"].to_string(),
        &c["reveal"].to_string(),
    )
    .expect("draw");
    let e = api::selection_probabilities(&text).expect_err("not a lottery");
    assert_eq!(e.kind, "NotLottery");
}

/// The maxent draws of the vectors can reject a panel: no exact chance, with why; the same
/// draw with every bound feature counted has exact chances whose numerators add up to `k·Z`.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn maxent_chances_exact_or_why_not() {
    let v = load(DRAWS);
    let draws: Vec<&Value> = arr(&v, "draws")
        .iter()
        .filter(|d| d["manifest"]["method"]["name"] == "maxent")
        .collect();
    assert!(!draws.is_empty(), "draws.json holds maxent draws");
    let draw = |manifest: &Value, c: &Value| {
        api::draw(
            &manifest.to_string(),
            &c["pool"].to_string(),
            &c["reveal"].to_string(),
        )
        .expect("draw")
    };
    for c in &draws {
        let got = out(&api::maxent_chances(&draw(&c["manifest"], c)).expect("chances"));
        let name = s(&c["name"]);
        assert_eq!(got["exact"], false, "{name}");
        assert!(got["total"].is_null(), "{name}");
        let why = &got["not_exact"];
        let uncounted = why["uncounted"].as_array().map_or(0, Vec::len);
        assert!(
            uncounted > 0 || !why["shared_household"].is_null(),
            "{name}"
        );
    }
    let c = draws[0];
    let mut manifest = c["manifest"].clone();
    let k = manifest["panel_size"].as_u64().expect("k");
    let names: Vec<Value> = arr(&manifest, "features")
        .iter()
        .map(|f| f["name"].clone())
        .collect();
    manifest["method"]["counted"] = Value::Array(names);
    let got = out(&api::maxent_chances(&draw(&manifest, c)).expect("chances"));
    assert_eq!(got["exact"], true);
    let total: u128 = s(&got["total"]).parse().expect("Z");
    let sum: u128 = arr(&got, "chances")
        .iter()
        .map(|x| s(&x["numerator"]).parse::<u128>().expect("numerator"))
        .sum();
    assert_eq!(sum, u128::from(k) * total);
    let p: f64 = arr(&got, "chances")
        .iter()
        .map(|x| x["probability"].as_f64().expect("probability"))
        .sum();
    assert!((p - k as f64).abs() < 1e-9, "{p}");

    let uniform = arr(&v, "draws")
        .iter()
        .find(|d| d["manifest"]["method"]["name"] == "uniform")
        .expect("a uniform draw");
    let e = api::maxent_chances(&draw(&uniform["manifest"], uniform)).expect_err("not maxent");
    assert_eq!(e.kind, "NotMaxent");
}

/// The exported functions throw a JavaScript `Error` named after the failure.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test::wasm_bindgen_test]
fn exports_throw_named_errors() {
    use wasm_bindgen::JsCast;
    let e = kleroterion_wasm::selection_probabilities("{}").expect_err("not a bundle");
    let e: js_sys::Error = e.dyn_into().expect("a JS Error");
    assert_eq!(String::from(e.name()), "Json");
    let e = kleroterion_wasm::sample("00", 3, 1).expect_err("bad key");
    let e: js_sys::Error = e.dyn_into().expect("a JS Error");
    assert_eq!(String::from(e.name()), "InvalidHex");
    assert_eq!(kleroterion_wasm::spec_version(), "kleroterion/v2");
    let e = kleroterion_wasm::published_facts("not hex", "").expect_err("bad commitment");
    let e: js_sys::Error = e.dyn_into().expect("a JS Error");
    assert_eq!(String::from(e.name()), "InvalidCommitment");
}

/// Every case of `verify.json` through the binding: the published facts and replacement
/// records given, the verdict, the steps, the failure and the subjects to compare by hand.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn verify_cases() {
    let v = load(VERIFY);
    let mut wrong = Vec::new();
    for c in cases(&v, "cases") {
        let name = s(&c["name"]);
        let text = match c.get("bundle_text") {
            Some(t) => s(t).to_owned(),
            None => c["bundle"].to_string(),
        };
        let report = out(&api::verify_with(
            &text,
            &c["published"].to_string(),
            &c["replacements"].to_string(),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}")));
        let mut differs = |what: &str, got: &Value, want: &Value| {
            if got != want {
                wrong.push(format!(
                    "{name}: {what} {got}, expected {want} ({})",
                    report["error"]
                ));
            }
        };
        for key in ["verdict", "valid", "purpose", "error_kind"] {
            differs(key, &report[key], &c[key]);
        }
        let steps: Vec<Value> = arr(&report, "steps")
            .iter()
            .map(|s| serde_json::json!({"id": s["id"], "status": s["status"]}))
            .collect();
        differs("steps", &Value::Array(steps.clone()), &c["steps"]);
        let failed = steps
            .iter()
            .find(|s| s["status"] == "failed")
            .map_or(Value::Null, |s| s["id"].clone());
        differs("failed step", &failed, &c["failed_step"]);
        let subjects: Vec<Value> = arr(&report, "by_hand")
            .iter()
            .map(|i| i["subject"].clone())
            .collect();
        differs("by hand", &Value::Array(subjects.clone()), &c["by_hand"]);
        // Lottery and dice values are never checked by computation: when the bundle
        // verifies, each of them is an item to compare by hand.
        if report["valid"] == Value::Bool(true) {
            let kinds: Vec<&str> = c["bundle"]["reveal"]["sources"]
                .as_array()
                .map(|v| v.iter().filter_map(|x| x["kind"].as_str()).collect())
                .unwrap_or_default();
            for kind in ["lottery", "dice"] {
                let given = kinds.iter().filter(|k| **k == kind).count();
                let listed = subjects.iter().filter(|x| *x == kind).count();
                assert_eq!(
                    given, listed,
                    "{name}: every {kind} value is compared by hand"
                );
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} differences:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// What a page's fields hold becomes the core's published facts in one place.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn published_facts_from_the_page_fields() {
    let hex = "ab".repeat(32);
    let grouped: Vec<String> = (0..16)
        .map(|i| hex[i * 4..i * 4 + 4].to_uppercase())
        .collect();
    let f = out(&api::published_facts(
        &format!(" {}\n", grouped.join(" ")),
        "euromillions@2026-12-04=7,18,28,40,48+3,9\n\n  fr-loto@2026-12-05=1 2 3 4 5+6  \n",
    )
    .expect("facts"));
    assert_eq!(f["commitment"], hex);
    let lotteries = arr(&f, "lotteries");
    assert_eq!(lotteries.len(), 2);
    assert_eq!(lotteries[0]["lottery"], "euromillions");
    assert_eq!(lotteries[0]["date"], "2026-12-04");
    assert_eq!(lotteries[0]["main"], serde_json::json!([7, 18, 28, 40, 48]));
    assert_eq!(lotteries[0]["bonus"], serde_json::json!([[3, 9]]));
    assert_eq!(lotteries[1]["bonus"], serde_json::json!([[6]]));
    let none = out(&api::published_facts("", "").expect("nothing given"));
    assert_eq!(none["commitment"], Value::Null);
    assert!(arr(&none, "lotteries").is_empty());
    for bad in ["abc", &"g".repeat(64), &"ab".repeat(33)] {
        let e = api::published_facts(bad, "").expect_err(bad);
        assert_eq!(e.kind, "InvalidCommitment", "{bad}");
    }
    for bad in [
        "euromillions 2026-12-04 7",
        "euromillions@2026-12-04=7,x",
        "euromillions@2026-12-04=7+",
    ] {
        let e = api::published_facts("", bad).expect_err(bad);
        assert_eq!(e.kind, "InvalidReveal", "{bad}");
    }
    let e = api::verify_with("{}", "{\"commitment\": 3}", "[]").expect_err("bad facts");
    assert_eq!(e.kind, "Json");
}

/// Texts from a file reach the page escaped: control and bidirectional formatting characters
/// as `\u{..}`, long texts cut.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn texts_are_escaped_for_display() {
    assert_eq!(
        api::display_text("a\u{1b}[31mb\u{202e}c\u{85}", u32::MAX),
        "a\\u{1b}[31mb\\u{202e}c\\u{85}"
    );
    assert_eq!(api::display_text("Pérols", u32::MAX), "Pérols");
    assert!(api::display_text(&"x".repeat(300), 200).ends_with("… (100 more bytes)"));

    let v = load(DRAWS);
    let c = arr(&v, "draws")
        .iter()
        .find(|d| d["manifest"]["method"]["name"] == "uniform")
        .expect("a uniform draw");
    let text = api::draw(
        &c["manifest"].to_string(),
        &c["pool"].to_string(),
        &c["reveal"].to_string(),
    )
    .expect("draw");
    let mut b = out(&text);
    b["manifest"]["title"] = "Panel \u{202e}lanoitan\u{202c} \u{1b}[2J".into();
    b["pool"][0]["ticket"] = "T\u{2066}1".into();
    b["result"]["selected"][0] = "T\u{2066}1".into();
    let text = b.to_string();
    let sum = out(&api::summary(&text).expect("summary"));
    assert_eq!(sum["title"], "Panel \\u{202e}lanoitan\\u{202c} \\u{1b}[2J");
    assert_eq!(sum["selected"][0], "T\\u{2066}1");
    let r = out(&api::verify(&text));
    assert_eq!(r["verdict"], "invalid");
    assert_eq!(r["error_kind"], "InvalidText");
    let q = out(&api::quota_table(&text).expect("quota table"));
    assert!(q.to_string().chars().all(|ch| ch != '\u{2066}'));
}
