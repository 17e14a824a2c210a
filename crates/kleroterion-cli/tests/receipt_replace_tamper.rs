//! Receipts, replacements and tampered bundles.

mod common;

use common::*;
use predicates::prelude::*;
use serde_json::Value;

fn drawn() -> Drawn {
    let args = sortition_foundation_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    commit_and_draw(&args)
}

fn ticket_list(v: &Value, key: &str) -> Vec<String> {
    v["result"][key]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_owned())
        .collect()
}

/// Writes a modified copy of the bundle and returns the failed step of `verify --json`.
fn tamper(d: &Drawn, name: &str, change: impl FnOnce(&mut Value)) -> (Value, std::process::Output) {
    let mut v = d.bundle_json();
    change(&mut v);
    let path = write(
        d.dir.path(),
        name,
        serde_json::to_string_pretty(&v).unwrap(),
    );
    let out = kl().args(["verify", "--json"]).arg(&path).output().unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    (report, out)
}

fn failed_step(report: &Value) -> String {
    report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["status"] == "failed")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn tampered_bundles_are_rejected_at_the_right_step() {
    let d = drawn();
    let alternates = ticket_list(&d.bundle_json(), "alternates");

    let (r, out) = tamper(&d, "t1.json", |v| {
        v["result"]["selected"][0] = Value::String(alternates[0].clone())
    });
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(r["valid"], false);
    assert_eq!(failed_step(&r), "draw");
    assert!(r["error"].as_str().unwrap().contains("position 1"));

    let (r, _) = tamper(&d, "t2.json", |v| {
        v["manifest"]["panel_size"] = Value::from(21)
    });
    assert_eq!(failed_step(&r), "manifest");

    let (r, _) = tamper(&d, "t3.json", |v| {
        let values = v["pool"][0]["values"].as_array_mut().unwrap();
        values[0] = Value::String(
            if values[0] == "Male" {
                "Female"
            } else {
                "Male"
            }
            .into(),
        );
    });
    assert_eq!(failed_step(&r), "pool");

    let (r, _) = tamper(&d, "t4.json", |v| {
        v["seed"] = Value::String("00".repeat(32))
    });
    assert_eq!(failed_step(&r), "seed");

    let (r, _) = tamper(&d, "t5.json", |v| {
        v["transcript"] = Value::String("11".repeat(32))
    });
    assert_eq!(failed_step(&r), "transcript");

    let (r, _) = tamper(&d, "t6.json", |v| {
        v["reveal"]["sources"][0]["value"] = Value::String("ff".into())
    });
    assert_eq!(failed_step(&r), "seed");

    // Text output names the step with a cross and the computed and published values.
    let mut v = d.bundle_json();
    v["seed"] = Value::String("00".repeat(32));
    let path = write(d.dir.path(), "t7.json", serde_json::to_string(&v).unwrap());
    kl().arg("verify")
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("✗ seed"))
        .stdout(predicate::str::contains(format!(
            "compared with: {}",
            "00".repeat(32)
        )))
        .stdout(predicate::str::contains("· draw"))
        .stdout(predicate::str::contains("INVALID"));
}

