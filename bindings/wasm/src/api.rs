//! The bindings' logic in plain Rust: JSON text in, JSON text out.
//!
//! Every function here is what one export of the crate root does, without any JavaScript
//! type, so it runs and is tested natively as well as in wasm. The work itself is done by
//! the core crate; this module only parses, calls and serialises.

use kleroterion::chain::{self, Place, Response};
use kleroterion::digest::to_hex;
use kleroterion::merkle::{MerkleTree, leaf_hash};
use kleroterion::methods::lottery::selection_counts;
use kleroterion::methods::maxent::{self, BigUint, Count};
use kleroterion::model::ResolvedPool;
use kleroterion::sampling::sample as core_sample;
use kleroterion::sampling::uniform as core_uniform;
use kleroterion::seal::{Opening, OpeningsFile};
use kleroterion::stream::{Stream, stream_key as core_stream_key};
use kleroterion::text::{DISPLAY_LIMIT, TextKind, check, display};
use kleroterion::trace::TicketedPick;
use kleroterion::verify::{QuotaRow, QuotaTable, Summary};
use kleroterion::{
    Bundle, ChainReport, Digest, Feature, Manifest, Method, Published, PublishedLottery, Receipt,
    ReceiptCheck, ReceiptOutcome, Record, Replacement, Report, Reveal, Verdict,
};
use serde::Serialize;
use std::collections::BTreeMap;

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

/// One row of the response rates of a chain (SPEC.md section 5.3): the core's
/// [`Response`], with its rate as the core writes it (`"27.5%"`, or `"-"` when nobody was
/// invited). The total row has no feature and no value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResponseRow {
    /// The inherited feature, `null` for the total.
    pub feature: Option<String>,
    /// The value, `null` for the total.
    pub value: Option<String>,
    /// Invitees of the previous stage with this value.
    pub invited: u32,
    /// Records of this stage's pool linked to one of them.
    pub volunteered: u32,
    /// `volunteered / invited` in percent with one decimal ([`Response::rate`]).
    pub rate: String,
}

impl From<&Response> for ResponseRow {
    fn from(r: &Response) -> Self {
        Self {
            feature: r.feature.clone(),
            value: r.value.clone(),
            invited: r.invited,
            volunteered: r.volunteered,
            rate: r.rate(),
        }
    }
}

/// The report on a chain (SPEC.md section 12.5) as the bindings give it: the core's
/// [`ChainReport`], each response row with its rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainAnswer<'a> {
    /// `invalid` when either report failed; `valid_if` when either lists an item to compare by
    /// hand; `valid` otherwise.
    pub verdict: Verdict,
    /// True when no step of either report failed.
    pub valid: bool,
    /// The previous stage's report, made with its own published facts.
    pub previous: &'a Report,
    /// The stage's report, made with the previous stage given.
    pub report: &'a Report,
    /// The response rates, then the total; empty when a step failed.
    pub responses: Vec<ResponseRow>,
}

fn chain_json(c: &ChainReport) -> String {
    let answer = ChainAnswer {
        verdict: c.verdict,
        valid: c.valid,
        previous: &c.previous,
        report: &c.report,
        responses: c.responses.iter().map(ResponseRow::from).collect(),
    };
    // Reports and counts only: serialising them cannot fail.
    serde_json::to_string(&answer).unwrap_or_else(|e| {
        format!(
            r#"{{"verdict":"invalid","valid":false,"previous":null,"report":null,"responses":[],"error":"{e}"}}"#
        )
    })
}

/// A bundle of a chain: read, or the report of a text that is not a bundle (its `format`
/// step failed, whatever the published facts).
enum Stage<'a> {
    Read(&'a Bundle),
    Unreadable(Report),
}

/// The facts and replacement records given for one stage.
/// A stage's published facts and replacement records, as the page gives them.
struct Given {
    published: Published,
    replacements: Vec<Replacement>,
}

impl Given {
    /// Reads the published facts (JSON as [`published_facts`] makes them) and the replacement
    /// records (a JSON list; `None`, empty or `null` for none) of the stage (`previous` false)
    /// or of its previous stage.
    fn read(
        published_json: &str,
        replacements_json: Option<&str>,
        previous: bool,
    ) -> ApiResult<Self> {
        let whose = if previous {
            "the previous stage's "
        } else {
            ""
        };
        Ok(Self {
            published: parse(&format!("{whose}published facts"), published_json)?,
            replacements: replacements_of(
                &format!("{whose}replacement records"),
                replacements_json,
            )?,
        })
    }
}

/// Verifies a chain (SPEC.md section 12.5). When either text is not a bundle, each report
/// says what it can, on its own (the stage's with no previous stage given), and the chain is
/// `invalid` with no response rates.
fn chain_of(stage: Stage<'_>, given: &Given, previous: Stage<'_>, before: &Given) -> String {
    let alone = |s: Stage<'_>, g: &Given| match s {
        Stage::Read(b) => kleroterion::verify_with(b, &g.published, &g.replacements),
        Stage::Unreadable(report) => report,
    };
    match (&stage, &previous) {
        (Stage::Read(b), Stage::Read(p)) => chain_json(&kleroterion::verify_chain(
            b,
            &given.published,
            &given.replacements,
            p,
            &before.published,
            &before.replacements,
        )),
        _ => chain_json(&ChainReport {
            verdict: Verdict::Invalid,
            valid: false,
            previous: alone(previous, before),
            report: alone(stage, given),
            responses: Vec::new(),
        }),
    }
}

