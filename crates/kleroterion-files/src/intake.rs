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

use kleroterion::disclosure::{Cells, DEFAULT_FLOOR};
use kleroterion::merkle::{BlockTree, leaf_hash};
use kleroterion::roster::{Roster, RosterBuilder};
use kleroterion::seal::Opening;
use kleroterion::{
    Digest, Manifest, Method, PoolCommitment, Receipt, Record, SPEC_VERSION, TicketKey,
};

use crate::commit::{CommitOptions, MaxentWeights, MethodChoice};
use crate::error::{FileError, Result};
use crate::people::Person;
use crate::previous::{Linker, PreviousStage};
use crate::quotas::Quotas;
use crate::tickets::TicketSource;

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
    /// The people file's header, where a `maxent` weight column is found.
    pub header: Vec<String>,
}

/// The `maxent` weights read from a column of the people file, one per row.
#[derive(Debug)]
struct WeightColumn {
    name: String,
    at: usize,
    by_row: Vec<u32>,
}

impl WeightColumn {
    /// The column `name` of `source`'s header, or the error naming the columns there are.
    fn find(source: &Source, name: &str) -> Result<Self> {
        let at = source
            .header
            .iter()
            .position(|h| crate::table::clean(h) == crate::table::clean(name))
            .ok_or_else(|| FileError::Invalid {
                detail: format!(
                    "{} has no column \"{name}\" for the maxent weights; its columns are {}. Fix: name one of them, or add the column",
                    source.file,
                    source.header.join(", ")
                ),
            })?;
        Ok(Self {
            name: name.to_owned(),
            at,
            by_row: Vec::new(),
        })
    }

    /// Reads `person`'s weight: a whole number from 1 to 4,294,967,295.
    fn read(&mut self, file: &str, person: &Person) -> Result<()> {
        let cell = person.cells.get(self.at).map_or("", |c| c.trim());
        let weight = cell.parse::<u32>().ok().filter(|&w| w > 0).ok_or_else(|| {
            FileError::Invalid {
                detail: format!(
                    "{file}, line {}, column \"{}\": the maxent weight \"{}\" is not a whole number from 1 to 4,294,967,295. Fix: give every person a positive whole weight (scale fractional weights up and round them)",
                    person.line,
                    self.name,
                    kleroterion::text::display(cell, 40)
                ),
            }
        })?;
        self.by_row.push(weight);
        Ok(())
    }
}

/// The people of a commit, taken in one at a time (see the module documentation).
#[derive(Debug)]
pub struct Intake<'a> {
    quotas: &'a Quotas,
    source: Source,
    people: RosterBuilder<TicketSource>,
    ticket_key: Option<TicketKey>,
    previous: Option<Linker<'a>>,
    weights: Option<WeightColumn>,
}

impl<'a> Intake<'a> {
    /// An empty intake for people with these features, under these quotas.
    pub fn new(quotas: &'a Quotas, source: Source, tickets: TicketSource) -> Self {
        let mut people = RosterBuilder::new(quotas.features.clone(), tickets.clone());
        for name in source.features.iter().skip(quotas.features.len()) {
            people = people.with_open_feature(name);
        }
        Self {
            quotas,
            source,
            ticket_key: match &tickets {
                TicketSource::Keyed(key) => Some(key.clone()),
                TicketSource::Random => None,
            },
            people,
            previous: None,
            weights: None,
        }
    }

    /// Draws this pool from the invitees of a previous stage (SPEC.md section 5.3): each person
    /// is linked to the ticket that invited them, and the manifest names the previous stage.
    /// Call it before taking anyone in. Refuses an inherited feature that is not one of the
    /// source's features.
    pub fn with_previous(mut self, previous: &'a PreviousStage) -> Result<Self> {
        self.previous = Some(previous.linker(&self.source.file, &self.source.features)?);
        Ok(self)
    }

