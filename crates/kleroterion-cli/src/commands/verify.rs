//! `kleroterion verify`.

use kleroterion::{
    ByHand, Published, PublishedLottery, Replacement, Report, Status, StepId, Verdict,
};
use kleroterion_files::outputs::read_json;

use super::{Context, one_line, print_json, show};
use crate::cli::VerifyArgs;
use crate::error::{CliError, Result};

fn mark(status: Status) -> &'static str {
    match status {
        Status::Passed => "✓",
        Status::Failed => "✗",
        Status::Skipped => "–",
        Status::NotChecked => "·",
    }
}

/// Prints the steps as text: what was checked by computation, what failed.
pub fn print_steps(report: &Report) {
    for s in &report.steps {
        let note = match s.status {
            Status::Skipped => " (does not apply)",
            Status::NotChecked => " (not checked)",
            _ => "",
        };
        crate::outln!(
            "{} {:<12} {}{}",
            mark(s.status),
            s.id.as_str(),
            one_line(&s.title),
            note
        );
        if s.status == Status::Failed || s.computed != s.published {
            if let Some(c) = &s.computed {
                crate::outln!("    computed:      {}", one_line(c));
            }
            if let Some(p) = &s.published {
                crate::outln!("    compared with: {}", one_line(p));
            }
        } else if let Some(c) = &s.computed {
            crate::outln!("    {}", one_line(c));
        }
        for d in &s.detail {
            crate::outln!("    {}", one_line(d));
        }
    }
}

fn print_by_hand(items: &[ByHand]) {
    for (i, item) in items.iter().enumerate() {
        crate::outln!("  {}. {}", i + 1, one_line(&item.what));
        crate::outln!("     >>> {}", one_line(&item.value));
        crate::outln!("     against: {}", one_line(&item.record));
    }
}

/// Prints the report: the steps, then the verdict in words, then the items to compare by hand.
pub fn print_report(report: &Report) {
    print_steps(report);
    crate::outln!();
    match report.verdict {
        Verdict::Invalid => crate::outln!(
            "INVALID: {}",
            one_line(report.error.as_deref().unwrap_or("a step failed"))
        ),
        Verdict::Valid => {
            crate::outln!("VALID: every step recomputes, and every published fact matches.")
        }
        Verdict::ValidIf => {
            crate::outln!(
                "{}. Every step above was checked by computation; no program can check these offline:",
                report.headline()
            );
            print_by_hand(&report.by_hand);
        }
    }
}

fn published(a: &VerifyArgs) -> Result<Published> {
    let commitment = a
        .commitment
        .as_deref()
        .map(super::published_commitment)
        .transpose()?;
    let lotteries = a
        .lotteries
        .iter()
        .map(|l| PublishedLottery::parse(l).map_err(|e| CliError::Usage(format!("--lottery: {e}"))))
        .collect::<Result<Vec<_>>>()?;
    Ok(Published {
        commitment,
        lotteries,
    })
}

/// Runs `verify`.
pub fn run(ctx: &Context, a: &VerifyArgs) -> Result<()> {
    let published = published(a)?;
    let replacements = a
        .replacements
        .iter()
        .map(|p| read_json::<Replacement>(p, "replacement record"))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let text = std::fs::read_to_string(&a.bundle)
        .map_err(|e| kleroterion_files::FileError::io(&a.bundle, &e))?;
    let spinner = ctx.progress.spinner("verifying");
    let report = kleroterion::verify_json(
        text.trim_start_matches('\u{feff}'),
        &published,
        &replacements,
    );
    drop(spinner);
    if ctx.json {
        let value = serde_json::to_value(&report)
            .map_err(|e| CliError::Usage(format!("writing JSON: {e}")))?;
        print_json(&value)?;
    } else {
        crate::outln!("Verifying {}", show(&a.bundle));
        print_report(&report);
    }
    match (report.valid, report.failed_step()) {
        (true, _) => Ok(()),
        (false, step) => Err(CliError::Failed(format!(
            "the bundle does not verify (step {})",
            step.map_or("format", StepId::as_str)
        ))),
    }
}
