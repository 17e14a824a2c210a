//! The private lists of a draw written from the ticket map as a stream, so that a pool of
//! tens of millions of records is drawn in little memory.
//!
//! [`write_lists`] reads `private/tickets.csv` (written by commit: `ticket,pool_index`, then
//! the output columns) once, row by row through a [`RowReader`], and checks it against the
//! pool as it goes: every ticket must be a pool ticket, seen once (one bit per pool record),
//! and every pool ticket must be seen. `remaining.csv` is written during that pass to a
//! temporary file; the rows of the selected people and the alternates, a few thousand at most,
//! are kept. Only when the whole map has been read and checked are `selected.csv` and
//! `alternates.csv` written and the three files put in place, so that an error leaves no list,
//! partial or new, behind.
//!
//! A ticket is found in the pool through a [`TicketIndex`], a hash table of pool positions
//! keyed at random.
//!
//! The files are byte for byte those of [`crate::outputs::write_draw_csvs`], which works on a
//! [`TicketMap`](crate::outputs::TicketMap) in memory through the same writer of the three lists.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, RandomState};
use std::path::{Path, PathBuf};

use kleroterion::compact::CompactPool;
use kleroterion::{Bundle, Record};

use crate::atomic::{self, Access, Existing, StagedFile};
use crate::encoding::Encoding;
use crate::error::{FileError, Result};
use crate::outputs::{
    DrawPaths, MAP_FIX, WriteOptions, check_map_header, csv_error, csv_writer,
    excluded_from_remaining,
};
use crate::table::{RowReader, Table, TableOptions};

/// What the lists need to know of the pool.
pub trait PoolTickets {
    /// The number of records.
    fn len(&self) -> usize;

    /// True when the pool has no record.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The pool position of a ticket, if it is in the pool.
    fn position(&self, ticket: &str) -> Option<usize>;

    /// The ticket at a pool position (`None` beyond the pool), to name a pool record missing
    /// from the map.
    fn ticket(&self, position: usize) -> Option<String>;
}

/// The tickets of a pool in pool order, as a [`TicketIndex`] reads them.
pub trait TicketList {
    /// The number of records.
    fn count(&self) -> usize;

    /// The ticket of the record at `position` (`None` beyond the pool).
    fn ticket_at(&self, position: usize) -> Option<&str>;
}

impl TicketList for [Record] {
    fn count(&self) -> usize {
        self.len()
    }

    fn ticket_at(&self, position: usize) -> Option<&str> {
        self.get(position).map(|r| r.ticket.as_str())
    }
}

impl TicketList for CompactPool {
    fn count(&self) -> usize {
        self.len()
    }

    fn ticket_at(&self, position: usize) -> Option<&str> {
        self.ticket(position)
    }
}

/// The [`PoolTickets`] of a pool (records in memory, a [`CompactPool`]): a hash table of pool
/// positions, so that a lookup, one per row of the ticket map in an order unrelated to the
/// pool's, costs a few memory reads where a binary search costs dozens of cache misses. The
/// table takes 4 to 8 bytes a record (64 MiB for 10 million).
///
/// The pool comes from the organiser, who may not be honest: the hash is keyed at random
/// ([`RandomState`]), so that tickets cannot be chosen to fall in one slot and make every
/// lookup walk the table.
pub struct TicketIndex<'a, P: ?Sized> {
    pool: &'a P,
    /// Open addressing, linear probing: `EMPTY`, or a pool position in the bits of
    /// `positions` and above them as many bits of its ticket's hash as fit (8 for 10 million
    /// records), so that most slots of other tickets are passed without reading their ticket.
    slots: Vec<u32>,
    positions: u32,
    hasher: RandomState,
}

/// An empty slot: never a position with its hash bits, since a position is below the pool's
/// length, which fits in the bits of positions.
const EMPTY: u32 = u32::MAX;

