//! `kleroterion receipt`.

use kleroterion::chain::{Path, Place, check_path};
use kleroterion::{
    Bundle, Published, Receipt, ReceiptOutcome, Report, check_receipt, verify_chain,
};
use kleroterion_files::outputs::read_json;
use serde_json::json;

use super::{Context, one_line, print_json, read_bundle};
use crate::cli::ReceiptArgs;
use crate::error::{CliError, Result};

/// The path across stages (`--previous`), checked: what the previous stage says of this
/// person, and the report on this stage verified with the previous stage (its `parent`,
/// `links` and `inherited` steps), which fails when the previous stage does not verify.
fn path_check(
    a: &ReceiptArgs,
    receipt: &Receipt,
    bundle: &Bundle,
) -> Result<Option<(Path, Report)>> {
    let Some(previous) = &a.previous else {
        return Ok(None);
    };
    let previous = read_bundle(previous)?;
    let earlier: Option<Receipt> = a
        .previous_receipt
        .as_deref()
        .map(|p| read_json(p, "receipt"))
        .transpose()?;
    let path = check_path(earlier.as_ref(), Some(receipt), &previous, bundle)
        .map_err(|e| CliError::Failed(e.to_string()))?;
    let none = Published::default();
    let chain = verify_chain(bundle, &none, &[], &previous, &none, &[]);
    Ok(Some((path, chain.report)))
}

fn print_path(receipt: &Receipt, path: &Path) {
    if let Some(link) = &receipt.record.link {
        crate::outln!(
            "Your record comes from the previous stage's invitation {}, which that stage invited.",
            one_line(link)
        );
    }
    if let Some(earlier) = &path.previous {
        crate::outln!(
            "Your receipt of the previous stage: ticket {}, on its pool, {}.",
            one_line(&earlier.ticket),
            match path.invited {
                Some(Place::Selected(n)) => format!("INVITED (seat {n} of its draw)"),
                Some(Place::Alternate(n)) => format!("INVITED (alternate number {n} of its draw)"),
                None => "not invited".into(),
            }
        );
        if let Some(t) = &path.answered {
            crate::outln!(
                "You answered: this stage's record {} links to your invitation.",
                one_line(t)
            );
        }
    }
}

/// Runs `receipt`.
pub fn run(ctx: &Context, a: &ReceiptArgs) -> Result<()> {
    let receipt: Receipt = read_json(&a.receipt, "receipt")?;
    let bundle = read_bundle(&a.bundle)?;
    let check = check_receipt(&receipt, &bundle);
    // With the previous stage, the draw is verified as a chain: what the previous stage says
    // of this person (invited, answered) holds only when both stages verify together.
    let chained = match &check {
        Ok(_) => path_check(a, &receipt, &bundle)?,
        Err(_) => None,
    };
    let (path, report) = match chained {
        Some((path, report)) => (report.valid.then_some(path), report),
        None => (None, kleroterion::verify(&bundle)),
    };
    if ctx.json {
        let value = match &check {
            Ok(c) => json!({
                "matches": true,
                "ticket": one_line(&c.ticket),
                "index": receipt.index,
                "pool_count": receipt.pool_count,
                "features": c.features.iter().map(|(f, v)| json!({"feature": one_line(f), "value": one_line(v)})).collect::<Vec<_>>(),
                "outcome": if report.valid { json!(c.outcome) } else { json!(null) },
                "bundle_valid": report.valid,
                "bundle_error": report.error,
                "path": path,
            }),
            Err(e) => json!({
                "matches": false,
                // The receipt is the organiser's file: its ticket may be anything, of any length.
                "ticket": one_line(&receipt.record.ticket),
                "error": one_line(&e.to_string()),
                "bundle_valid": report.valid,
            }),
        };
        print_json(&value)?;
    } else {
        match &check {
            Ok(c) => {
                crate::outln!("Ticket {}", one_line(&c.ticket));
                crate::outln!(
                    "You are in the committed pool: person {} of {}, and your receipt's proof leads to the committed root.",
                    receipt.index + 1,
                    receipt.pool_count
                );
                crate::outln!("Your recorded features:");
                for (f, v) in &c.features {
                    crate::outln!("  {}: {}", one_line(f), one_line(v));
                }
                if let Some(p) = &path {
                    print_path(&receipt, p);
                }
                let panel = bundle.result.selected.len();
                if !report.valid {
                    crate::outln!(
                        "Outcome: NOT ESTABLISHED. The draw itself does not verify, so what it says about you means nothing."
                    );
                }
                match c.outcome {
                    _ if !report.valid => {}
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
            Err(e) => crate::outln!("{}", one_line(&capitalise(&e.to_string()))),
        }
        match &report.error {
            None => crate::outln!(
                "The draw itself verifies by computation: {} (run `kleroterion verify` with the published commitment for the full verdict).",
                report.headline()
            ),
            Some(e) => crate::outln!("WARNING: the draw itself does not verify: {}", one_line(e)),
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
