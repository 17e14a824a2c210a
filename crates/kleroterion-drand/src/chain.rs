//! The drand chains this crate knows, and how to find them by chain hash.

use sha2::{Digest, Sha256};

/// The signature scheme of a drand chain (drand's `schemeID`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scheme {
    /// `bls-unchained-g1-rfc9380`: signatures on G1 (48 bytes), the group
    /// public key on G2 (96 bytes), message `SHA-256(round)`, hash to curve
    /// per RFC 9380 with DST `BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_`.
    /// Used by quicknet.
    UnchainedG1Rfc9380,
    /// `pedersen-bls-chained`: signatures on G2 (96 bytes), the group public
    /// key on G1 (48 bytes), message `SHA-256(previous_signature || round)`,
    /// DST `BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_`. Used by the default
    /// (chained, 30 s) League of Entropy mainnet.
    PedersenBlsChained,
}

impl Scheme {
    /// drand's identifier of the scheme (the `schemeID` of `/info`).
    pub const fn id(self) -> &'static str {
        match self {
            Scheme::UnchainedG1Rfc9380 => "bls-unchained-g1-rfc9380",
            Scheme::PedersenBlsChained => "pedersen-bls-chained",
        }
    }

    /// Length in bytes of a compressed signature of this scheme.
    pub const fn signature_len(self) -> usize {
        match self {
            Scheme::UnchainedG1Rfc9380 => 48,
            Scheme::PedersenBlsChained => 96,
        }
    }

    /// Length in bytes of a compressed group public key of this scheme.
    pub const fn public_key_len(self) -> usize {
        match self {
            Scheme::UnchainedG1Rfc9380 => 96,
            Scheme::PedersenBlsChained => 48,
        }
    }

    /// Whether each round's message includes the previous round's signature.
    pub const fn is_chained(self) -> bool {
        matches!(self, Scheme::PedersenBlsChained)
    }

    /// The hash-to-curve domain separation tag used for the signed message.
    pub const fn dst(self) -> &'static [u8] {
        match self {
            Scheme::UnchainedG1Rfc9380 => crate::verify::DST_G1,
            Scheme::PedersenBlsChained => crate::verify::DST_G2,
        }
    }
}

/// The public, never-changing description of one drand chain: what drand's
/// `/<chain hash>/info` endpoint returns.
///
/// The two chains of the League of Entropy mainnet that this crate supports
/// are built in as [`QUICKNET`] and [`MAINNET`]. A `Chain` can also be written
/// by hand; [`verify`](crate::verify()) then first checks that its `hash`
/// matches the other fields (see [`Chain::compute_hash`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chain {
    /// A short human name for the chain, used in messages.
    pub name: &'static str,
    /// drand's beacon ID (`metadata.beaconID` of `/info`); part of the chain hash
    /// unless it is `"default"` or empty.
    pub beacon_id: &'static str,
    /// The chain hash: the identifier of the chain in drand's API.
    pub hash: [u8; 32],
    /// The signature scheme.
    pub scheme: Scheme,
    /// The compressed group public key (48 bytes on G1 or 96 bytes on G2,
    /// depending on the scheme).
    pub public_key: &'static [u8],
    /// The genesis seed (`groupHash` of `/info`); it is also the
    /// `previous_signature` of round 1 on chained networks.
    pub genesis_seed: [u8; 32],
    /// Unix time (seconds) of round 1.
    pub genesis_time: u64,
    /// Seconds between two rounds.
    pub period_seconds: u64,
}

