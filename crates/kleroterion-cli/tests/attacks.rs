//! What a dishonest organiser could try (SPEC.md section 16), each attack made from an honest
//! draw through the command line (`commit`, then `draw`), and what the tools answer: the exit
//! code (0 no check failed, 1 a check failed, 2 an input refused) and what they print.
//!
//! The honest draw commits now to the EuroMillions draw about a year ahead and reveals
//! 7 18 28 40 48 with stars 3 9, as if the operator had published them: that is the
//! published fact the attacks are checked against.

mod common;

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// The honest numbers of [`honest_lottery_draw`], as published by the operator.
fn published_numbers(date: &str) -> String {
    format!("euromillions@{date}=7,18,28,40,48+3,9")
}

/// A commitment in 16 groups of 4 hex digits, as the verdict lists it.
fn grouped(hex: &str) -> String {
    hex.as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).expect("hex"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The commitment written by `commit` in `dir/commitment.txt`.
fn commitment_in(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("commitment.txt"))
        .expect("commitment.txt")
        .trim()
        .to_owned()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("file")).expect("JSON")
}

fn write_json(path: &Path, v: &Value) {
    std::fs::write(path, serde_json::to_string_pretty(v).expect("JSON")).expect("written");
}

/// Runs `verify BUNDLE ARGS...` in text, then with `--json`; returns both runs.
fn verify(bundle: &Path, args: &[&str]) -> (Run, Run) {
    let mut text: Vec<OsString> = vec!["verify".into(), bundle.into()];
    text.extend(args.iter().map(OsString::from));
    let mut json = text.clone();
    json.insert(1, "--json".into());
    (run(&text), run(&json))
}

/// The subjects of a JSON report's items to compare by hand, in order.
fn subjects(report: &Value) -> Vec<String> {
    report["by_hand"]
        .as_array()
        .expect("by_hand")
        .iter()
        .map(|i| i["subject"].as_str().expect("subject").to_owned())
        .collect()
}

/// A failed verification: exit 1 in text and JSON, the step and error kind named, the word
/// INVALID and nothing listed to compare by hand.
fn assert_fails(text: &Run, json: &Run, step: &str, kind: &str) -> Value {
    assert_eq!(text.code, Some(1), "{}\n{}", text.out(), text.err());
    assert_eq!(json.code, Some(1), "{}", json.out());
    assert!(text.out().contains(&format!("✗ {step}")), "{}", text.out());
    assert!(text.out().contains("\nINVALID: "), "{}", text.out());
    assert!(!text.out().contains("VALID if"), "{}", text.out());
    let report = json.json();
    assert_eq!(failed_step(&report), step, "{report}");
    assert_eq!(report["error_kind"], kind, "{report}");
    assert_eq!(report["verdict"], "invalid", "{report}");
    assert_eq!(report["valid"], false, "{report}");
    assert!(subjects(&report).is_empty(), "{report}");
    report
}