impl<'a, P: TicketList + ?Sized> TicketIndex<'a, P> {
    /// Indexes the tickets of `pool`. A ticket held twice is found at its first position.
    /// Records beyond the 4,294,967,295th (more than a pool may hold) are not indexed.
    pub fn new(pool: &'a P) -> Self {
        let len = u32::try_from(pool.count()).unwrap_or(EMPTY);
        let size = (len as usize + len as usize / 2 + 1).next_power_of_two();
        let bits = u32::BITS - len.leading_zeros();
        let mut index = Self {
            pool,
            slots: vec![EMPTY; size],
            positions: u32::MAX.checked_shr(u32::BITS - bits).unwrap_or(0),
            hasher: RandomState::new(),
        };
        for i in 0..len {
            // A ticket held twice is kept once, at its first position (so that a pool of one
            // ticket repeated does not make the building quadratic).
            if let Err((s, hash_bits)) = index.find(pool.ticket_at(i as usize).unwrap_or_default())
            {
                index.slots[s] = hash_bits | i;
            }
        }
        index
    }

    /// The position of `ticket`, or the empty slot where it would go with the hash bits of
    /// its slot.
    fn find(&self, ticket: &str) -> std::result::Result<usize, (usize, u32)> {
        let hash = self.hasher.hash_one(ticket);
        // The high half of the hash, above the positions; the low one picks the slot.
        let hash_bits = ((hash >> 32) as u32) & !self.positions;
        let last = self.slots.len() - 1;
        let mut s = hash as usize & last;
        loop {
            let slot = self.slots[s];
            if slot == EMPTY {
                return Err((s, hash_bits));
            }
            if slot & !self.positions == hash_bits {
                let j = (slot & self.positions) as usize;
                if self.pool.ticket_at(j) == Some(ticket) {
                    return Ok(j);
                }
            }
            s = (s + 1) & last;
        }
    }
}

impl<P: TicketList + ?Sized> PoolTickets for TicketIndex<'_, P> {
    fn len(&self) -> usize {
        self.pool.count()
    }

    fn position(&self, ticket: &str) -> Option<usize> {
        self.find(ticket).ok()
    }

    fn ticket(&self, position: usize) -> Option<String> {
        self.pool.ticket_at(position).map(str::to_owned)
    }
}

impl<P: TicketList + ?Sized> std::fmt::Debug for TicketIndex<'_, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TicketIndex")
            .field("len", &self.pool.count())
            .field("slots", &self.slots.len())
            .finish_non_exhaustive()
    }
}

/// What each list is called in errors.
const WHAT: &str = "a private list of a draw";

/// Refuses the lists of `paths` when one of them exists, unless `options.existing` is
/// [`Existing::Replace`].
pub(crate) fn refuse_lists(paths: &DrawPaths, options: &WriteOptions) -> Result<()> {
    if options.existing != Existing::Replace {
        for p in paths.all() {
            atomic::refuse_existing(p, WHAT, "")?;
        }
    }
    Ok(())
}

