//! `kleroterion commit`.

use std::path::Path;

use kleroterion_files::commit_folder::{Destination, Stage, commit_file};
use kleroterion_files::{
    CommitOptions, IdColumn, MaxentWeights, MethodChoice, People, PeopleOptions, Quotas,
    TableOptions, TicketSource, WriteOptions, parse_allocation, read_recipe,
};
use serde_json::json;

use super::{Context, check_output, existing, one_line, print_json, show};
use crate::cli::{CommitArgs, MethodArg, TableArgs};
use crate::error::{CliError, Result};

/// Reads the people file with the options common to `commit` and `fair`.
pub fn read_inputs(
    people: &std::path::Path,
    quotas: &std::path::Path,
    tables: &TableArgs,
    id_column: Option<&str>,
    household: &[String],
    extra: Option<&str>,
) -> Result<(People, Quotas)> {
    let quotas = read_quotas(quotas, tables)?;
    let options = people_options(people, &quotas, tables, id_column, household, extra)?;
    let people = People::read(people, &quotas, &options)?;
    Ok((people, quotas))
}

/// `options` resolved for the file at `path`, telling on standard error the encoding found
/// when it is not UTF-8.
fn table_options(path: &Path, options: &TableOptions) -> Result<TableOptions> {
    let (options, notice) = options.for_file(path)?;
    if let Some(n) = notice {
        super::print_line(&mut std::io::stderr(), &format!("Note: {n}"));
    }
    Ok(options)
}

/// Reads the quotas file.
fn read_quotas(path: &Path, tables: &TableArgs) -> Result<Quotas> {
    Ok(Quotas::read_with(
        path,
        &table_options(path, &tables.quotas())?,
    )?)
}

/// How the people file is read: its sheet or encoding, id column, address columns, and an
/// extra column to stratify on when it is not a quota feature.
fn people_options(
    path: &Path,
    quotas: &Quotas,
    tables: &TableArgs,
    id_column: Option<&str>,
    household: &[String],
    extra: Option<&str>,
) -> Result<PeopleOptions> {
    Ok(PeopleOptions {
        id: id_column.map_or(IdColumn::Auto, |c| IdColumn::Named(c.to_owned())),
        household_columns: household.to_vec(),
        extra_features: extra
            .filter(|s| !quotas.features.iter().any(|f| f.name == *s))
            .map(str::to_owned)
            .into_iter()
            .collect(),
        table: table_options(path, &tables.people())?,
    })
}

