//! The disclosure floor: how many records share each published cell (SPEC.md sections 5.2 and
//! 17).
//!
//! A record's *profile* is its list of values. Two records are in the same *cell* when they have
//! the same profile and the profiles of their housemates (the other records with the same
//! household tag) are equal as multisets: the cell is what anyone who knows a person's values,
//! and those of the people they live with, can narrow them down to. A sealed record (section
//! 4.1) publishes no values: its profile is empty.
//!
//! ```
//! use kleroterion::disclosure::Cells;
//! use kleroterion::model::ResolvedPool;
//! use kleroterion::{Digest, Feature, Record};
//!
//! let features = [Feature::new("age", [("young", 0, 2), ("old", 0, 2)])];
//! let record = |ticket: &str, age: &str| Record {
//!     ticket: ticket.into(),
//!     values: vec![age.into()],
//!     seal: None,
//!     household: None,
//!     holder: Digest::from_array([0; 32]),
//!     link: None,
//! };
//! let records = [record("A", "young"), record("B", "young"), record("C", "old")];
//! let pool = ResolvedPool::new(&features, &records)?;
//! let cells = Cells::of(&pool).expect("the pool publishes values");
//! assert_eq!((cells.smallest, cells.alone, cells.smallest_at), (1, 1, 2));
//! # Ok::<(), kleroterion::Error>(())
//! ```

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::model::ResolvedPool;

/// The disclosure figures of a pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Cells {
    /// The number of distinct cells.
    pub cells: u32,
    /// The number of records in the smallest cell.
    pub smallest: u32,
    /// The pool index of the first record (in pool order) of a smallest cell.
    pub smallest_at: u32,
    /// The number of records alone in their cell (unique records).
    pub alone: u32,
    /// The number of records in cells smaller than 5, the default floor.
    pub below_default: u32,
}

/// The floor the project's tools apply when none is given.
pub const DEFAULT_FLOOR: u32 = 5;

impl Cells {
    /// Counts the cells of a pool; `None` when the pool publishes nothing but tickets (no
    /// feature and no household tag), where the floor does not apply.
    pub fn of(pool: &ResolvedPool) -> Option<Self> {
        Self::count(pool, false)
    }

    /// The cells the pool would have if every record were sealed (SPEC.md section 4.1): the
    /// organiser's view of a pool whose values it knows but will not publish.
    pub fn of_sealed(pool: &ResolvedPool) -> Option<Self> {
        Self::count(pool, true)
    }

    fn count(pool: &ResolvedPool, seal_all: bool) -> Option<Self> {
        let has_households = pool.household.iter().any(Option::is_some);
        if pool.feature_count() == 0 && !has_households {
            return None;
        }
        let keys = cell_keys(pool, seal_all);
        let mut sizes: BTreeMap<&[u32], u32> = BTreeMap::new();
        for key in &keys {
            *sizes.entry(key.as_slice()).or_insert(0) += 1;
        }
        let size_of = |i: usize| sizes[keys[i].as_slice()];
        let (mut smallest, mut smallest_at, mut alone, mut below_default) = (u32::MAX, 0, 0, 0);
        for i in 0..keys.len() {
            let size = size_of(i);
            if size < smallest {
                smallest = size;
                smallest_at = i as u32;
            }
            alone += u32::from(size == 1);
            below_default += u32::from(size < DEFAULT_FLOOR);
        }
        Some(Self {
            cells: sizes.len() as u32,
            smallest,
            smallest_at,
            alone,
            below_default,
        })
    }
}

/// Each record's cell key: its profile, then its housemates' profiles in sorted order, each
/// profile preceded by a marker so that no two keys of different shapes collide.
fn cell_keys(pool: &ResolvedPool, seal_all: bool) -> Vec<Vec<u32>> {
    let profile = |i: usize| -> &[u32] {
        if seal_all || pool.was_sealed(i) {
            &[]
        } else {
            pool.row(i)
        }
    };
    let mut members: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, h) in pool.household.iter().enumerate() {
        if let Some(h) = h {
            members.entry(*h).or_default().push(i);
        }
    }
    (0..pool.len())
        .map(|i| {
            let mut key = profile(i).to_vec();
            if let Some(h) = pool.household.get(i).copied().flatten() {
                let mut mates: Vec<&[u32]> = members[&h]
                    .iter()
                    .filter(|&&j| j != i)
                    .map(|&j| profile(j))
                    .collect();
                mates.sort_unstable();
                key.push(u32::MAX);
                key.push(mates.len() as u32);
                for m in mates {
                    key.extend_from_slice(m);
                }
            }
            key
        })
        .collect()
}

/// Checks a pool's household tags and cells against its manifest (SPEC.md section 5.2): tags
/// only under the household rule and never alone, and no cell below `min_cell`. `ticket_of`
/// names the record at a pool index in the errors. Returns the cells, `None` when the pool
/// publishes nothing but tickets.
pub fn check(
    manifest: &crate::Manifest,
    pool: &ResolvedPool,
    ticket_of: impl Fn(usize) -> alloc::string::String,
) -> crate::Result<Option<Cells>> {
    use crate::Error;
    let mut carriers: BTreeMap<u32, (u32, usize)> = BTreeMap::new();
    for (i, h) in pool.household.iter().enumerate() {
        let Some(h) = h else { continue };
        if !manifest.household_rule {
            return Err(Error::HouseholdTag {
                detail: alloc::format!(
                    "ticket \"{}\" has a household tag, but the manifest's household rule is off; drop the tags, which would only say who lives with whom, or turn the rule on",
                    ticket_of(i)
                ),
            });
        }
        carriers.entry(*h).or_insert((0, i)).0 += 1;
    }
    if let Some((_, first)) = carriers.values().find(|(count, _)| *count == 1) {
        return Err(Error::HouseholdTag {
            detail: alloc::format!(
                "ticket \"{}\" is the only record with its household tag; a tag says only that records live together, so a person alone in their household in this pool has none",
                ticket_of(*first)
            ),
        });
    }
    let cells = Cells::of(pool);
    if let Some(c) = cells
        && c.smallest < manifest.min_cell
    {
        return Err(Error::SmallCells {
            smallest: c.smallest,
            alone: c.alone,
            floor: manifest.min_cell,
            ticket: ticket_of(c.smallest_at as usize),
        });
    }
    Ok(cells)
}