    /// An empty intake for a commit with these options: its tickets, sealed features and
    /// previous stage.
    pub fn for_commit(
        quotas: &'a Quotas,
        source: Source,
        options: &'a CommitOptions,
    ) -> Result<Self> {
        let mut intake =
            Self::new(quotas, source, options.tickets.clone()).with_sealed(options.sealed);
        if let Some(MethodChoice::Maxent {
            weights: MaxentWeights::Column(column),
            ..
        }) = &options.method
        {
            intake.weights = Some(WeightColumn::find(&intake.source, column)?);
        }
        match &options.previous {
            Some(previous) => intake.with_previous(previous),
            None => Ok(intake),
        }
    }

    /// Seals the features (SPEC.md section 4.1): every person gets a salt and their record a
    /// seal. Call it before taking anyone in.
    pub fn with_sealed(mut self, sealed: bool) -> Self {
        if sealed {
            self.people = self.people.sealed();
        }
        self
    }

    /// The number of people taken in.
    pub fn len(&self) -> usize {
        self.people.len()
    }

    /// True when no one was taken in.
    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    /// Takes in the next person: gives them a ticket, their value indices and their household
    /// key. A value not declared in the quotas is an error, never a silent index.
    pub fn add(&mut self, person: &Person) -> Result<()> {
        let link = match &self.previous {
            Some(linker) => Some(linker.link(person)?),
            None => None,
        };
        if let Some(w) = &mut self.weights {
            w.read(&self.source.file, person)?;
        }
        let address = person.address.as_deref();
        match &link {
            Some(l) => self
                .people
                .add_linked(&person.id, &person.values, address, l),
            None => self.people.add(&person.id, &person.values, address),
        }
        .map_err(|e| match e {
            kleroterion::Error::InvalidPerson { .. } => FileError::Invalid {
                detail: format!("{}: {e}", self.source.file),
            },
            other => FileError::core(format!("{}: making a ticket", self.source.file), other),
        })?;
        Ok(())
    }

