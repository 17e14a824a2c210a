//! `kleroterion verify`.

use kleroterion::{Report, Status, Step, StepId};

use super::{Context, print_json, show};
use crate::cli::VerifyArgs;
use crate::error::{CliError, Result};

/// A report for a bundle that cannot even be read: the `format` step fails.
fn unreadable(message: String) -> Report {
    let steps = StepId::ALL
        .iter()
        .map(|&id| Step {
            id,
            title: id.title(),
            status: if id == StepId::Format {
                Status::Failed
            } else {
                Status::NotChecked
            },
            computed: None,
            published: None,
            detail: if id == StepId::Format {
                vec![message.clone()]
            } else {
                Vec::new()
            },
        })
        .collect();
    Report {
        valid: false,
        steps,
        error: Some(message),
        error_kind: Some("UnreadableBundle".into()),
    }
}

fn mark(status: Status) -> &'static str {
    match status {
        Status::Passed => "✓",
        Status::Failed => "✗",
        Status::Skipped => "–",
        Status::NotChecked => "·",
    }
}

/// Prints the report as text.
pub fn print_report(report: &Report) {
    for s in &report.steps {
        let note = match s.status {
            Status::Skipped => " (does not apply)",
            Status::NotChecked => " (not checked)",
            _ => "",
        };
        crate::outln!(
            "{} {:<10} {}{}",
            mark(s.status),
            s.id.as_str(),
            s.title,
            note
        );
        if s.status == Status::Failed || s.computed != s.published {
            if let Some(c) = &s.computed {
                crate::outln!("    computed:  {c}");
            }
            if let Some(p) = &s.published {
                crate::outln!("    published: {p}");
            }
        } else if let Some(c) = &s.computed {
            crate::outln!("    {c}");
        }
        for d in &s.detail {
            crate::outln!("    {d}");
        }
    }
}

/// Runs `verify`.
pub fn run(ctx: &Context, a: &VerifyArgs) -> Result<()> {
    let spinner = ctx.progress.spinner("verifying");
    let report = match super::read_bundle(&a.bundle) {
        Ok(b) => kleroterion::verify(&b),
        Err(CliError::Files(e @ kleroterion_files::FileError::Io { .. })) => {
            return Err(CliError::Files(e));
        }
        Err(e) => unreadable(e.to_string()),
    };
    drop(spinner);
    if ctx.json {
        let value = serde_json::to_value(&report)
            .map_err(|e| CliError::Usage(format!("writing JSON: {e}")))?;
        print_json(&value)?;
    } else {
        crate::outln!("Verifying {}", show(&a.bundle));
        print_report(&report);
        crate::outln!();
        match &report.error {
            None => crate::outln!("VALID: every step recomputes to the published values."),
            Some(e) => crate::outln!("INVALID: {e}"),
        }
    }
    match (report.valid, report.failed_step()) {
        (true, _) => Ok(()),
        (false, step) => Err(CliError::Failed(format!(
            "the bundle does not verify (step {})",
            step.map_or("format", StepId::as_str)
        ))),
    }
}
