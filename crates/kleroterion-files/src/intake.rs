//! The commit's pool, taken in one person at a time and held compactly.
//!
//! [`Intake`] keeps about 16 bytes a person (an 8-byte ticket, a value index per feature, and
//! an 8-byte household key under the household rule), so that a national roll of 10 million
//! people is committed in a few hundred megabytes. [`Intake::seal`] orders the pool by ticket,
//! hashes it into the Merkle root, runs the method's commit-time work (LEXIMIN and the
//! portfolio for `lottery`) and builds the manifest and its commitment. The [`Sealed`] commit
//! then gives back each record, each receipt and each person's ticket on demand, in pool
//! order, so that the files are written without ever holding the pool as records.
//!
//! The in-memory [`crate::commit::commit`] and the command line's streaming commit both go
//! through here: there is one way to turn people into a pool.

use std::collections::HashMap;

use kleroterion::merkle::{BlockTree, leaf_hash};
use kleroterion::{
    Digest, Feature, Manifest, Method, PoolCommitment, Receipt, Record, SPEC_VERSION, ValueQuota,
};

use crate::commit::{CommitOptions, MethodChoice};
use crate::error::{FileError, Result};
use crate::people::Person;
use crate::quotas::Quotas;
use crate::tickets::{TicketSource, format_code};

/// Leaves per block of the receipts' Merkle tree ([`BlockTree`]).
const BLOCK_BITS: u32 = 12;

/// How the people were read, for the commit's checks and messages.
#[derive(Debug, Clone)]
pub struct Source {
    /// The people file's name.
    pub file: String,
    /// The people's features: the quotas' features, then any extra column read (a
    /// stratifying column).
    pub features: Vec<String>,
}

/// The people of a commit, taken in one at a time (see the module documentation).
#[derive(Debug)]
pub struct Intake<'a> {
    quotas: &'a Quotas,
    source: Source,
    tickets_from: TicketSource,
    names: Vec<Vec<String>>,
    lookup: Vec<HashMap<String, u32>>,
    tickets: Vec<u64>,
    values: Vec<u32>,
    households: Vec<Option<u64>>,
    random_keys: HashMap<String, u64>,
}

impl<'a> Intake<'a> {
    /// An empty intake for people with these features, under these quotas.
    pub fn new(quotas: &'a Quotas, source: Source, tickets: TicketSource) -> Self {
        let names: Vec<Vec<String>> = source
            .features
            .iter()
            .enumerate()
            .map(|(f, _)| match quotas.features.get(f) {
                Some(q) => q.values.iter().map(|v| v.value.clone()).collect(),
                None => Vec::new(),
            })
            .collect();
        let lookup = names
            .iter()
            .map(|vals| {
                let mut map = HashMap::with_capacity(vals.len());
                for (i, v) in vals.iter().enumerate() {
                    map.entry(v.clone()).or_insert(i as u32);
                }
                map
            })
            .collect();
        Self {
            quotas,
            source,
            tickets_from: tickets,
            names,
            lookup,
            tickets: Vec::new(),
            values: Vec::new(),
            households: Vec::new(),
            random_keys: HashMap::new(),
        }
    }

    /// The number of people taken in.
    pub fn len(&self) -> usize {
        self.tickets.len()
    }

    /// True when no one was taken in.
    pub fn is_empty(&self) -> bool {
        self.tickets.is_empty()
    }

