//! `kleroterion draw`.

use std::path::{Path, PathBuf};

use kleroterion::Manifest;
use kleroterion_files::draw_folder::draw_files;
use kleroterion_files::outputs::{PRIVATE, check_commitment, read_json};
use kleroterion_files::{DrawPaths, FileError, WriteOptions, read_reveal};
use serde_json::json;

use super::{Context, check_output, existing, print_json, published_commitment, show, sibling};
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

/// The organiser's openings of a sealed pool: `--openings`, else `private/openings.json`
/// beside the manifest, which must exist; none for open features.
fn openings_path(a: &DrawArgs, manifest: &Manifest) -> Result<Option<PathBuf>> {
    if !manifest.sealed {
        return match &a.openings {
            Some(p) => Err(CliError::Usage(format!(
                "--openings {}: the manifest does not seal the features, so there is nothing to open. Fix: drop --openings",
                show(p)
            ))),
            None => Ok(None),
        };
    }
    let path = a
        .openings
        .clone()
        .unwrap_or_else(|| sibling(&a.manifest, PRIVATE).join("openings.json"));
    if !path.exists() {
        return Err(CliError::Usage(format!(
            "{}: the manifest seals the features, and the bundle must open the panel and the alternates, but there is no openings file there. Fix: give --openings FILE, the commit's private/openings.json",
            show(&path)
        )));
    }
    Ok(Some(path))
}

/// Refuses, before drawing, outputs that are inputs (always) or exist (without `--force`).
fn check_outputs(a: &DrawArgs, inputs: &[(&str, &Path)], with_lists: bool) -> Result<()> {
    check_output(&a.out, inputs, a.force, "a bundle")?;
    if with_lists {
        for list in DrawPaths::of(&sibling(&a.out, PRIVATE)).all() {
            kleroterion_files::atomic::refuse_inputs(list, inputs)?;
            if a.xlsx {
                let book = list.with_extension("xlsx");
                check_output(&book, inputs, a.force, "a workbook")?;
            }
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
    let openings_path = openings_path(a, &manifest)?;
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
    inputs.extend(openings_path.as_deref().map(|t| ("the openings file", t)));
    check_outputs(a, &inputs, tickets_path.is_some())?;
    let reveal = read_reveal(&a.reveal, manifest.randomness.as_ref())?;
    let spinner = ctx.progress.spinner("reading the pool and drawing");
    let options = WriteOptions {
        bom: a.bom,
        existing: existing(a.force),
    };
    let done = draw_files(
        &manifest,
        &pool_path,
        &reveal,
        tickets_path.as_deref(),
        openings_path.as_deref(),
        &a.out,
        &options,
    )?
    .map_err(|e| match e {
        // The core's message already starts with "the draw failed".
        kleroterion::Error::DrawFailed { .. } => CliError::core_as_is(e),
        e => CliError::core("the draw failed", e),
    })?;
    drop(spinner);
    let workbooks = match (&done.lists, a.xlsx) {
        (Some(lists), true) => lists
            .all()
            .into_iter()
            .map(|list| {
                kleroterion_files::workbook::copy_as_xlsx(
                    list,
                    kleroterion_files::atomic::Access::Private,
                    existing(a.force),
                )
            })
            .collect::<std::result::Result<Vec<_>, _>>()?,
        _ => Vec::new(),
    };
    let result = &done.drawn.result;
    let id = |i: usize| done.ids.get(i).map(String::as_str);
    let shown = |t: &str, i: usize| match id(i) {
        Some(id) => format!("{t} (id {id})"),
        None => t.to_owned(),
    };

    if ctx.json {
        return print_json(&json!({
            "commitment": done.drawn.commitment.to_hex(),
            "seed": done.drawn.seed.to_hex(),
            "transcript": done.drawn.transcript.to_hex(),
            "selected": result.selected,
            "alternates": result.alternates,
            "selected_ids": done.lists.as_ref().map(|_| (0..result.selected.len()).map(id).collect::<Vec<_>>()),
            "files": {
                "bundle": show(&a.out),
                "selected": done.lists.as_ref().map(|c| show(&c.selected)),
                "remaining": done.lists.as_ref().map(|c| show(&c.remaining)),
                "alternates": done.lists.as_ref().map(|c| show(&c.alternates)),
                "workbooks": workbooks.iter().map(|w| show(w)).collect::<Vec<_>>(),
            },
        }));
    }
    crate::outln!(
        "Drew {} of {} by {}.",
        result.selected.len(),
        done.pool.len(),
        manifest.method.name()
    );
    crate::outln!("  commitment  {}", done.drawn.commitment);
    crate::outln!("  seed        {}", done.drawn.seed);
    crate::outln!("  transcript  {}", done.drawn.transcript);
    crate::outln!();
    crate::outln!("Panel, in draw order:");
    for (i, t) in result.selected.iter().enumerate() {
        crate::outln!("  {:>3}. {}", i + 1, shown(t, i));
    }
    if !result.alternates.is_empty() {
        crate::outln!("Alternates, in order:");
        for (i, t) in result.alternates.iter().enumerate() {
            crate::outln!("  {:>3}. {}", i + 1, shown(t, result.selected.len() + i));
        }
    }
    crate::outln!();
    crate::outln!(
        "Publish: {}  (anyone can check it with `kleroterion verify`)",
        show(&a.out)
    );
    match &done.lists {
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
    if !workbooks.is_empty() {
        let shown: Vec<String> = workbooks.iter().map(|w| show(w)).collect();
        crate::outln!("Private workbooks: {}", shown.join("  "));
    }
    Ok(())
}
