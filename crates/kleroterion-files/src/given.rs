//! A distribution computed before the commit, rounded to the committed lottery instead of a
//! new LEXIMIN.
//!
//! An analyst who has already run LEXIMIN on the people and the quotas (and looked at it)
//! commits to that distribution. The commit orders the pool by ticket, so the distribution's
//! people (numbered in the order they were taken in) are renumbered to pool positions, after
//! checking that it was computed for exactly these people, quotas, panel size and households.

use std::collections::HashMap;

use kleroterion_fair::{Distribution, Instance};

use crate::error::{FileError, Result};

/// A distribution over panels with the instance it was computed for, whose person `i` is the
/// `i`-th person taken in by the commit (the `i`-th data row of the people file).
#[derive(Debug, Clone, PartialEq)]
pub struct GivenDistribution {
    instance: Instance,
    distribution: Distribution,
}

/// The file `kleroterion fair --distribution-out` writes and `kleroterion commit
/// --distribution` reads: the instance, then the distribution.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DistributionFile {
    format: String,
    instance: Instance,
    distribution: Distribution,
}

/// The `format` of a distribution file.
pub const FORMAT: &str = "kleroterion-distribution";

const FIX: &str = "Fix: compute the distribution (leximin) on the same people, in the same order, with the same quotas and panel size as the commit, or leave it out so that the commit computes it";

impl GivenDistribution {
    /// A distribution and the instance it was computed for. Refuses a distribution that does
    /// not fit its instance (a person index out of range, a panel that breaks a quota or the
    /// household rule, one probability per person).
    pub fn new(instance: Instance, distribution: Distribution) -> Result<Self> {
        let n = instance.people.len();
        if distribution.probabilities.len() != n {
            return Err(invalid(format!(
                "the distribution gives {} probabilities for an instance of {n} people",
                distribution.probabilities.len()
            )));
        }
        if distribution.panels.len() != distribution.weights.len() || distribution.panels.is_empty()
        {
            return Err(invalid(format!(
                "the distribution has {} panels and {} weights; it needs one weight per panel, and at least one panel",
                distribution.panels.len(),
                distribution.weights.len()
            )));
        }
        for (i, panel) in distribution.panels.iter().enumerate() {
            instance
                .check_panel(panel)
                .map_err(|e| invalid(format!("panel {} of the distribution: {e}", i + 1)))?;
        }
        Ok(Self {
            instance,
            distribution,
        })
    }

    /// The distribution file's text (JSON): `format`, `instance`, `distribution`.
    pub fn to_json(&self) -> Result<String> {
        let file = DistributionFile {
            format: FORMAT.into(),
            instance: self.instance.clone(),
            distribution: self.distribution.clone(),
        };
        crate::json_layout::to_string(&file).map_err(|e| FileError::Json {
            file: "the distribution".into(),
            detail: e.to_string(),
        })
    }

    /// Reads a distribution file and checks it fits its instance ([`GivenDistribution::new`]).
    pub fn read(path: &std::path::Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| FileError::io(path, &e))?;
        let file: DistributionFile = serde_json::from_str(&text).map_err(|e| FileError::Json {
            file: path.display().to_string(),
            detail: format!("{e}. Fix: give the file `kleroterion fair --distribution-out` wrote"),
        })?;
        if file.format != FORMAT {
            return Err(FileError::Invalid {
                detail: format!(
                    "{}: format \"{}\", not \"{FORMAT}\". Fix: give the file `kleroterion fair --distribution-out` wrote",
                    path.display(),
                    crate::limits::cut(&file.format)
                ),
            });
        }
        Self::new(file.instance, file.distribution).map_err(|e| match e {
            FileError::Invalid { detail } => FileError::Invalid {
                detail: format!("{}: {detail}", path.display()),
            },
            other => other,
        })
    }

    /// The instance the distribution was computed for.
    pub fn instance(&self) -> &Instance {
        &self.instance
    }

    /// The distribution, in the order people were taken in.
    pub fn distribution(&self) -> &Distribution {
        &self.distribution
    }

    /// The distribution over `committed` (the commit's instance, in pool order), where pool
    /// position `pos` holds the person taken in at `row_at(pos)`. Refuses a distribution
    /// computed for other people, quotas, panel size or households.
    pub fn for_pool(
        &self,
        committed: &Instance,
        row_at: impl Fn(usize) -> Option<u32>,
    ) -> Result<Distribution> {
        let given = &self.instance;
        if given.panel_size != committed.panel_size {
            return Err(invalid(format!(
                "the distribution is for panels of {}, and the commit draws a panel of {}",
                given.panel_size, committed.panel_size
            )));
        }
        if given.features != committed.features {
            return Err(invalid(
                "the distribution was computed under other quotas (features, values or bounds differ from the commit's)".into(),
            ));
        }
        let n = committed.people.len();
        if given.people.len() != n {
            return Err(invalid(format!(
                "the distribution is over {} people, and the commit takes in {n}",
                given.people.len()
            )));
        }
        let mut row_of = Vec::with_capacity(n);
        let mut pos_of = vec![u32::MAX; n];
        for (pos, values) in committed.people.iter().enumerate() {
            let row = row_at(pos)
                .map(|r| r as usize)
                .filter(|&r| r < n && pos_of[r] == u32::MAX)
                .ok_or_else(|| invalid(format!("pool position {pos} has no data row")))?;
            if &given.people[row] != values {
                return Err(invalid(format!(
                    "person {} (data row {}) has other values in the distribution's instance than in the commit",
                    row + 1,
                    row + 1
                )));
            }
            pos_of[row] = pos as u32;
            row_of.push(row);
        }
        same_households(given, committed, &row_of)?;
        let panels = self
            .distribution
            .panels
            .iter()
            .map(|panel| {
                let mut p: Vec<u32> = panel.iter().map(|&r| pos_of[r as usize]).collect();
                p.sort_unstable();
                p
            })
            .collect();
        let probabilities = row_of
            .iter()
            .map(|&r| self.distribution.probabilities[r])
            .collect();
        Ok(Distribution {
            panels,
            weights: self.distribution.weights.clone(),
            probabilities,
            report: self.distribution.report,
        })
    }
}

/// The households of `given` and `committed` group the same people (their ids may differ, and
/// a household of one is no household).
fn same_households(given: &Instance, committed: &Instance, row_of: &[usize]) -> Result<()> {
    let mismatch = || {
        invalid(
            "the distribution's households are not the commit's (the household rule or the addresses differ)"
                .into(),
        )
    };
    let given_ids = given.shared_households();
    let committed_ids = committed.shared_households();
    let mut forward = HashMap::new();
    let mut backward = HashMap::new();
    for (pos, &row) in row_of.iter().enumerate() {
        match (given_ids[row], committed_ids[pos]) {
            (None, None) => {}
            (Some(g), Some(c)) => {
                if *forward.entry(g).or_insert(c) != c || *backward.entry(c).or_insert(g) != g {
                    return Err(mismatch());
                }
            }
            _ => return Err(mismatch()),
        }
    }
    Ok(())
}

fn invalid(what: String) -> FileError {
    FileError::Invalid {
        detail: format!("{what}. {FIX}"),
    }
}
