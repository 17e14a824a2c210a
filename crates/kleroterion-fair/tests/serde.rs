//! Every public result type of the fair crate goes to JSON and back equal (feature `serde`).

use kleroterion::Feature;
use kleroterion_fair::{Instance, Options, Progress, feasibility, leximin, round_to_lottery};
use serde::Serialize;
use serde::de::DeserializeOwned;

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) {
    let json = serde_json::to_string(value).expect("to json");
    let back: T = serde_json::from_str(&json).expect("from json");
    assert_eq!(&back, value, "{json}");
}

fn instance(min_women: u32) -> Instance {
    Instance {
        panel_size: 2,
        features: vec![Feature::new(
            "gender",
            [("woman", min_women, 2), ("man", 0, 2)],
        )],
        people: vec![vec![0], vec![1], vec![0], vec![1]],
        // The two women share a household: a panel of two women is impossible.
        households: vec![Some(0), None, Some(0), None],
    }
}

#[test]
fn fair_types_go_to_json_and_back() {
    let progress = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Progress>::new()));
    let seen = progress.clone();
    let options = Options::new().with_progress(move |p| {
        if let Ok(mut v) = seen.lock() {
            v.push(*p);
        }
    });
    let i = instance(1);
    round_trip(&i);
    let distribution = leximin(&i, &options).expect("leximin");
    round_trip(&distribution);
    round_trip(&distribution.report);
    round_trip(&round_to_lottery(&i, &distribution, 10).expect("lottery"));
    round_trip(&feasibility(&i).expect("feasible"));
    let infeasible = feasibility(&instance(2)).expect("answer");
    assert!(matches!(
        infeasible,
        kleroterion_fair::Feasibility::Infeasible { .. }
    ));
    round_trip(&infeasible);
    let seen = progress.lock().expect("progress");
    assert!(!seen.is_empty(), "LEXIMIN reported progress");
    for p in seen.iter() {
        round_trip(p);
    }
}
