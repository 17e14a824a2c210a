//! Same input, same bytes: run the example binary twice, as two processes, and compare.

mod common;

use std::path::PathBuf;
use std::process::Command;

fn example_binary() -> PathBuf {
    // Test binaries live in target/<profile>/deps; `cargo test` builds examples into
    // target/<profile>/examples.
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().unwrap().parent().unwrap();
    let name = format!("leximin{}", std::env::consts::EXE_SUFFIX);
    let path = profile_dir.join("examples").join(name);
    if !path.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.args(["build", "-p", "kleroterion-fair", "--example", "leximin"]);
        if profile_dir.ends_with("release") {
            cmd.arg("--release");
        }
        assert!(
            cmd.status().unwrap().success(),
            "could not build the example"
        );
    }
    path
}

fn run(args: &[&str]) -> Vec<u8> {
    let out = Command::new(example_binary()).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn two_processes_give_identical_bytes() {
    let dir = common::data_dir().join("replication/example_small_20");
    let dir = dir.to_str().unwrap();
    let a = run(&[dir, "20", "--digest"]);
    let b = run(&[dir, "20", "--digest"]);
    assert!(!a.is_empty());
    assert_eq!(a, b);
}

/// Households and many types: the relaxation, its decomposition and their floating point.
#[test]
fn two_processes_give_identical_bytes_with_households() {
    let a = run(&["sortition-foundation", "22", "--digest"]);
    let b = run(&["sortition-foundation", "22", "--digest"]);
    assert_eq!(a, b);
}
