//! One test per documented input error: each message names the file, the line, the column
//! and the fix, and the exit code is 2.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use predicates::prelude::*;
use tempfile::TempDir;

const QUOTAS: &str = "feature,value,min,max\ngender,female,1,3\ngender,male,1,3\n";

fn people_text(bad_line: Option<(usize, &str)>) -> String {
    let mut s = String::from("id,gender,town\n");
    for i in 2..=20 {
        let g = match bad_line {
            Some((l, v)) if l == i => v.to_owned(),
            _ => if i % 2 == 0 { "female" } else { "male" }.to_owned(),
        };
        s.push_str(&format!("p{i},{g},Lattes\n"));
    }
    s
}

fn commit_with(
    dir: &Path,
    people: &Path,
    quotas: &Path,
    extra: &[&str],
) -> assert_cmd::assert::Assert {
    kl().args(["commit", "--allow-small-cells", "1"])
        .arg("--people")
        .arg(people)
        .arg("--quotas")
        .arg(quotas)
        .args(["--size", "4", "--method", "greedy"])
        .args(extra)
        .arg("--out")
        .arg(dir.join("out"))
        .assert()
}

fn setup(people: &str, quotas: &str) -> (TempDir, PathBuf, PathBuf) {
    let dir = TempDir::new().unwrap();
    let p = write(dir.path(), "people.csv", people);
    let q = write(dir.path(), "quotas.csv", quotas);
    (dir, p, q)
}

fn fails_with(people: &str, quotas: &str, extra: &[&str], parts: &[&str]) {
    let (dir, p, q) = setup(people, quotas);
    let mut a = commit_with(dir.path(), &p, &q, extra).code(2);
    for part in parts {
        a = a.stderr(predicate::str::contains(*part));
    }
}

#[test]
fn unknown_value_names_line_column_declared_values() {
    fails_with(
        &people_text(Some((17, "Femme"))),
        QUOTAS,
        &[],
        &[
            "people.csv, line 17, column \"gender\": unknown value \"Femme\" for feature \"gender\"",
            "\"female\", \"male\"",
            "Fix:",
        ],
    );
}

#[test]
fn unknown_value_suggests_case_insensitive_match() {
    fails_with(
        &people_text(Some((5, "Female"))),
        QUOTAS,
        &[],
        &["line 5", "Did you mean \"female\""],
    );
}

#[test]
fn quota_line_naming_no_existing_feature() {
    let quotas = format!("{QUOTAS}Age,young,0,4\n");
    fails_with(
        &people_text(None),
        &quotas,
        &[],
        &[
            "quotas.csv, line 4: the quotas name the feature \"Age\", but",
            "people.csv has no such column",
            "\"id\", \"gender\", \"town\"",
        ],
    );
}

#[test]
fn duplicate_id() {
    let people = people_text(None).replace("p9,", "p3,");
    fails_with(
        &people,
        QUOTAS,
        &[],
        &["people.csv, line 9, column \"id\": the id \"p3\" is already used on line 3"],
    );
}

#[test]
fn missing_id_column() {
    fails_with(
        &people_text(None),
        QUOTAS,
        &["--id-column", "nationbuilder_id"],
        &[
            "people.csv, line 1: no column \"nationbuilder_id\" (the id column)",
            "--id-column",
        ],
    );
}

#[test]
fn missing_household_column() {
    fails_with(
        &people_text(None),
        QUOTAS,
        &["--household", "address"],
        &["people.csv, line 1: no column \"address\""],
    );
}

#[test]
fn negative_quota() {
    fails_with(
        &people_text(None),
        "feature,value,min,max\ngender,female,-1,3\ngender,male,1,3\n",
        &[],
        &["quotas.csv, line 2, column \"min\": \"-1\" is not a whole number of 0 or more"],
    );
}

#[test]
fn non_numeric_quota() {
    fails_with(
        &people_text(None),
        "feature,value,min,max\ngender,female,1,3\ngender,male,1,three\n",
        &[],
        &["quotas.csv, line 3, column \"max\": \"three\" is not a whole number"],
    );
}

#[test]
fn min_above_max() {
    fails_with(
        &people_text(None),
        "feature,value,min,max\ngender,female,3,1\ngender,male,1,3\n",
        &[],
        &[
            "quotas.csv, line 2: the quota gender=female has min 3 above max 1",
            "lower the min or raise the max",
        ],
    );
}

#[test]
fn empty_file() {
    fails_with("", QUOTAS, &[], &["people.csv: the file is empty"]);
    fails_with(
        &people_text(None),
        "",
        &[],
        &["quotas.csv: the file is empty"],
    );
}

#[test]
fn header_only() {
    fails_with(
        "id,gender,town\n",
        QUOTAS,
        &[],
        &[
            "people.csv: the file has a header line but no data",
            "one line per person",
        ],
    );
    fails_with(
        &people_text(None),
        "feature,value,min,max\n",
        &[],
        &["quotas.csv: the file has a header line but no data"],
    );
}

