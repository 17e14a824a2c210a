//! The protocol of the core crate: records, manifests, seeds, streams, draws, verification,
//! receipts and replacements. Conversion only: JSON texts and Python values in and out.

use std::sync::OnceLock;

use kleroterion::chain::Response;
use kleroterion::digest::to_hex;
use kleroterion::draw::check_committed;
use kleroterion::merkle::{
    MerkleTree, leaf_hash as core_leaf_hash, verify_inclusion as core_verify_inclusion,
};
use kleroterion::methods::rfc3797::{key_of_sources, picks_detailed};
use kleroterion::methods::stratified;
use kleroterion::model::TicketIndex;
use kleroterion::reveal::canonical_numbers as core_canonical_numbers;
use kleroterion::sampling::{sample as core_sample, uniform as core_uniform};
use kleroterion::seal::Opening;
use kleroterion::stream::{Stream as CoreStream, stream_key as core_stream_key};
use kleroterion::text::{DISPLAY_LIMIT, TextKind, check, display as core_display, is_nfc, to_nfc};
use kleroterion::verify::{QuotaTable, Summary};
use kleroterion::{
    Bundle as CoreBundle, ChainReport, Digest, Manifest, PoolFile, Published, PublishedLottery,
    Receipt, Record, Replacement, Report, Reveal, Verdict,
};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::errors::{self, CoreResult};

pub(crate) fn parse<T: DeserializeOwned>(what: &str, text: &str) -> PyResult<T> {
    serde_json::from_str(text).map_err(|e| errors::json(what, &e))
}

pub(crate) fn to_json<T: Serialize>(what: &str, value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| errors::json(what, &e))
}

fn digest(hex: &str, field: &str) -> PyResult<Digest> {
    Digest::from_hex(hex, field).py()
}

fn nfc(text: String) -> String {
    if is_nfc(&text) { text } else { to_nfc(&text) }
}

/// The records of a pool, in pool order, kept on the Rust side.
#[pyclass(module = "kleroterion._native", frozen)]
pub struct Records {
    pub(crate) records: Vec<Record>,
    tree: OnceLock<MerkleTree>,
}

impl Records {
    pub(crate) fn new(records: Vec<Record>) -> Self {
        Self {
            records,
            tree: OnceLock::new(),
        }
    }

    fn tree(&self) -> PyResult<&MerkleTree> {
        if let Some(t) = self.tree.get() {
            return Ok(t);
        }
        let t = MerkleTree::from_records(&self.records).py()?;
        Ok(self.tree.get_or_init(|| t))
    }

    fn get(&self, index: usize) -> PyResult<&Record> {
        self.records.get(index).ok_or_else(|| {
            errors::invalid(format!(
                "index {index} is outside the pool of {}",
                self.records.len()
            ))
        })
    }
}

#[pymethods]
impl Records {
    /// Builds records from columns: one ticket per person, one list of values per feature
    /// (feature-major), one receipt secret (64 hex digits) per person, and optionally one
    /// household tag (or None) per person. Every text is normalised to NFC, as importers must
    /// do before a commitment.
    #[staticmethod]
    #[pyo3(signature = (tickets, columns, secrets, households=None))]
    fn from_columns(
        py: Python<'_>,
        tickets: Vec<String>,
        columns: Vec<Vec<String>>,
        secrets: Vec<String>,
        households: Option<Vec<Option<String>>>,
    ) -> PyResult<Self> {
        let n = tickets.len();
        if secrets.len() != n {
            return Err(errors::invalid(format!(
                "{} receipt secrets for {n} tickets",
                secrets.len()
            )));
        }
        let holders = secrets
            .iter()
            .map(|s| secret_bytes(s).map(|s| kleroterion::tickets::holder_of(&s)))
            .collect::<PyResult<Vec<_>>>()?;
        if let Some(c) = columns.iter().find(|c| c.len() != n) {
            return Err(errors::invalid(format!(
                "a feature column has {} values for {n} tickets",
                c.len()
            )));
        }
        if let Some(h) = &households
            && h.len() != n
        {
            return Err(errors::invalid(format!(
                "{} household keys for {n} tickets",
                h.len()
            )));
        }
        py.detach(move || {
            let mut cols: Vec<std::vec::IntoIter<String>> =
                columns.into_iter().map(Vec::into_iter).collect();
            let mut hh = households.map(Vec::into_iter);
            let records = tickets
                .into_iter()
                .zip(holders)
                .map(|(ticket, holder)| Record {
                    link: None,
                    seal: None,
                    ticket: nfc(ticket),
                    values: cols
                        .iter_mut()
                        .map(|c| nfc(c.next().unwrap_or_default()))
                        .collect(),
                    household: hh.as_mut().and_then(|h| h.next().flatten()).map(nfc),
                    holder,
                })
                .collect();
            Ok(Self::new(records))
        })
    }

