//! Reading reveal and recipe files, tolerant of what drand's HTTP API returns.
//!
//! A reveal file is the JSON of SPEC.md section 14 (`{"sources": [...]}`). Also accepted:
//!
//! - a single source object (`{"kind": "drand", ...}`), taken as a one-source reveal;
//! - in a drand source, the fields drand's HTTP API returns for a round
//!   (`{"round", "randomness", "signature", "previous_signature"}`) next to `"kind": "drand"`
//!   and `"chain"`: `randomness` is checked to equal SHA-256 of the signature, then dropped,
//!   since the protocol derives it.

use kleroterion::{Recipe, Reveal, SourceValue};
use serde_json::Value;

use crate::error::{FileError, Result};

/// Parses a reveal file's text; `file` names it in errors.
pub fn parse_reveal(file: &str, text: &str) -> Result<Reveal> {
    let json = |detail: String| FileError::Json {
        file: file.into(),
        detail,
    };
    let mut v: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| json(e.to_string()))?;
    if v.get("kind").is_some() {
        v = serde_json::json!({ "sources": [v] });
    }
    if let Some(sources) = v.get_mut("sources").and_then(Value::as_array_mut) {
        for (i, s) in sources.iter_mut().enumerate() {
            strip_drand_randomness(file, i, s)?;
        }
    }
    serde_json::from_value(v).map_err(|e| {
        json(format!(
            "not a reveal ({e}). Fix: write {{\"sources\": [{{\"kind\": \"hex\", \"value\": \"…\"}}, …]}} as in SPEC.md section 14"
        ))
    })
}

fn strip_drand_randomness(file: &str, i: usize, s: &mut Value) -> Result<()> {
    let Some(obj) = s.as_object_mut() else {
        return Ok(());
    };
    if obj.get("kind").and_then(Value::as_str) != Some("drand") {
        return Ok(());
    }
    let Some(given) = obj.remove("randomness") else {
        return Ok(());
    };
    let bad = |detail: String| FileError::Json {
        file: file.into(),
        detail: format!("source {}: {detail}", i + 1),
    };
    let given = given
        .as_str()
        .ok_or_else(|| bad("\"randomness\" is not a hex string".into()))?;
    let signature = obj
        .get("signature")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("a drand source needs its \"signature\" in hex".into()))?;
    let sig =
        kleroterion::digest::from_hex(signature, "signature").map_err(|e| bad(e.to_string()))?;
    let derived = SourceValue::drand_randomness(&sig).to_hex();
    if !derived.eq_ignore_ascii_case(given) {
        return Err(bad(format!(
            "\"randomness\" is {given}, but SHA-256 of the signature is {derived}. Fix: copy the round exactly as drand published it"
        )));
    }
    Ok(())
}

/// Reads a reveal file.
pub fn read_reveal(path: &std::path::Path) -> Result<Reveal> {
    let text = std::fs::read_to_string(path).map_err(|e| FileError::io(path, &e))?;
    parse_reveal(&path.display().to_string(), &text)
}

/// Parses a randomness recipe (`{"sources": [...], "fallback": "..."}`).
pub fn parse_recipe(file: &str, text: &str) -> Result<Recipe> {
    let recipe: Recipe = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| FileError::Json {
        file: file.into(),
        detail: format!(
            "not a randomness recipe ({e}). Fix: write {{\"sources\": [{{\"kind\": \"drand\", \"chain\": \"…\", \"round\": 123}}], \"fallback\": \"…\"}} as in SPEC.md section 14"
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

    const SIG: &str = "b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d43765482e26cd02df835d3546d23c4b13e0dfc92";

    fn drand(randomness: &str) -> String {
        format!(
            r#"{{"kind":"drand","chain":"52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971","round":1000,"randomness":"{randomness}","signature":"{SIG}"}}"#
        )
    }

    #[test]
    fn full_reveal() {
        let r = parse_reveal("r.json", r#"{"sources":[{"kind":"hex","value":"00ff"}]}"#).unwrap();
        assert_eq!(r.sources.len(), 1);
    }

    #[test]
    fn drand_randomness_checked_and_dropped() {
        let sig = kleroterion::digest::from_hex(SIG, "s").unwrap();
        let good = SourceValue::drand_randomness(&sig).to_hex();
        let r = parse_reveal("r.json", &drand(&good)).unwrap();
        assert_eq!(r.sources[0].kind(), "drand");
        let e = parse_reveal("r.json", &drand(&"00".repeat(32))).unwrap_err();
        assert!(e.to_string().contains("SHA-256 of the signature"), "{e}");
    }

    #[test]
    fn bad_json_names_file() {
        let e = parse_reveal("r.json", "{").unwrap_err();
        assert!(e.to_string().starts_with("r.json: "), "{e}");
        let e = parse_reveal("r.json", r#"{"sources":[{"kind":"coin"}]}"#).unwrap_err();
        assert!(e.to_string().contains("SPEC.md section 14"), "{e}");
    }

    #[test]
    fn recipe() {
        let r = parse_recipe(
            "x.json",
            r#"{"sources":[{"kind":"hex","label":"test"}],"fallback":""}"#,
        )
        .unwrap();
        assert_eq!(r.sources.len(), 1);
        assert!(parse_recipe("x.json", r#"{"sources":[],"fallback":""}"#).is_err());
    }
}