    /// Orders the pool by ticket, hashes it, runs the method's commit-time work and builds the
    /// manifest. `who(row)` names a person (by id or line) in the message of a ticket clash.
    pub fn seal(self, options: &CommitOptions, who: &dyn Fn(usize) -> String) -> Result<Sealed> {
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
        let household_rule = self.people.has_households();
        if household_rule && !method.enforces_quotas() {
            return Err(FileError::Invalid {
                detail: format!(
                    "the household rule (address columns) cannot be applied by the {} method. Fix: use greedy or lottery, or drop the address columns",
                    method.name()
                ),
            });
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
        if options.sealed && !matches!(method, MethodChoice::Lottery { .. }) {
            return Err(FileError::Invalid {
                detail: format!(
                    "the features can be sealed only for a lottery draw, and the method is {} (stratified and greedy read every record's values to draw; a lottery's panels are committed before the draw and checked on the opened values). Fix: use the lottery method, or publish the values under the disclosure floor (drop --sealed)",
                    method.name()
                ),
            });
        }
        if options.distribution.is_some() && !matches!(method, MethodChoice::Lottery { .. }) {
            return Err(FileError::Invalid {
                detail: format!(
                    "a distribution was given, and the method is {}: only a lottery draw rounds a distribution to its panels. Fix: use the lottery method, or leave the distribution out",
                    method.name()
                ),
            });
        }
        let roster = self.people.finish(k).map_err(|e| match e {
            kleroterion::Error::TicketClash { first, second } => {
                let who_is = |row: &str| row.parse().map_or_else(|_| row.to_owned(), who);
                FileError::Invalid {
                    detail: format!(
                        "{} and {} were given the same ticket. Fix: use another ticket key",
                        who_is(&first),
                        who_is(&second)
                    ),
                }
            }
            other => FileError::core("ordering the pool by ticket", other),
        })?;
        let cells = check_cells(&roster, options.min_cell(), options.sealed, who)?;
        let mut pool = Pool {
            roster,
            blocks: BlockTree::new(BLOCK_BITS, []),
        };
        pool.blocks = pool.tree()?;
        let root = pool.blocks.root().ok_or_else(|| FileError::Invalid {
            detail: "the pool is empty".into(),
        })?;
        let weights = self.weights.map_or_else(Vec::new, |w| {
            let mut in_pool = vec![0; w.by_row.len()];
            for (row, &weight) in w.by_row.iter().enumerate() {
                if let Some(pos) = pool.roster.position_of_row(row) {
                    in_pool[pos as usize] = weight;
                }
            }
            in_pool
        });
        let fit_to_leximin = matches!(
            method,
            MethodChoice::Maxent {
                weights: MaxentWeights::Leximin,
                ..
            }
        );
        let fair = pool.method(method, weights, self.quotas, k, household_rule, options)?;
        let mut manifest = Manifest::new(
            options.title.clone(),
            fair.method,
            k,
            pool.roster.features().to_vec(),
            PoolCommitment {
                root,
                count: n as u32,
            },
        )
        .with_alternates(options.alternates)
        .with_household_rule(household_rule)
        .with_purpose(options.purpose)
        .with_min_cell(options.min_cell())
        .with_sealed(options.sealed);
        if let Some(linker) = &self.previous {
            manifest = manifest.with_parent(linker.stage().parent()?);
        }
        manifest.announced_at = options.announced_at.clone();
        manifest.randomness = options.randomness.clone();
        manifest
            .validate()
            .map_err(|e| FileError::core("the manifest is not valid", e))?;
        let fit = if fit_to_leximin {
            Some(pool.fit_to_leximin(&mut manifest, self.quotas, options)?)
        } else {
            None
        };
        let maxent = crate::maxent::MaxentFigures::of(&manifest, &pool.roster.resolved())?
            .map(|f| f.with_fit(fit));
        let commitment = manifest
            .commitment()
            .map_err(|e| FileError::core("hashing the manifest", e))?;
        Ok(Sealed {
            maxent,
            ticket_key: self.ticket_key,
            pool,
            manifest,
            commitment,
            selection_counts: fair.selection_counts,
            leximin_min: fair.leximin_min,
            leximin_partial: fair.leximin_partial,
            cells,
            rounding: fair.rounding,
            basis: fair.basis,
        })
    }
}

/// The disclosure check (SPEC.md sections 5.2 and 17): counts the records of each published
/// cell and refuses a pool with a cell below `floor`, naming a person of the smallest cell and
/// the fixes.
fn check_cells(
    roster: &Roster,
    floor: u32,
    sealed: bool,
    who: &dyn Fn(usize) -> String,
) -> Result<Option<Cells>> {
    let resolved = roster.resolved();
    let cells = match sealed {
        true => Cells::of_sealed(&resolved),
        false => Cells::of(&resolved),
    };
    if let Some(c) = cells
        && c.smallest < floor
    {
        let row = roster.row_at(c.smallest_at as usize).unwrap_or(0) as usize;
        return Err(FileError::Invalid {
            detail: format!(
                "the pool would publish a cell of {} record(s) ({} is in it): {} record(s) are alone in their cell and {} sit in cells smaller than {}, so anyone who knows their values (and those of the people they live with) could recognise them. The floor is {floor}. Fix: publish only the value a quota refers to, never a finer one (a commune's size group, not the commune, when the quotas are on size groups); merge rare values into wider ones; drop the address columns if the household rule is not needed; or, knowingly, lower the floor with --allow-small-cells {} (Python: allow_small_cells=), which the manifest records and every verifier shows",
                c.smallest,
                who(row),
                c.alone,
                c.below_default,
                DEFAULT_FLOOR,
                c.smallest,
            ),
        });
    }
    Ok(cells)
}

/// A commit, sealed: the manifest and its commitment, and the pool held compactly (see the
/// module documentation). Records are indexed by pool position, people by row (their order in
/// the people file).
#[derive(Debug)]
pub struct Sealed {
    ticket_key: Option<TicketKey>,
    pool: Pool,
    manifest: Manifest,
    commitment: Digest,
    /// For `lottery`: each pool index's selection probability as (panels holding them, M).
    pub selection_counts: Option<(Vec<u32>, u32)>,
    /// For `lottery`: the LEXIMIN minimum probability before rounding.
    pub leximin_min: Option<f64>,
    /// The disclosure figures of the published pool (`None` when it publishes only tickets).
    pub cells: Option<Cells>,
    /// For `lottery` with [`CommitOptions::accept_partial`]: how far LEXIMIN got when the time
    /// limit stopped it.
    pub leximin_partial: Option<kleroterion_fair::Stopped>,
    /// For `lottery`: what rounding the distribution to the portfolio cost (people by pool
    /// index).
    pub rounding: Option<kleroterion_fair::RoundingLoss>,
    /// For `lottery`: the instance (people in pool order) and the distribution the portfolio
    /// was rounded from, for a report that compares methods ([`kleroterion_fair::compare`]).
    pub basis: Option<Box<LotteryBasis>>,
    /// For `maxent`: the count's size and how often a walk meets every quota.
    pub maxent: Option<crate::maxent::MaxentFigures>,
}

/// The instance and the LEXIMIN distribution behind a committed lottery.
#[derive(Debug, Clone)]
pub struct LotteryBasis {
    /// The people in pool order, with the quotas, the panel size and the households the rule
    /// counts.
    pub instance: kleroterion_fair::Instance,
    /// The distribution the portfolio was rounded from.
    pub distribution: kleroterion_fair::Distribution,
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

