//! The bindings' logic in plain Rust: JSON text in, JSON text out.
//!
//! Every function here is what one export of the crate root does, without any JavaScript
//! type, so it runs and is tested natively as well as in wasm. The work itself is done by
//! the core crate; this module only parses, calls and serialises.

use kleroterion::digest::to_hex;
use kleroterion::lottery::registered;
use kleroterion::merkle::{MerkleTree, leaf_hash};
use kleroterion::methods::lottery::selection_counts;
use kleroterion::sampling::sample as core_sample;
use kleroterion::sampling::uniform as core_uniform;
use kleroterion::stream::{Stream, stream_key as core_stream_key};
use kleroterion::text::{DISPLAY_LIMIT, TextKind, check, display};
use kleroterion::{
    Bundle, Digest, Manifest, Method, Published, PublishedLottery, Receipt, ReceiptOutcome, Record,
    Replacement, Reveal, SourceSpec, SourceValue,
};
use serde::Serialize;

use crate::error::{ApiError, ApiResult};

fn to_json<T: Serialize>(value: &T) -> ApiResult<String> {
    serde_json::to_string(value).map_err(|e| ApiError::json("output", &e))
}

fn parse<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> ApiResult<T> {
    serde_json::from_str(text).map_err(|e| ApiError::json(what, &e))
}

fn digest(hex: &str, field: &str) -> ApiResult<Digest> {
    Ok(Digest::from_hex(hex, field)?)
}

/// A text from a bundle or a receipt, as a page may show it (SPEC.md section 3): control and
/// bidirectional formatting characters escaped, cut after [`DISPLAY_LIMIT`] bytes.
fn shown(text: &str) -> String {
    display(text, DISPLAY_LIMIT)
}

/// Any text made safe to show, cut after `max_bytes` bytes: the core's `text::display`, for a
/// page that writes text from a file into its document.
pub fn display_text(text: &str, max_bytes: u32) -> String {
    display(text, usize::try_from(max_bytes).unwrap_or(usize::MAX))
}

fn report_json(report: &kleroterion::Report) -> String {
    // A report holds only strings, booleans and enums: serialising it cannot fail.
    serde_json::to_string(report).unwrap_or_else(|e| {
        format!(
            r#"{{"verdict":"invalid","valid":false,"steps":[],"by_hand":[],"error":"{e}","error_kind":"Json"}}"#
        )
    })
}

/// Verifies a bundle by computation alone, with no published fact given (SPEC.md section
/// 12), and returns the report as JSON: `{verdict, valid, purpose, steps, by_hand, error,
/// error_kind}`. The commitment is then among the items to compare by hand.
///
/// Never fails: a text that is not a bundle gives a report whose `format` step failed.
pub fn verify(bundle_json: &str) -> String {
    report_json(&kleroterion::verify_json(
        bundle_json,
        &Published::default(),
        &[],
    ))
}

/// The published facts a reader typed, as the core's [`Published`] in JSON: the commitment as
/// published (64 hex digits; spaces and line breaks between them are ignored, so the grouped
/// form `1a2b 3c4d ...` can be pasted; empty when not given) and lottery results, one per
/// line, as `LOTTERY@YYYY-MM-DD=MAIN+BONUS` (`euromillions@2026-12-04=7,18,28,40,48+3,9`).
///
/// This is the one place where what a page's fields hold becomes the core's inputs.
pub fn published_facts(commitment: &str, lotteries: &str) -> ApiResult<String> {
    let hex: String = commitment.chars().filter(|c| !c.is_whitespace()).collect();
    let commitment = if hex.is_empty() {
        None
    } else {
        Some(Digest::from_hex(&hex, "commitment").map_err(|_| {
            ApiError::new(
                "InvalidCommitment",
                format!(
                    "the commitment \"{}\" is not 64 hexadecimal digits",
                    display(commitment.trim(), 80)
                ),
            )
        })?)
    };
    let lotteries = lotteries
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(PublishedLottery::parse)
        .collect::<Result<Vec<_>, _>>()?;
    to_json(&Published {
        commitment,
        lotteries,
    })
}

