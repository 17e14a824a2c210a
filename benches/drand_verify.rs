//! Time of one beacon verification on each built-in chain.
//!
//! Run with `cargo bench -p kleroterion-benches --bench drand_verify`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use core::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use kleroterion_drand::{Beacon, MAINNET, QUICKNET, verify};

// Quicknet round 3 (ChainSafe/forest src/beacon/tests/fixtures/drand_quicknet.json).
const QUICKNET_R3: &str = r#"{"round":3,"randomness":"7ef4621ace1c6da4eb2eee7cd901f81385bca5b189771ec0f08d0d2566dd1a21","signature":"b3fab6df720b68cc47175f2c777e86d84187caab5770906f515ff1099cb01e4deaa027075d860823e49477b93c72bd64"}"#;

// Mainnet round 3 (ChainSafe/forest src/beacon/tests/fixtures/drand_mainnet.json).
const MAINNET_R3: &str = r#"{"round":3,"randomness":"5e0c316703de0d11cc63439a26a5082ce966f4f1e4068cd64b35fee906a0f84b","signature":"a7b0877eaea7a0222f4c39a2c03434c34f5fe3ea47c533d24b88e5c3053b84775ccb78e984addcb55173f40428513f280cc6e0fccc3c89bb1625c7c0b477deb6faae43fc6ec036f09233bf38da16586b3042dd01a7e9ed97c8bafa343cc6071e","previous_signature":"aa18facd2d51b616511d542de6f9af8a3b920121401dad1434ed1db4a565f10e04fad8d9b2b4e3e0094364374caafe9b10478bf75650124831509c638b5a36a7a232ec70289f8751a2adb47fc32eb70b57dc81c39d48cbcac9fec46cdfc31663"}"#;

fn bench_verify(c: &mut Criterion) {
    let q = Beacon::from_json(QUICKNET_R3).unwrap();
    let m = Beacon::from_json(MAINNET_R3).unwrap();
    let mut group = c.benchmark_group("verify");
    group.sample_size(20);
    group.bench_function("quicknet", |b| {
        b.iter(|| verify(black_box(&QUICKNET), 3, black_box(&q)).unwrap())
    });
    group.bench_function("mainnet", |b| {
        b.iter(|| verify(black_box(&MAINNET), 3, black_box(&m)).unwrap())
    });
    group.bench_function("quicknet_parse_and_verify", |b| {
        b.iter(|| {
            let beacon = Beacon::from_json(black_box(QUICKNET_R3)).unwrap();
            verify(&QUICKNET, 3, &beacon).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench_verify);
criterion_main!(benches);
