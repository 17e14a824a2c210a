//! Writing a commit folder, and committing a people file of any size straight to one.
//!
//! [`commit_file`] reads the people file one person at a time into an [`Intake`], seals it,
//! and writes the folder from the sealed commit without ever holding the pool as records: the
//! pool file and the receipts are built record by record, and the ticket map is written during
//! a second pass over the people file, which must not have changed in between (each person's
//! cells are fingerprinted in the first pass). A 10-million-person roll is committed in a few
//! hundred megabytes (BENCHMARKS.md).
//!
//! [`crate::outputs::write_commit`] (for a commit made in memory) and [`commit_file`] both
//! write through [`write_folder`], so that the two give the same files.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::path::Path;

use kleroterion::seal::{Opening, OpeningsFile};
use kleroterion::{Digest, Manifest, Receipt, TicketKey};

use crate::atomic::{self, Access, Existing, Flush, StagedDir};
use crate::commit::CommitOptions;
use crate::error::{FileError, Result};
use crate::intake::{Intake, Sealed, Source};
use crate::outputs::{CommitPaths, PRIVATE, WriteOptions, csv_error, csv_writer, write_json};
use crate::people::{PeopleOptions, PeopleReader, Person, output_cells_at};
use crate::quotas::Quotas;

/// What a commit folder holds, as the writer takes it.
pub struct FolderContent<'a, P, R, T, O> {
    /// The manifest.
    pub manifest: &'a Manifest,
    /// Its commitment.
    pub commitment: Digest,
    /// The pool file (a [`kleroterion::PoolFile`] or a view that serialises the same way).
    pub pool: &'a P,
    /// Every receipt.
    pub receipts: R,
    /// The ticket map's header.
    pub ticket_header: Vec<String>,
    /// The ticket map's rows.
    pub ticket_rows: T,
    /// The key the tickets were made with, kept in `private/ticket-key.txt` (`None` for
    /// random tickets).
    pub ticket_key: Option<&'a TicketKey>,
    /// With sealed features, every record's opening in pool order, kept in
    /// `private/openings.json` (none otherwise).
    pub openings: O,
}

/// Writes a commit folder (layout in [`crate::outputs`]): built under a temporary name and
/// renamed into place once every file, receipts included, is written. With
/// [`Existing::KeepSame`], a folder whose manifest already has this commitment is kept as it
/// is (`kept` is set); one with another commitment is refused.
pub fn write_folder<P, R, T, O>(
    dir: &Path,
    mut content: FolderContent<'_, P, R, T, O>,
    options: &WriteOptions,
) -> Result<CommitPaths>
where
    P: serde::Serialize,
    R: Iterator<Item = Result<Receipt>>,
    T: Iterator<Item = Result<Vec<String>>>,
    O: Iterator<Item = Opening>,
{
    if options.existing == Existing::KeepSame && dir.exists() {
        return crate::outputs::keep_same(dir, &content.commitment);
    }
    let staged = StagedDir::create(dir, options.existing, Access::Public)?;
    let inside = CommitPaths::of(staged.path());
    json(
        &inside.manifest,
        content.manifest,
        Access::Public,
        Flush::Now,
    )?;
    json(&inside.pool, content.pool, Access::Public, Flush::Now)?;
    atomic::write_new(
        &inside.commitment,
        format!("{}\n", content.commitment).as_bytes(),
        Access::Public,
        Flush::Now,
    )?;
    atomic::create_dir(&staged.path().join(PRIVATE), Access::Private)?;
    atomic::create_dir(&inside.receipts, Access::Private)?;
    for r in content.receipts {
        let r = r?;
        let path = inside.receipts.join(format!("{}.json", r.record.ticket));
        json(&path, &r, Access::Private, Flush::Later)?;
    }
    let tickets = &inside.tickets;
    atomic::write_new_with(tickets, Access::Private, Flush::Now, &mut |w| {
        let mut csv = csv_writer(w, options.bom).map_err(|e| FileError::io(tickets, &e))?;
        let err = |e| csv_error(tickets, e);
        csv.write_record(&content.ticket_header).map_err(err)?;
        for row in &mut content.ticket_rows {
            csv.write_record(&row?).map_err(err)?;
        }
        csv.flush().map_err(|e| FileError::io(tickets, &e))
    })?;
    let openings: Vec<Opening> = content.openings.collect();
    if !openings.is_empty() {
        json(
            &inside.openings,
            &OpeningsFile::new(openings),
            Access::Private,
            Flush::Now,
        )?;
    }
    if let Some(key) = content.ticket_key {
        atomic::write_new(
            &inside.ticket_key,
            format!("{}\n", key.to_hex()).as_bytes(),
            Access::Private,
            Flush::Now,
        )?;
    }
    let replaced = staged.finish()?;
    Ok(CommitPaths {
        replaced,
        ..CommitPaths::of(dir)
    })
}

