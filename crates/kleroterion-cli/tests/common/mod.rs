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

    /// A private list written beside the bundle (`private/NAME`).
    pub fn out(&self, name: &str) -> PathBuf {
        self.bundle
            .parent()
            .expect("folder")
            .join("private")
            .join(name)
    }

    /// The receipt of a ticket.
    pub fn receipt(&self, ticket: &str) -> PathBuf {
        self.commit
            .join("private/receipts")
            .join(format!("{ticket}.json"))
    }
}

/// Runs `commit` with `args` (plus `--out DIR/commit` and a ticket key), then `draw` with a hex
/// reveal. No randomness recipe: any reveal matches.
pub fn commit_and_draw(args: &[&str]) -> Drawn {
    let dir = TempDir::new().expect("temp dir");
    let reveal = hex_reveal(dir.path(), "0123456789abcdef");
    commit_and_draw_in(dir, args, &reveal)
}

/// Runs `commit` with `args` (plus `--out DIR/commit` and a ticket key) in `dir`, then `draw`
/// with `reveal` into `DIR/draw/bundle.json`; both must succeed.
pub fn commit_and_draw_in(dir: TempDir, args: &[&str], reveal: &Path) -> Drawn {
    let commit = dir.path().join("commit");
    kl().args(["commit", "--allow-small-cells", "1"])
        .args(args)
        .arg("--out")
        .arg(&commit)
        .args(["--ticket-key", "74657374206b6579746573742d6b6579"])
        .assert()
        .success();
    let bundle = dir.path().join("draw/bundle.json");
    draw(&commit.join("manifest.json"), reveal, &bundle)
        .assert()
        .success();
    Drawn {
        dir,
        commit,
        bundle,
    }
}

/// The command `draw MANIFEST --reveal REVEAL --out BUNDLE`, to run.
pub fn draw(manifest: &Path, reveal: &Path, bundle: &Path) -> Command {
    let mut c = kl();
    c.arg("draw")
        .arg(manifest)
        .arg("--reveal")
        .arg(reveal)
        .arg("--out")
        .arg(bundle);
    c
}

/// What a command did: its exit code and its raw output.
pub struct Run {
    /// The exit code.
    pub code: Option<i32>,
    /// Standard output, as bytes.
    pub stdout: Vec<u8>,
    /// Standard error, as bytes.
    pub stderr: Vec<u8>,
}

impl Run {
    /// Standard output as text.
    pub fn out(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Standard error as text.
    pub fn err(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// Standard output parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.out(), self.err()))
    }
}

/// Runs `kleroterion --quiet ARGS...` and returns what it did.
pub fn run<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = kl().args(args).output().expect("the binary runs");
    Run {
        code: out.status.code(),
        stdout: out.stdout,
        stderr: out.stderr,
    }
}

/// The first failed step of a JSON report, or `"none"`.
pub fn failed_step(report: &serde_json::Value) -> String {
    report["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["status"] == "failed")
        .and_then(|s| s["id"].as_str())
        .unwrap_or("none")
        .to_owned()
}

/// The quicknet chain hash (SPEC.md section 6.4).
pub const QUICKNET: &str = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971";

/// The current time, in Unix seconds.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_secs()
}

/// Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn utc(secs: u64) -> String {
    kleroterion::time::format_unix(secs)
}

/// The first Friday (a EuroMillions draw day) at least `days` days after today, or, for a
/// negative `days`, the last Friday at least `-days` days before today: `YYYY-MM-DD`.
pub fn euromillions_friday(days: i64) -> String {
    // Day 0 (1970-01-01) was a Thursday, so day d is a Friday when (d + 4) % 7 == 5.
    let mut d = (now() / 86_400) as i64 + days;
    let step = if days < 0 { -1 } else { 1 };
    while (d + 4).rem_euclid(7) != 5 {
        d += step;
    }
    utc(d as u64 * 86_400)[..10].to_owned()
}

/// Writes a recipe committing to the EuroMillions draw of `date` and returns its path.
pub fn euromillions_recipe(dir: &Path, name: &str, date: &str) -> PathBuf {
    write(
        dir,
        name,
        format!(
            r#"{{"sources": [{{"kind": "lottery", "lottery": "euromillions", "date": "{date}"}}], "fallback": "next_value"}}"#
        ),
    )
}

/// Writes a reveal giving EuroMillions numbers and returns its path.
pub fn euromillions_reveal(dir: &Path, name: &str, main: &[u32], stars: &[u32]) -> PathBuf {
    write(
        dir,
        name,
        serde_json::json!({"sources": [{"kind": "lottery", "lottery": "euromillions", "main": main, "bonus": [stars]}]})
            .to_string(),
    )
}

/// An honest official draw of the Sortition Foundation fixture (22 by greedy, households)
/// committed now to a EuroMillions draw about a year ahead, drawn with the numbers
/// 7 18 28 40 48 and stars 3 9 as if they had been published. Returns the draw and the date.
/// A EuroMillions draw day far in the future, and an announcement long before it: a draw
/// committed to them is the same on every run (a commitment that named the current time would
/// change the seed, and the greedy method's success, from one run to the next).
pub const FAR_FRIDAY: &str = "2099-12-04";
/// See [`FAR_FRIDAY`].
pub const FAR_ANNOUNCEMENT: &str = "2099-01-01T00:00:00Z";

pub fn honest_lottery_draw() -> (Drawn, String) {
    let dir = TempDir::new().expect("temp dir");
    let date = FAR_FRIDAY.to_owned();
    let recipe = euromillions_recipe(dir.path(), "recipe.json", &date);
    let reveal = euromillions_reveal(dir.path(), "reveal.json", &[7, 18, 28, 40, 48], &[3, 9]);
    let mut args = sortition_foundation_args();
    args.extend([
        "--randomness".into(),
        recipe.display().to_string(),
        "--announced-at".into(),
        FAR_ANNOUNCEMENT.into(),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    (commit_and_draw_in(dir, &args, &reveal), date)
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

/// The distinct households (address and postcode, case-insensitive) of the fixture's rows in a
/// list written by `draw` (header first).
pub fn fixture_households(list: &[Vec<String>]) -> std::collections::HashSet<(String, String)> {
    let header = &list[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (a, z) = (col("primary_address1"), col("primary_zip"));
    list[1..]
        .iter()
        .map(|r| (r[a].to_lowercase(), r[z].to_lowercase()))
        .collect()
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