/// No line of a text report is a bare "VALID" verdict.
fn assert_no_bare_valid(text: &str) {
    for line in text.lines() {
        let verdict = line.trim_start();
        assert!(
            !verdict.starts_with("VALID") || verdict.starts_with("VALID if "),
            "a bare VALID: {line}\n{text}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Re-commitment: change the manifest after the fact and commit again.

/// Draws from a manifest edited after its commitment: `draw` refuses it (the manifest no longer
/// hashes to `commitment.txt`), so the organiser gives the edited manifest's own commitment,
/// which the refusal names; the draw then succeeds, and only verification can catch it.
fn draw_edited(manifest: &Path, reveal: &Path, bundle: &Path) {
    let refused = draw(manifest, reveal, bundle)
        .output()
        .expect("the binary runs");
    assert_eq!(refused.status.code(), Some(2));
    let err = String::from_utf8_lossy(&refused.stderr).into_owned();
    assert!(
        err.contains("was edited after the commitment was made"),
        "{err}"
    );
    assert!(!bundle.exists(), "nothing written");
    let found = err
        .split("hashes to ")
        .nth(1)
        .and_then(|t| t.get(..64))
        .expect("the refusal names the edited manifest's commitment");
    draw(manifest, reveal, bundle)
        .args(["--commitment", found])
        .assert()
        .success();
}

#[test]
fn re_commitment_after_the_fact_fails_against_the_published_commitment() {
    let (d, _) = honest_lottery_draw();
    let dir = d.dir.path();
    let original = commitment_in(&d.commit);
    let original_file = d.commit.join("commitment.txt");
    let manifest = read_json(&d.commit.join("manifest.json"));

    // The honest bundle verifies against the commitment as published, given as the file or
    // as the grouped digits (spaces ignored).
    for given in [original_file.display().to_string(), grouped(&original)] {
        let (text, json) = verify(&d.bundle, &["--commitment", &given]);
        assert_eq!(text.code, Some(0), "{}", text.out());
        assert_eq!(json.code, Some(0));
        let report = json.json();
        assert_eq!(report["verdict"], "valid_if", "{report}");
        // The commitment was checked by computation: it is not among the items left by hand.
        assert!(!subjects(&report).contains(&"commitment".to_owned()));
        assert_no_bare_valid(&text.out());
    }

    // Attack 1: the organiser changes a quota in the quotas file and runs `commit` again, with
    // the same ticket key, recipe and announcement, then draws.
    let quotas = std::fs::read_to_string(data("sortition-algorithms/features.csv")).unwrap();
    let edited = quotas.replace("Gender,Female,11,12,", "Gender,Female,12,12,");
    assert_ne!(quotas, edited);
    let quotas = write(dir, "features-edited.csv", edited);
    let mut args = sortition_foundation_args();
    args[3] = quotas.display().to_string();
    kl().args(["commit", "--allow-small-cells", "1"])
        .args(&args)
        .arg("--randomness")
        .arg(dir.join("recipe.json"))
        .args(["--announced-at", manifest["announced_at"].as_str().unwrap()])
        .args(["--ticket-key", "74657374206b6579746573742d6b6579", "--out"])
        .arg(dir.join("recommit"))
        .assert()
        .success();
    let recommitted = commitment_in(&dir.join("recommit"));
    assert_ne!(recommitted, original);
    let bundle = dir.join("recommit/bundle.json");
    draw(
        &dir.join("recommit/manifest.json"),
        &dir.join("reveal.json"),
        &bundle,
    )
    .assert()
    .success();

    // Against the commitment as first published, the bundle fails at `manifest`.
    let given = original_file.display().to_string();
    let (text, json) = verify(&bundle, &["--commitment", &given]);
    let report = assert_fails(&text, &json, "manifest", "CommitmentMismatch");
    let manifest_step = &report["steps"][1];
    assert_eq!(manifest_step["computed"], recommitted.as_str(), "{report}");
    assert_eq!(manifest_step["published"], original.as_str(), "{report}");
    assert!(text.out().contains(&recommitted), "{}", text.out());
    assert!(text.out().contains(&original), "{}", text.out());
    for later in ["pool", "randomness", "seed", "draw", "transcript"] {
        assert!(
            text.out().contains(&format!("· {later}")),
            "{later} not checked: {}",
            text.out()
        );
    }

    // Without --commitment, the bundle agrees with itself, but the verdict is never a bare
    // VALID: it lists the commitment, grouped by 4, to compare with its first public record.
    let (text, json) = verify(&bundle, &[]);
    assert_eq!(text.code, Some(0), "{}", text.out());
    let out = text.out();
    assert!(out.contains("VALID if the "), "{out}");
    assert!(
        out.contains(&format!(">>> {}", grouped(&recommitted))),
        "{out}"
    );
    assert_no_bare_valid(&out);
    let report = json.json();
    assert_eq!(report["verdict"], "valid_if");
    let item = &report["by_hand"][0];
    assert_eq!(item["subject"], "commitment", "{report}");
    assert_eq!(item["value"], grouped(&recommitted).as_str(), "{report}");

    // Attack 2: the organiser edits the committed manifest in place (a quota's maximum) and
    // draws again: `draw` recomputes the commitment, which no longer is the published one.
    let mut m = manifest.clone();
    m["features"][0]["values"][0]["max"] = Value::from(13);
    write_json(&d.commit.join("manifest.json"), &m);
    let bundle = dir.join("edited/bundle.json");
    draw_edited(
        &d.commit.join("manifest.json"),
        &dir.join("reveal.json"),
        &bundle,
    );
    let edited = read_json(&bundle);
    assert_ne!(edited["commitment"], original.as_str());
    let (text, json) = verify(&bundle, &["--commitment", &original]);
    assert_fails(&text, &json, "manifest", "CommitmentMismatch");
    let (text, _) = verify(&bundle, &[]);
    assert_eq!(text.code, Some(0));
    assert_no_bare_valid(&text.out());
    assert!(
        text.out()
            .contains(&grouped(edited["commitment"].as_str().unwrap())),
        "{}",
        text.out()
    );

    // Attack 3: keep the published commitment in the bundle's own field over the edited
    // manifest: the bundle does not even agree with itself.
    let mut forged = edited.clone();
    forged["commitment"] = Value::from(original.as_str());
    let path = dir.join("forged-field.json");
    write_json(&path, &forged);
    let (text, json) = verify(&path, &[]);
    assert_fails(&text, &json, "manifest", "CommitmentMismatch");

    // A malformed --commitment is an input error, not a verdict.
    let r = run([
        OsStr::new("verify"),
        d.bundle.as_os_str(),
        OsStr::new("--commitment"),
        OsStr::new("12ab"),
    ]);
    assert_eq!(r.code, Some(2), "{}", r.err());
    assert!(r.err().contains("--commitment"), "{}", r.err());
}

// ---------------------------------------------------------------------------------------------
// Ground lottery numbers: keep everything, invent the lottery's numbers.

#[test]
fn ground_lottery_numbers_fail_against_the_published_numbers() {
    let (d, date) = honest_lottery_draw();
    let dir = d.dir.path();
    let published = published_numbers(&date);
    let commitment = d.commit.join("commitment.txt").display().to_string();

    // The honest bundle matches the published numbers, in any order; the lottery is still
    // listed by hand (the reader copied the numbers, no program checked them at the source).
    for given in [
        published.clone(),
        format!("euromillions@{date}=48,40,28,18,7+9,3"),
    ] {
        let (text, json) = verify(
            &d.bundle,
            &["--commitment", &commitment, "--lottery", &given],
        );
        assert_eq!(text.code, Some(0), "{}", text.out());
        let report = json.json();
        assert_eq!(report["verdict"], "valid_if");
        assert!(
            subjects(&report).contains(&"lottery".to_owned()),
            "{report}"
        );
    }

    // Attack: the organiser tries other numbers until the panel suits them, and draws.
    let ground = euromillions_reveal(dir, "ground.json", &[1, 2, 3, 4, 5], &[11, 12]);
    let bundle = dir.join("ground/bundle.json");
    draw(&d.commit.join("manifest.json"), &ground, &bundle)
        .assert()
        .success();
    assert_ne!(read_json(&bundle)["seed"], d.bundle_json()["seed"]);

    // Given the numbers the operator published, the bundle fails at `randomness`.
    let (text, json) = verify(
        &bundle,
        &["--commitment", &commitment, "--lottery", &published],
    );
    let report = assert_fails(&text, &json, "randomness", "LotteryMismatch");
    assert!(
        report["error"].as_str().unwrap().contains(&date),
        "{report}"
    );

    // Without them, every computation passes, and the lottery is listed to compare by hand,
    // main numbers and stars apart, next to the operator's result page.
    let (text, json) = verify(&bundle, &["--commitment", &commitment]);
    assert_eq!(text.code, Some(0), "{}", text.out());
    let out = text.out();
    assert!(out.contains("VALID if the "), "{out}");
    assert_no_bare_valid(&out);
    let report = json.json();
    let lottery: Vec<&Value> = report["by_hand"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["subject"] == "lottery")
        .collect();
    assert_eq!(lottery.len(), 1, "{report}");
    let value = lottery[0]["value"].as_str().unwrap();
    assert!(value.contains("numbers 1 2 3 4 5"), "{value}");
    assert!(value.contains("stars 11 12"), "{value}");
    assert!(
        value.find("numbers").unwrap() < value.find("stars").unwrap(),
        "{value}"
    );
    assert!(lottery[0]["what"].as_str().unwrap().contains(&date));
    assert!(
        lottery[0]["record"]
            .as_str()
            .unwrap()
            .contains("https://www.fdj.fr/"),
        "{report}"
    );
    assert!(out.contains(&format!(">>> {value}")), "{out}");
    // Lottery numbers in the form of protocol v1 (one list, stars mixed in) or outside the
    // format are refused by `draw`: no bundle is written.
    let refused = [
        r#"{"sources": [{"kind": "lottery", "lottery": "euromillions", "numbers": [0, 7, 18, 28, 40, 48, 3]}]}"#,
        r#"{"sources": [{"kind": "lottery", "name": "EuroMillions", "numbers": [7, 18, 28, 40, 48, 3, 9]}]}"#,
        r#"{"sources": [{"kind": "lottery", "lottery": "euromillions", "main": [7, 18, 28, 40, 48, 3, 9], "bonus": []}]}"#,
        r#"{"sources": [{"kind": "lottery", "lottery": "euromillions", "main": [0, 7, 18, 28, 40], "bonus": [[3, 9]]}]}"#,
        r#"{"sources": [{"kind": "lottery", "lottery": "euromillions", "main": [7, 7, 18, 28, 40], "bonus": [[3, 9]]}]}"#,
        r#"{"sources": [{"kind": "lottery", "lottery": "euromillions", "main": [7, 18, 28, 40, 51], "bonus": [[3, 9]]}]}"#,
        r#"{"sources": [{"kind": "lottery", "lottery": "euromillions", "main": [7, 18, 28, 40, 48], "bonus": [[3, 13]]}]}"#,
        r#"{"sources": [{"kind": "lottery", "lottery": "euromillions", "main": [7, 18, 28, 40, 48], "bonus": [[3]]}]}"#,
        r#"{"sources": [{"kind": "lottery", "lottery": "fr-loto", "main": [7, 18, 28, 40, 48], "bonus": [[3]]}]}"#,
    ];
    for (i, reveal) in refused.iter().enumerate() {
        let path = write(dir, &format!("refused-{i}.json"), reveal);
        let out_path = dir.join(format!("refused-{i}/bundle.json"));
        let manifest = d.commit.join("manifest.json");
        let r = run([
            OsStr::new("draw"),
            manifest.as_os_str(),
            OsStr::new("--reveal"),
            path.as_os_str(),
            OsStr::new("--out"),
            out_path.as_os_str(),
        ]);
        assert_eq!(r.code, Some(2), "{reveal} accepted: {}", r.out());
        assert!(r.err().starts_with("error: "), "{}", r.err());
        assert!(!out_path.exists(), "{reveal}");
    }

    // A malformed --lottery is an input error, not a verdict.
    let r = run([
        OsStr::new("verify"),
        d.bundle.as_os_str(),
        OsStr::new("--lottery"),
        OsStr::new("euromillions=1,2,3"),
    ]);
    assert_eq!(r.code, Some(2), "{}", r.err());
    assert!(r.err().contains("--lottery"), "{}", r.err());
}

// ---------------------------------------------------------------------------------------------
// A late commitment, and recipes that would let the organiser choose when to look.

/// Runs `commit` of the Sortition Foundation fixture with a recipe and extra arguments.
fn commit_recipe(dir: &Path, out: &str, recipe: &str, extra: &[&str]) -> Run {
    let recipe = write(dir, &format!("{out}-recipe.json"), recipe);
    let mut args: Vec<String> = vec!["commit".into(), "--allow-small-cells".into(), "1".into()];
    args.extend(sortition_foundation_args());
    args.extend([
        "--ticket-key".into(),
        "6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b".into(),
        "--randomness".into(),
        recipe.display().to_string(),
        "--out".into(),
        dir.join(out).display().to_string(),
    ]);
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    run(&args)
}

fn lottery_recipe(date: &str) -> String {
    format!(
        r#"{{"sources": [{{"kind": "lottery", "lottery": "euromillions", "date": "{date}"}}], "fallback": "next_value"}}"#
    )
}

#[test]
fn late_commitments_are_refused_by_commit() {
    let dir = tempfile::TempDir::new().unwrap();
    let dir = dir.path();
    let now = now();
    let announced = utc(now);

    // A lottery draw that already took place.
    let past = euromillions_friday(-14);
    let r = commit_recipe(
        dir,
        "past",
        &lottery_recipe(&past),
        &["--announced-at", &utc(now - 30 * 86_400)],
    );
    assert_eq!(r.code, Some(2), "{}", r.out());
    assert!(r.err().contains("already exists"), "{}", r.err());
    assert!(r.err().contains("--replay"), "{}", r.err());
    assert!(!dir.join("past/manifest.json").exists());

    // A future draw, but announced less than an hour before it (or after it). EuroMillions
    // draws at 20:30 in Paris, 18:30 or 19:30 UTC: 19:00 UTC is at most an hour before.
    let future = euromillions_friday(30);
    for at in [format!("{future}T19:00:00Z"), format!("{future}T23:00:00Z")] {
        let r = commit_recipe(
            dir,
            "close",
            &lottery_recipe(&future),
            &["--announced-at", &at],
        );
        assert_eq!(r.code, Some(2), "{at}: {}", r.out());
        assert!(r.err().contains("less than an hour"), "{}", r.err());
    }
    // Announced now, a month ahead: accepted.
    let r = commit_recipe(
        dir,
        "ok",
        &lottery_recipe(&future),
        &["--announced-at", &announced],
    );
    assert_eq!(r.code, Some(0), "{}", r.err());
    assert!(
        r.out().contains(&format!("before {future}T")),
        "{}",
        r.out()
    );
    // A recipe with a timed source and no announcement: nobody could check the time order.
    let r = commit_recipe(dir, "unannounced", &lottery_recipe(&future), &[]);
    assert_eq!(r.code, Some(2), "{}", r.out());
    assert!(r.err().contains("announced_at"), "{}", r.err());

    // drand: a round from `drand-round --after`, two hours from now, is accepted; a round
    // that exists already, or comes within the hour of the announcement, is refused.
    let round = |at: u64| {
        let r = run(["drand-round", "--json", "--after", &utc(at)]);
        assert_eq!(r.code, Some(0), "{}", r.err());
        r.json()["round"].as_u64().expect("round")
    };
    let drand = |round: u64| {
        format!(
            r#"{{"sources": [{{"kind": "drand", "chain": "{QUICKNET}", "round": {round}}}], "fallback": "next_value"}}"#
        )
    };
    let soon = round(now + 7200);
    let r = commit_recipe(
        dir,
        "drand-ok",
        &drand(soon),
        &["--announced-at", &announced],
    );
    assert_eq!(r.code, Some(0), "{}", r.err());
    let r = commit_recipe(
        dir,
        "drand-close",
        &drand(soon),
        &["--announced-at", &utc(now + 7200 - 1800)],
    );
    assert_eq!(r.code, Some(2), "{}", r.out());
    assert!(r.err().contains("less than an hour"), "{}", r.err());
    let gone = round(now - 86_400);
    let r = commit_recipe(
        dir,
        "drand-past",
        &drand(gone),
        &["--announced-at", &utc(now - 2 * 86_400)],
    );
    assert_eq!(r.code, Some(2), "{}", r.out());
    assert!(r.err().contains("already exists"), "{}", r.err());
    assert!(
        r.err().contains(&format!("drand round {gone}")),
        "{}",
        r.err()
    );

    // Recipes that would let the organiser choose when to look are refused, the rule named.
    let fallback = |rule: &str| {
        format!(
            r#"{{"sources": [{{"kind": "lottery", "lottery": "euromillions", "date": "{future}"}}], "fallback": "{rule}"}}"#
        )
    };
    for rule in [
        "If the draw does not take place, the next EuroMillions draw.",
        "latest value",
        "the latest value",
    ] {
        let r = commit_recipe(
            dir,
            "fallback",
            &fallback(rule),
            &["--announced-at", &announced],
        );
        assert_eq!(r.code, Some(2), "{rule}: {}", r.out());
        assert!(r.err().contains(&format!("\"{rule}\"")), "{}", r.err());
        assert!(r.err().contains("next_value"), "{}", r.err());
    }
    let r = commit_recipe(
        dir,
        "max",
        &drand(u64::MAX),
        &["--announced-at", &announced],
    );
    assert_eq!(r.code, Some(2), "{}", r.out());
    assert!(r.err().contains("18446744073709551615"), "{}", r.err());
    assert!(r.err().contains("9999-12-31T23:59:59Z"), "{}", r.err());
    // Not a draw day of the lottery: the recipe would not name one draw.
    let saturday = {
        let friday = euromillions_friday(30);
        let secs = kleroterion::time::parse_utc(&format!("{friday}T00:00:00Z")).unwrap() + 86_400;
        utc(secs)[..10].to_owned()
    };
    let r = commit_recipe(
        dir,
        "saturday",
        &lottery_recipe(&saturday),
        &["--announced-at", &announced],
    );
    assert_eq!(r.code, Some(2), "{}", r.out());
    assert!(r.err().contains("Saturday"), "{}", r.err());
    for refused in [
        "past",
        "close",
        "unannounced",
        "drand-close",
        "drand-past",
        "fallback",
        "max",
        "saturday",
    ] {
        assert!(
            !dir.join(refused).join("manifest.json").exists(),
            "{refused}"
        );
    }
}

#[test]
fn a_replay_and_a_rehearsal_say_so() {
    let dir = tempfile::TempDir::new().unwrap();
    let dir = dir.path();

    // Replay: a past draw played again (a fixed date, so that the draw is the same on every
    // run). The manifest says so and the verdict lists it first.
    let past = "2024-11-15";
    let r = commit_recipe(
        dir,
        "replay",
        &lottery_recipe(past),
        &["--announced-at", &format!("{past}T08:00:00Z"), "--replay"],
    );
    assert_eq!(r.code, Some(0), "{}", r.err());
    assert_eq!(
        read_json(&dir.join("replay/manifest.json"))["purpose"],
        "replay"
    );
    let reveal = euromillions_reveal(dir, "reveal.json", &[5, 14, 23, 32, 41], &[2, 11]);
    let bundle = dir.join("replay/bundle.json");
    draw(&dir.join("replay/manifest.json"), &reveal, &bundle)
        .assert()
        .success();
    let commitment = dir.join("replay/commitment.txt").display().to_string();
    let (text, json) = verify(&bundle, &["--commitment", &commitment]);
    assert_eq!(text.code, Some(0), "{}", text.out());
    let out = text.out();
    assert!(out.contains("REPLAY"), "{out}");
    assert!(out.contains(">>> replay"), "{out}");
    assert_no_bare_valid(&out);
    let report = json.json();
    assert_eq!(report["purpose"], "replay");
    assert_eq!(report["verdict"], "valid_if");
    assert_eq!(subjects(&report)[0], "purpose", "{report}");

    // Rehearsal: a test before the real draw, on a future lottery draw.
    let r = commit_recipe(
        dir,
        "rehearsal",
        &lottery_recipe(FAR_FRIDAY),
        &["--announced-at", FAR_ANNOUNCEMENT, "--rehearsal"],
    );
    assert_eq!(r.code, Some(0), "{}", r.err());
    assert_eq!(
        read_json(&dir.join("rehearsal/manifest.json"))["purpose"],
        "rehearsal"
    );
    let bundle = dir.join("rehearsal/bundle.json");
    draw(&dir.join("rehearsal/manifest.json"), &reveal, &bundle)
        .assert()
        .success();
    let (text, json) = verify(&bundle, &[]);
    assert_eq!(text.code, Some(0), "{}", text.out());
    assert!(text.out().contains(">>> rehearsal"), "{}", text.out());
    let report = json.json();
    assert_eq!(report["purpose"], "rehearsal");
    assert_eq!(
        subjects(&report)[..2],
        ["purpose", "commitment"],
        "{report}"
    );

    // --replay and --rehearsal together make no sense.
    let r = commit_recipe(
        dir,
        "both",
        &lottery_recipe(FAR_FRIDAY),
        &[
            "--announced-at",
            FAR_ANNOUNCEMENT,
            "--rehearsal",
            "--replay",
        ],
    );
    assert_eq!(r.code, Some(2), "{}", r.out());
}

#[test]
fn a_hand_made_late_manifest_fails_the_time_order() {
    let dir = tempfile::TempDir::new().unwrap();
    let dir = dir.path();
    // A lottery outside the registry, declared with its format and draw time, far ahead (fixed
    // dates, so that the draws below are the same on every run).
    let day = "2099-06-05".to_owned();
    let draw_at = format!("{day}T18:00:00Z");
    let recipe = format!(
        r#"{{"sources": [{{"kind": "lottery", "lottery": "Tombola de Pérols", "date": "{day}", "draw_at": "{draw_at}", "format": {{"main": {{"name": "numbers", "count": 3, "min": 1, "max": 90}}, "bonus": []}}}}], "fallback": "next_value"}}"#
    );
    let r = commit_recipe(dir, "c", &recipe, &["--announced-at", FAR_ANNOUNCEMENT]);
    assert_eq!(r.code, Some(0), "{}", r.err());
    let reveal = write(
        dir,
        "reveal.json",
        r#"{"sources": [{"kind": "lottery", "lottery": "Tombola de Pérols", "main": [4, 50, 17], "bonus": []}]}"#,
    );
    let manifest_path = dir.join("c/manifest.json");
    let honest = read_json(&manifest_path);

    // The organiser writes a manifest announced after the draw (or at its very time), and
    // publishes that manifest's own commitment: the bundle fails at `time_order`.
    for (attempt, announced) in [format!("{day}T21:00:00Z"), draw_at.clone()]
        .into_iter()
        .enumerate()
    {
        let mut m = honest.clone();
        m["announced_at"] = Value::from(announced.as_str());
        write_json(&manifest_path, &m);
        let bundle = dir.join(format!("late-{attempt}/bundle.json"));
        draw_edited(&manifest_path, &reveal, &bundle);
        let commitment = read_json(&bundle)["commitment"]
            .as_str()
            .unwrap()
            .to_owned();
        let (text, json) = verify(&bundle, &["--commitment", &commitment]);
        let report = assert_fails(&text, &json, "time_order", "CommittedLate");
        assert!(
            text.out()
                .contains("committed after the randomness existed: the draw proves nothing"),
            "{}",
            text.out()
        );
        assert!(text.out().contains(&draw_at), "{}", text.out());
        assert!(report["error"].as_str().unwrap().contains(&announced));
        for later in ["seed", "draw", "transcript"] {
            assert!(text.out().contains(&format!("· {later}")), "{}", text.out());
        }
    }

    // The same for a registry lottery: announced after the EuroMillions draw.
    let future = FAR_FRIDAY;
    let r = commit_recipe(
        dir,
        "em",
        &lottery_recipe(future),
        &["--announced-at", FAR_ANNOUNCEMENT],
    );
    assert_eq!(r.code, Some(0), "{}", r.err());
    let path = dir.join("em/manifest.json");
    let mut m = read_json(&path);
    m["announced_at"] = Value::from(format!("{future}T22:00:00Z"));
    write_json(&path, &m);
    let reveal = euromillions_reveal(dir, "em-reveal.json", &[7, 18, 28, 40, 48], &[3, 9]);
    let bundle = dir.join("em/bundle.json");
    draw_edited(&path, &reveal, &bundle);
    let (text, json) = verify(&bundle, &[]);
    assert_fails(&text, &json, "time_order", "CommittedLate");
}

// ---------------------------------------------------------------------------------------------
// A screen forged by the file: escape sequences, C1 controls, bidi overrides, a huge string.

/// Control sequences that would clear or hide the screen, fake a verdict, or reorder text:
/// ESC (CSI, "hidden", "clear"), C1 controls (CSI U+009B, NEL U+0085, U+0080, U+009F), every
/// bidi embedding, override and isolate, CR and a line break followed by a fake verdict.
const EVIL: &str = "\u{1b}[8m\u{1b}[2J\u{1b}[H\u{9b}2J\u{85}\u{80}\u{9f}\u{202a}\u{202b}\u{202c}\u{202d}\u{202e}VALID\u{2066}\u{2067}\u{2068}\u{2069}\u{61c}\u{200e}\u{200f}\r\nVALID: every step passed\u{7}";

/// A string of more than 10 MB made of [`EVIL`] over and over.
fn huge() -> String {
    EVIL.repeat(10 * 1024 * 1024 / EVIL.len() + 1)
}

/// The output holds no raw escape, C1 control or bidi formatting character, no control
/// character but the line feed, and stays small.
fn assert_safe(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(2000)]);
    assert!(
        bytes.len() < 100_000,
        "{what}: {} bytes of output: {text}",
        bytes.len()
    );
    assert!(!bytes.contains(&0x1b), "{what}: raw ESC: {text}");
    for (i, &b) in bytes.iter().enumerate() {
        assert!(
            b >= 0x20 || b == b'\n',
            "{what}: raw control byte {b:#04x} at {i}: {text}"
        );
    }
    for (i, w) in bytes.windows(2).enumerate() {
        assert!(
            !(w[0] == 0xC2 && (0x80..=0x9F).contains(&w[1])),
            "{what}: raw C1 control at {i}: {text}"
        );
    }
    for (i, w) in bytes.windows(3).enumerate() {
        let bidi = (w[0] == 0xE2 && w[1] == 0x80 && (0xAA..=0xAE).contains(&w[2]))
            || (w[0] == 0xE2 && w[1] == 0x81 && (0xA6..=0xA9).contains(&w[2]))
            || (w[0] == 0xE2 && w[1] == 0x80 && (0x8E..=0x8F).contains(&w[2]))
            || (w[0] == 0xD8 && w[1] == 0x9C);
        assert!(
            !bidi,
            "{what}: raw bidi formatting character at {i}: {text}"
        );
    }
    // No forged line: the fake verdict, if printed at all, is inside an escaped line.
    for line in String::from_utf8_lossy(bytes).lines() {
        assert!(!line.starts_with("VALID: every"), "{what}: forged line");
    }
}

#[test]
fn a_forged_screen_is_escaped_and_bounded() {
    let (d, _) = honest_lottery_draw();
    let dir = d.dir.path();
    let honest = d.bundle_json();
    let pool = honest["pool"].as_array().unwrap();
    // The receipt of the first person in the pool, whose record no forgery touches.
    let holder = pool[0]["ticket"].as_str().unwrap().to_owned();
    let receipt = d.receipt(&holder);
    let other = honest["result"]["selected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .position(|t| t != holder)
        .unwrap();
    let huge = huge();
    assert!(huge.len() > 10 * 1024 * 1024);

    let mut forgeries: Vec<(&str, Value)> = Vec::new();
    // Everything at once: the format field is checked first.
    let mut v = honest.clone();
    v["format"] = Value::from(format!("kleroterion-bundle{EVIL}{huge}"));
    v["manifest"]["title"] = Value::from(format!("Panel{EVIL}"));
    v["pool"][1]["ticket"] = Value::from(EVIL);
    v["result"]["selected"][other] = Value::from(format!("{EVIL}{huge}"));
    forgeries.push(("everything", v));
    // The title and a pool ticket, with the huge string in the result.
    let mut v = honest.clone();
    v["manifest"]["title"] = Value::from(format!("Panel{EVIL}"));
    v["pool"][1]["ticket"] = Value::from(EVIL);
    v["result"]["selected"][other] = Value::from(format!("{EVIL}{huge}"));
    forgeries.push(("title", v));
    // A huge title alone.
    let mut v = honest.clone();
    v["manifest"]["title"] = Value::from(huge.clone());
    forgeries.push(("huge title", v));
    // A pool ticket alone.
    let mut v = honest.clone();
    v["pool"][1]["ticket"] = Value::from(format!("{EVIL}{huge}"));
    forgeries.push(("pool ticket", v));
    // A ticket of the result alone: printed by the draw step as not in the pool.
    let mut v = honest.clone();
    v["result"]["selected"][other] = Value::from(format!("{EVIL}{huge}"));
    forgeries.push(("result ticket", v));
    // The format alone.
    let mut v = honest.clone();
    v["format"] = Value::from(format!("{EVIL}{huge}"));
    forgeries.push(("format", v));

    for (name, v) in &forgeries {
        let path = dir.join(format!("forged-{}.json", name.replace(' ', "-")));
        std::fs::write(&path, serde_json::to_string(v).unwrap()).unwrap();
        let p = path.as_os_str();
        let (verify, receipt_cmd, json_flag) = (
            OsStr::new("verify"),
            OsStr::new("receipt"),
            OsStr::new("--json"),
        );
        for (args, json) in [
            (vec![verify, p], false),
            (vec![verify, json_flag, p], true),
            (vec![receipt_cmd, receipt.as_os_str(), p], false),
            (vec![receipt_cmd, json_flag, receipt.as_os_str(), p], true),
        ] {
            let what = format!("{name}: {:?}", &args[..args.len() - 1]);
            let r = run(&args);
            assert_eq!(r.code, Some(1), "{what}: {}\n{}", r.out(), r.err());
            assert_safe(&format!("{what} (stdout)"), &r.stdout);
            assert_safe(&format!("{what} (stderr)"), &r.stderr);
            let receipt_run = args[0] == "receipt";
            if json {
                let report = r.json();
                if receipt_run {
                    assert_eq!(report["bundle_valid"], false, "{what}: {report}");
                    assert!(report["outcome"].is_null(), "{what}: {report}");
                } else {
                    assert_eq!(report["verdict"], "invalid", "{what}: {report}");
                }
            } else if receipt_run {
                let out = r.out();
                assert!(out.contains("Outcome: NOT ESTABLISHED"), "{what}: {out}");
                assert!(!out.contains("Outcome: SELECTED"), "{what}: {out}");
            } else {
                let out = r.out();
                assert!(out.contains("\nINVALID: "), "{what}: {out}");
                if *name == "result ticket" {
                    // Shown, escaped and cut, rather than hidden.
                    assert!(
                        out.contains("\\u{1b}[8m") && out.contains("\\u{202e}VALID"),
                        "{what}: {out}"
                    );
                    assert!(out.contains("more bytes)"), "{what}: {out}");
                }
            }
        }
    }

    // A forged receipt, given by the organiser to a person, against the honest bundle.
    let mut forged = read_json(&receipt);
    forged["record"]["ticket"] = Value::from(format!("{EVIL}{huge}"));
    forged["record"]["values"][0] = Value::from(EVIL);
    let forged_path = dir.join("forged-receipt.json");
    std::fs::write(&forged_path, serde_json::to_string(&forged).unwrap()).unwrap();
    for json in [false, true] {
        let mut args = vec![
            OsStr::new("receipt"),
            forged_path.as_os_str(),
            d.bundle.as_os_str(),
        ];
        if json {
            args.insert(1, OsStr::new("--json"));
        }
        let r = run(&args);
        assert_eq!(r.code, Some(1), "{}\n{}", r.out(), r.err());
        assert_safe("forged receipt (stdout)", &r.stdout);
        assert_safe("forged receipt (stderr)", &r.stderr);
        if json {
            assert_eq!(r.json()["matches"], false);
        } else {
            assert!(r.out().contains("does not match this draw"), "{}", r.out());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Replacement records.

fn tickets(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|t| t.as_str().expect("a ticket").to_owned())
        .collect()
}

#[test]
fn replacement_records_are_recomputed_and_tampering_fails() {
    let (d, date) = honest_lottery_draw();
    let dir = d.dir.path();
    let b = d.bundle_json();
    let selected = tickets(&b["result"]["selected"]);
    let alternates = tickets(&b["result"]["alternates"]);
    let record = dir.join("r.json");
    kl().arg("replace")
        .arg(&d.bundle)
        .args(["--dropped", &selected[0], &selected[3], "--out"])
        .arg(&record)
        .assert()
        .success();
    let honest = read_json(&record);
    let replacements = tickets(&honest["replacements"]);
    assert_eq!(replacements.len(), 2);

    let commitment = d.commit.join("commitment.txt").display().to_string();
    let published = published_numbers(&date);
    let base = [
        "--commitment",
        commitment.as_str(),
        "--lottery",
        published.as_str(),
    ];
    let with = |path: &Path| {
        let mut args = base.to_vec();
        args.extend(["--replacement", path.to_str().unwrap()]);
        verify(&d.bundle, &args)
    };

    // The record verifies, and the report lists who was declared dropped and who replaces them.
    let (text, json) = with(&record);
    assert_eq!(text.code, Some(0), "{}", text.out());
    let out = text.out();
    assert!(out.contains("✓ replacements"), "{out}");
    for t in [
        &selected[0],
        &selected[3],
        &replacements[0],
        &replacements[1],
    ] {
        assert!(out.contains(t.as_str()), "{t}: {out}");
    }
    assert_no_bare_valid(&out);
    let report = json.json();
    let step = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "replacements")
        .unwrap();
    assert_eq!(step["status"], "passed", "{report}");
    let detail = step["detail"].to_string();
    assert!(
        detail.contains(&selected[0]) && detail.contains(&selected[3]),
        "{detail}"
    );
    // Two records, both checked.
    let mut args = base.to_vec();
    let r = record.to_str().unwrap();
    args.extend(["--replacement", r, "--replacement", r]);
    let (text, _) = verify(&d.bundle, &args);
    assert_eq!(text.code, Some(0), "{}", text.out());

    // Tampered records fail at `replacements`.
    let outsider = alternates
        .iter()
        .find(|t| !replacements.contains(t))
        .unwrap()
        .clone();
    type Change<'a> = Box<dyn Fn(&mut Value) + 'a>;
    let tampered: Vec<(&str, Change)> = vec![
        (
            "replacement",
            Box::new(|r: &mut Value| r["replacements"][0] = Value::from(outsider.as_str())),
        ),
        (
            "hash",
            Box::new(|r: &mut Value| r["hash"] = Value::from("00".repeat(32))),
        ),
        (
            "panel",
            Box::new(|r: &mut Value| r["panel"][0] = Value::from(outsider.as_str())),
        ),
        (
            "dropped",
            Box::new(|r: &mut Value| r["dropped"][1] = Value::from(selected[4].as_str())),
        ),
        (
            "transcript",
            Box::new(|r: &mut Value| r["transcript"] = Value::from("11".repeat(32))),
        ),
    ];
    for (name, change) in &tampered {
        let mut r = honest.clone();
        change(&mut r);
        let path = dir.join(format!("tampered-{name}.json"));
        write_json(&path, &r);
        let (text, json) = with(&path);
        let report = assert_fails(&text, &json, "replacements", "ReplacementMismatch");
        assert!(
            report["error"]
                .as_str()
                .unwrap()
                .contains("replacement record 1"),
            "{name}: {report}"
        );
    }
    // A record that is not one is an input that cannot be read.
    let path = write(
        dir,
        "not-a-record.json",
        "{\"format\": \"kleroterion-replacement\"}",
    );
    let mut args: Vec<PathBuf> = vec!["verify".into(), d.bundle.clone()];
    args.extend(["--replacement".into(), path]);
    let r = run(&args);
    assert_eq!(r.code, Some(2), "{}", r.out());
    assert!(r.err().contains("not-a-record.json"), "{}", r.err());
}
