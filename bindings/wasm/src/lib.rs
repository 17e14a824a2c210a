//! WebAssembly bindings of kleroterion, for the citizens' verification page.
//!
//! Thin exports over the core crate: JSON text in, JSON text out (the page calls
//! `JSON.parse`). [`verify`], [`check_receipt`] and [`display_text`] never throw; the other
//! functions throw a JavaScript `Error` whose `name` is the protocol name of the failure (see
//! [`error`]). What a page's fields hold becomes the core's published facts in one place,
//! [`published_facts`].
//!
//! Built with `bindings/wasm/build.sh` (wasm-bindgen `--target no-modules`, so that the page
//! also works opened straight from its files).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod api;
pub mod error;

use wasm_bindgen::prelude::wasm_bindgen;

use crate::error::ApiResult;

/// Result of an export: a JSON text, or a JavaScript `Error`.
type JsResult<T> = Result<T, wasm_bindgen::JsValue>;

fn js<T>(r: ApiResult<T>) -> JsResult<T> {
    r.map_err(Into::into)
}

/// The protocol version this build verifies (`kleroterion/v2`).
#[wasm_bindgen]
pub fn spec_version() -> String {
    kleroterion::SPEC_VERSION.into()
}

/// True when this build checks drand signatures offline.
#[wasm_bindgen]
pub fn drand_supported() -> bool {
    // The `drand` feature of the core is always enabled by this crate.
    true
}

/// Verifies a bundle with no published fact given; returns the report as JSON (`{verdict,
/// valid, purpose, steps, by_hand, error, error_kind}`). Never throws.
#[wasm_bindgen]
pub fn verify(bundle_json: &str) -> String {
    api::verify(bundle_json)
}

/// The published facts typed on the page (the commitment as published, and lottery results
/// one per line as `euromillions@2026-12-04=7,18,28,40,48+3,9`) as the JSON the core takes.
/// Throws `InvalidCommitment` or `InvalidReveal` for a text that cannot be read.
#[wasm_bindgen]
pub fn published_facts(commitment: &str, lotteries: &str) -> JsResult<String> {
    js(api::published_facts(commitment, lotteries))
}

/// Verifies a bundle against published facts (the JSON of [`published_facts`]) and
/// replacement records (a JSON list); returns the report as JSON. Throws `Json` only when the
/// facts or the records cannot be read.
#[wasm_bindgen]
pub fn verify_with(
    bundle_json: &str,
    published_json: &str,
    replacements_json: &str,
) -> JsResult<String> {
    js(api::verify_with(
        bundle_json,
        published_json,
        replacements_json,
    ))
}

/// Verifies a stage together with the previous stage its manifest names (SPEC.md section
/// 12.5): the previous stage against its own published facts, then the stage, whose
/// `parent`, `links` and `inherited` steps check the chain. Returns `{verdict, valid,
/// previous, report, responses: [{feature, value, invited, volunteered, rate}]}` as JSON (the
/// reports as [`verify`] gives them; `responses` empty unless every step of both passed, the
/// last row the total with null feature and value). The published facts are the JSON of
/// [`published_facts`]; the replacement records, optional, JSON lists. Throws `Json` only when
/// those cannot be read; a text that is not a bundle fails its `format` step and the chain.
#[wasm_bindgen]
pub fn verify_chain(
    bundle_json: &str,
    previous_json: &str,
    published_json: &str,
    previous_published_json: &str,
    replacements_json: Option<String>,
    previous_replacements_json: Option<String>,
) -> JsResult<String> {
    js(api::verify_chain(
        bundle_json,
        previous_json,
        published_json,
        previous_published_json,
        replacements_json.as_deref(),
        previous_replacements_json.as_deref(),
    ))
}

/// Checks one person's receipts along a chain (SPEC.md section 13): the previous stage's
/// receipt, this stage's, or both (null or empty for one not given). Returns `{matches, link,
/// invited: {place, number} | null, answered, previous, current, error, error_kind}` as JSON,
/// `previous` and `current` as [`check_receipt`] answers. Never throws.
#[wasm_bindgen]
pub fn check_path(
    previous_receipt_json: Option<String>,
    receipt_json: Option<String>,
    previous_json: &str,
    bundle_json: &str,
) -> String {
    api::check_path(
        previous_receipt_json.as_deref(),
        receipt_json.as_deref(),
        previous_json,
        bundle_json,
    )
}

