//! A short description of a bundle for display: what the verification page shows above its
//! checklist, `kleroterion verify` prints before its steps and Python's `Bundle.summary()`
//! returns. It checks nothing: the verification report says what holds.

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::digest::to_hex;
use crate::draw::Bundle;
use crate::public_lottery::registered;
use crate::recipe::SourceSpec;
use crate::reveal::SourceValue;
use crate::text::{DISPLAY_LIMIT, display};
use crate::time::format_unix;

/// A text from a bundle, as a page or a terminal may show it (SPEC.md section 3): control and
/// bidirectional formatting characters escaped, cut after [`DISPLAY_LIMIT`] bytes.
fn shown(text: &str) -> String {
    display(text, DISPLAY_LIMIT)
}

/// What a verifier shows above the checklist. Every text from the bundle is escaped for
/// display (control and bidirectional formatting characters as `\u{..}`, long texts cut).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    /// The draw's title.
    pub title: String,
    /// When the organiser says the commitment was published (a claim, not a fact).
    pub announced_at: Option<String>,
    /// `official`, `rehearsal` or `replay`.
    pub purpose: String,
    /// The method's name.
    pub method: String,
    /// `k`.
    pub panel_size: u32,
    /// `A`.
    pub alternates: u32,
    /// `n`.
    pub pool_count: u32,
    /// The household rule.
    pub household_rule: bool,
    /// True when the manifest commits to a randomness recipe.
    pub committed: bool,
    /// The committed randomness sources, described (in English, by the core).
    pub sources: Vec<String>,
    /// The earliest time at which a committed source exists (`YYYY-MM-DDTHH:MM:SSZ`), when a
    /// program knows the time of some source: the commitment's first public record must be
    /// dated before it.
    pub earliest_time: Option<String>,
    /// The bundle's own copy of the commitment (what the bundle says, not what was published).
    pub commitment: String,
    /// The same in 16 groups of 4 hex digits, to read aloud.
    pub commitment_grouped: String,
    /// The published panel, in draw order.
    pub selected: Vec<String>,
    /// The published alternates, in order.
    pub alternates_list: Vec<String>,
    /// Each source, committed and revealed, in order: the recipe's sources next to the
    /// reveal's values (a value without a recipe when nothing was committed).
    pub randomness: Vec<SourceShown>,
}

/// A group of lottery numbers, as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumbersShown {
    /// The group's name from the lottery's format (`numbers`, `stars`, `Superzahl`...), empty
    /// when the format is unknown.
    pub name: String,
    /// The numbers, in the order published.
    pub numbers: Vec<u32>,
}

/// One randomness source as a verifier shows it: what was committed and what was revealed.
/// Whether it was checked is the verify report's (drand: the `randomness` step; lotteries,
/// dice and hex values are never checked by computation: they are in `by_hand`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SourceShown {
    /// `drand`, `lottery`, `dice` or `hex`.
    pub kind: String,
    /// Whether the recipe committed to this source.
    pub committed: bool,
    /// Whether a value was revealed for this source.
    pub revealed: bool,
    /// drand: the network's name (`quicknet`, `mainnet`), if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    /// drand: the chain hash, as hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain: Option<String>,
    /// drand: the round.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub round: Option<u64>,
    /// When the source's value comes into existence (`YYYY-MM-DDTHH:MM:SSZ`): a drand round's
    /// production time, a lottery's draw time; none for dice and hex values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// Lottery: the registry id or the declared lottery's name, as in the bundle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lottery: Option<String>,
    /// Lottery: the registry's name (`EuroMillions`), or the declared name; hex: the label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Lottery: whether it is in the core's registry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registered: Option<bool>,
    /// Lottery: the committed draw date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Lottery: the operator (registry only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// Lottery: the operator's result page (registry only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_page: Option<String>,
    /// Lottery: the revealed numbers, main numbers first, then each bonus group.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<NumbersShown>,
    /// Dice: the values, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<u32>,
    /// The source's canonical form in an RFC 3797 key (lottery, dice).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canonical: Option<String>,
    /// Dice: how many and how many faces.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dice: Option<(u32, u32)>,
    /// Dice: the witnesses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub witnesses: Option<String>,
    /// Hex: the revealed value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hex: Option<String>,
}

