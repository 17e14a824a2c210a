//! The draw pick by pick (SPEC.md section 10.3): for each person or panel chosen, the random
//! value that chose it, how many it was chosen among and the position drawn, in the style of
//! the records RFC 3797 draws are published with.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::Serialize;

use crate::digest::Digest;
use crate::draw::{Bundle, Outcome, outcome_logged};
use crate::error::Result;
use crate::manifest::Manifest;
use crate::model::{Record, ResolvedPool};
use crate::reveal::Reveal;
use crate::sampling::Draw;

/// What one pick chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "index")]
pub enum Picked {
    /// A person: the 0-based pool index.
    Person(u32),
    /// A panel of the committed portfolio: its 0-based number.
    Panel(u32),
    /// A draw of the big integer that `maxent`'s attempt of this number walks to a panel.
    Attempt(u32),
}

/// One pick of the draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pick {
    /// The stream that gave the value: `panel`, `stratum` or `alternates` (SPEC.md section 7),
    /// or `rfc3797` for that method's MD5 values.
    pub stream: &'static str,
    /// The stream's index: the stratum, or the greedy attempt; 0 otherwise.
    pub index: u32,
    /// The random value in hex: the 64-bit draw accepted, or the MD5 of RFC 3797.
    pub value: String,
    /// How many earlier 64-bit draws were rejected for this pick (always 0 for RFC 3797).
    pub rejected: u32,
    /// How many candidates remained: the pick is one of them.
    pub among: u64,
    /// The 0-based position drawn among them.
    pub position: u64,
    /// What the position designates.
    pub picked: Picked,
}

/// A draw's picks, in the order the draw makes them, and the outcome they give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    /// Every pick: the method's, then the alternates'.
    pub picks: Vec<Pick>,
    /// The panel and the alternates, as [`crate::draw::compute_outcome`] gives them.
    pub outcome: Outcome,
}

impl Trace {
    /// Each pick with the ticket of the person it designates in `pool` (none for a panel of a
    /// portfolio), as a published record of the draw shows it.
    pub fn ticketed(&self, pool: &[Record]) -> Vec<TicketedPick> {
        self.picks
            .iter()
            .map(|p| TicketedPick {
                pick: p.clone(),
                ticket: match p.picked {
                    Picked::Person(i) => pool.get(i as usize).map(|r| r.ticket.clone()),
                    Picked::Panel(_) | Picked::Attempt(_) => None,
                },
            })
            .collect()
    }
}

/// A pick with the ticket it designates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TicketedPick {
    /// The pick.
    #[serde(flatten)]
    pub pick: Pick,
    /// The person's ticket; `None` for a panel of a portfolio.
    pub ticket: Option<String>,
}

/// Where the methods record their picks; off in an ordinary draw.
#[derive(Debug, Default)]
pub(crate) struct Log {
    picks: Option<Vec<Pick>>,
}

impl Log {
    /// A log that records nothing.
    pub(crate) fn off() -> Self {
        Self { picks: None }
    }

    fn on() -> Self {
        Self {
            picks: Some(Vec::new()),
        }
    }

    /// Records a pick made by [`crate::sampling::uniform_draw`].
    pub(crate) fn draw(&mut self, stream: &'static str, index: u32, draw: Draw, picked: Picked) {
        if let Some(picks) = &mut self.picks {
            picks.push(Pick {
                stream,
                index,
                value: format!("{:016x}", draw.word),
                rejected: draw.rejected,
                among: draw.range,
                position: draw.value,
                picked,
            });
        }
    }

    /// Records a pick of RFC 3797.
    pub(crate) fn md5(&mut self, pick: &crate::methods::rfc3797::Pick) {
        if let Some(picks) = &mut self.picks {
            let value = pick.md5.iter().map(|b| format!("{b:02x}")).collect();
            let position = u128::from_be_bytes(pick.md5) % u128::from(pick.remaining);
            picks.push(Pick {
                stream: "rfc3797",
                index: 0,
                value,
                rejected: 0,
                among: u64::from(pick.remaining),
                position: position as u64,
                picked: Picked::Person(pick.index),
            });
        }
    }
}

/// Runs the draw as [`crate::draw::compute_outcome`] does, recording every pick. The manifest
/// and the pool must be checked, and `seed` derived from the reveal.
pub fn trace(
    manifest: &Manifest,
    pool: &ResolvedPool,
    seed: &Digest,
    reveal: &Reveal,
) -> Result<Trace> {
    let mut log = Log::on();
    let outcome = outcome_logged(manifest, pool, seed, reveal, &mut log)?;
    Ok(Trace {
        picks: log.picks.unwrap_or_default(),
        outcome,
    })
}

/// The record of picks of a bundle's draw: the seed is derived again from the bundle's
/// manifest and reveal, and the draw run again. It does not verify the bundle: show it for a
/// bundle that verifies.
pub fn trace_bundle(bundle: &Bundle) -> Result<Trace> {
    let m = &bundle.manifest;
    let pool = ResolvedPool::new(&m.features, &bundle.pool)?;
    let seed = bundle.reveal.seed(&m.commitment()?)?;
    trace(m, &pool, &seed, &bundle.reveal)
}
