//! Files are evidence: nothing overwritten unasked, no output over an input, nothing
//! half-written, the ticket map never lost (RELIABILITY.md, "Files").
//!
//! Each loss case reported against earlier versions is replayed here: an output equal to an
//! input, a second commit into a used folder, a read-only ticket map, a missing ticket map, and
//! processes killed at 20 points of `commit` and of `draw`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::*;

/// People with a name column (kept in the private lists) and two features.
fn people(n: usize) -> String {
    let mut s = String::from("id,name,phone,gender,age\n");
    for i in 0..n {
        let gender = ["female", "male"][i % 2];
        let age = ["16-29", "30-59", "60+"][(i / 2) % 3];
        s.push_str(&format!("p{i},Name {i},06{i:08},{gender},{age}\n"));
    }
    s
}

const QUOTAS: &str = "feature,value,min,max\ngender,female,0,500\ngender,male,0,500\nage,16-29,0,500\nage,30-59,0,500\nage,60+,0,500\n";

/// A folder with `people.csv`, `quotas.csv` and a hex reveal.
fn setup(n: usize) -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf) {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let p = write(dir.path(), "people.csv", people(n));
    let q = write(dir.path(), "quotas.csv", QUOTAS);
    let r = hex_reveal(dir.path(), "00112233445566778899");
    (dir, p, q, r)
}

/// `commit` of `people` with a fixed ticket key (so the same inputs give the same commitment).
fn commit(people: &Path, quotas: &Path, out: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin!("kleroterion"));
    c.arg("--quiet")
        .args(["commit", "--allow-small-cells", "1"])
        .arg("--people")
        .arg(people)
        .arg("--quotas")
        .arg(quotas)
        .args([
            "--size",
            "10",
            "--method",
            "uniform",
            "--ticket-key",
            "74657374206b6579746573742d6b6579",
        ])
        .arg("--out")
        .arg(out);
    c
}

fn runs(mut c: std::process::Command) -> Run {
    let out = c.output().expect("the binary runs");
    Run {
        code: out.status.code(),
        stdout: out.stdout,
        stderr: out.stderr,
    }
}

/// Every file under `dir` with its bytes (temporary `.NAME.partial-…` files
/// of killed runs left out).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("readable folder").flatten() {
            let p = e.path();
            if e.file_name().to_string_lossy().contains(".partial-") {
                // A temporary file left by a killed run: hidden, and no command reads it.
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = std::fs::read(&p).expect("readable file");
                let rel = p.strip_prefix(dir).expect("inside").to_path_buf();
                out.insert(rel, bytes);
            }
        }
    }
    out
}

fn receipts(commit: &Path) -> usize {
    std::fs::read_dir(commit.join("private/receipts"))
        .map(|d| d.count())
        .unwrap_or(0)
}

fn csv_rows(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .expect("list")
        .lines()
        .count()
        .saturating_sub(1)
}

