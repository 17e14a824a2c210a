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
}

/// Replaces the panel members among `dropped`, after verifying the bundle.
pub fn replace(bundle: &Bundle, dropped: &[String]) -> Result<Replacement> {
    let report = verify(bundle);
    if let Some(e) = report.error {
        return Err(Error::DrawFailed {
            detail: format!("the bundle does not verify, so nothing can be replaced: {e}"),
        });
    }
    replace_verified(bundle, dropped)
}

/// [`replace`] for a bundle that has just verified: the verification's `replacements` step
/// recomputes each record this way, without verifying the bundle once more per record.
pub(crate) fn replace_verified(bundle: &Bundle, dropped: &[String]) -> Result<Replacement> {
    let m = &bundle.manifest;
    let pool = ResolvedPool::new(&m.features, &bundle.pool)?;
    let index = crate::model::TicketIndex::new(&bundle.pool);
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
            _ => find_candidate(bundle, &pool, &mut order, &current, &unavailable, x),
        };
        panel[pos] = candidate;
        replacements.push(candidate);
    }
    let final_panel: Vec<u32> = panel.iter().flatten().copied().collect();
    let broken = if m.method.enforces_quotas() {
        broken_quotas(&m.features, &pool, &final_panel)
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
    })
}

fn find_candidate(
    bundle: &Bundle,
    pool: &ResolvedPool,
    order: &mut ReplacementOrder,
    current: &[u32],
    unavailable: &[bool],
    dropped: u32,
) -> Option<u32> {
    let m = &bundle.manifest;
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
            Method::Greedy { .. } | Method::Lottery { .. } => {
                if m.household_rule
                    && pool.household[c as usize].is_some_and(|h| {
                        current
                            .iter()
                            .any(|&p| pool.household[p as usize] == Some(h))
                    })
                {
                    continue;
                }
                let mut trial = current.to_vec();
                trial.push(c);
                let v = violation(&m.features, &counts(&m.features, pool, &trial));
                if v == 0 {
                    return Some(c);
                }
                if best.is_none_or(|(bv, _)| v < bv) {
                    best = Some((v, c));
                }
            }
            _ => {
                if stratum
                    .is_some_and(|f| pool.value(c as usize, f) != pool.value(dropped as usize, f))
                {
                    continue;
                }
                return Some(c);
            }
        }
    }
    best.map(|(_, c)| c)
}