    /// Reads a pool file (`{"spec": ..., "records": [...]}`) or a JSON list of records.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        let trimmed = text.trim_start();
        let records = if trimmed.starts_with('[') {
            parse::<Vec<Record>>("pool", text)?
        } else {
            PoolFile::from_json(text).py()?.records
        };
        Ok(Self::new(records))
    }

    /// The pool file as JSON.
    fn to_json(&self) -> PyResult<String> {
        to_json(
            "pool",
            &PoolFile {
                spec: kleroterion::SPEC_VERSION.into(),
                records: self.records.clone(),
            },
        )
    }

    fn __len__(&self) -> usize {
        self.records.len()
    }

    /// The tickets in pool order.
    fn tickets(&self) -> Vec<String> {
        self.records.iter().map(|r| r.ticket.clone()).collect()
    }

    /// Record `index` as JSON.
    fn record_json(&self, index: usize) -> PyResult<String> {
        to_json("record", self.get(index)?)
    }

    /// The Merkle root of the pool (SPEC.md section 4), in hex.
    fn root(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| {
            let t = self.tree()?;
            t.root()
                .map(|r| r.to_hex())
                .ok_or_else(|| errors::core(kleroterion::Error::EmptyPool))
        })
    }

    /// `leaf(r)` of record `index`, in hex.
    fn leaf(&self, index: usize) -> PyResult<String> {
        Ok(core_leaf_hash(self.get(index)?).py()?.to_hex())
    }

    /// The inclusion proof of record `index`, sibling first.
    fn proof(&self, py: Python<'_>, index: usize) -> PyResult<Vec<String>> {
        self.get(index)?;
        let tree = py.detach(|| self.tree())?;
        Ok(tree
            .proof(index)
            .unwrap_or_default()
            .iter()
            .map(Digest::to_hex)
            .collect())
    }

    /// The private receipt of person `index` for the draw committed as `commitment`, with the
    /// person's receipt secret (64 hex digits; refused when it does not open their holder).
    fn receipt(
        &self,
        py: Python<'_>,
        commitment: &str,
        index: u32,
        secret: &str,
    ) -> PyResult<String> {
        let c = digest(commitment, "commitment")?;
        let secret = secret_bytes(secret)?;
        let tree = py.detach(|| self.tree())?;
        to_json(
            "receipt",
            &Receipt::issue(c, tree, &self.records, index, &secret).py()?,
        )
    }

    /// The link of each record in pool order (SPEC.md section 5.3): the previous stage's
    /// ticket of the invitee it comes from, None for a record without one.
    fn links(&self) -> Vec<Option<String>> {
        self.records.iter().map(|r| r.link.clone()).collect()
    }

    /// The index of each ticket asked for (None when absent; a ticket held twice is found at
    /// its first index): the core's `model::TicketIndex`.
    fn index_of(&self, tickets: Vec<String>) -> Vec<Option<usize>> {
        let index = TicketIndex::new(&self.records);
        tickets
            .iter()
            .map(|t| index.get(t).map(|i| i as usize))
            .collect()
    }
}

/// A draw's bundle, kept on the Rust side.
#[pyclass(module = "kleroterion._native", frozen)]
pub struct Bundle {
    pub(crate) bundle: CoreBundle,
}