/// Replacement records given as a JSON list; an empty text or `null` is none.
fn replacements_of(what: &str, json: Option<&str>) -> ApiResult<Vec<Replacement>> {
    match json.map(str::trim) {
        None | Some("") | Some("null") => Ok(Vec::new()),
        Some(text) => parse(what, text),
    }
}

/// A text read as a bundle of a chain.
fn stage_of<'a>(bundle: &'a Result<Bundle, kleroterion::Error>, text: &str) -> Stage<'a> {
    match bundle {
        Ok(b) => Stage::Read(b),
        Err(_) => Stage::Unreadable(kleroterion::verify_json(text, &Published::default(), &[])),
    }
}

/// Verifies a stage together with the previous stage its manifest names (SPEC.md section
/// 12.5): the previous stage first, against its own published facts, then the stage, so that
/// its `parent`, `links` and `inherited` steps check the chain. Returns [`ChainAnswer`] as
/// JSON: `{verdict, valid, previous, report, responses: [{feature, value, invited,
/// volunteered, rate}]}` (the two reports as [`verify`] gives them).
///
/// The published facts are JSON as [`published_facts`] makes them; replacement records are
/// JSON lists (`None`, empty or `null` for none). Fails only when those cannot be read (`Json`);
/// a text that is not a bundle gives a report whose `format` step failed and an `invalid`
/// chain.
pub fn verify_chain(
    bundle_json: &str,
    previous_json: &str,
    published_json: &str,
    previous_published_json: &str,
    replacements_json: Option<&str>,
    previous_replacements_json: Option<&str>,
) -> ApiResult<String> {
    let given = Given::read(published_json, replacements_json, false)?;
    let before = Given::read(previous_published_json, previous_replacements_json, true)?;
    let bundle = Bundle::from_json(bundle_json);
    let previous = Bundle::from_json(previous_json);
    Ok(chain_of(
        stage_of(&bundle, bundle_json),
        &given,
        stage_of(&previous, previous_json),
        &before,
    ))
}

/// A person's path through a chain, from their receipts (SPEC.md section 13, "Receipts
/// across stages"), as the page shows it; every text escaped for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathAnswer {
    /// True when every receipt given matches its stage and, both given, they are one
    /// person's.
    pub matches: bool,
    /// The person's ticket in the previous stage: the previous receipt's, or the link of this
    /// stage's record.
    pub link: Option<String>,
    /// Where the person stands among the previous stage's invitees (`{"place": "selected",
    /// "number": n}` or `{"place": "alternate", "number": n}`); null: not invited.
    pub invited: Option<Place>,
    /// The ticket of this stage's record that links to the person: they answered. Null when
    /// no record of this stage links to them.
    pub answered: Option<String>,
    /// The previous stage's receipt checked, when given (as [`check_receipt`] answers).
    pub previous: Option<ReceiptAnswer>,
    /// This stage's receipt checked, when given.
    pub current: Option<ReceiptAnswer>,
    /// Why the receipts do not match.
    pub error: Option<String>,
    /// The protocol name of the mismatch (`ReceiptMismatch`, `Json`, `InvalidArgument`).
    pub error_kind: Option<String>,
}

impl PathAnswer {
    fn mismatch(e: &ApiError) -> Self {
        Self {
            matches: false,
            link: None,
            invited: None,
            answered: None,
            previous: None,
            current: None,
            error: Some(e.message.clone()),
            error_kind: Some(e.kind.clone()),
        }
    }
}

/// A receipt given as an optional text: `None`, empty or `null` is none.
fn optional_receipt(json: Option<&str>) -> ApiResult<Option<Receipt>> {
    match json.map(str::trim) {
        None | Some("") | Some("null") => Ok(None),
        Some(text) => Ok(Some(Receipt::from_json(text)?)),
    }
}