/// Runs `commit`.
pub fn run(ctx: &Context, a: &CommitArgs) -> Result<()> {
    if !a.count.is_empty() && a.method != MethodArg::Maxent {
        return Err(CliError::Usage(
            "--count is only used with --method maxent".into(),
        ));
    }
    if (a.weights.is_some() || a.fit_to_leximin) && a.method != MethodArg::Maxent {
        return Err(CliError::Usage(
            "--weights and --fit-to-leximin are only used with --method maxent".into(),
        ));
    }
    if a.max_attempts.is_some() && !matches!(a.method, MethodArg::Greedy | MethodArg::Maxent) {
        return Err(CliError::Usage(
            "--max-attempts is only used with --method greedy or maxent".into(),
        ));
    }
    if a.strata.is_some() && a.method != MethodArg::Stratified {
        return Err(CliError::Usage(
            "--strata is only used with --method stratified".into(),
        ));
    }
    let method = match a.method {
        MethodArg::Uniform => MethodChoice::Uniform,
        MethodArg::Greedy => MethodChoice::Greedy {
            max_attempts: a.max_attempts.unwrap_or(100),
        },
        MethodArg::Maxent => MethodChoice::Maxent {
            counted: a.count.iter().map(|c| kleroterion_files::table::clean(c)).collect(),
            max_attempts: a.max_attempts.unwrap_or(10_000),
            weights: match (&a.weights, a.fit_to_leximin) {
                (Some(column), _) => MaxentWeights::Column(column.clone()),
                (None, true) => MaxentWeights::Leximin,
                (None, false) => MaxentWeights::Equal,
            },
        },
        MethodArg::Lottery => MethodChoice::Lottery { panels: a.panels },
        MethodArg::Stratified => MethodChoice::Stratified {
            feature: a.strata.as_deref().map(kleroterion_files::table::clean).ok_or_else(|| {
                CliError::Usage("--method stratified needs --strata COLUMN (the column whose values are the strata)".into())
            })?,
            allocation: parse_allocation(&a.allocation)?,
        },
    };
    let mut inputs = vec![
        ("the people file", a.people.as_path()),
        ("the quotas file", a.quotas.as_path()),
    ];
    inputs.extend(
        a.randomness
            .as_deref()
            .map(|r| ("the randomness recipe", r)),
    );
    check_output(&a.out, &inputs, a.force, "a folder")?;
    let quotas = read_quotas(&a.quotas, &a.tables)?;
    let read = people_options(
        &a.people,
        &quotas,
        &a.tables,
        a.id_column.as_deref(),
        &a.household,
        a.strata.as_deref(),
    )?;
    let randomness = a.randomness.as_deref().map(read_recipe).transpose()?;
    let spinner = ctx.progress.spinner(match method {
        MethodChoice::Lottery { .. } => "computing LEXIMIN probabilities and the portfolio",
        MethodChoice::Maxent {
            weights: MaxentWeights::Leximin,
            ..
        } => "computing LEXIMIN probabilities and fitting the maxent weights to them",
        _ => "assigning tickets and building the pool",
    });
    let bar = spinner.0.clone();
    let line = super::leximin_progress::LeximinLine::default();
    let report = move |p: &kleroterion_fair::Progress| bar.set_message(line.line(p));
    let mut fair = kleroterion_fair::Options::new().with_progress(report);
    fair.time_limit = a.leximin.duration();
    fair.rounding = a.rounding.parse().expect("clap keeps to the known names");
    let options = {
        let mut o = CommitOptions::new(a.size, method)
            .with_title(kleroterion::text::to_nfc(&a.title))
            .with_alternates(a.alternates.unwrap_or(a.size))
            .with_purpose(a.purpose())
            .with_tickets(TicketSource::Keyed(match &a.ticket_key {
                Some(k) => kleroterion::TicketKey::parse(k).map_err(|e| CliError::Core {
                    context: Some("--ticket-key".into()),
                    source: e,
                })?,
                None => TicketSource::generate_key()?,
            }))
            .with_fair(fair)
            .with_accept_partial(a.leximin.accept_partial);
        o.allow_small_cells = a.allow_small_cells;
        o.sealed = a.sealed;
        if let (Some(bundle), Some(tickets)) = (&a.previous, &a.previous_tickets) {
            o = o.with_previous(kleroterion_files::PreviousStage::read(
                bundle,
                tickets,
                a.inherit.clone(),
            )?);
        }
        if let Some(path) = &a.distribution {
            o = o.with_distribution(kleroterion_files::GivenDistribution::read(path)?);
        }
        o.announced_at = a.announced_at.clone();
        o.randomness = randomness;
        o
    };
    let stage = spinner.0.clone();
    let lottery = matches!(options.method, Some(MethodChoice::Lottery { .. }));
    let progress = move |s: Stage| match s {
        Stage::Reading(n) => stage.set_message(format!("reading people: {n}")),
        Stage::Sealing if lottery => {
            stage.set_message("computing LEXIMIN probabilities and the portfolio")
        }
        Stage::Sealing => stage.set_message("assigning tickets and hashing the pool"),
        Stage::Writing => stage.set_message(if a.no_receipts {
            "writing the pool and the ticket map"
        } else {
            "writing the pool, the receipts and the ticket map"
        }),
    };
    let (committed, paths) = commit_file(
        &a.people,
        &quotas,
        &read,
        &options,
        &Destination {
            dir: &a.out,
            write: WriteOptions {
                bom: a.bom,
                existing: existing(a.force),
            },
            receipts: !a.no_receipts,
        },
        &progress,
    )?;
    if let Some(s) = &committed.leximin_partial {
        spinner.0.suspend(|| {
            super::print_line(
                &mut std::io::stderr(),
                &format!(
                    "PARTIAL: the time limit of {} s was reached; the portfolio is rounded from a partial distribution, not the full LEXIMIN ({} level{} fixed, {} of {} people at their final probability)",
                    a.leximin.time_limit,
                    s.levels_fixed,
                    if s.levels_fixed == 1 { "" } else { "s" },
                    s.people_fixed,
                    s.people
                ),
            );
        });
    }
    drop(spinner);
    let rounding_warning = committed
        .rounding
        .as_ref()
        .and_then(|r| kleroterion_files::fair::rounding_warning(r, a.panels));
    if let Some(w) = &rounding_warning {
        super::print_line(&mut std::io::stderr(), &format!("Warning: {w}"));
    }

    let m = committed.manifest();
    let probabilities = committed.selection_counts.as_ref().map(|(c, total)| {
        let min = c.iter().copied().min().unwrap_or(0);
        let max = c.iter().copied().max().unwrap_or(0);
        (
            f64::from(min) / f64::from(*total),
            f64::from(max) / f64::from(*total),
        )
    });
    if ctx.json {
        return print_json(&json!({
            "commitment": committed.commitment().to_hex(),
            "people": committed.len(),
            "panel_size": m.panel_size,
            "alternates": m.alternates,
            "method": m.method.name(),
            "household_rule": m.household_rule,
            "quota_format": quotas.format.describe(),
            "randomness_committed": m.randomness.is_some(),
            "purpose": m.purpose,
            "publish_before": m.randomness.as_ref().and_then(kleroterion::Recipe::earliest_time).map(kleroterion::time::format_unix),
            "min_probability": probabilities.map(|p| p.0),
            "max_probability": probabilities.map(|p| p.1),
            "leximin_min_probability": committed.leximin_min,
            "leximin_complete": committed.leximin_min.map(|_| committed.leximin_partial.is_none()),
            "min_cell": m.min_cell,
            "cells": committed.cells,
            "rounding": committed.rounding.as_ref().map(|r| json!({
                "method": a.rounding,
                "max_change": r.max_change,
                "pool_indices": r.people,
                "min_before": r.min_before,
                "min_after": r.min_after,
                "lower_bound": r.lower_bound,
                "warning": rounding_warning,
            })),
            "maxent": committed.maxent,
            "files": {
                "manifest": show(&paths.manifest),
                "pool": show(&paths.pool),
                "commitment": show(&paths.commitment),
                "receipts": show(&paths.receipts),
                "tickets": show(&paths.tickets),
                "ticket_key": show(&paths.ticket_key),
                "openings": m.sealed.then(|| show(&paths.openings)),
            },
            "sealed": m.sealed,
            "parent": m.parent,
            "replaced": paths.replaced.as_deref().map(show),
        }));
    }
    crate::outln!(
        "Committed {} people from {} ({} quotas), panel of {} by {}{}.",
        committed.len(),
        show(&a.people),
        quotas.format.describe(),
        m.panel_size,
        m.method.name(),
        if m.household_rule {
            ", at most one person per household"
        } else {
            ""
        }
    );
    if let Some((lo, hi)) = probabilities {
        crate::outln!(
            "Selection probabilities (portfolio of {} panels): lowest {:.2}%, highest {:.2}%.",
            a.panels,
            lo * 100.0,
            hi * 100.0
        );
    }
    match &committed.cells {
        Some(c) => crate::outln!(
            "Disclosure: the smallest published cell holds {} record(s); {} record(s) are alone in their cell (floor {}{}).",
            c.smallest,
            c.alone,
            m.min_cell,
            if m.min_cell < kleroterion::disclosure::DEFAULT_FLOOR {
                ", lowered with --allow-small-cells: every verifier shows it"
            } else {
                ""
            }
        ),
        None => crate::outln!("Disclosure: the pool publishes nothing but tickets."),
    }
    if m.sealed {
        crate::outln!(
            "Sealed features: the pool publishes a salted commitment to each person's values, not the values; verifiers check the quotas of the drawn panel only."
        );
    }
    if let Some(parent) = &m.parent {
        crate::outln!(
            "Linked stage: each of the {} people links to the ticket that invited them in the previous stage (commitment {}); inherited from it: {}. Verify the two together: kleroterion verify BUNDLE --previous PREVIOUS_BUNDLE.",
            m.pool.count,
            parent.commitment,
            if parent.inherited.is_empty() {
                "nothing".to_owned()
            } else {
                one_line(&parent.inherited.join(", "))
            }
        );
    }
    if let Some(f) = &committed.maxent {
        crate::outln!("Maximal entropy (draft method): {}.", f.summary());
    }
    if let Some(r) = &committed.rounding {
        let tickets: Vec<String> = committed
            .records()
            .enumerate()
            .filter(|(i, _)| r.people.binary_search(&(*i as u32)).is_ok())
            .take(3)
            .map(|(_, record)| record.ticket)
            .collect();
        let more = r.people.len().saturating_sub(tickets.len());
        crate::outln!(
            "Rounding ({}): lowest probability {:.2}% before, {:.2}% after; largest change {:.3} points ({:.1}/{}), for {}{}.",
            a.rounding,
            r.min_before * 100.0,
            r.min_after * 100.0,
            r.max_change * 100.0,
            r.max_change * f64::from(a.panels),
            a.panels,
            tickets.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
    }
    crate::outln!();
    crate::outln!("Publish this commitment now, before the randomness exists:");
    crate::outln!("  {}", committed.commitment());
    crate::outln!(
        "  {}",
        kleroterion::published::grouped(&committed.commitment())
    );
    match m
        .randomness
        .as_ref()
        .and_then(kleroterion::Recipe::earliest_time)
    {
        Some(t) => crate::outln!(
            "  It must be public (and its first public record dated) before {} UTC, when the first committed randomness exists; the manifest announces it at {}.",
            kleroterion::time::format_unix(t),
            m.announced_at.as_deref().unwrap_or("(no time)")
        ),
        None if m.randomness.is_none() => crate::outln!(
            "  (no randomness recipe: name the future public randomness with --randomness, or every verifier will say that the randomness was not committed)"
        ),
        None => {}
    }
    if m.purpose != kleroterion::Purpose::Official {
        crate::outln!(
            "  This draw is marked as a {}: every verifier shows it.",
            m.purpose.as_str()
        );
    }
    crate::outln!();
    crate::outln!(
        "Public:  {}  {}  {}",
        show(&paths.manifest),
        show(&paths.pool),
        show(&paths.commitment)
    );
    if a.no_receipts {
        crate::outln!("(--no-receipts: {} is empty)", show(&paths.receipts));
    } else {
        crate::outln!(
            "Private: {}  ({} receipts, readable only by you: give each person theirs)",
            show(&paths.receipts),
            committed.len()
        );
    }
    crate::outln!(
        "Private: {}  (ids to tickets: keep it secret)",
        show(&paths.tickets)
    );
    if m.sealed {
        crate::outln!(
            "Private: {}  (every person's values and salt: the features are sealed, and the draw opens only the panel and the alternates from this file; keep it secret)",
            show(&paths.openings)
        );
    }
    crate::outln!(
        "Private: {}  (the ticket key{}: keep it secret; with it the same inputs give the same tickets and commitment)",
        show(&paths.ticket_key),
        if a.ticket_key.is_some() {
            ", as given"
        } else {
            ", 256 bits, generated"
        }
    );
    if let Some(old) = &paths.replaced {
        crate::outln!(
            "The folder that was there is kept, moved aside to {}",
            show(old)
        );
    }
    Ok(())
}
