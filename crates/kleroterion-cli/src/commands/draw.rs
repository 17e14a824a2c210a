//! `kleroterion draw`.

use std::path::{Path, PathBuf};

use kleroterion::{Manifest, PoolFile};
use kleroterion_files::outputs::{PRIVATE, check_commitment, check_ticket_map, read_json};
use kleroterion_files::{DrawPaths, FileError, TicketMap, WriteOptions, read_reveal, write_draw};
use serde_json::json;

use super::{
    Context, check_output, existing, print_json, published_commitment, show, sibling, with_id,
};
use crate::cli::DrawArgs;
use crate::error::{CliError, Result};

/// The commitment the manifest must hash to, and where it was read.
fn expected_commitment(a: &DrawArgs) -> Result<(kleroterion::Digest, String)> {
    match &a.commitment {
        Some(c) => Ok((published_commitment(c)?, format!("--commitment {c}"))),
        None => {
            let file = sibling(&a.manifest, "commitment.txt");
            if !file.exists() {
                return Err(CliError::Usage(format!(
                    "{}: no commitment.txt beside the manifest, so nothing shows that the manifest is the one committed. Fix: give --commitment HEX|FILE, the commitment as it was published",
                    show(&a.manifest)
                )));
            }
            let arg = file.display().to_string();
            Ok((published_commitment(&arg)?, arg))
        }
    }
}

/// The ticket map's path: `--tickets`, else `private/tickets.csv` beside the manifest, which
/// must exist unless `--no-tickets`.
fn tickets_path(a: &DrawArgs) -> Result<Option<PathBuf>> {
    if a.no_tickets {
        return Ok(None);
    }
    let path = a
        .tickets
        .clone()
        .unwrap_or_else(|| sibling(&a.manifest, PRIVATE).join("tickets.csv"));
    if !path.exists() {
        return Err(FileError::TicketMapMissing { path: show(&path) }.into());
    }
    Ok(Some(path))
}

/// Refuses, before drawing, outputs that are inputs (always) or exist (without `--force`).
fn check_outputs(a: &DrawArgs, inputs: &[(&str, &Path)], with_lists: bool) -> Result<()> {
    check_output(&a.out, inputs, a.force, "a bundle")?;
    if with_lists {
        for list in DrawPaths::of(&sibling(&a.out, PRIVATE)).all() {
            kleroterion_files::atomic::refuse_inputs(list, inputs)?;
        }
    }
    Ok(())
}

/// Runs `draw`.
pub fn run(ctx: &Context, a: &DrawArgs) -> Result<()> {
    let manifest: Manifest = read_json(&a.manifest, "manifest")?;
    let (expected, source) = expected_commitment(a)?;
    check_commitment(&a.manifest, &manifest, &expected, &source)?;
    let pool_path = a
        .pool
        .clone()
        .unwrap_or_else(|| sibling(&a.manifest, "pool.json"));
    let tickets_path = tickets_path(a)?;
    let commitment_file = PathBuf::from(&source);
    let mut inputs = vec![
        ("the manifest", a.manifest.as_path()),
        ("the pool", pool_path.as_path()),
        ("the reveal", a.reveal.as_path()),
    ];
    if a.commitment.is_none() || commitment_file.exists() {
        inputs.push(("the commitment", commitment_file.as_path()));
    }
    inputs.extend(tickets_path.as_deref().map(|t| ("the ticket map", t)));
    check_outputs(a, &inputs, tickets_path.is_some())?;
    let pool: PoolFile = read_json(&pool_path, "pool")?;
    let reveal = read_reveal(&a.reveal, manifest.randomness.as_ref())?;
    let map = tickets_path.as_deref().map(TicketMap::read).transpose()?;
    let spinner = ctx.progress.spinner("drawing");
    let bundle = kleroterion::draw(&manifest, &pool.records, &reveal).map_err(|e| match e {
        // The core's message already starts with "the draw failed".
        kleroterion::Error::DrawFailed { .. } => CliError::core_as_is(e),
        e => CliError::core("the draw failed", e),
    })?;
    if let (Some(m), Some(p)) = (&map, &tickets_path) {
        check_ticket_map(m, p, &bundle)?;
    }
    let options = WriteOptions {
        bom: a.bom,
        existing: existing(a.force),
    };
    let csvs = write_draw(&a.out, &bundle, map.as_ref(), &options)?;
    drop(spinner);

    if ctx.json {
        return print_json(&json!({
            "commitment": bundle.commitment.to_hex(),
            "seed": bundle.seed.to_hex(),
            "transcript": bundle.transcript.to_hex(),
            "selected": bundle.result.selected,
            "alternates": bundle.result.alternates,
            "selected_ids": map.as_ref().map(|m| bundle.result.selected.iter().map(|t| m.id_of(t)).collect::<Vec<_>>()),
            "files": {
                "bundle": show(&a.out),
                "selected": csvs.as_ref().map(|c| show(&c.selected)),
                "remaining": csvs.as_ref().map(|c| show(&c.remaining)),
                "alternates": csvs.as_ref().map(|c| show(&c.alternates)),
            },
        }));
    }
    crate::outln!(
        "Drew {} of {} by {}.",
        bundle.result.selected.len(),
        bundle.pool.len(),
        manifest.method.name()
    );
    crate::outln!("  commitment  {}", bundle.commitment);
    crate::outln!("  seed        {}", bundle.seed);
    crate::outln!("  transcript  {}", bundle.transcript);
    crate::outln!();
    crate::outln!("Panel, in draw order:");
    for (i, t) in bundle.result.selected.iter().enumerate() {
        crate::outln!("  {:>3}. {}", i + 1, with_id(t, map.as_ref()));
    }
    if !bundle.result.alternates.is_empty() {
        crate::outln!("Alternates, in order:");
        for (i, t) in bundle.result.alternates.iter().enumerate() {
            crate::outln!("  {:>3}. {}", i + 1, with_id(t, map.as_ref()));
        }
    }
    crate::outln!();
    crate::outln!(
        "Publish: {}  (anyone can check it with `kleroterion verify`)",
        show(&a.out)
    );
    match csvs {
        Some(c) => crate::outln!(
            "Private: {}  {}  {}",
            show(&c.selected),
            show(&c.alternates),
            show(&c.remaining)
        ),
        None => crate::outln!(
            "(--no-tickets: the private lists selected.csv, alternates.csv and remaining.csv were not written)"
        ),
    }
    Ok(())
}
