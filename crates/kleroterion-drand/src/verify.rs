//! BLS verification of drand beacons.

use bls12_381::hash_to_curve::{ExpandMsgXmd, HashToCurve};
use bls12_381::{
    G1Affine, G1Projective, G2Affine, G2Prepared, G2Projective, Gt, multi_miller_loop,
};
use sha2::{Digest, Sha256};

use crate::beacon::Beacon;
use crate::chain::{Chain, Scheme, chain_by_hash};
use crate::error::{DrandError, Field};

/// Hash-to-G1 domain separation tag (RFC 9380 suite `BLS12381G1_XMD:SHA-256_SSWU_RO_`
/// with the BLS signature `NUL` tag), used by `bls-unchained-g1-rfc9380`.
pub const DST_G1: &[u8] = b"BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_";

/// Hash-to-G2 domain separation tag, used by `pedersen-bls-chained`.
pub const DST_G2: &[u8] = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_";

/// drand's randomness of a round: SHA-256 of its signature bytes.
pub fn randomness_from_signature(signature: &[u8]) -> [u8; 32] {
    Sha256::digest(signature).into()
}

/// The 32-byte message that drand signs for a round:
/// `SHA-256(previous_signature || round as u64 big-endian)` on chained
/// networks and `SHA-256(round as u64 big-endian)` on unchained ones (pass
/// `None`).
pub fn round_message(round: u64, previous_signature: Option<&[u8]>) -> [u8; 32] {
    let mut h = Sha256::new();
    if let Some(prev) = previous_signature {
        h.update(prev);
    }
    h.update(round.to_be_bytes());
    h.finalize().into()
}

fn fixed<const N: usize>(bytes: &[u8], field: Field) -> Result<[u8; N], DrandError> {
    bytes.try_into().map_err(|_| DrandError::Length {
        field,
        expected: N,
        found: bytes.len(),
    })
}

fn g1_point(bytes: &[u8], field: Field) -> Result<G1Affine, DrandError> {
    let arr = fixed::<48>(bytes, field)?;
    // `from_compressed` checks the encoding, that the point is on the curve
    // and that it is in the prime-order subgroup.
    let p: Option<G1Affine> = G1Affine::from_compressed(&arr).into();
    match p {
        Some(p) if !bool::from(p.is_identity()) => Ok(p),
        _ => Err(DrandError::InvalidPoint { field }),
    }
}

fn g2_point(bytes: &[u8], field: Field) -> Result<G2Affine, DrandError> {
    let arr = fixed::<96>(bytes, field)?;
    let p: Option<G2Affine> = G2Affine::from_compressed(&arr).into();
    match p {
        Some(p) if !bool::from(p.is_identity()) => Ok(p),
        _ => Err(DrandError::InvalidPoint { field }),
    }
}

