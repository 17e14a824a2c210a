//! People in memory, before they are a pool: the organiser's side of a commit.
//!
//! A [`RosterBuilder`] takes the features with their quotas, then people one at a time (an id,
//! one value per feature, an optional household address). Each person gets a ticket from a
//! [`TicketMaker`] (a [`TicketKey`], or the caller's source of random codes), and a value the
//! quotas do not declare is refused at [`RosterBuilder::add`], never counted as another value.
//! [`RosterBuilder::finish`] orders the people by ticket, which is the pool order, and gives a
//! [`Roster`]: the records to commit, the map between the order people were added in and the
//! pool order, and each person's ticket.
//!
//! Each person also gets a receipt secret (SPEC.md section 4), whose hash is their record's
//! `holder`. A household code is published only when the household is shared by at least two
//! people of the pool: a person alone in their household gets no tag.
//!
//! It keeps about 48 bytes a person (an 8-byte ticket, a value index per feature, an 8-byte
//! household code, a 32-byte secret), and never the ids, so that a national roll fits in
//! memory.
//!
//! ```
//! use kleroterion::roster::RosterBuilder;
//! use kleroterion::tickets::TicketKey;
//! use kleroterion::{Feature, ValueQuota};
//!
//! let gender = Feature::new("gender", [("woman", 1, 1), ("man", 1, 1)]);
//! let key = TicketKey::parse("000102030405060708090a0b0c0d0e0f")?;
//! let mut people = RosterBuilder::new(vec![gender], key);
//! let ticket = people.add("p1", &["woman"], None)?;
//! people.add("p2", &["man"], Some("2 rue de l'Aiguillerie"))?;
//! assert!(people.add("p3", &["femme"], None).is_err()); // not declared: refused
//! let roster = people.finish(2)?;
//! assert_eq!(roster.len(), 2);
//! let pos = roster.position(&ticket.to_string()).expect("p1 is in the pool");
//! assert_eq!(roster.record(pos).values, ["woman"]);
//! # Ok::<(), kleroterion::Error>(())
//! ```

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::PoolCommitment;
use crate::merkle::{RootBuilder, leaf_hash};
use crate::model::{Feature, Record, ResolvedPool, ValueQuota};
use crate::tickets::{
    HOUSEHOLD_LABEL, TICKET_LABEL, TicketKey, format_code, holder_of, household_key,
};

/// Where tickets and household codes come from.
pub trait TicketMaker {
    /// 8 bytes for `text` under `label` ([`TICKET_LABEL`] or [`HOUSEHOLD_LABEL`]).
    fn code(&mut self, label: &str, text: &str) -> Result<[u8; 8]>;

    /// The receipt secret of the person with this id (32 bytes).
    fn secret(&mut self, id: &str) -> Result<[u8; 32]>;

    /// The salt of the seal of the person with this id (32 bytes), in a sealed pool.
    fn salt(&mut self, id: &str) -> Result<[u8; 32]>;

    /// True when the same text always gives the same code (a keyed hash). Two people with the
    /// same ticket are then an error; random tickets that clash are drawn again.
    fn is_keyed(&self) -> bool;
}

impl TicketMaker for TicketKey {
    fn code(&mut self, label: &str, text: &str) -> Result<[u8; 8]> {
        Ok(TicketKey::code(self, label, text))
    }

    fn secret(&mut self, id: &str) -> Result<[u8; 32]> {
        Ok(TicketKey::secret(self, id))
    }

    fn salt(&mut self, id: &str) -> Result<[u8; 32]> {
        Ok(TicketKey::salt(self, id))
    }

    fn is_keyed(&self) -> bool {
        true
    }
}

/// A person's ticket: 8 bytes, shown as `XXXX-XXXX-XXXX-XXXX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ticket(pub [u8; 8]);

impl fmt::Display for Ticket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_code(&self.0))
    }
}

impl Ticket {
    /// Reads `XXXX-XXXX-XXXX-XXXX` (upper- or lowercase hex).
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        if b.len() != 19 || [4, 9, 14].iter().any(|&i| b[i] != b'-') {
            return None;
        }
        let hex: String = text.split('-').collect();
        let bytes = crate::digest::from_hex(&hex.to_ascii_lowercase(), "ticket").ok()?;
        Some(Self(bytes.try_into().ok()?))
    }
}

/// People taken in one at a time (see the module documentation).
#[derive(Debug)]
pub struct RosterBuilder<T: TicketMaker = TicketKey> {
    maker: T,
    features: Vec<Feature>,
    open: Vec<bool>,
    lookup: Vec<BTreeMap<String, u32>>,
    tickets: Vec<u64>,
    values: Vec<u32>,
    households: Vec<Option<u64>>,
    secrets: Vec<[u8; 32]>,
    sealed: bool,
    salts: Vec<[u8; 32]>,
    links: Vec<Option<String>>,
    random_households: BTreeMap<String, u64>,
}

