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