#[test]
fn unreadable_bundle_fails_the_format_step() {
    let d = drawn();
    let path = write(d.dir.path(), "broken.json", "{\"format\": ");
    let out = kl().args(["verify", "--json"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(failed_step(&r), "format");
    assert_eq!(r["error_kind"], "UnreadableBundle");
    assert_eq!(r["verdict"], "invalid");
    assert!(r["by_hand"].as_array().unwrap().is_empty());
    // The text report names the file and says why.
    kl().arg("verify")
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("broken.json"))
        .stdout(predicate::str::contains("✗ format"))
        .stdout(predicate::str::contains(
            "INVALID: the file is not a readable kleroterion bundle",
        ));
    // A file that does not exist is an input that cannot be read: exit 2, not a verdict.
    kl().arg("verify")
        .arg(d.dir.path().join("missing.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.json"));
}

#[test]
fn receipt_outcomes() {
    let d = drawn();
    let v = d.bundle_json();
    let selected = ticket_list(&v, "selected");
    let alternates = ticket_list(&v, "alternates");
    kl().arg("receipt")
        .arg(d.receipt(&selected[2]))
        .arg(&d.bundle)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "SELECTED, drawn at position 3 of the panel of 22",
        ))
        .stdout(predicate::str::contains("Gender: "));
    kl().arg("receipt")
        .arg(d.receipt(&alternates[0]))
        .arg(&d.bundle)
        .assert()
        .success()
        .stdout(predicate::str::contains("ALTERNATE number 1"));
    let pool: Value =
        serde_json::from_str(&std::fs::read_to_string(d.commit.join("pool.json")).unwrap())
            .unwrap();
    let other = pool["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ticket"].as_str().unwrap().to_owned())
        .find(|t| !selected.contains(t) && !alternates.contains(t))
        .unwrap();
    let out = kl()
        .args(["receipt", "--json"])
        .arg(d.receipt(&other))
        .arg(&d.bundle)
        .output()
        .unwrap();
    assert!(out.status.success());
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["outcome"]["outcome"], "not_selected");
    assert_eq!(r["matches"], true);

    // A receipt from another draw does not match.
    let p = data("replication/example_small_20/respondents.csv")
        .display()
        .to_string();
    let q = data("replication/example_small_20/categories.csv")
        .display()
        .to_string();
    let e = commit_and_draw(&[
        "--people", &p, "--quotas", &q, "--size", "20", "--method", "uniform",
    ]);
    let foreign = std::fs::read_dir(e.commit.join("private/receipts"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    kl().arg("receipt")
        .arg(&foreign)
        .arg(&d.bundle)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("does not match this draw"));
}

#[test]
fn receipt_outcome_is_not_established_when_the_bundle_fails() {
    let d = drawn();
    let selected = ticket_list(&d.bundle_json(), "selected");
    let mut v = d.bundle_json();
    v["seed"] = Value::String("00".repeat(32));
    let path = write(
        d.dir.path(),
        "bad-seed.json",
        serde_json::to_string(&v).unwrap(),
    );
    let out = kl()
        .arg("receipt")
        .arg(d.receipt(&selected[0]))
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("You are in the committed pool"), "{text}");
    assert!(text.contains("Outcome: NOT ESTABLISHED"), "{text}");
    assert!(!text.contains("SELECTED"), "{text}");
    assert!(
        text.contains("WARNING: the draw itself does not verify"),
        "{text}"
    );
    let out = kl()
        .args(["receipt", "--json"])
        .arg(d.receipt(&selected[0]))
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["matches"], true);
    assert_eq!(r["bundle_valid"], false);
    assert!(r["outcome"].is_null(), "{r}");
}

#[test]
fn replace_dropped_people() {
    let d = drawn();
    let v = d.bundle_json();
    let selected = ticket_list(&v, "selected");
    let out_file = d.dir.path().join("replacement.json");
    let out = kl()
        .args(["replace", "--json"])
        .arg(&d.bundle)
        .args(["--dropped", &selected[0], &selected[5]])
        .arg("--out")
        .arg(&out_file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rep = &r["replacement"];
    assert_eq!(rep["format"], "kleroterion-replacement");
    assert_eq!(rep["dropped"].as_array().unwrap().len(), 2);
    assert!(rep["replacements"][0].is_string());
    let panel = rep["panel"].as_array().unwrap();
    assert_eq!(panel.len(), 22);
    assert!(!panel.contains(&Value::String(selected[0].clone())));
    assert!(out_file.exists());

    kl().arg("replace")
        .arg(&d.bundle)
        .args(["--dropped", &selected[1], "--tickets"])
        .arg(d.commit.join("private/tickets.csv"))
        .assert()
        .success()
        .stdout(predicate::str::contains("is replaced by"))
        .stdout(predicate::str::contains("(id p"));

    kl().arg("replace")
        .arg(&d.bundle)
        .args(["--dropped", "NOPE-NOPE"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "ticket \"NOPE-NOPE\" is not in the committed pool",
        ));
}