impl<T: TicketMaker> RosterBuilder<T> {
    /// A builder for people with these features (each value declared with its quota), whose
    /// tickets come from `maker`.
    pub fn new(features: Vec<Feature>, maker: T) -> Self {
        let lookup = features
            .iter()
            .map(|f| {
                let mut map = BTreeMap::new();
                for (i, v) in f.values.iter().enumerate() {
                    map.entry(v.value.clone()).or_insert(i as u32);
                }
                map
            })
            .collect();
        Self {
            open: vec![false; features.len()],
            maker,
            features,
            lookup,
            tickets: Vec::new(),
            values: Vec::new(),
            households: Vec::new(),
            secrets: Vec::new(),
            sealed: false,
            salts: Vec::new(),
            links: Vec::new(),
            random_households: BTreeMap::new(),
        }
    }

    /// Seals the features (SPEC.md section 4.1): each person gets a salt, and the records
    /// publish a seal instead of their values. Call it before adding anyone.
    pub fn sealed(mut self) -> Self {
        self.sealed = true;
        self
    }

    /// Adds a feature without quotas (for example the column a stratified draw splits on):
    /// its values are declared as people bring them, in order of first appearance, each with
    /// the quota `0..=panel_size`. Call it before adding anyone.
    pub fn with_open_feature(mut self, name: &str) -> Self {
        self.features.push(Feature {
            name: name.into(),
            values: Vec::new(),
        });
        self.open.push(true);
        self.lookup.push(BTreeMap::new());
        self
    }

    /// The features, in order (open ones with the values seen so far).
    pub fn features(&self) -> &[Feature] {
        &self.features
    }

    /// The number of people added.
    pub fn len(&self) -> usize {
        self.tickets.len()
    }

    /// True when someone was added with a household.
    pub fn has_households(&self) -> bool {
        !self.households.is_empty()
    }

    /// True when no one was added.
    pub fn is_empty(&self) -> bool {
        self.tickets.is_empty()
    }

    /// Adds a person: their id (which only the ticket maker sees), one value per feature, in
    /// feature order, and the address that identifies their household, if the household rule
    /// applies to them. Returns their ticket. A wrong number of values, or a value a quota
    /// feature does not declare, is refused ([`Error::InvalidPerson`]) and the person is not
    /// added.
    pub fn add<S: AsRef<str>>(
        &mut self,
        id: &str,
        values: &[S],
        household: Option<&str>,
    ) -> Result<Ticket> {
        if self.tickets.len() >= u32::MAX as usize {
            return Err(Error::TooLarge { field: "pool" });
        }
        if values.len() != self.features.len() {
            return Err(Error::InvalidPerson {
                id: id.into(),
                reason: format!(
                    "{} values given for {} features ({}); give one value per feature, in that order",
                    values.len(),
                    self.features.len(),
                    self.feature_names()
                ),
            });
        }
        let indices = self.value_indices(id, values)?;
        let ticket = self.maker.code(TICKET_LABEL, id)?;
        let secret = self.maker.secret(id)?;
        let salt = match self.sealed {
            true => Some(self.maker.salt(id)?),
            false => None,
        };
        let household = match household {
            Some(address) => Some(self.household_code(address)?),
            None => None,
        };
        if household.is_some() && self.households.is_empty() {
            self.households = vec![None; self.tickets.len()];
        }
        if household.is_some() || !self.households.is_empty() {
            self.households.push(household);
        }
        self.values.extend(indices);
        self.secrets.push(secret);
        self.salts.extend(salt);
        self.tickets.push(u64::from_be_bytes(ticket));
        Ok(Ticket(ticket))
    }

    /// Adds a person of a linked stage (SPEC.md section 5.3), as [`RosterBuilder::add`] does,
    /// with `link`: their ticket in the previous stage, which invited them. Add either every
    /// person with a link or nobody.
    pub fn add_linked<S: AsRef<str>>(
        &mut self,
        id: &str,
        values: &[S],
        household: Option<&str>,
        link: &str,
    ) -> Result<Ticket> {
        crate::text::check(link, crate::text::TextKind::Ticket, || {
            format!("person \"{id}\": link")
        })?;
        let ticket = self.add(id, values, household)?;
        self.links.resize(self.tickets.len() - 1, None);
        self.links.push(Some(link.into()));
        Ok(ticket)
    }

    fn feature_names(&self) -> String {
        let names: Vec<&str> = self.features.iter().map(|f| f.name.as_str()).collect();
        names.join(", ")
    }

