//! What a verifier takes from outside the bundle, and what it leaves to the reader
//! (SPEC.md section 12.1).
//!
//! A bundle is written by the organiser, so its own copy of the commitment or of a lottery's
//! numbers proves nothing. The facts published elsewhere (the commitment as first published,
//! the lottery results on the operator's page) are inputs of the verification; what no program
//! can check offline is listed for the reader to compare by hand.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::digest::Digest;
use crate::draw::Bundle;
use crate::error::{Error, Result};
use crate::manifest::Purpose;
use crate::public_lottery::registered;
use crate::recipe::SourceSpec;
use crate::reveal::SourceValue;
use crate::text::{DISPLAY_LIMIT, display};
use crate::time::format_unix;

/// Facts the reader obtained from somewhere other than the organiser's bundle.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Published {
    /// The commitment as the organiser first published it.
    #[serde(default)]
    pub commitment: Option<Digest>,
    /// Lottery results as their operators published them.
    #[serde(default)]
    pub lotteries: Vec<PublishedLottery>,
}

impl Published {
    /// Only the published commitment.
    pub fn commitment(commitment: Digest) -> Self {
        Self {
            commitment: Some(commitment),
            lotteries: Vec::new(),
        }
    }
}

/// One lottery result as published by its operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishedLottery {
    /// The lottery: a registry id (`euromillions`) or a declared lottery's name.
    pub lottery: String,
    /// The draw date, `YYYY-MM-DD`.
    pub date: String,
    /// The main numbers.
    pub main: Vec<u32>,
    /// The bonus groups, in the format's order.
    #[serde(default)]
    pub bonus: Vec<Vec<u32>>,
}

impl PublishedLottery {
    /// Parses `LOTTERY@DATE=MAIN[+BONUS]...`, numbers separated by commas or spaces, for
    /// example `euromillions@2026-12-04=7,18,28,40,48+3,9`.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |why: &str| Error::InvalidReveal {
            detail: format!(
                "published lottery result \"{}\": {why}; write LOTTERY@YYYY-MM-DD=MAIN+BONUS, for example euromillions@2026-12-04=7,18,28,40,48+3,9",
                display(text, 80)
            ),
        };
        let (name, rest) = text.split_once('@').ok_or_else(|| bad("no '@'"))?;
        let (date, numbers) = rest.split_once('=').ok_or_else(|| bad("no '='"))?;
        let mut groups = numbers.split('+').map(|g| {
            g.split([',', ' '])
                .filter(|n| !n.is_empty())
                .map(|n| {
                    n.parse::<u32>()
                        .map_err(|_| bad("a number is not a whole number"))
                })
                .collect::<Result<Vec<u32>>>()
        });
        let main = groups.next().ok_or_else(|| bad("no numbers"))??;
        let bonus = groups.collect::<Result<Vec<_>>>()?;
        if main.is_empty() || bonus.iter().any(Vec::is_empty) {
            return Err(bad("a group of numbers is empty"));
        }
        Ok(Self {
            lottery: name.trim().into(),
            date: date.trim().into(),
            main,
            bonus,
        })
    }
}

/// What a reader must compare by hand with a public record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Subject {
    /// The manifest says the draw is a rehearsal or a replay.
    Purpose,
    /// The commitment, when it was not given to the verifier.
    Commitment,
    /// The date of the commitment's first public record.
    Announcement,
    /// No recipe: nothing bound the randomness in advance.
    Uncommitted,
    /// A lottery's numbers.
    Lottery,
    /// Dice thrown in public.
    Dice,
    /// A hex value, which is not public randomness.
    Hex,
    /// The previous stage a linked stage names, which was not given to the verifier.
    Previous,
}

/// One item to compare by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ByHand {
    /// What kind of fact it is.
    pub subject: Subject,
    /// What to check, in words.
    pub what: String,
    /// The exact value to compare (already escaped for display).
    pub value: String,
    /// Where the public record is.
    pub record: String,
}

/// The commitment in groups of four hex digits, easy to read aloud.
pub fn grouped(d: &Digest) -> String {
    let hex = d.to_hex();
    let groups: Vec<&str> = (0..16).map(|i| &hex[i * 4..i * 4 + 4]).collect();
    groups.join(" ")
}

/// The items a reader must compare by hand for a bundle that verified by computation;
/// `previous_given` says whether the previous stage its manifest names was given.
pub fn by_hand(bundle: &Bundle, published: &Published, previous_given: bool) -> Vec<ByHand> {
    let m = &bundle.manifest;
    let mut items = Vec::new();
    if m.purpose != Purpose::Official {
        items.push(purpose_item(m.purpose));
    }
    if published.commitment.is_none() {
        items.push(ByHand {
            subject: Subject::Commitment,
            what: "The commitment was not given to the verifier: compare it, character by character, with the one the organiser published before the draw".into(),
            value: grouped(&bundle.commitment),
            record: "the organiser's first public record of the commitment (official site, newspaper, public timestamp)".into(),
        });
    }
    items.extend(announcement_item(bundle));
    // SPEC.md section 12.3: the lotteries, then the dice, then the hex values, each in reveal
    // order.
    for kind in ["lottery", "dice", "hex"] {
        let sources = m.randomness.iter().flat_map(|r| r.sources.iter().map(Some));
        let specs = sources.chain(core::iter::repeat(None));
        for (spec, value) in specs.zip(&bundle.reveal.sources) {
            if value.kind() == kind {
                items.extend(source_item(spec, value, published));
            }
        }
    }
    if let (Some(parent), false) = (&m.parent, previous_given) {
        items.push(ByHand {
            subject: Subject::Previous,
            what: "This stage was drawn from the invitees of a previous stage, which was not given: nothing checked that its volunteers were invited. Verify it together with the previous stage's bundle, whose commitment is this".into(),
            value: grouped(&parent.commitment),
            record: "the previous stage's published bundle (verify both: --previous, verify_chain, or the page's chain)".into(),
        });
    }
    items
}

