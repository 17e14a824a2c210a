//! Helpers shared by the core's tests.

use kleroterion::{Bundle, Manifest, Record, Reveal, draw};
use serde_json::Value;

fn parse<T: serde::de::DeserializeOwned>(v: &Value) -> T {
    serde_json::from_value(v.clone()).expect("vector shape")
}

/// Draws a case of `tests/vectors/draws.json` as its organiser would: a sealed draw (one that
/// gives `private_openings`) opens its panel and alternates from every record's opening
/// (SPEC.md sections 4.1 and 11).
pub fn draw_vector_case(c: &Value) -> kleroterion::Result<Bundle> {
    let m: Manifest = parse(&c["manifest"]);
    let pool: Vec<Record> = parse(&c["pool"]);
    let reveal: Reveal = parse(&c["reveal"]);
    match c.get("private_openings") {
        Some(all) => m
            .commit(pool)
            .and_then(|d| d.with_openings(parse(all)))
            .and_then(|d| d.draw(&reveal)),
        None => draw(&m, &pool, &reveal),
    }
}
