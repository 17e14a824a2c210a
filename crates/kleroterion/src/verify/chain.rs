//! A chain of two stages verified together (SPEC.md section 12.5).

use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use super::report::{Report, Verdict};
use super::{Previous, verify_linked};
use crate::chain::{Response, responses};
use crate::draw::Bundle;
use crate::published::Published;
use crate::replace::Replacement;

/// The report on a stage and its previous stage, with the response rates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainReport {
    /// `invalid` when either report failed; `valid_if` when either lists an item to compare by
    /// hand; `valid` otherwise.
    pub verdict: Verdict,
    /// True when no step of either report failed.
    pub valid: bool,
    /// The previous stage's report, made with its own published facts.
    pub previous: Report,
    /// The stage's report, made with the previous stage given.
    pub report: Report,
    /// The response rates by inherited feature and value, then the total; empty when a step
    /// failed.
    pub responses: Vec<Response>,
}

/// Verifies a stage together with the previous stage it names: the previous stage first, with
/// its own published facts and replacement records, then the stage with it.
pub fn verify_chain(
    bundle: &Bundle,
    published: &Published,
    replacements: &[Replacement],
    previous: &Bundle,
    previous_published: &Published,
    previous_replacements: &[Replacement],
) -> ChainReport {
    let previous_report = verify_linked(previous, previous_published, previous_replacements, None);
    verify_chain_after(bundle, published, replacements, previous, previous_report)
}

/// [`verify_chain`] for a caller that has already verified the previous stage: `previous_report`
/// must be [`verify_with`](super::verify_with)'s report on `previous` with its own published
/// facts and replacement records (an organiser's tool that has just drawn it, say). The chain
/// is then as [`verify_chain`] would give it, without verifying the previous stage twice.
pub fn verify_chain_after(
    bundle: &Bundle,
    published: &Published,
    replacements: &[Replacement],
    previous: &Bundle,
    previous_report: Report,
) -> ChainReport {
    let report = verify_linked(
        bundle,
        published,
        replacements,
        Some(Previous {
            bundle: previous,
            report: &previous_report,
        }),
    );
    let valid = previous_report.valid && report.valid;
    let verdict = match (
        valid,
        previous_report.by_hand.is_empty() && report.by_hand.is_empty(),
    ) {
        (false, _) => Verdict::Invalid,
        (true, true) => Verdict::Valid,
        (true, false) => Verdict::ValidIf,
    };
    let responses = match valid && bundle.manifest.parent.is_some() {
        true => responses(previous, bundle),
        false => Vec::new(),
    };
    ChainReport {
        verdict,
        valid,
        previous: previous_report,
        report,
        responses,
    }
}
