//! Drawing from files of any size: the pool read one record at a time, the private lists and
//! the bundle written one record at a time.
//!
//! [`draw_files`] reads the pool file into a [`CompactPool`] ([`crate::pool_file`]), draws
//! with [`kleroterion::draw::draw_compact`], checks the ticket map and writes the private lists
//! while streaming it ([`crate::draw_lists`]), then writes the bundle last, its pool serialised
//! from the compact pool. The bundle is byte for byte the one [`crate::outputs::write_draw`]
//! writes for the same draw made in memory.

use std::collections::HashSet;
use std::path::Path;

use kleroterion::compact::CompactPool;
use kleroterion::draw::{Drawn, draw_compact};
use kleroterion::{Manifest, Reveal};

use crate::atomic::{self, Access};
use crate::draw_lists::{TicketIndex, write_lists};
use crate::error::{FileError, Result};
use crate::outputs::{DrawPaths, PRIVATE, WriteOptions, refuse_draw_outputs, write_json};
use crate::table::Table;

/// A draw made from files, and where its lists were written.
#[derive(Debug)]
pub struct DrawnFiles {
    /// The pool, compactly.
    pub pool: CompactPool,
    /// The draw's results.
    pub drawn: Drawn,
    /// The private lists, when a ticket map was given.
    pub lists: Option<DrawPaths>,
    /// The ids of the selected, then of the alternates, in order (read back from the lists;
    /// empty without a ticket map).
    pub ids: Vec<String>,
}

/// Draws from a pool file and writes the draw: the private lists (when `map` names a ticket
/// map) in `private/` beside the bundle, then the bundle at `bundle_path`. With sealed
/// features, `openings` names the organiser's openings file (`private/openings.json` of the
/// commit), whose panel and alternates' openings go into the bundle. The outer error is
/// about files; the inner one is the protocol's (the draw failed), as [`kleroterion::draw()`]
/// reports it.
pub fn draw_files(
    manifest: &Manifest,
    pool_path: &Path,
    reveal: &Reveal,
    map: Option<&Path>,
    openings: Option<&Path>,
    bundle_path: &Path,
    options: &WriteOptions,
) -> Result<std::result::Result<DrawnFiles, kleroterion::Error>> {
    let pool = match crate::pool_file::read_pool(pool_path, manifest)? {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    let mut drawn = match draw_compact(manifest, &pool, reveal) {
        Ok(d) => d,
        Err(e) => return Ok(Err(e)),
    };
    if manifest.sealed {
        let all = read_openings(openings, &pool, manifest)?;
        if let Err(e) = drawn.open(manifest, |i| all.get(i as usize).cloned()) {
            return Ok(Err(e));
        }
    }
    let dir = refuse_draw_outputs(bundle_path, map.is_some(), options)?;
    atomic::create_dir(dir, Access::Public)?;
    let lists = map
        .map(|m| {
            write_lists(
                &dir.join(PRIVATE),
                m,
                &TicketIndex::new(&pool),
                &drawn.result.selected,
                &drawn.result.alternates,
                &excluded(manifest, &pool, &drawn),
                options,
            )
        })
        .transpose()?;
    atomic::write_streamed(
        bundle_path,
        Access::Public,
        options.existing,
        "a bundle",
        |w| {
            let view = drawn.bundle(manifest, pool.serialize_records(), reveal);
            write_json(w, bundle_path, &view)
        },
    )?;
    let ids = match &lists {
        Some(paths) => [&paths.selected, &paths.alternates]
            .into_iter()
            .map(|p| Table::read(p, Some(b',')))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .flat_map(|t| t.rows)
            .map(|r| r.cells.into_iter().next().unwrap_or_default())
            .collect(),
        None => Vec::new(),
    };
    Ok(Ok(DrawnFiles {
        pool,
        drawn,
        lists,
        ids,
    }))
}

/// Reads the organiser's openings of a sealed pool and checks each against its record, so
/// that a bundle never publishes an opening that fails verification.
fn read_openings(
    path: Option<&Path>,
    pool: &CompactPool,
    manifest: &Manifest,
) -> Result<Vec<kleroterion::seal::Opening>> {
    let path = path.ok_or_else(|| FileError::Invalid {
        detail: "the manifest seals the features, and no openings file was given: the bundle must open the panel and the alternates. Fix: give the commit's private/openings.json (--openings)".into(),
    })?;
    let file: kleroterion::seal::OpeningsFile = crate::outputs::read_json(path, "openings file")?;
    let wrong = |detail: String| FileError::Invalid {
        detail: format!("{}: {detail}", path.display()),
    };
    if file.openings.len() != pool.len() {
        return Err(wrong(format!(
            "{} openings for a pool of {} records: this is not the openings file of this commit",
            file.openings.len(),
            pool.len()
        )));
    }
    for (i, o) in file.openings.iter().enumerate() {
        let record = pool
            .record(i)
            .ok_or_else(|| wrong(format!("no record {i}")))?;
        o.resolve(&manifest.features, &record)
            .map_err(|e| wrong(format!("opening {} (pool index {i}): {e}", i + 1)))?;
    }
    Ok(file.openings)
}

/// The tickets left out of `remaining.csv`: everyone selected and, under the household rule,
/// everyone sharing a household with someone selected (as
/// [`crate::outputs::excluded_from_remaining`] says for a bundle).
fn excluded(manifest: &Manifest, pool: &CompactPool, drawn: &Drawn) -> HashSet<String> {
    let mut out: HashSet<String> = drawn.result.selected.iter().cloned().collect();
    if manifest.household_rule {
        let household = &pool.resolved().household;
        let chosen: HashSet<u32> = drawn
            .outcome
            .selected
            .iter()
            .filter_map(|&i| household.get(i as usize).copied().flatten())
            .collect();
        out.extend(
            (0..pool.len())
                .filter(|&i| household[i].is_some_and(|h| chosen.contains(&h)))
                .filter_map(|i| pool.ticket(i).map(str::to_owned)),
        );
    }
    out
}
