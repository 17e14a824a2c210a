//! Drawing: from a manifest, the pool and a reveal to a bundle (SPEC.md section 11).

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::alternates::ReplacementOrder;
use crate::compact::CompactPool;
use crate::digest::Digest;
use crate::encoding::{Encoder, SPEC_VERSION, tagged_hash};
use crate::error::{Error, Result};
use crate::manifest::{Manifest, Method};
use crate::merkle::{MerkleTree, pool_root};
use crate::methods::{draw_panel_logged, lottery::check_portfolio};
use crate::model::{Record, ResolvedPool};
use crate::receipt::Receipt;
use crate::reveal::Reveal;
use crate::seal::Opening;
use crate::trace::Log;

/// The format tag of a bundle.
pub const BUNDLE_FORMAT: &str = "kleroterion-bundle";

/// The outcome of a draw, as tickets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrawResult {
    /// Selected tickets, in draw order.
    pub selected: Vec<String>,
    /// Alternates, in order.
    pub alternates: Vec<String>,
    /// How many panels `maxent` rejected before this one; absent for the other methods (never
    /// `null`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub rejections: Option<u32>,
}

/// A field that is absent or a number, never `null` (SPEC.md section 14).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> core::result::Result<Option<u32>, D::Error> {
    u32::deserialize(d).map(Some)
}

/// Everything needed to verify a draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    /// `kleroterion-bundle`.
    pub format: String,
    /// `kleroterion/v2`.
    pub spec: String,
    /// The committed manifest.
    pub manifest: Manifest,
    /// The published commitment.
    pub commitment: Digest,
    /// The pool records, in pool order.
    pub pool: Vec<Record>,
    /// The revealed randomness.
    pub reveal: Reveal,
    /// The seed.
    pub seed: Digest,
    /// The result.
    pub result: DrawResult,
    /// The transcript hash.
    pub transcript: Digest,
    /// In a sealed pool, the openings of the panel then of the alternates, in order (SPEC.md
    /// section 11); empty for an open pool.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub openings: Vec<Opening>,
}

impl Bundle {
    /// Reads a bundle from JSON.
    pub fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| Error::Json {
            what: "bundle",
            detail: alloc::format!("{e}"),
        })
    }

    /// Writes the bundle as pretty JSON.
    pub fn to_json(&self) -> Result<String> {
        let view = BundleView {
            format: &self.format,
            spec: &self.spec,
            manifest: &self.manifest,
            commitment: &self.commitment,
            pool: &self.pool,
            reveal: &self.reveal,
            seed: &self.seed,
            result: &self.result,
            transcript: &self.transcript,
            openings: &self.openings,
        };
        serde_json::to_string_pretty(&view).map_err(|e| Error::Json {
            what: "bundle",
            detail: alloc::format!("{e}"),
        })
    }
}

/// A manifest checked against its pool, with its commitment (from [`Manifest::commit`]): a
/// draw that can run once the randomness is known.
#[derive(Debug, Clone)]
pub struct CommittedDraw {
    manifest: Manifest,
    records: Vec<Record>,
    pool: ResolvedPool,
    commitment: Digest,
    openings: Vec<Opening>,
}

impl CommittedDraw {
    pub(crate) fn new(manifest: Manifest, records: Vec<Record>) -> Result<Self> {
        let pool = check_committed(&manifest, &records)?;
        let commitment = manifest.commitment()?;
        Ok(Self {
            manifest,
            records,
            pool,
            commitment,
            openings: Vec::new(),
        })
    }

    /// Gives a sealed draw (SPEC.md section 4.1) the openings of every record, in pool order:
    /// each must open its record, and the portfolio's panels are then checked against every
    /// quota, as the organiser alone can. The bundle then opens the panel and the alternates,
    /// and each receipt its holder's record.
    pub fn with_openings(mut self, openings: Vec<Opening>) -> Result<Self> {
        if !self.manifest.sealed {
            return Err(Error::OpeningMismatch {
                detail: "the manifest does not seal the features: there is nothing to open".into(),
            });
        }
        if openings.len() != self.records.len() {
            return Err(Error::OpeningMismatch {
                detail: alloc::format!(
                    "{} openings given for {} records; give one per record, in pool order",
                    openings.len(),
                    self.records.len()
                ),
            });
        }
        for (i, (o, r)) in openings.iter().zip(&self.records).enumerate() {
            let row = o.resolve(&self.manifest.features, r)?;
            self.pool.open(i, &row);
        }
        check_portfolio_of(&self.manifest, &self.pool)?;
        self.openings = openings;
        Ok(self)
    }

