//! The bad-input classes of RELIABILITY.md that `errors.rs` does not cover, through the binary:
//! what the user reads and the exit code (0 accepted, 1 a check failed, 2 an input refused).

mod common;

use std::path::{Path, PathBuf};

use common::*;
use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

const QUOTAS: &str = "feature,value,min,max\ngender,female,0,4\ngender,male,0,4\n";

fn commit(dir: &Path, people: &Path, quotas: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    kl().args(["commit", "--allow-small-cells", "1"])
        .arg("--people")
        .arg(people)
        .arg("--quotas")
        .arg(quotas)
        .args(["--ticket-key", "6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b"])
        .args(extra)
        .arg("--out")
        .arg(dir.join("out"))
        .assert()
}

fn setup(people: impl AsRef<[u8]>, quotas: impl AsRef<[u8]>) -> (TempDir, PathBuf, PathBuf) {
    let dir = TempDir::new().unwrap();
    let p = write(dir.path(), "people.csv", people);
    let q = write(dir.path(), "quotas.csv", quotas);
    (dir, p, q)
}

fn draw(dir: &Path) -> assert_cmd::assert::Assert {
    let reveal = hex_reveal(dir, "0123456789abcdef");
    kl().arg("draw")
        .arg(dir.join("out/manifest.json"))
        .arg("--reveal")
        .arg(&reveal)
        .arg("--out")
        .arg(dir.join("draw/bundle.json"))
        .assert()
}

fn verify_json(bundle: &Path) -> (Option<i32>, Value) {
    let out = kl()
        .args(["verify", "--json"])
        .arg(bundle)
        .output()
        .unwrap();
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout).expect("a JSON report"),
    )
}

fn failed_step(report: &Value) -> &str {
    report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["status"] == "failed")
        .and_then(|s| s["id"].as_str())
        .unwrap_or("none")
}

#[test]
fn bom_mixed_line_endings_and_quoted_separators_are_read() {
    let people = b"\xEF\xBB\xBFid,gender,address\r\n1,female,\"12, rue \"\"A\"\"\nLattes\"\n2,male,x\r\r\n3,female,y\r4,male,z\n";
    let (dir, p, q) = setup(people, QUOTAS);
    commit(dir.path(), &p, &q, &["--size", "2", "--method", "uniform"]).success();
    draw(dir.path()).success();
    let tickets = read_csv(&dir.path().join("out/private/tickets.csv"));
    assert_eq!(tickets[0][..3], ["ticket", "pool_index", "id"]);
    let ids: Vec<&str> = tickets[1..].iter().map(|r| r[2].as_str()).collect();
    assert_eq!(
        ids,
        ["1", "2", "3", "4"],
        "the BOM is not part of the id column"
    );
    let (code, report) = verify_json(&dir.path().join("draw/bundle.json"));
    assert_eq!(code, Some(0));
    assert_eq!(report["valid"], true);
    // The quoted cell, with its separator, quotes and newline, comes back whole in the outputs.
    let mut all = read_csv(&dir.path().join("draw/private/selected.csv"));
    all.extend(read_csv(&dir.path().join("draw/private/remaining.csv")));
    assert!(
        all.iter().flatten().any(|c| c == "12, rue \"A\"\nLattes"),
        "{all:?}"
    );
}

#[test]
fn extra_field_on_a_line_is_refused_extra_column_is_kept() {
    let (dir, p, q) = setup("id,gender\n1,female\n2,male,Lattes\n", QUOTAS);
    commit(dir.path(), &p, &q, &["--size", "1", "--method", "uniform"])
        .code(2)
        .stderr(predicate::str::contains(
            "people.csv, line 3: 3 fields, but the header has 2",
        ))
        .stderr(predicate::str::contains(
            "quote cells holding the separator",
        ));
    let (dir, p, q) = setup("id,gender,notes\n1,female,a\n2,male,b\n", QUOTAS);
    commit(dir.path(), &p, &q, &["--size", "1", "--method", "uniform"]).success();
}

#[test]
fn quota_file_missing_a_column() {
    let (dir, p, q) = setup(
        "id,gender\n1,female\n2,male\n",
        "feature,value,min\ngender,female,0\n",
    );
    commit(dir.path(), &p, &q, &["--size", "1", "--method", "uniform"])
        .code(2)
        .stderr(predicate::str::contains(
            "quotas.csv, line 1: no column \"max\"",
        ));
}