#[test]
fn no_command_writes_over_its_own_inputs_even_with_force() {
    let (dir, p, q, r) = setup(40);
    let c = dir.path().join("c");
    assert_eq!(runs(commit(&p, &q, &c)).code, Some(0));
    let tickets = c.join("private/tickets.csv");
    let before = snapshot(dir.path());
    // draw --out onto the ticket map, the manifest, the pool, the reveal, the commitment.
    for target in [
        tickets.clone(),
        c.join("manifest.json"),
        c.join("pool.json"),
        r.clone(),
        c.join("commitment.txt"),
    ] {
        for force in [false, true] {
            let mut cmd = draw(&c.join("manifest.json"), &r, &target);
            if force {
                cmd.arg("--force");
            }
            let out = cmd.output().expect("runs");
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{}: {err}", target.display());
            assert!(err.contains("this output is also an input"), "{err}");
        }
    }
    // commit --out into the folder holding its people file, fair --out onto its quotas.
    let own = run([
        "commit",
        "--allow-small-cells",
        "1",
        "--people",
        p.to_str().unwrap(),
        "--quotas",
        q.to_str().unwrap(),
        "--size",
        "10",
        "--method",
        "uniform",
        "--force",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(own.code, Some(2), "{}", own.err());
    assert!(
        own.err().contains("also an input (the people file"),
        "{}",
        own.err()
    );
    let fair = run([
        "fair",
        "--people",
        p.to_str().unwrap(),
        "--quotas",
        q.to_str().unwrap(),
        "--size",
        "10",
        "--force",
        "--out",
        q.to_str().unwrap(),
    ]);
    assert_eq!(fair.code, Some(2), "{}", fair.err());
    assert!(fair.err().contains("also an input (the quotas file"));
    assert_eq!(snapshot(dir.path()), before, "every file left as it was");

    // replace --out onto its bundle.
    let bundle = dir.path().join("d/bundle.json");
    draw(&c.join("manifest.json"), &r, &bundle)
        .assert()
        .success();
    let b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&bundle).unwrap()).unwrap();
    let first = b["result"]["selected"][0].as_str().unwrap().to_owned();
    let before = std::fs::read(&bundle).unwrap();
    let rep = run([
        "replace",
        bundle.to_str().unwrap(),
        "--dropped",
        &first,
        "--force",
        "--out",
        bundle.to_str().unwrap(),
    ]);
    assert_eq!(rep.code, Some(2), "{}", rep.err());
    assert!(rep.err().contains("also an input (the bundle"));
    assert_eq!(std::fs::read(&bundle).unwrap(), before);
}

#[test]
fn a_used_commit_folder_is_refused_and_force_moves_it_aside() {
    let (dir, p, q, _) = setup(40);
    let c = dir.path().join("c");
    assert_eq!(runs(commit(&p, &q, &c)).code, Some(0));
    let first = snapshot(&c);
    // The same command again: refused, the folder byte for byte as it was.
    let again = runs(commit(&p, &q, &c));
    assert_eq!(again.code, Some(2));
    assert!(again.err().contains("already exists"), "{}", again.err());
    assert!(again.err().contains("--force"), "{}", again.err());
    assert_eq!(snapshot(&c), first);
    // Other people, --force: the old folder is moved aside whole, the new one has one receipt
    // per person (never old and new mixed).
    let p2 = write(dir.path(), "people2.csv", people(30));
    let mut forced = commit(&p2, &q, &c);
    forced.arg("--force");
    let forced = runs(forced);
    assert_eq!(forced.code, Some(0), "{}", forced.err());
    assert!(forced.out().contains("moved aside to"), "{}", forced.out());
    assert_eq!(snapshot(&dir.path().join("c.replaced-1")), first);
    assert_eq!(receipts(&c), 30);
    assert_eq!(csv_rows(&c.join("private/tickets.csv")), 30);
}

#[test]
fn a_read_only_ticket_map_is_never_mixed_with_a_new_commit() {
    let (dir, p, q, r) = setup(40);
    let c = dir.path().join("c");
    assert_eq!(runs(commit(&p, &q, &c)).code, Some(0));
    let tickets = c.join("private/tickets.csv");
    let mut perms = std::fs::metadata(&tickets).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&tickets, perms).unwrap();
    let old = snapshot(&c);
    let p2 = write(dir.path(), "people2.csv", people(30));
    let mut forced = commit(&p2, &q, &c);
    forced.arg("--force");
    assert_eq!(runs(forced).code, Some(0));
    assert_eq!(snapshot(&dir.path().join("c.replaced-1")), old);
    // The new folder's ticket map is the new commit's: the draw matches it to the pool.
    draw(
        &c.join("manifest.json"),
        &r,
        &dir.path().join("d/bundle.json"),
    )
    .assert()
    .success();
    assert_eq!(csv_rows(&dir.path().join("d/private/remaining.csv")), 20);
}

#[test]
fn a_missing_ticket_map_stops_the_draw() {
    let (dir, p, q, r) = setup(40);
    let c = dir.path().join("c");
    assert_eq!(runs(commit(&p, &q, &c)).code, Some(0));
    std::fs::remove_file(c.join("private/tickets.csv")).unwrap();
    let bundle = dir.path().join("d/bundle.json");
    let out = draw(&c.join("manifest.json"), &r, &bundle)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("the private ticket map is missing"), "{err}");
    assert!(err.contains("--no-tickets"), "{err}");
    assert!(!bundle.exists());
    draw(&c.join("manifest.json"), &r, &bundle)
        .arg("--no-tickets")
        .assert()
        .success();
    assert!(bundle.exists());
    assert!(!dir.path().join("d/private").exists());
}

