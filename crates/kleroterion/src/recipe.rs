//! The randomness recipe committed in the manifest (SPEC.md section 6.1).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::digest::Digest;
use crate::encoding::Encoder;
use crate::error::{Error, Result};
use crate::public_lottery::{LotteryFormat, registered};
use crate::text::{TextKind, check};

/// One future source of public randomness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum SourceSpec {
    /// Raw bytes given at reveal time: for tests and private use, not public randomness.
    Hex {
        /// What the bytes will be.
        label: String,
    },
    /// A public lottery draw: a lottery of the built-in registry
    /// ([`crate::public_lottery::REGISTRY`]), or another one whose format and draw time are declared.
    Lottery {
        /// The registry id (e.g. `"euromillions"`), or the name of a declared lottery.
        lottery: String,
        /// The draw's date, `YYYY-MM-DD` (a draw day of a registered lottery).
        date: String,
        /// What the draw publishes; only for a lottery outside the registry.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        format: Option<LotteryFormat>,
        /// When the draw takes place, `YYYY-MM-DDTHH:MM:SSZ`; only for a lottery outside the
        /// registry.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        draw_at: Option<String>,
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

/// The latest instant the protocol can express: 9999-12-31T23:59:59Z.
pub const LAST_INSTANT: u64 = 253_402_300_799;

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
            SourceSpec::Lottery { lottery, date, .. } => match registered(lottery) {
                Some(l) => format!("{} draw of {date}", l.name),
                None => format!("lottery \"{lottery}\" of {date}"),
            },
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

    /// When this source's value comes into existence, in Unix seconds: the drand round's
    /// production time, or the lottery's draw time. `Ok(None)` for hex values and dice, whose
    /// time no program can know; an error naming the rule for an unknown lottery or chain, a
    /// date that is not a draw date, or a round beyond [`LAST_INSTANT`].
    pub fn time(&self) -> core::result::Result<Option<u64>, String> {
        match self {
            SourceSpec::Hex { .. } | SourceSpec::Dice { .. } => Ok(None),
            SourceSpec::Drand { chain, round } => {
                let t = crate::beacon::round_time(chain, *round).ok_or_else(|| {
                    format!(
                        "drand chain {chain} is not a network this verifier knows (quicknet, mainnet)"
                    )
                })?;
                if t > LAST_INSTANT {
                    return Err(format!(
                        "drand round {round} would be produced after 9999-12-31T23:59:59Z: it can never be revealed"
                    ));
                }
                Ok(Some(t))
            }
            SourceSpec::Lottery {
                lottery,
                date,
                format,
                draw_at,
            } => lottery_time(lottery, date, format.as_ref(), draw_at.as_deref()).map(Some),
        }
    }

    /// The numbers a lottery source publishes: the registry's format, or the declared one.
    pub fn lottery_format(&self) -> Option<LotteryFormat> {
        match self {
            SourceSpec::Lottery {
                lottery, format, ..
            } => format
                .clone()
                .or_else(|| registered(lottery).map(|l| l.format())),
            _ => None,
        }
    }

    fn encode(&self, e: &mut Encoder) -> Result<()> {
        match self {
            SourceSpec::Hex { label } => {
                e.u8(0).str(label)?;
            }
            SourceSpec::Lottery {
                lottery,
                date,
                format,
                draw_at,
            } => {
                e.u8(1).str(lottery)?.str(date)?;
                match format {
                    None => {
                        e.u8(0);
                    }
                    Some(f) => {
                        e.u8(1);
                        f.encode(e)?;
                    }
                }
                match draw_at {
                    None => e.u8(0),
                    Some(t) => e.u8(1).str(t)?,
                };
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
            SourceSpec::Lottery {
                lottery,
                date,
                format,
                draw_at,
            } => {
                // Every text first (SPEC.md section 5.1: a bad text is `InvalidText`, and no
                // rule below quotes a text that was not checked).
                check(lottery, TextKind::Name, || field("lottery"))?;
                check(date, TextKind::Free, || field("date"))?;
                if let Some(t) = draw_at {
                    check(t, TextKind::Free, || field("draw_at"))?;
                }
                if let Some(f) = format {
                    check(&f.main.name, TextKind::Name, || {
                        field("format: main group name")
                    })?;
                    for (g, group) in f.bonus.iter().enumerate() {
                        check(&group.name, TextKind::Name, || {
                            field(&format!("format: bonus group {} name", g + 1))
                        })?;
                    }
                }
                self.time()
                    .map(|_| ())
                    .map_err(|detail| Error::InvalidRecipe {
                        detail: field(&detail),
                    })?;
                if let Some(f) = format {
                    f.validate().map_err(|e| Error::InvalidRecipe {
                        detail: field(&format!("{e}")),
                    })?;
                }
                Ok(())
            }
            SourceSpec::Drand { round, .. } if *round == 0 => Err(Error::InvalidRecipe {
                detail: field("drand rounds start at 1"),
            }),
            SourceSpec::Drand { .. } => {
                self.time()
                    .map(|_| ())
                    .map_err(|detail| Error::InvalidRecipe {
                        detail: field(&detail),
                    })
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
    pub fallback: Fallback,
}

/// The rule, fixed in advance, for a source that never publishes its committed value.
///
/// It is a closed list rather than free text: a rule such as "the latest value" would let the
/// organiser choose when to look (SPEC.md section 6.1).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fallback {
    /// The first value of the same source published after the committed one: the next drand
    /// round, the lottery's next draw, the dice thrown again before the same witnesses.
    NextValue,
    /// A rule the protocol does not know, as written in the file: it is read so that
    /// [`Recipe::validate`] can refuse it with `InvalidRecipe`, naming the rule it breaks.
    Unsupported(String),
}

impl Serialize for Fallback {
    fn serialize<S: serde::Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        match self {
            Fallback::NextValue => s.serialize_str("next_value"),
            Fallback::Unsupported(text) => s.serialize_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for Fallback {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Ok(match text.as_str() {
            "next_value" => Fallback::NextValue,
            _ => Fallback::Unsupported(text),
        })
    }
}

impl Fallback {
    fn validate(&self) -> Result<()> {
        match self {
            Fallback::NextValue => Ok(()),
            Fallback::Unsupported(text) => Err(Error::InvalidRecipe {
                detail: format!(
                    "the fallback rule \"{}\" is not one the protocol knows: write \"next_value\" (the first value of the same source published after the committed one); free-text rules such as \"the latest value\" are refused because they let the organiser choose when to look (SPEC.md section 6.1)",
                    crate::text::display(text, 80)
                ),
            }),
        }
    }
}

fn lottery_time(
    lottery: &str,
    date: &str,
    format: Option<&LotteryFormat>,
    draw_at: Option<&str>,
) -> core::result::Result<u64, String> {
    match (registered(lottery), format, draw_at) {
        (Some(l), None, None) => l.draw_instant(date).map_err(|e| format!("{e}")),
        (Some(l), _, _) => Err(format!(
            "\"{lottery}\" is the registry's {}: its format and draw time are fixed by the registry, so give neither \"format\" nor \"draw_at\"",
            l.name
        )),
        (None, Some(_), Some(t)) => {
            if let Some(l) = crate::public_lottery::REGISTRY.iter().find(|l| {
                l.id.eq_ignore_ascii_case(lottery) || l.name.eq_ignore_ascii_case(lottery)
            }) {
                return Err(format!(
                    "a declared lottery cannot be named \"{lottery}\", the name of the registry's {} (id \"{}\"): name the registry lottery by its id without a format, or give the declared one another name",
                    l.name, l.id
                ));
            }
            if crate::time::parse_date(date).is_none() {
                return Err(format!(
                    "the date \"{date}\" is not a date of the form YYYY-MM-DD"
                ));
            }
            crate::time::parse_utc(t)
                .filter(|&t| t <= LAST_INSTANT)
                .ok_or_else(|| {
                    format!("draw_at \"{t}\" is not a time of the form YYYY-MM-DDTHH:MM:SSZ")
                })
        }
        (None, _, _) => Err(format!(
            "\"{lottery}\" is not in the lottery registry ({}): name a registered lottery, or declare both its \"format\" and its \"draw_at\" time",
            crate::public_lottery::REGISTRY
                .iter()
                .map(|l| l.id)
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

impl Recipe {
    pub(crate) fn encode(&self, e: &mut Encoder) -> Result<()> {
        e.count(self.sources.len(), "recipe sources")?;
        for s in &self.sources {
            s.encode(e)?;
        }
        self.fallback.validate()?;
        e.u8(0);
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
        self.fallback.validate()
    }

    /// The earliest time at which a source of the recipe exists, when any source's time is
    /// known.
    pub fn earliest_time(&self) -> Option<u64> {
        self.sources
            .iter()
            .filter_map(|s| s.time().ok().flatten())
            .min()
    }
}
