//! The record of picks (SPEC.md section 10.3) against the independent reference
//! implementation's (`intermediate.picks` of `tests/vectors/draws.json`), and consistent with
//! the draw's outcome.

mod common;

use kleroterion::trace::{Picked, trace_bundle};
use serde_json::Value;

fn draws() -> Vec<Value> {
    let path = format!(
        "{}/../../tests/vectors/draws.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("vector file")).expect("json");
    v["draws"].as_array().expect("draws").clone()
}

#[test]
fn every_pick_is_the_reference_implementations() {
    let cases = draws();
    assert_eq!(cases.len(), 19);
    for c in &cases {
        let name = c["name"].as_str().expect("name");
        let bundle = common::draw_vector_case(c).expect("honest draw");
        let trace = trace_bundle(&bundle).expect("trace");
        let expected = c["intermediate"]["picks"].as_array().expect("picks");
        assert_eq!(trace.picks.len(), expected.len(), "{name}: number of picks");
        for (i, (got, want)) in trace.picks.iter().zip(expected).enumerate() {
            let got = serde_json::json!({
                "stream": got.stream,
                "index": got.index,
                "value": got.value,
                "rejected": got.rejected,
                "among": got.among,
                "position": got.position,
            });
            assert_eq!(&got, want, "{name}: pick {i}");
        }
    }
}

#[test]
fn the_picks_designate_the_published_outcome() {
    for c in &draws() {
        let name = c["name"].as_str().expect("name");
        let bundle = common::draw_vector_case(c).expect("honest draw");
        let trace = trace_bundle(&bundle).expect("trace");
        let ticketed = trace.ticketed(&bundle.pool);
        let method = c["manifest"]["method"]["name"].as_str().expect("method");
        let people = |attempt: Option<u32>| -> Vec<String> {
            ticketed
                .iter()
                .filter(|t| attempt.is_none_or(|a| t.pick.stream != "panel" || t.pick.index == a))
                .filter_map(|t| match t.pick.picked {
                    Picked::Person(i) => {
                        assert_eq!(
                            t.ticket.as_deref(),
                            Some(bundle.pool[i as usize].ticket.as_str())
                        );
                        t.ticket.clone()
                    }
                    Picked::Panel(_) | Picked::Attempt(_) => {
                        assert_eq!(t.ticket, None);
                        None
                    }
                })
                .collect()
        };
        let drawn: Vec<String> = bundle
            .result
            .selected
            .iter()
            .chain(&bundle.result.alternates)
            .cloned()
            .collect();
        match method {
            "lottery" => {
                let j = c["intermediate"]["lottery_index"].as_u64().expect("index") as u32;
                assert_eq!(trace.picks[0].picked, Picked::Panel(j), "{name}");
                assert_eq!(people(None), bundle.result.alternates, "{name}");
            }
            "greedy" => {
                let a = c["intermediate"]["attempt"].as_u64().expect("attempt") as u32;
                assert_eq!(people(Some(a)), drawn, "{name}");
            }
            "maxent" => {
                let rejections = bundle.result.rejections.expect("maxent rejections");
                assert_eq!(people(None), bundle.result.alternates, "{name}");
                let attempts: Vec<u32> = trace
                    .picks
                    .iter()
                    .filter_map(|p| match p.picked {
                        Picked::Attempt(a) => Some(a),
                        _ => None,
                    })
                    .collect();
                assert_eq!(attempts.first(), Some(&0), "{name}");
                assert_eq!(attempts.last(), Some(&rejections), "{name}");
                assert!(attempts.windows(2).all(|w| w[1] - w[0] <= 1), "{name}");
            }
            _ => assert_eq!(people(None), drawn, "{name}"),
        }
        for p in &trace.picks {
            // A draw of a big integer (SPEC.md section 9.6) chooses no position by itself.
            let big = matches!(p.picked, Picked::Attempt(_)) && p.among == 0;
            assert!(
                big || p.position < p.among,
                "{name}: a position beyond its range"
            );
        }
    }
}
