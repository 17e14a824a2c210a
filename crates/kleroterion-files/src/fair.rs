//! Fair selection probabilities (LEXIMIN) and lottery portfolios, through `kleroterion-fair`.

use std::collections::HashMap;

use kleroterion_fair::{
    Distribution, FairError, Feasibility, Instance, Options, Partial, Portfolio, Stopped,
};

use crate::error::{FileError, Result};
use crate::limits::cut;
use crate::people::People;
use crate::quotas::Quotas;

/// The selection problem of `people` (taken in `order`, indices into `people.people`) under
/// the quotas, with households when `household_rule` is on.
///
/// A person's value that the quotas do not declare is an error (never a silent index): people
/// read from a file were checked already, but `People` built by hand may hold anything.
pub fn instance(
    quotas: &Quotas,
    people: &People,
    order: &[usize],
    panel_size: u32,
    household_rule: bool,
) -> Result<Instance> {
    let index: Vec<HashMap<&str, u32>> = quotas
        .features
        .iter()
        .map(|f| {
            let mut m = HashMap::with_capacity(f.values.len());
            for (i, v) in f.values.iter().enumerate() {
                m.entry(v.value.as_str()).or_insert(i as u32);
            }
            m
        })
        .collect();
    let row = |i: usize| -> Result<Vec<u32>> {
        let p = &people.people[i];
        if p.values.len() < quotas.features.len() {
            return Err(FileError::Invalid {
                detail: format!(
                    "{}: the person \"{}\" has {} values for {} quota features",
                    people.file,
                    cut(&p.id),
                    p.values.len(),
                    quotas.features.len()
                ),
            });
        }
        quotas
            .features
            .iter()
            .zip(&index)
            .zip(&p.values)
            .map(|((f, m), v)| {
                m.get(v.as_str()).copied().ok_or_else(|| FileError::Invalid {
                    detail: format!(
                        "{}: the value \"{}\" of \"{}\" (person \"{}\") is not declared in the quotas. Fix: declare it in the quotas, or correct the person's value",
                        people.file,
                        cut(v),
                        cut(&f.name),
                        cut(&p.id)
                    ),
                })
            })
            .collect()
    };
    let rows = order.iter().map(|&i| row(i)).collect::<Result<Vec<_>>>()?;
    let households = if household_rule {
        let mut ids: HashMap<&str, u32> = HashMap::new();
        order
            .iter()
            .map(|&i| {
                people.people[i].address.as_deref().map(|a| {
                    let next = ids.len() as u32;
                    *ids.entry(a).or_insert(next)
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(instance_of_rows(quotas, rows, households, panel_size))
}

/// The selection problem of people given as value indices (one row per person, one index per
/// quota feature) and households as small ids (empty without the household rule).
pub fn instance_of_rows(
    quotas: &Quotas,
    rows: Vec<Vec<u32>>,
    households: Vec<Option<u32>>,
    panel_size: u32,
) -> Instance {
    Instance {
        panel_size,
        features: fair_features(&quotas.features),
        people: rows,
        households,
    }
}

/// The protocol's features and quotas as the fair crate takes them.
pub fn fair_features(features: &[kleroterion::Feature]) -> Vec<kleroterion_fair::Feature> {
    features
        .iter()
        .map(|f| kleroterion_fair::Feature {
            name: f.name.clone(),
            values: f
                .values
                .iter()
                .map(|v| kleroterion_fair::ValueQuota {
                    value: v.value.clone(),
                    min: v.min,
                    max: v.max,
                })
                .collect(),
        })
        .collect()
}

/// Fails with [`FileError::Infeasible`] (naming the smallest relaxation) when no panel meets
/// the quotas.
pub fn check_feasible(instance: &Instance) -> Result<()> {
    match kleroterion_fair::feasibility(instance).map_err(fair_error)? {
        Feasibility::Feasible { .. } => Ok(()),
        Feasibility::Infeasible {
            relaxations,
            reason,
        } => Err(FileError::Infeasible {
            panel_size: instance.panel_size,
            reason,
            relaxations: relaxations.into_iter().map(|r| r.reason).collect(),
        }),
    }
}

/// The LEXIMIN distribution; when the quotas cannot be met, the error names the smallest
/// relaxation. When the time limit is reached, [`FileError::TimeLimit`] says how far it got
/// and holds the partial distribution, when there is one.
pub fn leximin(instance: &Instance, options: &Options) -> Result<Distribution> {
    check_feasible(instance)?;
    kleroterion_fair::leximin(instance, options).map_err(|e| match e {
        FairError::TimeLimit { stopped, partial } => FileError::TimeLimit {
            seconds: options.time_limit.unwrap_or_default().as_secs_f64(),
            stopped,
            partial,
        },
        e => fair_error(e),
    })
}

/// The message of [`FileError::TimeLimit`].
pub(crate) fn time_limit_message(
    seconds: f64,
    stopped: &Stopped,
    partial: Option<&Partial>,
) -> String {
    let progress = match stopped.levels_fixed {
        0 => format!(
            "it had fixed no level of the LEXIMIN yet (0 of {} people)",
            stopped.people
        ),
        l => format!(
            "it had fixed {l} level{} of the LEXIMIN ({} of {} people at their final probability)",
            if l == 1 { "" } else { "s" },
            stopped.people_fixed,
            stopped.people
        ),
    };
    let more = "give --time-limit SECONDS for more time (0 means no limit)";
    match partial {
        None => format!(
            "LEXIMIN did not finish within the time limit of {seconds} s: {progress}, and there is no usable partial distribution yet. Fix: {more}"
        ),
        Some(p) => format!(
            "LEXIMIN did not finish within the time limit of {seconds} s: {progress}. A usable partial distribution exists: {}. Fix: {more}, or --accept-partial to use the partial distribution, which is not the full LEXIMIN",
            partial_lowest(p)
        ),
    }
}

/// The partial distribution's lowest probability next to the LEXIMIN's: `"its lowest
/// probability is 3.512%, and the LEXIMIN's is at most 3.667%"`.
pub fn partial_lowest(p: &Partial) -> String {
    let lowest = p.distribution.report.min * 100.0;
    match p.levels.first() {
        Some(_) => format!(
            "its lowest probability is {lowest:.3}%, the LEXIMIN's own (its first level is fixed)"
        ),
        None => format!(
            "its lowest probability is {lowest:.3}%, and the LEXIMIN's is at most {:.3}%",
            p.bound * 100.0
        ),
    }
}

/// Rounds a distribution to a uniform lottery over `panels` panels, by `options.rounding`.
pub fn portfolio(
    instance: &Instance,
    distribution: &Distribution,
    panels: u32,
    options: &kleroterion_fair::Options,
) -> Result<Portfolio> {
    kleroterion_fair::round_to_lottery_with(instance, distribution, panels, options)
        .map_err(fair_error)
}

/// The largest change of anyone's probability, in units of 1/M, above which every front end
/// warns that rounding cost fairness: two panels' worth. Minimax rounding stays under it on
/// most instances (BENCHMARKS.md section 3); more panels lower it.
pub const ROUNDING_WARNING_PER_M: f64 = 2.0;

/// A warning when rounding to `panels` panels changed someone's probability by more than
/// [`ROUNDING_WARNING_PER_M`] / M: what it cost, and how to lower it.
pub fn rounding_warning(loss: &kleroterion_fair::RoundingLoss, panels: u32) -> Option<String> {
    let m = f64::from(panels);
    let per_m = loss.max_change * m;
    if per_m <= ROUNDING_WARNING_PER_M + 1e-9 {
        return None;
    }
    Some(format!(
        "rounding to {panels} panels changed someone's selection probability by {:.3} points ({per_m:.2}/M, above {ROUNDING_WARNING_PER_M}/M), and the lowest probability went from {:.2}% to {:.2}%. Fix: commit more panels (for example {}), whose steps of 1/M are finer",
        loss.max_change * 100.0,
        loss.min_before * 100.0,
        loss.min_after * 100.0,
        panels.saturating_mul(10),
    ))
}

fn fair_error(e: FairError) -> FileError {
    FileError::Fair { source: e }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::PeopleOptions;

    fn loss(max_change: f64) -> kleroterion_fair::RoundingLoss {
        kleroterion_fair::RoundingLoss {
            max_change,
            people: vec![3],
            min_before: 0.0489,
            min_after: 0.0452,
            lower_bound: 0.0,
        }
    }

    #[test]
    fn rounding_warns_above_two_panels_worth() {
        assert_eq!(rounding_warning(&loss(0.0015), 1000), None);
        assert_eq!(rounding_warning(&loss(0.002), 1000), None);
        let w = rounding_warning(&loss(0.0037), 1000).expect("a warning");
        assert!(w.contains("0.370 points (3.70/M, above 2/M)"), "{w}");
        assert!(w.contains("from 4.89% to 4.52%"), "{w}");
        assert!(
            w.contains("Fix: commit more panels (for example 10000)"),
            "{w}"
        );
        // The same change is small with ten times fewer panels.
        assert_eq!(rounding_warning(&loss(0.0037), 100), None);
    }

    fn inputs() -> (People, Quotas) {
        let q = Quotas::parse_bytes("q.csv", b"feature,value,min,max\ng,woman,1,2\ng,man,1,2\n")
            .expect("quotas");
        let p = People::parse_bytes(
            "p.csv",
            b"id,g\na,woman\nb,man\nc,woman\n",
            &q,
            &PeopleOptions::default(),
        )
        .expect("people");
        (p, q)
    }

    #[test]
    fn declared_values_become_their_indices() {
        let (p, q) = inputs();
        let i = instance(&q, &p, &[2, 1, 0], 2, false).expect("instance");
        assert_eq!(i.people, vec![vec![0], vec![1], vec![0]]);
    }

    #[test]
    fn a_value_set_by_hand_outside_the_quotas_is_refused_not_counted_as_the_first() {
        let (mut p, q) = inputs();
        p.people[1].values[0] = "femme".into();
        let e = instance(&q, &p, &[0, 1, 2], 2, false).expect_err("undeclared value");
        let text = e.to_string();
        assert!(
            text.contains("\"femme\"") && text.contains("(person \"b\")"),
            "{text}"
        );
        p.people[1].values.clear();
        let e = instance(&q, &p, &[0, 1, 2], 2, false).expect_err("no value");
        assert!(
            e.to_string().contains("has 0 values for 1 quota features"),
            "{e}"
        );
    }
}