impl Chain {
    /// The chain hash as drand computes it from the chain's parameters:
    /// `SHA-256(period as u32 BE || genesis_time as i64 BE || public_key ||
    /// genesis_seed || beacon_id)`, where the beacon ID is left out when it is
    /// `"default"` or empty (drand's `chain.Info.Hash`).
    ///
    /// Returns `None` when the period or the genesis time do not fit drand's
    /// integer types (a `u32` and an `i64`).
    pub fn compute_hash(&self) -> Option<[u8; 32]> {
        let period = u32::try_from(self.period_seconds).ok()?;
        let genesis = i64::try_from(self.genesis_time).ok()?;
        let mut h = Sha256::new();
        h.update(period.to_be_bytes());
        h.update(genesis.to_be_bytes());
        h.update(self.public_key);
        h.update(self.genesis_seed);
        if !self.beacon_id.is_empty() && self.beacon_id != "default" {
            h.update(self.beacon_id.as_bytes());
        }
        Some(h.finalize().into())
    }

    /// Whether [`Chain::hash`] agrees with [`Chain::compute_hash`].
    pub fn is_consistent(&self) -> bool {
        self.compute_hash() == Some(self.hash)
    }
}

/// Decodes a hexadecimal literal at compile time. It is only called in
/// constant items, so a typo in a constant fails the build; it never runs
/// (and so never panics) at run time.
#[allow(clippy::panic, clippy::indexing_slicing)]
const fn hex_array<const N: usize>(s: &str) -> [u8; N] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => panic!("bad hex digit in a built-in constant"),
        }
    }
    let bytes = s.as_bytes();
    assert!(
        bytes.len() == 2 * N,
        "bad hex length in a built-in constant"
    );
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = (nibble(bytes[2 * i]) << 4) | nibble(bytes[2 * i + 1]);
        i += 1;
    }
    out
}

const QUICKNET_PUBLIC_KEY: [u8; 96] = hex_array(
    "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c\
     8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb\
     5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a",
);

const MAINNET_PUBLIC_KEY: [u8; 48] = hex_array(
    "868f005eb8e6e4ca0a47c8a77ceaa5309a47978a7c71bc5c\
     ce96366b5d7a569937c529eeda66c7293784a9402801af31",
);

/// The League of Entropy `quicknet` chain: unchained, one round every 3 s
/// since 2023-08-23, signatures on G1 (`bls-unchained-g1-rfc9380`).
///
/// Parameters as published by drand (`/info` of chain
/// `52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971`).
pub static QUICKNET: Chain = Chain {
    name: "quicknet",
    beacon_id: "quicknet",
    hash: hex_array("52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"),
    scheme: Scheme::UnchainedG1Rfc9380,
    public_key: &QUICKNET_PUBLIC_KEY,
    genesis_seed: hex_array("f477d5c89f21a17c863a7f937c6a6d15859414d2be09cd448d4279af331c5d3e"),
    genesis_time: 1_692_803_367,
    period_seconds: 3,
};

/// The League of Entropy `default` mainnet chain: chained, one round every
/// 30 s since 2020-07-22 (`pedersen-bls-chained`).
///
/// Parameters as published by drand (`/info` of chain
/// `8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce`).
pub static MAINNET: Chain = Chain {
    name: "mainnet",
    beacon_id: "default",
    hash: hex_array("8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce"),
    scheme: Scheme::PedersenBlsChained,
    public_key: &MAINNET_PUBLIC_KEY,
    genesis_seed: hex_array("176f93498eac9ca337150b46d21dd58673ea4e3581185f869672e59fa4cb390a"),
    genesis_time: 1_595_431_050,
    period_seconds: 30,
};

/// All built-in chains.
pub static CHAINS: [&Chain; 2] = [&QUICKNET, &MAINNET];

/// The built-in chain with this chain hash, if any.
pub fn chain_by_hash(hash: &[u8; 32]) -> Option<&'static Chain> {
    CHAINS.iter().copied().find(|c| &c.hash == hash)
}

/// The built-in chain whose chain hash has this hexadecimal spelling
/// (64 hex digits, either case), if any.
pub fn chain_by_hash_hex(hash_hex: &str) -> Option<&'static Chain> {
    let hash = crate::hex::decode_array::<32>(hash_hex.trim()).ok()?;
    chain_by_hash(&hash)
}
