//! Who answers the invitation, and the stage-2 pool with its quotas.
//!
//! Answers carry a realistic bias: older and more educated people say yes more often (about a
//! quarter overall). An invitation reaches a household: now and then a second member of the
//! household offers to come too. The pool admits only invitees, each linked to the ticket that
//! invited them (SPEC.md section 5.3), so those offers are counted and turned away. Two
//! invitees of one household can still both volunteer, which is what the household rule is
//! for; it is applied when enough volunteers share a home for their household tags to be
//! published under the disclosure floor.

use std::collections::BTreeMap;

use kleroterion::sampling::uniform;
use kleroterion::stream::Stream;
use kleroterion::{Feature, ValueQuota};

use super::DemoError;
use super::data::{Figures, PPM, SIZE_CLASSES};
use super::roll::{Roll, demo_key};

/// Base chance of a yes, per thousand.
const YES_BASE: u64 = 90;
/// Added per age band (18-24, 25-34, 35-49, 50-64, 65+), per thousand.
const YES_AGE: [u64; 5] = [0, 30, 60, 100, 140];
/// Added per education level (none-cep-bepc, cap-bep, bac, bac+2, bac+3-or-more), per thousand.
const YES_EDUCATION: [u64; 5] = [0, 20, 50, 80, 120];
/// Per thousand volunteers in a household of two or more: another member volunteers too.
const HOUSEHOLD_FOLLOWS: u64 = 80;

/// The names of the stage-2 features, in manifest order.
pub const STAGE2_FEATURES: [&str; 5] = ["gender", "age", "education", "csp", "commune_size"];

/// The volunteers, as roll indices in the order they answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers {
    /// The invited people who said yes: the volunteers of the pool.
    pub volunteers: Vec<usize>,
    /// How many invited people said yes.
    pub invited_yes: usize,
    /// How many household members offered through another member's invitation, uninvited:
    /// they are not in the pool.
    pub household_extra: usize,
}

/// Simulates the answers of the invited people (`invited`: roll indices in draw order).
pub fn simulate(roll: &Roll, invited: &[usize]) -> Answers {
    let mut s = Stream::from_key(&demo_key("kleroterion demo: answers"));
    let invited_set: std::collections::HashSet<usize> = invited.iter().copied().collect();
    let mut taken = std::collections::HashSet::new();
    let mut volunteers = Vec::new();
    let mut extra = Vec::new();
    for &i in invited {
        let p = roll.people[i];
        let yes = YES_BASE
            + YES_AGE.get(usize::from(p.values[1])).copied().unwrap_or(0)
            + YES_EDUCATION
                .get(usize::from(p.values[2]))
                .copied()
                .unwrap_or(0);
        if uniform(&mut s, 1000) >= yes {
            continue;
        }
        volunteers.push(i);
        taken.insert(i);
        let others: Vec<usize> = roll.members(p.household).filter(|&j| j != i).collect();
        if others.is_empty() || uniform(&mut s, 1000) >= HOUSEHOLD_FOLLOWS {
            continue;
        }
        let j = others[uniform(&mut s, others.len() as u64) as usize];
        if !invited_set.contains(&j) && taken.insert(j) {
            extra.push(j);
        }
    }
    let (invited_yes, household_extra) = (volunteers.len(), extra.len());
    Answers {
        volunteers,
        invited_yes,
        household_extra,
    }
}

/// The stage-2 pool as the organiser's files, with what the report needs.
#[derive(Debug, Clone)]
pub struct PanelPool {
    /// The people file: `id`, one column per stage-2 feature, and `household` (the
    /// household rule's address column), one row per volunteer in answer order.
    pub people_csv: String,
    /// The quotas file: `feature,value,min,max`.
    pub quotas_csv: String,
    /// Value index per stage-2 feature, per volunteer, in the people file's order.
    pub values: Vec<[u8; 5]>,
    /// Number of households with two or more volunteers.
    pub households_with_several: usize,
    /// Whether the people file has the `household` column, so that the household rule applies:
    /// only when the volunteers who share a household are numerous enough to publish their
    /// tags under the disclosure floor (SPEC.md section 17). Volunteers are invitees only,
    /// and two invitees rarely share a home.
    pub household_rule: bool,
    /// The features with their quotas, as committed.
    pub features: Vec<Feature>,
    /// The population share of each value, in parts per million.
    pub shares: Vec<Vec<u64>>,
}

/// A voter's id in the synthetic roll (the organiser's own, private): `voter-` and the roll
/// index.
pub fn voter_id(index: usize) -> String {
    format!("voter-{index:06}")
}

