//! drand beacon checks for the reveal (SPEC.md section 6.4).

use crate::digest::Digest;
use crate::error::{Error, Result};

/// Verifies a drand beacon for the committed chain and round.
///
/// A build without the `drand` feature refuses every drand source rather than skip it.
#[cfg(not(feature = "drand"))]
pub fn verify(chain: &Digest, round: u64, _signature: &[u8], _previous: Option<&[u8]>) -> Result<()> {
    Err(Error::DrandSignature {
        detail: alloc::format!(
            "round {round} of chain {chain} cannot be checked: this build has no drand support (enable the `drand` feature)"
        ),
    })
}
