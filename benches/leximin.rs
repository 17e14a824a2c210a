//! LEXIMIN on the replication example (n = 2,000, k = 200) and on synthetic 1,000- and
//! 2,000-volunteer, 7-feature instances with households (k = 110).
//!
//! Run with `cargo bench -p kleroterion-benches --bench leximin`.

#[path = "../crates/kleroterion-fair/tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use kleroterion_fair::{Options, leximin, round_to_lottery};

fn bench(c: &mut Criterion) {
    // `common::data_dir` is relative to the fair crate's manifest, not this one's.
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data");
    let large = common::panelot(&data.join("replication/example_large_200"), 200);
    let mut g = c.benchmark_group("leximin");
    g.sample_size(10);
    g.bench_function("example_large_200", |b| {
        b.iter(|| leximin(&large, &Options::default()).unwrap())
    });
    let dist = leximin(&large, &Options::default()).unwrap();
    g.bench_function("round_to_lottery_example_large_200", |b| {
        b.iter(|| round_to_lottery(&large, &dist, 1000).unwrap())
    });
    // One run takes seconds (1,000 volunteers) to most of a minute (2,000): ten samples each.
    g.measurement_time(Duration::from_secs(1));
    for n in [1000, 2000] {
        let synthetic = kleroterion_fair::synthetic::synthetic(n, 110, 1);
        g.bench_function(format!("synthetic_{n}_7f_households_k110"), |b| {
            b.iter(|| leximin(&synthetic, &Options::default()).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
