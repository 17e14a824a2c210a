//! `commit` reports what rounding LEXIMIN to M panels cost, and warns when someone's
//! probability moved by more than two panels' worth (on stderr, and in the JSON output).

mod common;

use common::*;

/// Commits the Sortition Foundation fixture as a lottery of `panels` panels with `rounding`;
/// returns the JSON output and stderr.
fn commit(dir: &std::path::Path, rounding: &str, panels: u32) -> (serde_json::Value, String) {
    let mut args = sortition_foundation_args();
    let method = args.iter().position(|a| a == "greedy").unwrap();
    args[method] = "lottery".into();
    let out = dir.join(format!("{rounding}-{panels}"));
    let o = kl()
        .args(["commit", "--allow-small-cells", "1", "--json"])
        .args(&args)
        .args(["--panels", &panels.to_string(), "--rounding", rounding])
        .args(["--ticket-key", "6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (
        serde_json::from_slice(&o.stdout).unwrap(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn a_large_rounding_loss_is_warned_about_and_a_small_one_is_not() {
    let dir = tempfile::TempDir::new().unwrap();
    // Systematic rounding moves someone by several panels on this fixture (6.39 / M measured,
    // BENCHMARKS.md section 3): warned, on stderr and in the JSON.
    let (v, stderr) = commit(dir.path(), "systematic", 1000);
    let max_change = v["rounding"]["max_change"].as_f64().unwrap();
    assert!(max_change * 1000.0 > 2.0, "{v}");
    let warning = v["rounding"]["warning"].as_str().expect("a warning");
    assert!(
        warning.contains(&format!("({:.2}/M, above 2/M)", max_change * 1000.0)),
        "{warning}"
    );
    assert!(warning.contains("Fix: commit more panels"), "{warning}");
    assert!(stderr.contains(&format!("Warning: {warning}")), "{stderr}");
    // Minimax rounding stays under two panels' worth (1.62 / M measured): no warning.
    let (v, stderr) = commit(dir.path(), "minimax", 1000);
    assert!(
        v["rounding"]["max_change"].as_f64().unwrap() * 1000.0 <= 2.0,
        "{v}"
    );
    assert!(v["rounding"]["warning"].is_null(), "{v}");
    assert!(!stderr.contains("Warning"), "{stderr}");
}

#[test]
fn commit_rounds_the_distribution_fair_wrote() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut args = sortition_foundation_args();
    let method = args.iter().position(|a| a == "--method").unwrap();
    args.drain(method..method + 2);
    let dist = dir.path().join("distribution.json");
    let fair = kl()
        .args(["--json", "fair"])
        .args(&args)
        .arg("--distribution-out")
        .arg(&dist)
        .output()
        .unwrap();
    assert!(
        fair.status.success(),
        "{}",
        String::from_utf8_lossy(&fair.stderr)
    );
    let fair: serde_json::Value = serde_json::from_slice(&fair.stdout).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&dist).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let commit = |people: &std::path::Path, out: &str| {
        let mut a = args.clone();
        let at = a.iter().position(|x| x == "--people").unwrap();
        a[at + 1] = people.display().to_string();
        kl().args([
            "--json",
            "commit",
            "--allow-small-cells",
            "1",
            "--method",
            "lottery",
        ])
        .args(&a)
        .arg("--distribution")
        .arg(&dist)
        .args(["--ticket-key", "6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b", "--out"])
        .arg(dir.path().join(out))
        .output()
        .unwrap()
    };
    let people = data("sortition-algorithms/candidates.csv");
    let o = commit(&people, "c");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // The committed rounding starts from the distribution fair computed.
    let before = v["rounding"]["min_before"].as_f64().unwrap();
    assert!(
        (before - fair["min_probability"].as_f64().unwrap()).abs() < 1e-12,
        "{v}"
    );
    assert!((v["leximin_min_probability"].as_f64().unwrap() - before).abs() < 1e-12);
    // The same people in another order are other rows: refused, and nothing is written.
    let text = std::fs::read_to_string(&people).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1..].reverse();
    let reversed = write(dir.path(), "reversed.csv", lines.join("\n") + "\n");
    let o = commit(&reversed, "d");
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("has other values in the distribution's instance"),
        "{err}"
    );
    assert!(err.contains("Fix:"), "{err}");
    assert!(!dir.path().join("d").exists());
    // A file that is not a distribution says what it should be.
    std::fs::write(&dist, "{\"format\": \"kleroterion-bundle\"}").unwrap();
    let o = commit(&people, "e");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("kleroterion fair --distribution-out"), "{err}");
}