/// The path check against two bundles already read (or the errors of reading them).
fn path_answer(
    previous_receipt_json: Option<&str>,
    receipt_json: Option<&str>,
    previous: Result<&Bundle, &ApiError>,
    bundle: Result<&Bundle, &ApiError>,
) -> String {
    let answer = (|| -> ApiResult<PathAnswer> {
        let earlier = optional_receipt(previous_receipt_json)?;
        let later = optional_receipt(receipt_json)?;
        let previous = previous.map_err(Clone::clone)?;
        let bundle = bundle.map_err(Clone::clone)?;
        let path = chain::check_path(earlier.as_ref(), later.as_ref(), previous, bundle)?;
        let link = match (&earlier, &later) {
            (_, Some(r)) => r.record.link.clone(),
            (Some(r), None) => Some(r.record.ticket.clone()),
            (None, None) => None,
        };
        let answer_of = |r: &Option<Receipt>, c: Option<ReceiptCheck>| match (r.as_ref(), c) {
            (Some(r), Some(c)) => Some(ReceiptAnswer::matching(r, c)),
            _ => None,
        };
        Ok(PathAnswer {
            matches: true,
            link: link.as_deref().map(shown),
            invited: path.invited,
            answered: path.answered.as_deref().map(shown),
            previous: answer_of(&earlier, path.previous),
            current: answer_of(&later, path.current),
            error: None,
            error_kind: None,
        })
    })()
    .unwrap_or_else(|e| PathAnswer::mismatch(&e));
    to_json(&answer).unwrap_or_else(|e| format!(r#"{{"matches":false,"error":"{e}"}}"#))
}

/// Checks one person's receipts along a chain (SPEC.md section 13): the previous stage's
/// receipt (on the roll, invited, answered), this stage's (linked to an invitee, then its
/// outcome), or both, which must then be one person's. Returns a [`PathAnswer`] as JSON.
/// Never fails: a receipt that does not match, or a text that is not a bundle, gives a
/// non-matching answer (`ReceiptMismatch`, `Json`; `InvalidArgument` when no receipt is
/// given).
pub fn check_path(
    previous_receipt_json: Option<&str>,
    receipt_json: Option<&str>,
    previous_json: &str,
    bundle_json: &str,
) -> String {
    let previous = Bundle::from_json(previous_json).map_err(ApiError::from);
    let bundle = Bundle::from_json(bundle_json).map_err(ApiError::from);
    path_answer(
        previous_receipt_json,
        receipt_json,
        previous.as_ref(),
        bundle.as_ref(),
    )
}

/// The previous stage a bundle's manifest names (SPEC.md section 5.3), as a page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParentView {
    /// The previous stage's commitment, in hex.
    pub commitment: String,
    /// The same in 16 groups of 4 hex digits.
    pub commitment_grouped: String,
    /// The hash of the previous stage's invitees, in hex.
    pub invitees: String,
    /// The features inherited from the previous stage's records, escaped for display.
    pub inherited: Vec<String>,
}

impl ParentView {
    /// The parent of a bundle's manifest, if it names one.
    pub fn of(bundle: &Bundle) -> Option<Self> {
        bundle.manifest.parent.as_ref().map(|p| Self {
            commitment: p.commitment.to_hex(),
            commitment_grouped: kleroterion::published::grouped(&p.commitment),
            invitees: p.invitees.to_hex(),
            inherited: p.inherited.iter().map(|n| shown(n)).collect(),
        })
    }
}

/// The previous stage a bundle names: a [`ParentView`] as JSON, or `null` when its manifest
/// names none.
pub fn parent(bundle_json: &str) -> ApiResult<String> {
    to_json(&ParentView::of(&Bundle::from_json(bundle_json)?))
}

/// The answer of a receipt check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceiptAnswer {
    /// True when the receipt is for this draw and its proof leads to the committed root.
    pub matches: bool,
    /// The ticket (when it matches), escaped for display.
    pub ticket: Option<String>,
    /// The person's features as `[feature, value]` pairs (when it matches), escaped for
    /// display: in a sealed pool, the values of the receipt's opening.
    pub features: Vec<(String, String)>,
    /// True when the person's record is sealed (SPEC.md section 4.1): the published pool shows
    /// only a seal of their values, and the receipt's opening, checked against that seal,
    /// gives them.
    pub sealed: bool,
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
    /// The answer for a receipt that matched, with what the check found.
    fn matching(receipt: &Receipt, c: ReceiptCheck) -> Self {
        Self {
            matches: true,
            ticket: Some(shown(&c.ticket)),
            features: c
                .features
                .iter()
                .map(|(f, v)| (shown(f), shown(v)))
                .collect(),
            sealed: receipt.record.seal.is_some(),
            outcome: Some(c.outcome),
            proof_length: receipt.proof.len(),
            error: None,
            error_kind: None,
        }
    }

    fn mismatch(e: &ApiError) -> Self {
        Self {
            matches: false,
            ticket: None,
            features: Vec::new(),
            sealed: false,
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
    let bundle = Bundle::from_json(bundle_json).map_err(ApiError::from);
    receipt_answer(receipt_json, bundle.as_ref())
}

/// The receipt check against a bundle already read (or the error of reading it).
fn receipt_answer(receipt_json: &str, bundle: Result<&Bundle, &ApiError>) -> String {
    let answer = (|| -> ApiResult<ReceiptAnswer> {
        let receipt = Receipt::from_json(receipt_json)?;
        let c = kleroterion::check_receipt(&receipt, bundle.map_err(Clone::clone)?)?;
        Ok(ReceiptAnswer::matching(&receipt, c))
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
    probabilities_of(&Bundle::from_json(bundle_json)?)
}

fn probabilities_of(bundle: &Bundle) -> ApiResult<String> {
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

/// One person's exact chance of selection under a `maxent` draw: `numerator / total`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chance {
    /// The ticket, escaped for display.
    pub ticket: String,
    /// The weighted number of compliant panels that hold the person, in decimal.
    pub numerator: String,
    /// `numerator / total` as a floating-point number, for display.
    pub probability: f64,
}

/// Why a `maxent` draw's chances cannot be computed exactly from its count: a drawn panel
/// can be rejected, and rejection conditions the distribution (SPEC.md section 9.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotExact {
    /// The features with quotas that some panel of `k` could break and that the count does not
    /// count, in the manifest's order, escaped for display.
    pub uncounted: Vec<String>,
    /// Under the household rule, the tickets of two records that share a household (the
    /// first such pair in pool order), escaped for display; `null` when none do or the rule is
    /// off.
    pub shared_household: Option<(String, String)>,
}

/// Everyone's exact chance of selection under a `maxent` draw, recomputed from the committed
/// count (SPEC.md section 9.6, "Selection probabilities"): not a claim of the bundle.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MaxentChances {
    /// True when no panel can be rejected, so that the chances below are exact.
    pub exact: bool,
    /// `k`, the panel size.
    pub panel_size: u32,
    /// `n`, the number of records in the pool.
    pub pool_size: u32,
    /// True when the manifest commits to weights (the weighted form).
    pub weighted: bool,
    /// `Z`, the weighted number of compliant panels, in decimal; `null` when not exact.
    pub total: Option<String>,
    /// Each record's chance, in pool order; empty when not exact.
    pub chances: Vec<Chance>,
    /// The lowest chance (the first record in pool order that has it); `null` when not exact.
    pub lowest: Option<Chance>,
    /// The highest chance (the first record in pool order that has it); `null` when not exact.
    pub highest: Option<Chance>,
    /// Why the chances are not exact; `null` when they are.
    pub not_exact: Option<NotExact>,
}

/// For a `maxent` bundle, each record's exact chance of selection when no panel can be
/// rejected, recomputed from the committed count, or why it cannot be (SPEC.md section 9.6).
/// Fails with `NotMaxent` for another method. It does not verify the bundle.
pub fn maxent_chances(bundle_json: &str) -> ApiResult<String> {
    to_json(&chances_of(&Bundle::from_json(bundle_json)?)?)
}

fn chances_of(bundle: &Bundle) -> ApiResult<MaxentChances> {
    let m = &bundle.manifest;
    let (counted, weights) = maxent_params(bundle)?;
    let pool = ResolvedPool::new(&m.features, &bundle.pool)?;
    let pool_size = u32::try_from(pool.len())
        .map_err(|_| ApiError::new("TooLarge", "more than 2^32 records"))?;
    let mut out = MaxentChances {
        exact: false,
        panel_size: m.panel_size,
        pool_size,
        weighted: !weights.is_empty(),
        total: None,
        chances: Vec::new(),
        lowest: None,
        highest: None,
        not_exact: None,
    };
    let rejection = maxent::Rejection::of(m, &pool, counted);
    if rejection.possible() {
        out.not_exact = Some(not_exact(bundle, rejection));
        return Ok(out);
    }
    let count = Count::new(m, &pool, counted, weights)?;
    let Some((numerators, total)) = maxent::exact_probabilities(m, &pool, &count, counted) else {
        out.not_exact = Some(not_exact(bundle, rejection));
        return Ok(out);
    };
    if total == BigUint::default() {
        return Err(kleroterion::Error::DrawFailed {
            detail: format!(
                "no panel of {} meets the quotas of the counted features in this pool",
                m.panel_size
            ),
        }
        .into());
    }
    out.chances = bundle
        .pool
        .iter()
        .zip(&numerators)
        .map(|(r, n)| Chance {
            ticket: shown(&r.ticket),
            numerator: n.to_string(),
            probability: maxent::probability(n, &total),
        })
        .collect();
    out.lowest = first_of(&numerators, |a, b| a < b).and_then(|i| out.chances.get(i).cloned());
    out.highest = first_of(&numerators, |a, b| a > b).and_then(|i| out.chances.get(i).cloned());
    out.total = Some(total.to_string());
    out.exact = true;
    Ok(out)
}

/// The counted features and the weights of a `maxent` bundle's method; `NotMaxent` for another
/// method, `InvalidMethod` for a sealed manifest or weights that are not one per record.
fn maxent_params(bundle: &Bundle) -> ApiResult<(&[String], &[u32])> {
    let m = &bundle.manifest;
    let Some(maxent::Params {
        counted, weights, ..
    }) = m.method.maxent_params()
    else {
        return Err(ApiError::new(
            "NotMaxent",
            format!(
                "the {} method has no maxent count: exact chances are shown for the maxent method only",
                m.method.name()
            ),
        ));
    };
    let invalid = |detail: String| Err(kleroterion::Error::InvalidMethod { detail }.into());
    if m.sealed {
        return invalid("a maxent manifest cannot seal the features".into());
    }
    if !weights.is_empty() && weights.len() != bundle.pool.len() {
        return invalid(format!(
            "the maxent method gives {} weights for {} records",
            weights.len(),
            bundle.pool.len()
        ));
    }
    Ok((counted, weights))
}

/// The index of the first of `values` that no other is `better` than.
fn first_of(values: &[BigUint], better: fn(&BigUint, &BigUint) -> bool) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, v) in values.iter().enumerate() {
        if best
            .and_then(|b| values.get(b))
            .is_none_or(|b| better(v, b))
        {
            best = Some(i);
        }
    }
    best
}

