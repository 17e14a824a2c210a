//! Linked stages through the command line (SPEC.md section 5.3): `commit --previous` links each
//! volunteer to the ticket that invited them, and `verify --previous` checks the chain and
//! prints the response rates.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// The Sortition Foundation's candidates: stage 1 invites 60 of the 150, stratified by
/// `geo_bucket`.
fn stage1() -> Drawn {
    let dir = tempfile::TempDir::new().unwrap();
    let p = data("sortition-algorithms/candidates.csv")
        .display()
        .to_string();
    let q = write(
        dir.path(),
        "quotas1.csv",
        "feature,value,min,max\nGender,Female,0,60\nGender,Male,0,60\nGender,Non-binary or other,0,60\n",
    )
    .display()
    .to_string();
    let reveal = hex_reveal(dir.path(), "f12570");
    commit_and_draw_in(
        dir,
        &[
            "--people",
            &p,
            "--quotas",
            &q,
            "--size",
            "60",
            "--alternates",
            "5",
            "--id-column",
            "nationbuilder_id",
            "--method",
            "stratified",
            "--strata",
            "geo_bucket",
            "--allocation",
            "largest-remainder",
        ],
        &reveal,
    )
}

/// The stage-1 invitees' ids, selected then alternates.
fn invitee_ids(s1: &Drawn) -> Vec<String> {
    let map = read_csv(&s1.commit.join("private/tickets.csv"));
    let b = s1.bundle_json();
    let tickets = b["result"]["selected"]
        .as_array()
        .unwrap()
        .iter()
        .chain(b["result"]["alternates"].as_array().unwrap());
    tickets
        .map(|t| {
            let row = map
                .iter()
                .find(|r| r[0] == t.as_str().unwrap())
                .expect("in the map");
            row[2].clone()
        })
        .collect()
}

/// A stage-2 people file: the candidates' rows for `ids`, with `Gender` changed for `flip`.
fn volunteers(dir: &Path, ids: &[String], flip: Option<&str>) -> PathBuf {
    let rows = read_csv(&data("sortition-algorithms/candidates.csv"));
    let mut text = rows[0].join(",") + "\n";
    for r in rows.iter().filter(|r| ids.contains(&r[0])) {
        let mut r = r.clone();
        if flip == Some(r[0].as_str()) {
            r[9] = if r[9] == "Male" {
                "Female".into()
            } else {
                "Male".into()
            };
        }
        text += &(r.join(",") + "\n");
    }
    write(dir, "volunteers.csv", text)
}

fn stage2_commit(s1: &Drawn, dir: &Path, people: &Path) -> Run {
    let quotas = write(
        dir,
        "quotas2.csv",
        "feature,value,min,max\nGender,Female,0,8\nGender,Male,0,8\nGender,Non-binary or other,0,8\n",
    );
    run([
        "commit".to_string(),
        "--people".into(),
        people.display().to_string(),
        "--quotas".into(),
        quotas.display().to_string(),
        "--id-column".into(),
        "nationbuilder_id".into(),
        "--size".into(),
        "8".into(),
        "--method".into(),
        "uniform".into(),
        "--allow-small-cells".into(),
        "1".into(),
        "--ticket-key".into(),
        "7365636f6e64207374616765206b6579".into(),
        "--previous".into(),
        s1.bundle.display().to_string(),
        "--previous-tickets".into(),
        s1.commit.join("private/tickets.csv").display().to_string(),
        "--inherit".into(),
        "Gender".into(),
        "--out".into(),
        dir.join("commit2").display().to_string(),
    ])
}

