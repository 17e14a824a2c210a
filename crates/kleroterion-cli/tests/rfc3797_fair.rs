//! `rfc3797` on the RFC's example, and `fair`.

mod common;

use common::*;
use predicates::prelude::*;
use serde_json::Value;

fn check_against_reference(stdout: &str) {
    let reference = std::fs::read_to_string(data("rfc3797/ref.results")).unwrap();
    let want: Vec<&str> = reference.lines().collect();
    let got: Vec<&str> = stdout.lines().collect();
    assert_eq!(got.len(), want.len(), "{stdout}");
    assert_eq!(want.len(), 17, "a header and 16 picks");
    for (g, w) in got.iter().zip(&want) {
        // The reference omits names after pick 11; everything else is identical.
        if w.ends_with("<-") {
            assert!(
                g.starts_with(&format!("{w} ")),
                "got {g:?}, reference {w:?}"
            );
        } else {
            assert_eq!(g, w);
        }
    }
}

#[test]
fn rfc3797_reproduces_the_rfc_example() {
    let out = kl()
        .arg("rfc3797")
        .arg("--names")
        .arg(data("rfc3797/ref.names"))
        .args([
            "--sources",
            "9319",
            "2 5 12 8 10",
            "9 18 26 34 41 45",
            "--count",
            "16",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    check_against_reference(&stdout);
    assert!(stdout.contains("   12  AC52F8D75CCBE2E61AFEB3387637D501  14  ->  5 <- Sleepy"));
}

#[test]
fn rfc3797_reads_a_seeds_file_with_comments() {
    let out = kl()
        .arg("rfc3797")
        .arg("--names")
        .arg(data("rfc3797/ref.names"))
        .arg("--seeds")
        .arg(data("rfc3797/ref.seeds"))
        .args(["--count", "16"])
        .output()
        .unwrap();
    assert!(out.status.success());
    check_against_reference(&String::from_utf8(out.stdout).unwrap());
}

#[test]
fn rfc3797_json_and_errors() {
    let out = kl()
        .args(["rfc3797", "--json", "--names"])
        .arg(data("rfc3797/ref.names"))
        .args([
            "--sources",
            "9319",
            "2 5 12 8 10",
            "9 18 26 34 41 45",
            "--count",
            "2",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["key"], "9319./2.5.8.10.12./9.18.26.34.41.45./");
    assert_eq!(v["picks"][0]["md5"], "990DD0A5692A029A98B5E01AA28F3459");
    assert_eq!(v["picks"][1]["name"], "Doc");
    kl().args(["rfc3797", "--names"])
        .arg(data("rfc3797/ref.names"))
        .args(["--sources", "9319", "2 x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "source 2 (\"2 x\"): \"x\" is not a non-negative number",
        ));
    // Past 65,536 picks RFC 3797 is not defined: refused, naming --count, never clamped.
    let dir = tempfile::TempDir::new().unwrap();
    let names: Vec<String> = (1..=65_537).map(|i| i.to_string()).collect();
    let many = dir.path().join("names.txt");
    std::fs::write(&many, names.join("\n")).unwrap();
    kl().args(["rfc3797", "--names"])
        .arg(&many)
        .args(["--sources", "9319"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--count: 65537 picks asked for, but RFC 3797 numbers its picks with 2 bytes",
        ))
        .stderr(predicate::str::contains("ask for 65,536 or fewer"));
}

#[test]
fn fair_small_20_and_file_output() {
    let dir = tempfile::TempDir::new().unwrap();
    let out_csv = dir.path().join("p.csv");
    let out = kl()
        .args(["fair", "--json", "--people"])
        .arg(data("replication/example_small_20/respondents.csv"))
        .arg("--quotas")
        .arg(data("replication/example_small_20/categories.csv"))
        .args(["--size", "20", "--out"])
        .arg(&out_csv)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        (v["min_probability"].as_f64().unwrap() - 0.1).abs() < 1e-4,
        "{v}"
    );
    assert_eq!(v["probabilities"].as_object().unwrap().len(), 200);
    assert!(v["probabilities"]["1"].as_f64().is_some());
    let rows = read_csv(&out_csv);
    assert_eq!(rows[0], ["id", "probability"]);
    assert_eq!(rows.len(), 201);
}

#[test]
fn fair_sortition_foundation_with_households() {
    let out = kl()
        .args(["fair", "--json", "--people"])
        .arg(data("sortition-algorithms/candidates.csv"))
        .arg("--quotas")
        .arg(data("sortition-algorithms/features.csv"))
        .args([
            "--size",
            "22",
            "--id-column",
            "nationbuilder_id",
            "--household",
            "primary_address1",
            "primary_zip",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["min_probability"].as_f64().unwrap() > 0.0);
    assert!(v["probabilities"]["p0"].as_f64().is_some());
}

#[test]
fn fair_reports_the_relaxation_when_quotas_cannot_be_met() {
    let dir = tempfile::TempDir::new().unwrap();
    let people = write(dir.path(), "p.csv", "id,g\n1,f\n2,f\n3,f\n4,m\n");
    let quotas = write(
        dir.path(),
        "q.csv",
        "feature,value,min,max\ng,f,0,1\ng,m,0,3\n",
    );
    let out = kl()
        .args(["fair", "--json", "--people"])
        .arg(&people)
        .arg("--quotas")
        .arg(&quotas)
        .args(["--size", "3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["feasible"], false);
    let relax = v["relaxations"].as_array().unwrap();
    assert!(!relax.is_empty(), "{v}");
    kl().args(["fair", "--people"])
        .arg(&people)
        .arg("--quotas")
        .arg(&quotas)
        .args(["--size", "3"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("smallest relaxation"));
}

/// Round times computed by hand from drand's published genesis and period: quicknet started at
/// 1692803367 (2023-08-23T15:09:27Z) with a 3 s period, mainnet at 1595431050
/// (2020-07-22T15:17:30Z) with a 30 s period.
#[test]
fn drand_round_planning() {
    let out = assert_cmd::Command::cargo_bin("kleroterion")
        .expect("binary")
        .args(["drand-round", "--after", "2023-08-23T15:09:30Z", "--json"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["round"], 2);
    assert_eq!(v["time"], "2023-08-23T15:09:30Z");
    let out = assert_cmd::Command::cargo_bin("kleroterion")
        .expect("binary")
        .args([
            "drand-round",
            "--chain",
            "mainnet",
            "--after",
            "2020-07-22T15:17:31Z",
            "--json",
        ])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["round"], 2);
    assert_eq!(v["time"], "2020-07-22T15:18:00Z");
    let bad = assert_cmd::Command::cargo_bin("kleroterion")
        .expect("binary")
        .args(["drand-round", "--after", "tomorrow"])
        .output()
        .expect("runs");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("YYYY-MM-DDTHH:MM:SSZ"));
}
