//! Private receipts: proof that one person is in the committed pool (SPEC.md section 13).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::digest::Digest;
use crate::draw::Bundle;
use crate::encoding::SPEC_VERSION;
use crate::error::{Error, Result};
use crate::manifest::PoolCommitment;
use crate::merkle::{MerkleTree, leaf_hash, verify_inclusion};
use crate::model::Record;
use crate::seal::Opening;
use crate::tickets::holder_of;

/// The format tag of a receipt.
pub const RECEIPT_FORMAT: &str = "kleroterion-receipt";

/// A person's private receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// `kleroterion-receipt`.
    pub format: String,
    /// `kleroterion/v2`.
    pub spec: String,
    /// The commitment of the draw.
    pub commitment: Digest,
    /// The committed pool root.
    pub pool_root: Digest,
    /// The committed pool size.
    pub pool_count: u32,
    /// The person's 0-based index in the pool.
    pub index: u32,
    /// The person's record.
    pub record: Record,
    /// The inclusion proof, from the leaf's sibling upwards.
    pub proof: Vec<Digest>,
    /// The holder's secret: `H("holder", raw32(secret))` is the record's `holder`.
    pub secret: Digest,
    /// In a sealed pool, the opening of the holder's record (SPEC.md section 4.1): the values
    /// its seal hides. Absent for an open record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening: Option<Opening>,
}

impl Receipt {
    /// The receipt of person `index`, from the tree over the committed pool, with the secret
    /// whose hash is their record's `holder` (refused otherwise).
    pub fn issue(
        commitment: Digest,
        tree: &MerkleTree,
        records: &[Record],
        index: u32,
        secret: &[u8; 32],
    ) -> Result<Self> {
        let record = records
            .get(index as usize)
            .cloned()
            .ok_or(Error::UnknownTicket {
                ticket: format!("#{index}"),
            })?;
        let proof = tree.proof(index as usize).ok_or(Error::UnknownTicket {
            ticket: record.ticket.clone(),
        })?;
        let root = tree.root().ok_or(Error::EmptyPool)?;
        Self::with_proof(
            commitment,
            PoolCommitment {
                root,
                count: records.len() as u32,
            },
            index,
            record,
            proof,
            secret,
        )
    }

    /// The receipt of person `index`, whose record and inclusion proof the caller has (for
    /// pools too large for a [`MerkleTree`], see [`crate::merkle::BlockTree`]). Refuses a
    /// secret that does not open the record's `holder`.
    pub fn with_proof(
        commitment: Digest,
        pool: PoolCommitment,
        index: u32,
        record: Record,
        proof: Vec<Digest>,
        secret: &[u8; 32],
    ) -> Result<Self> {
        if holder_of(secret) != record.holder {
            return Err(Error::ReceiptMismatch {
                detail: alloc::format!(
                    "the secret given for ticket \"{}\" does not open its record's holder",
                    record.ticket
                ),
            });
        }
        Ok(Self {
            format: RECEIPT_FORMAT.into(),
            spec: SPEC_VERSION.into(),
            commitment,
            pool_root: pool.root,
            pool_count: pool.count,
            index,
            record,
            proof,
            secret: Digest::from_array(*secret),
            opening: None,
        })
    }

    /// The receipt with the opening of its sealed record, refused when it does not open it.
    pub fn with_opening(mut self, opening: Opening) -> Result<Self> {
        if opening.ticket != self.record.ticket || self.record.seal != Some(opening.seal()?) {
            return Err(Error::ReceiptMismatch {
                detail: format!(
                    "the opening given for ticket \"{}\" does not open its sealed record",
                    crate::text::display(&self.record.ticket, crate::text::DISPLAY_LIMIT)
                ),
            });
        }
        self.opening = Some(opening);
        Ok(self)
    }

    /// The holder's values: the record's, or in a sealed pool the opening's.
    pub fn values(&self) -> &[String] {
        match &self.opening {
            Some(o) => &o.values,
            None => &self.record.values,
        }
    }

