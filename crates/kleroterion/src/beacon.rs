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

/// The name of a known drand network (`quicknet`, `mainnet`) from its chain hash; `None` for
/// another chain, or in a build without drand support.
#[cfg(feature = "drand")]
pub fn network_name(chain: &Digest) -> Option<&'static str> {
    kleroterion_drand::chain_by_hash(chain.as_bytes()).map(|c| c.name)
}

/// The name of a known drand network; `None` in a build without drand support.
#[cfg(not(feature = "drand"))]
pub fn network_name(_chain: &Digest) -> Option<&'static str> {
    None
}

/// The drand round to commit to when the commitment will be published at a given time: the
/// answer of [`plan_round`], the same for the command line (`drand-round --json`), Python
/// (`randomness.first_drand_round`) and the verification page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrandRound {
    /// The network's name (`quicknet`, `mainnet`).
    pub network: alloc::string::String,
    /// The network's chain hash, in lowercase hex: what the recipe's drand source names.
    pub chain: alloc::string::String,
    /// The time asked for, as `YYYY-MM-DDTHH:MM:SSZ`.
    pub after: alloc::string::String,
    /// The first round produced at or after that time.
    pub round: u64,
    /// When that round is produced, as `YYYY-MM-DDTHH:MM:SSZ`.
    pub time: alloc::string::String,
    /// When that round is produced, in Unix seconds.
    pub unix: u64,
}

/// Plans a draw's drand source: the first round of a known drand network produced at or
/// after a UTC time, with its production time.
///
/// `chain` is `quicknet` or `mainnet` (any case), or the chain hash of one of them (64 hex
/// digits, any case); spaces around it are ignored. `after` is a UTC time in one of the forms
/// of [`crate::time::parse_utc_input`]: `2026-12-01T12:00:00Z`, `2026-12-01 12:00`...
///
/// Fails with [`Error::InvalidArgument`] naming `chain` or `after`, and the fix.
#[cfg(feature = "drand")]
pub fn plan_round(chain: &str, after: &str) -> Result<DrandRound> {
    use crate::text::display;
    use crate::time::{format_unix, parse_utc_input};
    let wanted = chain.trim().to_ascii_lowercase();
    let known = kleroterion_drand::CHAINS
        .iter()
        .find(|c| c.name == wanted || crate::digest::to_hex(&c.hash) == wanted)
        .ok_or_else(|| Error::InvalidArgument {
            field: "chain",
            detail: alloc::format!(
                "\"{}\" is not a drand network this library knows; use quicknet or mainnet, or the chain hash of one of them",
                display(chain, 80)
            ),
        })?;
    let unix = parse_utc_input(after).ok_or_else(|| Error::InvalidArgument {
        field: "after",
        detail: alloc::format!(
            "\"{}\" is not a UTC time; write it as YYYY-MM-DDTHH:MM:SSZ (e.g. 2026-12-01T12:00:00Z; 2026-12-01 12:00 also works), from 1970 to 9999",
            display(after, 80)
        ),
    })?;
    let round = kleroterion_drand::first_round_at_or_after(known, unix);
    let at = kleroterion_drand::round_time(known, round);
    Ok(DrandRound {
        network: known.name.into(),
        chain: crate::digest::to_hex(&known.hash),
        after: format_unix(unix),
        round,
        time: format_unix(at),
        unix: at,
    })
}