/// Verifies a bundle against the facts published outside it (the JSON of
/// [`published_facts`], or the core's `Published`) and the replacement records made from it
/// (a JSON list, `[]` for none); returns the report as JSON, like [`verify`].
///
/// Fails only when the published facts or the replacement records cannot be read; a bundle
/// that cannot be read gives a report whose `format` step failed.
pub fn verify_with(
    bundle_json: &str,
    published_json: &str,
    replacements_json: &str,
) -> ApiResult<String> {
    let published: Published = parse("published facts", published_json)?;
    let replacements: Vec<Replacement> = parse("replacement records", replacements_json)?;
    Ok(report_json(&kleroterion::verify_json(
        bundle_json,
        &published,
        &replacements,
    )))
}

/// The answer of a receipt check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceiptAnswer {
    /// True when the receipt is for this draw and its proof leads to the committed root.
    pub matches: bool,
    /// The ticket (when it matches), escaped for display.
    pub ticket: Option<String>,
    /// The person's features as `[feature, value]` pairs (when it matches), escaped for
    /// display.
    pub features: Vec<(String, String)>,
    /// The outcome (when it matches): `{"outcome": "selected", "position": p}`,
    /// `{"outcome": "alternate", "number": n}` or `{"outcome": "not_selected"}`.
    pub outcome: Option<ReceiptOutcome>,
    /// The number of hashes in the inclusion proof that was checked.
    pub proof_length: usize,
    /// Why it does not match.
    pub error: Option<String>,
    /// The protocol name of the mismatch.
    pub error_kind: Option<String>,
}

impl ReceiptAnswer {
    fn mismatch(e: &ApiError) -> Self {
        Self {
            matches: false,
            ticket: None,
            features: Vec::new(),
            outcome: None,
            proof_length: 0,
            error: Some(e.message.clone()),
            error_kind: Some(e.kind.clone()),
        }
    }
}

/// Checks a private receipt against a bundle (SPEC.md section 13) and returns a
/// [`ReceiptAnswer`] as JSON. Never fails: anything wrong is a non-matching answer.
pub fn check_receipt(receipt_json: &str, bundle_json: &str) -> String {
    let answer = (|| -> ApiResult<ReceiptAnswer> {
        let receipt = Receipt::from_json(receipt_json)?;
        let bundle = Bundle::from_json(bundle_json)?;
        let c = kleroterion::check_receipt(&receipt, &bundle)?;
        Ok(ReceiptAnswer {
            matches: true,
            ticket: Some(shown(&c.ticket)),
            features: c
                .features
                .iter()
                .map(|(f, v)| (shown(f), shown(v)))
                .collect(),
            outcome: Some(c.outcome),
            proof_length: receipt.proof.len(),
            error: None,
            error_kind: None,
        })
    })()
    .unwrap_or_else(|e| ReceiptAnswer::mismatch(&e));
    to_json(&answer).unwrap_or_else(|e| format!(r#"{{"matches":false,"error":"{e}"}}"#))
}

/// Everyone's probability of selection under a lottery portfolio.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Probabilities {
    /// `M`, the number of panels of the portfolio.
    pub panels: u32,
    /// `k`, the panel size.
    pub panel_size: u32,
    /// `n`, the number of people in the pool.
    pub pool_size: u32,
    /// The tickets, in pool order.
    pub tickets: Vec<String>,
    /// For each person in pool order, the number of panels that contain them: their
    /// probability is `counts[i] / panels`.
    pub counts: Vec<u32>,
    /// The smallest count.
    pub min_count: u32,
    /// The largest count.
    pub max_count: u32,
}

/// For a lottery bundle, each person's probability of selection as a count of panels out of
/// `M` (SPEC.md section 9.4). Fails with `NotLottery` for other methods.
pub fn selection_probabilities(bundle_json: &str) -> ApiResult<String> {
    let bundle = Bundle::from_json(bundle_json)?;
    let Method::Lottery { portfolio } = &bundle.manifest.method else {
        return Err(ApiError::new(
            "NotLottery",
            format!(
                "the {} method has no committed portfolio: probabilities are shown for the lottery method only",
                bundle.manifest.method.name()
            ),
        ));
    };
    let counts = selection_counts(portfolio, bundle.pool.len());
    let panels = u32::try_from(portfolio.len())
        .map_err(|_| ApiError::new("TooLarge", "more than 2^32 panels"))?;
    let pool_size = u32::try_from(bundle.pool.len())
        .map_err(|_| ApiError::new("TooLarge", "more than 2^32 records"))?;
    to_json(&Probabilities {
        panels,
        panel_size: bundle.manifest.panel_size,
        pool_size,
        tickets: bundle.pool.iter().map(|r| r.ticket.clone()).collect(),
        min_count: counts.iter().copied().min().unwrap_or(0),
        max_count: counts.iter().copied().max().unwrap_or(0),
        counts,
    })
}

/// One row of the quota table (texts escaped for display).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuotaRow {
    /// The feature.
    pub feature: String,
    /// The value.
    pub value: String,
    /// The committed minimum.
    pub min: u32,
    /// The committed maximum.
    pub max: u32,
    /// How many people of the published panel have this value.
    pub panel: u32,
    /// How many people of the pool have this value.
    pub pool: u32,
    /// True when `min <= panel <= max`.
    pub ok: bool,
}