    /// The opening of the record at pool index `i` (none for an open pool).
    pub fn opening(&self, i: usize) -> Option<&Opening> {
        self.openings.get(i)
    }

    /// The commitment to publish before the randomness exists.
    pub fn commitment(&self) -> Digest {
        self.commitment
    }

    /// The manifest committed to.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The pool records, in pool order.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// Draws with the revealed randomness: checks the reveal against the recipe, derives the
    /// seed, runs the method and the alternates.
    pub fn draw(&self, reveal: &Reveal) -> Result<Bundle> {
        let ticket = |i: u32| self.records[i as usize].ticket.clone();
        let mut drawn = draw_resolved(&self.manifest, &self.pool, &ticket, reveal)?;
        drawn.open(&self.manifest, |i| self.openings.get(i as usize).cloned())?;
        Ok(drawn.into_bundle(&self.manifest, &self.records, reveal))
    }

    /// Every person's private receipt, in pool order (the Merkle tree is built once), with the
    /// secret of the person at each pool index (for example [`crate::Roster::secret`]).
    pub fn receipts(&self, secret_of: impl Fn(usize) -> [u8; 32]) -> Result<Vec<Receipt>> {
        let tree = MerkleTree::from_records(&self.records)?;
        (0..self.records.len() as u32)
            .map(|i| {
                let receipt = Receipt::issue(
                    self.commitment,
                    &tree,
                    &self.records,
                    i,
                    &secret_of(i as usize),
                )?;
                match self.openings.get(i as usize) {
                    Some(o) => receipt.with_opening(o.clone()),
                    None if self.manifest.sealed => Err(missing_openings()),
                    None => Ok(receipt),
                }
            })
            .collect()
    }

    /// The manifest and the records back.
    pub fn into_parts(self) -> (Manifest, Vec<Record>) {
        (self.manifest, self.records)
    }
}

/// Checks a manifest and its pool together: SPEC.md sections 5.1, 5.2 and the portfolio.
///
/// Returns the pool resolved against the features.
pub fn check_committed(manifest: &Manifest, records: &[Record]) -> Result<ResolvedPool> {
    let pool = check_before_count(manifest, records)?;
    check_count_of(manifest, &pool)?;
    Ok(pool)
}

/// [`check_committed`] but the `maxent` count, for a draw, which makes the count itself.
fn check_before_count(manifest: &Manifest, records: &[Record]) -> Result<ResolvedPool> {
    manifest.validate()?;
    check_pool(manifest, records)?;
    crate::seal::check_sealing(manifest.sealed, records)?;
    crate::chain::check_links(manifest, records)?;
    let pool = ResolvedPool::new(&manifest.features, records)?;
    crate::disclosure::check(manifest, &pool, |i| records[i].ticket.clone())?;
    check_portfolio_of(manifest, &pool)?;
    Ok(pool)
}

/// Makes the `maxent` count (a no-op for other methods), refusing one over the cell limit
/// (SPEC.md section 9.6) before a commitment is given.
pub fn check_count_of(manifest: &Manifest, pool: &ResolvedPool) -> Result<()> {
    if let Some(params) = manifest.method.maxent_params() {
        crate::methods::maxent::Count::new(manifest, pool, params.counted, params.weights)?;
    }
    Ok(())
}

/// Checks the pool's count and root against the manifest.
pub fn check_pool(manifest: &Manifest, records: &[Record]) -> Result<()> {
    check_root(manifest, records.len() as u64, pool_root(records)?)
}

/// Checks a pool's record count and Merkle root (`None` for an empty pool) against the
/// manifest.
pub fn check_root(manifest: &Manifest, count: u64, root: Option<Digest>) -> Result<()> {
    if count != u64::from(manifest.pool.count) {
        return Err(Error::PoolRootMismatch {
            detail: alloc::format!(
                "{count} records published, {} committed",
                manifest.pool.count
            ),
        });
    }
    let root = root.ok_or(Error::EmptyPool)?;
    if root != manifest.pool.root {
        return Err(Error::PoolRootMismatch {
            detail: alloc::format!(
                "the records hash to {root}, the manifest commits to {}",
                manifest.pool.root
            ),
        });
    }
    Ok(())
}

