//! LEXIMIN on the replication example (n = 2,000, k = 200) and on a synthetic 2,000-volunteer,
//! 7-feature instance with households (k = 110).

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use kleroterion_fair::{Options, leximin, round_to_lottery};

fn bench(c: &mut Criterion) {
    let large = common::panelot(
        &common::data_dir().join("replication/example_large_200"),
        200,
    );
    let mut g = c.benchmark_group("leximin");
    g.sample_size(10);
    g.bench_function("example_large_200", |b| {
        b.iter(|| leximin(&large, &Options::default()).unwrap())
    });
    let dist = leximin(&large, &Options::default()).unwrap();
    g.bench_function("round_to_lottery_example_large_200", |b| {
        b.iter(|| round_to_lottery(&large, &dist, 1000).unwrap())
    });
    let synthetic = kleroterion_fair::synthetic::synthetic(2000, 110, 1);
    g.measurement_time(Duration::from_secs(1));
    g.sample_size(10);
    // Capped: with no cap one run takes minutes (see BENCHMARKS-fair.md).
    let capped = Options {
        time_limit: Some(Duration::from_secs(120)),
        ..Options::default()
    };
    g.bench_function("synthetic_2000_7f_households_k110", |b| {
        b.iter(|| leximin(&synthetic, &capped))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