/// The published panel against the quotas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuotaTable {
    /// The method's name.
    pub method: String,
    /// True when the method enforces the quotas (greedy, lottery); otherwise they are
    /// informative.
    pub enforced: bool,
    /// One row per feature value, in declared order.
    pub rows: Vec<QuotaRow>,
    /// Published panel tickets that are not in the pool (they are not counted).
    pub unknown_tickets: Vec<String>,
}

/// The published panel counted against every quota, with the pool's counts.
pub fn quota_table(bundle_json: &str) -> ApiResult<String> {
    let bundle = Bundle::from_json(bundle_json)?;
    let m = &bundle.manifest;
    // Tickets in order, each with its place in the pool; for a ticket listed twice (a bundle
    // that does not verify), the last record wins.
    let mut by_ticket: Vec<(&str, usize)> = bundle
        .pool
        .iter()
        .enumerate()
        .map(|(i, r)| (r.ticket.as_str(), i))
        .collect();
    by_ticket.sort_unstable();
    let find = |ticket: &str| -> Option<&Record> {
        let after = by_ticket.partition_point(|&(t, _)| t <= ticket);
        let (t, i) = *by_ticket.get(after.checked_sub(1)?)?;
        if t == ticket {
            bundle.pool.get(i)
        } else {
            None
        }
    };
    let mut unknown_tickets = Vec::new();
    let panel: Vec<&Record> = bundle
        .result
        .selected
        .iter()
        .filter_map(|t| {
            let r = find(t);
            if r.is_none() {
                unknown_tickets.push(shown(t));
            }
            r
        })
        .collect();
    let count = |people: &mut dyn Iterator<Item = &Record>, f: usize, v: &str| -> u32 {
        let n = people
            .filter(|r| r.values.get(f).map(String::as_str) == Some(v))
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    };
    let mut rows = Vec::new();
    for (f, feat) in m.features.iter().enumerate() {
        for q in &feat.values {
            let on_panel = count(&mut panel.iter().copied(), f, &q.value);
            rows.push(QuotaRow {
                feature: shown(&feat.name),
                value: shown(&q.value),
                min: q.min,
                max: q.max,
                panel: on_panel,
                pool: count(&mut bundle.pool.iter(), f, &q.value),
                ok: q.min <= on_panel && on_panel <= q.max,
            });
        }
    }
    to_json(&QuotaTable {
        method: m.method.name().into(),
        enforced: m.method.enforces_quotas(),
        rows,
        unknown_tickets,
    })
}

/// What the page shows above the checklist. Every text from the bundle is escaped for
/// display (control and bidirectional formatting characters as `\u{..}`, long texts cut).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NumbersShown {
    /// The group's name from the lottery's format (`numbers`, `stars`, `Superzahl`...), empty
    /// when the format is unknown.
    pub name: String,
    /// The numbers, in the order published.
    pub numbers: Vec<u32>,
}