    /// Takes in the next person: gives them a ticket, their value indices and their household
    /// key. A value not declared in the quotas is an error, never a silent index.
    pub fn add(&mut self, person: &Person) -> Result<()> {
        if person.values.len() != self.names.len() {
            return Err(FileError::Invalid {
                detail: format!(
                    "{}: the person \"{}\" has {} values for {} features",
                    self.source.file,
                    crate::limits::cut(&person.id),
                    person.values.len(),
                    self.names.len()
                ),
            });
        }
        let fixed = self.quotas.features.len();
        for (f, v) in person.values.iter().enumerate() {
            let index = match self.lookup[f].get(v.as_str()) {
                Some(&i) => i,
                None if f >= fixed => {
                    let i = self.names[f].len() as u32;
                    self.names[f].push(v.clone());
                    self.lookup[f].insert(v.clone(), i);
                    i
                }
                None => {
                    return Err(FileError::Invalid {
                        detail: format!(
                            "{}: the value \"{}\" of \"{}\" (person \"{}\") is not declared in the quotas",
                            self.source.file,
                            crate::limits::cut(v),
                            crate::limits::cut(&self.source.features[f]),
                            crate::limits::cut(&person.id)
                        ),
                    });
                }
            };
            self.values.push(index);
        }
        self.tickets.push(u64::from_be_bytes(
            self.tickets_from.code("ticket", &person.id)?,
        ));
        let key = match &person.address {
            None => None,
            Some(a) => Some(self.household_key(a)?),
        };
        if key.is_some() && self.households.is_empty() {
            self.households = vec![None; self.tickets.len() - 1];
        }
        if key.is_some() || !self.households.is_empty() {
            self.households.push(key);
        }
        Ok(())
    }

    fn household_key(&mut self, address: &str) -> Result<u64> {
        if let TicketSource::Random = self.tickets_from {
            if let Some(&k) = self.random_keys.get(address) {
                return Ok(k);
            }
            let k = u64::from_be_bytes(self.tickets_from.code("household", address)?);
            self.random_keys.insert(address.to_owned(), k);
            return Ok(k);
        }
        Ok(u64::from_be_bytes(
            self.tickets_from.code("household", address)?,
        ))
    }

    /// Orders the pool by ticket, hashes it, runs the method's commit-time work and builds the
    /// manifest. `who(row)` names a person (by id or line) in the message of a ticket clash.
    pub fn seal(
        mut self,
        options: &CommitOptions,
        who: &dyn Fn(usize) -> String,
    ) -> Result<Sealed> {
        let k = options.panel_size;
        let method = options.method.clone().ok_or_else(|| FileError::Invalid {
            detail: "no method given. Fix: choose one of uniform, stratified, greedy, lottery"
                .into(),
        })?;
        crate::timing::check_timing(
            options.randomness.as_ref(),
            options.announced_at.as_deref(),
            options.purpose,
            options.now.unwrap_or_else(crate::timing::now),
        )?;
        let n = self.len();
        if k == 0 || k as usize > n {
            return Err(FileError::Invalid {
                detail: format!(
                    "panel size {k} is impossible with {n} people in {}. Fix: choose a size from 1 to {n}",
                    self.source.file
                ),
            });
        }
        self.quotas.check_panel_size(k)?;
        let household_rule = self.households.iter().any(Option::is_some);
        if household_rule && !method.enforces_quotas() {
            return Err(FileError::Invalid {
                detail: format!(
                    "the household rule (address columns) cannot be applied by the {} method. Fix: use greedy or lottery, or drop the address columns",
                    method.name()
                ),
            });
        }
        if !household_rule {
            self.households = Vec::new();
        }
        if let MethodChoice::Stratified { feature, .. } = &method
            && !self.source.features.iter().any(|f| f == feature)
        {
            return Err(FileError::Invalid {
                detail: format!(
                    "the stratifying feature \"{feature}\" is neither a quota feature nor a column read from {}",
                    self.source.file
                ),
            });
        }
        let order = self.pool_order(who)?;
        let mut position = vec![0; n];
        for (pos, &row) in order.iter().enumerate() {
            position[row as usize] = pos as u32;
        }
        let mut pool = Pool {
            features: self.features(k),
            names: self.names,
            tickets: self.tickets,
            values: self.values,
            households: self.households,
            order,
            position,
            blocks: BlockTree::new(BLOCK_BITS, []),
        };
        pool.blocks = pool.tree()?;
        let root = pool.blocks.root().ok_or_else(|| FileError::Invalid {
            detail: "the pool is empty".into(),
        })?;
        let fair = pool.method(method, self.quotas, k, household_rule, options)?;
        let manifest = Manifest {
            spec: SPEC_VERSION.into(),
            title: options.title.clone(),
            announced_at: options.announced_at.clone(),
            method: fair.method,
            panel_size: k,
            alternates: options.alternates,
            household_rule,
            features: pool.features.clone(),
            pool: PoolCommitment {
                root,
                count: n as u32,
            },
            randomness: options.randomness.clone(),
            purpose: options.purpose,
        };
        manifest
            .validate()
            .map_err(|e| FileError::core("the manifest is not valid", e))?;
        let commitment = manifest
            .commitment()
            .map_err(|e| FileError::core("hashing the manifest", e))?;
        Ok(Sealed {
            pool,
            manifest,
            commitment,
            selection_counts: fair.selection_counts,
            leximin_min: fair.leximin_min,
            leximin_partial: fair.leximin_partial,
        })
    }

