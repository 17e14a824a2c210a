//! `kleroterion demo` end to end through the command line: it runs with no input file, writes
//! its artefacts, and the bundles it writes verify with `kleroterion verify`.

mod common;

use common::kl;
use serde_json::Value;

#[test]
fn demo_runs_end_to_end_and_its_bundles_verify() {
    let dir = tempfile::TempDir::new().unwrap();
    let out = dir.path().join("demo");
    let o = kl()
        .args(["demo", "--json", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["roll_size"].as_u64().unwrap() > 300_000, "{v}");
    assert!(v["volunteers"].as_u64().unwrap() >= 40, "{v}");
    assert!(std::path::Path::new(v["report_md"].as_str().unwrap()).exists());
    let bundles: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path().join("bundle.json")))
        .filter(|p| p.exists())
        .collect();
    assert_eq!(bundles.len(), 2, "one bundle per stage");
    for b in bundles {
        kl().arg("verify").arg(&b).assert().success();
    }
}
