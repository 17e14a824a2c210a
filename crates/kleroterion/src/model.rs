//! Features, quotas and pool records.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::digest::Digest;
use crate::encoding::Encoder;
use crate::error::{Error, Result};
use crate::text::{TextKind, check};

/// One value of a feature with its min/max quota.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueQuota {
    /// The value's name, e.g. `"woman"`.
    pub value: String,
    /// At least this many panel members have this value.
    pub min: u32,
    /// At most this many panel members have this value.
    pub max: u32,
}

/// A feature (gender, age band, commune...) and its ordered values.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feature {
    /// The feature's name.
    pub name: String,
    /// Its values, in declared order.
    pub values: Vec<ValueQuota>,
}

impl ValueQuota {
    /// A value with its quota: between `min` and `max` panel members have it.
    pub fn new(value: impl Into<String>, min: u32, max: u32) -> Self {
        Self {
            value: value.into(),
            min,
            max,
        }
    }
}

impl Feature {
    /// A feature from its name and its `(value, min, max)` quotas, in order.
    pub fn new<V: Into<String>>(
        name: impl Into<String>,
        values: impl IntoIterator<Item = (V, u32, u32)>,
    ) -> Self {
        Self {
            name: name.into(),
            values: values
                .into_iter()
                .map(|(value, min, max)| ValueQuota::new(value, min, max))
                .collect(),
        }
    }

    /// The position of a value by name.
    pub fn value_index(&self, value: &str) -> Option<usize> {
        self.values.iter().position(|v| v.value == value)
    }

    pub(crate) fn encode(&self, e: &mut Encoder) -> Result<()> {
        e.str(&self.name)?;
        e.count(self.values.len(), "values")?;
        for v in &self.values {
            e.str(&v.value)?;
            e.u32(v.min).u32(v.max);
        }
        Ok(())
    }
}

/// One person of the pool, pseudonymously.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// The pseudonymous ticket given privately to the person.
    pub ticket: String,
    /// One value name per feature, in feature order; empty in a sealed record.
    pub values: Vec<String>,
    /// The seal of a sealed record (SPEC.md section 4.1): a salted commitment to the values,
    /// which the record then does not publish. Absent from an open record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal: Option<Digest>,
    /// The household tag, when the person shares a household with someone else in the pool
    /// and the household rule is on.
    #[serde(default)]
    pub household: Option<String>,
    /// `H("holder", raw32(secret))`, the secret being in the person's receipt.
    pub holder: Digest,
    /// In a stage that names a previous stage (SPEC.md section 5.3), the ticket, in that
    /// stage, of the invitee this record comes from. Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

impl Record {
    /// `rec(r)` of SPEC.md section 4, or `srec(r)` of section 4.1 for a sealed record.
    pub fn canonical_bytes(&self) -> Result<Vec<u8>> {
        let mut e = Encoder::new();
        e.str(&self.ticket)?;
        match &self.seal {
            Some(seal) => {
                e.raw32(seal);
            }
            None => {
                e.count(self.values.len(), "values")?;
                for v in &self.values {
                    e.str(v)?;
                }
            }
        }
        match &self.household {
            None => {
                e.u8(0);
            }
            Some(h) => {
                e.u8(1).str(h)?;
            }
        }
        e.raw32(&self.holder);
        match &self.link {
            None => {
                e.u8(0);
            }
            Some(l) => {
                e.u8(1).str(l)?;
            }
        }
        Ok(e.into_bytes())
    }

    /// Checks the texts of the record (SPEC.md section 3).
    pub fn check_texts(&self) -> Result<()> {
        check(&self.ticket, TextKind::Ticket, || "ticket".into())?;
        for v in &self.values {
            check(v, TextKind::Name, || {
                format!("ticket \"{}\": value", self.ticket)
            })?;
        }
        if let Some(h) = &self.household {
            check(h, TextKind::Name, || {
                format!("ticket \"{}\": household", self.ticket)
            })?;
        }
        if let Some(l) = &self.link {
            check(l, TextKind::Ticket, || {
                format!("ticket \"{}\": link", self.ticket)
            })?;
        }
        Ok(())
    }
}

/// A pool resolved against its features: value indices per person, households as ids.
///
/// This is the form every method works on, stored flat (one `u32` per person and feature) so
/// that a national roll fits in memory. Build it with [`ResolvedPool::new`], which checks
/// SPEC.md section 5.2 (except the Merkle root, see [`crate::merkle`]).
#[derive(Debug, Clone)]
pub struct ResolvedPool {
    people: usize,
    features: usize,
    values: Vec<u32>,
    /// `sealed[i]` is true when person `i`'s record is sealed (empty when none is).
    sealed: Vec<bool>,
    /// `closed[i]` is true while person `i`'s record is sealed and unopened.
    closed: Vec<bool>,
    /// `household[i]` is a small id shared by people with the same household key.
    pub household: Vec<Option<u32>>,
}

