//! A pool held compactly, built one record at a time: what draws a national roll.
//!
//! A [`Record`] costs about 150 bytes in memory; a [`CompactPool`] keeps each record's ticket
//! in one shared buffer, its values as indices into the features (as [`ResolvedPool`] does) and
//! its household as a small id, which is about 40 bytes a record for one feature. Nothing is
//! lost: [`CompactPool::record`] gives back the record exactly, so a pool can be read from a
//! file, drawn and written again (in a bundle) without ever being held as records.
//!
//! [`PoolBuilder`] applies the same checks as [`ResolvedPool::new`] (texts, value counts,
//! declared values, duplicate tickets) and hashes each record into the Merkle root as it
//! arrives, so that the root compared with the manifest is the root of exactly what is kept.
//!
//! ```
//! use kleroterion::compact::PoolBuilder;
//! use kleroterion::{Digest, Feature, Record, ValueQuota};
//!
//! let features = [Feature {
//!     name: "gender".into(),
//!     values: vec![
//!         ValueQuota { value: "woman".into(), min: 0, max: 1 },
//!         ValueQuota { value: "man".into(), min: 0, max: 1 },
//!     ],
//! }];
//! let records = [
//!     Record { ticket: "A".into(), values: vec!["woman".into()], seal: None, household: None,
//!              holder: Digest::from_array([1; 32]), link: None },
//!     Record { ticket: "B".into(), values: vec!["man".into()], seal: None, household: Some("H-1".into()),
//!              holder: Digest::from_array([2; 32]), link: None },
//! ];
//! let mut builder = PoolBuilder::new(&features);
//! for r in &records {
//!     builder.push(r)?;
//! }
//! assert_eq!(builder.root(), kleroterion::merkle::pool_root(&records)?);
//! let pool = builder.finish()?;
//! assert_eq!(pool.record(1), Some(records[1].clone()));
//! assert_eq!(pool.position("B"), Some(1));
//! # Ok::<(), kleroterion::Error>(())
//! ```

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use serde::ser::{Serialize, SerializeSeq, Serializer};

use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::merkle::{RootBuilder, leaf_hash};
use crate::model::{Feature, Record, ResolvedPool};

/// A pool in compact form: tickets, value indices and household ids (see the module
/// documentation). Built by [`PoolBuilder`].
#[derive(Debug, Clone)]
pub struct CompactPool {
    names: Vec<Vec<String>>,
    tickets: String,
    ends: Vec<usize>,
    by_ticket: Option<Vec<u32>>,
    households: Vec<String>,
    holders: Vec<Digest>,
    /// `(index, seal)` of every sealed record, in pool order.
    seals: Vec<(u32, Digest)>,
    links: Vec<(u32, String)>,
    resolved: ResolvedPool,
    root: Option<Digest>,
}

impl CompactPool {
    /// Builds the compact pool of in-memory records (checks as [`PoolBuilder`]).
    pub fn from_records(features: &[Feature], records: &[Record]) -> Result<Self> {
        let mut b = PoolBuilder::new(features);
        for r in records {
            b.push(r)?;
        }
        b.finish()
    }

    /// The number of records.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when the pool has no record (never, for a pool from [`PoolBuilder::finish`]).
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Record `i`'s ticket.
    pub fn ticket(&self, i: usize) -> Option<&str> {
        nth_ticket(&self.tickets, &self.ends, i)
    }

    /// Record `i`, exactly as it was pushed.
    pub fn record(&self, i: usize) -> Option<Record> {
        let ticket = self.ticket(i)?.into();
        let seal = self
            .seals
            .binary_search_by_key(&(i as u32), |&(at, _)| at)
            .ok()
            .map(|k| self.seals[k].1);
        let values = match seal {
            Some(_) => Vec::new(),
            None => self
                .resolved
                .row(i)
                .iter()
                .zip(&self.names)
                .map(|(&v, names)| names[v as usize].clone())
                .collect(),
        };
        let household = self.resolved.household[i].map(|h| self.households[h as usize].clone());
        Some(Record {
            ticket,
            values,
            seal,
            household,
            holder: *self.holders.get(i)?,
            link: self
                .links
                .binary_search_by_key(&(i as u32), |(at, _)| *at)
                .ok()
                .map(|k| self.links[k].1.clone()),
        })
    }