/// The previous stage a bundle's manifest names: `{commitment, commitment_grouped, invitees,
/// inherited}` as JSON, or `null` when it names none.
#[wasm_bindgen]
pub fn parent(bundle_json: &str) -> JsResult<String> {
    js(api::parent(bundle_json))
}

/// A text from a file made safe to show: control and bidirectional formatting characters
/// escaped as `\u{..}`, cut after `max_bytes` bytes (the core's `text::display`).
#[wasm_bindgen]
pub fn display_text(text: &str, max_bytes: u32) -> String {
    api::display_text(text, max_bytes)
}

/// Checks a private receipt against a bundle; returns `{matches, ticket, features, sealed,
/// outcome, proof_length, error, error_kind}` as JSON (in a sealed pool, the features are the
/// receipt's opening's). Never throws.
#[wasm_bindgen]
pub fn check_receipt(receipt_json: &str, bundle_json: &str) -> String {
    api::check_receipt(receipt_json, bundle_json)
}

/// Each person's selection probability under a lottery portfolio, as counts out of `M`.
#[wasm_bindgen]
pub fn selection_probabilities(bundle_json: &str) -> JsResult<String> {
    js(api::selection_probabilities(bundle_json))
}

/// For a `maxent` bundle, everyone's exact chance of selection recomputed from the committed
/// count, when no panel can be rejected: `{exact, panel_size, pool_size, weighted, total,
/// chances: [{ticket, numerator, probability}], lowest, highest, not_exact}` (`total`, `Z`,
/// and each numerator in decimal; a chance is `numerator / total`). When a panel can be
/// rejected, `exact` is false, the chances are empty and `not_exact` says why: `{uncounted:
/// [feature], shared_household: [ticket, ticket] | null}`. Throws `NotMaxent` for another
/// method. It does not verify the bundle.
#[wasm_bindgen]
pub fn maxent_chances(bundle_json: &str) -> JsResult<String> {
    js(api::maxent_chances(bundle_json))
}

/// The published panel against every quota: `{method, enforced, sealed, rows: [{feature,
/// value, min, max, panel, pool, ok}], unknown_tickets}`; in a sealed pool the panel is counted
/// from the bundle's openings and `pool` is null (`sealed` is absent for an open pool).
#[wasm_bindgen]
pub fn quota_table(bundle_json: &str) -> JsResult<String> {
    js(api::quota_table(bundle_json))
}

/// The published panel and alternates, in order, with their values: `{sealed, features,
/// selected: [{ticket, values}], alternates: [...], rejections}` (`values` null when unknown: a
/// sealed record the bundle does not open; `rejections`, the panels a `maxent` draw rejected
/// before the panel as the bundle gives them, absent for the other methods).
#[wasm_bindgen]
pub fn members(bundle_json: &str) -> JsResult<String> {
    js(api::members(bundle_json))
}

/// A short description of a bundle (title, method, sizes, sources, result).
#[wasm_bindgen]
pub fn summary(bundle_json: &str) -> JsResult<String> {
    js(api::summary(bundle_json))
}

/// A bundle read once (`new ParsedBundle(text)`), whose views reuse the parsed bundle: a
/// page reads the 22 MB Montpellier invitations once, then verifies, summarises and checks
/// receipts against it. Each method returns what the function of the same name returns.
#[wasm_bindgen]
pub struct ParsedBundle(api::ParsedBundle);

#[wasm_bindgen]
impl ParsedBundle {
    /// Reads a bundle's text; never throws (a text that is not a bundle verifies as a failed
    /// `format` step, and its other views throw the reading error).
    #[wasm_bindgen(constructor)]
    pub fn new(bundle_json: &str) -> Self {
        Self(api::ParsedBundle::new(bundle_json))
    }

