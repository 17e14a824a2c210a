//! Verifiable replacement of people who dropped out (SPEC.md section 10.2).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::alternates::ReplacementOrder;
use crate::digest::Digest;
use crate::draw::Bundle;
use crate::encoding::{Encoder, SPEC_VERSION, tagged_hash};
use crate::error::{Error, Result};
use crate::manifest::Method;
use crate::model::ResolvedPool;
use crate::quotas::{broken_quotas, counts, violation};
use crate::seal::Opening;
use crate::verify::verify;

/// The format tag of a replacement record.
pub const REPLACEMENT_FORMAT: &str = "kleroterion-replacement";

/// The result of replacing people who dropped out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Replacement {
    /// `kleroterion-replacement`.
    pub format: String,
    /// `kleroterion/v2`.
    pub spec: String,
    /// The transcript of the draw replaced into.
    pub transcript: Digest,
    /// The tickets that dropped out, as given.
    pub dropped: Vec<String>,
    /// For each dropped ticket, who replaces them (none for people not on the panel, or when
    /// nobody can).
    pub replacements: Vec<Option<String>>,
    /// The panel after replacement.
    pub panel: Vec<String>,
    /// Quotas the new panel breaks (empty when all hold, or for methods without quotas).
    pub broken_quotas: Vec<String>,
    /// `H("replacement", ...)`.
    pub hash: Digest,
    /// In a sealed pool, the openings of the records whose values the rule read and that the
    /// bundle does not open, in the order the rule first read them (SPEC.md section 10.2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub openings: Vec<Opening>,
}

/// Replaces the panel members among `dropped`, after verifying the bundle.
///
/// In a sealed pool the rule may read the values of candidates beyond the alternates, which
/// only the organiser can open: use [`replace_sealed`] with the private openings.
pub fn replace(bundle: &Bundle, dropped: &[String]) -> Result<Replacement> {
    replace_sealed(bundle, dropped, &[])
}

/// [`replace`] in a sealed pool, with the openings the organiser holds (every record's, or at
/// least those the rule reads): the record publishes those the rule read and the bundle does
/// not open.
pub fn replace_sealed(
    bundle: &Bundle,
    dropped: &[String],
    openings: &[Opening],
) -> Result<Replacement> {
    let report = verify(bundle);
    if let Some(e) = report.error {
        return Err(Error::DrawFailed {
            detail: format!("the bundle does not verify, so nothing can be replaced: {e}"),
        });
    }
    replace_verified(bundle, dropped, openings)
}

/// The values the rule reads: a pool whose sealed records are opened on demand from the
/// openings available, which records each opening it uses.
struct Reader<'a> {
    bundle: &'a Bundle,
    pool: ResolvedPool,
    available: &'a [Opening],
    read: Vec<Opening>,
}

impl Reader<'_> {
    /// Makes candidate `c`'s values known, opening its record when it is sealed.
    fn open(&mut self, c: u32) -> Result<()> {
        if self.pool.is_open(c as usize) {
            return Ok(());
        }
        let record = &self.bundle.pool[c as usize];
        let Some(o) = self.available.iter().find(|o| o.ticket == record.ticket) else {
            return Err(Error::OpeningMismatch {
                detail: format!(
                    "ticket \"{}\" is sealed, the replacement rule reads its values, and no opening of it was given",
                    crate::text::display(&record.ticket, crate::text::DISPLAY_LIMIT)
                ),
            });
        };
        let row = o.resolve(&self.bundle.manifest.features, record)?;
        self.pool.open(c as usize, &row);
        self.read.push(o.clone());
        Ok(())
    }
}