#[pymethods]
impl Bundle {
    /// Reads a bundle from JSON.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        Ok(Self {
            bundle: CoreBundle::from_json(text).py()?,
        })
    }

    /// The bundle as pretty JSON (SPEC.md section 14).
    fn to_json(&self) -> PyResult<String> {
        self.bundle.to_json().py()
    }

    #[getter]
    fn selected(&self) -> Vec<String> {
        self.bundle.result.selected.clone()
    }

    #[getter]
    fn alternates(&self) -> Vec<String> {
        self.bundle.result.alternates.clone()
    }

    /// For `maxent` (SPEC.md section 9.6): how many walked panels were rejected before the one
    /// drawn; None for the other methods.
    #[getter]
    fn rejections(&self) -> Option<u32> {
        self.bundle.result.rejections
    }

    #[getter]
    fn commitment(&self) -> String {
        self.bundle.commitment.to_hex()
    }

    #[getter]
    fn seed(&self) -> String {
        self.bundle.seed.to_hex()
    }

    #[getter]
    fn transcript(&self) -> String {
        self.bundle.transcript.to_hex()
    }

    /// The manifest as JSON.
    fn manifest_json(&self) -> PyResult<String> {
        to_json("manifest", &self.bundle.manifest)
    }

    /// The reveal as JSON.
    fn reveal_json(&self) -> PyResult<String> {
        to_json("reveal", &self.bundle.reveal)
    }

    /// The pool records.
    fn records(&self) -> Records {
        Records::new(self.bundle.pool.clone())
    }

    /// The openings of a sealed pool's panel then alternates (SPEC.md section 11), as a JSON
    /// list; `[]` for an open pool.
    fn openings_json(&self) -> PyResult<String> {
        to_json("openings", &self.bundle.openings)
    }

    /// The published panel counted against every quota, as JSON (the core's
    /// `verify::QuotaTable`).
    fn quota_table(&self) -> PyResult<String> {
        to_json("quota table", &QuotaTable::of(&self.bundle))
    }

    /// A short description of the bundle for display, as JSON (the core's `verify::Summary`).
    fn summary(&self) -> PyResult<String> {
        to_json("summary", &Summary::of(&self.bundle))
    }

    /// The draw pick by pick (SPEC.md section 10.3), as a JSON list of the core's
    /// `trace::TicketedPick`; it draws again without verifying.
    fn picks_json(&self) -> PyResult<String> {
        let trace = kleroterion::trace::trace_bundle(&self.bundle).py()?;
        to_json("picks", &trace.ticketed(&self.bundle.pool))
    }
}

/// A random stream (SPEC.md section 7).
#[pyclass(module = "kleroterion._native")]
pub struct Stream {
    inner: CoreStream,
}

#[pymethods]
impl Stream {
    /// The stream keyed directly by 32 bytes given in hex.
    #[new]
    fn new(key: &str) -> PyResult<Self> {
        Ok(Self {
            inner: CoreStream::from_key(&digest(key, "key")?),
        })
    }

    /// The next 32-bit keystream word.
    fn next_u32(&mut self) -> u32 {
        self.inner.next_u32()
    }

    /// The next 64-bit draw.
    fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }

    /// `uniform(n)` (SPEC.md section 8).
    fn uniform(&mut self, n: u64) -> PyResult<u64> {
        if n == 0 {
            return Err(errors::invalid("uniform(n) needs n >= 1"));
        }
        Ok(core_uniform(&mut self.inner, n))
    }

    /// `sample(n, k)` (SPEC.md section 8).
    fn sample(&mut self, n: u32, k: u32) -> PyResult<Vec<u32>> {
        if k > n {
            return Err(errors::invalid(format!(
                "sample(n, k) needs k <= n, got n = {n}, k = {k}"
            )));
        }
        Ok(core_sample(&mut self.inner, n, k))
    }

    /// How many 64-bit draws were consumed.
    #[getter]
    fn draws_consumed(&self) -> u64 {
        self.inner.draws_consumed()
    }
}

/// `key(purpose, index)` of SPEC.md section 7.
#[pyfunction]
pub fn stream_key(seed: &str, purpose: &str, index: u32) -> PyResult<String> {
    Ok(core_stream_key(&digest(seed, "seed")?, purpose, index).to_hex())
}

/// `rec(r)` of a record given as JSON.
#[pyfunction]
pub fn record_bytes<'py>(py: Python<'py>, record_json: &str) -> PyResult<Bound<'py, PyBytes>> {
    let r: Record = parse("record", record_json)?;
    Ok(PyBytes::new(py, &r.canonical_bytes().py()?))
}