    /// Reads a bundle from its file's bytes, as a browser reads a text file (a byte-order mark
    /// dropped, bytes that are not UTF-8 read as U+FFFD); never throws.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        Self(api::ParsedBundle::from_bytes(bytes))
    }

    /// True when the text was read as a bundle.
    pub fn readable(&self) -> bool {
        self.0.readable()
    }

    /// The report, against published facts and replacement records (as [`verify_with`]).
    pub fn verify_with(&self, published_json: &str, replacements_json: &str) -> JsResult<String> {
        js(self.0.verify_with(published_json, replacements_json))
    }

    /// As [`verify_chain`], with this bundle as the stage and `previous`, also read once, as
    /// the previous stage it names.
    pub fn verify_chain(
        &self,
        previous: &ParsedBundle,
        published_json: &str,
        previous_published_json: &str,
        replacements_json: Option<String>,
        previous_replacements_json: Option<String>,
    ) -> JsResult<String> {
        js(self.0.verify_chain(
            &previous.0,
            published_json,
            previous_published_json,
            replacements_json.as_deref(),
            previous_replacements_json.as_deref(),
        ))
    }

    /// As [`check_path`], with this bundle as the stage and `previous` as the previous stage;
    /// never throws.
    pub fn check_path(
        &self,
        previous: &ParsedBundle,
        previous_receipt_json: Option<String>,
        receipt_json: Option<String>,
    ) -> String {
        self.0.check_path(
            &previous.0,
            previous_receipt_json.as_deref(),
            receipt_json.as_deref(),
        )
    }

    /// As [`parent`].
    pub fn parent(&self) -> JsResult<String> {
        js(self.0.parent())
    }

    /// As [`summary`].
    pub fn summary(&self) -> JsResult<String> {
        js(self.0.summary())
    }

    /// As [`quota_table`].
    pub fn quota_table(&self) -> JsResult<String> {
        js(self.0.quota_table())
    }

    /// As [`members`].
    pub fn members(&self) -> JsResult<String> {
        js(self.0.members())
    }

    /// As [`selection_probabilities`].
    pub fn selection_probabilities(&self) -> JsResult<String> {
        js(self.0.selection_probabilities())
    }

    /// As [`maxent_chances`].
    pub fn maxent_chances(&self) -> JsResult<String> {
        js(self.0.maxent_chances())
    }

    /// As [`check_receipt`]; never throws.
    pub fn check_receipt(&self, receipt_json: &str) -> String {
        self.0.check_receipt(receipt_json)
    }

    /// The draw pick by pick (SPEC.md section 10.3): `{seed, picks}`; each pick is `{stream,
    /// index, value, rejected, among, position, picked: {kind, index}, ticket}` (`kind`
    /// `person`, `panel`, or `attempt` for a draw of a `maxent` attempt's number, whose `among`
    /// and `position` are 0 when that number needs several 64-bit draws). Draws again without
    /// verifying: call it once the bundle verified.
    pub fn picks(&self) -> JsResult<String> {
        js(self.0.picks())
    }

    /// Where a ticket code is in this draw, without a receipt: `{ticket, in_pool, outcome,
    /// sealed, features}` (outcome as in [`check_receipt`], null when the pool does not hold
    /// the ticket; features as `[feature, value]` pairs, empty when sealed and not opened).
    pub fn find_ticket(&self, ticket: &str) -> JsResult<String> {
        js(self.0.find_ticket(ticket))
    }
}

/// What a dropped or pasted text is: `bundle`, `receipt`, `replacement` (by its `format`),
/// `ticket` (a bare ticket code) or `unknown`. Never throws.
#[wasm_bindgen]
pub fn file_kind(text: &str) -> String {
    api::file_kind(text)
}

/// The SHA-256 of bytes, as lowercase hex.
#[wasm_bindgen]
pub fn sha256_hex(bytes: &[u8]) -> String {
    api::sha256_hex(bytes)
}

/// This build's version (the crate's), shown by the page next to the hash of its wasm file.
#[wasm_bindgen]
pub fn page_version() -> String {
    env!("CARGO_PKG_VERSION").into()
}

/// The first round of a drand network (`quicknet`, `mainnet` or the chain hash of one of them)
/// produced at or after a UTC time (`YYYY-MM-DDTHH:MM:SSZ`, or `2026-12-01 12:00`), for
/// planning a draw: `{network, chain, after, round, time, unix}` (the core's `DrandRound`).
/// Throws `InvalidArgument` for an unknown network or a bad time.
#[wasm_bindgen]
pub fn first_drand_round(chain_name_or_hash: &str, utc_time: &str) -> JsResult<String> {
    js(api::first_drand_round(chain_name_or_hash, utc_time))
}

/// RFC 3797 with sources given as a JSON list of texts of numbers, `count` picks among `n`
/// entries: `{key, picks: [{md5, remaining, index}]}`. Throws `InvalidArgument` for a source
/// that cannot be read and `TooManyPicks` past 65,536 picks.
#[wasm_bindgen]
pub fn rfc3797(sources_json: &str, n: u32, count: u32) -> JsResult<String> {
    js(api::rfc3797(sources_json, n, count))
}

/// Canonical bytes and leaf hash of a record.
#[wasm_bindgen]
pub fn record_encoding(record_json: &str) -> JsResult<String> {
    js(api::record_encoding(record_json))
}

