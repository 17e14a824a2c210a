//! `commit --method maxent` (SPEC.md section 9.6, a draft of version 3) on the Sortition
//! Foundation fixture: the counted features put in the order that keeps the count small, the
//! forecast of attempts, the draw, its verification, and the refusals an organiser meets.

mod common;

use common::*;
use predicates::prelude::*;

/// The fixture's arguments with the maxent method counting `counted`.
fn maxent_args(counted: &[&str]) -> Vec<String> {
    let mut args = sortition_foundation_args();
    let at = args.iter().position(|a| a == "greedy").expect("method");
    args[at] = "maxent".into();
    args.push("--count".into());
    args.extend(counted.iter().map(|c| (*c).to_string()));
    args
}

#[test]
fn maxent_commits_draws_and_verifies_on_the_fixture() {
    let args = maxent_args(&["Gender", "geo_bucket"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let d = commit_and_draw(&args);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.commit.join("manifest.json")).unwrap())
            .unwrap();
    // geo_bucket, with 8 values, comes first: its counts are finished one after the other.
    assert_eq!(
        manifest["method"],
        serde_json::json!({"name": "maxent", "counted": ["geo_bucket", "Gender"], "max_attempts": 10000, "weights": []})
    );
    let bundle: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&d.bundle).unwrap()).unwrap();
    assert!(bundle["result"]["rejections"].is_u64());

    let selected = read_csv(&d.out("selected.csv"));
    assert_eq!(selected.len(), 23, "header and 22 people");
    let header = &selected[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(
        fixture_households(&selected).len(),
        22,
        "at most one person per household"
    );
    // A quota that is not counted holds too: it was met by rejection.
    let e = col("edu_level");
    let none = selected[1..]
        .iter()
        .filter(|r| r[e] == "No qualifications")
        .count();
    assert!(
        (5..=7).contains(&none),
        "edu_level=No qualifications 5..7, got {none}"
    );

    kl().arg("verify")
        .arg(&d.bundle)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "panels drawn and rejected before the panel",
        ));
}

#[test]
fn maxent_commit_prints_the_forecast() {
    let dir = tempfile::TempDir::new().unwrap();
    let args = maxent_args(&["Gender", "geo_bucket"]);
    kl().args(["commit", "--allow-small-cells", "1"])
        .args(&args)
        .arg("--out")
        .arg(dir.path().join("commit"))
        .assert()
        .success()
        .stdout(
            predicate::str::contains("panels meet the counted quotas (a count of")
                .and(predicate::str::contains("trial walks met every quota")),
        );
}

#[test]
fn maxent_refuses_a_draw_that_would_fail_naming_the_fix() {
    let dir = tempfile::TempDir::new().unwrap();
    kl().args(["commit", "--allow-small-cells", "1"])
        .args(maxent_args(&["Gender"]))
        .arg("--out")
        .arg(dir.path().join("commit"))
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("the maxent draw would fail too often").and(
                predicate::str::contains("Fix: count more features (--count)"),
            ),
        );
    assert!(!dir.path().join("commit").exists(), "nothing written");
}

#[test]
fn maxent_refuses_a_count_over_the_cell_limit() {
    let dir = tempfile::TempDir::new().unwrap();
    kl().args(["commit", "--allow-small-cells", "1"])
        .args(maxent_args(&["age_bracket", "edu_level", "geo_bucket"]))
        .arg("--out")
        .arg(dir.path().join("commit"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("more than 1000000 cells"));
}

#[test]
fn maxent_refuses_an_unknown_counted_feature() {
    let dir = tempfile::TempDir::new().unwrap();
    kl().args(["commit", "--allow-small-cells", "1"])
        .args(maxent_args(&["Gender", "commune"]))
        .arg("--out")
        .arg(dir.path().join("commit"))
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("\"commune\", which is not a quota feature")
                .and(predicate::str::contains("Gender, age_bracket")),
        );
}

#[test]
fn count_is_only_for_maxent() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut args = sortition_foundation_args();
    args.extend(["--count".into(), "Gender".into()]);
    kl().arg("commit")
        .args(&args)
        .arg("--out")
        .arg(dir.path().join("commit"))
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "--count is only used with --method maxent",
        ));
}
