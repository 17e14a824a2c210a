//! Sealed features (SPEC.md section 4.1): records that publish a salted commitment to their
//! values, and the openings that make some of them known.
//!
//! In a sealed pool every record carries
//! `seal = H("seal", str(ticket) || list(str, values) || raw32(salt))` instead of its values.
//! An [`Opening`] `(ticket, values, salt)` opens the record with the same ticket when it hashes
//! to its seal. A bundle opens the panel and the alternates, a replacement record the
//! candidates its rule read, and a receipt its holder's record.
//!
//! ```
//! use kleroterion::seal::Opening;
//! use kleroterion::{Digest, Feature};
//!
//! let features = [Feature::new("age", [("young", 0, 2), ("old", 0, 2)])];
//! let opening = Opening::new("7F3A-91C2-0B5E-44D1", vec!["old".into()], [9; 32]);
//! let record = opening.sealed_record(None, Digest::from_array([0; 32]))?;
//! assert!(record.values.is_empty());
//! assert_eq!(opening.resolve(&features, &record)?, vec![1]);
//!
//! let forged = Opening::new("7F3A-91C2-0B5E-44D1", vec!["young".into()], [9; 32]);
//! assert!(forged.resolve(&features, &record).is_err());
//! # Ok::<(), kleroterion::Error>(())
//! ```

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::digest::Digest;
use crate::encoding::{Encoder, tagged_hash};
use crate::error::{Error, Result};
use crate::model::{Feature, Record, ResolvedPool, TicketIndex};

/// The label of a salt made with a ticket key: `HMAC-SHA256(key, "salt" || 0x00 || id)`.
pub const SALT_LABEL: &str = "salt";

/// `H("seal", str(ticket) || list(str, values) || raw32(salt))`.
pub fn seal_of(ticket: &str, values: &[String], salt: &Digest) -> Result<Digest> {
    let mut e = Encoder::new();
    e.str(ticket)?;
    e.count(values.len(), "values")?;
    for v in values {
        e.str(v)?;
    }
    e.raw32(salt);
    Ok(tagged_hash("seal", e.as_bytes()))
}

/// The opening of a sealed record: its ticket, its values and the salt of its seal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Opening {
    /// The ticket of the record opened.
    pub ticket: String,
    /// One value name per feature, in feature order.
    pub values: Vec<String>,
    /// The 32-byte salt.
    pub salt: Digest,
}

impl Opening {
    /// The opening of `ticket` with these values and salt.
    pub fn new(ticket: impl Into<String>, values: Vec<String>, salt: [u8; 32]) -> Self {
        Self {
            ticket: ticket.into(),
            values,
            salt: Digest::from_array(salt),
        }
    }

    /// The seal this opening opens.
    pub fn seal(&self) -> Result<Digest> {
        seal_of(&self.ticket, &self.values, &self.salt)
    }

    /// The sealed record of this opening, with the person's household tag and `holder`, and
    /// no link.
    pub fn sealed_record(&self, household: Option<String>, holder: Digest) -> Result<Record> {
        Ok(Record {
            ticket: self.ticket.clone(),
            values: Vec::new(),
            seal: Some(self.seal()?),
            household,
            holder,
            link: None,
        })
    }

    /// Checks that this opening opens `record` (SPEC.md section 4.1) and returns its values
    /// as indices into the features: one declared value per feature ([`Error::WrongValueCount`],
    /// [`Error::UnknownValue`]), the record's ticket and seal ([`Error::OpeningMismatch`]).
    pub fn resolve(&self, features: &[Feature], record: &Record) -> Result<Vec<u32>> {
        let shown = |t: &str| crate::text::display(t, crate::text::DISPLAY_LIMIT);
        if self.ticket != record.ticket {
            return Err(Error::OpeningMismatch {
                detail: format!(
                    "an opening of ticket \"{}\" was given for ticket \"{}\"",
                    shown(&self.ticket),
                    shown(&record.ticket)
                ),
            });
        }
        let Some(seal) = record.seal else {
            return Err(Error::OpeningMismatch {
                detail: format!(
                    "ticket \"{}\" is an open record: it has no seal to open",
                    shown(&record.ticket)
                ),
            });
        };
        if self.values.len() != features.len() {
            return Err(Error::WrongValueCount {
                ticket: self.ticket.clone(),
                found: self.values.len(),
                expected: features.len(),
            });
        }
        let row = features
            .iter()
            .zip(&self.values)
            .map(|(f, v)| {
                f.value_index(v)
                    .map(|i| i as u32)
                    .ok_or_else(|| Error::UnknownValue {
                        ticket: self.ticket.clone(),
                        feature: f.name.clone(),
                        value: v.clone(),
                    })
            })
            .collect::<Result<Vec<u32>>>()?;
        if self.seal()? != seal {
            return Err(Error::OpeningMismatch {
                detail: format!(
                    "the opening of ticket \"{}\" does not hash to its record's seal: its values or its salt are not those committed",
                    shown(&record.ticket)
                ),
            });
        }
        Ok(row)
    }
}

/// Checks that the records are sealed exactly when the manifest says `sealed`, and that no
/// sealed record has values ([`Error::SealedRecord`], SPEC.md section 5.2).
pub fn check_sealing(sealed: bool, records: &[Record]) -> Result<()> {
    records
        .iter()
        .try_for_each(|r| check_record_sealing(sealed, r))
}

/// [`check_sealing`] for one record.
pub fn check_record_sealing(sealed: bool, r: &Record) -> Result<()> {
    let detail = match (sealed, r.seal.is_some(), r.values.is_empty()) {
        (true, false, _) => {
            "the manifest seals the features, but this record publishes its values and no seal; commit the pool again with sealed records"
        }
        (false, true, _) => {
            "this record is sealed, but the manifest does not seal the features; a sealed pool needs `sealed: true` in the manifest (lottery method only)"
        }
        (true, true, false) => {
            "a sealed record publishes its seal and no values; drop the values, which the seal hides"
        }
        _ => return Ok(()),
    };
    Err(Error::SealedRecord {
        ticket: crate::text::display(&r.ticket, crate::text::DISPLAY_LIMIT),
        detail: detail.into(),
    })
}

/// Opens the records named by `openings`, in order, in a resolved pool, checking each against
/// its record.
pub fn apply(
    pool: &mut ResolvedPool,
    features: &[Feature],
    records: &[Record],
    index: &TicketIndex<'_>,
    openings: &[Opening],
) -> Result<()> {
    for o in openings {
        let i = index.get(&o.ticket).ok_or_else(|| Error::OpeningMismatch {
            detail: format!(
                "ticket \"{}\" is not in the committed pool",
                crate::text::display(&o.ticket, crate::text::DISPLAY_LIMIT)
            ),
        })? as usize;
        let row = o.resolve(features, &records[i])?;
        pool.open(i, &row);
    }
    Ok(())
}

/// The organiser's private file of every opening, in pool order (`private/openings.json`):
/// `{"spec": "kleroterion/v2", "openings": [...]}`. It never goes public: the draw takes the
/// openings of the panel and the alternates from it, a replacement those its rule reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpeningsFile {
    /// `kleroterion/v2`.
    pub spec: String,
    /// Every record's opening, in pool order.
    pub openings: Vec<Opening>,
}

impl OpeningsFile {
    /// The file of these openings.
    pub fn new(openings: Vec<Opening>) -> Self {
        Self {
            spec: crate::encoding::SPEC_VERSION.into(),
            openings,
        }
    }

    /// Reads an openings file from JSON.
    pub fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| Error::Json {
            what: "openings",
            detail: format!("{e}"),
        })
    }
}
