//! Sealed features through the command line (SPEC.md section 4.1): `commit --sealed` publishes
//! seals, `draw` opens the panel and the alternates from the private openings, `verify` checks
//! them, receipts carry their holder's opening, and `replace --openings` opens what its rule
//! reads.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

const KEY: &str = "5365616c6564206665617475726573212121";

fn json_file(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("file")).expect("JSON")
}

/// Commits the Sortition Foundation's 150 candidates (households on) as a sealed lottery of
/// 22 people, under the default disclosure floor.
fn sealed_commit(dir: &Path) -> (PathBuf, Run) {
    let out = dir.join("commit");
    let mut args = vec!["commit".to_string(), "--json".into(), "--sealed".into()];
    args.extend(sortition_foundation_args());
    let method = args.iter().position(|a| a == "greedy").expect("method");
    args[method] = "lottery".into();
    args.extend(["--panels".into(), "200".into(), "--ticket-key".into()]);
    args.push(KEY.into());
    args.push("--out".into());
    args.push(out.display().to_string());
    let r = run(&args);
    (out, r)
}

struct Sealed {
    dir: tempfile::TempDir,
    commit: PathBuf,
    bundle: PathBuf,
}

fn sealed_draw() -> Sealed {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let (commit, r) = sealed_commit(dir.path());
    assert_eq!(r.code, Some(0), "{}", r.err());
    let reveal = hex_reveal(dir.path(), "5ea1ed");
    let bundle = dir.path().join("draw/bundle.json");
    draw(&commit.join("manifest.json"), &reveal, &bundle)
        .assert()
        .success();
    Sealed {
        dir,
        commit,
        bundle,
    }
}

fn verify_json(bundle: &Path, extra: &[&str]) -> (Option<i32>, Value) {
    let mut args = vec![
        "--json".to_string(),
        "verify".into(),
        bundle.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let r = run(&args);
    (r.code, r.json())
}

#[test]
fn a_sealed_commit_publishes_seals_and_keeps_the_openings_private() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let (commit, r) = sealed_commit(dir.path());
    assert_eq!(r.code, Some(0), "{}", r.err());
    let out = r.json();
    assert_eq!(out["sealed"], true, "{out}");
    assert_eq!(out["min_cell"], 5, "the default floor holds: {out}");
    let manifest = json_file(&commit.join("manifest.json"));
    assert_eq!(manifest["sealed"], true);
    let pool = json_file(&commit.join("pool.json"));
    let records = pool["records"].as_array().expect("records");
    assert_eq!(records.len(), 150);
    for r in records {
        assert_eq!(r["values"], serde_json::json!([]), "{r}");
        assert!(r["seal"].as_str().is_some_and(|s| s.len() == 64), "{r}");
    }
    let openings = json_file(&commit.join("private/openings.json"));
    let openings = openings["openings"].as_array().expect("openings");
    assert_eq!(openings.len(), 150);
    for (o, r) in openings.iter().zip(records) {
        assert_eq!(o["ticket"], r["ticket"]);
        assert_eq!(o["values"].as_array().map(Vec::len), Some(4), "{o}");
    }
    let text = std::fs::read_to_string(commit.join("pool.json")).expect("pool");
    for value in ["Female", "Male", "geo_bucket"] {
        assert!(!text.contains(value), "the public pool names {value}");
    }
}