#[test]
fn a_linked_stage_verifies_as_a_chain_with_its_response_rates() {
    let s1 = stage1();
    let ids = invitee_ids(&s1);
    assert_eq!(ids.len(), 65);
    let dir = tempfile::TempDir::new().unwrap();
    let answered: Vec<String> = ids.iter().step_by(3).cloned().collect();
    let people = volunteers(dir.path(), &answered, None);
    let r = stage2_commit(&s1, dir.path(), &people);
    assert_eq!(r.code, Some(0), "{}", r.err());
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("commit2/manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        manifest["parent"]["inherited"],
        serde_json::json!(["Gender"])
    );
    let reveal = hex_reveal(dir.path(), "c0ffee");
    let bundle = dir.path().join("draw2/bundle.json");
    draw(&dir.path().join("commit2/manifest.json"), &reveal, &bundle)
        .assert()
        .success();

    let r = run([
        "--json",
        "verify",
        &bundle.display().to_string(),
        "--previous",
        &s1.bundle.display().to_string(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.out());
    let chain = r.json();
    assert_eq!(chain["valid"], true);
    let statuses: Vec<(&str, &str)> = chain["report"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap(), s["status"].as_str().unwrap()))
        .filter(|(id, _)| ["parent", "links", "inherited"].contains(id))
        .collect();
    assert_eq!(
        statuses,
        [
            ("parent", "passed"),
            ("links", "passed"),
            ("inherited", "passed")
        ]
    );
    let total = chain["responses"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(total["invited"], 65);
    assert_eq!(total["volunteered"], answered.len());

    // The same stage alone: the chain is left to compare by hand, never passed.
    let r = run(["--json", "verify", &bundle.display().to_string()]);
    assert_eq!(r.code, Some(0));
    let alone = r.json();
    assert_eq!(alone["verdict"], "valid_if");
    assert!(
        alone["by_hand"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["subject"] == "previous"),
        "{alone}"
    );

    // Text output names the chain and the rates.
    let r = run([
        "verify",
        &bundle.display().to_string(),
        "--previous",
        &s1.bundle.display().to_string(),
    ]);
    assert!(r.out().contains("Who answered"), "{}", r.out());
}

#[test]
fn a_volunteer_who_was_not_invited_or_whose_roll_values_differ_is_refused_at_commit() {
    let s1 = stage1();
    let ids = invitee_ids(&s1);
    let dir = tempfile::TempDir::new().unwrap();
    // p149 or whoever was not invited.
    let outsider = (0..150)
        .map(|i| format!("p{i}"))
        .find(|p| !ids.contains(p))
        .unwrap();
    let mut with_outsider: Vec<String> = ids[..20].to_vec();
    with_outsider.push(outsider.clone());
    let r = stage2_commit(
        &s1,
        dir.path(),
        &volunteers(dir.path(), &with_outsider, None),
    );
    assert_ne!(r.code, Some(0));
    assert!(
        r.err().contains(&format!("the id \"{outsider}\"")) && r.err().contains("not invited"),
        "{}",
        r.err()
    );

    let dir = tempfile::TempDir::new().unwrap();
    let r = stage2_commit(
        &s1,
        dir.path(),
        &volunteers(dir.path(), &ids[..20], Some(&ids[3])),
    );
    assert_ne!(r.code, Some(0));
    assert!(r.err().contains("has Gender"), "{}", r.err());
}

#[test]
fn a_stage_verified_with_another_previous_stage_fails_at_parent() {
    let s1 = stage1();
    let ids = invitee_ids(&s1);
    let dir = tempfile::TempDir::new().unwrap();
    let people = volunteers(dir.path(), &ids[..20], None);
    assert_eq!(stage2_commit(&s1, dir.path(), &people).code, Some(0));
    let reveal = hex_reveal(dir.path(), "c0ffee");
    let bundle = dir.path().join("draw2/bundle.json");
    draw(&dir.path().join("commit2/manifest.json"), &reveal, &bundle)
        .assert()
        .success();
    // Another draw of stage 1: same commitment, other randomness, other invitees.
    let other = dir.path().join("other/bundle.json");
    draw(
        &s1.commit.join("manifest.json"),
        &hex_reveal(dir.path(), "0bad00"),
        &other,
    )
    .assert()
    .success();
    let r = run([
        "--json",
        "verify",
        &bundle.display().to_string(),
        "--previous",
        &other.display().to_string(),
    ]);
    assert_eq!(r.code, Some(1));
    let chain = r.json();
    assert_eq!(failed_step(&chain["report"]), "parent");
    assert_eq!(chain["report"]["error_kind"], "ParentMismatch");
}

#[test]
fn a_volunteer_checks_their_path_from_both_receipts() {
    let s1 = stage1();
    let ids = invitee_ids(&s1);
    let dir = tempfile::TempDir::new().unwrap();
    let people = volunteers(dir.path(), &ids[..20], None);
    assert_eq!(stage2_commit(&s1, dir.path(), &people).code, Some(0));
    let reveal = hex_reveal(dir.path(), "c0ffee");
    let bundle = dir.path().join("draw2/bundle.json");
    draw(&dir.path().join("commit2/manifest.json"), &reveal, &bundle)
        .assert()
        .success();
    // One volunteer's two receipts, found by id through the two ticket maps.
    let ticket_of = |map: &Path, id: &str| {
        read_csv(map)
            .into_iter()
            .find(|r| r[2] == id)
            .expect("in the map")[0]
            .clone()
    };
    let id = &ids[0];
    let t1 = ticket_of(&s1.commit.join("private/tickets.csv"), id);
    let t2 = ticket_of(&dir.path().join("commit2/private/tickets.csv"), id);
    let r1 = s1.commit.join(format!("private/receipts/{t1}.json"));
    let r2 = dir
        .path()
        .join(format!("commit2/private/receipts/{t2}.json"));
    let args = |r1: &Path| {
        vec![
            "--json".to_string(),
            "receipt".into(),
            r2.display().to_string(),
            bundle.display().to_string(),
            "--previous".into(),
            s1.bundle.display().to_string(),
            "--previous-receipt".into(),
            r1.display().to_string(),
        ]
    };
    let r = run(args(&r1));
    assert_eq!(r.code, Some(0), "{}", r.err());
    let out = r.json();
    assert_eq!(out["path"]["invited"]["place"], "selected", "{out}");
    assert_eq!(out["path"]["answered"], t2.as_str());
    // Someone else's stage-1 receipt: the two are not one person's.
    let other = ticket_of(&s1.commit.join("private/tickets.csv"), &ids[1]);
    let r = run(args(
        &s1.commit.join(format!("private/receipts/{other}.json")),
    ));
    assert_eq!(r.code, Some(1), "{}", r.out());
    assert!(r.err().contains("not one person's"), "{}", r.err());
    // A previous stage that does not verify (its seed tampered with): what it says of the
    // person is not established, and the receipt check fails.
    let mut tampered: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&s1.bundle).unwrap()).unwrap();
    tampered["seed"] = serde_json::json!("00".repeat(32));
    let forged = dir.path().join("stage1-tampered.json");
    std::fs::write(&forged, tampered.to_string()).unwrap();
    let mut forged_args = args(&r1);
    forged_args[5] = forged.display().to_string();
    let r = run(forged_args);
    assert_eq!(r.code, Some(1), "{}", r.out());
    let out = r.json();
    assert_eq!(out["bundle_valid"], false, "{out}");
    assert!(out["path"].is_null(), "{out}");
    assert!(out["outcome"].is_null(), "{out}");
    assert!(
        out["bundle_error"]
            .as_str()
            .is_some_and(|e| e.contains("previous stage does not verify")),
        "{out}"
    );
}
