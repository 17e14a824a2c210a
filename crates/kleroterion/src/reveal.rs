//! The reveal, its match against the recipe, and the seed (SPEC.md sections 6.2 to 6.5).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::digest::{Digest, hex_bytes, to_hex};
use crate::encoding::{Encoder, sha256, tagged_hash};
use crate::error::{Error, Result};
use crate::recipe::{Recipe, SourceSpec};
use crate::text::{TextKind, check};

/// RFC 3797's canonical form of a set of numbers: sorted, each followed by a period.
pub fn canonical_numbers(numbers: &[u32]) -> String {
    let mut sorted = numbers.to_vec();
    sorted.sort_unstable();
    let mut out = String::new();
    for n in sorted {
        out.push_str(&format!("{n}."));
    }
    out
}

fn sorted(numbers: &[u32]) -> Vec<u32> {
    let mut v = numbers.to_vec();
    v.sort_unstable();
    v
}

/// The value a source took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum SourceValue {
    /// Raw bytes.
    Hex {
        /// The bytes (1 to 1024), written in hex.
        #[serde(with = "hex_bytes")]
        value: Vec<u8>,
    },
    /// Numbers drawn by a public lottery, main numbers and bonus groups apart.
    Lottery {
        /// The lottery, as in the recipe (a registry id or a declared lottery's name).
        lottery: String,
        /// The main numbers, in the order published.
        main: Vec<u32>,
        /// Each bonus group's numbers (EuroMillions' stars, Powerball's Powerball...), in the
        /// registry's (or the declared format's) order.
        #[serde(default)]
        bonus: Vec<Vec<u32>>,
    },
    /// A drand beacon.
    Drand {
        /// The chain hash.
        chain: Digest,
        /// The round.
        round: u64,
        /// The BLS signature, in hex.
        #[serde(with = "hex_bytes")]
        signature: Vec<u8>,
        /// The previous round's signature (chained networks only).
        #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_hex")]
        previous_signature: Option<Vec<u8>>,
        /// drand's `randomness`, SHA-256 of the signature, when the reveal was copied from
        /// drand's answer; checked, never hashed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        randomness: Option<Digest>,
    },
    /// Dice values, each from 1 to the number of faces.
    Dice {
        /// The values, in the order recorded.
        values: Vec<u32>,
    },
}

mod opt_hex {
    use alloc::string::String;
    use alloc::vec::Vec;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(b) => s.serialize_str(&crate::digest::to_hex(b)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(s) => crate::digest::from_hex(&s, "previous_signature")
                .map(Some)
                .map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}

impl SourceValue {
    /// Raw bytes as a source (for tests and rehearsals: hex values are never public
    /// randomness, and verifiers list them to compare by hand).
    pub fn hex(bytes: impl Into<Vec<u8>>) -> Self {
        SourceValue::Hex {
            value: bytes.into(),
        }
    }

