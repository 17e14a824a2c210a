//! Linked stages (SPEC.md sections 5.3 and 12.5): a stage whose pool was drawn from the
//! invitees of a previous stage, each record linking to the invitee it comes from.
//!
//! ```
//! use kleroterion::chain::{invitees, invitees_hash};
//! let tickets = ["A", "B"];
//! let h = invitees_hash(tickets.iter().copied()).unwrap();
//! assert_ne!(h, invitees_hash(["B", "A"].iter().copied()).unwrap());
//! # let _ = invitees;
//! ```

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::digest::Digest;
use crate::draw::Bundle;
use crate::encoding::{Encoder, tagged_hash};
use crate::error::{Error, Result};
use crate::manifest::{Manifest, Parent};
use crate::model::Record;
use crate::receipt::{Receipt, ReceiptCheck, check_receipt};

/// The invitees of a stage: its selected tickets in panel order, then its alternates in order.
pub fn invitees(bundle: &Bundle) -> impl Iterator<Item = &str> {
    bundle
        .result
        .selected
        .iter()
        .chain(&bundle.result.alternates)
        .map(String::as_str)
}

/// `H("invitees", list(str, tickets))`.
pub fn invitees_hash<'a>(tickets: impl ExactSizeIterator<Item = &'a str>) -> Result<Digest> {
    let mut e = Encoder::new();
    e.count(tickets.len(), "invitees")?;
    for t in tickets {
        e.str(t)?;
    }
    Ok(tagged_hash("invitees", &e.into_bytes()))
}

/// The invitees hash of a stage: `invitees_hash` of its selected, then its alternates.
pub fn invitees_hash_of(bundle: &Bundle) -> Result<Digest> {
    let tickets: Vec<&str> = invitees(bundle).collect();
    invitees_hash(tickets.into_iter())
}

/// The `parent` a stage drawn from `previous`'s invitees commits to, with the features it
/// inherits from the previous stage's records.
pub fn parent_of(previous: &Bundle, inherited: Vec<String>) -> Result<Parent> {
    for name in &inherited {
        if previous.manifest.feature(name).is_none() {
            return Err(Error::UnknownFeature {
                field: "parent.inherited (the previous stage)",
                feature: name.clone(),
            });
        }
    }
    Ok(Parent {
        commitment: previous.commitment,
        invitees: invitees_hash_of(previous)?,
        inherited,
    })
}

/// Checks the links of a pool one record at a time, in pool order (SPEC.md section 5.3): a
/// record has a link exactly when the manifest names a parent, and no two records share one.
#[derive(Debug)]
pub struct LinkCheck<'a> {
    linked: bool,
    seen: BTreeSet<&'a str>,
}

impl<'a> LinkCheck<'a> {
    /// A check of the records of a pool committed by `manifest`.
    pub fn new(manifest: &Manifest) -> Self {
        Self {
            linked: manifest.parent.is_some(),
            seen: BTreeSet::new(),
        }
    }

    /// Checks the next record; returns its link.
    pub fn next(&mut self, r: &'a Record) -> Result<Option<&'a str>> {
        match (r.link.as_deref(), self.linked) {
            (None, true) => Err(Error::LinkMissing {
                ticket: r.ticket.clone(),
                detail: "the stage names a previous stage, and this record has no link to the invitee it comes from. Fix: give every volunteer's previous-stage ticket".into(),
            }),
            (Some(_), false) => Err(Error::LinkMissing {
                ticket: r.ticket.clone(),
                detail: "the record has a link, but the manifest names no previous stage. Fix: commit with the previous stage, or drop the links".into(),
            }),
            (Some(l), true) if !self.seen.insert(l) => Err(Error::DuplicateLink {
                ticket: r.ticket.clone(),
                link: l.into(),
            }),
            (link, _) => Ok(link),
        }
    }
}

/// Checks the links of a pool against its manifest ([`LinkCheck`] over every record).
pub fn check_links(manifest: &Manifest, records: &[Record]) -> Result<()> {
    let mut check = LinkCheck::new(manifest);
    records.iter().try_for_each(|r| check.next(r).map(|_| ()))
}

/// What the previous stage knows of one invitee.
#[derive(Debug, Clone, Copy)]
pub struct Invitee<'a> {
    /// Where they stand in the previous stage's result: `Selected(n)` or `Alternate(n)`,
    /// 1-based.
    pub place: Place,
    /// Their values in the previous stage: the record's, or in a sealed pool the bundle's
    /// opening of it. `None` when the previous bundle shows none (it does not verify).
    pub values: Option<&'a [String]>,
}

/// An invitee's place in the previous stage's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "place", content = "number", rename_all = "snake_case")]
pub enum Place {
    /// Selected, at this 1-based position.
    Selected(u32),
    /// Alternate number `n`, 1-based.
    Alternate(u32),
}

/// The invitees of a previous stage by ticket, with their places and values.
pub fn invitee_index(previous: &Bundle) -> BTreeMap<&str, Invitee<'_>> {
    let selected = previous.result.selected.iter().enumerate();
    let alternates = previous.result.alternates.iter().enumerate();
    let mut index: BTreeMap<&str, Invitee<'_>> = selected
        .map(|(i, t)| (t, Place::Selected(i as u32 + 1)))
        .chain(alternates.map(|(i, t)| (t, Place::Alternate(i as u32 + 1))))
        .map(|(t, place)| {
            (
                t.as_str(),
                Invitee {
                    place,
                    values: None,
                },
            )
        })
        .collect();
    for r in &previous.pool {
        if r.seal.is_none()
            && let Some(inv) = index.get_mut(r.ticket.as_str())
        {
            inv.values = Some(&r.values);
        }
    }
    for o in &previous.openings {
        if let Some(inv) = index.get_mut(o.ticket.as_str()) {
            inv.values = Some(&o.values);
        }
    }
    index
}

