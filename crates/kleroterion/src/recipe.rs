//! The randomness recipe committed in the manifest (SPEC.md section 6.1).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::digest::Digest;
use crate::encoding::Encoder;
use crate::error::{Error, Result};
use crate::text::{TextKind, check};

/// One future source of public randomness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum SourceSpec {
    /// Raw bytes given at reveal time: for tests and private use, not public randomness.
    Hex {
        /// What the bytes will be.
        label: String,
    },
    /// A public lottery draw.
    Lottery {
        /// The lottery, e.g. `"EuroMillions"`.
        name: String,
        /// The draw's date, e.g. `"2026-12-01"`.
        date: String,
    },
    /// A drand beacon round.
    Drand {
        /// The chain hash of the drand network.
        chain: Digest,
        /// The round number.
        round: u64,
    },
    /// Dice thrown in public.
    Dice {
        /// Number of dice (1 to 1000).
        count: u32,
        /// Faces per die (2 to 1000).
        faces: u32,
        /// Who witnessed the throw.
        witnesses: String,
    },
}

impl SourceSpec {
    /// The kind's name as written in JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            SourceSpec::Hex { .. } => "hex",
            SourceSpec::Lottery { .. } => "lottery",
            SourceSpec::Drand { .. } => "drand",
            SourceSpec::Dice { .. } => "dice",
        }
    }

    /// A short description for reports.
    pub fn describe(&self) -> String {
        match self {
            SourceSpec::Hex { label } => format!("hex value \"{label}\" (not public randomness)"),
            SourceSpec::Lottery { name, date } => format!("lottery {name} of {date}"),
            SourceSpec::Drand { chain, round } => {
                format!("drand round {round} of chain {}", &chain.to_hex()[..16])
            }
            SourceSpec::Dice {
                count,
                faces,
                witnesses,
            } => {
                format!("{count} dice of {faces} faces, witnessed by {witnesses}")
            }
        }
    }

    fn encode(&self, e: &mut Encoder) -> Result<()> {
        match self {
            SourceSpec::Hex { label } => {
                e.u8(0).str(label)?;
            }
            SourceSpec::Lottery { name, date } => {
                e.u8(1).str(name)?.str(date)?;
            }
            SourceSpec::Drand { chain, round } => {
                e.u8(2).raw32(chain).u64(*round);
            }
            SourceSpec::Dice {
                count,
                faces,
                witnesses,
            } => {
                e.u8(3).u32(*count).u32(*faces).str(witnesses)?;
            }
        }
        Ok(())
    }

    fn validate(&self, i: usize) -> Result<()> {
        let field = |what: &str| format!("recipe source {}: {what}", i + 1);
        match self {
            SourceSpec::Hex { label } => check(label, TextKind::Name, || field("label")),
            SourceSpec::Lottery { name, date } => {
                check(name, TextKind::Name, || field("name"))?;
                check(date, TextKind::Free, || field("date"))
            }
            SourceSpec::Drand { round, .. } => {
                if *round == 0 {
                    return Err(Error::InvalidRecipe {
                        detail: field("drand rounds start at 1"),
                    });
                }
                Ok(())
            }
            SourceSpec::Dice {
                count,
                faces,
                witnesses,
            } => {
                if !(1..=1000).contains(count) || !(2..=1000).contains(faces) {
                    return Err(Error::InvalidRecipe {
                        detail: field("dice need 1 to 1000 dice of 2 to 1000 faces"),
                    });
                }
                check(witnesses, TextKind::Free, || field("witnesses"))
            }
        }
    }
}

/// The ordered sources and the fallback rule, committed before the randomness exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipe {
    /// The sources, in order.
    pub sources: Vec<SourceSpec>,
    /// What replaces a source that never publishes, fixed in advance.
    pub fallback: String,
}

impl Recipe {
    pub(crate) fn encode(&self, e: &mut Encoder) -> Result<()> {
        e.count(self.sources.len(), "recipe sources")?;
        for s in &self.sources {
            s.encode(e)?;
        }
        e.str(&self.fallback)?;
        Ok(())
    }

    /// Checks SPEC.md section 6.1.
    pub fn validate(&self) -> Result<()> {
        if self.sources.is_empty() || self.sources.len() > 16 {
            return Err(Error::InvalidRecipe {
                detail: format!("{} sources; a recipe has 1 to 16", self.sources.len()),
            });
        }
        for (i, s) in self.sources.iter().enumerate() {
            s.validate(i)?;
        }
        check(&self.fallback, TextKind::Free, || "recipe fallback".into())
    }
}
