//! Verification: recompute everything, check it against what was published, and say what
//! is left to compare by hand (SPEC.md section 12).

mod builder;
mod chain;
mod chain_steps;
pub mod quota_table;
mod report;
mod steps;
pub mod summary;

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::Deserialize;

use builder::{Builder, Failure, REPORT_TEXT_LIMIT};
use steps::{
    draw_step, format_step, manifest_step, openings_step, pool_step, portfolio_step, quotas_step,
    randomness_step, replacements_step, seed_step, time_order_step, transcript_step,
};

use chain_steps::{inherited_step, links_step, parent_step};

pub use chain::{ChainReport, verify_chain, verify_chain_after};
pub use chain_steps::Previous;
pub use quota_table::{QuotaRow, QuotaTable};
pub use report::{Report, Status, Step, StepId, Verdict};
pub use summary::{NumbersShown, SourceShown, Summary};

use crate::draw::{BUNDLE_FORMAT, Bundle};
use crate::encoding::SPEC_VERSION;
use crate::error::{Error, ErrorKind};
use crate::published::{Published, by_hand};
use crate::replace::Replacement;
use crate::text::display;

/// Verifies a bundle given as JSON text: a file that does not parse fails the `format` step
/// with `UnreadableBundle`.
pub fn verify_json(text: &str, published: &Published, replacements: &[Replacement]) -> Report {
    match Bundle::from_json(text) {
        Ok(bundle) => verify_with(&bundle, published, replacements),
        Err(e) => {
            let failure = match other_protocol(text) {
                // A bundle of another version has another shape: it is refused for its
                // version (SPEC.md sections 12.1 and 15), not as unreadable.
                Some(found) => {
                    let found = display(&found, 80);
                    Failure::from(Error::UnsupportedSpec {
                        found: found.clone(),
                    })
                    .compared(SPEC_VERSION.into(), found)
                }
                None => Failure::new(
                    ErrorKind::UnreadableBundle,
                    format!(
                        "the file is not a readable kleroterion bundle: {}",
                        display(&e.to_string(), REPORT_TEXT_LIMIT)
                    ),
                ),
            };
            let mut b = Builder::default();
            b.record::<()>(StepId::Format, Err(failure));
            b.finish(None, Vec::new())
        }
    }
}

/// The protocol version named by a file that does not parse as a bundle of this version, when
/// it is a kleroterion bundle of another version.
fn other_protocol(text: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Head {
        format: String,
        spec: String,
    }
    let head: Head = serde_json::from_str(text).ok()?;
    (head.format == BUNDLE_FORMAT && head.spec != SPEC_VERSION).then_some(head.spec)
}

/// Verifies a bundle by computation alone, with no published fact given: the commitment is
/// then left to compare by hand.
pub fn verify(bundle: &Bundle) -> Report {
    verify_with(bundle, &Published::default(), &[])
}

/// Verifies a bundle against the facts published outside it, and the replacement records
/// made from it: recomputes every step and stops at the first difference.
pub fn verify_with(bundle: &Bundle, published: &Published, replacements: &[Replacement]) -> Report {
    verify_linked(bundle, published, replacements, None)
}

/// Verifies a bundle as [`verify_with`] does, with the previous stage its manifest names, when
/// it is given (SPEC.md section 12.5): the `parent`, `links` and `inherited` steps then check
/// the chain. [`verify_chain`] verifies both stages and gives the response rates.
pub fn verify_linked(
    bundle: &Bundle,
    published: &Published,
    replacements: &[Replacement],
    previous: Option<Previous<'_>>,
) -> Report {
    let mut b = Builder::default();
    let done = run_steps(&mut b, bundle, published, replacements, previous);
    // The purpose is the manifest's only when the bundle is of a format and version this
    // verifier reads (SPEC.md section 12.4: null otherwise).
    let readable = b.steps.first().is_some_and(|s| s.status == Status::Passed);
    let purpose = readable.then_some(bundle.manifest.purpose);
    if done.is_some() {
        b.finish(purpose, by_hand(bundle, published, previous.is_some()))
    } else {
        b.finish(purpose, Vec::new())
    }
}

fn run_steps(
    b: &mut Builder,
    bundle: &Bundle,
    published: &Published,
    replacements: &[Replacement],
    previous: Option<Previous<'_>>,
) -> Option<()> {
    b.record(StepId::Format, format_step(bundle))?;
    let commitment = b.record(StepId::Manifest, manifest_step(bundle, published))?;
    let mut pool = b.record(StepId::Pool, pool_step(bundle))?;
    let invitees = b.record(StepId::Parent, parent_step(bundle, previous))?;
    b.record(StepId::Links, links_step(bundle, invitees.as_ref()))?;
    b.record(StepId::Portfolio, portfolio_step(&bundle.manifest, &pool))?;
    b.record(StepId::Randomness, randomness_step(bundle, published))?;
    b.record(StepId::TimeOrder, time_order_step(&bundle.manifest))?;
    let seed = b.record(StepId::Seed, seed_step(bundle, &commitment))?;
    let outcome = b.record(StepId::Draw, draw_step(bundle, &pool, &seed))?;
    b.record(StepId::Openings, openings_step(bundle, &mut pool))?;
    b.record(StepId::Quotas, quotas_step(bundle, &pool, &outcome))?;
    b.record(
        StepId::Transcript,
        transcript_step(bundle, &commitment, &seed, &outcome),
    )?;
    b.record(
        StepId::Replacements,
        replacements_step(bundle, replacements),
    )?;
    b.record(
        StepId::Inherited,
        inherited_step(bundle, replacements, invitees.as_ref(), previous),
    )
}