/// What makes a rejection possible in a `maxent` draw, with tickets as the page shows them.
fn not_exact(bundle: &Bundle, rejection: maxent::Rejection) -> NotExact {
    let ticket = |i: u32| {
        bundle
            .pool
            .get(i as usize)
            .map_or_else(String::new, |r| shown(&r.ticket))
    };
    NotExact {
        uncounted: rejection.uncounted.iter().map(|f| shown(f)).collect(),
        shared_household: rejection
            .shared_household
            .map(|(a, b)| (ticket(a), ticket(b))),
    }
}

/// The published panel against the quotas, as the page shows it: for an open pool exactly the
/// core's [`QuotaTable`]; for a sealed pool (SPEC.md section 4.1) the panel counted from the
/// bundle's openings (each checked against its record's seal) and no pool counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuotaView {
    /// The method's name.
    pub method: String,
    /// True when the method enforces the quotas (greedy, lottery).
    pub enforced: bool,
    /// True for a sealed pool; absent for an open one, so that its table is the core's.
    #[serde(skip_serializing_if = "is_false")]
    pub sealed: bool,
    /// One row per feature value, in declared order (`pool` is `null` in a sealed pool).
    pub rows: Vec<QuotaRow>,
    /// Published panel tickets that are not in the pool (not counted), escaped for display.
    pub unknown_tickets: Vec<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl QuotaView {
    /// The view of a bundle's panel against its quotas.
    pub fn of(bundle: &Bundle) -> Self {
        let sealed = bundle.manifest.sealed;
        // In a sealed pool the core counts the panel from the openings that open their
        // records, and leaves out the pool's counts, which nobody but the organiser knows.
        let table = QuotaTable::of(bundle);
        Self {
            method: table.method,
            enforced: table.enforced,
            sealed,
            rows: table.rows,
            unknown_tickets: table.unknown_tickets,
        }
    }
}

