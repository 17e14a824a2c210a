//! Same input, same bytes: run the example binary twice, as two processes, and compare.
//!
//! The test runs the `leximin` example built beside it and builds nothing itself: `cargo test`
//! builds the examples of the packages it tests, and `scripts/ci/rust` builds them first
//! (`cargo build --workspace --examples`). A missing example, or one older than the crate's
//! sources, fails with the command to run.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The files `binary` is built from: those listed in the dep-info file cargo writes beside it
/// (`leximin.d`), else the crate's `src/`, the example and the test helpers it includes
/// (Markdown aside, as it is not compiled). The dep-info list leaves out test-only modules,
/// which a build does not recompile.
fn sources(binary: &Path) -> Vec<PathBuf> {
    if let Ok(dep_info) = std::fs::read_to_string(binary.with_extension("d")) {
        let line = dep_info.lines().next().unwrap_or_default();
        let deps = line.split_once(": ").map_or("", |(_, deps)| deps);
        // Cargo escapes the spaces inside a path as `\ `.
        return deps
            .replace("\\ ", "\0")
            .split(' ')
            .filter(|d| !d.is_empty())
            .map(|d| PathBuf::from(d.replace('\0', " ")))
            .collect();
    }
    fn walk(path: &Path, out: &mut Vec<PathBuf>) {
        if path.is_dir() {
            let entries =
                std::fs::read_dir(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            for entry in entries {
                walk(&entry.unwrap().path(), out);
            }
        } else if path.extension().is_none_or(|e| e != "md") {
            out.push(path.to_path_buf());
        }
    }
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for part in ["src", "examples/leximin.rs", "tests/common"] {
        walk(&crate_dir.join(part), &mut out);
    }
    out
}

fn example_binary() -> PathBuf {
    // Test binaries live in target/<profile>/deps, examples in target/<profile>/examples.
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().unwrap().parent().unwrap();
    let name = format!("leximin{}", std::env::consts::EXE_SUFFIX);
    let path = profile_dir.join("examples").join(name);
    let build = if profile_dir.ends_with("release") {
        "cargo build --release -p kleroterion-fair --example leximin"
    } else {
        "cargo build -p kleroterion-fair --example leximin"
    };
    let Ok(meta) = std::fs::metadata(&path) else {
        panic!(
            "the leximin example {} is missing: run `{build}` first",
            path.display()
        );
    };
    let built = meta.modified().unwrap();
    let newer = sources(&path).into_iter().find(|source| {
        std::fs::metadata(source).is_ok_and(|m| m.modified().is_ok_and(|t| t > built))
    });
    if let Some(source) = newer {
        panic!(
            "the leximin example {} is older than {}: run `{build}` first",
            path.display(),
            source.display()
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