    /// Reads a receipt from JSON.
    pub fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| Error::Json {
            what: "receipt",
            detail: format!("{e}"),
        })
    }

    /// True when the proof puts this record at this index under the receipt's root.
    pub fn proof_verifies(&self) -> bool {
        leaf_hash(&self.record).is_ok_and(|l| {
            verify_inclusion(
                &l,
                u64::from(self.index),
                u64::from(self.pool_count),
                &self.proof,
                &self.pool_root,
            )
        })
    }
}

/// What happened to the receipt's holder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ReceiptOutcome {
    /// On the panel, at this 1-based position of the draw order.
    Selected {
        /// 1-based position.
        position: u32,
    },
    /// Alternate number `number` (1-based).
    Alternate {
        /// 1-based alternate number.
        number: u32,
    },
    /// In the pool but neither selected nor an alternate.
    NotSelected,
}

/// The answer to "what happened to me?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptCheck {
    /// The ticket.
    pub ticket: String,
    /// The features recorded, as `(feature, value)`.
    pub features: Vec<(String, String)>,
    /// The outcome.
    pub outcome: ReceiptOutcome,
}

/// Checks a receipt against a bundle; an error means "this receipt does not match this draw".
pub fn check_receipt(receipt: &Receipt, bundle: &Bundle) -> Result<ReceiptCheck> {
    let mismatch = |detail: String| Error::ReceiptMismatch { detail };
    if receipt.commitment != bundle.commitment {
        return Err(mismatch("the receipt belongs to another commitment".into()));
    }
    if receipt.pool_root != bundle.manifest.pool.root
        || receipt.pool_count != bundle.manifest.pool.count
    {
        return Err(mismatch(
            "the receipt's pool root or size differs from the draw's".into(),
        ));
    }
    if !receipt.proof_verifies() {
        return Err(mismatch(
            "the receipt's inclusion proof does not lead to the committed root".into(),
        ));
    }
    if bundle.pool.get(receipt.index as usize) != Some(&receipt.record) {
        return Err(mismatch(
            "the published pool holds a different record at the receipt's index".into(),
        ));
    }
    if holder_of(receipt.secret.as_bytes()) != receipt.record.holder {
        return Err(mismatch(
            "the receipt's secret does not open its record's holder: this receipt was not issued to the record's holder (a receipt rebuilt from the public pool has no valid secret)".into(),
        ));
    }
    check_opening(receipt, bundle)?;
    let t = &receipt.record.ticket;
    let outcome = if let Some(p) = bundle.result.selected.iter().position(|s| s == t) {
        ReceiptOutcome::Selected {
            position: p as u32 + 1,
        }
    } else if let Some(p) = bundle.result.alternates.iter().position(|s| s == t) {
        ReceiptOutcome::Alternate {
            number: p as u32 + 1,
        }
    } else {
        ReceiptOutcome::NotSelected
    };
    let features = bundle
        .manifest
        .features
        .iter()
        .zip(receipt.values())
        .map(|(f, v)| (f.name.clone(), v.clone()))
        .collect();
    Ok(ReceiptCheck {
        ticket: t.clone(),
        features,
        outcome,
    })
}

/// Check 5 of SPEC.md section 13: a sealed record's receipt carries an opening that opens it,
/// an open record's carries none.
fn check_opening(receipt: &Receipt, bundle: &Bundle) -> Result<()> {
    let mismatch = |detail: &str| Error::ReceiptMismatch {
        detail: detail.into(),
    };
    match (&receipt.opening, receipt.record.seal) {
        (None, None) => Ok(()),
        (Some(_), None) => Err(mismatch(
            "the receipt carries an opening, but its record is open: this receipt does not match this draw",
        )),
        (None, Some(_)) => Err(mismatch(
            "the record is sealed and the receipt carries no opening of it: ask the organiser for the complete receipt",
        )),
        (Some(o), Some(_)) => o
            .resolve(&bundle.manifest.features, &receipt.record)
            .map(|_| ())
            .map_err(|e| {
                Error::ReceiptMismatch {
                    detail: format!(
                        "the receipt's opening does not open its sealed record ({e}): this receipt does not match this draw"
                    ),
                }
            }),
    }
}
