//! drand's own answer for a round, as its HTTP API returns it, turned into a reveal's source.
//!
//! drand's API answers `GET /{chain}/public/{round}` (v1) with `{"round", "randomness",
//! "signature", "previous_signature"}` and `GET /v2/chains/{chain}/rounds/{round}` (v2) with
//! `{"round", "signature"}` (other fields are ignored). The answer does not name its chain:
//! give it, or take it from the recipe's drand source of that round.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::Deserialize;

use crate::digest::{Digest, from_hex};
use crate::error::{Error, Result};
use crate::recipe::{Recipe, SourceSpec};
use crate::reveal::SourceValue;

/// drand's answer for one round (v1 or v2 API).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct DrandAnswer {
    round: u64,
    signature: String,
    #[serde(default)]
    previous_signature: Option<String>,
    #[serde(default)]
    randomness: Option<String>,
}

impl DrandAnswer {
    fn parse(text: &str) -> Result<Self> {
        serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
            Error::InvalidReveal {
                detail: format!(
                    "not drand's answer for a round ({e}); expected {{\"round\": …, \"signature\": \"…\"}} as drand's HTTP API returns it"
                ),
            }
        })
    }

    fn into_source(self, chain: Digest) -> Result<SourceValue> {
        let hex = |s: &str, field: &str| from_hex(&s.to_ascii_lowercase(), field);
        let signature: Vec<u8> = hex(&self.signature, "signature")?;
        let previous_signature = self
            .previous_signature
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| hex(s, "previous_signature"))
            .transpose()?;
        let randomness = self
            .randomness
            .as_deref()
            .map(|s| Digest::from_hex(&s.to_ascii_lowercase(), "randomness"))
            .transpose()?;
        Ok(SourceValue::Drand {
            chain,
            round: self.round,
            signature,
            previous_signature,
            randomness,
        })
    }
}

impl SourceValue {
    /// A drand source from drand's own JSON answer for a round (v1 or v2 API) on the chain
    /// `chain`. `randomness`, when the answer has it, is kept and later checked to be
    /// SHA-256 of the signature.
    pub fn drand_from_json(chain: Digest, text: &str) -> Result<Self> {
        DrandAnswer::parse(text)?.into_source(chain)
    }

    /// A drand source from drand's own JSON answer, on the chain of the recipe's drand source
    /// for the answer's round. Refused when the recipe commits to no drand source of that
    /// round.
    pub fn drand_from_json_for(recipe: &Recipe, text: &str) -> Result<Self> {
        let answer = DrandAnswer::parse(text)?;
        let chain = recipe
            .drand_chain(answer.round)
            .ok_or_else(|| Error::InvalidReveal {
                detail: format!(
                    "the recipe commits to no drand round {}; give the chain hash with the answer",
                    answer.round
                ),
            })?;
        answer.into_source(chain)
    }
}

impl Recipe {
    /// The chain of the recipe's drand source for `round`, if it has one.
    pub fn drand_chain(&self, round: u64) -> Option<Digest> {
        self.sources.iter().find_map(|s| match s {
            SourceSpec::Drand { chain, round: r } if *r == round => Some(*chain),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// quicknet's chain hash and round 123's signature, as in the drand crate's vectors
    /// (from drand's public API).
    const QUICKNET: &str = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971";
    const SIG: &str = "b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d43765482e26cd02df835d3546d23c4b13e0dfc92";

    #[test]
    fn v1_and_v2_answers_give_the_same_source() {
        let chain = Digest::from_hex(QUICKNET, "chain").unwrap();
        let randomness = SourceValue::drand_randomness(&from_hex(SIG, "s").unwrap());
        let v1 = alloc::format!(
            r#"{{"round":123,"randomness":"{}","signature":"{SIG}","previous_signature":""}}"#,
            randomness.to_hex()
        );
        let v2 = alloc::format!(r#"{{"round":123,"signature":"{SIG}","beacon_id":"quicknet"}}"#);
        let a = SourceValue::drand_from_json(chain, &v1).unwrap();
        let b = SourceValue::drand_from_json(chain, &v2).unwrap();
        match (&a, &b) {
            (
                SourceValue::Drand {
                    round: 123,
                    randomness: Some(r),
                    ..
                },
                SourceValue::Drand {
                    round: 123,
                    randomness: None,
                    ..
                },
            ) => assert_eq!(*r, randomness),
            other => panic!("{other:?}"),
        }
        let recipe: Recipe = serde_json::from_str(&alloc::format!(
            r#"{{"sources":[{{"kind":"drand","chain":"{QUICKNET}","round":123}}],"fallback":"next_value"}}"#
        ))
        .unwrap();
        assert_eq!(SourceValue::drand_from_json_for(&recipe, &v2).unwrap(), b);
        let other = v2.replace("123", "124");
        assert_eq!(
            SourceValue::drand_from_json_for(&recipe, &other)
                .unwrap_err()
                .kind(),
            "InvalidReveal"
        );
        assert!(SourceValue::drand_from_json(chain, "{\"round\": 1}").is_err());
    }
}