    /// Every record, in pool order.
    pub fn records(&self) -> impl Iterator<Item = Record> + '_ {
        (0..self.len()).filter_map(|i| self.record(i))
    }

    /// The records as a JSON-serialisable sequence, built one at a time: serialising it gives
    /// the same text as serialising the `Vec<Record>`.
    pub fn serialize_records(&self) -> RecordsView<'_> {
        RecordsView(self)
    }

    /// The position of a ticket, in `O(log n)`.
    pub fn position(&self, ticket: &str) -> Option<usize> {
        match &self.by_ticket {
            None => {
                let (mut lo, mut hi) = (0, self.len());
                while lo < hi {
                    let mid = lo + (hi - lo) / 2;
                    match self.ticket(mid)?.cmp(ticket) {
                        core::cmp::Ordering::Less => lo = mid + 1,
                        core::cmp::Ordering::Greater => hi = mid,
                        core::cmp::Ordering::Equal => return Some(mid),
                    }
                }
                None
            }
            Some(sorted) => sorted
                .binary_search_by(|&i| self.ticket(i as usize).unwrap_or_default().cmp(ticket))
                .ok()
                .map(|k| sorted[k] as usize),
        }
    }

    /// The pool resolved against its features, for the methods.
    pub fn resolved(&self) -> &ResolvedPool {
        &self.resolved
    }

    /// The pool resolved against its features, without the tickets.
    pub fn into_resolved(self) -> ResolvedPool {
        self.resolved
    }

    /// The Merkle root of the records (SPEC.md section 4).
    pub fn root(&self) -> Option<Digest> {
        self.root
    }

    /// Checks that the records are sealed exactly when the manifest says `sealed`
    /// ([`Error::SealedRecord`], SPEC.md section 5.2).
    pub fn check_sealing(&self, sealed: bool) -> Result<()> {
        let wrong = (0..self.len()).find(|&i| self.resolved.was_sealed(i) != sealed);
        match wrong.and_then(|i| self.record(i)) {
            Some(r) => crate::seal::check_record_sealing(sealed, &r),
            None => Ok(()),
        }
    }
}

/// The records of a [`CompactPool`] as a serialisable sequence
/// ([`CompactPool::serialize_records`]).
#[derive(Debug, Clone, Copy)]
pub struct RecordsView<'a>(&'a CompactPool);

impl Serialize for RecordsView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> core::result::Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for r in self.0.records() {
            seq.serialize_element(&r)?;
        }
        seq.end()
    }
}

/// Builds a [`CompactPool`] one record at a time.
///
/// [`PoolBuilder::push`] hashes every record into the root, even one that fails a check, so
/// that a caller can first compare the count and root with a manifest and only then report
/// the first record that failed ([`PoolBuilder::finish`]), as [`crate::draw::draw`] does.
#[derive(Debug)]
pub struct PoolBuilder<'f> {
    features: &'f [Feature],
    lookup: Vec<BTreeMap<&'f str, u32>>,
    tickets: String,
    ends: Vec<usize>,
    sorted: bool,
    values: Vec<u32>,
    sealed: Vec<bool>,
    seals: Vec<(u32, Digest)>,
    links: Vec<(u32, String)>,
    household: Vec<Option<u32>>,
    household_ids: BTreeMap<String, u32>,
    holders: Vec<Digest>,
    root: Option<RootBuilder>,
    failed: Option<Error>,
}

