//! Benchmarks of the core (figures and commands in BENCHMARKS.md section 1).
//!
//! - the Merkle root of 1,000,000 records, and one SHA-256 pass over the same canonical leaf
//!   bytes (the in-process hashing limit; `benches/sha256sum_baseline.sh` times `sha256sum`);
//! - drawing 10,000 of 1,000,000 uniformly and stratified over 31 strata, after the pool is
//!   loaded (`methods::draw_panel` on a prepared `ResolvedPool`);
//! - a full `verify` of a 2,000-person lottery bundle with M = 1,000 panels of 40.
//!
//! With `KLEROTERION_LEAF_BYTES=<path>` set, the program writes the canonical leaf bytes of the
//! 1,000,000 records (`0x00 || str("kleroterion/v2/record") || rec(r)`, concatenated) to that
//! file and exits, without benchmarking.
//!
//! Run with `cargo bench -p kleroterion-benches --bench core`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use kleroterion::draw::compute_outcome;
use kleroterion::encoding::{Encoder, sha256};
use kleroterion::merkle::{leaf_hash, pool_root};
use kleroterion::methods::{draw_panel, greedy};
use kleroterion::model::ResolvedPool;
use kleroterion::sampling::sample;
use kleroterion::stream::{Purpose, Stream};
use kleroterion::{
    Allocation, Feature, Manifest, Method, PoolCommitment, Record, Reveal, SourceValue, ValueQuota,
    draw, verify,
};
use kleroterion_fair::synthetic::SplitMix64;

const BIG: usize = 1_000_000;
const GENDERS: [&str; 2] = ["woman", "man"];
const AGES: [&str; 5] = ["18-29", "30-44", "45-59", "60-74", "75+"];

fn communes(count: usize) -> Vec<String> {
    (0..count).map(|c| format!("commune-{c:02}")).collect()
}

/// `n` records with a `XXXX-XXXX` ticket and three values: gender, age band and one of
/// `strata` communes (of uneven sizes).
fn records(n: usize, strata: usize, households: bool) -> Vec<Record> {
    let communes = communes(strata);
    let mut g = SplitMix64::new(2026);
    (0..n)
        .map(|i| {
            let r = g.next_u64();
            let commune = ((r >> 32) % (strata * (strata + 1) / 2) as u64) as usize;
            // Commune c has weight c + 1: triangular sizes.
            let c = (0..strata)
                .find(|&c| commune < (c + 1) * (c + 2) / 2)
                .unwrap_or(0);
            Record {
                link: None,
                seal: None,
                // A bijection of the index (odd multiplier mod 2^32): unique, random-looking.
                ticket: {
                    let t = (i as u32).wrapping_mul(0x9E37_79B1);
                    format!("{:04X}-{:04X}", t >> 16, t & 0xFFFF)
                },
                values: vec![
                    GENDERS[(r & 1) as usize].into(),
                    AGES[((r >> 8) % 5) as usize].into(),
                    communes[c].clone(),
                ],
                household: (households && i % 3 != 2).then(|| format!("house-{}", i / 3)),
                holder: kleroterion::Digest::from_array([(i % 251) as u8; 32]),
            }
        })
        .collect()
}

fn features(strata: usize, k: u32, records: &[Record]) -> Vec<Feature> {
    let lists: [Vec<String>; 3] = [
        GENDERS.iter().map(|s| s.to_string()).collect(),
        AGES.iter().map(|s| s.to_string()).collect(),
        communes(strata),
    ];
    let names = ["gender", "age", "commune"];
    let n = records.len() as u64;
    lists
        .iter()
        .zip(names)
        .enumerate()
        .map(|(f, (values, name))| Feature {
            name: name.into(),
            values: values
                .iter()
                .map(|v| {
                    // Proportional quotas, 2 either side.
                    let count = records.iter().filter(|r| &r.values[f] == v).count() as u64;
                    let share = (u64::from(k) * count / n) as u32;
                    ValueQuota {
                        value: v.clone(),
                        min: share.saturating_sub(2),
                        max: share + 2,
                    }
                })
                .collect(),
        })
        .collect()
}

fn manifest(
    records: &[Record],
    features: Vec<Feature>,
    method: Method,
    k: u32,
    alternates: u32,
) -> Manifest {
    Manifest::new(
        "benchmark",
        method,
        k,
        features,
        PoolCommitment::of(records).expect("pool commitment"),
    )
    .with_announced_at("2026-11-30T12:00:00Z")
    .with_alternates(alternates)
    .with_household_rule(false)
    .with_purpose(kleroterion::Purpose::Official)
    // Synthetic pools with small communes: the benchmarks measure the draw, not disclosure.
    .with_min_cell(1)
}

fn reveal() -> Reveal {
    Reveal {
        sources: vec![SourceValue::Hex {
            value: b"benchmark".to_vec(),
        }],
    }
}