    fn value_indices<S: AsRef<str>>(&mut self, id: &str, values: &[S]) -> Result<Vec<u32>> {
        let mut indices = Vec::with_capacity(values.len());
        for (f, value) in values.iter().enumerate() {
            let value = value.as_ref();
            let index = match self.lookup[f].get(value) {
                Some(&i) => i,
                None if self.open[f] => {
                    let i = self.features[f].values.len() as u32;
                    self.features[f].values.push(ValueQuota {
                        value: value.into(),
                        min: 0,
                        max: 0,
                    });
                    self.lookup[f].insert(value.into(), i);
                    i
                }
                None => {
                    return Err(Error::InvalidPerson {
                        id: id.into(),
                        reason: format!(
                            "the value \"{value}\" of \"{}\" is not declared in the quotas; declare it in the quotas or correct the person",
                            self.features[f].name
                        ),
                    });
                }
            };
            indices.push(index);
        }
        Ok(indices)
    }

    fn household_code(&mut self, address: &str) -> Result<u64> {
        if !self.maker.is_keyed()
            && let Some(&code) = self.random_households.get(address)
        {
            return Ok(code);
        }
        let code = u64::from_be_bytes(self.maker.code(HOUSEHOLD_LABEL, address)?);
        if !self.maker.is_keyed() {
            self.random_households.insert(address.into(), code);
        }
        Ok(code)
    }

    /// Orders the people by ticket (the pool order) and gives the [`Roster`] for a panel of
    /// `panel_size`: open features get the quota `0..=panel_size` on each value. Refuses an
    /// empty pool, a panel size of 0 or above the number of people, and two people with the
    /// same keyed ticket ([`Error::TicketClash`], naming them by the order they were added in,
    /// from 0); random tickets that clash are drawn again.
    pub fn finish(mut self, panel_size: u32) -> Result<Roster> {
        let n = u32::try_from(self.len()).map_err(|_| Error::TooLarge { field: "pool" })?;
        if n == 0 {
            return Err(Error::EmptyPool);
        }
        if panel_size == 0 || panel_size > n {
            return Err(Error::PanelSize {
                panel_size,
                pool_count: n,
            });
        }
        let order = self.pool_order(n)?;
        let mut position = vec![0; order.len()];
        for (pos, &row) in order.iter().enumerate() {
            position[row as usize] = pos as u32;
        }
        for (feature, open) in self.features.iter_mut().zip(&self.open) {
            if *open {
                for v in &mut feature.values {
                    v.max = panel_size;
                }
            }
        }
        Ok(Roster {
            features: self.features,
            tickets: self.tickets,
            values: self.values,
            households: shared_only(self.households),
            secrets: self.secrets,
            links: self.links,
            salts: self.salts,
            order,
            position,
        })
    }

    fn pool_order(&mut self, n: u32) -> Result<Vec<u32>> {
        for _ in 0..8 {
            let mut order: Vec<u32> = (0..n).collect();
            order.sort_unstable_by_key(|&r| (self.tickets[r as usize], r));
            let clash = order
                .windows(2)
                .find(|w| self.tickets[w[0] as usize] == self.tickets[w[1] as usize]);
            let Some(w) = clash else {
                return Ok(order);
            };
            let (first, second) = (w[0].min(w[1]), w[0].max(w[1]));
            if self.maker.is_keyed() {
                return Err(Error::TicketClash {
                    first: first.to_string(),
                    second: second.to_string(),
                });
            }
            self.tickets[second as usize] = u64::from_be_bytes(self.maker.code(TICKET_LABEL, "")?);
        }
        Err(Error::DrawFailed {
            detail: "random tickets clashed 8 times: the source of random codes is broken".into(),
        })
    }
}

/// Keeps the household codes carried by at least two people; a code carried by one person
/// says nothing the draw needs (SPEC.md section 5.2).
fn shared_only(households: Vec<Option<u64>>) -> Vec<Option<u64>> {
    let mut count: BTreeMap<u64, u32> = BTreeMap::new();
    for h in households.iter().flatten() {
        *count.entry(*h).or_insert(0) += 1;
    }
    households
        .into_iter()
        .map(|h| h.filter(|h| count[h] > 1))
        .collect()
}

/// People ordered into a pool (see the module documentation). Positions count in pool order;
/// rows count in the order people were added.
#[derive(Debug, Clone)]
pub struct Roster {
    features: Vec<Feature>,
    tickets: Vec<u64>,
    values: Vec<u32>,
    households: Vec<Option<u64>>,
    secrets: Vec<[u8; 32]>,
    /// One salt per person when the features are sealed, none otherwise.
    salts: Vec<[u8; 32]>,
    /// Each person's link to the previous stage, by row, up to the last person who has one.
    links: Vec<Option<String>>,
    order: Vec<u32>,
    position: Vec<u32>,
}

impl Roster {
    /// The number of people.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// True when there is no one (never, once finished).
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The features with their quotas, for the manifest.
    pub fn features(&self) -> &[Feature] {
        &self.features
    }

