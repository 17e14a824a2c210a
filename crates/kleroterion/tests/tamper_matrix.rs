//! The tamper matrix: every single-field mutation of honest bundles of every method must be
//! rejected by `verify`, at the step responsible for that field.
//!
//! Honest bundles: every draw of `tests/vectors/draws.json` (uniform, stratified with each
//! allocation, greedy with and without households, lottery open and sealed, rfc3797) and two bundles whose
//! recipes hold real drand rounds (quicknet and the chained mainnet), a registry lottery draw,
//! a declared lottery, dice and a hex value. Mutations, for every leaf of the bundle's JSON: strings changed, hex digits
//! flipped, numbers moved by one, booleans flipped, nulls filled; for every list: the last entry
//! dropped, the first entry repeated, the first two swapped.

mod common;

use kleroterion::public_lottery::{LotteryFormat, NumberGroup};
use kleroterion::{
    Bundle, Digest, Fallback, Published, Recipe, Reveal, SourceSpec, SourceValue, StepId, Verdict,
    draw, verify_json,
};
use serde_json::Value;

fn load(path: &str) -> Value {
    let full = format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&full).expect("vector file")).expect("json")
}

fn vector_bundles() -> Vec<(String, Bundle)> {
    let v = load("tests/vectors/draws.json");
    let draws = v["draws"].as_array().expect("draws");
    assert!(!draws.is_empty(), "no draw in draws.json");
    draws
        .iter()
        .map(|c| {
            (
                c["name"].as_str().expect("name").to_string(),
                common::draw_vector_case(c).expect("honest draw"),
            )
        })
        .collect()
}

fn beacon(round: u64, chain: &str) -> SourceValue {
    let v = load("crates/kleroterion-drand/tests/vectors/beacons.json");
    let b = v["vectors"]
        .as_array()
        .expect("vectors")
        .iter()
        .find(|b| b["round"] == round && b["chain_hash"] == chain)
        .expect("a recorded beacon");
    let hex = |k: &str| {
        b[k].as_str()
            .map(|s| kleroterion::digest::from_hex(s, k).expect("hex"))
    };
    SourceValue::Drand {
        chain: Digest::from_hex(chain, "chain").expect("chain"),
        round,
        signature: hex("signature").expect("signature"),
        previous_signature: hex("previous_signature"),
        randomness: b["randomness"]
            .as_str()
            .map(|r| Digest::from_hex(r, "randomness").expect("randomness")),
    }
}

/// A lottery outside the registry: three numbers of 1 to 90 and a bonus number from the same
/// drum.
fn tombola() -> SourceSpec {
    let group = |name: &str, count, from_main_drum| NumberGroup {
        name: name.into(),
        count,
        min: 1,
        max: 90,
        from_main_drum,
    };
    SourceSpec::Lottery {
        lottery: "Tombola de Pérols".into(),
        date: "2026-12-02".into(),
        format: Some(LotteryFormat {
            main: group("numbers", 3, false),
            bonus: vec![group("bonus", 1, true)],
        }),
        draw_at: Some("2026-12-02T18:00:00Z".into()),
    }
}

const QUICKNET: &str = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971";
const MAINNET: &str = "8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce";

fn recipe_bundles() -> Vec<(String, Bundle)> {
    let (_, base) = vector_bundles()
        .into_iter()
        .find(|(n, _)| n == "greedy_households_retry")
        .expect("greedy draw");
    [(QUICKNET, 2u64), (MAINNET, 3u64)]
        .into_iter()
        .map(|(chain, round)| {
            let mut m = base.manifest.clone();
            m.announced_at = Some("2020-07-01T00:00:00Z".into());
            m.randomness = Some(Recipe {
                sources: vec![
                    SourceSpec::Drand {
                        chain: Digest::from_hex(chain, "chain").expect("chain"),
                        round,
                    },
                    SourceSpec::Lottery {
                        lottery: "euromillions".into(),
                        date: "2026-12-01".into(),
                        format: None,
                        draw_at: None,
                    },
                    tombola(),
                    SourceSpec::Dice {
                        count: 3,
                        faces: 6,
                        witnesses: "two clerks".into(),
                    },
                    SourceSpec::Hex {
                        label: "organiser".into(),
                    },
                ],
                fallback: Fallback::NextValue,
            });
            let reveal = Reveal {
                sources: vec![
                    beacon(round, chain),
                    SourceValue::Lottery {
                        lottery: "euromillions".into(),
                        main: vec![7, 18, 28, 40, 48],
                        bonus: vec![vec![8, 11]],
                    },
                    SourceValue::Lottery {
                        lottery: "Tombola de Pérols".into(),
                        main: vec![1, 45, 90],
                        bonus: vec![vec![2]],
                    },
                    SourceValue::Dice {
                        values: vec![6, 1, 3],
                    },
                    SourceValue::Hex {
                        value: vec![0xab; 16],
                    },
                ],
            };
            let b = draw(&m, &base.pool, &reveal).expect("honest draw with a recipe");
            (format!("recipe_{round}"), b)
        })
        .collect()
}