#[test]
fn not_utf8_names_the_line() {
    let (dir, _, q) = setup("", QUOTAS);
    let p = write(
        dir.path(),
        "latin1.csv",
        b"id,gender,town\np1,female,Lattes\np2,male,P\xe9rols\n",
    );
    commit_with(dir.path(), &p, &q, &["--encoding", "utf-8"])
        .code(2)
        .stderr(predicate::str::contains(
            "latin1.csv, line 3: the text is not valid UTF-8 (byte 0xE9",
        ))
        .stderr(predicate::str::contains("save the file as UTF-8"));
    // Detected, it is Windows-1252.
    commit_with(dir.path(), &p, &q, &[]).stderr(predicate::str::contains(
        "latin1.csv is not UTF-8: read as Windows-1252",
    ));
}

#[test]
fn wrong_number_of_fields() {
    let people = people_text(None).replace("p6,female,Lattes", "p6,female");
    fails_with(
        &people,
        QUOTAS,
        &[],
        &["people.csv, line 6: 2 fields, but the header has 3"],
    );
}

#[test]
fn unclosed_quote() {
    let people = people_text(None).replace("p6,female,Lattes", "p6,female,\"Lattes");
    let (dir, p, q) = setup(&people, QUOTAS);
    commit_with(dir.path(), &p, &q, &[])
        .code(2)
        .stderr(predicate::str::contains("people.csv, line 6"));
}

#[test]
fn unknown_quota_layout() {
    fails_with(
        &people_text(None),
        "a,b,c\n1,2,3\n",
        &[],
        &["quotas.csv, line 1: the header \"a\", \"b\", \"c\" is not a quota file"],
    );
}

#[test]
fn duplicate_quota_line() {
    fails_with(
        &people_text(None),
        &format!("{QUOTAS}gender,female,1,2\n"),
        &[],
        &["quotas.csv, line 4: the quota gender=female is already given on line 2"],
    );
}

#[test]
fn quotas_that_do_not_fit_the_panel() {
    fails_with(
        &people_text(None),
        "feature,value,min,max\ngender,female,3,3\ngender,male,3,3\n",
        &[],
        &[
            "quotas.csv, line 2: the minimums of feature \"gender\" add up to 6, more than the panel size 4",
        ],
    );
}

#[test]
fn quotas_that_no_panel_can_meet_name_the_relaxation() {
    let people = "id,gender\n1,female\n2,female\n3,female\n4,male\n5,male\n";
    let (dir, p, q) = setup(
        people,
        "feature,value,min,max\ngender,female,0,4\ngender,male,3,4\n",
    );
    kl().args(["commit", "--allow-small-cells", "1"])
        .arg("--people")
        .arg(&p)
        .arg("--quotas")
        .arg(&q)
        .args(["--size", "4", "--method", "lottery", "--out"])
        .arg(dir.path().join("o"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the quotas cannot be met by any panel of 4",
        ))
        .stderr(predicate::str::contains("smallest relaxation"));
}