    /// Rows in ticket order. A random ticket that clashes with another is drawn again; a
    /// keyed one is an error (two ids whose keyed hashes agree on 64 bits).
    fn pool_order(&mut self, who: &dyn Fn(usize) -> String) -> Result<Vec<u32>> {
        let n = u32::try_from(self.len()).map_err(|_| FileError::Invalid {
            detail: format!(
                "{} holds {} people; a pool holds at most {}",
                self.source.file,
                self.len(),
                u32::MAX
            ),
        })?;
        for _ in 0..8 {
            let mut order: Vec<u32> = (0..n).collect();
            order.sort_unstable_by_key(|&r| (self.tickets[r as usize], r));
            let clash = order
                .windows(2)
                .find(|w| self.tickets[w[0] as usize] == self.tickets[w[1] as usize]);
            let Some(w) = clash else {
                return Ok(order);
            };
            let (first, second) = (w[0] as usize, w[1] as usize);
            if matches!(self.tickets_from, TicketSource::Keyed(_)) {
                return Err(FileError::Invalid {
                    detail: format!(
                        "{} and {} were given the same ticket. Fix: use another ticket key",
                        who(first),
                        who(second)
                    ),
                });
            }
            self.tickets[second] = u64::from_be_bytes(self.tickets_from.code("ticket", "")?);
        }
        Err(FileError::Invalid {
            detail: "random tickets clashed 8 times: the operating system's randomness is broken"
                .into(),
        })
    }

    /// The manifest's features: the quotas' features, then each extra feature with its values
    /// in order of first appearance and quota `0..=panel_size`.
    fn features(&self, k: u32) -> Vec<Feature> {
        let mut features = self.quotas.features.clone();
        for (f, name) in self
            .source
            .features
            .iter()
            .enumerate()
            .skip(self.quotas.features.len())
        {
            features.push(Feature {
                name: name.clone(),
                values: self.names[f]
                    .iter()
                    .map(|v| ValueQuota {
                        value: v.clone(),
                        min: 0,
                        max: k,
                    })
                    .collect(),
            });
        }
        features
    }
}

/// A commit, sealed: the manifest and its commitment, and the pool held compactly (see the
/// module documentation). Records are indexed by pool position, people by row (their order in
/// the people file).
#[derive(Debug)]
pub struct Sealed {
    pool: Pool,
    manifest: Manifest,
    commitment: Digest,
    /// For `lottery`: each pool index's selection probability as (panels holding them, M).
    pub selection_counts: Option<(Vec<u32>, u32)>,
    /// For `lottery`: the LEXIMIN minimum probability before rounding.
    pub leximin_min: Option<f64>,
    /// For `lottery` with [`CommitOptions::accept_partial`]: how far LEXIMIN got when the time
    /// limit stopped it.
    pub leximin_partial: Option<kleroterion_fair::Stopped>,
}

