//! The reveal, its match against the recipe, and the seed (SPEC.md sections 6.2 to 6.5).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::digest::{Digest, hex_bytes, to_hex};
use crate::encoding::{Encoder, sha256, tagged_hash};
use crate::error::{Error, Result};
use crate::recipe::{Recipe, SourceSpec};
use crate::text::{TextKind, check};

/// A non-negative decimal number as published by a lottery: `digits[.digits]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotteryNumber {
    int: String,
    frac: String,
}

impl LotteryNumber {
    /// Parses `digits[.digits]`.
    pub fn parse(s: &str) -> Result<Self> {
        let bad = || Error::InvalidReveal {
            detail: format!(
                "\"{s}\" is not a non-negative decimal number (digits, optionally a point and digits)"
            ),
        };
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) => (i, f),
            None => (s, ""),
        };
        let digits = |p: &str| p.bytes().all(|c| c.is_ascii_digit());
        if int.is_empty()
            || !digits(int)
            || !digits(frac)
            || (s.contains('.') && frac.is_empty())
            || s.len() > 64
        {
            return Err(bad());
        }
        let int = int.trim_start_matches('0');
        Ok(Self {
            int: if int.is_empty() {
                "0".into()
            } else {
                int.into()
            },
            frac: frac.trim_end_matches('0').into(),
        })
    }

    /// The canonical decimal text, without the terminating period.
    pub fn canonical(&self) -> String {
        if self.frac.is_empty() {
            self.int.clone()
        } else {
            format!("{}.{}", self.int, self.frac)
        }
    }

    fn numeric_cmp(&self, other: &Self) -> Ordering {
        self.int
            .len()
            .cmp(&other.int.len())
            .then_with(|| self.int.cmp(&other.int))
            .then_with(|| self.frac.cmp(&other.frac))
    }
}

impl Serialize for LotteryNumber {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        match (self.frac.is_empty(), self.int.parse::<u64>()) {
            (true, Ok(n)) => s.serialize_u64(n),
            _ => s.serialize_str(&self.canonical()),
        }
    }
}

impl<'de> Deserialize<'de> for LotteryNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(u64),
            Text(String),
        }
        let text = match Raw::deserialize(d)? {
            Raw::Int(n) => format!("{n}"),
            Raw::Text(t) => t,
        };
        LotteryNumber::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// RFC 3797's canonical form of a set of numbers: sorted, each followed by a period.
pub fn canonical_numbers(numbers: &[LotteryNumber]) -> String {
    let mut sorted: Vec<&LotteryNumber> = numbers.iter().collect();
    sorted.sort_by(|a, b| a.numeric_cmp(b));
    let mut out = String::new();
    for n in sorted {
        out.push_str(&n.canonical());
        out.push('.');
    }
    out
}

/// The value a source took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum SourceValue {
    /// Raw bytes.
    Hex {
        /// The bytes (1 to 1024), written in hex.
        #[serde(with = "hex_bytes")]
        value: Vec<u8>,
    },
    /// Numbers drawn by a public lottery.
    Lottery {
        /// The lottery's name, as in the recipe.
        name: String,
        /// The numbers as published.
        numbers: Vec<LotteryNumber>,
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
            SourceValue::Lottery { name, numbers } => {
                check(name, TextKind::Name, || {
                    format!("reveal source {}: name", i + 1)
                })?;
                if numbers.is_empty() || numbers.len() > 64 {
                    return Err(bad(format!("{} numbers; give 1 to 64", numbers.len())));
                }
                Ok(())
            }
            SourceValue::Dice { values } if values.is_empty() || values.len() > 1000 => {
                Err(bad(format!("{} dice values; give 1 to 1000", values.len())))
            }
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
            SourceValue::Lottery { name, numbers } => {
                e.u8(1).str(name)?.str(&canonical_numbers(numbers))?;
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
            SourceValue::Lottery { numbers, .. } => canonical_numbers(numbers),
            SourceValue::Drand { signature, .. } => Self::drand_randomness(signature).to_hex(),
            SourceValue::Dice { values } => {
                let mut v = values.clone();
                v.sort_unstable();
                let mut s = String::new();
                for x in v {
                    s.push_str(&format!("{x}."));
                }
                s
            }
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
        (SourceSpec::Lottery { name, date }, SourceValue::Lottery { name: got, numbers }) => {
            if name != got {
                return Err(mismatch(format!(
                    "the reveal names lottery \"{got}\", but the recipe committed to \"{name}\""
                )));
            }
            Ok(format!(
                "source {}: lottery {name} of {date}: {}",
                i + 1,
                canonical_numbers(numbers)
            ))
        }
        (
            SourceSpec::Drand { chain, round },
            SourceValue::Drand {
                chain: c,
                round: r,
                signature,
                previous_signature,
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
            crate::beacon::verify(chain, *round, signature, previous_signature.as_deref())?;
            let when = crate::beacon::round_time(chain, *round)
                .map(|t| format!(", produced at {}", crate::time::format_unix(t)))
                .unwrap_or_default();
            Ok(format!(
                "source {}: drand round {round}{when}: signature verified, randomness {}",
                i + 1,
                SourceValue::drand_randomness(signature)
            ))
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