#[test]
fn household_rule_needs_greedy_or_lottery() {
    let (dir, p, q) = setup(&people_text(None), QUOTAS);
    kl().args(["commit", "--allow-small-cells", "1"])
        .arg("--people")
        .arg(&p)
        .arg("--quotas")
        .arg(&q)
        .args([
            "--size",
            "4",
            "--method",
            "uniform",
            "--household",
            "town",
            "--out",
        ])
        .arg(dir.path().join("o"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("household rule"));
}

#[test]
fn stratified_needs_strata_and_a_known_allocation() {
    let (dir, p, q) = setup(&people_text(None), QUOTAS);
    let run = |extra: &[&str]| {
        kl().args(["commit", "--allow-small-cells", "1"])
            .arg("--people")
            .arg(&p)
            .arg("--quotas")
            .arg(&q)
            .args(["--size", "4", "--method", "stratified"])
            .args(extra)
            .arg("--out")
            .arg(dir.path().join("o"))
            .assert()
            .code(2)
    };
    run(&[]).stderr(predicate::str::contains("--strata"));
    run(&["--strata", "town", "--allocation", "dhondt"]).stderr(predicate::str::contains(
        "allocation \"dhondt\" is not known",
    ));
    run(&["--strata", "gender", "--allocation", "explicit:1,1"]).stderr(predicate::str::contains(
        "add up to 2, not the panel size 4",
    ));
    run(&["--strata", "nope"]).stderr(predicate::str::contains("no column \"nope\""));
}

#[test]
fn panel_larger_than_the_pool() {
    let (dir, p, q) = setup(
        "id,gender\n1,female\n2,male\n",
        "feature,value,min,max\ngender,female,0,4\ngender,male,0,4\n",
    );
    commit_with(dir.path(), &p, &q, &[])
        .code(2)
        .stderr(predicate::str::contains(
            "panel size 4 is impossible with 2 people",
        ));
}

#[test]
fn json_errors_are_json() {
    let (dir, p, q) = setup(&people_text(Some((17, "Femme"))), QUOTAS);
    let out = kl()
        .args(["commit", "--allow-small-cells", "1", "--json", "--people"])
        .arg(&p)
        .arg("--quotas")
        .arg(&q)
        .args(["--size", "4", "--out"])
        .arg(dir.path().join("o"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "UnknownValue");
    assert!(v["error"].as_str().unwrap().contains("line 17"));
}

#[test]
fn draw_errors_name_the_file() {
    let (dir, p, q) = setup(&people_text(None), QUOTAS);
    commit_with(
        dir.path(),
        &p,
        &q,
        &["--ticket-key", "6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b"],
    )
    .success();
    let manifest = dir.path().join("out/manifest.json");
    let bad = write(
        dir.path(),
        "reveal.json",
        "{\"sources\": [{\"kind\": \"coin\"}]}",
    );
    kl().arg("draw")
        .arg(&manifest)
        .arg("--reveal")
        .arg(&bad)
        .arg("--out")
        .arg(dir.path().join("b.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("reveal.json: not a reveal"));
    let reveal = hex_reveal(dir.path(), "00");
    kl().arg("draw")
        .arg(dir.path().join("missing.json"))
        .arg("--reveal")
        .arg(&reveal)
        .arg("--out")
        .arg(dir.path().join("b.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.json"));
    // A randomness recipe that the reveal does not match: a EuroMillions draw a year ahead.
    let recipe = euromillions_recipe(dir.path(), "recipe.json", &euromillions_friday(365));
    commit_with(
        dir.path(),
        &p,
        &q,
        &[
            "--randomness",
            &recipe.display().to_string(),
            "--announced-at",
            &utc(now()),
            // The folder holds the first commit: replacing it is asked for.
            "--force",
        ],
    )
    .success();
    kl().arg("draw")
        .arg(&manifest)
        .arg("--reveal")
        .arg(&reveal)
        .arg("--out")
        .arg(dir.path().join("b.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: the draw failed: the reveal does not match the committed recipe: ",
        ))
        .stderr(predicate::str::contains(
            "the recipe committed to a lottery source, the reveal gives hex",
        ))
        .stderr(predicate::function(|e: &str| {
            e.matches("the draw failed").count() == 1
        }));
}

#[test]
fn recipe_errors_name_the_file_and_the_rule() {
    let (dir, p, q) = setup(&people_text(None), QUOTAS);
    let future = euromillions_friday(365);
    let announced = utc(now());
    let refused = |recipe: &str, extra: &[&str], parts: &[&str]| {
        let r = write(dir.path(), "recipe.json", recipe);
        let mut args = vec!["--randomness", r.to_str().unwrap()];
        args.extend(extra);
        let mut a = commit_with(dir.path(), &p, &q, &args).code(2);
        for part in parts {
            a = a.stderr(predicate::str::contains(*part));
        }
        assert!(!dir.path().join("out/manifest.json").exists());
    };
    let lottery = |source: &str| format!(r#"{{"sources": [{source}], "fallback": "next_value"}}"#);
    // The recipe of protocol v1: an untyped lottery name.
    refused(
        &lottery(&format!(
            r#"{{"kind": "lottery", "name": "EuroMillions", "date": "{future}"}}"#
        )),
        &["--announced-at", &announced],
        &[
            "recipe.json: not a randomness recipe",
            "unknown field `name`",
            "SPEC.md section 14",
        ],
    );
    // A lottery name outside the registry without its format and draw time.
    refused(
        &lottery(&format!(
            r#"{{"kind": "lottery", "lottery": "EuroMillions", "date": "{future}"}}"#
        )),
        &["--announced-at", &announced],
        &[
            "recipe.json: the recipe is not valid",
            "not in the lottery registry",
            "euromillions",
        ],
    );
    // A date before the registry's format of the lottery.
    refused(
        &lottery(r#"{"kind": "lottery", "lottery": "euromillions", "date": "2010-12-03"}"#),
        &["--announced-at", "2010-12-01T10:00:00Z", "--replay"],
        &["since 2016-09-27"],
    );
    // A drand chain this tool does not know.
    refused(
        &lottery(&format!(
            r#"{{"kind": "drand", "chain": "{}", "round": 5}}"#,
            "00".repeat(32)
        )),
        &["--announced-at", &announced],
        &["is not a network this verifier knows"],
    );
    // No source at all.
    refused(&lottery(""), &[], &["0 sources"]);
    // A timed source needs a well-formed announcement.
    let em = lottery(&format!(
        r#"{{"kind": "lottery", "lottery": "euromillions", "date": "{future}"}}"#
    ));
    refused(&em, &[], &["announced_at is missing"]);
    refused(
        &em,
        &["--announced-at", &future],
        &[&format!("announced_at \"{future}\" is not a UTC time")],
    );
}
