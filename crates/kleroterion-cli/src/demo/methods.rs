//! Stage 2 under the methods an organiser can choose: the exact LEXIMIN distribution, the
//! committed lottery rounded from it, and the core's `greedy` and `maxent` methods (their
//! probabilities estimated from draws), compared with the figures of
//! `kleroterion_fair::compare` (the same table as BENCHMARKS.md sections 9 and 10).

use kleroterion_fair::compare::{GreedyPool, MaxentPool, MethodFigures};
use kleroterion_files::intake::LotteryBasis;

use super::error::DemoError;
use super::report::pct;

/// Greedy draws from which its probabilities are estimated.
pub const GREEDY_DRAWS: u64 = 10_000;
/// Attempts a greedy draw makes before it fails.
const GREEDY_ATTEMPTS: u32 = 100;
/// Maxent draws from which its probabilities are estimated (each takes a few hundred
/// attempts on stage 2).
pub const MAXENT_DRAWS: u64 = 2_000;
/// The features maxent counts on stage 2: gender and age make a count of a few thousand cells;
/// the other quotas are met by rejection.
pub const MAXENT_COUNTED: [&str; 2] = ["gender", "age"];
/// Attempts a maxent draw makes before it fails.
const MAXENT_ATTEMPTS: u32 = 100_000;

/// The comparison as a table: header, right-aligned columns, rows (LEXIMIN, the committed
/// lottery of `portfolio`, greedy).
pub type Table = (Vec<String>, Vec<bool>, Vec<Vec<String>>);

/// The three methods on stage 2's volunteers, with the stage's quotas and panel size.
pub fn table(basis: &LotteryBasis, portfolio: &[Vec<u32>]) -> Result<Table, DemoError> {
    let inst = &basis.instance;
    let d = &basis.distribution;
    let exact = MethodFigures::of(inst, &d.panels, &d.weights)?;
    let lottery = MethodFigures::of_equally_likely(inst, portfolio)?;
    let pool = GreedyPool::new(inst, GREEDY_ATTEMPTS)?;
    let draws: Vec<Vec<u32>> = (0..GREEDY_DRAWS).filter_map(|i| pool.draw(i)).collect();
    let failed = GREEDY_DRAWS as usize - draws.len();
    let greedy = MethodFigures::of_equally_likely(inst, &draws)?;
    let counted = MAXENT_COUNTED.map(String::from);
    let maxent_pool = MaxentPool::new(inst, &counted, MAXENT_ATTEMPTS, 0)?;
    let maxent_draws: Vec<Vec<u32>> = (0..MAXENT_DRAWS)
        .filter_map(|i| maxent_pool.draw(i).map(|(panel, _)| panel))
        .collect();
    let maxent_failed = MAXENT_DRAWS as usize - maxent_draws.len();
    let maxent = MethodFigures::of_equally_likely(inst, &maxent_draws)?;
    let header = [
        "method",
        "lowest probability",
        "Gini",
        "distinct panels",
        "value pairs on the panel (expected)",
        "value pairs ever on a panel",
    ]
    .map(String::from)
    .to_vec();
    let right = vec![false, true, true, true, true, true];
    let row = |method: String, f: &MethodFigures, panels: String| {
        vec![
            method,
            pct(f.summary.min),
            format!("{:.3}", f.summary.gini),
            panels,
            pct(f.pairs_together),
            pct(f.pairs_ever),
        ]
    };
    let rows = vec![
        row(
            "LEXIMIN (exact, real weights)".into(),
            &exact,
            exact.distinct_panels.to_string(),
        ),
        row(
            format!("committed lottery of {} panels", portfolio.len()),
            &lottery,
            lottery.distinct_panels.to_string(),
        ),
        row(
            format!("greedy, estimated from {GREEDY_DRAWS} draws ({failed} failed)"),
            &greedy,
            format!("≥ {} (seen)", greedy.distinct_panels),
        ),
        row(
            format!(
                "maxent (draft; counting {}), estimated from {MAXENT_DRAWS} draws ({maxent_failed} failed)",
                maxent_pool.counted().join(" and ")
            ),
            &maxent,
            format!("≥ {} (seen)", maxent.distinct_panels),
        ),
    ];
    Ok((header, right, rows))
}