/// One row of the response rates (SPEC.md section 5.3): how many invitees had this value in
/// the previous stage, and how many of them are in this stage's pool. The total row has no
/// feature and no value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// The inherited feature, `None` for the total.
    pub feature: Option<String>,
    /// The value, `None` for the total.
    pub value: Option<String>,
    /// Invitees with this value.
    pub invited: u32,
    /// Records of this pool linked to one of them.
    pub volunteered: u32,
}

impl Response {
    /// The share who volunteered, in percent with one decimal (`"27.5%"`), or `"-"` when
    /// nobody was invited.
    pub fn rate(&self) -> String {
        if self.invited == 0 {
            return "-".into();
        }
        let per_mille = (u64::from(self.volunteered) * 1000 + u64::from(self.invited) / 2)
            / u64::from(self.invited);
        format!("{}.{}%", per_mille / 10, per_mille % 10)
    }
}

/// The response rates of a linked stage by feature and value of the previous stage, then the
/// total (SPEC.md section 5.3). Links that name no invitee are not counted: the `links` step
/// fails such a pool.
pub fn responses<'a>(previous: &'a Bundle, bundle: &Bundle) -> Vec<Response> {
    if bundle.manifest.parent.is_none() {
        return Vec::new();
    }
    let index = invitee_index(previous);
    let linked: Vec<&Invitee<'a>> = bundle
        .pool
        .iter()
        .filter_map(|r| r.link.as_deref().and_then(|l| index.get(l)))
        .collect();
    let mut rows = Vec::new();
    for (at, feature) in previous.manifest.features.iter().enumerate() {
        let value_of = |inv: &Invitee<'a>| -> Option<&'a str> {
            inv.values.and_then(|v| v.get(at)).map(String::as_str)
        };
        for v in &feature.values {
            let has = |inv: &Invitee<'a>| value_of(inv) == Some(v.value.as_str());
            rows.push(Response {
                feature: Some(feature.name.clone()),
                value: Some(v.value.clone()),
                invited: index.values().filter(|i| has(i)).count() as u32,
                volunteered: linked.iter().filter(|i| has(i)).count() as u32,
            });
        }
    }
    rows.push(Response {
        feature: None,
        value: None,
        invited: index.len() as u32,
        volunteered: bundle.pool.len() as u32,
    });
    rows
}

/// A person's path through a chain, from their receipts (SPEC.md section 13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Path {
    /// The previous stage's receipt checked (the person was on its pool), when given.
    pub previous: Option<ReceiptCheck>,
    /// From the previous receipt: where the person stands among the previous stage's
    /// invitees; `None` when they were not invited or no previous receipt was given.
    pub invited: Option<Place>,
    /// From the previous receipt of an invited person: the ticket of this stage's record that
    /// links to them, when they answered.
    pub answered: Option<String>,
    /// This stage's receipt checked, when given.
    pub current: Option<ReceiptCheck>,
}

/// Checks one person's receipts along a chain: the previous stage's receipt (on the roll,
/// invited, answered) and this stage's (linked to an invitee, then the outcome). Give at least
/// one; when both are given, this stage's record MUST link to the previous receipt's ticket.
/// Any mismatch is [`Error::ReceiptMismatch`].
pub fn check_path(
    previous_receipt: Option<&Receipt>,
    receipt: Option<&Receipt>,
    previous: &Bundle,
    bundle: &Bundle,
) -> Result<Path> {
    let mismatch = |detail: &str| Error::ReceiptMismatch {
        detail: detail.into(),
    };
    let index = invitee_index(previous);
    let earlier = previous_receipt
        .map(|r| check_receipt(r, previous))
        .transpose()?;
    let current = receipt.map(|r| check_receipt(r, bundle)).transpose()?;
    let link = match (&earlier, receipt) {
        (_, Some(r)) => {
            let link = r.record.link.as_deref().ok_or_else(|| {
                mismatch("this stage's receipt has no link: its record does not come from the previous stage")
            })?;
            if !index.contains_key(link) {
                return Err(mismatch(
                    "this stage's record links to someone the previous stage did not invite",
                ));
            }
            if earlier.as_ref().is_some_and(|e| e.ticket != link) {
                return Err(mismatch(
                    "the two receipts are not one person's: this stage's record links to another ticket than the previous receipt's",
                ));
            }
            Some(link)
        }
        (Some(e), None) => Some(e.ticket.as_str()),
        (None, None) => {
            return Err(Error::InvalidArgument {
                field: "receipts",
                detail: "give the previous stage's receipt, this stage's, or both".into(),
            });
        }
    };
    // What the previous receipt says: invited, and then whether a record links to it.
    let invited = earlier
        .as_ref()
        .and_then(|e| index.get(e.ticket.as_str()))
        .map(|i| i.place);
    let answered = match invited {
        Some(_) => bundle
            .pool
            .iter()
            .find(|r| r.link.as_deref() == link)
            .map(|r| r.ticket.clone()),
        None => None,
    };
    Ok(Path {
        previous: earlier,
        invited,
        answered,
        current,
    })
}
