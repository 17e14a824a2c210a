//! Files written by a commit and by a draw.
//!
//! A commit folder holds:
//!
//! | file | public? | content |
//! |---|---|---|
//! | `manifest.json` | public | the manifest (SPEC.md section 14) |
//! | `pool.json` | public | the pool records, in pool order |
//! | `commitment.txt` | public | the commitment, 64 hex digits and a newline |
//! | `private/receipts/<ticket>.json` | **private**, one per person | the person's receipt |
//! | `private/openings.json` | **private**, sealed features only | every record's opening: its values and salt (SPEC.md section 4.1) |
//! | `private/tickets.csv` | **private** | `ticket,pool_index`, then the person's columns in the output order of [`People::output_header`] |
//!
//! A draw writes the bundle where it is asked, and beside it, in `private/`, `selected.csv`
//! (draw order), `alternates.csv` (alternate order) and `remaining.csv` (file order: everyone
//! not selected and, under the household rule, not living with someone selected, as the
//! Sortition Foundation's remaining file does). Their columns are the Sortition Foundation's:
//! the id column, the other columns in file order, then the feature columns in quota order.
//!
//! [`write_draw_csvs`] writes these lists from a [`TicketMap`] held in memory;
//! [`crate::draw_lists::write_lists`] writes the same bytes from `tickets.csv` read as a stream,
//! for pools of millions of records.
//!
//! Everything is written through [`crate::atomic`]: a commit folder appears whole or not at
//! all, the bundle is written after the private lists (so that a bundle exists only when its
//! lists do), nothing existing is replaced unless [`WriteOptions::existing`] says so, and
//! `private/` and its files are readable by their owner only.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use kleroterion::{Bundle, Digest, Manifest};

use crate::atomic::{self, Access, Existing};
use crate::commit::Committed;
use crate::draw_lists::{Lists, refuse_lists};
use crate::error::{FileError, Location, Result};
use crate::people::People;
use crate::table::Table;

/// A UTF-8 byte-order mark, which makes Excel read UTF-8 CSV correctly.
pub const BOM: &str = "\u{feff}";

/// The private folder's name, in a commit folder and beside a bundle.
pub const PRIVATE: &str = "private";