/// The canonical leaf bytes of every record, concatenated.
fn leaf_bytes(records: &[Record]) -> Vec<u8> {
    let mut prefix = Encoder::new();
    prefix
        .u8(0)
        .str(&format!("{}/record", kleroterion::SPEC_VERSION))
        .expect("tag");
    let mut out = Vec::with_capacity(records.len() * 80);
    for (i, r) in records.iter().enumerate() {
        let start = out.len();
        out.extend_from_slice(prefix.as_bytes());
        out.extend_from_slice(&r.canonical_bytes().expect("record bytes"));
        if i < 3 {
            assert_eq!(
                sha256(&out[start..]),
                leaf_hash(r).expect("leaf"),
                "leaf bytes of record {i}"
            );
        }
    }
    out
}

fn bench_merkle(c: &mut Criterion, recs: &[Record]) {
    let bytes = leaf_bytes(recs);
    let mut g = c.benchmark_group("merkle");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8));
    g.throughput(Throughput::Elements(recs.len() as u64));
    g.bench_function("pool_root 1,000,000 records", |b| {
        b.iter(|| pool_root(black_box(recs)).expect("root"))
    });
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("sha256 one pass over the leaf bytes", |b| {
        b.iter(|| sha256(black_box(&bytes)))
    });
    g.finish();
    println!(
        "leaf bytes: {} bytes for {} records ({:.1} bytes a leaf); nodes hash {} bytes more",
        bytes.len(),
        recs.len(),
        bytes.len() as f64 / recs.len() as f64,
        65 * (recs.len() - 1)
    );
}

fn bench_draws(c: &mut Criterion, recs: &[Record]) {
    let k = 10_000;
    let feats = features(31, k, recs);
    let uniform = manifest(recs, feats.clone(), Method::Uniform, k, 100);
    let stratified = manifest(
        recs,
        feats.clone(),
        Method::Stratified {
            feature: "commune".into(),
            allocation: Allocation::LargestRemainder,
        },
        k,
        100,
    );
    let mut g = c.benchmark_group("draw 10,000 of 1,000,000");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    g.bench_function("pool loading: ResolvedPool::new (for information)", |b| {
        b.iter(|| ResolvedPool::new(black_box(&feats), black_box(recs)).expect("pool"))
    });
    let pool = ResolvedPool::new(&feats, recs).expect("pool");
    let seed = reveal()
        .seed(&uniform.commitment().expect("commitment"))
        .expect("seed");
    let rev = reveal();
    g.sample_size(20);
    g.bench_function("sampling::sample", |b| {
        b.iter(|| {
            sample(
                &mut Stream::new(black_box(&seed), Purpose::Panel, 0),
                BIG as u32,
                k,
            )
        })
    });
    g.bench_function("uniform: draw_panel", |b| {
        b.iter(|| draw_panel(&uniform, &pool, black_box(&seed), &rev))
    });
    g.bench_function("uniform: draw_panel + 100 alternates", |b| {
        b.iter(|| compute_outcome(&uniform, &pool, black_box(&seed), &rev).expect("outcome"))
    });
    g.bench_function(
        "stratified 31 strata (largest remainder): draw_panel",
        |b| b.iter(|| draw_panel(&stratified, &pool, black_box(&seed), &rev).expect("stratified")),
    );
    g.bench_function("stratified 31 strata: draw_panel + 100 alternates", |b| {
        b.iter(|| compute_outcome(&stratified, &pool, black_box(&seed), &rev).expect("outcome"))
    });
    g.finish();
}

fn lottery_bundle() -> kleroterion::Bundle {
    let (n, k, m) = (2_000, 40, 1_000);
    let recs = records(n, 5, true);
    let feats = features(5, k, &recs);
    let mut gm = manifest(
        &recs,
        feats.clone(),
        Method::Greedy { max_attempts: 100 },
        k,
        20,
    );
    gm.household_rule = true;
    let pool = ResolvedPool::new(&feats, &recs).expect("pool");
    let portfolio: Vec<Vec<u32>> = (0..m as u64)
        .map(|i| {
            let (mut p, _) =
                greedy::draw(&gm, &pool, &sha256(&i.to_be_bytes()), 100).expect("greedy panel");
            p.sort_unstable();
            p
        })
        .collect();
    let mut lm = manifest(&recs, feats, Method::Lottery { portfolio }, k, 20);
    lm.household_rule = true;
    draw(&lm, &recs, &reveal()).expect("lottery bundle")
}

fn bench_verify(c: &mut Criterion) {
    let bundle = lottery_bundle();
    assert!(verify(&bundle).valid);
    let mut g = c.benchmark_group("verify");
    g.sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    g.bench_function(
        "lottery bundle, 2,000 people, M = 1,000 panels of 40",
        |b| b.iter(|| verify(black_box(&bundle))),
    );
    g.finish();
}

fn main() {
    let recs = records(BIG, 31, false);
    if let Ok(path) = std::env::var("KLEROTERION_LEAF_BYTES") {
        let bytes = leaf_bytes(&recs);
        std::fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
        println!(
            "wrote {} bytes of canonical leaves of {} records to {path}",
            bytes.len(),
            recs.len()
        );
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    bench_merkle(&mut c, &recs);
    bench_draws(&mut c, &recs);
    drop(recs);
    bench_verify(&mut c);
    c.final_summary();
}
