//! Files written by a commit and by a draw.
//!
//! A commit directory holds:
//!
//! | file | public? | content |
//! |---|---|---|
//! | `manifest.json` | public | the manifest (SPEC.md section 14) |
//! | `pool.json` | public | the pool records, in pool order |
//! | `commitment.txt` | public | the commitment, 64 hex digits and a newline |
//! | `receipts/<ticket>.json` | private, one per person | the person's receipt |
//! | `tickets.csv` | **private** | `ticket,pool_index`, then the person's columns in the output order of [`People::output_header`] |
//!
//! A draw writes, next to the bundle, `selected.csv` (draw order), `alternates.csv`
//! (alternate order) and `remaining.csv` (file order: everyone not selected and, under the
//! household rule, not living with someone selected, as the Sortition Foundation's remaining
//! file does). Their columns are the Sortition Foundation's: the id column, the other columns
//! in file order, then the feature columns in quota order.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use kleroterion::Bundle;

use crate::commit::Committed;
use crate::error::{FileError, Location, Result};
use crate::people::People;
use crate::table::Table;

/// A UTF-8 byte-order mark, which makes Excel read UTF-8 CSV correctly.
pub const BOM: &str = "\u{feff}";

/// Writes CSV rows to a string (`,` separator, quotes where needed).
pub fn csv_string(header: &[String], rows: &[Vec<String>], bom: bool) -> Result<String> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let err = |e: csv::Error| FileError::Invalid {
        detail: format!("writing CSV: {e}"),
    };
    w.write_record(header).map_err(err)?;
    for r in rows {
        w.write_record(r).map_err(err)?;
    }
    let bytes = w.into_inner().map_err(|e| FileError::Invalid {
        detail: format!("writing CSV: {e}"),
    })?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Ok(if bom { format!("{BOM}{text}") } else { text })
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| FileError::io(path, &e))
}

fn json<T: serde::Serialize>(path: &Path, value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(|e| FileError::Json {
        file: path.display().to_string(),
        detail: e.to_string(),
    })?;
    write(path, &(text + "\n"))
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
    /// `receipts/`.
    pub receipts: PathBuf,
    /// `tickets.csv` (private).
    pub tickets: PathBuf,
}

/// Writes a commit directory (see the module documentation).
pub fn write_commit(
    dir: &Path,
    committed: &Committed,
    people: &People,
    bom: bool,
) -> Result<CommitPaths> {
    let receipts = dir.join("receipts");
    std::fs::create_dir_all(&receipts).map_err(|e| FileError::io(&receipts, &e))?;
    let paths = CommitPaths {
        manifest: dir.join("manifest.json"),
        pool: dir.join("pool.json"),
        commitment: dir.join("commitment.txt"),
        receipts,
        tickets: dir.join("tickets.csv"),
    };
    json(&paths.manifest, &committed.manifest)?;
    json(&paths.pool, &committed.pool)?;
    write(&paths.commitment, &format!("{}\n", committed.commitment))?;
    for r in &committed.receipts {
        json(&paths.receipts.join(format!("{}.json", r.record.ticket)), r)?;
    }
    let mut header = vec!["ticket".to_string(), "pool_index".to_string()];
    header.extend(people.output_header());
    let rows: Vec<Vec<String>> = committed
        .tickets
        .iter()
        .map(|t| {
            let mut row = vec![t.ticket.clone(), t.pool_index.to_string()];
            row.extend(people.output_cells(&people.people[t.person]));
            row
        })
        .collect();
    write(&paths.tickets, &csv_string(&header, &rows, bom)?)?;
    Ok(paths)
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
        let t = Table::read(path, None)?;
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
        t.check_widths("give the tickets.csv written by commit, unchanged")?;
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

/// Where a draw's CSV files were written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawPaths {
    /// `selected.csv`.
    pub selected: PathBuf,
    /// `remaining.csv`.
    pub remaining: PathBuf,
    /// `alternates.csv`.
    pub alternates: PathBuf,
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

/// Writes `selected.csv`, `alternates.csv` and `remaining.csv` into `dir`.
pub fn write_draw_csvs(
    dir: &Path,
    map: &TicketMap,
    bundle: &Bundle,
    bom: bool,
) -> Result<DrawPaths> {
    let by_ticket: HashMap<&str, &Vec<String>> =
        map.rows.iter().map(|(t, c)| (t.as_str(), c)).collect();
    let pick = |tickets: &[String]| -> Result<Vec<Vec<String>>> {
        tickets
            .iter()
            .map(|t| {
                by_ticket.get(t.as_str()).map(|c| (*c).clone()).ok_or_else(|| FileError::Invalid {
                    detail: format!(
                        "ticket {t} of the draw is not in the ticket map. Fix: give the tickets.csv written by the same commit"
                    ),
                })
            })
            .collect()
    };
    let selected = pick(&bundle.result.selected)?;
    let alternates = pick(&bundle.result.alternates)?;
    let excluded = excluded_from_remaining(bundle);
    let remaining: Vec<Vec<String>> = map
        .rows
        .iter()
        .filter(|(t, _)| !excluded.contains(t.as_str()))
        .map(|(_, c)| c.clone())
        .collect();
    let paths = DrawPaths {
        selected: dir.join("selected.csv"),
        remaining: dir.join("remaining.csv"),
        alternates: dir.join("alternates.csv"),
    };
    write(&paths.selected, &csv_string(&map.header, &selected, bom)?)?;
    write(
        &paths.alternates,
        &csv_string(&map.header, &alternates, bom)?,
    )?;
    write(&paths.remaining, &csv_string(&map.header, &remaining, bom)?)?;
    Ok(paths)
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
