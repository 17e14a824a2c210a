//! One panel of a committed portfolio (SPEC.md section 9.4).

use alloc::format;
use alloc::vec::Vec;

use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::model::{Feature, ResolvedPool};
use crate::quotas::{broken_quotas, shared_household};
use crate::sampling::uniform_draw;
use crate::stream::{Purpose, Stream};
use crate::trace::{Log, Picked};

/// Draws the panel index `j = uniform(M)` and returns `(j, panel j)`.
pub fn draw(portfolio: &[Vec<u32>], seed: &Digest) -> (usize, Vec<u32>) {
    draw_logged(portfolio, seed, &mut Log::off())
}

pub(crate) fn draw_logged(
    portfolio: &[Vec<u32>],
    seed: &Digest,
    log: &mut Log,
) -> (usize, Vec<u32>) {
    let d = uniform_draw(
        &mut Stream::new(seed, Purpose::Panel, 0),
        portfolio.len() as u64,
    );
    let j = d.value as usize;
    log.draw(Purpose::Panel.as_str(), 0, d, Picked::Panel(d.value as u32));
    (j, portfolio.get(j).cloned().unwrap_or_default())
}

/// Checks every panel: `k` strictly increasing indices below `n`, every quota, households. The
/// quotas of a panel with a sealed, unopened member cannot be checked and are not (SPEC.md
/// section 9.4).
pub fn check_portfolio(
    portfolio: &[Vec<u32>],
    features: &[Feature],
    pool: &ResolvedPool,
    panel_size: u32,
    household_rule: bool,
) -> Result<()> {
    let n = pool.len() as u64;
    for (i, panel) in portfolio.iter().enumerate() {
        let bad = |detail| Err(Error::InvalidPortfolio { panel: i, detail });
        if panel.len() != panel_size as usize {
            return bad(format!(
                "{} people, but the panel size is {panel_size}",
                panel.len()
            ));
        }
        if let Some(&p) = panel.iter().find(|&&p| u64::from(p) >= n) {
            return bad(format!("person {p} does not exist in a pool of {n}"));
        }
        if panel.windows(2).any(|w| w[0] >= w[1]) {
            return bad("its indices are not strictly increasing".into());
        }
        let open = pool.first_sealed(panel).is_none();
        if let Some(b) = open
            .then(|| broken_quotas(features, pool, panel).into_iter().next())
            .flatten()
        {
            return bad(format!("breaks the quota {b}"));
        }
        if let (true, Some((a, b))) = (household_rule, shared_household(pool, panel)) {
            return bad(format!("people {a} and {b} share a household"));
        }
    }
    Ok(())
}

/// Each person's probability of selection as (panels containing them, M).
pub fn selection_counts(portfolio: &[Vec<u32>], n: usize) -> Vec<u32> {
    let mut c = alloc::vec![0u32; n];
    for p in portfolio.iter().flatten() {
        if let Some(x) = c.get_mut(*p as usize) {
            *x += 1;
        }
    }
    c
}