/// For each ticket asked for, the pool index of its first record (none when the pool does
/// not hold it), found in one pass over the pool.
fn first_records<'a>(
    pool: &[Record],
    tickets: impl Iterator<Item = &'a String>,
) -> BTreeMap<&'a str, Option<usize>> {
    let mut found: BTreeMap<&str, Option<usize>> = tickets.map(|t| (t.as_str(), None)).collect();
    for (i, r) in pool.iter().enumerate() {
        if let Some(slot @ None) = found.get_mut(r.ticket.as_str()) {
            *slot = Some(i);
        }
    }
    found
}

/// The values of a record as a page may show them: an open record's, or a sealed record's as
/// the first opening of its ticket gives them when that opening opens it (SPEC.md section
/// 4.1); `None` for a sealed record that no opening given opens.
fn opened_values(
    features: &[Feature],
    record: &Record,
    openings: &[Opening],
) -> Option<Vec<String>> {
    match record.seal {
        None => Some(record.values.clone()),
        Some(_) => openings
            .iter()
            .find(|o| o.ticket == record.ticket)
            .filter(|o| o.resolve(features, record).is_ok())
            .map(|o| o.values.clone()),
    }
}

/// The published panel counted against every quota: a [`QuotaView`] as JSON (for an open
/// pool, the core's [`QuotaTable`]).
pub fn quota_table(bundle_json: &str) -> ApiResult<String> {
    to_json(&QuotaView::of(&Bundle::from_json(bundle_json)?))
}

/// One person of the published panel or alternates, with their values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// The ticket, escaped for display.
    pub ticket: String,
    /// One value per feature, escaped for display: an open record's, or in a sealed pool the
    /// values of the bundle's opening of the record (checked against its seal); `null` when
    /// the pool does not hold the ticket, or a sealed record is not opened by the bundle.
    pub values: Option<Vec<String>>,
}

/// The published panel and alternates, in order, with their values: what the page lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Members {
    /// True when the pool is sealed (SPEC.md section 4.1): only the people listed here have
    /// known values, given by the bundle's openings; everyone else's stay sealed.
    pub sealed: bool,
    /// The feature names, in order, escaped for display.
    pub features: Vec<String>,
    /// The panel, in draw order.
    pub selected: Vec<Member>,
    /// The alternates, in order.
    pub alternates: Vec<Member>,
    /// For a `maxent` draw, how many panels the bundle says were drawn and rejected before the
    /// panel (SPEC.md section 9.6); absent for the other methods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejections: Option<u32>,
}

impl Members {
    /// The panel and alternates of a bundle, with their values.
    pub fn of(bundle: &Bundle) -> Self {
        let r = &bundle.result;
        let found = first_records(&bundle.pool, r.selected.iter().chain(&r.alternates));
        let features = &bundle.manifest.features;
        let member = |t: &String| Member {
            ticket: shown(t),
            values: found
                .get(t.as_str())
                .copied()
                .flatten()
                .and_then(|i| opened_values(features, &bundle.pool[i], &bundle.openings))
                .map(|vs| vs.iter().map(|v| shown(v)).collect()),
        };
        Self {
            sealed: bundle.manifest.sealed,
            features: features.iter().map(|f| shown(&f.name)).collect(),
            selected: r.selected.iter().map(member).collect(),
            alternates: r.alternates.iter().map(member).collect(),
            rejections: r.rejections,
        }
    }
}

/// The published panel and alternates, in order, with their values: [`Members`] as JSON.
pub fn members(bundle_json: &str) -> ApiResult<String> {
    to_json(&Members::of(&Bundle::from_json(bundle_json)?))
}