/// Checks the lottery portfolio (a no-op for other methods): the quotas only of panels whose
/// members' values are open (SPEC.md section 9.4).
pub fn check_portfolio_of(manifest: &Manifest, pool: &ResolvedPool) -> Result<()> {
    if let Method::Lottery { portfolio } = &manifest.method {
        check_portfolio(
            portfolio,
            &manifest.features,
            pool,
            manifest.panel_size,
            manifest.household_rule,
        )?;
    }
    Ok(())
}

/// Selected and alternates as pool indices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Selected, in draw order.
    pub selected: Vec<u32>,
    /// Alternates, in order.
    pub alternates: Vec<u32>,
    /// How many panels `maxent` rejected before the panel; `None` for the other methods.
    pub rejections: Option<u32>,
}

/// Runs the method and the alternates for a checked manifest and pool.
pub fn compute_outcome(
    manifest: &Manifest,
    pool: &ResolvedPool,
    seed: &Digest,
    reveal: &Reveal,
) -> Result<Outcome> {
    outcome_logged(manifest, pool, seed, reveal, &mut Log::off())
}

/// [`compute_outcome`], recording every pick in `log` ([`crate::trace`]).
pub(crate) fn outcome_logged(
    manifest: &Manifest,
    pool: &ResolvedPool,
    seed: &Digest,
    reveal: &Reveal,
    log: &mut Log,
) -> Result<Outcome> {
    let panel = draw_panel_logged(manifest, pool, seed, reveal, log)?;
    let alternates = match panel.alternates {
        Some(a) => a,
        None => ReplacementOrder::new(pool, &panel.selected, manifest.household_rule, seed)
            .first_logged(manifest.alternates, log),
    };
    Ok(Outcome {
        selected: panel.selected,
        alternates,
        rejections: panel.rejections,
    })
}

/// `transcript = H("transcript", raw32(commitment) || raw32(seed) || res)`.
pub fn transcript(commitment: &Digest, seed: &Digest, outcome: &Outcome) -> Result<Digest> {
    let mut e = Encoder::new();
    e.raw32(commitment)
        .raw32(seed)
        .u32_list(&outcome.selected)?
        .u32_list(&outcome.alternates)?;
    if let Some(r) = outcome.rejections {
        e.u32(r);
    }
    Ok(tagged_hash("transcript", e.as_bytes()))
}

/// Checks the reveal against the manifest's recipe (any well-formed reveal without one).
pub fn check_reveal(manifest: &Manifest, reveal: &Reveal) -> Result<Vec<String>> {
    match &manifest.randomness {
        Some(recipe) => reveal.check_against(recipe),
        None => reveal.check_unbound(),
    }
}

/// A draw's results: everything a bundle holds besides the manifest, the pool and the reveal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn {
    /// The manifest's commitment.
    pub commitment: Digest,
    /// The seed.
    pub seed: Digest,
    /// Selected and alternates as pool indices.
    pub outcome: Outcome,
    /// Selected and alternates as tickets.
    pub result: DrawResult,
    /// The transcript hash.
    pub transcript: Digest,
    /// In a sealed pool, the openings of the panel then of the alternates ([`Drawn::open`]).
    pub openings: Vec<Opening>,
}

/// The error of a sealed draw asked to open what it was not given.
fn missing_openings() -> Error {
    Error::OpeningMismatch {
        detail: "the features are sealed, and the openings were not given: give every record's opening (the organiser's private openings file)".into(),
    }
}

impl Drawn {
    /// In a sealed pool, attaches the openings of the panel then of the alternates, which
    /// `opening_of` gives by pool index; a no-op for an open pool.
    pub fn open(
        &mut self,
        manifest: &Manifest,
        opening_of: impl Fn(u32) -> Option<Opening>,
    ) -> Result<()> {
        if !manifest.sealed {
            return Ok(());
        }
        self.openings = self
            .outcome
            .selected
            .iter()
            .chain(&self.outcome.alternates)
            .map(|&i| opening_of(i).ok_or_else(missing_openings))
            .collect::<Result<Vec<_>>>()?;
        Ok(())
    }

    /// The bundle of this draw, owning copies of its parts.
    pub fn into_bundle(self, manifest: &Manifest, records: &[Record], reveal: &Reveal) -> Bundle {
        Bundle {
            format: BUNDLE_FORMAT.into(),
            spec: SPEC_VERSION.into(),
            manifest: manifest.clone(),
            commitment: self.commitment,
            pool: records.to_vec(),
            reveal: reveal.clone(),
            seed: self.seed,
            result: self.result,
            transcript: self.transcript,
            openings: self.openings,
        }
    }

