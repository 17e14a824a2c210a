//! The selection methods (SPEC.md section 9).

pub mod greedy;
pub mod lottery;
pub mod maxent;
pub mod rfc3797;
pub mod stratified;

use alloc::vec::Vec;

use crate::digest::Digest;
use crate::error::Result;
use crate::manifest::{Manifest, Method};
use crate::model::ResolvedPool;
use crate::reveal::Reveal;
use crate::sampling::Permutation;
use crate::stream::{Purpose, Stream};
use crate::trace::{Log, Picked};

/// The panel, in draw order, and for `rfc3797` the alternates (which that method draws in
/// the same sequence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panel {
    /// Selected pool indices, in draw order.
    pub selected: Vec<u32>,
    /// Alternates already drawn by the method itself (`rfc3797` only).
    pub alternates: Option<Vec<u32>>,
    /// How many panels were rejected before this one (`maxent` only).
    pub rejections: Option<u32>,
}

/// Runs the manifest's method. The manifest and pool must already be validated.
pub fn draw_panel(
    manifest: &Manifest,
    pool: &ResolvedPool,
    seed: &Digest,
    reveal: &Reveal,
) -> Result<Panel> {
    draw_panel_logged(manifest, pool, seed, reveal, &mut Log::off())
}

/// [`draw_panel`], recording every pick in `log`.
pub(crate) fn draw_panel_logged(
    manifest: &Manifest,
    pool: &ResolvedPool,
    seed: &Digest,
    reveal: &Reveal,
    log: &mut Log,
) -> Result<Panel> {
    let k = manifest.panel_size;
    let n = manifest.pool.count;
    let selected = match &manifest.method {
        Method::Uniform => {
            let mut stream = Stream::new(seed, Purpose::Panel, 0);
            sample_logged(&mut stream, n, k, |x| x, log, (Purpose::Panel, 0))
        }
        Method::Stratified {
            feature,
            allocation,
        } => stratified::draw_logged(manifest, pool, seed, feature, allocation, log)?,
        Method::Greedy { max_attempts } => {
            greedy::draw_logged(manifest, pool, seed, *max_attempts, log)?.0
        }
        Method::Lottery { portfolio } => lottery::draw_logged(portfolio, seed, log).1,
        Method::Maxent {
            counted,
            max_attempts,
            weights,
        } => {
            let params = maxent::Params {
                counted,
                max_attempts: *max_attempts,
                weights,
            };
            let (selected, rejections) = maxent::draw_logged(manifest, pool, seed, params, log)?;
            return Ok(Panel {
                selected,
                alternates: None,
                rejections: Some(rejections),
            });
        }
        Method::Rfc3797 => {
            let total = k + manifest.alternates.min(n - k);
            let picks = rfc3797::picks_detailed(&reveal.rfc3797_key(), n, total)?;
            picks.iter().for_each(|p| log.md5(p));
            let (sel, alt) = picks.split_at(k as usize);
            let indices = |ps: &[rfc3797::Pick]| ps.iter().map(|p| p.index).collect();
            return Ok(Panel {
                selected: indices(sel),
                alternates: Some(indices(alt)),
                rejections: None,
            });
        }
    };
    Ok(Panel {
        selected,
        alternates: None,
        rejections: None,
    })
}

/// [`crate::sampling::sample`] of `k` among `n`, each position mapped to a pool index by
/// `person`, recording every pick under the stream `(purpose, index)`.
fn sample_logged(
    stream: &mut Stream,
    n: u32,
    k: u32,
    person: impl Fn(u32) -> u32,
    log: &mut Log,
    (purpose, index): (Purpose, u32),
) -> Vec<u32> {
    let mut perm = Permutation::new(n);
    (0..k.min(n))
        .filter_map(|_| {
            let (x, draw) = perm.next_draw(stream)?;
            let p = person(x);
            log.draw(purpose.as_str(), index, draw, Picked::Person(p));
            Some(p)
        })
        .collect()
}