/// `leaf(r)` of a record given as JSON, in hex.
#[pyfunction]
pub fn leaf_hash(record_json: &str) -> PyResult<String> {
    let r: Record = parse("record", record_json)?;
    Ok(core_leaf_hash(&r).py()?.to_hex())
}

/// Checks an inclusion proof (RFC 9162 section 2.1.3.2).
#[pyfunction]
pub fn verify_inclusion(
    leaf: &str,
    index: u64,
    count: u64,
    proof: Vec<String>,
    root: &str,
) -> PyResult<bool> {
    let proof = proof
        .iter()
        .map(|p| digest(p, "proof"))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(core_verify_inclusion(
        &digest(leaf, "leaf")?,
        index,
        count,
        &proof,
        &digest(root, "root")?,
    ))
}

/// `man(M)` of a manifest given as JSON.
#[pyfunction]
pub fn manifest_bytes<'py>(py: Python<'py>, manifest_json: &str) -> PyResult<Bound<'py, PyBytes>> {
    let m = Manifest::from_json(manifest_json).py()?;
    Ok(PyBytes::new(py, &m.canonical_bytes().py()?))
}

/// The commitment of a manifest given as JSON, in hex.
#[pyfunction]
pub fn commitment(manifest_json: &str) -> PyResult<String> {
    Ok(Manifest::from_json(manifest_json)
        .py()?
        .commitment()
        .py()?
        .to_hex())
}

/// Checks a manifest (SPEC.md section 5.1).
#[pyfunction]
pub fn validate_manifest(manifest_json: &str) -> PyResult<()> {
    Manifest::from_json(manifest_json).py()?.validate().py()
}

/// Checks a manifest and its pool together (sections 5.1, 5.2 and the lottery portfolio).
#[pyfunction]
pub fn check_committed_pool(
    py: Python<'_>,
    manifest_json: &str,
    records: &Records,
) -> PyResult<()> {
    let m = Manifest::from_json(manifest_json).py()?;
    py.detach(|| check_committed(&m, &records.records).map(|_| ()).py())
}

/// The count of a `maxent` manifest over its pool (SPEC.md section 9.6), as JSON: `types` in
/// type order, each with `values` (its value positions, in `counted` order) and `members`
/// (pool indices, in pool order); `cells`; `total`, Z in decimal. Refused for another method,
/// and over the cell limit.
#[pyfunction]
pub fn maxent_count(py: Python<'_>, manifest_json: &str, records: &Records) -> PyResult<String> {
    let m = Manifest::from_json(manifest_json).py()?;
    let Some(kleroterion::methods::maxent::Params {
        counted, weights, ..
    }) = m.method.maxent_params()
    else {
        return Err(errors::invalid(format!(
            "the manifest's method is \"{}\": only a maxent manifest has a count",
            m.method.name()
        )));
    };
    let count = py.detach(|| {
        m.validate()?;
        let pool = kleroterion::model::ResolvedPool::new(&m.features, &records.records)?;
        kleroterion::methods::maxent::Count::new(&m, &pool, counted, weights)
    });
    let count = count.py()?;
    let types: Vec<serde_json::Value> = count
        .types()
        .iter()
        .map(|t| serde_json::json!({"values": t.values, "members": t.members}))
        .collect();
    to_json(
        "maxent count",
        &serde_json::json!({
            "types": types,
            "cells": count.cells(),
            "total": count.total().to_string(),
        }),
    )
}

/// `list(val, sources)` of a reveal given as JSON.
#[pyfunction]
pub fn reveal_bytes<'py>(py: Python<'py>, reveal_json: &str) -> PyResult<Bound<'py, PyBytes>> {
    let r = Reveal::from_json(reveal_json).py()?;
    Ok(PyBytes::new(py, &r.canonical_bytes().py()?))
}

/// `seed = H("seed", raw32(commitment) || list(val, sources))`, in hex.
#[pyfunction]
pub fn seed(commitment: &str, reveal_json: &str) -> PyResult<String> {
    let r = Reveal::from_json(reveal_json).py()?;
    Ok(r.seed(&digest(commitment, "commitment")?).py()?.to_hex())
}