/// Checks `map_path` (a tickets.csv written by commit: header `ticket,pool_index,<output
/// columns>`) against the pool and writes `selected.csv` (in the order of `selected`),
/// `alternates.csv` (in the order of `alternates`) and `remaining.csv` (map order, without the
/// tickets of `excluded`) in `dir` (created private), streaming: memory is bounded by the
/// selected and alternate rows plus one bit per pool record.
///
/// `excluded` holds the tickets left out of `remaining.csv`: the selected and, under the
/// household rule, the people living with one of them (see
/// [`excluded_from_remaining`]).
///
/// Existing lists are refused first, unless `options.existing` is [`Existing::Replace`]; none
/// is written when one exists. The map is read by a [`RowReader`], as [`TicketMap::read`]
/// reads it (UTF-8, a byte-order mark skipped, `,` or `;` as separator, cells trimmed and in
/// NFC, blank lines skipped, the limits of [`crate::limits`]), with its errors, which name the
/// file and the line; the first of them in file order is reported. Then:
///
/// - a ticket that is not in the pool, or that appears a second time, and a pool ticket that
///   is not in the map, are a [`FileError::TicketMapMismatch`] (a missing pool ticket is
///   reported first, the first one in pool order; then the first wrong line);
/// - a ticket of `selected` or `alternates` that is not in the map is a [`FileError::Invalid`].
///
/// On any error no list is left behind: the three files are written to temporary files and
/// put in place together, once everything is checked.
///
/// [`TicketMap::read`]: crate::outputs::TicketMap::read
pub fn write_lists(
    dir: &Path,
    map_path: &Path,
    pool: &dyn PoolTickets,
    selected: &[String],
    alternates: &[String],
    excluded: &HashSet<String>,
    options: &WriteOptions,
) -> Result<DrawPaths> {
    let paths = DrawPaths::of(dir);
    refuse_lists(&paths, options)?;
    // The map is written by commit, in UTF-8.
    let utf8 = TableOptions {
        encoding: Encoding::Utf8,
        ..TableOptions::default()
    };
    let mut map = RowReader::open_with(map_path, None, &utf8)?;
    let header = map.header.clone();
    let file = map.file.clone();
    check_map_header(&Table {
        file: file.clone(),
        separator: map.separator,
        header_line: map.header_line,
        header: header.clone(),
        rows: Vec::new(),
        notice: None,
    })?;
    let width = header.len();
    let mut lists = Lists::create(dir, &header[2..], selected, alternates, options)?;
    let mismatch = |detail: String| FileError::TicketMapMismatch {
        file: file.clone(),
        detail,
    };
    let mut seen = Bits::new(pool.len());
    // The excluded by pool position, so that the ticket of a row is looked up once (a row
    // whose ticket is not in the pool fails the map, and is looked up again).
    let mut left_out = Bits::new(pool.len());
    for p in excluded.iter().filter_map(|t| pool.position(t)) {
        if p < pool.len() {
            left_out.insert(p);
        }
    }
    let mut wrong: Option<String> = None;
    let mut rows = 0usize;
    while let Some(row) = map.next_row()? {
        row.check_width(&file, width, MAP_FIX)?;
        rows += 1;
        let ticket = row.cells[0].as_str();
        let position = pool.position(ticket).filter(|&p| p < pool.len());
        let problem = match position {
            None => Some("is not in the pool"),
            Some(p) if !seen.insert(p) => Some("appears a second time"),
            Some(_) => None,
        };
        if let (Some(problem), None) = (problem, &wrong) {
            wrong = Some(format!(
                "line {}: ticket {} {problem}",
                row.line,
                kleroterion::text::display(ticket, 40)
            ));
        }
        let remaining = match position {
            Some(p) => !left_out.contains(p),
            None => !excluded.contains(ticket),
        };
        lists.row(ticket, &row.cells[2..width], remaining)?;
    }
    if let Some(p) = seen.first_unset() {
        return Err(mismatch(match pool.ticket(p) {
            Some(t) => format!(
                "pool ticket {} is not in it",
                kleroterion::text::display(&t, 40)
            ),
            None => format!("pool record {p} (0-based) is not in it"),
        }));
    }
    if let Some(detail) = wrong {
        return Err(mismatch(detail));
    }
    if rows != pool.len() {
        return Err(mismatch(format!(
            "it has {rows} rows, the pool {} records",
            pool.len()
        )));
    }
    lists.finish()
}

/// [`write_lists`] for a drawn bundle: its pool, its selected and alternates, and the tickets
/// [`excluded_from_remaining`].
pub fn write_bundle_lists(
    dir: &Path,
    map_path: &Path,
    bundle: &Bundle,
    options: &WriteOptions,
) -> Result<DrawPaths> {
    let excluded: HashSet<String> = excluded_from_remaining(bundle)
        .into_iter()
        .map(str::to_owned)
        .collect();
    write_lists(
        dir,
        map_path,
        &TicketIndex::new(bundle.pool.as_slice()),
        &bundle.result.selected,
        &bundle.result.alternates,
        &excluded,
        options,
    )
}

/// One bit per pool record.
struct Bits {
    words: Vec<u64>,
    len: usize,
}