/// One randomness source as the page shows it: what was committed and what was revealed.
/// Whether it was checked is the verify report's (drand: the `randomness` step; lotteries,
/// dice and hex values are never checked by computation: they are in `by_hand`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
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
        time: spec
            .and_then(|s| s.time().ok().flatten())
            .map(kleroterion::time::format_unix),
        ..SourceShown::default()
    };
    match (spec, value) {
        (Some(SourceSpec::Drand { chain, round }), _)
        | (None, Some(SourceValue::Drand { chain, round, .. })) => {
            s.network = DRAND_NETWORKS
                .iter()
                .find(|n| kleroterion::beacon::chain_by_name(n).as_ref() == Some(chain))
                .map(|n| (*n).into());
            s.chain = Some(chain.to_hex());
            s.round = Some(*round);
            s.time =
                kleroterion::beacon::round_time(chain, *round).map(kleroterion::time::format_unix);
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
                Some(f) => std::iter::once(&f.main)
                    .chain(&f.bonus)
                    .map(|g| shown(&g.name))
                    .collect(),
                None => Vec::new(),
            };
            s.groups = std::iter::once(main)
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

/// A short description of a bundle for display (does not verify anything).
pub fn summary(bundle_json: &str) -> ApiResult<String> {
    let b = Bundle::from_json(bundle_json)?;
    let m = &b.manifest;
    let specs: Vec<&SourceSpec> = m.randomness.iter().flat_map(|r| &r.sources).collect();
    let count = specs.len().max(b.reveal.sources.len());
    to_json(&Summary {
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
            .and_then(kleroterion::Recipe::earliest_time)
            .map(kleroterion::time::format_unix),
        commitment: b.commitment.to_hex(),
        commitment_grouped: kleroterion::published::grouped(&b.commitment),
        selected: b.result.selected.iter().map(|t| shown(t)).collect(),
        alternates_list: b.result.alternates.iter().map(|t| shown(t)).collect(),
        randomness: (0..count)
            .map(|i| source_shown(specs.get(i).copied(), b.reveal.sources.get(i)))
            .collect(),
    })
}

/// The drand networks the planning helper knows by name.
const DRAND_NETWORKS: [&str; 2] = ["quicknet", "mainnet"];

/// The drand round to commit to: the first one produced at or after a given time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DrandRound {
    /// The network's name (`quicknet`, `mainnet`).
    pub chain: String,
    /// The network's chain hash, as hex.
    pub chain_hash: String,
    /// The time asked for, as `YYYY-MM-DDTHH:MM:SSZ`.
    pub after: String,
    /// The first round produced at or after that time.
    pub round: u64,
    /// When that round is produced, as `YYYY-MM-DDTHH:MM:SSZ`.
    pub time: String,
    /// When that round is produced, in Unix seconds.
    pub unix: u64,
}

/// Reads a UTC time as `YYYY-MM-DDTHH:MM:SSZ`; also accepts a space for `T`, no seconds and
/// no `Z` (what a date-time field of a form gives), always meaning UTC.
fn utc_time(text: &str) -> ApiResult<u64> {
    let mut t = text.trim().replacen(' ', "T", 1);
    if !t.ends_with('Z') && !t.ends_with('z') {
        t.push('Z');
    }
    t = t.to_ascii_uppercase();
    if t.len() == 17 {
        t.insert_str(16, ":00");
    }
    kleroterion::time::parse_utc(&t)
        .filter(|&u| kleroterion::time::format_unix(u) == t)
        .ok_or_else(|| {
            ApiError::new(
                "InvalidArgument",
                format!(
                    "time \"{text}\": give a UTC date and time as YYYY-MM-DDTHH:MM:SSZ, from 1970 on"
                ),
            )
        })
}

/// The first round of a drand network (`quicknet`, `mainnet` or a known chain hash in hex)
/// produced at or after a UTC time, with its production time: the round to commit to when
/// the commitment will be published at that time.
pub fn first_drand_round(chain: &str, utc: &str) -> ApiResult<String> {
    let wanted = chain.trim().to_ascii_lowercase();
    // Both names, without `join` (which would bring its own code into the wasm module).
    let [first, second] = DRAND_NETWORKS;
    let unknown = || {
        ApiError::new(
            "InvalidArgument",
            format!(
                "drand network \"{chain}\": use {first} or {second} or the chain hash of one of them"
            ),
        )
    };
    let (name, hash) = DRAND_NETWORKS
        .iter()
        .filter_map(|&n| kleroterion::beacon::chain_by_name(n).map(|h| (n, h)))
        .find(|(n, h)| *n == wanted || h.to_hex() == wanted)
        .ok_or_else(unknown)?;
    let after = utc_time(utc)?;
    let (round, unix) =
        kleroterion::beacon::first_round_at_or_after(&hash, after).ok_or_else(unknown)?;
    to_json(&DrandRound {
        chain: name.into(),
        chain_hash: hash.to_hex(),
        after: kleroterion::time::format_unix(after),
        round,
        time: kleroterion::time::format_unix(unix),
        unix,
    })
}

