//! commit → draw → verify on the Sortition Foundation fixture, the replication examples and a
//! French `;`-separated file.

mod common;

use std::collections::HashSet;

use common::*;
use predicates::prelude::*;

#[test]
fn sortition_foundation_fixture_22_with_households() {
    let args = sortition_foundation_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let d = commit_and_draw(&args);
    assert_eq!(
        std::fs::read_dir(d.commit.join("private/receipts"))
            .unwrap()
            .count(),
        150
    );
    let tickets = read_csv(&d.commit.join("private/tickets.csv"));
    assert_eq!(tickets.len(), 151);
    assert_eq!(
        &tickets[0][..3],
        ["ticket", "pool_index", "nationbuilder_id"]
    );

    let selected = read_csv(&d.out("selected.csv"));
    assert_eq!(selected.len(), 23, "header and 22 people");
    let header = &selected[0];
    assert_eq!(header[0], "nationbuilder_id");
    // The Sortition Foundation's shape: id, other columns in file order, then the features.
    assert_eq!(
        &header[header.len() - 4..],
        ["Gender", "age_bracket", "edu_level", "geo_bucket"]
    );
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(
        fixture_households(&selected).len(),
        22,
        "at most one person per household"
    );
    let g = col("Gender");
    let women = selected[1..].iter().filter(|r| r[g] == "Female").count();
    assert!(
        (11..=12).contains(&women),
        "quota Gender=Female 11..12, got {women}"
    );

    let ids: HashSet<String> = selected[1..].iter().map(|r| r[0].clone()).collect();
    let remaining = read_csv(&d.out("remaining.csv"));
    assert!(remaining.len() <= 151 - 22);
    assert!(remaining[1..].iter().all(|r| !ids.contains(&r[0])));
    let alternates = read_csv(&d.out("alternates.csv"));
    assert_eq!(alternates.len(), 23);

    kl().arg("verify")
        .arg(&d.bundle)
        .assert()
        .success()
        .stdout(predicate::str::contains("✓ transcript"));
    let out = kl()
        .args(["verify", "--json"])
        .arg(&d.bundle)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], true);
    // No commitment given and no recipe: the verdict is conditional, never a bare "valid".
    assert_eq!(v["verdict"], "valid_if");
    let ids: Vec<&str> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "format",
            "manifest",
            "pool",
            "parent",
            "links",
            "portfolio",
            "randomness",
            "time_order",
            "seed",
            "draw",
            "openings",
            "quotas",
            "transcript",
            "replacements",
            "inherited"
        ]
    );
    assert!(v["error"].is_null());
}

#[test]
fn commit_is_reproducible_with_a_ticket_key() {
    let args = sortition_foundation_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let a = commit_and_draw(&args);
    let b = commit_and_draw(&args);
    assert_eq!(
        std::fs::read_to_string(a.commit.join("commitment.txt")).unwrap(),
        std::fs::read_to_string(b.commit.join("commitment.txt")).unwrap()
    );
    // Pool order is ticket order, not the organiser's file order.
    let pool: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(a.commit.join("pool.json")).unwrap())
            .unwrap();
    let tickets: Vec<&str> = pool["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ticket"].as_str().unwrap())
        .collect();
    let mut sorted = tickets.clone();
    sorted.sort_unstable();
    assert_eq!(tickets, sorted);
}

