//! The error type of this crate.

use alloc::string::String;
use core::fmt;

/// Which part of a beacon (or of a chain description) an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// The BLS signature of the round (`signature` in drand's JSON).
    Signature,
    /// The signature of the round before (`previous_signature` in drand's JSON).
    PreviousSignature,
    /// The published randomness (`randomness` in drand's JSON).
    Randomness,
    /// A chain hash given as text.
    ChainHash,
    /// The group public key of a chain.
    PublicKey,
}

impl Field {
    /// The name of the field as it appears in drand's HTTP API.
    pub const fn json_name(self) -> &'static str {
        match self {
            Field::Signature => "signature",
            Field::PreviousSignature => "previous_signature",
            Field::Randomness => "randomness",
            Field::ChainHash => "chain hash",
            Field::PublicKey => "public_key",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.json_name())
    }
}

/// Why a drand beacon was refused.
///
/// Every variant's [`Display`](fmt::Display) text is a full sentence meant to
/// be shown to a person checking a lottery, not only to a programmer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DrandError {
    /// The text is not a JSON object in the form of drand's `/public/<round>` answer.
    Json {
        /// What the JSON parser reported.
        reason: String,
    },
    /// A field that must be hexadecimal is not.
    Hex {
        /// The field concerned.
        field: Field,
    },
    /// A field has the wrong number of bytes for the chain's scheme.
    Length {
        /// The field concerned.
        field: Field,
        /// How many bytes the scheme requires.
        expected: usize,
        /// How many bytes were found.
        found: usize,
    },
    /// Bytes that should encode a point of the BLS12-381 curve do not.
    InvalidPoint {
        /// The field concerned.
        field: Field,
    },
    /// Round 0 was given; drand rounds start at 1.
    RoundZero,
    /// The beacon is for another round than the one the lottery committed to.
    RoundMismatch {
        /// The round committed to in advance.
        expected: u64,
        /// The round the beacon is for.
        found: u64,
    },
    /// A beacon of a chained network came without its `previous_signature`.
    MissingPreviousSignature {
        /// The round of the beacon.
        round: u64,
        /// The name of the chain.
        chain: &'static str,
    },
    /// A beacon carries a `previous_signature` although its chain is unchained.
    UnexpectedPreviousSignature {
        /// The round of the beacon.
        round: u64,
        /// The name of the chain.
        chain: &'static str,
    },
    /// The published `randomness` is not SHA-256 of the signature.
    RandomnessMismatch {
        /// The round of the beacon.
        round: u64,
    },
    /// The BLS signature does not verify against the chain's public key.
    InvalidSignature {
        /// The round of the beacon.
        round: u64,
        /// The name of the chain.
        chain: &'static str,
    },
    /// No built-in chain has this chain hash.
    UnknownChain {
        /// The chain hash that was looked up.
        hash: [u8; 32],
    },
    /// A chain description's `hash` does not match its other parameters.
    ChainHashMismatch {
        /// The name of the chain.
        chain: &'static str,
    },
}

impl fmt::Display for DrandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DrandError::Json { reason } => write!(
                f,
                "the drand beacon is not in the JSON form that drand's HTTP API returns \
                 for /public/<round>: {reason}"
            ),
            DrandError::Hex { field } => write!(
                f,
                "the {field} of the drand beacon is not a hexadecimal string"
            ),
            DrandError::Length {
                field,
                expected,
                found,
            } => write!(
                f,
                "the {field} of the drand beacon is {found} bytes long, \
                 but this drand chain uses {expected} bytes"
            ),
            DrandError::InvalidPoint { field } => write!(
                f,
                "the {field} is not a valid point of the BLS12-381 curve, \
                 so it cannot be a drand signature or key"
            ),
            DrandError::RoundZero => f.write_str("drand rounds start at 1: round 0 does not exist"),
            DrandError::RoundMismatch { expected, found } => write!(
                f,
                "the drand beacon is for round {found}, \
                 but the lottery committed in advance to round {expected}"
            ),
            DrandError::MissingPreviousSignature { round, chain } => write!(
                f,
                "the drand beacon for round {round} has no previous_signature, \
                 which the chained {chain} network needs in order to check it"
            ),
            DrandError::UnexpectedPreviousSignature { round, chain } => write!(
                f,
                "the drand beacon for round {round} carries a previous_signature, \
                 but {chain} is an unchained network: the beacon probably comes \
                 from another drand chain"
            ),
            DrandError::RandomnessMismatch { round } => write!(
                f,
                "the randomness published with drand round {round} is not the \
                 SHA-256 hash of its signature"
            ),
            DrandError::InvalidSignature { round, chain } => write!(
                f,
                "the drand signature for round {round} does not verify against \
                 the {chain} public key"
            ),
            DrandError::UnknownChain { hash } => {
                f.write_str("no known drand chain has the chain hash ")?;
                for byte in hash {
                    write!(f, "{byte:02x}")?;
                }
                Ok(())
            }
            DrandError::ChainHashMismatch { chain } => write!(
                f,
                "the description of the drand chain {chain} is inconsistent: its \
                 chain hash does not match its public key, genesis time, period \
                 and genesis seed"
            ),
        }
    }
}

impl core::error::Error for DrandError {}