    /// True when some people share a household (the manifest's household rule).
    pub fn household_rule(&self) -> bool {
        self.households.iter().any(Option::is_some)
    }

    /// The ticket of the person added as `row` (from 0).
    pub fn ticket_of_row(&self, row: usize) -> Option<Ticket> {
        self.tickets.get(row).map(|t| Ticket(t.to_be_bytes()))
    }

    /// The pool position of the person added as `row`.
    pub fn position_of_row(&self, row: usize) -> Option<u32> {
        self.position.get(row).copied()
    }

    /// The row (order of adding) of the person at pool position `pos`.
    pub fn row_at(&self, pos: usize) -> Option<u32> {
        self.order.get(pos).copied()
    }

    /// The pool position of a ticket (`XXXX-XXXX-XXXX-XXXX`), by binary search: the pool is in
    /// ticket order.
    pub fn position(&self, ticket: &str) -> Option<usize> {
        let code = u64::from_be_bytes(Ticket::parse(ticket)?.0);
        self.order
            .binary_search_by_key(&code, |&r| self.tickets[r as usize])
            .ok()
    }

    /// True when the features are sealed ([`RosterBuilder::sealed`]).
    pub fn is_sealed(&self) -> bool {
        !self.salts.is_empty()
    }

    /// The record at pool position `pos`: sealed (SPEC.md section 4.1) when the roster is.
    ///
    /// # Panics
    /// If `pos` is not below [`Roster::len`].
    pub fn record(&self, pos: usize) -> Record {
        let row = self.order[pos] as usize;
        let ticket = format_code(&self.tickets[row].to_be_bytes());
        let values = self.values_of(row);
        let (values, seal) = match self.salts.get(row) {
            Some(salt) => (
                Vec::new(),
                crate::seal::seal_of(&ticket, &values, &Digest::from_array(*salt)).ok(),
            ),
            None => (values, None),
        };
        Record {
            ticket,
            values,
            seal,
            household: self
                .households
                .get(row)
                .copied()
                .flatten()
                .map(|h| household_key(&h.to_be_bytes())),
            holder: holder_of(&self.secrets[row]),
            link: self.links.get(row).cloned().flatten(),
        }
    }

    fn values_of(&self, row: usize) -> Vec<String> {
        let nf = self.features.len();
        self.values[row * nf..(row + 1) * nf]
            .iter()
            .zip(&self.features)
            .map(|(&v, f)| f.values[v as usize].value.clone())
            .collect()
    }

    /// The opening of the sealed record at pool position `pos` (none when the features are
    /// open): what the bundle publishes for the panel and the alternates, and the person's
    /// receipt holds.
    ///
    /// # Panics
    /// If `pos` is not below [`Roster::len`].
    pub fn opening(&self, pos: usize) -> Option<crate::seal::Opening> {
        let row = self.order[pos] as usize;
        let salt = self.salts.get(row)?;
        Some(crate::seal::Opening::new(
            format_code(&self.tickets[row].to_be_bytes()),
            self.values_of(row),
            *salt,
        ))
    }

    /// The receipt secret of the person at pool position `pos` (for their receipt).
    ///
    /// # Panics
    /// If `pos` is not below [`Roster::len`].
    pub fn secret(&self, pos: usize) -> [u8; 32] {
        self.secrets[self.order[pos] as usize]
    }

    /// Every record, in pool order.
    pub fn records(&self) -> impl Iterator<Item = Record> + '_ {
        (0..self.len()).map(|pos| self.record(pos))
    }

    /// The pool's Merkle root and count, for the manifest.
    pub fn commitment(&self) -> Result<PoolCommitment> {
        let mut root = RootBuilder::new();
        for record in self.records() {
            root.push(leaf_hash(&record)?);
        }
        let count = u32::try_from(self.len()).map_err(|_| Error::TooLarge { field: "pool" })?;
        let root: Digest = root.root().ok_or(Error::EmptyPool)?;
        Ok(PoolCommitment { root, count })
    }

    /// The pool resolved against its features, in pool order: what the methods and LEXIMIN
    /// work on. Households get small ids in order of first appearance in the pool.
    pub fn resolved(&self) -> ResolvedPool {
        let nf = self.features.len();
        let mut values = Vec::with_capacity(self.values.len());
        for &row in &self.order {
            let row = row as usize;
            values.extend_from_slice(&self.values[row * nf..(row + 1) * nf]);
        }
        let mut ids: BTreeMap<u64, u32> = BTreeMap::new();
        let household = self
            .order
            .iter()
            .map(|&r| {
                self.households.get(r as usize).copied().flatten().map(|h| {
                    let next = ids.len() as u32;
                    *ids.entry(h).or_insert(next)
                })
            })
            .collect();
        ResolvedPool::from_parts(self.len(), nf, values, Vec::new(), household)
    }
}
