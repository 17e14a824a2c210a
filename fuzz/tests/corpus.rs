//! Replays the committed corpus (`corpus/<target>/`) and any regression inputs
//! (`regressions/<target>/`) through each target's logic, without libFuzzer: the fallback that
//! runs where `cargo fuzz` cannot.

use std::path::Path;

fn replay(target: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut count = 0;
    for folder in ["corpus", "regressions"] {
        let dir = root.join(folder).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<_> = entries.map(|e| e.expect("entry").path()).collect();
        paths.sort();
        for path in paths {
            let data = std::fs::read(&path).expect("corpus file");
            let result = std::panic::catch_unwind(|| kleroterion_fuzz::run(target, &data));
            assert!(result.is_ok(), "{target}: {} panics", path.display());
            count += 1;
        }
    }
    assert!(count > 0, "{target}: no corpus file");
    println!("{target}: {count} inputs replayed");
}

#[test]
fn bundle_json() {
    replay("bundle_json");
}

#[test]
fn manifest_json() {
    replay("manifest_json");
}

#[test]
fn reveal_json() {
    replay("reveal_json");
}

#[test]
fn receipt() {
    replay("receipt");
}

#[test]
fn csv_people() {
    replay("csv_people");
}

#[test]
fn csv_quotas() {
    replay("csv_quotas");
}

#[test]
fn draw() {
    replay("draw");
}

#[test]
fn every_target_is_listed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz_targets");
    for t in kleroterion_fuzz::TARGETS {
        assert!(root.join(format!("{t}.rs")).exists(), "{t}");
    }
}
