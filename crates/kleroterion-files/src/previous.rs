//! The previous stage a linked commit draws from (SPEC.md section 5.3): its bundle, and the
//! private ticket map of its commit, which turns a volunteer's id into the ticket that invited
//! them.
//!
//! Each volunteer of the new pool is found in the previous stage's ticket map by id; their
//! link is that ticket, which must be an invitee (selected or alternate) of the previous draw,
//! and their values for every inherited feature must be the invitee's. Every refusal names the
//! people file, the line, the id and the fix.

use std::collections::BTreeMap;
use std::path::Path;

use kleroterion::chain::{Invitee, invitee_index, parent_of};
use kleroterion::manifest::Parent;
use kleroterion::{Bundle, Status};

use crate::error::{FileError, Result};
use crate::outputs::TicketMap;
use crate::people::Person;

/// A previous stage, read and verified, ready to link volunteers to.
#[derive(Debug, Clone)]
pub struct PreviousStage {
    bundle_file: String,
    map_file: String,
    bundle: Bundle,
    /// id to ticket, from the previous commit's ticket map.
    tickets: BTreeMap<String, String>,
    inherited: Vec<String>,
}

impl PreviousStage {
    /// Reads the previous stage's bundle and its private `tickets.csv`, and checks that the
    /// bundle verifies by computation (a chain cannot start from a draw that does not).
    /// `inherited` names the features whose values come from the previous stage.
    pub fn read(bundle: &Path, tickets: &Path, inherited: Vec<String>) -> Result<Self> {
        let text = std::fs::read_to_string(bundle).map_err(|e| FileError::io(bundle, &e))?;
        let parsed = Bundle::from_json(text.trim_start_matches('\u{feff}'))
            .map_err(|e| FileError::core(bundle.display().to_string(), e))?;
        let map = TicketMap::read(tickets)?;
        let tickets_by_id = map
            .rows
            .iter()
            .filter_map(|(t, cells)| Some((cells.first()?.clone(), t.clone())))
            .collect();
        Self::new(
            bundle.display().to_string(),
            tickets.display().to_string(),
            parsed,
            tickets_by_id,
            inherited,
        )
    }

    /// A previous stage from its bundle and its `id -> ticket` map, named by the files they
    /// came from (for messages).
    pub fn new(
        bundle_file: String,
        map_file: String,
        bundle: Bundle,
        tickets: BTreeMap<String, String>,
        inherited: Vec<String>,
    ) -> Result<Self> {
        let report = kleroterion::verify(&bundle);
        if let Some(step) = report.steps.iter().find(|s| s.status == Status::Failed) {
            return Err(FileError::Invalid {
                detail: format!(
                    "{bundle_file}: the previous stage does not verify (its {} step failed: {}). Fix: give the bundle the previous draw published, unchanged",
                    step.id.as_str(),
                    report.error.as_deref().unwrap_or("no detail")
                ),
            });
        }
        for name in &inherited {
            if bundle.manifest.feature(name).is_none() {
                return Err(FileError::Invalid {
                    detail: format!(
                        "{bundle_file}: the inherited feature \"{name}\" is not a feature of the previous stage. Fix: inherit only the features both stages have (the previous stage has: {})",
                        feature_names(&bundle)
                    ),
                });
            }
        }
        Ok(Self {
            bundle_file,
            map_file,
            bundle,
            tickets,
            inherited,
        })
    }

    /// The previous stage's bundle.
    pub fn bundle(&self) -> &Bundle {
        &self.bundle
    }

    /// The `parent` the new manifest commits to.
    pub fn parent(&self) -> Result<Parent> {
        parent_of(&self.bundle, self.inherited.clone())
            .map_err(|e| FileError::core(self.bundle_file.clone(), e))
    }

    /// The features inherited from the previous stage.
    pub fn inherited(&self) -> &[String] {
        &self.inherited
    }

    /// Links the volunteers read from `file`, whose values are for `features`: each one's
    /// ticket in the previous stage, which must have invited them, with the same inherited
    /// values. Every inherited feature must be one of `features`.
    pub fn linker(&self, file: &str, features: &[String]) -> Result<Linker<'_>> {
        let mut columns = Vec::with_capacity(self.inherited.len());
        for name in &self.inherited {
            let here = features.iter().position(|f| f == name);
            let there = self
                .bundle
                .manifest
                .features
                .iter()
                .position(|f| &f.name == name);
            let (Some(here), Some(there)) = (here, there) else {
                return Err(FileError::Invalid {
                    detail: format!(
                        "{file}: the inherited feature \"{name}\" is not one of this stage's features ({}). Fix: add it to the quotas (with min 0 and max the panel size if it needs no quota), or inherit only this stage's features",
                        features.join(", ")
                    ),
                });
            };
            columns.push(Column { name, here, there });
        }
        Ok(Linker {
            stage: self,
            file: file.to_owned(),
            invitees: invitee_index(&self.bundle),
            columns,
        })
    }
}

/// An inherited feature: its position among this stage's features and the previous stage's.
#[derive(Debug)]
struct Column<'a> {
    name: &'a str,
    here: usize,
    there: usize,
}

/// Links volunteers to the invitees of a [`PreviousStage`].
#[derive(Debug)]
pub struct Linker<'a> {
    stage: &'a PreviousStage,
    file: String,
    invitees: BTreeMap<&'a str, Invitee<'a>>,
    columns: Vec<Column<'a>>,
}

impl Linker<'_> {
    /// The previous stage the volunteers are linked to.
    pub fn stage(&self) -> &PreviousStage {
        self.stage
    }

    /// The link of `person`: their previous ticket, after checking that it was invited and
    /// that the inherited values agree.
    pub fn link(&self, person: &Person) -> Result<String> {
        let s = self.stage;
        let at = format!(
            "{}, line {}: the id \"{}\"",
            self.file, person.line, person.id
        );
        let ticket = s.tickets.get(&person.id).ok_or_else(|| FileError::Invalid {
            detail: format!(
                "{at} is not in the previous stage's ticket map {}. Fix: use the same ids in both stages, or remove this volunteer: only people the previous stage invited can join this pool",
                s.map_file
            ),
        })?;
        let invitee = self.invitees.get(ticket.as_str()).ok_or_else(|| FileError::Invalid {
            detail: format!(
                "{at} (ticket {ticket}) was not invited by the previous stage: it is neither selected nor an alternate in {}. Fix: remove this volunteer",
                s.bundle_file
            ),
        })?;
        for &Column { name, here, there } in &self.columns {
            let theirs = invitee.values.and_then(|v| v.get(there));
            let ours = person.values.get(here);
            if ours != theirs {
                return Err(FileError::Invalid {
                    detail: format!(
                        "{at} has {name} \"{}\", but the previous stage invited ticket {ticket} with {name} \"{}\". Fix: correct the answer, or inherit only the features that come from the roll",
                        ours.map_or("", String::as_str),
                        theirs.map_or("", String::as_str)
                    ),
                });
            }
        }
        Ok(ticket.clone())
    }
}

fn feature_names(bundle: &Bundle) -> String {
    let names: Vec<&str> = bundle
        .manifest
        .features
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    names.join(", ")
}