#[test]
fn non_utf8_quota_file() {
    let (dir, p, q) = setup(
        "id,gender\n1,female\n2,male\n",
        b"feature,value,min,max\ngender,female,0,4\ngender,m\xe2le,0,4\n",
    );
    commit(
        dir.path(),
        &p,
        &q,
        &["--size", "1", "--method", "uniform", "--encoding", "utf-8"],
    )
    .code(2)
    .stderr(predicate::str::contains(
        "quotas.csv, line 3: the text is not valid UTF-8 (byte 0xE2, character 9",
    ));
}

#[test]
fn panel_size_zero() {
    let (dir, p, q) = setup("id,gender\n1,female\n2,male\n", QUOTAS);
    commit(dir.path(), &p, &q, &["--size", "0", "--method", "uniform"])
        .code(2)
        .stderr(predicate::str::contains(
            "panel size 0 is impossible with 2 people",
        ));
}

#[test]
fn pool_of_one() {
    let (dir, p, q) = setup("id,gender\nonly,female\n", QUOTAS);
    commit(dir.path(), &p, &q, &["--size", "1", "--method", "greedy"]).success();
    draw(dir.path()).success();
    let (code, report) = verify_json(&dir.path().join("draw/bundle.json"));
    assert_eq!(code, Some(0), "{report}");
    let b: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("draw/bundle.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(b["result"]["selected"].as_array().unwrap().len(), 1);
    assert_eq!(b["result"]["alternates"].as_array().unwrap().len(), 0);
}

#[test]
fn household_column_that_groups_everybody() {
    let people =
        "id,gender,address\n1,female,1 rue A\n2,male,1 RUE A\n3,female,1 rue a\n4,male,1 rue A\n";
    // Greedy commits (it checks no feasibility), then the draw fails: exit 2, no bundle.
    let (dir, p, q) = setup(people, QUOTAS);
    commit(
        dir.path(),
        &p,
        &q,
        &[
            "--size",
            "2",
            "--method",
            "greedy",
            "--household",
            "address",
        ],
    )
    .success();
    let out = draw(dir.path()).code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(stderr.contains("no panel meeting every quota"), "{stderr}");
    assert_eq!(stderr.matches("the draw failed").count(), 1, "{stderr}");
    assert!(!dir.path().join("draw/bundle.json").exists());
    // Lottery: no portfolio exists, the commit says so.
    let (dir, p, q) = setup(people, QUOTAS);
    commit(
        dir.path(),
        &p,
        &q,
        &[
            "--size",
            "2",
            "--method",
            "lottery",
            "--household",
            "address",
        ],
    )
    .code(2)
    .stderr(predicate::str::contains(
        "the quotas cannot be met by any panel of 2",
    ));
}

#[test]
fn infeasible_quotas_with_greedy_fail_at_the_draw() {
    let (dir, p, q) = setup(
        "id,gender\n1,female\n2,female\n3,male\n4,male\n5,male\n",
        "feature,value,min,max\ngender,female,3,4\ngender,male,0,4\n",
    );
    commit(dir.path(), &p, &q, &["--size", "4", "--method", "greedy"]).success();
    // The core's message, once: the command adds no second "the draw failed".
    let message =
        "the draw failed: the greedy method found no panel meeting every quota in 100 attempts";
    draw(dir.path())
        .code(2)
        .stdout("")
        .stderr(format!("error: {message}\n"));
    assert!(!dir.path().join("draw/bundle.json").exists());
    // The same with --json: one JSON object on standard output, the message once.
    let out = kl()
        .args(["draw", "--json"])
        .arg(dir.path().join("out/manifest.json"))
        .arg("--reveal")
        .arg(dir.path().join("reveal.json"))
        .arg("--out")
        .arg(dir.path().join("draw/bundle.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).expect("a JSON error");
    assert_eq!(v["kind"], "DrawFailed");
    assert_eq!(v["error"], message);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("error: {message}\n")
    );
}

#[test]
fn portfolio_with_a_panel_breaking_a_quota() {
    let (dir, p, q) = setup(
        "id,gender\n1,female\n2,female\n3,male\n4,male\n",
        "feature,value,min,max\ngender,female,1,1\ngender,male,1,1\n",
    );
    commit(
        dir.path(),
        &p,
        &q,
        &["--size", "2", "--method", "lottery", "--panels", "4"],
    )
    .success();
    draw(dir.path()).success();
    let bundle_path = dir.path().join("draw/bundle.json");
    let mut b: Value =
        serde_json::from_str(&std::fs::read_to_string(&bundle_path).unwrap()).unwrap();
    // Panel 1 becomes the two women: it breaks gender=female max 1.
    let women: Vec<u64> = b["pool"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .filter(|(_, r)| r["values"][0] == "female")
        .map(|(i, _)| i as u64)
        .collect();
    let manifest_path = dir.path().join("out/manifest.json");
    let mut m: Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap()).unwrap();
    m["method"]["portfolio"][1] = Value::from(women);
    std::fs::write(&manifest_path, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    // Drawing from the edited manifest is refused: it no longer hashes to commitment.txt.
    draw(dir.path())
        .code(2)
        .stderr(predicate::str::contains("was edited after the commitment"));
    // Committed as such (commitment.txt rewritten too), drawing is still refused, by the core.
    let edited: kleroterion::Manifest = serde_json::from_value(m.clone()).unwrap();
    std::fs::write(
        dir.path().join("out/commitment.txt"),
        format!("{}\n", edited.commitment().unwrap().to_hex()),
    )
    .unwrap();
    std::fs::remove_dir_all(dir.path().join("draw")).unwrap();
    draw(dir.path())
        .code(2)
        .stderr(predicate::str::contains("panel 1 of the portfolio"))
        .stderr(predicate::str::contains("gender=female"));
    // A bundle published with it (and its honest commitment) fails verification at `portfolio`.
    let manifest: kleroterion::Manifest = serde_json::from_value(m.clone()).unwrap();
    b["manifest"] = m;
    b["commitment"] = Value::String(manifest.commitment().unwrap().to_hex());
    let path = write(
        dir.path(),
        "bad-portfolio.json",
        serde_json::to_string(&b).unwrap(),
    );
    let (code, report) = verify_json(&path);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(failed_step(&report), "portfolio", "{report}");
    assert_eq!(report["error_kind"], "InvalidPortfolio");
    assert!(
        report["error"]
            .as_str()
            .unwrap()
            .contains("panel 1 of the portfolio: breaks the quota gender=female: 2 on the panel, above the maximum 1"),
        "{report}"
    );
}

#[test]
fn bundle_from_a_future_spec_version() {
    let (_inputs, p, q) = setup("id,gender\n1,female\n2,male\n3,male\n", QUOTAS);
    let d = commit_and_draw(&[
        "--people",
        &p.display().to_string(),
        "--quotas",
        &q.display().to_string(),
        "--size",
        "2",
        "--method",
        "uniform",
    ]);
    let text = std::fs::read_to_string(&d.bundle)
        .unwrap()
        .replace("kleroterion/v2", "kleroterion/v3");
    let path = write(d.dir.path(), "future.json", text);
    let (code, report) = verify_json(&path);
    assert_eq!(code, Some(1));
    assert_eq!(failed_step(&report), "format");
    assert_eq!(report["error_kind"], "UnsupportedSpec");
    let error = report["error"].as_str().unwrap();
    assert!(
        error.contains("kleroterion/v3") && error.contains("kleroterion/v2"),
        "{report}"
    );
    kl().arg("verify")
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("✗ format"))
        .stdout(predicate::str::contains("INVALID"));
    // A retired v1 bundle is refused the same way: commit the draw again.
    let text = std::fs::read_to_string(&d.bundle)
        .unwrap()
        .replace("kleroterion/v2", "kleroterion/v1");
    let path = write(d.dir.path(), "retired.json", text);
    let (code, report) = verify_json(&path);
    assert_eq!(code, Some(1));
    assert_eq!(failed_step(&report), "format");
    assert_eq!(report["error_kind"], "UnsupportedSpec");
    // A future field in a v2 bundle is refused too: unknown fields are never ignored.
    let mut v = d.bundle_json();
    v["signature"] = Value::String("future".into());
    let path = write(
        d.dir.path(),
        "extra.json",
        serde_json::to_string(&v).unwrap(),
    );
    let (code, report) = verify_json(&path);
    assert_eq!(code, Some(1));
    assert_eq!(failed_step(&report), "format");
    assert_eq!(report["error_kind"], "UnreadableBundle");
    assert!(
        report["error"]
            .as_str()
            .unwrap()
            .contains("unknown field `signature`"),
        "{report}"
    );
}