impl<'f> PoolBuilder<'f> {
    /// A builder for a pool over these features.
    pub fn new(features: &'f [Feature]) -> Self {
        let lookup = features
            .iter()
            .map(|f| {
                f.values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (v.value.as_str(), i as u32))
                    .collect()
            })
            .collect();
        Self {
            features,
            lookup,
            tickets: String::new(),
            ends: Vec::new(),
            sorted: true,
            values: Vec::new(),
            sealed: Vec::new(),
            seals: Vec::new(),
            links: Vec::new(),
            household: Vec::new(),
            household_ids: BTreeMap::new(),
            holders: Vec::new(),
            root: Some(RootBuilder::new()),
            failed: None,
        }
    }

    /// A builder that does not hash (for [`ResolvedPool::new`], whose callers check the root
    /// themselves).
    pub(crate) fn unhashed(features: &'f [Feature]) -> Self {
        Self {
            root: None,
            ..Self::new(features)
        }
    }

    /// Adds the next record. A record that fails a check is hashed but not kept, and the
    /// first such failure is returned by [`PoolBuilder::finish`]; this returns an error only
    /// when the record cannot be hashed at all.
    pub fn push(&mut self, record: &Record) -> Result<()> {
        if let Some(root) = &mut self.root {
            root.push(leaf_hash(record)?);
        }
        if self.failed.is_none()
            && let Err(e) = self.keep(record)
        {
            self.failed = Some(e);
        }
        Ok(())
    }

    fn keep(&mut self, r: &Record) -> Result<()> {
        if self.ends.len() >= u32::MAX as usize {
            return Err(Error::TooLarge { field: "pool" });
        }
        r.check_texts()?;
        if let Some(seal) = r.seal {
            crate::seal::check_record_sealing(true, r)?;
            let at = self.ends.len();
            if self.sealed.len() < at {
                self.sealed.resize(at, false);
            }
            self.sealed.push(true);
            self.seals.push((at as u32, seal));
            self.values
                .extend(core::iter::repeat_n(SEALED, self.features.len()));
        } else {
            self.keep_values(r)?;
            if !self.sealed.is_empty() {
                self.sealed.push(false);
            }
        }
        let household = r.household.as_ref().map(|h| {
            let next = self.household_ids.len() as u32;
            *self.household_ids.entry(h.clone()).or_insert(next)
        });
        self.household.push(household);
        if let Some(link) = &r.link {
            self.links.push((self.ends.len() as u32, link.clone()));
        }
        self.holders.push(r.holder);
        if let Some(last) = self.ends.len().checked_sub(1).and_then(|i| self.ticket(i))
            && last >= r.ticket.as_str()
        {
            self.sorted = false;
        }
        self.tickets.push_str(&r.ticket);
        self.ends.push(self.tickets.len());
        Ok(())
    }

    fn keep_values(&mut self, r: &Record) -> Result<()> {
        if r.values.len() != self.features.len() {
            return Err(Error::WrongValueCount {
                ticket: r.ticket.clone(),
                found: r.values.len(),
                expected: self.features.len(),
            });
        }
        let start = self.values.len();
        for ((f, map), v) in self.features.iter().zip(&self.lookup).zip(&r.values) {
            match map.get(v.as_str()) {
                Some(&idx) => self.values.push(idx),
                None => {
                    self.values.truncate(start);
                    return Err(Error::UnknownValue {
                        ticket: r.ticket.clone(),
                        feature: f.name.clone(),
                        value: v.clone(),
                    });
                }
            }
        }
        Ok(())
    }

    fn ticket(&self, i: usize) -> Option<&str> {
        nth_ticket(&self.tickets, &self.ends, i)
    }

    /// The number of records pushed.
    pub fn count(&self) -> u64 {
        self.root
            .as_ref()
            .map_or(self.ends.len() as u64, RootBuilder::count)
    }

    /// The Merkle root of every record pushed (`None` when empty, or for a builder that does
    /// not hash).
    pub fn root(&self) -> Option<Digest> {
        self.root.as_ref().and_then(RootBuilder::root)
    }

    /// The pool, or the first check that failed: a record's texts, value count or value, then
    /// an empty pool or a duplicate ticket.
    pub fn finish(self) -> Result<CompactPool> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        if self.ends.is_empty() {
            return Err(Error::EmptyPool);
        }
        let root = self.root.as_ref().and_then(RootBuilder::root);
        let mut pool = CompactPool {
            names: self
                .features
                .iter()
                .map(|f| f.values.iter().map(|v| v.value.clone()).collect())
                .collect(),
            tickets: self.tickets,
            ends: self.ends,
            by_ticket: None,
            households: Vec::new(),
            holders: self.holders,
            seals: self.seals,
            links: self.links,
            resolved: ResolvedPool::from_parts(
                self.household.len(),
                self.features.len(),
                self.values,
                self.sealed,
                Vec::new(),
            ),
            root,
        };
        if !self.sorted {
            let mut sorted: Vec<u32> = (0..pool.len() as u32).collect();
            sorted.sort_unstable_by(|&a, &b| pool.ticket(a as usize).cmp(&pool.ticket(b as usize)));
            if let Some(w) = sorted
                .windows(2)
                .find(|w| pool.ticket(w[0] as usize) == pool.ticket(w[1] as usize))
            {
                return Err(Error::DuplicateTicket {
                    ticket: pool.ticket(w[0] as usize).unwrap_or_default().into(),
                });
            }
            pool.by_ticket = Some(sorted);
        }
        // Household ids in sorted key order, as `ResolvedPool::new` numbers them.
        let mut rank = alloc::vec![0u32; self.household_ids.len()];
        for (r, (key, first)) in self.household_ids.into_iter().enumerate() {
            rank[first as usize] = r as u32;
            pool.households.push(key);
        }
        let household = self
            .household
            .into_iter()
            .map(|h| h.map(|h| rank[h as usize]))
            .collect();
        pool.resolved.household = household;
        Ok(pool)
    }
}

/// The value index a sealed, unopened record has for every feature.
const SEALED: u32 = u32::MAX;

/// Ticket `i` of tickets stored end to end in `tickets`, ticket `i` ending at `ends[i]`.
fn nth_ticket<'t>(tickets: &'t str, ends: &[usize], i: usize) -> Option<&'t str> {
    let end = *ends.get(i)?;
    let start = i.checked_sub(1).map_or(0, |p| ends[p]);
    tickets.get(start..end)
}
