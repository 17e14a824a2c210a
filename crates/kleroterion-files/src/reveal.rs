//! Reading reveal and recipe files, tolerant of what drand's HTTP API returns.
//!
//! A reveal file is the JSON of SPEC.md section 14 (`{"sources": [...]}`). Also accepted:
//!
//! - a single source object (`{"kind": "drand", ...}`), taken as a one-source reveal;
//! - drand's own answer for a round, as its HTTP API returns it: v1
//!   (`{"round", "randomness", "signature", "previous_signature"}`) or v2 (`{"round",
//!   "signature"}`), alone or as a source. The chain is taken from the recipe's drand source
//!   of that round; `randomness`, when present, is checked by the core to equal SHA-256 of the
//!   signature.

use kleroterion::{Recipe, Reveal};
use serde_json::{Map, Value};

use crate::error::{FileError, Result};

/// Parses a reveal file's text; `file` names it in errors. `recipe`, when given, supplies the
/// chain of a drand answer copied from drand's API.
pub fn parse_reveal(file: &str, text: &str, recipe: Option<&Recipe>) -> Result<Reveal> {
    let json = |detail: String| FileError::Json {
        file: file.into(),
        detail,
    };
    let mut v: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| json(e.to_string()))?;
    if v.get("kind").is_some() || v.as_object().is_some_and(is_drand_answer) {
        v = serde_json::json!({ "sources": [v] });
    }
    if let Some(sources) = v.get_mut("sources").and_then(Value::as_array_mut) {
        for (i, s) in sources.iter_mut().enumerate() {
            if let Some(obj) = s.as_object_mut().filter(|o| o.get("kind").is_none()) {
                complete_drand_answer(file, i, obj, recipe)?;
            }
        }
    }
    serde_json::from_value(v).map_err(|e| {
        json(format!(
            "not a reveal ({e}). Fix: write {{\"sources\": [{{\"kind\": \"hex\", \"value\": \"…\"}}, …]}} as in SPEC.md section 14"
        ))
    })
}

fn is_drand_answer(o: &Map<String, Value>) -> bool {
    !o.contains_key("kind") && o.contains_key("round") && o.contains_key("signature")
}

/// Turns drand's own answer into a drand source: adds the kind, and the chain of the recipe's
/// drand source for that round.
fn complete_drand_answer(
    file: &str,
    i: usize,
    obj: &mut Map<String, Value>,
    recipe: Option<&Recipe>,
) -> Result<()> {
    if !is_drand_answer(obj) {
        return Ok(());
    }
    let round = obj.get("round").and_then(Value::as_u64);
    obj.insert("kind".into(), "drand".into());
    if obj.get("chain").is_some() {
        return Ok(());
    }
    let chain = recipe
        .zip(round)
        .and_then(|(r, round)| r.drand_chain(round))
        .ok_or_else(|| FileError::Json {
            file: file.into(),
            detail: format!(
                "source {}: a drand answer without \"chain\", and the recipe commits to no drand round {}. Fix: add \"chain\": \"<chain hash>\" to the source",
                i + 1,
                round.map_or_else(|| "(none given)".into(), |r| r.to_string())
            ),
        })?;
    obj.insert("chain".into(), chain.to_hex().into());
    Ok(())
}

/// Reads a reveal file.
pub fn read_reveal(path: &std::path::Path, recipe: Option<&Recipe>) -> Result<Reveal> {
    let text = std::fs::read_to_string(path).map_err(|e| FileError::io(path, &e))?;
    parse_reveal(&path.display().to_string(), &text, recipe)
}

/// Parses a randomness recipe (`{"sources": [...], "fallback": "..."}`).
pub fn parse_recipe(file: &str, text: &str) -> Result<Recipe> {
    let recipe: Recipe = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| FileError::Json {
        file: file.into(),
        detail: format!(
            "not a randomness recipe ({e}). Fix: write {{\"sources\": [{{\"kind\": \"drand\", \"chain\": \"…\", \"round\": 123}}], \"fallback\": \"next_value\"}} as in SPEC.md section 14"
        ),
    })?;
    recipe
        .validate()
        .map_err(|e| FileError::core(format!("{file}: the recipe is not valid"), e))?;
    Ok(recipe)
}