/// The RFC 3797 key of a reveal given as JSON.
#[pyfunction]
pub fn rfc3797_key(reveal_json: &str) -> PyResult<String> {
    Ok(Reveal::from_json(reveal_json).py()?.rfc3797_key())
}

/// RFC 3797's canonical form of numbers given as a JSON list of integers (0 to 2^32 - 1).
#[pyfunction]
pub fn canonical_numbers(numbers_json: &str) -> PyResult<String> {
    let numbers: Vec<u32> = parse("numbers", numbers_json)?;
    Ok(core_canonical_numbers(&numbers))
}

/// Checks a reveal against the manifest's recipe; returns one line per source.
#[pyfunction]
pub fn check_reveal(manifest_json: &str, reveal_json: &str) -> PyResult<Vec<String>> {
    let m = Manifest::from_json(manifest_json).py()?;
    let r = Reveal::from_json(reveal_json).py()?;
    kleroterion::draw::check_reveal(&m, &r).py()
}

/// Checks a reveal (JSON) alone, or against a recipe (JSON) when one is given (SPEC.md section
/// 6.2); returns one line per source.
#[pyfunction]
#[pyo3(signature = (reveal_json, recipe_json=None))]
pub fn check_reveal_recipe(reveal_json: &str, recipe_json: Option<&str>) -> PyResult<Vec<String>> {
    let r = Reveal::from_json(reveal_json).py()?;
    match recipe_json {
        Some(text) => r
            .check_against(&parse::<kleroterion::Recipe>("recipe", text)?)
            .py(),
        None => r.check_unbound().py(),
    }
}

/// Checks a text against SPEC.md section 3; `kind` is `ticket`, `name` or `free`.
#[pyfunction]
pub fn check_text(text: &str, kind: &str, field: &str) -> PyResult<()> {
    let kind = kind.parse::<TextKind>().py()?;
    check(text, kind, || field.into()).py()
}

/// The NFC form of a text.
#[pyfunction]
pub fn normalize(text: String) -> String {
    nfc(text)
}

/// Draws: checks everything, derives the seed, runs the method and the alternates. A sealed
/// manifest (SPEC.md section 4.1) needs `openings_json`, every record's opening in pool order
/// (the organiser's private openings): the bundle opens the panel and the alternates from it.
#[pyfunction]
#[pyo3(signature = (manifest_json, records, reveal_json, openings_json=None))]
pub fn draw(
    py: Python<'_>,
    manifest_json: &str,
    records: &Records,
    reveal_json: &str,
    openings_json: Option<&str>,
) -> PyResult<Bundle> {
    let m = Manifest::from_json(manifest_json).py()?;
    let r = Reveal::from_json(reveal_json).py()?;
    let openings = openings_json
        .map(|text| parse::<Vec<Opening>>("openings", text))
        .transpose()?;
    py.detach(|| {
        let bundle = match openings {
            Some(openings) => m
                .commit(records.records.clone())
                .py()?
                .with_openings(openings)
                .py()?
                .draw(&r)
                .py()?,
            None if m.sealed => {
                return Err(errors::core(kleroterion::Error::OpeningMismatch {
                    detail: "the manifest seals the features, and no openings were given: the bundle must open the panel and the alternates. Fix: give every record's opening, in pool order (the commit's private/openings.json)".into(),
                }));
            }
            None => kleroterion::draw(&m, &records.records, &r).py()?,
        };
        Ok(Bundle { bundle })
    })
}

/// The facts published outside the bundle (SPEC.md section 14, "Published facts"), given as
/// JSON by the facade, and the replacement records, given as JSON texts: the one place where
/// the inputs of verification are converted.
fn verification_inputs(
    published_json: Option<&str>,
    replacements_json: &[String],
) -> PyResult<(Published, Vec<Replacement>)> {
    let published = match published_json {
        Some(text) => parse::<Published>("published facts", text)?,
        None => Published::default(),
    };
    let replacements = replacements_json
        .iter()
        .enumerate()
        .map(|(i, text)| parse::<Replacement>(&format!("replacement record {}", i + 1), text))
        .collect::<PyResult<Vec<_>>>()?;
    Ok((published, replacements))
}

