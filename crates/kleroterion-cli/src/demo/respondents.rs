//! Who answers the invitation, and the stage-2 pool with its quotas.
//!
//! Answers carry a realistic bias: older and more educated people say yes more often (about a
//! quarter overall). An invitation reaches a household: now and then a second member of the
//! household offers to come too. The pool admits only invitees, each linked to the ticket that
//! invited them (SPEC.md section 5.3), so those offers are counted and turned away; two
//! invitees of one household can still both volunteer, which is what the household rule is
//! for.

use std::collections::BTreeMap;

use kleroterion::sampling::uniform;
use kleroterion::seal::Opening;
use kleroterion::stream::Stream;
use kleroterion::{Feature, Record, ValueQuota};

use super::DemoError;
use super::data::{Figures, PPM, SIZE_CLASSES};
use super::roll::{Roll, demo_key, household_keys, tickets};

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

/// The stage-2 pool: records, value indices, households and quotas.
#[derive(Debug, Clone)]
pub struct PanelPool {
    /// The records, in pool order (the order of [`Answers::volunteers`]): sealed, each
    /// publishing a seal of its values (SPEC.md section 4.1).
    pub records: Vec<Record>,
    /// Every record's opening, in pool order: the organiser's private file.
    pub openings: Vec<Opening>,
    /// Value index per stage-2 feature, per volunteer.
    pub values: Vec<[u8; 5]>,
    /// Household id per volunteer, only for households with two or more volunteers.
    pub shared_households: Vec<Option<u32>>,
    /// Number of households with two or more volunteers.
    pub households_with_several: usize,
    /// The features with their quotas, as committed.
    pub features: Vec<Feature>,
    /// The population share of each value, in parts per million.
    pub shares: Vec<Vec<u64>>,
}

/// Builds the stage-2 pool and its quotas for panels of `k`.
pub fn panel_pool(
    fig: &Figures,
    roll: &Roll,
    answers: &Answers,
    k: u32,
) -> Result<PanelPool, DemoError> {
    let n = answers.volunteers.len();
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

    // Households: a fresh random key per household, ids for those with several volunteers.
    let mut order: BTreeMap<u32, usize> = BTreeMap::new();
    let mut first_seen = Vec::new();
    for &i in &answers.volunteers {
        let h = roll.people[i].household;
        if let std::collections::btree_map::Entry::Vacant(e) = order.entry(h) {
            e.insert(first_seen.len());
            first_seen.push(h);
        }
    }
    let keys = household_keys(first_seen.len(), "kleroterion demo: households 2");
    let mut sizes = vec![0usize; first_seen.len()];
    for &i in &answers.volunteers {
        sizes[order[&roll.people[i].household]] += 1;
    }
    let mut shared_ids: BTreeMap<usize, u32> = BTreeMap::new();
    let shared_households = answers
        .volunteers
        .iter()
        .map(|&i| {
            let h = order[&roll.people[i].household];
            (sizes[h] > 1).then(|| {
                let next = shared_ids.len() as u32;
                *shared_ids.entry(h).or_insert(next)
            })
        })
        .collect();
    let ticket_list = tickets(n, "kleroterion demo: tickets 2");
    let openings: Vec<Opening> = values
        .iter()
        .zip(ticket_list)
        .map(|(v, ticket)| {
            let named = v
                .iter()
                .enumerate()
                .map(|(f, &x)| names[f][usize::from(x)].clone())
                .collect();
            let salt = super::roll::seal_salt(&ticket);
            Opening::new(ticket, named, salt)
        })
        .collect();
    let records = answers
        .volunteers
        .iter()
        .zip(&openings)
        .map(|(&i, o)| {
            let h = order[&roll.people[i].household];
            let holder = kleroterion::tickets::holder_of(&super::roll::receipt_secret(&o.ticket));
            o.sealed_record((sizes[h] > 1).then(|| keys[h].clone()), holder)
        })
        .collect::<Result<Vec<Record>, kleroterion::Error>>()
        .map_err(DemoError::protocol("stage 2: sealing the pool"))?;

    let features = quotas(&names, &shares, &values, k)?;
    Ok(PanelPool {
        records,
        openings,
        values,
        shared_households,
        households_with_several: shared_ids.len(),
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