impl ResolvedPool {
    /// Resolves records against features, checking tickets, value counts and values.
    pub fn new(features: &[Feature], records: &[Record]) -> Result<Self> {
        if records.is_empty() {
            return Err(Error::EmptyPool);
        }
        u32::try_from(records.len()).map_err(|_| Error::TooLarge { field: "pool" })?;
        let mut tickets: Vec<&str> = records.iter().map(|r| r.ticket.as_str()).collect();
        tickets.sort_unstable();
        if let Some(w) = tickets.windows(2).find(|w| w[0] == w[1]) {
            return Err(Error::DuplicateTicket {
                ticket: w[0].into(),
            });
        }
        let mut b = crate::compact::PoolBuilder::unhashed(features);
        for r in records {
            b.push(r)?;
        }
        Ok(b.finish()?.into_resolved())
    }

    /// A pool from its parts (for [`crate::compact::PoolBuilder`]).
    pub(crate) fn from_parts(
        people: usize,
        features: usize,
        values: Vec<u32>,
        sealed: Vec<bool>,
        household: Vec<Option<u32>>,
    ) -> Self {
        Self {
            people,
            features,
            values,
            closed: sealed.clone(),
            sealed,
            household,
        }
    }

    /// True when person `i`'s values are known: an open record, or a sealed one opened with
    /// [`ResolvedPool::open`].
    pub fn is_open(&self, i: usize) -> bool {
        !self.closed.get(i).copied().unwrap_or(false)
    }

    /// True when person `i`'s record is sealed (SPEC.md section 4.1), opened since or not.
    pub fn was_sealed(&self, i: usize) -> bool {
        self.sealed.get(i).copied().unwrap_or(false)
    }

    /// The first person whose values are still sealed among `people`, if any.
    pub fn first_sealed(&self, people: &[u32]) -> Option<u32> {
        people.iter().copied().find(|&p| !self.is_open(p as usize))
    }

    /// Gives sealed person `i` the value indices of an opening checked against their seal
    /// ([`crate::seal::Opening::resolve`]).
    pub fn open(&mut self, i: usize, row: &[u32]) {
        let f = self.features;
        if row.len() == f
            && let (Some(slot), Some(dst)) = (
                self.closed.get_mut(i),
                self.values.get_mut(i * f..(i + 1) * f),
            )
        {
            dst.copy_from_slice(row);
            *slot = false;
        }
    }

    /// The number of people.
    pub fn len(&self) -> usize {
        self.people
    }

    /// The number of features each person has a value for.
    pub fn feature_count(&self) -> usize {
        self.features
    }

    /// True when there is no one (never, for a pool built by [`ResolvedPool::new`]).
    pub fn is_empty(&self) -> bool {
        self.people == 0
    }

    /// Person `i`'s value indices, one per feature (empty beyond the pool).
    pub fn row(&self, i: usize) -> &[u32] {
        self.values
            .get(i * self.features..(i + 1) * self.features)
            .unwrap_or_default()
    }

    /// The index of person `i`'s value for feature `f`.
    pub fn value(&self, i: usize, f: usize) -> u32 {
        self.row(i).get(f).copied().unwrap_or(u32::MAX)
    }

    /// Every person's row, in pool order.
    pub fn rows(&self) -> impl Iterator<Item = &[u32]> {
        (0..self.people).map(|i| self.row(i))
    }
}

/// The published pool file: `{"spec": "kleroterion/v2", "records": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolFile {
    /// `kleroterion/v2`.
    pub spec: String,
    /// The records, in pool order.
    pub records: Vec<Record>,
}

impl PoolFile {
    /// Reads a pool file from JSON.
    pub fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| Error::Json {
            what: "pool",
            detail: format!("{e}"),
        })
    }
}

/// Finds a record's index by ticket in `O(log n)`.
#[derive(Debug, Clone)]
pub struct TicketIndex<'a> {
    sorted: Vec<(&'a str, u32)>,
}

impl<'a> TicketIndex<'a> {
    /// Indexes the records' tickets.
    pub fn new(records: &'a [Record]) -> Self {
        let mut sorted: Vec<(&str, u32)> = records
            .iter()
            .enumerate()
            .map(|(i, r)| (r.ticket.as_str(), i as u32))
            .collect();
        sorted.sort_unstable();
        Self { sorted }
    }

    /// The pool index of a ticket; a ticket held twice (a pool that does not verify) is
    /// found at its first index.
    pub fn get(&self, ticket: &str) -> Option<u32> {
        let first = self.sorted.partition_point(|(t, _)| *t < ticket);
        self.sorted
            .get(first)
            .filter(|(t, _)| *t == ticket)
            .map(|&(_, i)| i)
    }
}