#[test]
fn no_receipts_commits_and_draws_the_same_as_with_them() {
    let (dir, p, q, r) = setup(60);
    let (with, without) = (dir.path().join("with"), dir.path().join("without"));
    assert_eq!(runs(commit(&p, &q, &with)).code, Some(0));
    let mut c = commit(&p, &q, &without);
    c.arg("--no-receipts");
    assert_eq!(runs(c).code, Some(0));
    assert_eq!(receipts(&with), 60);
    assert_eq!(receipts(&without), 0);
    for f in [
        "manifest.json",
        "pool.json",
        "commitment.txt",
        "private/tickets.csv",
    ] {
        assert_eq!(
            std::fs::read(with.join(f)).unwrap(),
            std::fs::read(without.join(f)).unwrap(),
            "{f}"
        );
    }
    // The panel printed by draw names each person by ticket and id, as the lists do.
    let bundle = dir.path().join("d/bundle.json");
    let out = draw(&without.join("manifest.json"), &r, &bundle)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let printed = String::from_utf8_lossy(&out.stdout);
    let selected = std::fs::read_to_string(dir.path().join("d/private/selected.csv")).unwrap();
    let ids: Vec<&str> = selected
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids.len(), 10);
    let panel: Vec<&str> = printed
        .lines()
        .skip_while(|l| !l.starts_with("Panel"))
        .skip(1)
        .take(10)
        .collect();
    for (i, (line, id)) in panel.iter().zip(&ids).enumerate() {
        assert!(
            line.trim_start().starts_with(&format!("{}. ", i + 1))
                && line.ends_with(&format!("(id {id})")),
            "{line} / {id}"
        );
    }
}

#[test]
fn a_second_draw_is_refused_unless_forced() {
    let (dir, p, q, r) = setup(40);
    let c = dir.path().join("c");
    assert_eq!(runs(commit(&p, &q, &c)).code, Some(0));
    let bundle = dir.path().join("d/bundle.json");
    draw(&c.join("manifest.json"), &r, &bundle)
        .assert()
        .success();
    let first = snapshot(&dir.path().join("d"));
    let again = draw(&c.join("manifest.json"), &r, &bundle)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(snapshot(&dir.path().join("d")), first);
    // Forced, the draw is the same function of the same inputs: the same files.
    draw(&c.join("manifest.json"), &r, &bundle)
        .arg("--force")
        .assert()
        .success();
    assert_eq!(snapshot(&dir.path().join("d")), first);
    // The private lists keep every column of the people file.
    let selected = std::fs::read_to_string(dir.path().join("d/private/selected.csv")).unwrap();
    assert!(
        selected.starts_with("id,name,phone,gender,age\n"),
        "{selected}"
    );
    assert!(selected.contains(",06000000"), "{selected}");
}

#[cfg(unix)]
#[test]
fn private_files_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, p, q, r) = setup(20);
    let c = dir.path().join("c");
    assert_eq!(runs(commit(&p, &q, &c)).code, Some(0));
    draw(
        &c.join("manifest.json"),
        &r,
        &dir.path().join("d/bundle.json"),
    )
    .assert()
    .success();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&c.join("private")), 0o700);
    assert_eq!(mode(&c.join("private/receipts")), 0o700);
    assert_eq!(mode(&c.join("private/tickets.csv")), 0o600);
    for e in std::fs::read_dir(c.join("private/receipts")).unwrap() {
        assert_eq!(mode(&e.unwrap().path()), 0o600);
    }
    assert_eq!(mode(&dir.path().join("d/private")), 0o700);
    for list in ["selected.csv", "alternates.csv", "remaining.csv"] {
        assert_eq!(mode(&dir.path().join("d/private").join(list)), 0o600);
    }
    // The public files keep the system's default permissions (readable by others).
    assert_ne!(mode(&c.join("pool.json")) & 0o044, 0);
}

