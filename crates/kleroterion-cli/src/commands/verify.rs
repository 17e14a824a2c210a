//! `kleroterion verify`.

use kleroterion::chain::Response;
use kleroterion::verify::{QuotaTable, Summary};
use kleroterion::{
    Bundle, ByHand, Published, PublishedLottery, Replacement, Report, Status, StepId, Verdict,
    verify_chain,
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

/// Prints the bundle's summary (the core's [`Summary`]): what it says it is, before anything
/// is checked. Every text comes from the bundle and is escaped.
pub fn print_summary(s: &Summary) {
    crate::outln!("Title:       {}", one_line(&s.title));
    crate::outln!(
        "Purpose:     {}    method: {}    panel: {}    alternates: {}    pool: {}{}",
        one_line(&s.purpose),
        one_line(&s.method),
        s.panel_size,
        s.alternates,
        s.pool_count,
        if s.household_rule {
            "    one person per household"
        } else {
            ""
        }
    );
    if let Some(at) = &s.announced_at {
        crate::outln!("Announced:   {} (the organiser's claim)", one_line(at));
    }
    if s.committed {
        for source in &s.sources {
            crate::outln!("Randomness:  {}", one_line(source));
        }
    } else {
        crate::outln!("Randomness:  no recipe committed");
    }
    if let Some(t) = &s.earliest_time {
        crate::outln!("Exists from: {}", one_line(t));
    }
    crate::outln!(
        "Commitment:  {} (the bundle's copy)",
        one_line(&s.commitment_grouped)
    );
    crate::outln!("Panel:       {}", one_line(&s.selected.join(", ")));
    if !s.alternates_list.is_empty() {
        crate::outln!("Alternates:  {}", one_line(&s.alternates_list.join(", ")));
    }
}

/// Prints the published panel against every quota (the core's [`QuotaTable`]), one row per
/// feature value. Every text comes from the bundle and is escaped.
pub fn print_quota_table(q: &QuotaTable) {
    if q.rows.is_empty() {
        return;
    }
    crate::outln!(
        "Quotas ({} method: {}):",
        one_line(&q.method),
        if q.enforced {
            "enforced"
        } else {
            "informative only"
        }
    );
    crate::outln!(
        "  {:<3} {:<32} {:>5} {:>5} {:>7} {:>7}",
        "",
        "feature = value",
        "min",
        "max",
        "panel",
        "pool"
    );
    for r in &q.rows {
        let mark = if r.ok { "✓" } else { "✗" };
        crate::outln!(
            "  {:<3} {:<32} {:>5} {:>5} {:>7} {:>7}",
            mark,
            one_line(&format!("{} = {}", r.feature, r.value)),
            r.min,
            r.max,
            r.panel,
            r.pool.map_or_else(|| "sealed".into(), |n| n.to_string())
        );
    }
    if q.rows.iter().any(|r| r.pool.is_none()) {
        crate::outln!(
            "  (the features are sealed: the pool publishes no values, and the bundle opens only the panel and the alternates)"
        );
    }
    for t in &q.unknown_tickets {
        crate::outln!("  not in the pool (not counted): {}", one_line(t));
    }
}

/// Prints the report: the steps, the quota table when there is one, then the verdict in words,
/// then the items to compare by hand.
pub fn print_report(report: &Report, quotas: Option<&QuotaTable>) {
    print_steps(report);
    if let Some(q) = quotas.filter(|q| !q.rows.is_empty()) {
        crate::outln!();
        print_quota_table(q);
    }
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

fn published(commitment: Option<&str>, lotteries: &[String], flag: &str) -> Result<Published> {
    let commitment = commitment.map(super::published_commitment).transpose()?;
    let lotteries = lotteries
        .iter()
        .map(|l| PublishedLottery::parse(l).map_err(|e| CliError::Usage(format!("{flag}: {e}"))))
        .collect::<Result<Vec<_>>>()?;
    Ok(Published {
        commitment,
        lotteries,
    })
}

/// Prints the response rates of a verified chain: invited and volunteered by inherited value.
pub fn print_responses(rows: &[Response]) {
    if rows.is_empty() {
        return;
    }
    crate::outln!("Who answered (invited by the previous stage, then in this pool):");
    crate::outln!(
        "  {:<40} {:>8} {:>11} {:>7}",
        "feature = value",
        "invited",
        "volunteered",
        "rate"
    );
    for r in rows {
        let label = match (&r.feature, &r.value) {
            (Some(f), Some(v)) => format!("{f} = {v}"),
            _ => "total".into(),
        };
        crate::outln!(
            "  {:<40} {:>8} {:>11} {:>7}",
            one_line(&label),
            r.invited,
            r.volunteered,
            r.rate()
        );
    }
}

/// A bundle file's text, without a leading byte-order mark.
fn read_text(path: &std::path::Path) -> Result<String> {
    let mut text =
        std::fs::read_to_string(path).map_err(|e| kleroterion_files::FileError::io(path, &e))?;
    while text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// Verifies a stage with its previous stage (`--previous`).
fn run_chain(
    ctx: &Context,
    a: &VerifyArgs,
    previous_path: &std::path::Path,
    stage: (&Published, &[Replacement]),
) -> Result<()> {
    let previous_published = published(
        a.previous_commitment.as_deref(),
        &a.previous_lotteries,
        "--previous-lottery",
    )?;
    let (text, previous_text) = (read_text(&a.bundle)?, read_text(previous_path)?);
    let spinner = ctx.progress.spinner("verifying both stages");
    let parsed = (Bundle::from_json(&text), Bundle::from_json(&previous_text));
    let (Ok(bundle), Ok(previous)) = parsed else {
        drop(spinner);
        // One of them is not a readable bundle: say which, with its own report.
        for (path, t, p) in [
            (&a.bundle, &text, stage.0),
            (
                &previous_path.to_path_buf(),
                &previous_text,
                &previous_published,
            ),
        ] {
            let report = kleroterion::verify_json(t, p, &[]);
            if !report.valid {
                crate::outln!("Verifying {}", show(path));
                print_report(&report, None);
            }
        }
        return Err(CliError::Failed(
            "a bundle of the chain cannot be read".into(),
        ));
    };
    let chain = verify_chain(
        &bundle,
        stage.0,
        stage.1,
        &previous,
        &previous_published,
        &[],
    );
    drop(spinner);
    if ctx.json {
        let json_error = |e: serde_json::Error| CliError::Usage(format!("writing JSON: {e}"));
        print_json(&serde_json::to_value(&chain).map_err(json_error)?)?;
    } else {
        crate::outln!("Previous stage: {}", show(previous_path));
        print_summary(&Summary::of(&previous));
        crate::outln!();
        print_report(&chain.previous, None);
        crate::outln!();
        crate::outln!("This stage: {}", show(&a.bundle));
        print_summary(&Summary::of(&bundle));
        crate::outln!();
        print_report(&chain.report, Some(&QuotaTable::of(&bundle)));
        crate::outln!();
        print_responses(&chain.responses);
        crate::outln!();
        crate::outln!(
            "Chain: {}",
            match chain.verdict {
                Verdict::Invalid => "INVALID",
                Verdict::ValidIf =>
                    "VALID if the items listed under each stage match their public records",
                Verdict::Valid => "VALID",
            }
        );
    }
    match chain.valid {
        true => Ok(()),
        false => Err(CliError::Failed(format!(
            "the chain does not verify ({})",
            match (chain.previous.failed_step(), chain.report.failed_step()) {
                (Some(s), _) => format!("previous stage, step {}", s.as_str()),
                (None, Some(s)) => format!("step {}", s.as_str()),
                (None, None) => "no step failed".into(),
            }
        ))),
    }
}

/// Runs `verify`.
pub fn run(ctx: &Context, a: &VerifyArgs) -> Result<()> {
    let published = published(a.commitment.as_deref(), &a.lotteries, "--lottery")?;
    let replacements = a
        .replacements
        .iter()
        .map(|p| read_json::<Replacement>(p, "replacement record"))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    if let Some(previous) = &a.previous {
        return run_chain(ctx, a, previous, (&published, &replacements));
    }
    let text = read_text(&a.bundle)?;
    let spinner = ctx.progress.spinner("verifying");
    let report = kleroterion::verify_json(&text, &published, &replacements);
    // What the bundle says it is, when it can be read at all (the report says whether it
    // holds): the same summary and quota table as the verification page and Python.
    let bundle = Bundle::from_json(&text).ok();
    let summary = bundle.as_ref().map(Summary::of);
    let quotas = bundle.as_ref().map(QuotaTable::of);
    drop(spinner);
    if ctx.json {
        let json_error = |e: serde_json::Error| CliError::Usage(format!("writing JSON: {e}"));
        let mut value = serde_json::to_value(&report).map_err(json_error)?;
        if let Some(object) = value.as_object_mut() {
            object.insert(
                "summary".into(),
                serde_json::to_value(&summary).map_err(json_error)?,
            );
            object.insert(
                "quota_table".into(),
                serde_json::to_value(&quotas).map_err(json_error)?,
            );
        }
        print_json(&value)?;
    } else {
        crate::outln!("Verifying {}", show(&a.bundle));
        if let Some(s) = &summary {
            print_summary(s);
            crate::outln!();
        }
        print_report(&report, quotas.as_ref());
    }
    match (report.valid, report.failed_step()) {
        (true, _) => Ok(()),
        (false, step) => Err(CliError::Failed(format!(
            "the bundle does not verify (step {})",
            step.map_or("format", StepId::as_str)
        ))),
    }
}