    /// The kind's name as written in JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            SourceValue::Hex { .. } => "hex",
            SourceValue::Lottery { .. } => "lottery",
            SourceValue::Drand { .. } => "drand",
            SourceValue::Dice { .. } => "dice",
        }
    }

    fn check(&self, i: usize) -> Result<()> {
        let bad = |detail: String| Error::InvalidReveal {
            detail: format!("source {}: {detail}", i + 1),
        };
        match self {
            SourceValue::Hex { value } if value.is_empty() || value.len() > 1024 => Err(bad(
                format!("{} bytes; a hex value has 1 to 1024", value.len()),
            )),
            SourceValue::Lottery {
                lottery,
                main,
                bonus,
            } => {
                check(lottery, TextKind::Name, || {
                    format!("reveal source {}: lottery", i + 1)
                })?;
                if main.is_empty() || main.len() > 64 || bonus.len() > 8 {
                    return Err(bad(format!(
                        "{} main numbers and {} bonus groups; a lottery has 1 to 64 main numbers and at most 8 bonus groups",
                        main.len(),
                        bonus.len()
                    )));
                }
                if let Some(g) = bonus.iter().find(|g| g.is_empty() || g.len() > 64) {
                    return Err(bad(format!(
                        "a bonus group of {} numbers; give 1 to 64",
                        g.len()
                    )));
                }
                match crate::public_lottery::registered(lottery) {
                    Some(l) => l
                        .format()
                        .check(main, bonus)
                        .map_err(|e| bad(format!("{e}"))),
                    None => Ok(()),
                }
            }
            SourceValue::Dice { values } if values.is_empty() || values.len() > 1000 => {
                Err(bad(format!("{} dice values; give 1 to 1000", values.len())))
            }
            SourceValue::Drand { round: 0, .. } => Err(bad("drand rounds start at 1".into())),
            SourceValue::Drand {
                signature,
                randomness: Some(r),
                ..
            } if *r != Self::drand_randomness(signature) => Err(bad(format!(
                "the drand randomness {r} is not SHA-256 of the signature ({}); copy the beacon again from drand",
                Self::drand_randomness(signature)
            ))),
            _ => Ok(()),
        }
    }

    /// The randomness a drand source contributes: SHA-256 of its signature.
    pub fn drand_randomness(signature: &[u8]) -> Digest {
        sha256(signature)
    }

    fn encode(&self, e: &mut Encoder) -> Result<()> {
        match self {
            SourceValue::Hex { value } => {
                e.u8(0).bytes(value)?;
            }
            SourceValue::Lottery {
                lottery,
                main,
                bonus,
            } => {
                e.u8(1).str(lottery)?.u32_list(&sorted(main))?;
                e.count(bonus.len(), "bonus groups")?;
                for g in bonus {
                    e.u32_list(&sorted(g))?;
                }
            }
            SourceValue::Drand {
                chain,
                round,
                signature,
                ..
            } => {
                e.u8(2)
                    .raw32(chain)
                    .u64(*round)
                    .raw32(&Self::drand_randomness(signature));
            }
            SourceValue::Dice { values } => {
                e.u8(3).u32_list(values)?;
            }
        }
        Ok(())
    }

    /// The source's canonical string in an RFC 3797 key (without the `/`).
    pub fn rfc3797_string(&self) -> String {
        match self {
            SourceValue::Hex { value } => to_hex(value),
            SourceValue::Lottery { main, bonus, .. } => {
                let mut s = canonical_numbers(main);
                for g in bonus {
                    s.push_str(&canonical_numbers(g));
                }
                s
            }
            SourceValue::Drand { signature, .. } => Self::drand_randomness(signature).to_hex(),
            SourceValue::Dice { values } => canonical_numbers(values),
        }
    }
}

/// The published values of the recipe's sources, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reveal {
    /// One value per source.
    pub sources: Vec<SourceValue>,
}

impl Reveal {
    /// A reveal of one source.
    pub fn single(source: SourceValue) -> Self {
        Self {
            sources: alloc::vec![source],
        }
    }

    /// Reads a reveal from JSON (unknown fields are refused).
    pub fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| Error::Json {
            what: "reveal",
            detail: format!("{e}"),
        })
    }

    /// Checks the reveal's own form (SPEC.md section 6.2).
    pub fn validate(&self) -> Result<()> {
        if self.sources.is_empty() || self.sources.len() > 16 {
            return Err(Error::InvalidReveal {
                detail: format!("{} sources; a reveal has 1 to 16", self.sources.len()),
            });
        }
        for (i, s) in self.sources.iter().enumerate() {
            s.check(i)?;
        }
        Ok(())
    }

    /// `list(val, sources)`.
    pub fn canonical_bytes(&self) -> Result<Vec<u8>> {
        let mut e = Encoder::new();
        e.count(self.sources.len(), "reveal sources")?;
        for s in &self.sources {
            s.encode(&mut e)?;
        }
        Ok(e.into_bytes())
    }

    /// `seed = H("seed", raw32(commitment) || list(val, sources))`.
    pub fn seed(&self, commitment: &Digest) -> Result<Digest> {
        let mut m = Encoder::new();
        m.raw32(commitment).raw(&self.canonical_bytes()?);
        Ok(tagged_hash("seed", m.as_bytes()))
    }

    /// The RFC 3797 key: each source's canonical string followed by `/`.
    pub fn rfc3797_key(&self) -> String {
        let mut k = String::new();
        for s in &self.sources {
            k.push_str(&s.rfc3797_string());
            k.push('/');
        }
        k
    }

    /// Checks a reveal that no recipe binds: its form, and every drand signature (a drand
    /// value is checked whether or not it was committed).
    pub fn check_unbound(&self) -> Result<Vec<String>> {
        self.validate()?;
        let mut lines = Vec::new();
        for (i, v) in self.sources.iter().enumerate() {
            lines.extend(check_drand(i, v)?);
        }
        Ok(lines)
    }

    /// Checks the reveal against the committed recipe, source by source, including drand
    /// signatures. Returns one line per source saying what was checked.
    pub fn check_against(&self, recipe: &Recipe) -> Result<Vec<String>> {
        self.validate()?;
        if self.sources.len() != recipe.sources.len() {
            return Err(Error::RevealMismatch {
                detail: format!(
                    "the recipe has {} sources but the reveal gives {}",
                    recipe.sources.len(),
                    self.sources.len()
                ),
            });
        }
        let mut lines = Vec::new();
        for (i, (spec, val)) in recipe.sources.iter().zip(&self.sources).enumerate() {
            lines.push(match_source(i, spec, val)?);
        }
        Ok(lines)
    }
}