/// Verifies a bundle against the published facts (JSON `{"commitment": hex, "lotteries":
/// [...]}`) and replacement records (JSON texts); returns the report as JSON (SPEC.md section
/// 12.4).
#[pyfunction]
#[pyo3(signature = (bundle, published_json=None, replacements_json=Vec::new()))]
pub fn verify(
    py: Python<'_>,
    bundle: &Bundle,
    published_json: Option<&str>,
    replacements_json: Vec<String>,
) -> PyResult<String> {
    let (published, replacements) = verification_inputs(published_json, &replacements_json)?;
    let report = py.detach(|| kleroterion::verify_with(&bundle.bundle, &published, &replacements));
    to_json("report", &report)
}

/// Verifies a bundle given as JSON text, as [`verify`] does. Never fails on a bad bundle text:
/// the report's `format` step fails instead (`UnreadableBundle`).
#[pyfunction]
#[pyo3(signature = (text, published_json=None, replacements_json=Vec::new()))]
pub fn verify_json(
    py: Python<'_>,
    text: &str,
    published_json: Option<&str>,
    replacements_json: Vec<String>,
) -> PyResult<String> {
    let (published, replacements) = verification_inputs(published_json, &replacements_json)?;
    let text = text.trim_start_matches('\u{feff}');
    let report = py.detach(|| kleroterion::verify_json(text, &published, &replacements));
    to_json("report", &report)
}

/// A chain report as JSON (SPEC.md section 12.5), with the rate of each response row as the
/// core writes it (`"27.5%"`, or `"-"` when nobody was invited).
fn chain_output(chain: &ChainReport) -> PyResult<(String, Vec<String>)> {
    let rates = chain.responses.iter().map(Response::rate).collect();
    Ok((to_json("chain report", chain)?, rates))
}

/// Verifies a stage and the previous stage its manifest names (SPEC.md section 12.5): the
/// previous stage with its own published facts and replacement records, then the stage with
/// it. Returns the chain report as JSON and the rate of each response row.
#[pyfunction]
#[pyo3(signature = (
    bundle, previous, published_json=None, replacements_json=Vec::new(),
    previous_published_json=None, previous_replacements_json=Vec::new()
))]
pub fn verify_chain(
    py: Python<'_>,
    bundle: &Bundle,
    previous: &Bundle,
    published_json: Option<&str>,
    replacements_json: Vec<String>,
    previous_published_json: Option<&str>,
    previous_replacements_json: Vec<String>,
) -> PyResult<(String, Vec<String>)> {
    let (published, replacements) = verification_inputs(published_json, &replacements_json)?;
    let (previous_published, previous_replacements) =
        verification_inputs(previous_published_json, &previous_replacements_json)?;
    let chain = py.detach(|| {
        kleroterion::verify_chain(
            &bundle.bundle,
            &published,
            &replacements,
            &previous.bundle,
            &previous_published,
            &previous_replacements,
        )
    });
    chain_output(&chain)
}

/// Verifies a chain given as JSON texts, as [`verify_chain`] does. Never fails on a bad bundle
/// text: when either text is not a readable bundle, each stage is verified alone (the one that
/// cannot be read fails its `format` step), and the chain is invalid with no response rates.
#[pyfunction]
#[pyo3(signature = (
    text, previous_text, published_json=None, replacements_json=Vec::new(),
    previous_published_json=None, previous_replacements_json=Vec::new()
))]
pub fn verify_chain_json(
    py: Python<'_>,
    text: &str,
    previous_text: &str,
    published_json: Option<&str>,
    replacements_json: Vec<String>,
    previous_published_json: Option<&str>,
    previous_replacements_json: Vec<String>,
) -> PyResult<(String, Vec<String>)> {
    let (published, replacements) = verification_inputs(published_json, &replacements_json)?;
    let (previous_published, previous_replacements) =
        verification_inputs(previous_published_json, &previous_replacements_json)?;
    let text = text.trim_start_matches('\u{feff}');
    let previous_text = previous_text.trim_start_matches('\u{feff}');
    let chain = py.detach(|| {
        match (
            CoreBundle::from_json(text),
            CoreBundle::from_json(previous_text),
        ) {
            (Ok(bundle), Ok(previous)) => kleroterion::verify_chain(
                &bundle,
                &published,
                &replacements,
                &previous,
                &previous_published,
                &previous_replacements,
            ),
            _ => ChainReport {
                verdict: Verdict::Invalid,
                valid: false,
                previous: kleroterion::verify_json(
                    previous_text,
                    &previous_published,
                    &previous_replacements,
                ),
                report: kleroterion::verify_json(text, &published, &replacements),
                responses: Vec::new(),
            },
        }
    });
    chain_output(&chain)
}