// ---- Low-level functions, for parity with the shared vectors ----

#[derive(Serialize)]
struct RecordEncoding {
    bytes: String,
    leaf: String,
}

#[derive(Serialize)]
struct ManifestEncoding {
    bytes: String,
    commitment: String,
    error: Option<String>,
    error_kind: Option<&'static str>,
}

#[derive(Serialize)]
struct Tree {
    root: String,
    leaves: Vec<String>,
    proofs: Vec<Vec<String>>,
}

#[derive(Serialize)]
struct SeedOf {
    reveal_bytes: String,
    seed: String,
    rfc3797_key: String,
}

#[derive(Serialize)]
struct Uniform {
    results: Vec<String>,
    words_consumed: u64,
}

/// Canonical bytes and leaf hash of a record: `{"bytes": hex, "leaf": hex}`.
pub fn record_encoding(record_json: &str) -> ApiResult<String> {
    let r: Record = parse("record", record_json)?;
    let bytes = to_hex(&r.canonical_bytes()?);
    let leaf = leaf_hash(&r)?.to_hex();
    to_json(&RecordEncoding { bytes, leaf })
}

/// Canonical bytes, commitment and validity of a manifest:
/// `{"bytes": hex, "commitment": hex, "error": text or null, "error_kind": text or null}`.
pub fn manifest_encoding(manifest_json: &str) -> ApiResult<String> {
    let m = Manifest::from_json(manifest_json)?;
    let bytes = to_hex(&m.canonical_bytes()?);
    let commitment = m.commitment()?.to_hex();
    let invalid = m.validate().err();
    to_json(&ManifestEncoding {
        bytes,
        commitment,
        error: invalid.as_ref().map(|e| e.to_string()),
        error_kind: invalid.as_ref().map(|e| e.kind().as_str()),
    })
}

/// The commitment of a manifest, as hex.
pub fn manifest_commitment(manifest_json: &str) -> ApiResult<String> {
    Ok(Manifest::from_json(manifest_json)?.commitment()?.to_hex())
}

/// RFC 3797's canonical form of a JSON list of lottery numbers (integers from 0 to 2^32 - 1).
pub fn lottery_canonical(numbers_json: &str) -> ApiResult<String> {
    let numbers: Vec<u32> = parse("numbers", numbers_json)?;
    Ok(kleroterion::reveal::canonical_numbers(&numbers))
}

/// Checks a text against SPEC.md section 3 as a `ticket`, a `name` or a `free` text; the
/// error explains what is wrong.
pub fn check_text(text: &str, kind: &str) -> ApiResult<()> {
    let kind = match kind {
        "ticket" => TextKind::Ticket,
        "name" => TextKind::Name,
        "free" => TextKind::Free,
        other => {
            return Err(ApiError::new(
                "InvalidArgument",
                format!("text kind \"{other}\": use ticket, name or free"),
            ));
        }
    };
    Ok(check(text, kind, || "text".into())?)
}

/// The Merkle tree of a JSON list of records: `{"root", "leaves": [hex], "proofs": [[hex]]}`.
pub fn merkle_tree(records_json: &str) -> ApiResult<String> {
    let records: Vec<Record> = parse("records", records_json)?;
    let tree = MerkleTree::from_records(&records)?;
    let root = tree.root().ok_or(kleroterion::Error::EmptyPool)?;
    let proofs: Vec<Vec<String>> = (0..tree.len())
        .map(|i| {
            tree.proof(i)
                .unwrap_or_default()
                .iter()
                .map(Digest::to_hex)
                .collect()
        })
        .collect();
    let leaves: Vec<String> = tree.leaves().iter().map(Digest::to_hex).collect();
    to_json(&Tree {
        root: root.to_hex(),
        leaves,
        proofs,
    })
}