impl Sealed {
    /// The manifest to publish.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Its commitment.
    pub fn commitment(&self) -> Digest {
        self.commitment
    }

    /// The number of people.
    pub fn len(&self) -> usize {
        self.pool.order.len()
    }

    /// True when the pool is empty (never, once sealed).
    pub fn is_empty(&self) -> bool {
        self.pool.order.is_empty()
    }

    /// The ticket of the person at `row` of the people file.
    pub fn ticket(&self, row: usize) -> String {
        self.pool.ticket(row)
    }

    /// The pool position of the person at `row` of the people file.
    pub fn pool_index(&self, row: usize) -> u32 {
        self.pool.position[row]
    }

    /// The record at pool position `pos`.
    pub fn record(&self, pos: usize) -> Record {
        self.pool.record(pos)
    }

    /// Every record, in pool order.
    pub fn records(&self) -> impl Iterator<Item = Record> + '_ {
        (0..self.len()).map(|pos| self.pool.record(pos))
    }

    /// The pool file (`{"spec", "records"}`) as a serialisable view: the same JSON as the
    /// [`kleroterion::PoolFile`] of [`Sealed::records`], built one record at a time.
    pub fn pool_file(&self) -> PoolView<'_> {
        PoolView {
            spec: SPEC_VERSION,
            records: Records(&self.pool),
        }
    }

    /// Every receipt, in pool order, each with its inclusion proof (the tree's levels are
    /// rebuilt one block at a time).
    pub fn receipts(&self) -> impl Iterator<Item = Result<Receipt>> + '_ {
        let size = self.pool.blocks.block_size();
        (0..self.len().div_ceil(size)).flat_map(move |b| {
            let (ok, err) = match self.block_receipts(b) {
                Ok(r) => (r, None),
                Err(e) => (Vec::new(), Some(e)),
            };
            ok.into_iter().map(Ok).chain(err.map(Err))
        })
    }

    fn block_receipts(&self, block: usize) -> Result<Vec<Receipt>> {
        let start = block * self.pool.blocks.block_size();
        let end = self.len().min(start + self.pool.blocks.block_size());
        let records: Vec<Record> = (start..end).map(|pos| self.pool.record(pos)).collect();
        let leaves = records
            .iter()
            .map(leaf_hash)
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| FileError::core("hashing the pool", e))?;
        let proofs = self
            .pool
            .blocks
            .proofs(block, leaves)
            .ok_or_else(|| FileError::Invalid {
                detail: format!("no proofs for block {block} of the pool"),
            })?;
        Ok(records
            .into_iter()
            .zip(proofs)
            .enumerate()
            .map(|(i, (record, proof))| {
                Receipt::with_proof(
                    self.commitment,
                    self.manifest.pool,
                    (start + i) as u32,
                    record,
                    proof,
                )
            })
            .collect())
    }
}

/// The pool of a sealed commit, compactly (see the module documentation).
#[derive(Debug)]
struct Pool {
    features: Vec<Feature>,
    names: Vec<Vec<String>>,
    tickets: Vec<u64>,
    values: Vec<u32>,
    households: Vec<Option<u64>>,
    order: Vec<u32>,
    position: Vec<u32>,
    blocks: BlockTree,
}

/// What the method's commit-time work gives the manifest and the organiser.
struct MethodWork {
    method: Method,
    selection_counts: Option<(Vec<u32>, u32)>,
    leximin_min: Option<f64>,
    leximin_partial: Option<kleroterion_fair::Stopped>,
}

impl Pool {
    fn ticket(&self, row: usize) -> String {
        format_code(&self.tickets[row].to_be_bytes())
    }

    fn record(&self, pos: usize) -> Record {
        let row = self.order[pos] as usize;
        let nf = self.names.len();
        Record {
            ticket: self.ticket(row),
            values: self.values[row * nf..(row + 1) * nf]
                .iter()
                .zip(&self.names)
                .map(|(&v, names)| names[v as usize].clone())
                .collect(),
            household: self
                .households
                .get(row)
                .copied()
                .flatten()
                .map(|h| format!("H-{}", format_code(&h.to_be_bytes()))),
        }
    }