/// A short description of a bundle for display (does not verify anything): the core's
/// [`Summary`] as JSON.
pub fn summary(bundle_json: &str) -> ApiResult<String> {
    to_json(&Summary::of(&Bundle::from_json(bundle_json)?))
}

/// A bundle read once, for a page that shows several views of a large draw (the Montpellier
/// invitations: 321,215 records, about 22 MB): each view reuses the parsed bundle instead of
/// reading the text again.
#[derive(Debug)]
pub struct ParsedBundle {
    /// The bundle, or why the text is not one: the error and the report that says so (the
    /// report of a text that is not a bundle does not depend on the published facts).
    bundle: Result<Bundle, (ApiError, Report)>,
}

/// Where a ticket code is in a draw, without a receipt: `{ticket, in_pool, outcome}` (outcome
/// as in a receipt check, null when the ticket is not in the pool).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TicketAnswer {
    /// The ticket as found in the pool (or as searched), escaped for display.
    pub ticket: String,
    /// Whether the pool holds this ticket.
    pub in_pool: bool,
    /// Selected at a position, alternate number, or not selected.
    pub outcome: Option<ReceiptOutcome>,
    /// True when the ticket's record is sealed (SPEC.md section 4.1).
    pub sealed: bool,
    /// The person's features as `[feature, value]` pairs, escaped for display: an open
    /// record's, or a sealed record's as the bundle opens it (the panel and the alternates);
    /// empty when the record is sealed and not opened, or the ticket is not in the pool.
    pub features: Vec<(String, String)>,
}

/// The draw pick by pick, as [`ParsedBundle::picks`] gives it.
#[derive(Debug, Serialize)]
struct PicksView {
    seed: String,
    picks: Vec<TicketedPick>,
}

impl ParsedBundle {
    /// Reads a bundle's text; never fails (a text that is not a bundle gives the report whose
    /// `format` step failed, and an error for every view).
    pub fn new(bundle_json: &str) -> Self {
        let bundle = Bundle::from_json(bundle_json).map_err(|e| {
            let report = kleroterion::verify_json(bundle_json, &Published::default(), &[]);
            (ApiError::from(e), report)
        });
        Self { bundle }
    }

    /// Reads a bundle from its file's bytes as a browser reads a text file: a leading UTF-8
    /// byte-order mark is dropped and bytes that are not UTF-8 read as U+FFFD. It spares the
    /// page a decoding to a JavaScript string and an encoding back.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match std::str::from_utf8(bytes) {
            Ok(text) => Self::new(text),
            Err(_) => Self::new(&String::from_utf8_lossy(bytes)),
        }
    }

    /// The bundle, or the report of its text when it is not one.
    fn stage(&self) -> Stage<'_> {
        match &self.bundle {
            Ok(b) => Stage::Read(b),
            Err((_, report)) => Stage::Unreadable(report.clone()),
        }
    }

    fn bundle(&self) -> ApiResult<&Bundle> {
        self.bundle.as_ref().map_err(|(e, _)| e.clone())
    }

    /// True when the text was read as a bundle.
    pub fn readable(&self) -> bool {
        self.bundle.is_ok()
    }

    /// [`verify_with`] on the parsed bundle.
    pub fn verify_with(&self, published_json: &str, replacements_json: &str) -> ApiResult<String> {
        let published: Published = parse("published facts", published_json)?;
        let replacements: Vec<Replacement> = parse("replacement records", replacements_json)?;
        Ok(match &self.bundle {
            Ok(b) => report_json(&kleroterion::verify_with(b, &published, &replacements)),
            Err((_, report)) => report_json(report),
        })
    }

    /// [`verify_chain`] of this parsed bundle, a stage, with `previous`, the previous stage
    /// its manifest names, also parsed.
    pub fn verify_chain(
        &self,
        previous: &ParsedBundle,
        published_json: &str,
        previous_published_json: &str,
        replacements_json: Option<&str>,
        previous_replacements_json: Option<&str>,
    ) -> ApiResult<String> {
        let given = Given::read(published_json, replacements_json, false)?;
        let before = Given::read(previous_published_json, previous_replacements_json, true)?;
        Ok(chain_of(self.stage(), &given, previous.stage(), &before))
    }

    /// [`check_path`] with this parsed bundle as the stage and `previous` as its previous
    /// stage.
    pub fn check_path(
        &self,
        previous: &ParsedBundle,
        previous_receipt_json: Option<&str>,
        receipt_json: Option<&str>,
    ) -> String {
        path_answer(
            previous_receipt_json,
            receipt_json,
            previous.bundle.as_ref().map_err(|(e, _)| e),
            self.bundle.as_ref().map_err(|(e, _)| e),
        )
    }

    /// [`parent`] of the parsed bundle.
    pub fn parent(&self) -> ApiResult<String> {
        to_json(&ParentView::of(self.bundle()?))
    }

    /// [`summary`] of the parsed bundle.
    pub fn summary(&self) -> ApiResult<String> {
        to_json(&Summary::of(self.bundle()?))
    }

    /// [`quota_table`] of the parsed bundle.
    pub fn quota_table(&self) -> ApiResult<String> {
        to_json(&QuotaView::of(self.bundle()?))
    }

    /// [`members`] of the parsed bundle.
    pub fn members(&self) -> ApiResult<String> {
        to_json(&Members::of(self.bundle()?))
    }

    /// [`selection_probabilities`] of the parsed bundle.
    pub fn selection_probabilities(&self) -> ApiResult<String> {
        probabilities_of(self.bundle()?)
    }

    /// [`maxent_chances`] of the parsed bundle.
    pub fn maxent_chances(&self) -> ApiResult<String> {
        to_json(&chances_of(self.bundle()?)?)
    }

    /// The draw pick by pick (SPEC.md section 10.3), for a printed record: `{seed, picks}`, each
    /// pick with the ticket it designates (a person's; null for a panel of a portfolio and for
    /// a draw of a `maxent` attempt's number).
    /// Show it only for a bundle that verifies: it draws again without verifying.
    pub fn picks(&self) -> ApiResult<String> {
        let b = self.bundle()?;
        let mut picks = kleroterion::trace::trace_bundle(b)?.ticketed(&b.pool);
        for p in &mut picks {
            p.ticket = p.ticket.as_deref().map(shown);
        }
        to_json(&PicksView {
            seed: b.seed.to_hex(),
            picks,
        })
    }

    /// [`check_receipt`] against the parsed bundle.
    pub fn check_receipt(&self, receipt_json: &str) -> String {
        receipt_answer(receipt_json, self.bundle.as_ref().map_err(|(e, _)| e))
    }

    /// Where a ticket is in the draw: spaces around it are ignored, and letters of another
    /// case match when no ticket matches exactly (a code typed from paper).
    pub fn find_ticket(&self, ticket: &str) -> ApiResult<String> {
        let b = self.bundle()?;
        let wanted = ticket.trim();
        let record = b.pool.iter().find(|r| r.ticket == wanted).or_else(|| {
            b.pool
                .iter()
                .find(|r| r.ticket.eq_ignore_ascii_case(wanted))
        });
        let found = record.map(|r| r.ticket.as_str());
        let features = record
            .and_then(|r| opened_values(&b.manifest.features, r, &b.openings))
            .map(|values| {
                b.manifest
                    .features
                    .iter()
                    .zip(&values)
                    .map(|(f, v)| (shown(&f.name), shown(v)))
                    .collect()
            })
            .unwrap_or_default();
        let outcome = found.map(|t| {
            let r = &b.result;
            if let Some(p) = r.selected.iter().position(|s| s == t) {
                ReceiptOutcome::Selected {
                    position: position(p),
                }
            } else if let Some(p) = r.alternates.iter().position(|s| s == t) {
                ReceiptOutcome::Alternate {
                    number: position(p),
                }
            } else {
                ReceiptOutcome::NotSelected
            }
        });
        to_json(&TicketAnswer {
            ticket: shown(found.unwrap_or(wanted)),
            in_pool: found.is_some(),
            outcome,
            sealed: record.is_some_and(|r| r.seal.is_some()),
            features,
        })
    }
}