impl Bits {
    fn new(len: usize) -> Self {
        Self {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    /// Sets bit `i`; false when it was set already.
    fn insert(&mut self, i: usize) -> bool {
        let (word, bit) = (&mut self.words[i / 64], 1u64 << (i % 64));
        let new = *word & bit == 0;
        *word |= bit;
        new
    }

    /// True when bit `i` is set.
    fn contains(&self, i: usize) -> bool {
        self.words[i / 64] & (1u64 << (i % 64)) != 0
    }

    /// The first bit not set.
    fn first_unset(&self) -> Option<usize> {
        let (w, word) = self
            .words
            .iter()
            .enumerate()
            .find(|(_, w)| **w != u64::MAX)?;
        let i = w * 64 + word.trailing_ones() as usize;
        (i < self.len).then_some(i)
    }
}

/// The three lists of a draw being written from the rows of a ticket map, given in map order
/// to [`Lists::row`]: `remaining.csv` is written to its temporary file as they come, the rows
/// of the selected and the alternates are kept. [`Lists::finish`] writes `selected.csv` and
/// `alternates.csv` and puts the three files in place; dropped unfinished, the lists leave
/// nothing behind (not even `dir`, when they created it).
pub(crate) struct Lists<'a> {
    paths: DrawPaths,
    header: &'a [String],
    options: WriteOptions,
    remaining: Option<csv::Writer<StagedFile>>,
    /// The tickets of `selected.csv` and `alternates.csv`, in list order.
    picked: [&'a [String]; 2],
    /// Each of these tickets' first place in the two lists.
    slots: HashMap<&'a str, [Option<usize>; 2]>,
    /// The rows found for these places.
    rows: [Vec<Option<Vec<String>>>; 2],
    /// The folder, when it was created here.
    made: Option<PathBuf>,
}

impl<'a> Lists<'a> {
    /// Creates `dir` (private) and starts `remaining.csv`. Existing lists are not looked at
    /// here (see [`refuse_lists`]); they are refused when the lists are put in place, unless
    /// `options.existing` is [`Existing::Replace`].
    pub(crate) fn create(
        dir: &Path,
        header: &'a [String],
        selected: &'a [String],
        alternates: &'a [String],
        options: &WriteOptions,
    ) -> Result<Self> {
        let made = std::fs::symlink_metadata(dir)
            .is_err()
            .then(|| dir.to_path_buf());
        atomic::create_dir(dir, Access::Private)?;
        let picked = [selected, alternates];
        let mut slots: HashMap<&str, [Option<usize>; 2]> = HashMap::new();
        for (k, tickets) in picked.iter().enumerate() {
            for (i, t) in tickets.iter().enumerate() {
                slots.entry(t.as_str()).or_default()[k].get_or_insert(i);
            }
        }
        let mut lists = Self {
            paths: DrawPaths::of(dir),
            header,
            options: *options,
            remaining: None,
            picked,
            slots,
            rows: picked.map(|t| vec![None; t.len()]),
            made,
        };
        lists.remaining = Some(lists.start(&lists.paths.remaining)?);
        Ok(lists)
    }

    /// A list's temporary file with its header written.
    fn start(&self, path: &Path) -> Result<csv::Writer<StagedFile>> {
        let file = StagedFile::create(path, Access::Private)?;
        let mut w = csv_writer(file, self.options.bom).map_err(|e| FileError::io(path, &e))?;
        w.write_record(self.header)
            .map_err(|e| csv_error(path, e))?;
        Ok(w)
    }

    /// Takes the next row of the map: its ticket, its output cells, and whether it belongs in
    /// `remaining.csv`.
    pub(crate) fn row<S: AsRef<str>>(
        &mut self,
        ticket: &str,
        cells: &[S],
        remaining: bool,
    ) -> Result<()> {
        if let Some(slots) = self.slots.get(ticket) {
            for (rows, slot) in self.rows.iter_mut().zip(slots) {
                if let Some(i) = *slot {
                    rows[i] = Some(cells.iter().map(|c| c.as_ref().to_owned()).collect());
                }
            }
        }
        if remaining && let Some(w) = &mut self.remaining {
            w.write_record(cells.iter().map(|c| c.as_ref().as_bytes()))
                .map_err(|e| csv_error(&self.paths.remaining, e))?;
        }
        Ok(())
    }

    /// The rows of list `k` (0: selected, 1: alternates) in list order; a ticket that is not
    /// in the map is an error.
    fn picked_rows(&self, k: usize) -> Result<Vec<&[String]>> {
        self.picked[k]
            .iter()
            .map(|t| {
                self.slots
                    .get(t.as_str())
                    .and_then(|s| s[k])
                    .and_then(|i| self.rows[k][i].as_deref())
                    .ok_or_else(|| FileError::Invalid {
                        detail: format!(
                            "ticket {t} of the draw is not in the ticket map. Fix: give the tickets.csv written by the same commit"
                        ),
                    })
            })
            .collect()
    }

    /// Writes `selected.csv` and `alternates.csv` and puts the three lists in place, in that
    /// order. A ticket of the draw missing from the map is an error, and nothing is written.
    /// Should putting one in place fail (one appeared meanwhile), those already put in place
    /// are removed, unless they replaced earlier files.
    pub(crate) fn finish(mut self) -> Result<DrawPaths> {
        let selected = self.picked_rows(0)?;
        let alternates = self.picked_rows(1)?;
        let mut files = Vec::with_capacity(3);
        for (path, rows) in [
            (&self.paths.selected, selected),
            (&self.paths.alternates, alternates),
        ] {
            let mut w = self.start(path)?;
            for r in rows {
                w.write_record(r).map_err(|e| csv_error(path, e))?;
            }
            files.push((path.clone(), w));
        }
        let remaining = self.remaining.take();
        files.extend(remaining.map(|w| (self.paths.remaining.clone(), w)));
        let mut placed: Vec<PathBuf> = Vec::with_capacity(3);
        for (path, w) in files {
            let staged = w
                .into_inner()
                .map_err(|e| FileError::io(&path, e.error()))?;
            if let Err(e) = staged.finish(self.options.existing, WHAT) {
                if self.options.existing != Existing::Replace {
                    for p in &placed {
                        let _ = std::fs::remove_file(p);
                    }
                }
                return Err(e);
            }
            placed.push(path);
        }
        self.made = None;
        Ok(self.paths.clone())
    }
}

impl Drop for Lists<'_> {
    fn drop(&mut self) {
        drop(self.remaining.take());
        if let Some(dir) = self.made.take() {
            // Only an empty folder is removed.
            let _ = std::fs::remove_dir(dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_finds_the_first_position_of_each_ticket() {
        for n in [1usize, 2, 3, 7, 8, 9, 255, 256, 257, 1000, 4096] {
            // Every fifth record repeats the ticket of the record before.
            let records: Vec<Record> = (0..n)
                .map(|i| Record {
                    link: None,
                    seal: None,
                    ticket: format!("T-{}", if i % 5 == 4 { i - 1 } else { i }),
                    values: Vec::new(),
                    household: None,
                    holder: kleroterion::Digest::from_array([0; 32]),
                })
                .collect();
            let index = TicketIndex::new(records.as_slice());
            assert!(index.slots.len() * 2 > n * 3, "{n}");
            for (i, r) in records.iter().enumerate() {
                let first = records.iter().position(|x| x.ticket == r.ticket);
                assert_eq!(index.position(&r.ticket), first, "{n} {i}");
            }
            for missing in ["", "T-", "T-4", &format!("T-{n}")] {
                assert_eq!(index.position(missing), None, "{n} {missing:?}");
            }
            assert!(
                index
                    .slots
                    .iter()
                    .all(|&s| s == EMPTY || s & index.positions < n as u32)
            );
        }
    }

    #[test]
    fn bits() {
        let mut b = Bits::new(130);
        assert_eq!(b.first_unset(), Some(0));
        for i in 0..130 {
            assert!(b.insert(i));
        }
        assert!(!b.insert(64));
        assert!(b.contains(64) && b.contains(129));
        assert_eq!(b.first_unset(), None);
        let mut b = Bits::new(70);
        (0..70).filter(|&i| i != 66).for_each(|i| {
            b.insert(i);
        });
        assert_eq!(b.first_unset(), Some(66));
        assert!(!b.contains(66) && b.contains(65) && b.contains(67));
        assert_eq!(Bits::new(0).first_unset(), None);
    }
}