/// Writes CSV rows to a string (`,` separator, quotes where needed).
pub fn csv_string(header: &[String], rows: &[Vec<String>], bom: bool) -> Result<String> {
    let err = |e: csv::Error| FileError::Invalid {
        detail: format!("writing CSV: {e}"),
    };
    let mut w = csv_writer(Vec::new(), bom).map_err(|e| err(e.into()))?;
    w.write_record(header).map_err(err)?;
    for r in rows {
        w.write_record(r).map_err(err)?;
    }
    let bytes = w.into_inner().map_err(|e| FileError::Invalid {
        detail: format!("writing CSV: {e}"),
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The CSV writer of every CSV file written (see [`csv_string`]): `,` separator, fields quoted
/// only where needed (a separator, a quote or a line break in them; a lone empty field),
/// quotes doubled, each record ended by `\n`. With `bom`, a byte-order mark is written first.
pub(crate) fn csv_writer<W: Write>(mut out: W, bom: bool) -> std::io::Result<csv::Writer<W>> {
    if bom {
        out.write_all(BOM.as_bytes())?;
    }
    Ok(csv::WriterBuilder::new().from_writer(out))
}

/// A CSV writing error, naming `path` when it is an I/O error.
pub(crate) fn csv_error(path: &Path, e: csv::Error) -> FileError {
    match e.kind() {
        csv::ErrorKind::Io(io) => FileError::io(path, io),
        _ => FileError::Invalid {
            detail: format!("{}: writing CSV: {e}", path.display()),
        },
    }
}

/// Pretty JSON and a newline.
pub fn json_text<T: serde::Serialize>(path: &Path, value: &T) -> Result<String> {
    let mut bytes = Vec::new();
    write_json(&mut bytes, path, value)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Writes the bytes of [`json_text`] into `w` as they are made (a pool or a bundle of millions
/// of records is never held whole), naming `path` in errors.
pub(crate) fn write_json<T: serde::Serialize + ?Sized>(
    w: &mut dyn Write,
    path: &Path,
    value: &T,
) -> Result<()> {
    crate::json_layout::to_writer(&mut *w, value).map_err(|e| FileError::Json {
        file: path.display().to_string(),
        detail: e.to_string(),
    })?;
    w.write_all(b"\n").map_err(|e| FileError::io(path, &e))
}

/// How outputs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriteOptions {
    /// Start CSV files with a byte-order mark (for Excel).
    pub bom: bool,
    /// What to do with outputs that exist.
    pub existing: Existing,
}

/// Where a commit was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitPaths {
    /// `manifest.json`.
    pub manifest: PathBuf,
    /// `pool.json`.
    pub pool: PathBuf,
    /// `commitment.txt`.
    pub commitment: PathBuf,
    /// `private/receipts/`.
    pub receipts: PathBuf,
    /// `private/tickets.csv`.
    pub tickets: PathBuf,
    /// `private/ticket-key.txt`, the ticket key in hex (written when tickets are keyed).
    pub ticket_key: PathBuf,
    /// `private/openings.json`, every record's opening (written when the features are sealed).
    pub openings: PathBuf,
    /// Where an earlier folder was moved aside ([`Existing::Replace`]).
    pub replaced: Option<PathBuf>,
    /// True when an identical commit was found and kept ([`Existing::KeepSame`]).
    pub kept: bool,
}

impl CommitPaths {
    pub(crate) fn of(dir: &Path) -> Self {
        let private = dir.join(PRIVATE);
        Self {
            manifest: dir.join("manifest.json"),
            pool: dir.join("pool.json"),
            commitment: dir.join("commitment.txt"),
            receipts: private.join("receipts"),
            tickets: private.join("tickets.csv"),
            ticket_key: private.join("ticket-key.txt"),
            openings: private.join("openings.json"),
            replaced: None,
            kept: false,
        }
    }
}

/// Writes a commit folder (see the module documentation): built under a temporary name and
/// renamed into place once every file, receipts included, is written.
///
/// With [`Existing::KeepSame`], a folder whose manifest already has this commitment is kept
/// as it is (`kept` is set); one with another commitment is refused.
pub fn write_commit(
    dir: &Path,
    committed: &Committed,
    people: &People,
    options: &WriteOptions,
) -> Result<CommitPaths> {
    let mut ticket_header = vec!["ticket".to_string(), "pool_index".to_string()];
    ticket_header.extend(people.output_header());
    let columns = people.output_columns();
    let ticket_rows = committed.tickets.iter().map(|t| {
        let mut row = vec![t.ticket.clone(), t.pool_index.to_string()];
        row.extend(crate::people::output_cells_at(
            &columns,
            &people.people[t.person],
        ));
        Ok(row)
    });
    crate::commit_folder::write_folder(
        dir,
        crate::commit_folder::FolderContent {
            manifest: &committed.manifest,
            commitment: committed.commitment,
            pool: &committed.pool,
            receipts: committed.receipts.iter().cloned().map(Ok),
            ticket_header,
            ticket_rows,
            ticket_key: committed.ticket_key.as_ref(),
            openings: committed.openings.iter().cloned(),
        },
        options,
    )
}

/// [`Existing::KeepSame`]: the folder's manifest must hash to `commitment`.
pub(crate) fn keep_same(dir: &Path, commitment: &Digest) -> Result<CommitPaths> {
    let paths = CommitPaths::of(dir);
    let found = read_json::<Manifest>(&paths.manifest, "manifest")
        .ok()
        .and_then(|m| m.commitment().ok());
    if found.as_ref() != Some(commitment) {
        return Err(FileError::OutputExists {
            path: dir.display().to_string(),
            what: "a folder".into(),
            hint: match found {
                Some(f) => format!(
                    ". It holds another commit ({f}), made from other inputs or another ticket key; this commit is {commitment}"
                ),
                None => ". It does not hold a readable commit".into(),
            },
        });
    }
    Ok(CommitPaths {
        kept: true,
        ..paths
    })
}

/// Checks that the manifest hashes to the commitment as published (read from `source`, for
/// example the `commitment.txt` beside it), so that an edited manifest is never drawn.
pub fn check_commitment(
    manifest_path: &Path,
    manifest: &Manifest,
    expected: &Digest,
    source: &str,
) -> Result<()> {
    let found = manifest
        .commitment()
        .map_err(|e| FileError::core(manifest_path.display().to_string(), e))?;
    if &found != expected {
        return Err(FileError::ManifestEdited {
            manifest: manifest_path.display().to_string(),
            commitment_file: source.to_owned(),
            expected: expected.to_hex(),
            found: found.to_hex(),
        });
    }
    Ok(())
}

/// The private ticket map read back from `tickets.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketMap {
    /// The output header (id column first).
    pub header: Vec<String>,
    /// `(ticket, output cells)` in the people file's order.
    pub rows: Vec<(String, Vec<String>)>,
}

impl TicketMap {
    /// Reads `tickets.csv`.
    pub fn read(path: &Path) -> Result<Self> {
        // Written by commit, in UTF-8.
        let utf8 = crate::table::TableOptions {
            encoding: crate::Encoding::Utf8,
            ..Default::default()
        };
        let t = Table::read_with(path, None, &utf8)?;
        check_map_header(&t)?;
        t.check_widths(MAP_FIX)?;
        let rows = t
            .rows
            .iter()
            .map(|r| (r.cells[0].clone(), r.cells[2..t.header.len()].to_vec()))
            .collect();
        Ok(Self {
            header: t.header[2..].to_vec(),
            rows,
        })
    }

    /// The id of a ticket (the first output column).
    pub fn id_of(&self, ticket: &str) -> Option<&str> {
        self.rows
            .iter()
            .find(|(t, _)| t == ticket)
            .and_then(|(_, c)| c.first())
            .map(String::as_str)
    }
}

/// How to fix a ticket map whose lines are not as commit wrote them.
pub(crate) const MAP_FIX: &str = "give the tickets.csv written by commit, unchanged";

/// Checks that a ticket map's header (the rows of `t` are not looked at) starts with the
/// columns `ticket,pool_index`.
pub(crate) fn check_map_header(t: &Table) -> Result<()> {
    let tc = t.require_column("ticket", "the tickets", None)?;
    if tc != 0 || t.header.get(1).map(String::as_str) != Some("pool_index") {
        return Err(FileError::MissingColumn {
            at: Box::new(Location::line(&t.file, t.header_line)),
            column: "pool_index".into(),
            role: "a ticket map starts with the columns ticket,pool_index".into(),
            found: t.header.clone(),
            suggestion: None,
            hint: Some("give the tickets.csv written by commit"),
        });
    }
    Ok(())
}

/// Where a draw's files were written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawPaths {
    /// `selected.csv`.
    pub selected: PathBuf,
    /// `remaining.csv`.
    pub remaining: PathBuf,
    /// `alternates.csv`.
    pub alternates: PathBuf,
}

impl DrawPaths {
    /// The three lists of a draw in `dir`.
    pub fn of(dir: &Path) -> Self {
        Self {
            selected: dir.join("selected.csv"),
            remaining: dir.join("remaining.csv"),
            alternates: dir.join("alternates.csv"),
        }
    }

    /// The three paths: selected, alternates, remaining.
    pub fn all(&self) -> [&Path; 3] {
        [&self.selected, &self.alternates, &self.remaining]
    }
}

/// The tickets left out of the Sortition Foundation's `remaining` list: everyone selected and,
/// under the household rule, everyone sharing a household with someone selected.
pub fn excluded_from_remaining(bundle: &Bundle) -> HashSet<&str> {
    let mut excluded: HashSet<&str> = bundle.result.selected.iter().map(String::as_str).collect();
    if bundle.manifest.household_rule {
        let households: HashSet<&str> = bundle
            .pool
            .iter()
            .filter(|r| excluded.contains(r.ticket.as_str()))
            .filter_map(|r| r.household.as_deref())
            .collect();
        excluded.extend(
            bundle
                .pool
                .iter()
                .filter(|r| {
                    r.household
                        .as_deref()
                        .is_some_and(|h| households.contains(h))
                })
                .map(|r| r.ticket.as_str()),
        );
    }
    excluded
}

/// Checks that the ticket map holds exactly the pool's tickets.
pub fn check_ticket_map(map: &TicketMap, map_file: &Path, bundle: &Bundle) -> Result<()> {
    let mismatch = |detail: String| FileError::TicketMapMismatch {
        file: map_file.display().to_string(),
        detail,
    };
    let in_map: HashSet<&str> = map.rows.iter().map(|(t, _)| t.as_str()).collect();
    if let Some(r) = bundle
        .pool
        .iter()
        .find(|r| !in_map.contains(r.ticket.as_str()))
    {
        return Err(mismatch(format!(
            "pool ticket {} is not in it",
            kleroterion::text::display(&r.ticket, 40)
        )));
    }
    if map.rows.len() != bundle.pool.len() {
        return Err(mismatch(format!(
            "it has {} rows, the pool {} records",
            map.rows.len(),
            bundle.pool.len()
        )));
    }
    Ok(())
}

/// Writes `selected.csv`, `alternates.csv` and `remaining.csv` into `dir` (created, private),
/// refusing existing files unless `options.existing` is [`Existing::Replace`]; none is written
/// when one of them exists, nor when a ticket of the draw is not in the map.
///
/// The map is not checked against the pool here: see [`check_ticket_map`], or
/// [`crate::draw_lists::write_lists`], which reads `tickets.csv` as a stream and checks it.
pub fn write_draw_csvs(
    dir: &Path,
    map: &TicketMap,
    bundle: &Bundle,
    options: &WriteOptions,
) -> Result<DrawPaths> {
    let paths = DrawPaths::of(dir);
    refuse_lists(&paths, options)?;
    let excluded = excluded_from_remaining(bundle);
    let mut lists = Lists::create(
        dir,
        &map.header,
        &bundle.result.selected,
        &bundle.result.alternates,
        options,
    )?;
    for (ticket, cells) in &map.rows {
        lists.row(ticket, cells, !excluded.contains(ticket.as_str()))?;
    }
    lists.finish()
}

/// Refuses, unless `options.existing` is [`Existing::Replace`], a bundle and (`with_lists`)
/// private lists that exist. Returns the bundle's folder.
pub fn refuse_draw_outputs<'p>(
    bundle_path: &'p Path,
    with_lists: bool,
    options: &WriteOptions,
) -> Result<&'p Path> {
    let dir = bundle_path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if options.existing != Existing::Replace {
        atomic::refuse_existing(bundle_path, "a bundle", "")?;
        if with_lists {
            for p in DrawPaths::of(&dir.join(PRIVATE)).all() {
                atomic::refuse_existing(
                    p,
                    "a private list of a draw",
                    &format!(
                        ". There is no bundle at {}: an earlier draw was probably interrupted before it finished; a draw is deterministic, so replacing its lists loses nothing",
                        bundle_path.display()
                    ),
                )?;
            }
        }
    }
    Ok(dir)
}

