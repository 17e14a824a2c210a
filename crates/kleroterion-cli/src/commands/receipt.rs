//! `kleroterion receipt`.

use kleroterion::{Receipt, ReceiptOutcome, check_receipt};
use kleroterion_files::outputs::read_json;
use serde_json::json;

use super::{Context, print_json, read_bundle};
use crate::cli::ReceiptArgs;
use crate::error::{CliError, Result};

/// Runs `receipt`.
pub fn run(ctx: &Context, a: &ReceiptArgs) -> Result<()> {
    let receipt: Receipt = read_json(&a.receipt, "receipt")?;
    let bundle = read_bundle(&a.bundle)?;
    let report = kleroterion::verify(&bundle);
    let check = check_receipt(&receipt, &bundle);
    if ctx.json {
        let value = match &check {
            Ok(c) => json!({
                "matches": true,
                "ticket": c.ticket,
                "index": receipt.index,
                "pool_count": receipt.pool_count,
                "features": c.features.iter().map(|(f, v)| json!({"feature": f, "value": v})).collect::<Vec<_>>(),
                "outcome": c.outcome,
                "bundle_valid": report.valid,
                "bundle_error": report.error,
            }),
            Err(e) => json!({
                "matches": false,
                "ticket": receipt.record.ticket,
                "error": e.to_string(),
                "bundle_valid": report.valid,
            }),
        };
        print_json(&value)?;
    } else {
        match &check {
            Ok(c) => {
                crate::outln!("Ticket {}", c.ticket);
                crate::outln!(
                    "You are in the committed pool: person {} of {}, and your receipt's proof leads to the committed root.",
                    receipt.index + 1,
                    receipt.pool_count
                );
                crate::outln!("Your recorded features:");
                for (f, v) in &c.features {
                    crate::outln!("  {f}: {v}");
                }
                let panel = bundle.result.selected.len();
                match c.outcome {
                    ReceiptOutcome::Selected { position } => {
                        crate::outln!(
                            "Outcome: SELECTED, drawn at position {position} of the panel of {panel}."
                        );
                    }
                    ReceiptOutcome::Alternate { number } => crate::outln!(
                        "Outcome: ALTERNATE number {number}: you may be invited if people on the panel drop out."
                    ),
                    ReceiptOutcome::NotSelected => crate::outln!(
                        "Outcome: NOT SELECTED for the panel of {panel}, nor as an alternate."
                    ),
                }
            }
            Err(e) => crate::outln!("{}", capitalise(&e.to_string())),
        }
        match &report.error {
            None => crate::outln!(
                "The draw itself verifies: every step recomputes to the published values."
            ),
            Some(e) => crate::outln!("WARNING: the draw itself does not verify: {e}"),
        }
    }
    if let Err(e) = check {
        return Err(CliError::Failed(e.to_string()));
    }
    if let Some(e) = report.error {
        return Err(CliError::Failed(format!("the bundle does not verify: {e}")));
    }
    Ok(())
}

/// The text with its first letter in upper case.
fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