/// Canonical bytes, commitment and validity of a manifest.
#[wasm_bindgen]
pub fn manifest_encoding(manifest_json: &str) -> JsResult<String> {
    js(api::manifest_encoding(manifest_json))
}

/// The commitment of a manifest, as hex.
#[wasm_bindgen]
pub fn manifest_commitment(manifest_json: &str) -> JsResult<String> {
    js(api::manifest_commitment(manifest_json))
}

/// RFC 3797's canonical form of a JSON list of lottery numbers.
#[wasm_bindgen]
pub fn lottery_canonical(numbers_json: &str) -> JsResult<String> {
    js(api::lottery_canonical(numbers_json))
}

/// Checks a text (`kind`: `ticket`, `name` or `free`); throws `InvalidText` when refused.
#[wasm_bindgen]
pub fn check_text(text: &str, kind: &str) -> JsResult<()> {
    js(api::check_text(text, kind))
}

/// The Merkle root, leaves and proofs of a JSON list of records.
#[wasm_bindgen]
pub fn merkle_tree(records_json: &str) -> JsResult<String> {
    js(api::merkle_tree(records_json))
}

/// Verifies an inclusion proof (JSON list of hex hashes).
#[wasm_bindgen]
pub fn verify_inclusion(
    leaf_hex: &str,
    index: u32,
    count: u32,
    proof_json: &str,
    root_hex: &str,
) -> JsResult<bool> {
    js(api::verify_inclusion(
        leaf_hex, index, count, proof_json, root_hex,
    ))
}

/// Reveal bytes, seed and RFC 3797 key of a reveal under a commitment.
#[wasm_bindgen]
pub fn reveal_seed(reveal_json: &str, commitment_hex: &str) -> JsResult<String> {
    js(api::reveal_seed(reveal_json, commitment_hex))
}

/// The stream key of a seed, purpose and index.
#[wasm_bindgen]
pub fn stream_key(seed_hex: &str, purpose: &str, index: u32) -> JsResult<String> {
    js(api::stream_key(seed_hex, purpose, index))
}

/// The first `count` 64-bit draws of a stream, as decimal texts in a JSON list.
#[wasm_bindgen]
pub fn stream_words(key_hex: &str, count: u32) -> JsResult<String> {
    js(api::stream_words(key_hex, count))
}

/// `calls` successive `uniform(n)` on a stream: `{results, words_consumed}`.
#[wasm_bindgen]
pub fn uniform(key_hex: &str, n_decimal: &str, calls: u32) -> JsResult<String> {
    js(api::uniform(key_hex, n_decimal, calls))
}

/// `sample(n, k)` on a fresh stream: a JSON list of indices in draw order.
#[wasm_bindgen]
pub fn sample(key_hex: &str, n: u32, k: u32) -> JsResult<String> {
    js(api::sample(key_hex, n, k))
}

/// Draws from a manifest, pool records and a reveal; returns the bundle as JSON. Throws
/// `OpeningMismatch` for a manifest that seals the features: use [`draw_sealed`].
#[wasm_bindgen]
pub fn draw(manifest_json: &str, pool_json: &str, reveal_json: &str) -> JsResult<String> {
    js(api::draw(manifest_json, pool_json, reveal_json))
}

/// Draws with sealed features: as [`draw`], with every record's opening in pool order (a JSON
/// list of `{ticket, values, salt}`, or the openings file `{spec, openings}`); the bundle opens
/// the panel and the alternates. Throws `OpeningMismatch` when the openings do not fit.
#[wasm_bindgen]
pub fn draw_sealed(
    manifest_json: &str,
    pool_json: &str,
    reveal_json: &str,
    openings_json: &str,
) -> JsResult<String> {
    js(api::draw_sealed(
        manifest_json,
        pool_json,
        reveal_json,
        openings_json,
    ))
}

/// Replaces dropped-out people (JSON list of tickets) in a verified bundle.
#[wasm_bindgen]
pub fn replace(bundle_json: &str, dropped_json: &str) -> JsResult<String> {
    js(api::replace(bundle_json, dropped_json))
}

/// Replaces dropped-out people in a verified bundle of a sealed pool, with the organiser's
/// openings (a JSON list or the openings file); the record publishes those the rule read.
#[wasm_bindgen]
pub fn replace_sealed(
    bundle_json: &str,
    dropped_json: &str,
    openings_json: &str,
) -> JsResult<String> {
    js(api::replace_sealed(
        bundle_json,
        dropped_json,
        openings_json,
    ))
}