/// Checks a drand value offline against its chain's key; the line says what was checked.
fn check_drand(i: usize, value: &SourceValue) -> Result<Option<String>> {
    let SourceValue::Drand {
        chain,
        round,
        signature,
        previous_signature,
        ..
    } = value
    else {
        return Ok(None);
    };
    crate::beacon::verify(chain, *round, signature, previous_signature.as_deref())?;
    let when = crate::beacon::round_time(chain, *round)
        .map(|t| format!(", produced at {}", crate::time::format_unix(t)))
        .unwrap_or_default();
    Ok(Some(format!(
        "source {}: drand round {round}{when}: signature verified, randomness {}",
        i + 1,
        SourceValue::drand_randomness(signature)
    )))
}

fn match_source(i: usize, spec: &SourceSpec, val: &SourceValue) -> Result<String> {
    let mismatch = |detail: String| Error::RevealMismatch {
        detail: format!("source {}: {detail}", i + 1),
    };
    match (spec, val) {
        (SourceSpec::Hex { label }, SourceValue::Hex { value }) => Ok(format!(
            "source {}: hex value \"{label}\" ({} bytes), not public randomness",
            i + 1,
            value.len()
        )),
        (
            spec @ SourceSpec::Lottery { lottery, .. },
            SourceValue::Lottery {
                lottery: got,
                main,
                bonus,
            },
        ) => {
            if lottery != got {
                return Err(mismatch(format!(
                    "the reveal names lottery \"{got}\", but the recipe committed to \"{lottery}\""
                )));
            }
            let format = spec.lottery_format().ok_or_else(|| {
                mismatch(format!(
                    "the recipe gives no format for lottery \"{lottery}\""
                ))
            })?;
            format
                .check(main, bonus)
                .map_err(|e| Error::InvalidReveal {
                    detail: format!("source {}: {e}", i + 1),
                })?;
            Ok(format!(
                "source {}: {}: {}",
                i + 1,
                spec.describe(),
                format.display(main, bonus)
            ))
        }
        (
            SourceSpec::Drand { chain, round },
            SourceValue::Drand {
                chain: c, round: r, ..
            },
        ) => {
            if chain != c {
                return Err(mismatch(format!(
                    "the reveal is for drand chain {c}, but the recipe committed to {chain}"
                )));
            }
            if round != r {
                return Err(mismatch(format!(
                    "the reveal gives drand round {r}, but the recipe committed to round {round}"
                )));
            }
            check_drand(i, val).map(Option::unwrap_or_default)
        }
        (SourceSpec::Dice { count, faces, .. }, SourceValue::Dice { values }) => {
            if values.len() != *count as usize {
                return Err(mismatch(format!(
                    "{} dice values given, {count} committed",
                    values.len()
                )));
            }
            if let Some(v) = values.iter().find(|&&v| v == 0 || v > *faces) {
                return Err(mismatch(format!(
                    "die value {v} is not between 1 and {faces}"
                )));
            }
            Ok(format!("source {}: {count} dice of {faces} faces", i + 1))
        }
        (s, v) => Err(mismatch(format!(
            "the recipe committed to a {} source, the reveal gives {}",
            s.kind(),
            v.kind()
        ))),
    }
}
