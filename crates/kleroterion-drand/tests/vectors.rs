//! Known-answer tests with real drand beacons (see `vectors/beacons.json`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use kleroterion_drand::{
    Beacon, Chain, DrandError, MAINNET, QUICKNET, Scheme, chain_by_hash, chain_by_hash_hex, verify,
    verify_by_chain_hash, verify_json,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    chains: Vec<PublishedChain>,
    vectors: Vec<Vector>,
}

/// Who published a vector or a chain's parameters.
#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
enum Publisher {
    /// A repository of the drand GitHub organisation, or drand's documentation.
    #[serde(rename = "drand")]
    Drand,
    /// Anyone else (a client library, a node implementation...).
    #[serde(rename = "third party")]
    ThirdParty,
}

/// Where a value was copied from.
#[derive(Deserialize, Clone)]
struct Provenance {
    publisher: Publisher,
    source: String,
    commit: Option<String>,
}

/// A chain's parameters as drand publishes them (its `/info` answer).
#[derive(Deserialize, Clone)]
struct PublishedChain {
    name: String,
    chain_hash: String,
    scheme: String,
    beacon_id: String,
    public_key: String,
    genesis_seed: String,
    genesis_time: u64,
    period: u64,
    #[serde(flatten)]
    provenance: Provenance,
}

#[derive(Deserialize, Clone)]
struct Vector {
    chain_hash: String,
    round: u64,
    randomness: Option<String>,
    signature: String,
    previous_signature: Option<String>,
    #[serde(flatten)]
    provenance: Provenance,
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

fn file() -> File {
    serde_json::from_str(include_str!("vectors/beacons.json")).unwrap()
}

fn vectors() -> Vec<Vector> {
    file().vectors
}

fn hex(s: &str) -> Vec<u8> {
    assert_eq!(s.len() % 2, 0, "odd-length hex {s}");
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn hex32(s: &str) -> [u8; 32] {
    hex(s).try_into().unwrap()
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
    assert!(v.iter().all(|x| !x.provenance.source.trim().is_empty()));
}

/// Values published by drand name a repository of the drand organisation and the
/// commit they were read at.
fn assert_drand_provenance(what: &str, p: &Provenance) {
    if p.publisher != Publisher::Drand {
        return;
    }
    assert!(
        p.source.starts_with("drand/"),
        "{what}: a drand-published value must name a drand/... repository, not {:?}",
        p.source
    );
    let commit = p.commit.as_deref().unwrap_or_default();
    assert!(
        commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit()),
        "{what}: a drand-published value records the commit it was read at, not {commit:?}"
    );
}

#[test]
fn rounds_published_by_drand_itself() {
    let v = vectors();
    for x in &v {
        assert_drand_provenance(&format!("round {}", x.round), &x.provenance);
    }
    let by_drand = |chain: &Chain| {
        v.iter()
            .filter(|x| x.chain().hash == chain.hash && x.provenance.publisher == Publisher::Drand)
            .map(|x| x.round)
            .collect::<Vec<_>>()
    };
    // Mainnet: drand-client's test data, drand's own TestVerifyBeacon and the HTTP API page
    // of drand's documentation.
    assert_eq!(by_drand(&MAINNET), [1, 1000, 2_634_945, 5_347_804]);
    // Quicknet: the HTTP API page of drand's documentation and tlock's TestDecryptText. No
    // third quicknet round with its signature was found in a drand repository; the other
    // quicknet vectors come from third parties (ChainSafe/forest, noislabs/drand-verify).
    assert_eq!(by_drand(&QUICKNET), [42, 12_040_883]);
}

/// The first line of the armoured ciphertext in drand/tlock's TestDecryptText, exactly as
/// published: it holds the age stanza naming the round the test's signature is for.
const TLOCK_TEST_CIPHERTEXT_FIRST_LINE: &str =
    "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IHRsb2NrIDEyMDQwODgzIDUyZGI5YmE3";

fn base64_decode(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = ALPHABET.iter().position(|&a| a == c).expect("base64") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

#[test]
fn the_tlock_round_is_the_one_its_ciphertext_names() {
    let header = String::from_utf8(base64_decode(TLOCK_TEST_CIPHERTEXT_FIRST_LINE)).unwrap();
    assert_eq!(header, "age-encryption.org/v1\n-> tlock 12040883 52db9ba7");
    let v = vectors();
    let tlock = v
        .iter()
        .find(|x| x.provenance.source.starts_with("drand/tlock "))
        .unwrap();
    assert_eq!(tlock.round, 12_040_883);
    assert!(QUICKNET.hash.starts_with(&hex("52db9ba7")));
    assert_eq!(tlock.chain().hash, QUICKNET.hash);
}

#[test]
fn built_in_chains_are_the_ones_drand_publishes() {
    let published = file().chains;
    assert_eq!(published.len(), 2);
    for p in &published {
        assert_drand_provenance(&p.name, &p.provenance);
        assert_eq!(p.provenance.publisher, Publisher::Drand, "{}", p.name);
        let chain = chain_by_hash_hex(&p.chain_hash).expect("a built-in chain");
        assert_eq!(chain.name, p.name);
        assert_eq!(chain.hash, hex32(&p.chain_hash), "{}", p.name);
        assert_eq!(
            chain.public_key,
            hex(&p.public_key).as_slice(),
            "{}",
            p.name
        );
        assert_eq!(chain.genesis_seed, hex32(&p.genesis_seed), "{}", p.name);
        assert_eq!(chain.genesis_time, p.genesis_time, "{}", p.name);
        assert_eq!(chain.period_seconds, p.period, "{}", p.name);
        assert_eq!(chain.scheme.id(), p.scheme, "{}", p.name);
        assert_eq!(chain.beacon_id, p.beacon_id, "{}", p.name);

        // The published parameters hash to the published chain hash, and a single changed
        // byte of the published public key changes it.
        let key: &'static [u8] = Box::leak(hex(&p.public_key).into_boxed_slice());
        let rebuilt = Chain {
            public_key: key,
            ..*chain
        };
        assert_eq!(
            rebuilt.compute_hash(),
            Some(hex32(&p.chain_hash)),
            "{}",
            p.name
        );
        let mut altered = hex(&p.public_key);
        altered[7] ^= 1;
        let altered: &'static [u8] = Box::leak(altered.into_boxed_slice());
        let altered = Chain {
            public_key: altered,
            ..*chain
        };
        assert_ne!(altered.compute_hash(), Some(chain.hash), "{}", p.name);
        assert!(!altered.is_consistent(), "{}", p.name);
    }
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
        let r = verify(chain, v.round, &beacon).unwrap_or_else(|e| {
            panic!(
                "{} round {} ({}): {e}",
                chain.name, v.round, v.provenance.source
            )
        });
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
