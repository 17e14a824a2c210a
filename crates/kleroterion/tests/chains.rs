//! `tests/vectors/chains.json` (SPEC.md sections 5.3, 12.5 and 13): every chain case verifies
//! as the reference implementation says, at the same step with the same kind and the same
//! response rates, and every receipt path gives the same answer.

use kleroterion::chain::{Place, check_path};
use kleroterion::{
    Bundle, Published, Receipt, ReceiptOutcome, Replacement, verify_chain, verify_chain_after,
    verify_with,
};
use serde_json::{Value, json};

fn vectors() -> Value {
    let path = format!(
        "{}/../../tests/vectors/chains.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("chains.json")).expect("JSON")
}

fn parse<T: serde::de::DeserializeOwned>(v: &Value) -> T {
    serde_json::from_value(v.clone()).expect("a vector of the right shape")
}

fn published(v: &Value) -> Published {
    parse(v)
}

#[test]
fn every_chain_case_verifies_as_the_reference_says() {
    let v = vectors();
    let cases = v["cases"].as_array().expect("cases");
    assert!(cases.len() >= 10);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let previous: Bundle = parse(&c["previous"]);
        let bundle: Bundle = parse(&c["bundle"]);
        let replacements: Vec<Replacement> = parse(&c["replacements"]);
        let out = verify_chain(
            &bundle,
            &published(&c["published"]),
            &replacements,
            &previous,
            &published(&c["previous_published"]),
            &[],
        );
        let e = &c["expect"];
        let got = json!({
            "verdict": out.verdict,
            "previous_failed_step": out.previous.failed_step(),
            "failed_step": out.report.failed_step(),
            "error_kind": out.report.error_kind,
            "statuses": out.report.steps.iter().map(|s| (s.id.as_str().to_owned(), json!(s.status))).collect::<serde_json::Map<_, _>>(),
            "responses": out.responses,
        });
        assert_eq!(&got, e, "{name}");
        // With the previous stage's report made beforehand, the chain is the same.
        let previous_report = verify_with(&previous, &published(&c["previous_published"]), &[]);
        let after = verify_chain_after(
            &bundle,
            &published(&c["published"]),
            &replacements,
            &previous,
            previous_report,
        );
        assert_eq!(after, out, "{name}: verify_chain_after");
    }
}

#[test]
fn every_receipt_path_gives_the_reference_answer() {
    let v = vectors();
    let cases = v["cases"].as_array().expect("cases");
    for p in v["paths"].as_array().expect("paths") {
        let name = p["name"].as_str().unwrap();
        let case = cases
            .iter()
            .find(|c| c["name"] == p["case"])
            .expect("its case");
        let previous: Bundle = parse(&case["previous"]);
        let bundle: Bundle = parse(&case["bundle"]);
        let receipt = |k: &str| (!p[k].is_null()).then(|| parse::<Receipt>(&p[k]));
        let (r1, r2) = (receipt("previous_receipt"), receipt("receipt"));
        let got = match check_path(r1.as_ref(), r2.as_ref(), &previous, &bundle) {
            Ok(path) => json!({
                "error_kind": null,
                "invited": path.invited.map(|p| match p {
                    Place::Selected(n) => json!({"place": "selected", "number": n}),
                    Place::Alternate(n) => json!({"place": "alternate", "number": n}),
                }),
                "answered": path.answered,
                "outcome": path.current.map(|c| match c.outcome {
                    ReceiptOutcome::Selected { .. } => "selected",
                    ReceiptOutcome::Alternate { .. } => "alternate",
                    ReceiptOutcome::NotSelected => "not_selected",
                }),
            }),
            Err(e) => {
                json!({"error_kind": e.kind(), "invited": null, "answered": null, "outcome": null})
            }
        };
        assert_eq!(&got, &p["expect"], "{name}");
    }
}
