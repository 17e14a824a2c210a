//! Helpers shared by the command-line tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A file of `tests/data`.
pub fn data(p: &str) -> PathBuf {
    root().join("tests/data").join(p)
}

/// A file of this crate's `tests/fixtures`.
pub fn fixture(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(p)
}

/// The binary, with progress off.
pub fn kl() -> Command {
    let mut c = assert_cmd::cargo::cargo_bin_cmd!("kleroterion");
    c.arg("--quiet");
    c
}

/// Writes a file into `dir` and returns its path.
pub fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).expect("test file written");
    p
}

/// A hex reveal file in `dir`.
pub fn hex_reveal(dir: &Path, hex: &str) -> PathBuf {
    write(
        dir,
        "reveal.json",
        format!("{{\"sources\": [{{\"kind\": \"hex\", \"value\": \"{hex}\"}}]}}"),
    )
}

/// A committed and drawn draw.
pub struct Drawn {
    /// Keeps the folder alive.
    pub dir: TempDir,
    /// The commit folder.
    pub commit: PathBuf,
    /// The bundle.
    pub bundle: PathBuf,
}

impl Drawn {
    /// The bundle as JSON.
    pub fn bundle_json(&self) -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(&self.bundle).expect("bundle"))
            .expect("bundle JSON")
    }

    /// A file next to the bundle.
    pub fn out(&self, name: &str) -> PathBuf {
        self.bundle.parent().expect("folder").join(name)
    }

    /// The receipt of a ticket.
    pub fn receipt(&self, ticket: &str) -> PathBuf {
        self.commit.join("receipts").join(format!("{ticket}.json"))
    }
}

/// Runs `commit` with `args` (plus `--out` and a ticket key), then `draw` with a hex reveal.
pub fn commit_and_draw(args: &[&str]) -> Drawn {
    let dir = TempDir::new().expect("temp dir");
    let commit = dir.path().join("commit");
    kl().arg("commit")
        .args(args)
        .arg("--out")
        .arg(&commit)
        .args(["--ticket-key", "test key"])
        .assert()
        .success();
    let reveal = hex_reveal(dir.path(), "0123456789abcdef");
    let bundle = dir.path().join("draw/bundle.json");
    kl().arg("draw")
        .arg(commit.join("manifest.json"))
        .arg("--reveal")
        .arg(&reveal)
        .arg("--out")
        .arg(&bundle)
        .assert()
        .success();
    Drawn {
        dir,
        commit,
        bundle,
    }
}

/// The Sortition Foundation fixture's arguments: 22 by greedy with their address columns.
pub fn sortition_foundation_args() -> Vec<String> {
    vec![
        "--people".into(),
        data("sortition-algorithms/candidates.csv")
            .display()
            .to_string(),
        "--quotas".into(),
        data("sortition-algorithms/features.csv")
            .display()
            .to_string(),
        "--size".into(),
        "22".into(),
        "--method".into(),
        "greedy".into(),
        "--id-column".into(),
        "nationbuilder_id".into(),
        "--household".into(),
        "primary_address1".into(),
        "primary_zip".into(),
    ]
}

/// Reads a CSV written by the tool into rows of cells.
pub fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .expect("csv");
    r.records()
        .map(|x| x.expect("row").iter().map(str::to_owned).collect())
        .collect()
}
