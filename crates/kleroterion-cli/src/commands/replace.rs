//! `kleroterion replace`.

use serde_json::json;

use super::{
    Context, check_output, print_json, read_bundle, read_ticket_map, show, with_id, write_output,
};
use crate::cli::ReplaceArgs;
use crate::error::{CliError, Result};

/// Runs `replace`.
pub fn run(ctx: &Context, a: &ReplaceArgs) -> Result<()> {
    if let Some(out) = &a.out {
        let mut inputs = vec![("the bundle", a.bundle.as_path())];
        inputs.extend(a.tickets.as_deref().map(|t| ("the ticket map", t)));
        inputs.extend(a.openings.as_deref().map(|t| ("the openings file", t)));
        check_output(out, &inputs, a.force, "a replacement record")?;
    }
    let bundle = read_bundle(&a.bundle)?;
    let map = read_ticket_map(a.tickets.as_deref())?;
    let openings = match &a.openings {
        Some(p) => {
            kleroterion_files::outputs::read_json::<kleroterion::seal::OpeningsFile>(
                p,
                "openings file",
            )?
            .openings
        }
        None => Vec::new(),
    };
    let r = kleroterion::replace_sealed(&bundle, &a.dropped, &openings).map_err(|e| {
        let hint = if bundle.manifest.sealed && a.openings.is_none() {
            " (the features are sealed: give --openings, the commit's private/openings.json)"
        } else {
            ""
        };
        CliError::core(format!("replacement failed{hint}"), e)
    })?;
    if let Some(out) = &a.out {
        let text = serde_json::to_string_pretty(&r)
            .map_err(|e| CliError::Usage(format!("writing JSON: {e}")))?;
        write_output(out, &(text + "\n"), a.force, "a replacement record")?;
    }
    if ctx.json {
        let value =
            serde_json::to_value(&r).map_err(|e| CliError::Usage(format!("writing JSON: {e}")))?;
        return print_json(&json!({ "replacement": value, "file": a.out.as_deref().map(show) }));
    }
    crate::outln!("Replacements (verifiable: they follow from the bundle's seed):");
    for (d, rep) in r.dropped.iter().zip(&r.replacements) {
        let on_panel = bundle.result.selected.contains(d);
        match (rep, on_panel) {
            (Some(t), _) => crate::outln!(
                "  {} is replaced by {}",
                with_id(d, map.as_ref()),
                with_id(t, map.as_ref())
            ),
            (None, true) => crate::outln!(
                "  {}: no one can take this seat; it stays empty",
                with_id(d, map.as_ref())
            ),
            (None, false) => crate::outln!(
                "  {}: was not on the panel; nothing to replace",
                with_id(d, map.as_ref())
            ),
        }
    }
    if !r.broken_quotas.is_empty() {
        crate::outln!("The new panel breaks these quotas (no candidate could keep them all):");
        for b in &r.broken_quotas {
            crate::outln!("  {b}");
        }
    }
    crate::outln!("New panel ({} people):", r.panel.len());
    for (i, t) in r.panel.iter().enumerate() {
        crate::outln!("  {:>3}. {}", i + 1, with_id(t, map.as_ref()));
    }
    crate::outln!("Replacement hash: {}", r.hash);
    if let Some(out) = &a.out {
        crate::outln!("Written to {}", show(out));
    }
    Ok(())
}