    /// The key the tickets were made with (`None` for random tickets).
    pub fn ticket_key(&self) -> Option<&TicketKey> {
        self.ticket_key.as_ref()
    }

    /// The number of people.
    pub fn len(&self) -> usize {
        self.pool.len()
    }

    /// True when the pool is empty (never, once sealed).
    pub fn is_empty(&self) -> bool {
        self.pool.roster.is_empty()
    }

    /// The ticket of the person at `row` of the people file (empty beyond the file).
    pub fn ticket(&self, row: usize) -> String {
        self.pool
            .roster
            .ticket_of_row(row)
            .map(|t| t.to_string())
            .unwrap_or_default()
    }

    /// The pool position of the person at `row` of the people file.
    pub fn pool_index(&self, row: usize) -> u32 {
        self.pool.roster.position_of_row(row).unwrap_or(u32::MAX)
    }

    /// The record at pool position `pos`.
    pub fn record(&self, pos: usize) -> Record {
        self.pool.record(pos)
    }

    /// Every record, in pool order.
    pub fn records(&self) -> impl Iterator<Item = Record> + '_ {
        (0..self.len()).map(|pos| self.pool.record(pos))
    }

    /// With sealed features, every record's opening in pool order (none otherwise): private,
    /// for `private/openings.json`.
    pub fn openings(&self) -> impl Iterator<Item = Opening> + '_ {
        (0..self.len()).filter_map(|pos| self.pool.roster.opening(pos))
    }

    /// The pool file (`{"spec", "records"}`) as a serialisable view: the same JSON as the
    /// [`kleroterion::PoolFile`] of [`Sealed::records`], built one record at a time.
    pub fn pool_file(&self) -> PoolView<'_> {
        PoolView {
            spec: SPEC_VERSION,
            records: Records(&self.pool),
        }
    }

    /// The receipt of the person of data row `row` (in the order they were taken in), when
    /// there is one: a few receipts without making everyone's.
    pub fn receipt_of_row(&self, row: usize) -> Option<Result<Receipt>> {
        let pos = self.pool.roster.position_of_row(row)? as usize;
        let size = self.pool.blocks.block_size();
        Some(
            self.block_receipts(pos / size)
                .map(|mut block| block.swap_remove(pos % size)),
        )
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
        records
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
                    &self.pool.roster.secret(start + i),
                )
                .and_then(|r| match self.pool.roster.opening(start + i) {
                    Some(o) => r.with_opening(o),
                    None => Ok(r),
                })
                .map_err(|e| FileError::core("issuing a receipt", e))
            })
            .collect()
    }
}