/// A new JSON file inside the staged folder.
fn json<T: serde::Serialize + ?Sized>(
    path: &Path,
    value: &T,
    access: Access,
    flush: Flush,
) -> Result<()> {
    atomic::write_new_with(path, access, flush, &mut |w| write_json(w, path, value))
}

/// What [`commit_file`] reports as it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading the people file: this many people so far.
    Reading(usize),
    /// Ordering the pool by ticket, hashing it, and the method's own work (LEXIMIN).
    Sealing,
    /// Writing receipts and the ticket map.
    Writing,
}

/// Where [`commit_file`] writes.
#[derive(Debug, Clone, Copy)]
pub struct Destination<'a> {
    /// The commit folder.
    pub dir: &'a Path,
    /// How files are written.
    pub write: WriteOptions,
    /// Whether to write a receipt per person (`private/receipts/` is then empty). A receipt is
    /// a file, and a national roll has millions of people: an organiser may write receipts
    /// only for stage 2.
    pub receipts: bool,
}

/// Commits a people file straight to a commit folder, in memory proportional to a few bytes a
/// person (see the module documentation). Returns the sealed commit and where it was written.
pub fn commit_file(
    people: &Path,
    quotas: &Quotas,
    read: &PeopleOptions,
    options: &CommitOptions,
    to: &Destination<'_>,
    progress: &dyn Fn(Stage),
) -> Result<(Sealed, CommitPaths)> {
    let fingerprint = RandomState::new();
    let mut reader = PeopleReader::open(people, quotas, read)?;
    let source = Source {
        file: reader.layout().file().to_owned(),
        features: reader.layout().features().to_vec(),
        header: reader.layout().header().to_vec(),
    };
    let mut intake = Intake::for_commit(quotas, source, options)?;
    let mut prints = Vec::new();
    while let Some(p) = reader.next_person()? {
        intake.add(&p)?;
        prints.push(fingerprint.hash_one(cells_of(&p)));
        if prints.len() % 100_000 == 0 {
            progress(Stage::Reading(prints.len()));
        }
    }
    reader.finish()?;
    progress(Stage::Sealing);
    let who = |row: usize| format!("the person of data row {}", row + 1);
    let sealed = intake.seal(options, &who)?;
    progress(Stage::Writing);
    let mut again = PeopleReader::open(people, quotas, read)?;
    let ticket_header = [String::from("ticket"), String::from("pool_index")]
        .into_iter()
        .chain(again.layout().output_header())
        .collect();
    let file = again.layout().file().to_owned();
    let columns = again.layout().output_columns();
    let changed = || FileError::Invalid {
        detail: format!(
            "{file} changed while it was being committed. Fix: commit a copy that nothing else writes to"
        ),
    };
    let mut row = 0usize;
    let ticket_rows = std::iter::from_fn(|| {
        let next = match again.next_person() {
            Ok(Some(p)) if prints.get(row) == Some(&fingerprint.hash_one(cells_of(&p))) => {
                let mut cells = vec![sealed.ticket(row), sealed.pool_index(row).to_string()];
                cells.extend(output_cells_at(&columns, &p));
                Some(Ok(cells))
            }
            Ok(Some(_)) => Some(Err(changed())),
            Ok(None) if row != prints.len() => Some(Err(changed())),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        };
        row += 1;
        next
    });
    let receipts: Box<dyn Iterator<Item = Result<Receipt>>> = if to.receipts {
        Box::new(sealed.receipts())
    } else {
        Box::new(std::iter::empty())
    };
    let paths = write_folder(
        to.dir,
        FolderContent {
            manifest: sealed.manifest(),
            commitment: sealed.commitment(),
            pool: &sealed.pool_file(),
            receipts,
            ticket_header,
            ticket_rows,
            ticket_key: sealed.ticket_key(),
            openings: sealed.openings(),
        },
        &to.write,
    )?;
    Ok((sealed, paths))
}

/// What a person's fingerprint covers: their id and every cell.
fn cells_of(p: &Person) -> (&str, &[String]) {
    (&p.id, &p.cells)
}
