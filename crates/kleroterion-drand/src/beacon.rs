//! A drand beacon, and parsing it from drand's HTTP API JSON.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde::Deserialize;

use crate::error::{DrandError, Field};
use crate::hex::{self, HexError};
use crate::verify::randomness_from_signature;

/// One round of a drand chain, as published.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Beacon {
    /// The round number (the first round is 1).
    pub round: u64,
    /// The compressed BLS signature of the round (48 bytes on quicknet,
    /// 96 bytes on the chained mainnet).
    pub signature: Vec<u8>,
    /// The signature of the round before, published by chained networks only.
    /// For round 1 of a chained network it is the chain's genesis seed.
    pub previous_signature: Option<Vec<u8>>,
    /// The randomness published with the beacon, if it was. drand defines it
    /// as SHA-256 of the signature; [`verify`](crate::verify()) refuses a
    /// beacon where it is not.
    pub randomness: Option<[u8; 32]>,
}

/// The JSON object of drand's `/public/<round>` endpoint.
#[derive(Deserialize)]
struct RawBeacon {
    round: u64,
    #[serde(default)]
    randomness: Option<String>,
    signature: String,
    #[serde(default)]
    previous_signature: Option<String>,
}

fn hex_field(s: &str, field: Field) -> Result<Vec<u8>, DrandError> {
    hex::decode(s).map_err(|_| DrandError::Hex { field })
}

impl Beacon {
    /// Parses a beacon exactly as drand's HTTP API returns it from
    /// `GET /<chain hash>/public/<round>`:
    ///
    /// ```json
    /// {"round":3,"randomness":"7ef4…","signature":"b3fa…"}
    /// ```
    ///
    /// with a `"previous_signature"` member on chained networks. `randomness`
    /// may be absent; when present it must be SHA-256 of the signature.
    /// Other members are ignored. Parsing checks the form only; the signature
    /// itself is checked by [`verify`](crate::verify()).
    ///
    /// # Errors
    ///
    /// [`DrandError::Json`] for text that is not such an object (including
    /// a negative or fractional round), [`DrandError::Hex`] for a field that
    /// is not hexadecimal, [`DrandError::Length`] for a `randomness` that is
    /// not 32 bytes, [`DrandError::RoundZero`] for round 0, and
    /// [`DrandError::RandomnessMismatch`] when `randomness` is not SHA-256 of
    /// the signature.
    pub fn from_json(json: &str) -> Result<Beacon, DrandError> {
        let raw: RawBeacon = serde_json::from_str(json).map_err(|e| DrandError::Json {
            reason: e.to_string(),
        })?;
        if raw.round == 0 {
            return Err(DrandError::RoundZero);
        }
        let signature = hex_field(&raw.signature, Field::Signature)?;
        let previous_signature = raw
            .previous_signature
            .as_deref()
            .map(|s| hex_field(s, Field::PreviousSignature))
            .transpose()?;
        let randomness = match raw.randomness.as_deref() {
            None => None,
            Some(s) => Some(hex::decode_array::<32>(s).map_err(|e| match e {
                HexError::NotHex => DrandError::Hex {
                    field: Field::Randomness,
                },
                HexError::Length(found) => DrandError::Length {
                    field: Field::Randomness,
                    expected: 32,
                    found,
                },
            })?),
        };
        let beacon = Beacon {
            round: raw.round,
            signature,
            previous_signature,
            randomness,
        };
        beacon.check_randomness()?;
        Ok(beacon)
    }

    /// Checks that the published `randomness`, if any, is SHA-256 of the
    /// signature.
    ///
    /// # Errors
    ///
    /// [`DrandError::RandomnessMismatch`] when it is not.
    pub fn check_randomness(&self) -> Result<(), DrandError> {
        match self.randomness {
            Some(r) if r != randomness_from_signature(&self.signature) => {
                Err(DrandError::RandomnessMismatch { round: self.round })
            }
            _ => Ok(()),
        }
    }
}