fn source_shown(spec: Option<&SourceSpec>, value: Option<&SourceValue>) -> SourceShown {
    let kind = spec
        .map(SourceSpec::kind)
        .or(value.map(SourceValue::kind))
        .unwrap_or_default();
    let mut s = SourceShown {
        kind: kind.into(),
        committed: spec.is_some(),
        revealed: value.is_some(),
        time: spec.and_then(|s| s.time().ok().flatten()).map(format_unix),
        ..SourceShown::default()
    };
    match (spec, value) {
        (Some(SourceSpec::Drand { chain, round }), _)
        | (None, Some(SourceValue::Drand { chain, round, .. })) => {
            s.network = crate::beacon::network_name(chain).map(Into::into);
            s.chain = Some(chain.to_hex());
            s.round = Some(*round);
            s.time = crate::beacon::round_time(chain, *round).map(format_unix);
        }
        (
            Some(SourceSpec::Dice {
                count,
                faces,
                witnesses,
            }),
            _,
        ) => {
            s.dice = Some((*count, *faces));
            s.witnesses = Some(shown(witnesses));
        }
        (Some(SourceSpec::Hex { label }), _) => s.name = Some(shown(label)),
        _ => {}
    }
    let lottery = match (spec, value) {
        (Some(SourceSpec::Lottery { lottery, date, .. }), _) => {
            s.date = Some(shown(date));
            Some(lottery)
        }
        (None, Some(SourceValue::Lottery { lottery, .. })) => Some(lottery),
        _ => None,
    };
    if let Some(lottery) = lottery {
        let entry = registered(lottery);
        s.lottery = Some(shown(lottery));
        s.name = Some(entry.map_or_else(|| shown(lottery), |l| l.name.into()));
        s.registered = Some(entry.is_some());
        s.operator = entry.map(|l| l.operator.into());
        s.result_page = entry.map(|l| l.result_page.into());
    }
    match value {
        Some(v @ SourceValue::Lottery { main, bonus, .. }) => {
            let format = spec.and_then(SourceSpec::lottery_format).or_else(|| {
                s.lottery
                    .as_deref()
                    .and_then(registered)
                    .map(|l| l.format())
            });
            let names: Vec<String> = match &format {
                Some(f) => core::iter::once(&f.main)
                    .chain(&f.bonus)
                    .map(|g| shown(&g.name))
                    .collect(),
                None => Vec::new(),
            };
            s.groups = core::iter::once(main)
                .chain(bonus)
                .enumerate()
                .map(|(i, numbers)| NumbersShown {
                    name: names.get(i).cloned().unwrap_or_default(),
                    numbers: numbers.clone(),
                })
                .collect();
            s.canonical = Some(v.rfc3797_string());
        }
        Some(v @ SourceValue::Dice { values }) => {
            s.values = values.clone();
            s.canonical = Some(v.rfc3797_string());
        }
        Some(SourceValue::Hex { value }) => s.hex = Some(to_hex(value)),
        _ => {}
    }
    s
}

impl Summary {
    /// A short description of a bundle for display (it verifies nothing).
    pub fn of(b: &Bundle) -> Self {
        let m = &b.manifest;
        let specs: Vec<&SourceSpec> = m.randomness.iter().flat_map(|r| &r.sources).collect();
        let count = specs.len().max(b.reveal.sources.len());
        Summary {
            title: shown(&m.title),
            announced_at: m.announced_at.as_deref().map(shown),
            purpose: m.purpose.as_str().into(),
            method: m.method.name().into(),
            panel_size: m.panel_size,
            alternates: m.alternates,
            pool_count: m.pool.count,
            household_rule: m.household_rule,
            committed: m.randomness.is_some(),
            sources: specs.iter().map(|s| shown(&s.describe())).collect(),
            earliest_time: m
                .randomness
                .as_ref()
                .and_then(crate::recipe::Recipe::earliest_time)
                .map(format_unix),
            commitment: b.commitment.to_hex(),
            commitment_grouped: crate::published::grouped(&b.commitment),
            selected: b.result.selected.iter().map(|t| shown(t)).collect(),
            alternates_list: b.result.alternates.iter().map(|t| shown(t)).collect(),
            randomness: (0..count)
                .map(|i| source_shown(specs.get(i).copied(), b.reveal.sources.get(i)))
                .collect(),
        }
    }
}