/// Builds the stage-2 pool and its quotas for panels of `k`.
pub fn panel_pool(
    fig: &Figures,
    roll: &Roll,
    answers: &Answers,
    k: u32,
) -> Result<PanelPool, DemoError> {
    let values: Vec<[u8; 5]> = answers
        .volunteers
        .iter()
        .map(|&i| {
            let p = roll.people[i];
            let [g, a, e, c] = p.values;
            [g, a, e, c, fig.communes[usize::from(p.commune)].size_class]
        })
        .collect();
    let mut names: Vec<Vec<String>> = fig.features.iter().map(|f| f.values.clone()).collect();
    names.push(SIZE_CLASSES.iter().map(|s| (*s).to_owned()).collect());
    let mut shares: Vec<Vec<u64>> = fig.features.iter().map(|f| f.shares.clone()).collect();
    shares.push(size_class_shares(fig, roll));

    let mut per_household: BTreeMap<u32, usize> = BTreeMap::new();
    for &i in &answers.volunteers {
        *per_household.entry(roll.people[i].household).or_insert(0) += 1;
    }
    // A sealed pool's cells are made by household tags alone: the records of households of
    // each size form one cell, which must hold at least the default floor.
    let mut by_size: BTreeMap<usize, usize> = BTreeMap::new();
    for &n in per_household.values().filter(|&&n| n > 1) {
        *by_size.entry(n).or_insert(0) += n;
    }
    let household_rule = !by_size.is_empty()
        && by_size
            .values()
            .all(|&records| records >= kleroterion::disclosure::DEFAULT_FLOOR as usize);
    let mut people_csv = format!("id,{}", STAGE2_FEATURES.join(","));
    people_csv.push_str(if household_rule { ",household\n" } else { "\n" });
    for (v, &i) in values.iter().zip(&answers.volunteers) {
        let named: Vec<&str> = v
            .iter()
            .enumerate()
            .map(|(f, &x)| names[f][usize::from(x)].as_str())
            .collect();
        people_csv.push_str(&format!("{},{}", voter_id(i), named.join(",")));
        if household_rule {
            people_csv.push_str(&format!(",household-{}", roll.people[i].household));
        }
        people_csv.push('\n');
    }
    let features = quotas(&names, &shares, &values, k)?;
    let mut quotas_csv = String::from("feature,value,min,max\n");
    for f in &features {
        for v in &f.values {
            quotas_csv.push_str(&format!("{},{},{},{}\n", f.name, v.value, v.min, v.max));
        }
    }
    Ok(PanelPool {
        people_csv,
        quotas_csv,
        values,
        households_with_several: per_household.values().filter(|&&n| n > 1).count(),
        household_rule,
        features,
        shares,
    })
}

/// Registered voters per size class, in parts per million of the roll.
fn size_class_shares(fig: &Figures, roll: &Roll) -> Vec<u64> {
    let mut c = vec![0u64; SIZE_CLASSES.len()];
    for p in &roll.people {
        c[usize::from(fig.communes[usize::from(p.commune)].size_class)] += 1;
    }
    let n = roll.people.len().max(1) as u64;
    c.iter().map(|x| x * PPM / n).collect()
}

/// Quotas from the population shares: `floor(share × k) - 1` to `ceil(share × k) + 1`, strict
/// parity for gender, and no minimum above a third of the volunteers who have the value (so
/// that no quota alone forces its few holders onto every panel).
fn quotas(
    names: &[Vec<String>],
    shares: &[Vec<u64>],
    values: &[[u8; 5]],
    k: u32,
) -> Result<Vec<Feature>, DemoError> {
    let mut out = Vec::new();
    for (f, fname) in STAGE2_FEATURES.iter().enumerate() {
        let mut vals = Vec::new();
        for (v, vname) in names[f].iter().enumerate() {
            let available = values.iter().filter(|x| usize::from(x[f]) == v).count() as u32;
            let (min, max) = if *fname == "gender" && k.is_multiple_of(2) {
                (k / 2, k / 2)
            } else {
                let exact = shares[f][v] * u64::from(k);
                let floor = (exact / PPM) as u32;
                let ceil = exact.div_ceil(PPM) as u32;
                (floor.saturating_sub(1), (ceil + 1).min(k))
            };
            let min = if *fname == "gender" {
                min.min(available)
            } else {
                min.min(available / 3)
            };
            vals.push(ValueQuota {
                value: vname.clone(),
                min,
                max,
            });
        }
        let (mins, maxs): (u32, u32) = vals.iter().fold((0, 0), |(a, b), q| (a + q.min, b + q.max));
        if mins > k || maxs < k {
            return Err(DemoError::Infeasible(format!(
                "the quotas of {fname} add up to {mins}..{maxs}, which does not contain the panel size {k}"
            )));
        }
        out.push(Feature {
            name: (*fname).to_owned(),
            values: vals,
        });
    }
    Ok(out)
}
