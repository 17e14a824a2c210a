//! drand beacon checks for the reveal (SPEC.md section 6.4).

use crate::digest::Digest;
use crate::error::{Error, Result};

/// Verifies a drand beacon for the committed chain and round.
///
/// A build without the `drand` feature refuses every drand source rather than skip it.
#[cfg(not(feature = "drand"))]
pub fn verify(
    chain: &Digest,
    round: u64,
    _signature: &[u8],
    _previous: Option<&[u8]>,
) -> Result<()> {
    Err(Error::DrandSignature {
        detail: alloc::format!(
            "round {round} of chain {chain} cannot be checked: this build has no drand support (enable the `drand` feature)"
        ),
    })
}

/// Verifies a drand beacon for the committed chain and round, offline, with the chain's
/// built-in public key.
#[cfg(feature = "drand")]
pub fn verify(chain: &Digest, round: u64, signature: &[u8], previous: Option<&[u8]>) -> Result<()> {
    use alloc::string::ToString;
    let known = kleroterion_drand::chain_by_hash(chain.as_bytes()).ok_or_else(|| {
        Error::DrandSignature {
            detail: alloc::format!(
                "chain {chain} is not a drand network this verifier knows (quicknet, mainnet)"
            ),
        }
    })?;
    let beacon = kleroterion_drand::Beacon {
        round,
        signature: signature.to_vec(),
        previous_signature: previous.map(<[u8]>::to_vec),
        randomness: None,
    };
    kleroterion_drand::verify(known, round, &beacon)
        .map(|_| ())
        .map_err(|e| Error::DrandSignature {
            detail: e.to_string(),
        })
}

/// When a drand round is produced, in Unix seconds, for a known chain.
#[cfg(feature = "drand")]
pub fn round_time(chain: &Digest, round: u64) -> Option<u64> {
    kleroterion_drand::chain_by_hash(chain.as_bytes())
        .map(|c| kleroterion_drand::round_time(c, round))
}

/// When a drand round is produced; `None` in a build without drand support.
#[cfg(not(feature = "drand"))]
pub fn round_time(_chain: &Digest, _round: u64) -> Option<u64> {
    None
}

/// The first round of a known drand chain produced at or after `unix` seconds, with its time:
/// the round to commit to when the commitment will be published at that time.
#[cfg(feature = "drand")]
pub fn first_round_at_or_after(chain: &Digest, unix: u64) -> Option<(u64, u64)> {
    let c = kleroterion_drand::chain_by_hash(chain.as_bytes())?;
    let round = kleroterion_drand::first_round_at_or_after(c, unix);
    Some((round, kleroterion_drand::round_time(c, round)))
}

/// The chain hash of a drand network known by name (`quicknet`, `mainnet`).
#[cfg(feature = "drand")]
pub fn chain_by_name(name: &str) -> Option<Digest> {
    kleroterion_drand::CHAINS
        .iter()
        .find(|c| c.name == name)
        .map(|c| Digest::from_array(c.hash))
}
