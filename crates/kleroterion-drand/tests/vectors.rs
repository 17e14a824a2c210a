//! Known-answer tests with real drand beacons (see `vectors/beacons.json`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use kleroterion_drand::{
    Beacon, Chain, DrandError, MAINNET, QUICKNET, Scheme, chain_by_hash, chain_by_hash_hex, verify,
    verify_by_chain_hash, verify_json,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    vectors: Vec<Vector>,
}

#[derive(Deserialize, Clone)]
struct Vector {
    chain_hash: String,
    round: u64,
    randomness: Option<String>,
    signature: String,
    previous_signature: Option<String>,
    source: String,
}

impl Vector {
    /// The vector written as drand's `/public/<round>` JSON.
    fn http_json(&self) -> String {
        let mut s = format!("{{\"round\":{}", self.round);
        if let Some(r) = &self.randomness {
            s += &format!(",\"randomness\":\"{r}\"");
        }
        s += &format!(",\"signature\":\"{}\"", self.signature);
        if let Some(p) = &self.previous_signature {
            s += &format!(",\"previous_signature\":\"{p}\"");
        }
        s + "}"
    }

    fn chain(&self) -> &'static Chain {
        chain_by_hash_hex(&self.chain_hash).expect("vector of a built-in chain")
    }

    fn beacon(&self) -> Beacon {
        Beacon::from_json(&self.http_json()).unwrap()
    }
}

fn vectors() -> Vec<Vector> {
    let file: File = serde_json::from_str(include_str!("vectors/beacons.json")).unwrap();
    file.vectors
}

fn hex32(s: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

fn other_chain(chain: &Chain) -> &'static Chain {
    if chain.hash == QUICKNET.hash {
        &MAINNET
    } else {
        &QUICKNET
    }
}

#[test]
fn there_are_at_least_three_vectors_per_chain_each_with_a_source() {
    let v = vectors();
    for chain in [&QUICKNET, &MAINNET] {
        let n = v.iter().filter(|x| x.chain().hash == chain.hash).count();
        assert!(n >= 3, "{} has only {n} vectors", chain.name);
    }
    assert!(v.iter().all(|x| !x.source.trim().is_empty()));
}

#[test]
fn built_in_chains_match_their_chain_hashes() {
    // drand's chain hash binds period, genesis time, public key, genesis seed
    // and beacon ID: this checks every built-in constant against the
    // published chain hash.
    assert!(QUICKNET.is_consistent());
    assert!(MAINNET.is_consistent());
    assert_eq!(QUICKNET.public_key.len(), QUICKNET.scheme.public_key_len());
    assert_eq!(MAINNET.public_key.len(), MAINNET.scheme.public_key_len());
    assert_eq!(chain_by_hash(&QUICKNET.hash), Some(&QUICKNET));
    assert_eq!(chain_by_hash(&MAINNET.hash), Some(&MAINNET));
    assert_eq!(QUICKNET.scheme.id(), "bls-unchained-g1-rfc9380");
    assert_eq!(MAINNET.scheme.id(), "pedersen-bls-chained");
    assert_eq!(
        QUICKNET.scheme.dst(),
        b"BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_"
    );
    assert_eq!(
        MAINNET.scheme.dst(),
        b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_"
    );
}

#[test]
fn every_vector_verifies() {
    for v in vectors() {
        let beacon = v.beacon();
        let chain = v.chain();
        let r = verify(chain, v.round, &beacon)
            .unwrap_or_else(|e| panic!("{} round {} ({}): {e}", chain.name, v.round, v.source));
        if let Some(expected) = &v.randomness {
            assert_eq!(r, hex32(expected), "round {}", v.round);
        }
        assert_eq!(verify_json(chain, v.round, &v.http_json()), Ok(r));
        assert_eq!(verify_by_chain_hash(&chain.hash, v.round, &beacon), Ok(r));
    }
}

#[test]
fn a_changed_signature_byte_fails() {
    for v in vectors() {
        let chain = v.chain();
        let mut beacon = v.beacon();
        beacon.randomness = None; // so that only the signature check can object
        let n = beacon.signature.len();
        for pos in [0, 1, n / 2, n - 1] {
            for mask in [0x01u8, 0x80] {
                let mut b = beacon.clone();
                b.signature[pos] ^= mask;
                let err = verify(chain, v.round, &b).unwrap_err();
                assert!(
                    matches!(
                        err,
                        DrandError::InvalidSignature { .. } | DrandError::InvalidPoint { .. }
                    ),
                    "round {} byte {pos} mask {mask:#x}: {err:?}",
                    v.round
                );
            }
        }
        // With the published randomness kept, the mismatch is caught first.
        let mut b = v.beacon();
        b.signature[n - 1] ^= 1;
        if b.randomness.is_some() {
            assert_eq!(
                verify(chain, v.round, &b),
                Err(DrandError::RandomnessMismatch { round: v.round })
            );
        }
    }
}

#[test]
fn a_genuine_signature_of_another_round_fails_the_pairing_check() {
    // Swapping in a valid curve point (another round's real signature)
    // reaches the pairing check itself.
    let all = vectors();
    for v in &all {
        let donor = all
            .iter()
            .find(|d| d.chain_hash == v.chain_hash && d.round != v.round)
            .unwrap();
        let mut b = v.beacon();
        b.signature = donor.beacon().signature;
        b.randomness = None;
        assert_eq!(
            verify(v.chain(), v.round, &b),
            Err(DrandError::InvalidSignature {
                round: v.round,
                chain: v.chain().name
            })
        );
    }
}

