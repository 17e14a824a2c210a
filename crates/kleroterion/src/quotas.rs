//! Counting a panel against the quotas and the household rule.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::model::{Feature, ResolvedPool};

/// How many panel members have each value: `counts[f][v]`.
pub fn counts(features: &[Feature], pool: &ResolvedPool, panel: &[u32]) -> Vec<Vec<u32>> {
    let mut c: Vec<Vec<u32>> = features
        .iter()
        .map(|f| alloc::vec![0; f.values.len()])
        .collect();
    for &p in panel {
        for (f, &v) in pool.row(p as usize).iter().enumerate() {
            c[f][v as usize] += 1;
        }
    }
    c
}

/// Every broken quota bound, in words (empty when all hold).
pub fn broken_quotas(features: &[Feature], pool: &ResolvedPool, panel: &[u32]) -> Vec<String> {
    let c = counts(features, pool, panel);
    let mut out = Vec::new();
    for (f, feat) in features.iter().enumerate() {
        for (v, q) in feat.values.iter().enumerate() {
            let n = c[f][v];
            if n < q.min {
                out.push(format!(
                    "{}={}: {n} on the panel, below the minimum {}",
                    feat.name, q.value, q.min
                ));
            } else if n > q.max {
                out.push(format!(
                    "{}={}: {n} on the panel, above the maximum {}",
                    feat.name, q.value, q.max
                ));
            }
        }
    }
    out
}

/// The total violation `sum max(0, min - count) + max(0, count - max)`.
pub fn violation(features: &[Feature], counts: &[Vec<u32>]) -> u64 {
    let mut total = 0u64;
    for (feat, c) in features.iter().zip(counts) {
        for (q, &n) in feat.values.iter().zip(c) {
            total += u64::from(q.min.saturating_sub(n)) + u64::from(n.saturating_sub(q.max));
        }
    }
    total
}

/// The first pair of panel members sharing a household, if any.
pub fn shared_household(pool: &ResolvedPool, panel: &[u32]) -> Option<(u32, u32)> {
    let mut seen: Vec<(u32, u32)> = panel
        .iter()
        .filter_map(|&p| {
            pool.household
                .get(p as usize)
                .copied()
                .flatten()
                .map(|h| (h, p))
        })
        .collect();
    seen.sort_unstable();
    seen.windows(2)
        .find(|w| w[0].0 == w[1].0)
        .map(|w| (w[0].1, w[1].1))
}