/// Verifies an inclusion proof (a JSON list of hex hashes) for a leaf at `index` in a tree
/// of `count` leaves under `root`.
pub fn verify_inclusion(
    leaf_hex: &str,
    index: u32,
    count: u32,
    proof_json: &str,
    root_hex: &str,
) -> ApiResult<bool> {
    let proof: Vec<Digest> = parse("proof", proof_json)?;
    Ok(kleroterion::merkle::verify_inclusion(
        &digest(leaf_hex, "leaf")?,
        u64::from(index),
        u64::from(count),
        &proof,
        &digest(root_hex, "root")?,
    ))
}

/// The seed of a reveal under a commitment:
/// `{"reveal_bytes": hex, "seed": hex, "rfc3797_key": text}`.
pub fn reveal_seed(reveal_json: &str, commitment_hex: &str) -> ApiResult<String> {
    let reveal = Reveal::from_json(reveal_json)?;
    let commitment = digest(commitment_hex, "commitment")?;
    to_json(&SeedOf {
        reveal_bytes: to_hex(&reveal.canonical_bytes()?),
        seed: reveal.seed(&commitment)?.to_hex(),
        rfc3797_key: reveal.rfc3797_key(),
    })
}

/// The stream key `H("stream", raw32(seed) || str(purpose) || u32(index))`, as hex.
pub fn stream_key(seed_hex: &str, purpose: &str, index: u32) -> ApiResult<String> {
    Ok(core_stream_key(&digest(seed_hex, "seed")?, purpose, index).to_hex())
}

/// The first `count` 64-bit draws of the stream keyed by `key_hex`, as a JSON list of
/// decimal texts (JavaScript numbers cannot hold 64 bits).
pub fn stream_words(key_hex: &str, count: u32) -> ApiResult<String> {
    let mut s = Stream::from_key(&digest(key_hex, "key")?);
    let words: Vec<String> = (0..count).map(|_| s.next_u64().to_string()).collect();
    to_json(&words)
}

/// `calls` successive `uniform(n)` on the stream keyed by `key_hex` (`n` in decimal, 1 to
/// 2^64 - 1): `{"results": [decimal], "words_consumed": count}`.
pub fn uniform(key_hex: &str, n_decimal: &str, calls: u32) -> ApiResult<String> {
    let n: u64 = n_decimal.parse().ok().filter(|&n| n >= 1).ok_or_else(|| {
        ApiError::new(
            "InvalidArgument",
            format!("n = \"{n_decimal}\": give a decimal integer from 1 to 2^64 - 1"),
        )
    })?;
    let mut s = Stream::from_key(&digest(key_hex, "key")?);
    let results: Vec<String> = (0..calls)
        .map(|_| core_uniform(&mut s, n).to_string())
        .collect();
    to_json(&Uniform {
        results,
        words_consumed: s.draws_consumed(),
    })
}

/// `sample(n, k)` on a fresh stream keyed by `key_hex`: a JSON list of indices in draw order.
pub fn sample(key_hex: &str, n: u32, k: u32) -> ApiResult<String> {
    if k > n {
        return Err(ApiError::new(
            "InvalidArgument",
            format!("k = {k} is larger than n = {n}"),
        ));
    }
    let mut s = Stream::from_key(&digest(key_hex, "key")?);
    to_json(&core_sample(&mut s, n, k))
}

/// Draws from a manifest, a JSON list of pool records (or a pool file) and a reveal, and
/// returns the bundle as JSON. A failed draw is an error (`DrawFailed`...).
pub fn draw(manifest_json: &str, pool_json: &str, reveal_json: &str) -> ApiResult<String> {
    let manifest = Manifest::from_json(manifest_json)?;
    let records: Vec<Record> = match parse::<Vec<Record>>("pool", pool_json) {
        Ok(r) => r,
        Err(list_error) => match kleroterion::PoolFile::from_json(pool_json) {
            Ok(file) => file.records,
            Err(_) => return Err(list_error),
        },
    };
    let reveal = Reveal::from_json(reveal_json)?;
    let bundle = kleroterion::draw(&manifest, &records, &reveal)?;
    to_json(&bundle)
}

/// Replaces people who dropped out (a JSON list of tickets) in a verified bundle
/// (SPEC.md section 10.2); returns the replacement record as JSON.
pub fn replace(bundle_json: &str, dropped_json: &str) -> ApiResult<String> {
    let bundle = Bundle::from_json(bundle_json)?;
    let dropped: Vec<String> = parse("dropped", dropped_json)?;
    to_json(&kleroterion::replace(&bundle, &dropped)?)
}
