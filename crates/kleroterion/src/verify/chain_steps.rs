//! The steps that check a stage against the previous stage it names (SPEC.md sections 5.3 and
//! 12.1): `parent`, `links` and `inherited`.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::builder::{Done, Failure, StepResult, skipped};
use super::report::Report;
use crate::chain::{Invitee, LinkCheck, invitee_index, invitees_hash_of};
use crate::draw::Bundle;
use crate::error::ErrorKind;
use crate::manifest::Parent;
use crate::replace::Replacement;
use crate::text::{DISPLAY_LIMIT, display};

/// The previous stage, verified: its bundle and its own report.
#[derive(Debug, Clone, Copy)]
pub struct Previous<'a> {
    /// The previous stage's bundle.
    pub bundle: &'a Bundle,
    /// Its verification report, made with its own published facts.
    pub report: &'a Report,
}

/// The previous stage's invitees by ticket.
pub(super) type Invitees<'a> = BTreeMap<&'a str, Invitee<'a>>;

const NO_PARENT: &str = "this draw names no previous stage";
const NOT_GIVEN: &str =
    "the previous stage was not given: the chain is not checked (compare by hand, below)";

pub(super) fn parent_step<'a>(
    bundle: &Bundle,
    previous: Option<Previous<'a>>,
) -> StepResult<Option<Invitees<'a>>> {
    let Some(parent) = &bundle.manifest.parent else {
        return Ok(unchecked(NO_PARENT));
    };
    let Some(prev) = previous else {
        return Ok(unchecked(NOT_GIVEN));
    };
    let mismatch = |why: String| Failure::new(ErrorKind::ParentMismatch, why);
    if let Some(step) = prev.report.failed_step() {
        return Err(mismatch(format!(
            "the previous stage does not verify: it failed at its {} step ({})",
            step.as_str(),
            prev.report.error.as_deref().unwrap_or("no detail")
        )));
    }
    let commitment = prev.bundle.manifest.commitment().map_err(|e| {
        mismatch(format!(
            "the previous stage's manifest cannot be hashed: {e}"
        ))
    })?;
    if commitment != parent.commitment {
        return Err(mismatch(
            "the previous stage given is not the one this manifest names: its commitment differs"
                .into(),
        )
        .compared(commitment.to_hex(), parent.commitment.to_hex()));
    }
    let hash = invitees_hash_of(prev.bundle)?;
    if hash != parent.invitees {
        return Err(mismatch(
            "the previous stage's invitees (its panel then its alternates) are not those this manifest commits to".into(),
        )
        .compared(hash.to_hex(), parent.invitees.to_hex()));
    }
    check_inherited_names(parent, prev.bundle)?;
    let index = invitee_index(prev.bundle);
    let detail = alloc::vec![
        format!(
            "the previous stage verifies, and its commitment and its {} invitees are those committed to",
            index.len()
        ),
        inherited_line(parent),
    ];
    Ok(Done::passed(Some(index), detail).compared(commitment.to_hex(), parent.commitment.to_hex()))
}

fn check_inherited_names(parent: &Parent, previous: &Bundle) -> Result<(), Failure> {
    match parent
        .inherited
        .iter()
        .find(|n| previous.manifest.feature(n).is_none())
    {
        Some(name) => Err(Failure::new(
            ErrorKind::ParentMismatch,
            format!(
                "the inherited feature \"{}\" is not a feature of the previous stage",
                display(name, DISPLAY_LIMIT)
            ),
        )),
        None => Ok(()),
    }
}

fn inherited_line(parent: &Parent) -> String {
    match parent.inherited.is_empty() {
        true => "no feature is inherited: every feature is declared by the volunteers".into(),
        false => format!(
            "inherited from the previous stage: {}; every other feature is declared by the volunteers",
            display(&parent.inherited.join(", "), DISPLAY_LIMIT)
        ),
    }
}

fn unchecked<T>(why: &str) -> Done<Option<T>> {
    let s = skipped(why);
    Done {
        value: None,
        status: s.status,
        computed: None,
        published: None,
        detail: s.detail,
    }
}

