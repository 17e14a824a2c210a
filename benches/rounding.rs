//! Rounding a LEXIMIN distribution to a lottery of 1,000 panels, systematic against minimax:
//! the time of each, and the largest change of anyone's probability (printed once per
//! instance, in units of 1 / M). Instances: the Sortition Foundation fixture (k = 22) and the
//! synthetic pools of 600 (k = 40) and 2,000 volunteers (k = 110). LEXIMIN is computed once per
//! instance, outside the measurements (most of a minute for 2,000 volunteers).
//!
//! Run with `cargo bench -p kleroterion-benches --bench rounding`.

#[path = "../crates/kleroterion-fair/tests/common/mod.rs"]
mod common;

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use kleroterion_fair::{Instance, Options, Rounding, leximin, round_to_lottery_with};

const M: u32 = 1000;

fn bench(c: &mut Criterion) {
    let instances: [(&str, Instance); 3] = [
        ("sortition_foundation_k22", common::sortition_foundation(22)),
        (
            "synthetic_600_k40",
            kleroterion_fair::synthetic::synthetic(600, 40, 1),
        ),
        (
            "synthetic_2000_k110",
            kleroterion_fair::synthetic::synthetic(2000, 110, 1),
        ),
    ];
    let mut g = c.benchmark_group("rounding");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(1));
    for (name, inst) in &instances {
        let dist = leximin(inst, &Options::default()).unwrap();
        for rounding in [Rounding::Systematic, Rounding::Minimax] {
            let options = Options::new().with_rounding(rounding);
            let p = round_to_lottery_with(inst, &dist, M, &options).unwrap();
            eprintln!(
                "{name} {rounding}: largest change {:.3} / M, lowest probability {:.4} -> {:.4}, simple lower bound {:.3} / M",
                p.loss.max_change * f64::from(M),
                p.loss.min_before,
                p.loss.min_after,
                p.loss.lower_bound * f64::from(M)
            );
            g.bench_function(format!("{name}_{rounding}"), |b| {
                b.iter(|| round_to_lottery_with(inst, &dist, M, &options).unwrap())
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