/// The pool of a sealed commit, compactly (see the module documentation).
#[derive(Debug)]
struct Pool {
    roster: Roster,
    blocks: BlockTree,
}

/// What the method's commit-time work gives the manifest and the organiser.
struct MethodWork {
    method: Method,
    selection_counts: Option<(Vec<u32>, u32)>,
    leximin_min: Option<f64>,
    leximin_partial: Option<kleroterion_fair::Stopped>,
    rounding: Option<kleroterion_fair::RoundingLoss>,
    basis: Option<Box<LotteryBasis>>,
}

impl Pool {
    fn len(&self) -> usize {
        self.roster.len()
    }

    fn record(&self, pos: usize) -> Record {
        self.roster.record(pos)
    }

    /// The Merkle tree's upper levels, hashing the records in pool order.
    fn tree(&self) -> Result<BlockTree> {
        let mut failed = None;
        let leaves = (0..self.len()).map_while(|pos| match leaf_hash(&self.record(pos)) {
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
        let resolved = self.roster.resolved();
        let rows = resolved
            .rows()
            .map(|row| row[..quota_features].to_vec())
            .collect();
        let households = if self.roster.household_rule() {
            resolved.household
        } else {
            Vec::new()
        };
        (rows, households)
    }

    /// Fits the weights of `manifest`'s `maxent` method to each person's LEXIMIN probability
    /// ([`crate::weight_fit`]) and commits them in the manifest.
    fn fit_to_leximin(
        &self,
        manifest: &mut Manifest,
        quotas: &Quotas,
        options: &CommitOptions,
    ) -> Result<crate::maxent::FitFigures> {
        let (rows, households) = self.fair_rows(quotas.features.len());
        let instance = crate::fair::instance_of_rows(quotas, rows, households, manifest.panel_size);
        let leximin = crate::fair::leximin(&instance, &options.fair)?;
        let fitted =
            crate::weight_fit::fit(manifest, &self.roster.resolved(), &leximin.probabilities)?;
        if let Method::Maxent { weights, .. } = &mut manifest.method {
            weights.clone_from(&fitted.weights);
        }
        manifest
            .validate()
            .map_err(|e| FileError::core("the manifest with the fitted weights", e))?;
        Ok(crate::maxent::FitFigures {
            largest_gap: fitted.largest_gap,
            rounds: fitted.rounds,
            leximin_min: leximin.report.min,
        })
    }

    /// The method's commit-time work; `weights`, the `maxent` weights in pool order (empty:
    /// every weight 1).
    fn method(
        &self,
        method: MethodChoice,
        weights: Vec<u32>,
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
            rounding: None,
            basis: None,
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
            MethodChoice::Maxent {
                counted,
                max_attempts,
                ..
            } => plain(Method::Maxent {
                counted: crate::maxent::count_order(&counted, &quotas.features, k)?,
                max_attempts,
                weights,
            }),
            MethodChoice::Lottery { panels } => {
                let (rows, households) = self.fair_rows(quotas.features.len());
                let households = if household_rule {
                    households
                } else {
                    Vec::new()
                };
                let instance = crate::fair::instance_of_rows(quotas, rows, households, k);
                let mut leximin_partial = None;
                let computed = match &options.distribution {
                    Some(given) => given.for_pool(&instance, |pos| self.roster.row_at(pos)),
                    None => crate::fair::leximin(&instance, &options.fair),
                };
                let dist = match computed {
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
                let lottery = crate::fair::portfolio(&instance, &dist, panels, &options.fair)?;
                MethodWork {
                    selection_counts: Some((
                        kleroterion::methods::lottery::selection_counts(
                            &lottery.panels,
                            self.len(),
                        ),
                        panels,
                    )),
                    leximin_min: Some(dist.report.min),
                    leximin_partial,
                    rounding: Some(lottery.loss),
                    basis: Some(Box::new(LotteryBasis {
                        instance,
                        distribution: dist,
                    })),
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
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for pos in 0..self.0.len() {
            seq.serialize_element(&self.0.record(pos))?;
        }
        seq.end()
    }
}