/// Writes a draw: the private lists (when the ticket map is given) in `private/` beside the
/// bundle, then the bundle itself at `bundle_path`, last, so that a bundle exists only when its
/// lists do. Nothing is written when any of these files exists, unless `options.existing` is
/// [`Existing::Replace`].
pub fn write_draw(
    bundle_path: &Path,
    bundle: &Bundle,
    map: Option<&TicketMap>,
    options: &WriteOptions,
) -> Result<Option<DrawPaths>> {
    let text = crate::json_layout::to_string(bundle).map_err(|e| FileError::Json {
        file: bundle_path.display().to_string(),
        detail: e.to_string(),
    })? + "\n";
    let dir = refuse_draw_outputs(bundle_path, map.is_some(), options)?;
    atomic::create_dir(dir, Access::Public)?;
    let csvs = map
        .map(|m| write_draw_csvs(&dir.join(PRIVATE), m, bundle, options))
        .transpose()?;
    atomic::write_file(
        bundle_path,
        text.as_bytes(),
        Access::Public,
        options.existing,
        "a bundle",
    )?;
    Ok(csvs)
}

/// Reads and parses a JSON file into `T`, naming the file in errors.
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|e| FileError::io(path, &e))?;
    serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| FileError::Json {
        file: path.display().to_string(),
        detail: format!("not a valid {what} ({e})"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_bom() {
        let s = csv_string(
            &["a".into(), "b".into()],
            &[vec!["x,y".into(), "é".into()]],
            true,
        )
        .unwrap();
        assert_eq!(s, "\u{feff}a,b\n\"x,y\",é\n");
    }
}