/// Without `--ticket-key`, each commit generates its own 256-bit key (so two commits differ),
/// keeps it in `private/ticket-key.txt` and never in a public file; given back, the key
/// reproduces the commitment. A passphrase or a short key is refused before anything is
/// written.
#[test]
fn ticket_keys_are_generated_kept_private_and_never_guessable() {
    let dir = tempfile::TempDir::new().unwrap();
    let people = data("replication/example_small_20/respondents.csv");
    let quotas = data("replication/example_small_20/categories.csv");
    let run = |out: &str, key: Option<&str>| {
        let o = dir.path().join(out);
        let mut cmd = kl();
        cmd.args(["commit", "--allow-small-cells", "1"])
            .arg("--people")
            .arg(&people)
            .arg("--quotas")
            .arg(&quotas)
            .args(["--size", "20", "--method", "uniform"]);
        if let Some(k) = key {
            cmd.args(["--ticket-key", k]);
        }
        (cmd.arg("--out").arg(&o).assert(), o)
    };
    let read = |p: std::path::PathBuf| std::fs::read_to_string(p).unwrap();
    let (ok, a) = run("a", None);
    ok.success()
        .stdout(predicate::str::contains("ticket-key.txt"));
    let (ok, b) = run("b", None);
    ok.success();
    assert_ne!(
        read(a.join("commitment.txt")),
        read(b.join("commitment.txt"))
    );
    let key = read(a.join("private/ticket-key.txt"));
    let key = key.trim();
    assert_eq!(key.len(), 64, "a 256-bit key in hex: {key}");
    assert_ne!(key, read(b.join("private/ticket-key.txt")).trim());
    for public in ["manifest.json", "pool.json", "commitment.txt"] {
        assert!(
            !read(a.join(public)).contains(key),
            "{public} holds the key"
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(a.join("private/ticket-key.txt"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the key file is readable by others: {mode:o}"
        );
    }
    let (ok, again) = run("again", Some(key));
    ok.success();
    assert_eq!(
        read(a.join("commitment.txt")),
        read(again.join("commitment.txt"))
    );
    for weak in [
        "organiser-secret",
        "",
        "00112233",
        "correcthorsebatterystaples",
    ] {
        let (refused, out) = run(&format!("weak-{}", weak.len()), Some(weak));
        refused
            .failure()
            .stderr(predicate::str::contains("ticket key refused"))
            .stderr(predicate::str::contains("openssl rand -hex 32"));
        assert!(!out.exists(), "a refused key wrote {}", out.display());
    }
}

#[test]
fn replication_small_20_lottery() {
    let p = data("replication/example_small_20/respondents.csv")
        .display()
        .to_string();
    let q = data("replication/example_small_20/categories.csv")
        .display()
        .to_string();
    let dir = tempfile::TempDir::new().unwrap();
    let out = dir.path().join("c");
    let o = kl()
        .args([
            "commit",
            "--allow-small-cells",
            "1",
            "--json",
            "--people",
            &p,
            "--quotas",
            &q,
            "--size",
            "20",
            "--method",
            "lottery",
            "--panels",
            "100",
        ])
        .args(["--ticket-key", "6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["method"], "lottery");
    assert!(
        (v["leximin_min_probability"].as_f64().unwrap() - 0.1).abs() < 1e-3,
        "{v}"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["method"]["portfolio"].as_array().unwrap().len(),
        100
    );
    let reveal = hex_reveal(dir.path(), "42");
    let bundle = dir.path().join("bundle.json");
    kl().arg("draw")
        .arg(out.join("manifest.json"))
        .arg("--reveal")
        .arg(&reveal)
        .arg("--out")
        .arg(&bundle)
        .assert()
        .success();
    kl().arg("verify")
        .arg(&bundle)
        .assert()
        .success()
        .stdout(predicate::str::contains("✓ portfolio"));
    // Row numbers are the ids, starting at 1.
    let selected = read_csv(&dir.path().join("private/selected.csv"));
    assert_eq!(selected[0], ["id", "gender", "leaning"]);
    assert!(
        selected[1..]
            .iter()
            .all(|r| (1..=200).contains(&r[0].parse::<u32>().unwrap()))
    );
}

#[test]
fn replication_large_200_greedy() {
    let d = commit_and_draw(&[
        "--people",
        &data("replication/example_large_200/respondents.csv")
            .display()
            .to_string(),
        "--quotas",
        &data("replication/example_large_200/categories.csv")
            .display()
            .to_string(),
        "--size",
        "200",
        "--method",
        "greedy",
    ]);
    let selected = read_csv(&d.out("selected.csv"));
    assert_eq!(selected.len(), 201);
    kl().arg("verify").arg(&d.bundle).assert().success();
}

#[test]
fn french_semicolons_bom_accents_households() {
    let d = commit_and_draw(&[
        "--people",
        &fixture("francais/personnes.csv").display().to_string(),
        "--quotas",
        &fixture("francais/quotas.csv").display().to_string(),
        "--size",
        "6",
        "--method",
        "greedy",
        "--id-column",
        "identifiant",
        "--household",
        "adresse",
        "code postal",
    ]);
    kl().arg("verify").arg(&d.bundle).assert().success();
    // Values written in decomposed form (NFD) in the file were normalised to NFC.
    let pool = std::fs::read_to_string(d.commit.join("pool.json")).unwrap();
    assert!(pool.contains("P\u{e9}rols"));
    assert!(!pool.contains("Pe\u{301}rols"));
    let tickets = read_csv(&d.commit.join("private/tickets.csv"));
    assert_eq!(&tickets[0][2..5], ["identifiant", "prénom", "adresse"]);
    let row = tickets.iter().find(|r| r[2] == "FR-001").unwrap();
    assert_eq!(
        row[6], "Dit « Amélie »; bénévole",
        "quoted field with the separator kept whole"
    );
    let row8 = tickets.iter().find(|r| r[2] == "FR-008").unwrap();
    assert_eq!(
        row8[6], "ligne 1\nligne 2",
        "quoted field with a newline kept whole"
    );
}

#[test]
fn draw_writes_excel_bom_on_request() {
    let args = sortition_foundation_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let d = commit_and_draw(&args);
    let reveal = hex_reveal(d.dir.path(), "ab");
    let bundle = d.dir.path().join("bom/bundle.json");
    kl().arg("draw")
        .arg(d.commit.join("manifest.json"))
        .arg("--reveal")
        .arg(&reveal)
        .arg("--out")
        .arg(&bundle)
        .arg("--bom")
        .assert()
        .success();
    let bytes = std::fs::read(d.dir.path().join("bom/private/selected.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFnationbuilder_id,"));
    let plain = std::fs::read(d.out("selected.csv")).unwrap();
    assert!(plain.starts_with(b"nationbuilder_id,"));
}

#[test]
fn uniform_and_stratified_methods() {
    let p = data("sortition-algorithms/candidates.csv")
        .display()
        .to_string();
    let q = data("sortition-algorithms/features.csv")
        .display()
        .to_string();
    let base = [
        "--people",
        &p,
        "--quotas",
        &q,
        "--size",
        "22",
        "--id-column",
        "nationbuilder_id",
    ];
    let d = commit_and_draw(&[&base[..], &["--method", "uniform"]].concat());
    kl().arg("verify")
        .arg(&d.bundle)
        .assert()
        .success()
        .stdout(predicate::str::contains("does not enforce quotas"));
    for allocation in ["largest-remainder", "sainte-lague"] {
        let d = commit_and_draw(
            &[
                &base[..],
                &[
                    "--method",
                    "stratified",
                    "--strata",
                    "geo_bucket",
                    "--allocation",
                    allocation,
                ],
            ]
            .concat(),
        );
        kl().arg("verify").arg(&d.bundle).assert().success();
    }
    // A stratifying column that no quota names.
    let d = commit_and_draw(
        &[
            &base[..],
            &[
                "--method",
                "stratified",
                "--strata",
                "primary_city",
                "--allocation",
                "largest-remainder",
            ],
        ]
        .concat(),
    );
    kl().arg("verify").arg(&d.bundle).assert().success();
}

/// quicknet round 30662982 as drand's v1 HTTP API serves it (`round`, `randomness`,
/// `signature`), from `crates/kleroterion-drand/tests/vectors/beacons.json` (ChainSafe/forest's
/// fixture). It was produced at 2026-07-23T07:38:30Z.
const ROUND: u64 = 30_662_982;
const RANDOMNESS: &str = "ae76da5137c6d0a0d3b50d325948b26cc3ff1f804cd7bbca29b9250c2bfe8d67";
const SIGNATURE: &str = "8b3edd0d42a2fa36ac15641a2dea2e4f4895acec2ef72ef39e5b6138f0346fb6b046dde1b4b3d09ff5fe8a6a7acd674a";

#[test]
fn drand_v1_http_answer_draws_a_replayed_quicknet_round() {
    let dir = tempfile::TempDir::new().unwrap();
    let recipe = write(
        dir.path(),
        "recipe.json",
        format!(
            r#"{{"sources": [{{"kind": "drand", "chain": "{QUICKNET}", "round": {ROUND}}}], "fallback": "next_value"}}"#
        ),
    );
    let args = sortition_foundation_args();
    let commit = |out: &str, extra: &[&str]| {
        kl().args(["commit", "--allow-small-cells", "1"])
            .args(&args)
            .arg("--randomness")
            .arg(&recipe)
            .args([
                "--announced-at",
                "2026-07-23T06:00:00Z",
                "--ticket-key",
                "6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b",
            ])
            .args(extra)
            .arg("--out")
            .arg(dir.path().join(out))
            .assert()
    };
    // The round already exists: an official commitment to it is refused.
    commit("official", &[])
        .code(2)
        .stderr(predicate::str::contains("already exists"))
        .stderr(predicate::str::contains("--replay"));
    assert!(!dir.path().join("official/manifest.json").exists());
    commit("replay", &["--replay"]).success();
    let manifest = dir.path().join("replay/manifest.json");

    // drand's answer as served, without "kind" or "chain": the chain comes from the recipe.
    let answer = write(
        dir.path(),
        "round.json",
        format!(
            r#"{{"round": {ROUND}, "randomness": "{RANDOMNESS}", "signature": "{SIGNATURE}"}}"#
        ),
    );
    let bundle = dir.path().join("draw/bundle.json");
    draw(&manifest, &answer, &bundle).assert().success();
    let out = run([
        "verify".as_ref(),
        bundle.as_os_str(),
        "--commitment".as_ref(),
        dir.path().join("replay/commitment.txt").as_os_str(),
    ]);
    assert_eq!(out.code, Some(0), "{}", out.out());
    let text = out.out();
    assert!(text.contains("✓ randomness"), "{text}");
    assert!(text.contains(&format!("drand round {ROUND}")), "{text}");
    assert!(text.contains("signature verified"), "{text}");
    assert!(text.contains(RANDOMNESS), "{text}");
    assert!(text.contains("REPLAY"), "{text}");
    assert!(text.contains("VALID if"), "{text}");

    // The same round as drand's v2 API serves it (no randomness) gives the same bundle.
    let v2 = write(
        dir.path(),
        "round-v2.json",
        format!(r#"{{"round": {ROUND}, "signature": "{SIGNATURE}"}}"#),
    );
    let bundle_v2 = dir.path().join("v2/bundle.json");
    draw(&manifest, &v2, &bundle_v2).assert().success();
    let a: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&bundle).unwrap()).unwrap();
    let b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&bundle_v2).unwrap()).unwrap();
    assert_eq!(a["seed"], b["seed"]);
    assert_eq!(a["result"], b["result"]);

    // drand's randomness is checked against the signature, never trusted.
    let wrong = write(
        dir.path(),
        "wrong.json",
        format!(
            r#"{{"round": {ROUND}, "randomness": "{}", "signature": "{SIGNATURE}"}}"#,
            "00".repeat(32)
        ),
    );
    draw(&manifest, &wrong, &dir.path().join("x/bundle.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not SHA-256 of the signature"));
    // A signature of another round does not verify.
    let forged = write(
        dir.path(),
        "forged.json",
        format!(
            r#"{{"round": {ROUND}, "signature": "{}"}}"#,
            "b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d43765482e26cd02df835d3546d23c4b13e0dfc92"
        ),
    );
    draw(&manifest, &forged, &dir.path().join("x/bundle.json"))
        .assert()
        .code(2);
    // An answer for a round the recipe does not name has no chain to take.
    let other = write(
        dir.path(),
        "other.json",
        format!(r#"{{"round": {}, "signature": "{SIGNATURE}"}}"#, ROUND + 1),
    );
    draw(&manifest, &other, &dir.path().join("x/bundle.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "the recipe commits to no drand round {}",
            ROUND + 1
        )));
    assert!(!dir.path().join("x/bundle.json").exists());
}