fn purpose_item(purpose: Purpose) -> ByHand {
    let what = match purpose {
        Purpose::Replay => {
            "This manifest says it is a REPLAY of a past draw: it was written after its randomness existed, so it shows how the draw works and proves nothing about who was chosen"
        }
        _ => {
            "This manifest says it is a REHEARSAL: its panel is not the assembly's panel; check that the real draw was announced separately"
        }
    };
    ByHand {
        subject: Subject::Purpose,
        what: what.into(),
        value: purpose.as_str().into(),
        record: "the organiser's announcement of the draw".into(),
    }
}

fn announcement_item(bundle: &Bundle) -> Option<ByHand> {
    let m = &bundle.manifest;
    let record = "the date of the commitment's first public record (not the manifest's own announced_at, which is only a claim)".into();
    let Some(recipe) = &m.randomness else {
        return Some(ByHand {
            subject: Subject::Uncommitted,
            what: "No randomness recipe was committed: any randomness verifies, so the organiser could have chosen it. Check that the organiser's announcement named exactly this randomness before it existed; otherwise this draw proves nothing".into(),
            value: "no recipe".into(),
            record,
        });
    };
    let (what, value) = match recipe.earliest_time() {
        Some(t) => (
            "The commitment must have been public before the randomness existed: check that its first public record is dated before this time",
            format!("{} (UTC)", format_unix(t)),
        ),
        None => (
            "The recipe names no source whose time a program knows: check that the commitment's first public record is dated before the randomness was produced",
            "before the randomness".into(),
        ),
    };
    Some(ByHand {
        subject: Subject::Announcement,
        what: what.into(),
        value,
        record,
    })
}

fn source_item(
    spec: Option<&SourceSpec>,
    value: &SourceValue,
    published: &Published,
) -> Option<ByHand> {
    match value {
        SourceValue::Lottery {
            lottery,
            main,
            bonus,
        } => Some(lottery_item(spec, lottery, main, bonus, published)),
        SourceValue::Dice { values } => Some(ByHand {
            subject: Subject::Dice,
            what: "Dice: compare the values, in order, with the record of the public throw".into(),
            value: values
                .iter()
                .map(|v| format!("{v}"))
                .collect::<Vec<_>>()
                .join(" "),
            record: match spec {
                Some(SourceSpec::Dice { witnesses, .. }) => format!(
                    "the record of the throw witnessed by {}",
                    display(witnesses, DISPLAY_LIMIT)
                ),
                _ => "the record of the public throw".into(),
            },
        }),
        SourceValue::Hex { value } => Some(ByHand {
            subject: Subject::Hex,
            what: "A hex value is not public randomness: whoever knew it before the commitment could choose the panel. Check who provided it and when".into(),
            value: crate::digest::to_hex(value),
            record: "whoever provided the value".into(),
        }),
        SourceValue::Drand { .. } => None,
    }
}

fn lottery_item(
    spec: Option<&SourceSpec>,
    lottery: &str,
    main: &[u32],
    bonus: &[Vec<u32>],
    published: &Published,
) -> ByHand {
    let date = match spec {
        Some(SourceSpec::Lottery { date, .. }) => date.as_str(),
        _ => "(date not committed)",
    };
    let format = spec.and_then(SourceSpec::lottery_format);
    let numbers = match &format {
        Some(f) => f.display(main, bonus),
        None => format!("main {main:?}, bonus {bonus:?}"),
    };
    let given = published
        .lotteries
        .iter()
        .any(|p| p.lottery == lottery && p.date == date);
    let (name, record) = match registered(lottery) {
        Some(l) => (l.name.into(), format!("{}: {}", l.operator, l.result_page)),
        None => (
            format!("lottery \"{}\"", display(lottery, DISPLAY_LIMIT)),
            "the lottery operator's published results".into(),
        ),
    };
    let note = if given {
        " (they match the numbers you gave: check that you copied those from the operator's own page)"
    } else {
        ""
    };
    ByHand {
        subject: Subject::Lottery,
        what: format!(
            "{name} of {}: compare the numbers, main numbers and bonus numbers apart, with the operator's official result{note}",
            display(date, DISPLAY_LIMIT)
        ),
        value: numbers,
        record,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_published_result() {
        let p = PublishedLottery::parse("euromillions@2026-12-04=7,18,28,40,48+3,9").unwrap();
        assert_eq!(p.lottery, "euromillions");
        assert_eq!(p.date, "2026-12-04");
        assert_eq!(p.main, [7, 18, 28, 40, 48]);
        assert_eq!(p.bonus, [alloc::vec![3, 9]]);
        let spaced = PublishedLottery::parse("fr-loto@2026-12-05=1 2 3 4 5+6").unwrap();
        assert_eq!(spaced.main, [1, 2, 3, 4, 5]);
    }

    #[test]
    fn refuses_malformed_results() {
        for bad in [
            "euromillions 2026-12-04 7,18",
            "euromillions@2026-12-04",
            "euromillions@2026-12-04=7,-1",
            "euromillions@2026-12-04=7,18+",
        ] {
            assert!(PublishedLottery::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn groups_a_digest_in_fours() {
        let d = Digest::from_array([0xab; 32]);
        assert_eq!(grouped(&d).split(' ').count(), 16);
        assert!(grouped(&d).starts_with("abab abab"));
    }
}
