//! The default time limit of `fair` and `commit`, and `--accept-partial`. The pool is the fair
//! crate's synthetic one of 800 volunteers (panels of 40): its relaxation takes well under a
//! second, and decomposing it into panels several seconds, so a limit of a third of a full run
//! stops it with a usable partial distribution. Only the labels are checked, never the timings.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// Writes `people.csv` (id, the 7 features, address) and `quotas.csv` of
/// `kleroterion_fair::synthetic::synthetic(800, 40, 1)`, as the `national_roll` example does.
fn synthetic_pool(dir: &Path) -> (PathBuf, PathBuf) {
    let pool = kleroterion_fair::synthetic::synthetic(800, 40, 1);
    let mut quotas = String::from("feature,value,min,max\n");
    for f in &pool.features {
        for v in &f.values {
            writeln!(quotas, "{},{},{},{}", f.name, v.value, v.min, v.max).unwrap();
        }
    }
    let mut people = String::from("id");
    for f in &pool.features {
        write!(people, ",{}", f.name).unwrap();
    }
    people.push_str(",address\n");
    for (i, person) in pool.people.iter().enumerate() {
        write!(people, "v{}", i + 1).unwrap();
        for (f, &v) in pool.features.iter().zip(person) {
            write!(people, ",{}", f.values[v as usize].value).unwrap();
        }
        match pool.household(i) {
            Some(h) => writeln!(people, ",{h} Household Lane").unwrap(),
            None => people.push_str(",\n"),
        }
    }
    (
        write(dir, "people.csv", people),
        write(dir, "quotas.csv", quotas),
    )
}

fn inputs(people: &Path, quotas: &Path, limit: u64) -> Vec<String> {
    [
        "--people",
        people.to_str().unwrap(),
        "--quotas",
        quotas.to_str().unwrap(),
        "--size",
        "40",
        "--household",
        "address",
        "--time-limit",
        &limit.to_string(),
    ]
    .map(String::from)
    .to_vec()
}

/// A time limit of about a third of a full run on this machine (at least 1 s): past the
/// relaxation (well under a tenth of the run), before the end of the decomposition, however
/// fast or slow the machine is.
fn a_third_of_a_full_run(people: &Path, quotas: &Path) -> u64 {
    let start = std::time::Instant::now();
    let out = kl()
        .arg("fair")
        .args(inputs(people, quotas, 0))
        .output()
        .unwrap();
    assert!(out.status.success(), "the full run finishes");
    (start.elapsed().as_secs() / 3).max(1)
}

/// One test, so that the runs do not compete for the processor.
#[test]
fn fair_and_commit_stop_at_the_time_limit_and_accept_a_partial_distribution() {
    let dir = tempfile::tempdir().unwrap();
    let (people, quotas) = synthetic_pool(dir.path());
    let limit = a_third_of_a_full_run(&people, &quotas);
    let args = inputs(&people, &quotas, limit);

    let out = kl().arg("fair").args(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let stopped =
        format!("LEXIMIN did not finish within the time limit of {limit} s: it had fixed");
    for part in [
        stopped.as_str(),
        "of 800 people",
        "A usable partial distribution exists",
        "Fix: give --time-limit SECONDS for more time (0 means no limit), or --accept-partial",
        "which is not the full LEXIMIN",
    ] {
        assert!(stderr.contains(part), "{part:?} not in {stderr}");
    }

    let out = kl()
        .args(["fair", "--accept-partial"])
        .args(&args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("PARTIAL: not the full LEXIMIN ("),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("the time limit of {limit} s was reached)")));
    assert!(stdout.contains("Partial selection probabilities for a panel of 40 from 800 people"));

    let out = kl()
        .args(["fair", "--json", "--accept-partial"])
        .args(&args)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["complete"], false);
    assert_eq!(v["partial"]["time_limit_seconds"], limit as f64);
    let min = v["min_probability"].as_f64().unwrap();
    let guaranteed = v["partial"]["guaranteed_minimum"].as_f64().unwrap();
    assert!(min > 0.0 && min >= guaranteed - 1e-12, "{v}");
    assert_eq!(v["probabilities"].as_object().unwrap().len(), 800);

    let folder = dir.path().join("draw");
    let out = kl()
        .args([
            "commit",
            "--allow-small-cells",
            "1",
            "--json",
            "--accept-partial",
            "--ticket-key",
            "62626262626262626262626262626262",
            "--out",
        ])
        .arg(&folder)
        .args(&args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!("PARTIAL: the time limit of {limit} s was reached; the portfolio is rounded from a partial distribution, not the full LEXIMIN")),
        "{stderr}"
    );
    assert!(folder.join("manifest.json").exists());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["leximin_complete"], false, "{v}");
}

#[test]
fn the_time_limit_is_300_seconds_unless_given() {
    for command in ["fair", "commit"] {
        let out = kl().args([command, "--help"]).output().unwrap();
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(help.contains("default 300; 0 means no limit"), "{help}");
        assert!(help.contains("--accept-partial"), "{help}");
    }
}

/// A finished run is complete.
#[test]
fn a_finished_run_is_complete() {
    let out = kl()
        .args(["fair", "--json", "--people"])
        .arg(data("replication/example_small_20/respondents.csv"))
        .arg("--quotas")
        .arg(data("replication/example_small_20/categories.csv"))
        .args(["--size", "20", "--time-limit", "0"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["complete"], true);
    assert_eq!(v["partial"], Value::Null);
}
