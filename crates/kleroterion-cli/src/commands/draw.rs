//! `kleroterion draw`.

use kleroterion::{Manifest, PoolFile};
use kleroterion_files::outputs::read_json;
use kleroterion_files::{FileError, TicketMap, read_reveal, write_draw_csvs};
use serde_json::json;

use super::{Context, print_json, show, sibling, with_id};
use crate::cli::DrawArgs;
use crate::error::{CliError, Result};

/// Runs `draw`.
pub fn run(ctx: &Context, a: &DrawArgs) -> Result<()> {
    let manifest: Manifest = read_json(&a.manifest, "manifest")?;
    let pool_path = a
        .pool
        .clone()
        .unwrap_or_else(|| sibling(&a.manifest, "pool.json"));
    let pool: PoolFile = read_json(&pool_path, "pool")?;
    let reveal = read_reveal(&a.reveal, manifest.randomness.as_ref())?;
    let spinner = ctx.progress.spinner("drawing");
    let bundle = kleroterion::draw(&manifest, &pool.records, &reveal).map_err(|e| match e {
        // The core's message already starts with "the draw failed".
        kleroterion::Error::DrawFailed { .. } => CliError::core_as_is(e),
        e => CliError::core("the draw failed", e),
    })?;
    let text = bundle
        .to_json()
        .map_err(|e| CliError::core("writing the bundle", e))?;
    if let Some(dir) = a.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| FileError::io(dir, &e))?;
    }
    std::fs::write(&a.out, text + "\n").map_err(|e| FileError::io(&a.out, &e))?;
    let tickets_path = a
        .tickets
        .clone()
        .or_else(|| Some(sibling(&a.manifest, "tickets.csv")).filter(|p| p.exists()));
    let map = tickets_path.as_deref().map(TicketMap::read).transpose()?;
    let csv_dir = sibling(&a.out, "");
    let csvs = map
        .as_ref()
        .map(|m| write_draw_csvs(&csv_dir, m, &bundle, a.bom))
        .transpose()?;
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
            "(no tickets.csv found next to the manifest: give --tickets to write selected.csv and remaining.csv)"
        ),
    }
    Ok(())
}