/// [`replace`] for a bundle that has just verified: the verification's `replacements` step
/// recomputes each record this way, without verifying the bundle once more per record.
pub(crate) fn replace_verified(
    bundle: &Bundle,
    dropped: &[String],
    openings: &[Opening],
) -> Result<Replacement> {
    let m = &bundle.manifest;
    let mut pool = ResolvedPool::new(&m.features, &bundle.pool)?;
    let index = crate::model::TicketIndex::new(&bundle.pool);
    crate::seal::apply(
        &mut pool,
        &m.features,
        &bundle.pool,
        &index,
        &bundle.openings,
    )?;
    let to_idx = |ts: &[String]| -> Result<Vec<u32>> {
        ts.iter()
            .map(|t| {
                index
                    .get(t)
                    .ok_or_else(|| Error::UnknownTicket { ticket: t.clone() })
            })
            .collect()
    };
    let d = to_idx(dropped)?;
    let mut seen = d.clone();
    seen.sort_unstable();
    if let Some(w) = seen.windows(2).find(|w| w[0] == w[1]) {
        return Err(Error::DuplicateTicket {
            ticket: bundle.pool[w[0] as usize].ticket.clone(),
        });
    }
    let selected = to_idx(&bundle.result.selected)?;
    let alternates = to_idx(&bundle.result.alternates)?;
    let mut unavailable = alloc::vec![false; pool.len()];
    for &x in &d {
        unavailable[x as usize] = true;
    }
    let mut panel: Vec<Option<u32>> = selected.iter().copied().map(Some).collect();
    let mut order = ReplacementOrder::new(&pool, &selected, m.household_rule, &bundle.seed);
    let mut reader = Reader {
        bundle,
        pool,
        available: openings,
        read: Vec::new(),
    };
    let mut replacements = Vec::with_capacity(d.len());
    for &x in &d {
        let Some(pos) = panel.iter().position(|&p| p == Some(x)) else {
            replacements.push(None);
            continue;
        };
        panel[pos] = None;
        let current: Vec<u32> = panel.iter().flatten().copied().collect();
        let candidate = match &m.method {
            Method::Rfc3797 => alternates
                .iter()
                .copied()
                .find(|&c| !unavailable[c as usize] && !current.contains(&c)),
            _ => find_candidate(&mut reader, &mut order, &current, &unavailable, x)?,
        };
        panel[pos] = candidate;
        replacements.push(candidate);
    }
    let final_panel: Vec<u32> = panel.iter().flatten().copied().collect();
    let pool = &reader.pool;
    let broken = if m.method.enforces_quotas() {
        broken_quotas(&m.features, pool, &final_panel)
    } else {
        Vec::new()
    };
    let mut e = Encoder::new();
    e.raw32(&bundle.transcript).u32_list(&d)?;
    e.count(replacements.len(), "replacements")?;
    for r in &replacements {
        match r {
            None => {
                e.u8(0);
            }
            Some(i) => {
                e.u8(1).u32(*i);
            }
        }
    }
    let ticket = |i: u32| bundle.pool[i as usize].ticket.clone();
    Ok(Replacement {
        format: REPLACEMENT_FORMAT.into(),
        spec: SPEC_VERSION.into(),
        transcript: bundle.transcript,
        dropped: dropped.to_vec(),
        replacements: replacements.iter().map(|r| r.map(ticket)).collect(),
        panel: final_panel.iter().map(|&i| ticket(i)).collect(),
        broken_quotas: broken,
        hash: tagged_hash("replacement", e.as_bytes()),
        openings: reader.read,
    })
}

fn find_candidate(
    reader: &mut Reader<'_>,
    order: &mut ReplacementOrder,
    current: &[u32],
    unavailable: &[bool],
    dropped: u32,
) -> Result<Option<u32>> {
    let m = &reader.bundle.manifest;
    let stratum = match &m.method {
        Method::Stratified { feature, .. } => m.features.iter().position(|f| &f.name == feature),
        _ => None,
    };
    let mut best: Option<(u64, u32)> = None;
    let mut i = 0;
    while let Some(c) = order.get(i) {
        i += 1;
        if unavailable[c as usize] || current.contains(&c) {
            continue;
        }
        match &m.method {
            Method::Greedy { .. } | Method::Lottery { .. } | Method::Maxent { .. } => {
                let household = &reader.pool.household;
                if m.household_rule
                    && household[c as usize]
                        .is_some_and(|h| current.iter().any(|&p| household[p as usize] == Some(h)))
                {
                    continue;
                }
                reader.open(c)?;
                let mut trial = current.to_vec();
                trial.push(c);
                let v = violation(&m.features, &counts(&m.features, &reader.pool, &trial));
                if v == 0 {
                    return Ok(Some(c));
                }
                if best.is_none_or(|(bv, _)| v < bv) {
                    best = Some((v, c));
                }
            }
            _ => {
                let pool = &reader.pool;
                if stratum
                    .is_some_and(|f| pool.value(c as usize, f) != pool.value(dropped as usize, f))
                {
                    continue;
                }
                return Ok(Some(c));
            }
        }
    }
    Ok(best.map(|(_, c)| c))
}
