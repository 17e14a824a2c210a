//! The selection methods (SPEC.md section 9).

pub mod greedy;
pub mod lottery;
pub mod rfc3797;
pub mod stratified;

use alloc::vec::Vec;

use crate::digest::Digest;
use crate::error::Result;
use crate::manifest::{Manifest, Method};
use crate::model::ResolvedPool;
use crate::reveal::Reveal;
use crate::sampling::sample;
use crate::stream::{Purpose, Stream};

/// The panel, in draw order, and for `rfc3797` the alternates (which that method draws in
/// the same sequence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panel {
    /// Selected pool indices, in draw order.
    pub selected: Vec<u32>,
    /// Alternates already drawn by the method itself (`rfc3797` only).
    pub alternates: Option<Vec<u32>>,
}

/// Runs the manifest's method. The manifest and pool must already be validated.
pub fn draw_panel(
    manifest: &Manifest,
    pool: &ResolvedPool,
    seed: &Digest,
    reveal: &Reveal,
) -> Result<Panel> {
    let k = manifest.panel_size;
    let n = manifest.pool.count;
    let selected = match &manifest.method {
        Method::Uniform => sample(&mut Stream::new(seed, Purpose::Panel, 0), n, k),
        Method::Stratified {
            feature,
            allocation,
        } => stratified::draw(manifest, pool, seed, feature, allocation)?,
        Method::Greedy { max_attempts } => greedy::draw(manifest, pool, seed, *max_attempts)?.0,
        Method::Lottery { portfolio } => lottery::draw(portfolio, seed).1,
        Method::Rfc3797 => {
            let total = k + manifest.alternates.min(n - k);
            let picks = rfc3797::picks(&reveal.rfc3797_key(), n, total)?;
            let (sel, alt) = picks.split_at(k as usize);
            return Ok(Panel {
                selected: sel.to_vec(),
                alternates: Some(alt.to_vec()),
            });
        }
    };
    Ok(Panel {
        selected,
        alternates: None,
    })
}
