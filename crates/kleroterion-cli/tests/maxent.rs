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

/// Writes `people` and `quotas` as `people.csv` and `quotas.csv` into `dir`; returns the commit
/// arguments for a panel of 2 drawn from them by the maxent method counting `counted`, then
/// `extra`.
fn toy_args(
    dir: &std::path::Path,
    people: &str,
    quotas: &str,
    counted: &[&str],
    extra: &[&str],
) -> Vec<String> {
    let (p, q) = (dir.join("people.csv"), dir.join("quotas.csv"));
    std::fs::write(&p, people).unwrap();
    std::fs::write(&q, quotas).unwrap();
    let mut args: Vec<String> = [
        "--people",
        p.to_str().unwrap(),
        "--quotas",
        q.to_str().unwrap(),
    ]
    .map(String::from)
    .to_vec();
    args.extend(
        [
            "--size",
            "2",
            "--id-column",
            "id",
            "--method",
            "maxent",
            "--count",
        ]
        .map(String::from),
    );
    args.extend(counted.iter().chain(extra).map(|a| (*a).to_string()));
    args
}

/// Five people (three women, two men) with a weight column `w`, one or two of each gender on a
/// panel of 2, gender counted and the weights read from `w`.
fn weighted_inputs(dir: &std::path::Path) -> Vec<String> {
    toy_args(
        dir,
        "id,g,w\na,f,1\nb,m,1\nc,f,2\nd,m,4\ne,f,3\n",
        "feature,value,min,max\ng,f,1,2\ng,m,1,2\n",
        &["g"],
        &["--weights", "w"],
    )
}

#[test]
fn maxent_weights_from_a_column_are_committed_by_ticket_drawn_and_verified() {
    let dir = tempfile::TempDir::new().unwrap();
    let args = weighted_inputs(dir.path());
    let out = dir.path().join("printed");
    // One woman and one man: each woman's chance is her weight over 1 + 2 + 3, each man's his
    // over 1 + 4 (computed by hand), so the lowest is 1/6 and the highest 4/5.
    kl().args(["commit", "--allow-small-cells", "1"])
        .args(&args)
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "the selection probabilities are exact: lowest 16.67%, highest 80.00%",
        ));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let d = commit_and_draw(&args);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.commit.join("manifest.json")).unwrap())
            .unwrap();
    let pool: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.commit.join("pool.json")).unwrap())
            .unwrap();
    let weight_of_id = |id: &str| match id {
        "a" | "b" => 1,
        "c" => 2,
        "d" => 4,
        "e" => 3,
        other => panic!("unknown id {other}"),
    };
    let tickets = read_csv(&d.commit.join("private/tickets.csv"));
    let (id_col, ticket_col) = (
        tickets[0].iter().position(|h| h == "id").unwrap(),
        tickets[0].iter().position(|h| h == "ticket").unwrap(),
    );
    let weights = manifest["method"]["weights"].as_array().unwrap();
    let records = pool["records"].as_array().unwrap();
    assert_eq!(weights.len(), 5);
    for (pos, record) in records.iter().enumerate() {
        let ticket = record["ticket"].as_str().unwrap();
        let row = tickets[1..]
            .iter()
            .find(|r| r[ticket_col] == ticket)
            .unwrap();
        assert_eq!(
            weights[pos].as_u64(),
            Some(weight_of_id(&row[id_col])),
            "pool position {pos}"
        );
    }
    kl().arg("verify").arg(&d.bundle).assert().success();
}

#[test]
fn weights_are_only_for_maxent_and_a_missing_column_is_named() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut args = weighted_inputs(dir.path());
    let w = args.len() - 1;
    args[w] = "weight".into();
    kl().args(["commit", "--allow-small-cells", "1"])
        .args(&args)
        .arg("--out")
        .arg(dir.path().join("a"))
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("has no column \"weight\"")
                .and(predicate::str::contains("its columns are id, g, w")),
        );
    let mut args = sortition_foundation_args();
    args.extend(["--weights".into(), "w".into()]);
    kl().arg("commit")
        .args(&args)
        .arg("--out")
        .arg(dir.path().join("b"))
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "--weights and --fit-to-leximin are only used with --method maxent",
        ));
}

#[test]
fn maxent_weights_fitted_to_leximin_are_committed_and_verified() {
    // Panels of one woman and one man, one young and one old: drawn uniformly the old woman's
    // chance is 1/10; LEXIMIN gives everyone 1/4 (by hand), which the fit must reach.
    let dir = tempfile::TempDir::new().unwrap();
    let args = toy_args(
        dir.path(),
        "id,g,a\n1,f,y\n2,f,y\n3,f,y\n4,f,o\n5,m,y\n6,m,o\n7,m,o\n8,m,o\n",
        "feature,value,min,max\ng,f,1,1\ng,m,1,1\na,y,1,1\na,o,1,1\n",
        &["g", "a"],
        &["--fit-to-leximin"],
    );
    kl().args(["commit", "--allow-small-cells", "1"])
        .args(&args)
        .arg("--out")
        .arg(dir.path().join("printed"))
        .assert()
        .success()
        .stdout(
            predicate::str::contains("lowest 25.00%, highest 25.00%").and(
                predicate::str::contains("fitted to LEXIMIN's probabilities (lowest 25.00%)"),
            ),
        );
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let d = commit_and_draw(&refs);
    kl().arg("verify").arg(&d.bundle).assert().success();
    kl().args(["commit", "--allow-small-cells", "1"])
        .args(&args)
        .args(["--weights", "a"])
        .arg("--out")
        .arg(dir.path().join("both"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("cannot be used with"));
}