/// A 1-based position (a panel or an alternates list holds far fewer than 2^32 people).
fn position(index: usize) -> u32 {
    u32::try_from(index).map_or(u32::MAX, |i| i.saturating_add(1))
}

/// What a text dropped or pasted on the page is, by its `format` field: `bundle`, `receipt` or
/// `replacement`; `ticket` for a bare ticket code (one line a ticket may be, not JSON);
/// `unknown` otherwise.
pub fn file_kind(text: &str) -> String {
    #[derive(serde::Deserialize)]
    struct Head {
        format: String,
    }
    let trimmed = text.trim();
    let kind = match serde_json::from_str::<Head>(trimmed) {
        Ok(h) if h.format == kleroterion::draw::BUNDLE_FORMAT => "bundle",
        Ok(h) if h.format == kleroterion::receipt::RECEIPT_FORMAT => "receipt",
        Ok(h) if h.format == kleroterion::replace::REPLACEMENT_FORMAT => "replacement",
        Ok(_) => "unknown",
        Err(_)
            if !trimmed.starts_with(['{', '[', '"'])
                && !trimmed.contains(char::is_whitespace)
                && check(trimmed, TextKind::Ticket, String::new).is_ok() =>
        {
            "ticket"
        }
        Err(_) => "unknown",
    };
    kind.into()
}

/// The SHA-256 of some bytes, in lowercase hex: a loaded file's, to compare with the one the
/// organiser published, or the page's own wasm file's.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    to_hex(&sha2::Sha256::digest(bytes))
}

/// The first round of a drand network (`quicknet`, `mainnet` or the chain hash of one of them)
/// produced at or after a UTC time (`2026-12-01T12:00:00Z`, or as a form's field gives it,
/// `2026-12-01 12:00`), with its production time: the core's `beacon::plan_round`, its
/// `DrandRound` as JSON (`{network, chain, after, round, time, unix}`).
pub fn first_drand_round(chain: &str, utc: &str) -> ApiResult<String> {
    to_json(&kleroterion::beacon::plan_round(chain, utc)?)
}

/// One pick of the RFC 3797 procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rfc3797Pick {
    /// `MD5(u16(i) || key || u16(i))`, in lowercase hex.
    pub md5: String,
    /// How many entries remained before this pick.
    pub remaining: u32,
    /// The 0-based index picked.
    pub index: u32,
}