    /// The Merkle tree's upper levels, hashing the records in pool order.
    fn tree(&self) -> Result<BlockTree> {
        let mut failed = None;
        let leaves = (0..self.order.len()).map_while(|pos| match leaf_hash(&self.record(pos)) {
            Ok(l) => Some(l),
            Err(e) => {
                failed = Some(e);
                None
            }
        });
        let blocks = BlockTree::new(BLOCK_BITS, leaves);
        match failed {
            Some(e) => Err(FileError::core("hashing the pool", e)),
            None => Ok(blocks),
        }
    }

    /// The quota features' value indices of each person, in pool order, and households as
    /// small ids (in order of first appearance), for LEXIMIN.
    fn fair_rows(&self, quota_features: usize) -> (Vec<Vec<u32>>, Vec<Option<u32>>) {
        let nf = self.names.len();
        let rows = self
            .order
            .iter()
            .map(|&r| self.values[r as usize * nf..r as usize * nf + quota_features].to_vec())
            .collect();
        let mut ids: HashMap<u64, u32> = HashMap::new();
        let households = if self.households.is_empty() {
            Vec::new()
        } else {
            self.order
                .iter()
                .map(|&r| {
                    self.households[r as usize].map(|h| {
                        let next = ids.len() as u32;
                        *ids.entry(h).or_insert(next)
                    })
                })
                .collect()
        };
        (rows, households)
    }

    fn method(
        &self,
        method: MethodChoice,
        quotas: &Quotas,
        k: u32,
        household_rule: bool,
        options: &CommitOptions,
    ) -> Result<MethodWork> {
        let plain = |method| MethodWork {
            method,
            selection_counts: None,
            leximin_min: None,
            leximin_partial: None,
        };
        Ok(match method {
            MethodChoice::Uniform => plain(Method::Uniform),
            MethodChoice::Stratified {
                feature,
                allocation,
            } => plain(Method::Stratified {
                feature,
                allocation,
            }),
            MethodChoice::Greedy { max_attempts } => plain(Method::Greedy { max_attempts }),
            MethodChoice::Lottery { panels } => {
                let (rows, households) = self.fair_rows(quotas.features.len());
                let households = if household_rule {
                    households
                } else {
                    Vec::new()
                };
                let instance = crate::fair::instance_of_rows(quotas, rows, households, k);
                let mut leximin_partial = None;
                let dist = match crate::fair::leximin(&instance, &options.fair) {
                    Ok(d) => d,
                    Err(FileError::TimeLimit {
                        stopped,
                        partial: Some(partial),
                        ..
                    }) if options.accept_partial => {
                        leximin_partial = Some(stopped);
                        partial.distribution
                    }
                    Err(e) => return Err(e),
                };
                let lottery = crate::fair::portfolio(&instance, &dist, panels)?;
                MethodWork {
                    selection_counts: Some((
                        kleroterion::methods::lottery::selection_counts(
                            &lottery.panels,
                            self.order.len(),
                        ),
                        panels,
                    )),
                    leximin_min: Some(dist.report.min),
                    leximin_partial,
                    method: Method::Lottery {
                        portfolio: lottery.panels,
                    },
                }
            }
        })
    }
}

/// The pool file of a [`Sealed`] commit ([`Sealed::pool_file`]).
#[derive(Debug, serde::Serialize)]
pub struct PoolView<'a> {
    spec: &'a str,
    records: Records<'a>,
}

#[derive(Debug)]
struct Records<'a>(&'a Pool);

impl serde::Serialize for Records<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.0.order.len()))?;
        for pos in 0..self.0.order.len() {
            seq.serialize_element(&self.0.record(pos))?;
        }
        seq.end()
    }
}