/// Checks one person's receipts (JSON) along a chain (SPEC.md section 13, "Receipts across
/// stages"): the previous stage's receipt, this stage's, or both. Returns the core's
/// `chain::Path` as JSON; a receipt that does not match is `ReceiptMismatch`.
#[pyfunction]
#[pyo3(signature = (previous, bundle, previous_receipt_json=None, receipt_json=None))]
pub fn check_path(
    previous: &Bundle,
    bundle: &Bundle,
    previous_receipt_json: Option<&str>,
    receipt_json: Option<&str>,
) -> PyResult<String> {
    let earlier = previous_receipt_json
        .map(Receipt::from_json)
        .transpose()
        .py()?;
    let current = receipt_json.map(Receipt::from_json).transpose().py()?;
    let path = kleroterion::chain::check_path(
        earlier.as_ref(),
        current.as_ref(),
        &previous.bundle,
        &bundle.bundle,
    )
    .py()?;
    to_json("path", &path)
}

/// The verdict of a report (JSON) in one line: "VALID", "VALID if the N items below match
/// their public records" or "INVALID".
#[pyfunction]
pub fn report_headline(report_json: &str) -> PyResult<String> {
    Ok(parse::<Report>("report", report_json)?.headline())
}

/// A lottery result as written on a command line, `LOTTERY@DATE=MAIN+BONUS+...` (for example
/// `euromillions@2026-12-04=7,18,28,40,48+3,9`), as the JSON of SPEC.md section 14.
#[pyfunction]
pub fn parse_lottery_result(text: &str) -> PyResult<String> {
    to_json("lottery result", &PublishedLottery::parse(text).py()?)
}

/// A text from an untrusted file made safe to show: control and bidirectional formatting
/// characters written as `\u{..}`, cut after `max_bytes` bytes (SPEC.md section 3).
#[pyfunction]
#[pyo3(signature = (text, max_bytes=DISPLAY_LIMIT))]
pub fn display(text: &str, max_bytes: usize) -> String {
    core_display(text, max_bytes)
}

/// The lottery registry (SPEC.md section 6.6) as JSON: one object per lottery with its id,
/// name, operator, result page, time zone, draw days and local draw times, first date and
/// format.
#[pyfunction]
pub fn lottery_registry() -> PyResult<String> {
    let entries: Vec<serde_json::Value> = kleroterion::public_lottery::REGISTRY
        .iter()
        .map(|l| {
            serde_json::json!({
                "id": l.id,
                "name": l.name,
                "operator": l.operator,
                "result_page": l.result_page,
                "zone": l.zone.name(),
                "draws": l.draws.iter().map(|&(day, hour, minute)| {
                    serde_json::json!({"day": day.name(), "time": format!("{hour:02}:{minute:02}")})
                }).collect::<Vec<_>>(),
                "since": l.since,
                "format": l.format(),
            })
        })
        .collect();
    to_json("lottery registry", &entries)
}

/// When a recipe source (JSON) comes into existence, `YYYY-MM-DDTHH:MM:SSZ`: a drand round's
/// production time or a lottery's draw time; None for hex values and dice.
#[pyfunction]
pub fn source_time(source_json: &str) -> PyResult<Option<String>> {
    let spec: kleroterion::SourceSpec = parse("recipe source", source_json)?;
    spec.time()
        .map(|t| t.map(kleroterion::time::format_unix))
        .map_err(errors::invalid)
}