/// The RFC 3797 procedure run on its own, as the command line's `rfc3797` and Python's
/// `rfc3797` run it (the core's `key_of_sources` and `picks_detailed`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rfc3797 {
    /// The key: each source's numbers in canonical form, followed by `/`.
    pub key: String,
    /// The picks, in order.
    pub picks: Vec<Rfc3797Pick>,
}

/// RFC 3797 with sources given as a JSON list of texts of numbers (`["9319", "2 5 12 8
/// 10"]`): `count` picks among `n` entries (capped at `n`; more than 65,536 throws
/// `TooManyPicks`); returns `{key, picks: [{md5, remaining, index}]}` as JSON.
pub fn rfc3797(sources_json: &str, n: u32, count: u32) -> ApiResult<String> {
    let sources: Vec<String> = parse("sources", sources_json)?;
    let key = kleroterion::methods::rfc3797::key_of_sources(&sources)?;
    let picks = kleroterion::methods::rfc3797::picks_detailed(&key, n, count)?
        .iter()
        .map(|p| Rfc3797Pick {
            md5: to_hex(&p.md5),
            remaining: p.remaining,
            index: p.index,
        })
        .collect();
    to_json(&Rfc3797 { key, picks })
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
    let kind: TextKind = kind.parse()?;
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

/// A pool given as a JSON list of records or as a pool file (`{"spec", "records"}`).
fn records_of(pool_json: &str) -> ApiResult<Vec<Record>> {
    match parse::<Vec<Record>>("pool", pool_json) {
        Ok(r) => Ok(r),
        Err(list_error) => match kleroterion::PoolFile::from_json(pool_json) {
            Ok(file) => Ok(file.records),
            Err(_) => Err(list_error),
        },
    }
}

/// Openings given as a JSON list (`[{"ticket", "values", "salt"}, ...]`) or as the organiser's
/// openings file (`{"spec": "kleroterion/v2", "openings": [...]}`, SPEC.md section 17).
fn openings_of(openings_json: &str) -> ApiResult<Vec<Opening>> {
    match parse::<Vec<Opening>>("openings", openings_json) {
        Ok(list) => Ok(list),
        Err(list_error) => match OpeningsFile::from_json(openings_json) {
            Ok(file) if file.spec != kleroterion::SPEC_VERSION => {
                Err(kleroterion::Error::UnsupportedSpec { found: file.spec }.into())
            }
            Ok(file) => Ok(file.openings),
            Err(_) => Err(list_error),
        },
    }
}

/// Draws from a manifest, a JSON list of pool records (or a pool file) and a reveal, and
/// returns the bundle as JSON. A failed draw is an error (`DrawFailed`...). A manifest that
/// seals the features is refused (`OpeningMismatch`): its bundle must open the panel and the
/// alternates, so use [`draw_sealed`].
pub fn draw(manifest_json: &str, pool_json: &str, reveal_json: &str) -> ApiResult<String> {
    let manifest = Manifest::from_json(manifest_json)?;
    let records = records_of(pool_json)?;
    let reveal = Reveal::from_json(reveal_json)?;
    let bundle = manifest.commit(records)?.draw(&reveal)?;
    to_json(&bundle)
}

/// [`draw`] for a manifest that seals the features (SPEC.md section 4.1), with every record's
/// opening in pool order (a JSON list, or the organiser's openings file): each must open its
/// record, and the bundle then opens the panel and the alternates. Fails with
/// `OpeningMismatch` for an open manifest or openings that do not fit the pool.
pub fn draw_sealed(
    manifest_json: &str,
    pool_json: &str,
    reveal_json: &str,
    openings_json: &str,
) -> ApiResult<String> {
    let manifest = Manifest::from_json(manifest_json)?;
    let records = records_of(pool_json)?;
    let reveal = Reveal::from_json(reveal_json)?;
    let openings = openings_of(openings_json)?;
    let bundle = manifest
        .commit(records)?
        .with_openings(openings)?
        .draw(&reveal)?;
    to_json(&bundle)
}

/// Replaces people who dropped out (a JSON list of tickets) in a verified bundle
/// (SPEC.md section 10.2); returns the replacement record as JSON. In a sealed pool the rule
/// may read values the bundle does not open (`OpeningMismatch`): use [`replace_sealed`].
pub fn replace(bundle_json: &str, dropped_json: &str) -> ApiResult<String> {
    let bundle = Bundle::from_json(bundle_json)?;
    let dropped: Vec<String> = parse("dropped", dropped_json)?;
    to_json(&kleroterion::replace(&bundle, &dropped)?)
}

/// [`replace`] in a sealed pool, with the openings the organiser holds (a JSON list, or the
/// openings file: every record's, or at least those the rule reads); the record publishes the
/// openings the rule read that the bundle does not give, in the order it read them.
pub fn replace_sealed(
    bundle_json: &str,
    dropped_json: &str,
    openings_json: &str,
) -> ApiResult<String> {
    let bundle = Bundle::from_json(bundle_json)?;
    let dropped: Vec<String> = parse("dropped", dropped_json)?;
    let openings = openings_of(openings_json)?;
    to_json(&kleroterion::replace_sealed(&bundle, &dropped, &openings)?)
}
