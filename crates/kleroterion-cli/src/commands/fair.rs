//! `kleroterion fair`.

use kleroterion_files::outputs::csv_string;
use kleroterion_files::{FileError, fair};
use serde_json::{Map, Value, json};

use super::commit::read_inputs;
use super::{Context, check_output, print_json, show, write_output};
use crate::cli::FairArgs;
use crate::error::{CliError, Result};

/// Runs `fair`.
pub fn run(ctx: &Context, a: &FairArgs) -> Result<()> {
    let inputs = [
        ("the people file", a.people.as_path()),
        ("the quotas file", a.quotas.as_path()),
    ];
    if let Some(out) = &a.out {
        check_output(out, &inputs, a.force, "a probabilities file")?;
    }
    if let Some(out) = &a.distribution_out {
        check_output(out, &inputs, a.force, "a distribution file")?;
    }
    let (people, quotas) = read_inputs(
        &a.people,
        &a.quotas,
        &a.tables,
        a.id_column.as_deref(),
        &a.household,
        None,
    )?;
    let n = people.people.len();
    if a.size == 0 || a.size as usize > n {
        return Err(CliError::Usage(format!(
            "panel size {} is impossible with {n} people; choose 1 to {n}",
            a.size
        )));
    }
    quotas.check_panel_size(a.size)?;
    let order: Vec<usize> = (0..n).collect();
    let instance = fair::instance(&quotas, &people, &order, a.size, people.has_households())?;
    let spinner = ctx.progress.spinner("computing LEXIMIN probabilities");
    if let Err(FileError::Infeasible {
        panel_size,
        reason,
        relaxations,
    }) = fair::check_feasible(&instance)
    {
        drop(spinner);
        if ctx.json {
            print_json(
                &json!({"feasible": false, "panel_size": panel_size, "reason": reason, "relaxations": relaxations}),
            )?;
        } else {
            crate::outln!("No panel of {panel_size} meets the quotas: {reason}.");
            if !relaxations.is_empty() {
                crate::outln!("The smallest relaxation that works:");
                for r in &relaxations {
                    crate::outln!("  {r}");
                }
            }
        }
        return Err(CliError::Failed(format!(
            "the quotas cannot be met by any panel of {panel_size}"
        )));
    }
    let bar = spinner.0.clone();
    let line = super::leximin_progress::LeximinLine::default();
    let report = move |p: &kleroterion_fair::Progress| bar.set_message(line.line(p));
    let mut options = kleroterion_fair::Options::new().with_progress(report);
    options.time_limit = a.leximin.duration();
    let (dist, partial) = match fair::leximin(&instance, &options) {
        Ok(d) => (d, None),
        Err(FileError::TimeLimit {
            seconds,
            stopped,
            partial: Some(p),
        }) if a.leximin.accept_partial => {
            let header = format!(
                "PARTIAL: not the full LEXIMIN ({} level{} fixed, {} of {} people at their final probability, when the time limit of {seconds} s was reached)",
                stopped.levels_fixed,
                if stopped.levels_fixed == 1 { "" } else { "s" },
                stopped.people_fixed,
                stopped.people
            );
            let summary = json!({
                "levels_fixed": stopped.levels_fixed,
                "people_fixed": stopped.people_fixed,
                "time_limit_seconds": seconds,
                "guaranteed_minimum": p.guaranteed_minimum,
                "bound": p.bound,
            });
            let lowest = fair::partial_lowest(&p);
            (p.distribution, Some((header, lowest, summary)))
        }
        Err(e) => return Err(e.into()),
    };
    drop(spinner);
    if let Some(out) = &a.distribution_out {
        let given = kleroterion_files::GivenDistribution::new(instance.clone(), dist.clone())?;
        let text = given.to_json()? + "\n";
        kleroterion_files::atomic::write_file(
            out,
            text.as_bytes(),
            kleroterion_files::atomic::Access::Private,
            super::existing(a.force),
            "the distribution file",
        )?;
    }
    let probs = &dist.probabilities;
    if let Some(out) = &a.out {
        let rows: Vec<Vec<String>> = people
            .people
            .iter()
            .zip(probs)
            .map(|(p, x)| vec![p.id.clone(), format!("{x:.6}")])
            .collect();
        let text = csv_string(
            &[people.id_header().to_owned(), "probability".into()],
            &rows,
            false,
        )?;
        write_output(out, &text, a.force, "a probabilities file")?;
    }
    let r = &dist.report;
    if ctx.json {
        let mut map = Map::new();
        for (p, x) in people.people.iter().zip(probs) {
            map.insert(p.id.clone(), json!(x));
        }
        return print_json(&json!({
            "feasible": true,
            "complete": partial.is_none(),
            "partial": partial.as_ref().map(|p| &p.2),
            "people": n,
            "panel_size": a.size,
            "min_probability": r.min,
            "max_probability": r.max,
            "mean_probability": r.mean,
            "gini": r.gini,
            "panels": dist.panels.len(),
            "probabilities": Value::Object(map),
            "file": a.out.as_deref().map(show),
            "distribution_file": a.distribution_out.as_deref().map(show),
        }));
    }
    if let Some((header, lowest, _)) = &partial {
        crate::outln!("{header}");
        crate::outln!("  In this partial distribution, {lowest}.");
    }
    crate::outln!(
        "{} selection probabilities for a panel of {} from {n} people:",
        if partial.is_some() {
            "Partial"
        } else {
            "LEXIMIN"
        },
        a.size
    );
    crate::outln!("  lowest  {:>7.3}%", r.min * 100.0);
    crate::outln!("  highest {:>7.3}%", r.max * 100.0);
    crate::outln!(
        "  k/n     {:>7.3}%  (everyone's chance without quotas)",
        r.mean * 100.0
    );
    crate::outln!("  Gini    {:>7.4}", r.gini);
    crate::outln!("  panels in the distribution: {}", dist.panels.len());
    let mut sorted: Vec<(f64, &str)> = probs
        .iter()
        .zip(&people.people)
        .map(|(x, p)| (*x, p.id.as_str()))
        .collect();
    sorted.sort_by(|x, y| x.0.total_cmp(&y.0).then_with(|| x.1.cmp(y.1)));
    crate::outln!("Lowest probabilities:");
    for (x, id) in sorted.iter().take(5) {
        crate::outln!("  {id}: {:.3}%", x * 100.0);
    }
    crate::outln!("Highest probabilities:");
    for (x, id) in sorted.iter().rev().take(5) {
        crate::outln!("  {id}: {:.3}%", x * 100.0);
    }
    if let Some(out) = &a.out {
        crate::outln!("Everyone's probability: {}", show(out));
    }
    if let Some(out) = &a.distribution_out {
        crate::outln!(
            "The distribution, for `commit --method lottery --distribution {}`: {} (private)",
            show(out),
            show(out)
        );
    }
    Ok(())
}