/// A UTC time `YYYY-MM-DDTHH:MM:SSZ` in Unix seconds.
#[pyfunction]
pub fn parse_utc(text: &str) -> PyResult<u64> {
    kleroterion::time::parse_utc(text).ok_or_else(|| {
        errors::invalid(format!(
            "\"{}\" is not a UTC time: write it as YYYY-MM-DDTHH:MM:SSZ, e.g. 2026-12-01T12:00:00Z",
            core_display(text, 80)
        ))
    })
}

/// Replaces the people of `dropped` (tickets) who are on the panel; returns JSON. In a sealed
/// pool, `openings_json` gives the organiser's openings (a JSON list: every record's, or at
/// least those the rule reads beyond the bundle's); the record publishes those it read.
#[pyfunction]
#[pyo3(signature = (bundle, dropped, openings_json=None))]
pub fn replace(
    py: Python<'_>,
    bundle: &Bundle,
    dropped: Vec<String>,
    openings_json: Option<&str>,
) -> PyResult<String> {
    let openings = match openings_json {
        Some(text) => parse::<Vec<Opening>>("openings", text)?,
        None => Vec::new(),
    };
    let r = py.detach(|| kleroterion::replace_sealed(&bundle.bundle, &dropped, &openings).py())?;
    to_json("replacement", &r)
}

/// The seal an opening (JSON `{"ticket", "values", "salt"}`) opens, in hex (SPEC.md section
/// 4.1): `H("seal", str(ticket) || list(str, values) || raw32(salt))`.
#[pyfunction]
pub fn seal(opening_json: &str) -> PyResult<String> {
    let o: Opening = parse("opening", opening_json)?;
    Ok(o.seal().py()?.to_hex())
}

/// Checks a receipt (JSON) against a bundle; returns the answer as JSON.
#[pyfunction]
pub fn check_receipt(receipt_json: &str, bundle: &Bundle) -> PyResult<String> {
    let r = Receipt::from_json(receipt_json).py()?;
    to_json(
        "receipt check",
        &kleroterion::check_receipt(&r, &bundle.bundle).py()?,
    )
}

/// True when a receipt's proof puts its record at its index under its root.
#[pyfunction]
pub fn receipt_proof_verifies(receipt_json: &str) -> PyResult<bool> {
    Ok(Receipt::from_json(receipt_json).py()?.proof_verifies())
}

/// One RFC 3797 pick: MD5 in hex, entries remaining, 0-based index picked.
type Rfc3797Pick = (String, u32, u32);

/// RFC 3797 with sources given as texts of numbers (`"2 5 12 8 10"`), `count` picks among `n`
/// entries (the core's `key_of_sources` and `picks_detailed`); returns the key and, per pick,
/// `(md5 hex, entries remaining, 0-based index)`.
#[pyfunction]
pub fn rfc3797(sources: Vec<String>, n: u32, count: u32) -> PyResult<(String, Vec<Rfc3797Pick>)> {
    let key = key_of_sources(&sources).py()?;
    let picks = picks_detailed(&key, n, count)
        .py()?
        .into_iter()
        .map(|p| (to_hex(&p.md5), p.remaining, p.index))
        .collect();
    Ok((key, picks))
}

/// Largest-remainder (Hamilton) apportionment of `k` seats to integer sizes.
#[pyfunction]
pub fn largest_remainder(sizes: Vec<u32>, k: u32) -> PyResult<Vec<u32>> {
    if sizes.iter().all(|&s| s == 0) {
        return Err(errors::invalid("the shares add up to zero"));
    }
    Ok(stratified::largest_remainder(&sizes, k))
}

/// The protocol version.
pub const SPEC: &str = kleroterion::SPEC_VERSION;

/// The first round of a drand network (`quicknet`, `mainnet` or the chain hash of one of them)
/// produced at or after a UTC time (`YYYY-MM-DDTHH:MM:SSZ`, or `2026-12-01 12:00`...): the
/// core's `beacon::plan_round`, its `DrandRound` as JSON.
#[pyfunction]
pub fn first_drand_round(chain: &str, after: &str) -> PyResult<String> {
    to_json(
        "drand round",
        &kleroterion::beacon::plan_round(chain, after).py()?,
    )
}

/// A receipt secret from its 64 hex digits.
fn secret_bytes(text: &str) -> PyResult<[u8; 32]> {
    Ok(*digest(text, "secret")?.as_bytes())
}
