//! Fair selection probabilities (LEXIMIN) and lottery portfolios, through `kleroterion-fair`.

use std::collections::HashMap;

use kleroterion_fair::{Distribution, Feasibility, Instance, Options, Portfolio};

use crate::error::{FileError, Result};
use crate::people::People;
use crate::quotas::Quotas;

/// The selection problem of `people` (taken in `order`, indices into `people.people`) under
/// the quotas, with households when `household_rule` is on.
pub fn instance(
    quotas: &Quotas,
    people: &People,
    order: &[usize],
    panel_size: u32,
    household_rule: bool,
) -> Instance {
    let features = quotas
        .features
        .iter()
        .map(|f| kleroterion_fair::Feature {
            name: f.name.clone(),
            values: f
                .values
                .iter()
                .map(|v| kleroterion_fair::ValueQuota {
                    name: v.value.clone(),
                    min: v.min,
                    max: v.max,
                })
                .collect(),
        })
        .collect();
    let rows: Vec<Vec<u32>> = order
        .iter()
        .map(|&i| {
            quotas
                .features
                .iter()
                .zip(&people.people[i].values)
                .map(|(f, v)| f.value_index(v).unwrap_or(0) as u32)
                .collect()
        })
        .collect();
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
    Instance {
        panel_size,
        features,
        people: rows,
        households,
    }
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
/// relaxation.
pub fn leximin(instance: &Instance, options: &Options<'_>) -> Result<Distribution> {
    check_feasible(instance)?;
    kleroterion_fair::leximin(instance, options).map_err(fair_error)
}

/// Rounds a distribution to a uniform lottery over `panels` panels.
pub fn portfolio(
    instance: &Instance,
    distribution: &Distribution,
    panels: u32,
) -> Result<Portfolio> {
    kleroterion_fair::round_to_lottery(instance, distribution, panels).map_err(fair_error)
}

fn fair_error(e: kleroterion_fair::FairError) -> FileError {
    FileError::Fair {
        detail: e.to_string(),
    }
}