#[test]
fn the_draw_opens_the_panel_and_the_alternates_and_verifies() {
    let d = sealed_draw();
    let bundle = json_file(&d.bundle);
    let selected = bundle["result"]["selected"].as_array().expect("selected");
    let alternates = bundle["result"]["alternates"].as_array().expect("alt");
    let openings = bundle["openings"].as_array().expect("openings");
    assert_eq!(openings.len(), selected.len() + alternates.len());
    for (o, t) in openings.iter().zip(selected.iter().chain(alternates)) {
        assert_eq!(&o["ticket"], t);
    }
    let commitment = d.commit.join("commitment.txt").display().to_string();
    let (code, report) = verify_json(&d.bundle, &["--commitment", &commitment]);
    assert_eq!(code, Some(0), "{report}");
    let step = |id: &str| {
        report["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .find(|s| s["id"] == id)
            .cloned()
            .expect("step")
    };
    assert_eq!(step("openings")["status"], "passed");
    assert_eq!(step("quotas")["status"], "passed");
    let portfolio = step("portfolio")["detail"].to_string();
    assert!(portfolio.contains("sealed"), "{portfolio}");
    // The quota table counts the panel from its openings; the pool's values are sealed.
    let rows = report["quota_table"]["rows"].as_array().expect("rows");
    let gender: u64 = rows
        .iter()
        .filter(|r| r["feature"] == "Gender")
        .map(|r| r["panel"].as_u64().expect("count"))
        .sum();
    assert_eq!(gender, 22, "{rows:?}");
    assert!(rows.iter().all(|r| r["pool"].is_null() && r["ok"] == true));
}

#[test]
fn an_opening_changed_to_fit_the_quotas_fails_at_the_openings_step() {
    let d = sealed_draw();
    let mut bundle = json_file(&d.bundle);
    let first = &mut bundle["openings"][0]["values"][0];
    let other = if first == "Female" { "Male" } else { "Female" };
    *first = Value::from(other);
    let forged = d.dir.path().join("forged.json");
    std::fs::write(&forged, bundle.to_string()).expect("write");
    let (code, report) = verify_json(&forged, &[]);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(failed_step(&report), "openings", "{report}");
    assert_eq!(report["error_kind"], "OpeningMismatch", "{report}");
}

#[test]
fn a_receipt_shows_the_opened_values_and_fails_without_its_opening() {
    let d = sealed_draw();
    let bundle = json_file(&d.bundle);
    let ticket = bundle["result"]["selected"][0].as_str().expect("ticket");
    let receipt = d.commit.join(format!("private/receipts/{ticket}.json"));
    let r = run([
        "--json".as_ref(),
        "receipt".as_ref(),
        receipt.as_os_str(),
        d.bundle.as_os_str(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.err());
    let shown = r.out();
    let opening = &bundle["openings"][0]["values"];
    for v in opening.as_array().expect("values") {
        assert!(shown.contains(v.as_str().expect("text")), "{shown}");
    }
    let mut bare = json_file(&receipt);
    bare.as_object_mut().expect("object").remove("opening");
    let bare_path = d.dir.path().join("bare.json");
    std::fs::write(&bare_path, bare.to_string()).expect("write");
    let r = run([
        "receipt".as_ref(),
        bare_path.as_os_str(),
        d.bundle.as_os_str(),
    ]);
    assert_ne!(r.code, Some(0));
    assert!(r.err().contains("no opening"), "{}", r.err());
}

#[test]
fn a_replacement_that_reads_sealed_candidates_needs_the_openings() {
    let d = sealed_draw();
    let bundle = json_file(&d.bundle);
    let mut dropped: Vec<String> =
        vec![bundle["result"]["selected"][0].as_str().expect("t").into()];
    dropped.extend(
        bundle["result"]["alternates"]
            .as_array()
            .expect("alternates")
            .iter()
            .map(|t| t.as_str().expect("t").to_owned()),
    );
    let mut args = vec![
        "replace".to_string(),
        d.bundle.display().to_string(),
        "--dropped".into(),
    ];
    args.extend(dropped.iter().cloned());
    let r = run(&args);
    assert_ne!(r.code, Some(0), "{}", r.out());
    assert!(r.err().contains("--openings"), "{}", r.err());

    let record = d.dir.path().join("replacement.json");
    args.extend([
        "--openings".into(),
        d.commit.join("private/openings.json").display().to_string(),
        "--out".into(),
        record.display().to_string(),
    ]);
    let r = run(&args);
    assert_eq!(r.code, Some(0), "{}", r.err());
    let written = json_file(&record);
    let opened = written["openings"].as_array().expect("openings");
    assert!(!opened.is_empty(), "the rule read sealed candidates");
    let record_arg = record.display().to_string();
    let (code, report) = verify_json(&d.bundle, &["--replacement", &record_arg]);
    assert_eq!(code, Some(0), "{report}");

    let mut tampered = written.clone();
    tampered["openings"][0]["salt"] = Value::from("00".repeat(32));
    let bad = d.dir.path().join("tampered.json");
    std::fs::write(&bad, tampered.to_string()).expect("write");
    let bad_arg = bad.display().to_string();
    let (code, report) = verify_json(&d.bundle, &["--replacement", &bad_arg]);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(failed_step(&report), "replacements", "{report}");
}

#[test]
fn sealing_is_refused_for_methods_that_read_every_value() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let mut args = vec!["commit".to_string(), "--sealed".into()];
    args.extend(sortition_foundation_args());
    args.extend(["--out".into(), dir.path().join("c").display().to_string()]);
    let r = run(&args);
    assert_eq!(r.code, Some(2), "{}", r.out());
    assert!(r.err().contains("only for a lottery"), "{}", r.err());
    assert!(!dir.path().join("c").exists(), "nothing is written");
}

#[test]
fn a_sealed_draw_without_its_openings_file_names_it() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let (commit, r) = sealed_commit(dir.path());
    assert_eq!(r.code, Some(0), "{}", r.err());
    std::fs::rename(
        commit.join("private/openings.json"),
        dir.path().join("elsewhere.json"),
    )
    .expect("move");
    let reveal = hex_reveal(dir.path(), "5ea1ed");
    let bundle = dir.path().join("draw/bundle.json");
    let out = draw(&commit.join("manifest.json"), &reveal, &bundle)
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("openings.json") && err.contains("--openings"),
        "{err}"
    );
    assert!(!bundle.exists(), "no bundle without its openings");
    draw(&commit.join("manifest.json"), &reveal, &bundle)
        .arg("--openings")
        .arg(dir.path().join("elsewhere.json"))
        .assert()
        .success();
}