#[test]
fn a_changed_round_fails() {
    for v in vectors() {
        let chain = v.chain();
        let beacon = v.beacon();
        // The committed round differs from the beacon's.
        for expected in [v.round + 1, v.round - 1, u64::MAX] {
            let err = verify(chain, expected, &beacon).unwrap_err();
            let want = if expected == 0 {
                DrandError::RoundZero
            } else {
                DrandError::RoundMismatch {
                    expected,
                    found: v.round,
                }
            };
            assert_eq!(err, want);
        }
        // The beacon claims another round: the signature no longer matches.
        let mut b = beacon.clone();
        b.round = v.round + 1;
        if chain.scheme == Scheme::PedersenBlsChained && v.round == 1 {
            // Round 2 chains onto a 96-byte signature, not the 32-byte seed.
            assert!(matches!(
                verify(chain, v.round + 1, &b),
                Err(DrandError::Length { .. })
            ));
        } else {
            assert_eq!(
                verify(chain, v.round + 1, &b),
                Err(DrandError::InvalidSignature {
                    round: v.round + 1,
                    chain: chain.name
                })
            );
        }
    }
}

#[test]
fn a_changed_previous_signature_fails() {
    for v in vectors().iter().filter(|v| v.previous_signature.is_some()) {
        let chain = v.chain();
        let mut b = v.beacon();
        let prev = b.previous_signature.as_mut().unwrap();
        let last = prev.len() - 1;
        prev[last] ^= 1;
        assert_eq!(
            verify(chain, v.round, &b),
            Err(DrandError::InvalidSignature {
                round: v.round,
                chain: chain.name
            })
        );
        let mut b = v.beacon();
        b.previous_signature = None;
        assert_eq!(
            verify(chain, v.round, &b),
            Err(DrandError::MissingPreviousSignature {
                round: v.round,
                chain: chain.name
            })
        );
    }
}

#[test]
fn a_changed_chain_hash_fails() {
    for v in vectors() {
        let chain = v.chain();
        let beacon = v.beacon();

        // Looking the chain up by a modified hash finds nothing.
        let mut hash = chain.hash;
        hash[31] ^= 1;
        assert_eq!(
            verify_by_chain_hash(&hash, v.round, &beacon),
            Err(DrandError::UnknownChain { hash })
        );

        // The other built-in chain refuses the beacon.
        let other = other_chain(chain);
        assert!(verify(other, v.round, &beacon).is_err());
        assert!(verify_by_chain_hash(&other.hash, v.round, &beacon).is_err());

        // A chain description whose hash was altered is refused as inconsistent.
        let altered = Chain { hash, ..*chain };
        assert_eq!(
            verify(&altered, v.round, &beacon),
            Err(DrandError::ChainHashMismatch { chain: chain.name })
        );
    }
}

#[test]
fn the_other_chain_gives_a_specific_error() {
    let all = vectors();
    let q = all
        .iter()
        .find(|v| v.chain().hash == QUICKNET.hash)
        .unwrap();
    let m = all
        .iter()
        .find(|v| v.chain().hash == MAINNET.hash && v.round > 1)
        .unwrap();
    // A quicknet beacon has no previous_signature, which mainnet needs.
    assert_eq!(
        verify(&MAINNET, q.round, &q.beacon()),
        Err(DrandError::MissingPreviousSignature {
            round: q.round,
            chain: "mainnet"
        })
    );
    // A mainnet beacon carries one, which quicknet does not use.
    assert_eq!(
        verify(&QUICKNET, m.round, &m.beacon()),
        Err(DrandError::UnexpectedPreviousSignature {
            round: m.round,
            chain: "quicknet"
        })
    );
    // Without it, its 96-byte signature is the wrong size for quicknet.
    let mut b = m.beacon();
    b.previous_signature = None;
    assert_eq!(
        verify(&QUICKNET, m.round, &b),
        Err(DrandError::Length {
            field: kleroterion_drand::Field::Signature,
            expected: 48,
            found: 96
        })
    );
}

#[test]
fn another_public_key_with_a_consistent_hash_fails() {
    // drand's quicknet-t testnet key (drand/website, blog post
    // "quicknet is live"): a genuine G2 key, but not quicknet's.
    const QUICKNET_T_KEY: &str = "b15b65b46fb29104f6a4b5d1e11a8da6344463973d423661bb0804846a0ecd1ef93c25057f1c0baab2ac53e56c662b66072f6d84ee791a3382bfb055afab1e6a375538d8ffc451104ac971d2dc9b168e2d3246b0be2015969cbaac298f6502da";
    let key: Vec<u8> = (0..96)
        .map(|i| u8::from_str_radix(&QUICKNET_T_KEY[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let mut fake = Chain {
        name: "not-quicknet",
        public_key: Box::leak(key.into_boxed_slice()),
        ..QUICKNET
    };
    fake.hash = fake.compute_hash().unwrap();
    for v in vectors()
        .into_iter()
        .filter(|v| v.chain().hash == QUICKNET.hash)
    {
        assert_eq!(
            verify(&fake, v.round, &v.beacon()),
            Err(DrandError::InvalidSignature {
                round: v.round,
                chain: "not-quicknet"
            })
        );
    }
}

#[test]
fn citizen_readable_messages() {
    let e = DrandError::InvalidSignature {
        round: 1234,
        chain: "quicknet",
    };
    assert_eq!(
        e.to_string(),
        "the drand signature for round 1234 does not verify against the quicknet public key"
    );
    let e = DrandError::UnknownChain { hash: [0xab; 32] };
    assert_eq!(
        e.to_string(),
        format!(
            "no known drand chain has the chain hash {}",
            "ab".repeat(32)
        )
    );
}