/// Checks only the BLS signature of `round` against `chain`'s public key.
///
/// `previous_signature` must be `Some` exactly on chained networks. Most
/// callers want [`verify`] instead, which also checks the round, the chain
/// description and the published randomness.
///
/// # Errors
///
/// [`DrandError::Length`] / [`DrandError::InvalidPoint`] for malformed
/// signatures or keys, [`DrandError::MissingPreviousSignature`] /
/// [`DrandError::UnexpectedPreviousSignature`] when `previous_signature` does
/// not fit the scheme, [`DrandError::RoundZero`] for round 0, and
/// [`DrandError::InvalidSignature`] when the signature is well formed but wrong.
pub fn verify_signature(
    chain: &Chain,
    round: u64,
    signature: &[u8],
    previous_signature: Option<&[u8]>,
) -> Result<(), DrandError> {
    if round == 0 {
        return Err(DrandError::RoundZero);
    }
    let ok = match chain.scheme {
        Scheme::UnchainedG1Rfc9380 => {
            if previous_signature.is_some() {
                return Err(DrandError::UnexpectedPreviousSignature {
                    round,
                    chain: chain.name,
                });
            }
            let sig = g1_point(signature, Field::Signature)?;
            let pk = g2_point(chain.public_key, Field::PublicKey)?;
            let msg = round_message(round, None);
            let h: G1Projective =
                <G1Projective as HashToCurve<ExpandMsgXmd<Sha256>>>::hash_to_curve([msg], DST_G1);
            let h = G1Affine::from(h);
            // e(sig, g2) == e(H(m), pk)  <=>  e(sig, -g2) * e(H(m), pk) == 1
            let neg_g2 = -G2Affine::generator();
            multi_miller_loop(&[
                (&sig, &G2Prepared::from(neg_g2)),
                (&h, &G2Prepared::from(pk)),
            ])
            .final_exponentiation()
                == Gt::identity()
        }
        Scheme::PedersenBlsChained => {
            let prev = previous_signature.ok_or(DrandError::MissingPreviousSignature {
                round,
                chain: chain.name,
            })?;
            // Round 1 chains onto the 32-byte genesis seed; later rounds onto
            // the 96-byte signature of the round before.
            let expected_prev = if round == 1 { 32 } else { 96 };
            if prev.len() != expected_prev {
                return Err(DrandError::Length {
                    field: Field::PreviousSignature,
                    expected: expected_prev,
                    found: prev.len(),
                });
            }
            let sig = g2_point(signature, Field::Signature)?;
            let pk = g1_point(chain.public_key, Field::PublicKey)?;
            let msg = round_message(round, Some(prev));
            let h: G2Projective =
                <G2Projective as HashToCurve<ExpandMsgXmd<Sha256>>>::hash_to_curve([msg], DST_G2);
            let h = G2Affine::from(h);
            // e(g1, sig) == e(pk, H(m))  <=>  e(-g1, sig) * e(pk, H(m)) == 1
            let neg_g1 = -G1Affine::generator();
            multi_miller_loop(&[
                (&neg_g1, &G2Prepared::from(sig)),
                (&pk, &G2Prepared::from(h)),
            ])
            .final_exponentiation()
                == Gt::identity()
        }
    };
    if ok {
        Ok(())
    } else {
        Err(DrandError::InvalidSignature {
            round,
            chain: chain.name,
        })
    }
}

/// Verifies a beacon of `chain` for the round the lottery committed to, and
/// returns its randomness, `SHA-256(signature)`.
///
/// In order, it refuses: a chain description whose hash does not match its
/// parameters, a beacon for another round than `expected_round` (or round 0),
/// a published `randomness` that is not SHA-256 of the signature, a
/// `previous_signature` that is missing (chained) or present (unchained),
/// signatures, previous signatures or keys of the wrong length or not on the
/// curve, and finally a BLS signature that does not verify.
///
/// # Errors
///
/// See [`DrandError`]; each refusal above has its own variant.
pub fn verify(chain: &Chain, expected_round: u64, beacon: &Beacon) -> Result<[u8; 32], DrandError> {
    if !chain.is_consistent() {
        return Err(DrandError::ChainHashMismatch { chain: chain.name });
    }
    if expected_round == 0 || beacon.round == 0 {
        return Err(DrandError::RoundZero);
    }
    if beacon.round != expected_round {
        return Err(DrandError::RoundMismatch {
            expected: expected_round,
            found: beacon.round,
        });
    }
    beacon.check_randomness()?;
    verify_signature(
        chain,
        beacon.round,
        &beacon.signature,
        beacon.previous_signature.as_deref(),
    )?;
    Ok(randomness_from_signature(&beacon.signature))
}

/// [`Beacon::from_json`] followed by [`verify`].
///
/// # Errors
///
/// Any error of either.
pub fn verify_json(chain: &Chain, expected_round: u64, json: &str) -> Result<[u8; 32], DrandError> {
    verify(chain, expected_round, &Beacon::from_json(json)?)
}

/// Looks the chain up among the built-in ones by its chain hash, then
/// [`verify`]s the beacon against it.
///
/// # Errors
///
/// [`DrandError::UnknownChain`] when no built-in chain has this hash, else any
/// error of [`verify`].
pub fn verify_by_chain_hash(
    chain_hash: &[u8; 32],
    expected_round: u64,
    beacon: &Beacon,
) -> Result<[u8; 32], DrandError> {
    let chain = chain_by_hash(chain_hash).ok_or(DrandError::UnknownChain { hash: *chain_hash })?;
    verify(chain, expected_round, beacon)
}