/// Runs `cmd`, kills it (SIGKILL) after `delay`, and says whether it had already finished.
fn kill_after(mut cmd: std::process::Command, delay: Duration) -> bool {
    let mut child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawns");
    std::thread::sleep(delay);
    let finished = matches!(child.try_wait(), Ok(Some(_)));
    let _ = child.kill();
    let _ = child.wait();
    finished
}

/// The 20 kill points: spread over the duration of a full run, from its start to past its end.
fn kill_points(full: Duration) -> Vec<Duration> {
    (0..20)
        .map(|i| full.mul_f64((i as f64 + 0.5) / 19.0))
        .collect()
}

#[test]
fn commit_killed_at_20_points_leaves_nothing_or_everything() {
    const N: usize = 1500;
    let (dir, p, q, r) = setup(N);
    let reference = dir.path().join("reference");
    let start = Instant::now();
    assert_eq!(runs(commit(&p, &q, &reference)).code, Some(0));
    let full = start.elapsed();
    let expected = snapshot(&reference);
    let (mut absent, mut complete) = (0, 0);
    for (i, delay) in kill_points(full).into_iter().enumerate() {
        let out = dir.path().join(format!("k{i}"));
        kill_after(commit(&p, &q, &out), delay);
        if out.exists() {
            // Complete: the same files as an uninterrupted run (same key, same inputs).
            assert_eq!(snapshot(&out), expected, "kill point {i} ({delay:?})");
            complete += 1;
        } else {
            // Absent: drawing from it fails, and committing again works (no leftover blocks it).
            let bundle = dir.path().join(format!("k{i}-bundle.json"));
            let d = draw(&out.join("manifest.json"), &r, &bundle)
                .output()
                .unwrap();
            assert_eq!(d.status.code(), Some(2), "kill point {i}");
            assert!(!bundle.exists());
            assert_eq!(runs(commit(&p, &q, &out)).code, Some(0));
            assert_eq!(snapshot(&out), expected, "kill point {i}, committed again");
            absent += 1;
        }
    }
    eprintln!(
        "commit of {N} killed at 20 points over {full:?}: {absent} absent, {complete} complete"
    );
}

#[test]
fn draw_killed_at_20_points_leaves_no_bundle_without_its_lists() {
    const N: usize = 1500;
    let (dir, p, q, r) = setup(N);
    let c = dir.path().join("c");
    assert_eq!(runs(commit(&p, &q, &c)).code, Some(0));
    let manifest = c.join("manifest.json");
    let reference = dir.path().join("reference/bundle.json");
    let start = Instant::now();
    draw(&manifest, &r, &reference).assert().success();
    let full = start.elapsed();
    let expected = snapshot(&dir.path().join("reference"));
    let (mut absent, mut complete) = (0, 0);
    for (i, delay) in kill_points(full).into_iter().enumerate() {
        let folder = dir.path().join(format!("k{i}"));
        let bundle = folder.join("bundle.json");
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("kleroterion"));
        cmd.arg("--quiet")
            .arg("draw")
            .arg(&manifest)
            .arg("--reveal")
            .arg(&r)
            .arg("--out")
            .arg(&bundle);
        kill_after(cmd, delay);
        if bundle.exists() {
            // A bundle exists only with its three complete lists, and it verifies.
            assert_eq!(snapshot(&folder), expected, "kill point {i} ({delay:?})");
            kl().arg("verify").arg(&bundle).assert().success();
            complete += 1;
        } else {
            // No bundle: nothing claims success; the draw runs again (replacing any list
            // written before the kill, which it names) and gives the same files.
            let again = draw(&manifest, &r, &bundle).output().unwrap();
            if again.status.code() != Some(0) {
                let err = String::from_utf8_lossy(&again.stderr);
                assert!(err.contains("interrupted"), "kill point {i}: {err}");
                draw(&manifest, &r, &bundle)
                    .arg("--force")
                    .assert()
                    .success();
            }
            assert_eq!(snapshot(&folder), expected, "kill point {i}, drawn again");
            absent += 1;
        }
    }
    eprintln!(
        "draw of {N} killed at 20 points over {full:?}: {absent} absent, {complete} complete"
    );
}