    /// The bundle of this draw, as a serialisable view over borrowed parts: serialising it
    /// gives the same JSON as the [`Bundle`] with the same parts, without a copy of the pool
    /// (`pool` may be a [`CompactPool::serialize_records`]).
    pub fn bundle<'a, P: Serialize>(
        &'a self,
        manifest: &'a Manifest,
        pool: P,
        reveal: &'a Reveal,
    ) -> BundleView<'a, P> {
        BundleView {
            format: BUNDLE_FORMAT,
            spec: SPEC_VERSION,
            manifest,
            commitment: &self.commitment,
            pool,
            reveal,
            seed: &self.seed,
            result: &self.result,
            transcript: &self.transcript,
            openings: &self.openings,
        }
    }
}

/// A [`Bundle`] over borrowed parts, for writing one without copying its pool
/// ([`Drawn::bundle`]). Its fields are the bundle's, in the same order.
#[derive(Debug, Clone, Serialize)]
pub struct BundleView<'a, P> {
    format: &'a str,
    spec: &'a str,
    manifest: &'a Manifest,
    commitment: &'a Digest,
    pool: P,
    reveal: &'a Reveal,
    seed: &'a Digest,
    result: &'a DrawResult,
    transcript: &'a Digest,
    #[serde(skip_serializing_if = "<[Opening]>::is_empty")]
    openings: &'a [Opening],
}

/// Draws from a resolved pool whose tickets `ticket` gives: checks the reveal, derives the
/// seed, runs the method and the alternates.
fn draw_resolved(
    manifest: &Manifest,
    pool: &ResolvedPool,
    ticket: &dyn Fn(u32) -> String,
    reveal: &Reveal,
) -> Result<Drawn> {
    check_reveal(manifest, reveal)?;
    let commitment = manifest.commitment()?;
    let seed = reveal.seed(&commitment)?;
    let outcome = compute_outcome(manifest, pool, &seed, reveal)?;
    let transcript = transcript(&commitment, &seed, &outcome)?;
    let tickets = |xs: &[u32]| xs.iter().map(|&i| ticket(i)).collect();
    Ok(Drawn {
        commitment,
        seed,
        result: DrawResult {
            selected: tickets(&outcome.selected),
            alternates: tickets(&outcome.alternates),
            rejections: outcome.rejections,
        },
        outcome,
        transcript,
        openings: Vec::new(),
    })
}

/// Draws from a compact pool ([`crate::compact`]), for pools too large to hold as records:
/// checks the manifest, the pool's count, root and portfolio against it, and the reveal, then
/// draws as [`draw`] does. Write the bundle with [`Drawn::bundle`].
pub fn draw_compact(manifest: &Manifest, pool: &CompactPool, reveal: &Reveal) -> Result<Drawn> {
    manifest.validate()?;
    check_root(manifest, pool.len() as u64, pool.root())?;
    pool.check_sealing(manifest.sealed)?;
    crate::disclosure::check(manifest, pool.resolved(), |i| {
        pool.ticket(i).unwrap_or_default().into()
    })?;
    check_portfolio_of(manifest, pool.resolved())?;
    let ticket = |i: u32| pool.ticket(i as usize).unwrap_or_default().into();
    draw_resolved(manifest, pool.resolved(), &ticket, reveal)
}

/// Draws: checks everything, derives the seed, runs the method and the alternates.
///
/// The low-level form of [`CommittedDraw::draw`], for callers that hold a manifest and records
/// from files: it refuses the same inputs, and a sealed pool, whose openings only
/// [`CommittedDraw::with_openings`] takes.
pub fn draw(manifest: &Manifest, records: &[Record], reveal: &Reveal) -> Result<Bundle> {
    let pool = check_before_count(manifest, records)?;
    let ticket = |i: u32| records[i as usize].ticket.clone();
    let mut drawn = draw_resolved(manifest, &pool, &ticket, reveal)?;
    // A sealed pool's bundle must open its panel: this path has no openings to give
    // ([`CommittedDraw::with_openings`] does).
    drawn.open(manifest, |_| None)?;
    Ok(drawn.into_bundle(manifest, records, reveal))
}