/// Reads a randomness recipe file.
pub fn read_recipe(path: &std::path::Path) -> Result<Recipe> {
    let text = std::fs::read_to_string(path).map_err(|e| FileError::io(path, &e))?;
    parse_recipe(&path.display().to_string(), &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// quicknet round 123's signature (the drand crate's `tests/vectors/beacons.json`, from
    /// noislabs/drand-verify).
    const SIG: &str = "b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d43765482e26cd02df835d3546d23c4b13e0dfc92";
    const QUICKNET: &str = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971";

    fn recipe(round: u64) -> Recipe {
        parse_recipe(
            "x.json",
            &format!(
                r#"{{"sources":[{{"kind":"drand","chain":"{QUICKNET}","round":{round}}}],"fallback":"next_value"}}"#
            ),
        )
        .unwrap()
    }

    #[test]
    fn full_reveal() {
        let r = parse_reveal(
            "r.json",
            r#"{"sources":[{"kind":"hex","value":"00ff"}]}"#,
            None,
        )
        .unwrap();
        assert_eq!(r.sources.len(), 1);
    }

    #[test]
    fn drand_v1_answer_takes_the_chain_from_the_recipe() {
        let sig = kleroterion::digest::from_hex(SIG, "s").unwrap();
        let randomness = kleroterion::SourceValue::drand_randomness(&sig).to_hex();
        let answer = format!(r#"{{"round":123,"randomness":"{randomness}","signature":"{SIG}"}}"#);
        let r = parse_reveal("r.json", &answer, Some(&recipe(123))).unwrap();
        match &r.sources[0] {
            kleroterion::SourceValue::Drand { chain, round, .. } => {
                assert_eq!(chain.to_hex(), QUICKNET);
                assert_eq!(*round, 123);
            }
            other => panic!("not drand: {other:?}"),
        }
        assert!(r.validate().is_ok());
        let v2 = format!(r#"{{"sources":[{{"round":123,"signature":"{SIG}"}}]}}"#);
        assert!(parse_reveal("r.json", &v2, Some(&recipe(123))).is_ok());
    }

    #[test]
    fn drand_answer_without_a_matching_recipe_round_is_refused() {
        let answer = format!(r#"{{"round":123,"signature":"{SIG}"}}"#);
        let e = parse_reveal("r.json", &answer, Some(&recipe(124))).unwrap_err();
        assert!(e.to_string().contains("add \"chain\""), "{e}");
        assert!(parse_reveal("r.json", &answer, None).is_err());
    }

    #[test]
    fn wrong_drand_randomness_is_refused_by_the_core() {
        let answer = format!(
            r#"{{"round":123,"randomness":"{}","signature":"{SIG}"}}"#,
            "00".repeat(32)
        );
        let r = parse_reveal("r.json", &answer, Some(&recipe(123))).unwrap();
        let e = r.validate().unwrap_err();
        assert!(e.to_string().contains("SHA-256 of the signature"), "{e}");
    }

    #[test]
    fn bad_json_names_file() {
        let e = parse_reveal("r.json", "{", None).unwrap_err();
        assert!(e.to_string().starts_with("r.json: "), "{e}");
        let e = parse_reveal("r.json", r#"{"sources":[{"kind":"coin"}]}"#, None).unwrap_err();
        assert!(e.to_string().contains("SPEC.md section 14"), "{e}");
    }

    #[test]
    fn recipe_fallback_is_typed() {
        let r = parse_recipe(
            "x.json",
            r#"{"sources":[{"kind":"hex","label":"test"}],"fallback":"next_value"}"#,
        )
        .unwrap();
        assert_eq!(r.sources.len(), 1);
        assert!(parse_recipe("x.json", r#"{"sources":[],"fallback":"next_value"}"#).is_err());
        let e = parse_recipe(
            "x.json",
            r#"{"sources":[{"kind":"hex","label":"t"}],"fallback":"the latest value"}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("choose when to look"), "{e}");
    }
}
