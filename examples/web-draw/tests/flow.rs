//! The example's routes driven without a socket: commit, draw, verify, and refusals.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use kleroterion_web_draw::app;
use serde_json::{Value, json};
use tower::ServiceExt;

/// The request of the README's curl example (`example.json`): 12 volunteers, a panel of 5,
/// quotas on gender and age.
fn twelve_people() -> Value {
    serde_json::from_str(include_str!("../example.json")).expect("example.json is JSON")
}

/// Sends one request to the router and reads the answer as JSON.
async fn send(app: &Router, method: &str, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
    let builder = Request::builder().method(method).uri(uri);
    let request = match body {
        Some(body) => builder
            .header("content-type", "application/json")
            .body(Body::from(body.to_string())),
        None => builder.body(Body::empty()),
    }
    .expect("a well-formed request");
    let response = app
        .clone()
        .oneshot(request)
        .await
        .expect("the router answers");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("a readable body")
        .to_bytes();
    let json = serde_json::from_slice(&bytes).expect("a JSON body");
    (status, json)
}

#[tokio::test]
async fn commit_draw_verify() {
    let app = app();
    let (status, committed) = send(&app, "POST", "/commit", Some(twelve_people())).await;
    assert_eq!(status, StatusCode::OK, "{committed}");
    assert_eq!(committed["pool_count"], 12);
    let commitment = committed["commitment"].as_str().expect("a commitment");
    assert_eq!(commitment.len(), 64);
    let min = committed["min_probability"]
        .as_f64()
        .expect("a probability");
    assert!(min > 0.0 && min <= 5.0 / 12.0 + 1e-9, "{min}");

    let (status, bundle) = send(
        &app,
        "POST",
        "/draw",
        Some(json!({ "hex": "42".repeat(32) })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{bundle}");
    assert_eq!(bundle["commitment"], commitment);
    assert_eq!(
        bundle["result"]["selected"].as_array().map(Vec::len),
        Some(5)
    );
    assert_eq!(
        bundle["result"]["alternates"].as_array().map(Vec::len),
        Some(2)
    );

    let (status, report) = send(&app, "GET", "/verify", None).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["valid"], true, "{report}");
    let manifest_step = report["steps"]
        .as_array()
        .and_then(|steps| steps.iter().find(|s| s["id"] == "manifest"))
        .expect("a manifest step");
    assert_eq!(manifest_step["published"], commitment);
    assert_eq!(manifest_step["computed"], commitment);

    let (status, again) = send(
        &app,
        "POST",
        "/draw",
        Some(json!({ "hex": "07".repeat(32) })),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(again["kind"], "AlreadyDrawn");
}

#[tokio::test]
async fn undeclared_value_is_refused() {
    let mut request = twelve_people();
    request["people"][3]["values"][1] = json!("65+");
    let (status, answer) = send(&app(), "POST", "/commit", Some(request)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer["kind"], "InvalidPerson");
    let error = answer["error"].as_str().expect("a message");
    assert!(
        error.contains("volunteer-3") && error.contains("65+"),
        "{error}"
    );
}

#[tokio::test]
async fn out_of_order_requests_are_refused() {
    let app = app();
    let (status, answer) = send(&app, "POST", "/draw", Some(json!({ "hex": "42" }))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(answer["kind"], "NotCommitted");
    assert!(
        answer["error"]
            .as_str()
            .is_some_and(|e| e.contains("POST /commit"))
    );

    let (status, answer) = send(&app, "GET", "/verify", None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(answer["kind"], "NotCommitted");
}

#[tokio::test]
async fn impossible_quotas_and_bad_bodies_are_refused() {
    // One man left in the pool, and the quotas want at least two on the panel.
    let mut infeasible = twelve_people();
    for i in [3, 5, 7, 9, 11] {
        infeasible["people"][i]["values"][0] = json!("woman");
    }
    let (status, answer) = send(&app(), "POST", "/commit", Some(infeasible)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["kind"], "Fair", "{answer}");
    assert!(
        answer["error"]
            .as_str()
            .is_some_and(|e| e.contains("no panel")),
        "{answer}"
    );

    // Three people to a cell: below the default disclosure floor of 5 unless it is lowered.
    let mut small_cells = twelve_people();
    small_cells
        .as_object_mut()
        .expect("an object")
        .remove("allow_small_cells");
    let (status, answer) = send(&app(), "POST", "/commit", Some(small_cells)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["kind"], "SmallCells", "{answer}");

    let mut weak_key = twelve_people();
    weak_key["ticket_key"] = json!("correct horse battery staple");
    let (status, answer) = send(&app(), "POST", "/commit", Some(weak_key)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer["kind"], "WeakTicketKey");

    let (status, answer) = send(&app(), "POST", "/commit", Some(json!({ "title": 5 }))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer["kind"], "Json");
}