/// The steps allowed to reject a mutation at this JSON path.
fn expected_steps(path: &[String]) -> Vec<StepId> {
    let head = path.first().map(String::as_str).unwrap_or("");
    let second = path.get(1).map(String::as_str).unwrap_or("");
    match head {
        "format" | "spec" => vec![StepId::Format],
        "manifest" if second == "spec" => vec![StepId::Format],
        "manifest" | "commitment" => vec![StepId::Manifest],
        "pool" => vec![StepId::Pool],
        "reveal" => vec![StepId::Randomness, StepId::Seed],
        "seed" => vec![StepId::Seed],
        "result" => vec![StepId::Draw],
        "openings" => vec![StepId::Openings],
        "transcript" => vec![StepId::Transcript],
        _ => vec![],
    }
}

fn mutations(
    v: &Value,
    path: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, String, Value)>,
    root: &Value,
) {
    let mut push = |label: String, nv: Value, path: &Vec<String>| {
        let mut whole = root.clone();
        let mut cur = &mut whole;
        for p in path {
            cur = match cur {
                Value::Object(o) => o.get_mut(p).expect("path"),
                Value::Array(a) => a.get_mut(p.parse::<usize>().expect("index")).expect("path"),
                _ => unreachable!("paths only go through containers"),
            };
        }
        *cur = nv;
        out.push((path.clone(), label, whole));
    };
    match v {
        Value::Object(o) => {
            for (k, child) in o {
                path.push(k.clone());
                mutations(child, path, out, root);
                path.pop();
            }
        }
        Value::Array(a) => {
            // Lottery numbers are hashed sorted: their order is not committed.
            let sorted_numbers = path.last().is_some_and(|p| p == "main")
                || (path.len() >= 2 && path[path.len() - 2] == "bonus");
            if let Some(last) = a.len().checked_sub(1) {
                let mut shorter = a.clone();
                shorter.truncate(last);
                push("drop the last entry".into(), Value::Array(shorter), path);
                let mut longer = a.clone();
                longer.push(a[0].clone());
                push("repeat the first entry".into(), Value::Array(longer), path);
            }
            if a.len() >= 2 && a[0] != a[1] && !sorted_numbers {
                let mut swapped = a.clone();
                swapped.swap(0, 1);
                push(
                    "swap the first two entries".into(),
                    Value::Array(swapped),
                    path,
                );
            }
            for (i, child) in a.iter().enumerate() {
                path.push(i.to_string());
                mutations(child, path, out, root);
                path.pop();
            }
        }
        Value::String(s) => {
            let is_hex =
                !s.is_empty() && s.len() % 2 == 0 && s.bytes().all(|b| b.is_ascii_hexdigit());
            if is_hex {
                let mut flipped: Vec<char> = s.chars().collect();
                let last = flipped.len() - 1;
                flipped[last] = if flipped[last] == '0' { '1' } else { '0' };
                push(
                    "flip a hex digit".into(),
                    Value::String(flipped.into_iter().collect()),
                    path,
                );
            } else {
                push(
                    "change the text".into(),
                    Value::String(format!("{s}x")),
                    path,
                );
            }
        }
        Value::Number(n) => {
            if let Some(x) = n.as_u64() {
                push("add one".into(), Value::from(x + 1), path);
                if x > 0 {
                    push("subtract one".into(), Value::from(x - 1), path);
                }
            }
        }
        Value::Bool(b) => push("flip".into(), Value::Bool(!b), path),
        Value::Null => push("fill".into(), Value::String("x".into()), path),
    }
}

#[test]
fn every_single_field_mutation_is_rejected_at_its_step() {
    let mut bundles = vector_bundles();
    bundles.extend(recipe_bundles());
    let mut tested = 0usize;
    let mut unreadable = 0usize;
    let mut failures = Vec::new();
    let published = Published::default();
    for (name, bundle) in &bundles {
        let honest = kleroterion::verify(bundle);
        assert!(honest.valid, "{name} is honest: {:?}", honest.error);
        assert_eq!(
            honest.verdict,
            Verdict::ValidIf,
            "{name}: nothing was given"
        );
        let root = serde_json::to_value(bundle).expect("json");
        let mut all = Vec::new();
        mutations(&root, &mut Vec::new(), &mut all, &root);
        for (path, label, mutated) in all {
            let text = serde_json::to_string(&mutated).expect("json");
            let report = verify_json(&text, &published, &[]);
            tested += 1;
            let step = report.failed_step();
            if step == Some(StepId::Format)
                && report.error_kind.map(kleroterion::ErrorKind::as_str) == Some("UnreadableBundle")
            {
                unreadable += 1;
                continue;
            }
            let allowed = expected_steps(&path);
            if report.valid || !step.is_some_and(|s| allowed.contains(&s)) {
                failures.push(format!(
                    "{name}: {} ({label}) -> {:?} {:?}, expected one of {allowed:?}",
                    path.join("."),
                    step,
                    report.error
                ));
            }
        }
    }
    eprintln!(
        "tamper matrix: {tested} mutations of {} honest bundles, {unreadable} rejected as unreadable JSON, {} accepted or misattributed",
        bundles.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} mutations not rejected at their step:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(tested > 1000);
}
