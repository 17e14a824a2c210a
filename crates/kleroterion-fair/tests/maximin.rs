//! Maximin by column generation on a pool where its own dual bound stayed above the optimum:
//! the master LPs were degenerate, each pricing found another improving panel without raising
//! the level, and the run went on past 600 s (`benches/peer_maximin.sh`, 1,000 volunteers,
//! seed 1). The relaxation's maximin, an upper bound that LEXIMIN reaches here, now ends it.

use std::time::Duration;

use kleroterion_fair::{Options, leximin, maximin, synthetic::synthetic};

#[test]
fn maximin_ends_at_the_relaxation_bound_on_a_degenerate_pool() {
    let instance = synthetic(1000, 80, 1);
    let limited = Options::new().with_time_limit(Duration::from_secs(300));
    let best = maximin(&instance, &limited).expect("maximin within the time limit");
    let exact = leximin(&instance, &Options::default()).expect("LEXIMIN");
    // LEXIMIN's lowest probability is the maximin, certified by the same relaxation; column
    // generation stops within its relative gap of 1e-5.
    let (got, want) = (best.report.min, exact.report.min);
    assert!(
        got <= want + 1e-9 && got >= want * (1.0 - 1e-5),
        "maximin {got}, LEXIMIN's lowest {want}"
    );
}