pub(super) fn links_step(bundle: &Bundle, invitees: Option<&Invitees<'_>>) -> StepResult<()> {
    let m = &bundle.manifest;
    if m.parent.is_none() && bundle.pool.iter().all(|r| r.link.is_none()) {
        return Ok(skipped(NO_PARENT));
    }
    // One pass in pool order: the first record that fails anything is named.
    let mut links = LinkCheck::new(m);
    for r in &bundle.pool {
        let Some(link) = links.next(r)? else {
            continue;
        };
        if invitees.is_some_and(|index| !index.contains_key(link)) {
            return Err(Failure::new(
                ErrorKind::NotInvited,
                format!(
                    "record {} links to {}, whom the previous stage did not invite (neither selected nor an alternate): an invented or added volunteer",
                    display(&r.ticket, DISPLAY_LIMIT),
                    display(link, DISPLAY_LIMIT)
                ),
            ));
        }
    }
    let Some(index) = invitees else {
        return Ok(Done::passed(
            (),
            alloc::vec![
                format!("{} records, each with a link of its own", bundle.pool.len()),
                NOT_GIVEN.into(),
            ],
        ));
    };
    Ok(Done::passed(
        (),
        alloc::vec![format!(
            "{} records, each linking to a distinct invitee of the previous stage ({} invited)",
            bundle.pool.len(),
            index.len()
        )],
    ))
}

pub(super) fn inherited_step(
    bundle: &Bundle,
    replacements: &[Replacement],
    invitees: Option<&Invitees<'_>>,
    previous: Option<Previous<'_>>,
) -> StepResult<()> {
    let Some(parent) = &bundle.manifest.parent else {
        return Ok(skipped(NO_PARENT));
    };
    let (Some(index), Some(prev)) = (invitees, previous) else {
        return Ok(skipped(NOT_GIVEN));
    };
    let columns: Vec<(usize, usize, &str)> = parent
        .inherited
        .iter()
        .filter_map(|name| {
            let here = bundle
                .manifest
                .features
                .iter()
                .position(|f| &f.name == name)?;
            let there = prev
                .bundle
                .manifest
                .features
                .iter()
                .position(|g| &g.name == name)?;
            Some((here, there, name.as_str()))
        })
        .collect();
    if columns.is_empty() {
        return Ok(skipped("no feature is inherited from the previous stage"));
    }
    let links: BTreeMap<&str, &str> = bundle
        .pool
        .iter()
        .filter_map(|r| Some((r.ticket.as_str(), r.link.as_deref()?)))
        .collect();
    let known = known_values(bundle, replacements);
    for (ticket, values) in &known {
        let link = links.get(ticket).copied().unwrap_or_default();
        let theirs = index.get(link).and_then(|i| i.values);
        for &(here, there, name) in &columns {
            let ours = values.get(here).map(String::as_str);
            let invitee = theirs.and_then(|v| v.get(there)).map(String::as_str);
            if ours != invitee || ours.is_none() {
                return Err(Failure::new(
                    ErrorKind::InheritedMismatch,
                    format!(
                        "record {} says {} is {}, but the invitee it links to, {}, has {} in the previous stage: the record does not come from that invitee",
                        display(ticket, DISPLAY_LIMIT),
                        display(name, DISPLAY_LIMIT),
                        display(ours.unwrap_or("nothing"), DISPLAY_LIMIT),
                        display(link, DISPLAY_LIMIT),
                        display(invitee.unwrap_or("no value"), DISPLAY_LIMIT)
                    ),
                )
                .compared(
                    ours.unwrap_or_default().into(),
                    invitee.unwrap_or_default().into(),
                ));
            }
        }
    }
    let names: Vec<&str> = columns.iter().map(|c| c.2).collect();
    let mut detail = alloc::vec![format!(
        "{} record(s) compared on {}: each has its invitee's values",
        known.len(),
        display(&names.join(", "), DISPLAY_LIMIT)
    )];
    if bundle.manifest.sealed {
        detail.push(format!(
            "the pool is sealed: the records compared are those opened (the panel, the alternates and the replacements); the other {} are compared if they are ever opened",
            bundle.pool.len().saturating_sub(known.len())
        ));
    }
    Ok(Done::passed((), detail))
}

/// The records whose values are known, with their values: every record of an open pool, in
/// pool order; in a sealed pool the bundle's openings, then the replacement records'.
fn known_values<'a>(
    bundle: &'a Bundle,
    replacements: &'a [Replacement],
) -> Vec<(&'a str, &'a [String])> {
    if !bundle.manifest.sealed {
        return bundle
            .pool
            .iter()
            .map(|r| (r.ticket.as_str(), r.values.as_slice()))
            .collect();
    }
    bundle
        .openings
        .iter()
        .chain(replacements.iter().flat_map(|r| r.openings.iter()))
        .map(|o| (o.ticket.as_str(), o.values.as_slice()))
        .collect()
}
