//! Where a commit's tickets and household keys come from: the operating system's randomness,
//! or a keyed hash under a [`TicketKey`] (see [`kleroterion::tickets`] for the codes and the
//! key's rules).

use kleroterion::roster::TicketMaker;
pub use kleroterion::tickets::{TicketKey, format_code};

use crate::error::{FileError, Result};

/// How tickets and household keys are made.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TicketSource {
    /// From the operating system's randomness: nobody can re-derive them.
    #[default]
    Random,
    /// `HMAC-SHA256(key, label || 0x00 || text)`: reproducible, for organisers who must
    /// re-derive tickets and for tests. Keep the key secret.
    Keyed(TicketKey),
}

impl TicketSource {
    /// A key of 256 bits from the operating system's randomness.
    pub fn generate_key() -> Result<TicketKey> {
        let mut bytes = [0u8; TicketKey::GENERATED_BYTES];
        getrandom::fill(&mut bytes).map_err(|e| FileError::Invalid {
            detail: format!("the operating system gave no randomness for the ticket key: {e}"),
        })?;
        TicketKey::from_bytes(&bytes).map_err(|e| FileError::core("the generated ticket key", e))
    }

    /// The ticket of the person with this id (random: a new one each call).
    pub fn ticket(&mut self, id: &str) -> Result<String> {
        let code = self
            .code(kleroterion::tickets::TICKET_LABEL, id)
            .map_err(|e| FileError::core("making a ticket", e))?;
        Ok(format_code(&code))
    }
}

impl TicketMaker for TicketSource {
    fn code(&mut self, label: &str, text: &str) -> kleroterion::Result<[u8; 8]> {
        match self {
            TicketSource::Keyed(key) => Ok(TicketKey::code(key, label, text)),
            TicketSource::Random => random("tickets"),
        }
    }

    fn secret(&mut self, id: &str) -> kleroterion::Result<[u8; 32]> {
        match self {
            TicketSource::Keyed(key) => Ok(TicketKey::secret(key, id)),
            TicketSource::Random => random("receipt secrets"),
        }
    }

    fn salt(&mut self, id: &str) -> kleroterion::Result<[u8; 32]> {
        match self {
            TicketSource::Keyed(key) => Ok(TicketKey::salt(key, id)),
            TicketSource::Random => random("seals"),
        }
    }

    fn is_keyed(&self) -> bool {
        matches!(self, TicketSource::Keyed(_))
    }
}

/// `N` bytes from the operating system's randomness, for `what`.
fn random<const N: usize>(what: &str) -> kleroterion::Result<[u8; N]> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|e| kleroterion::Error::NoRandomness {
        detail: format!("the operating system gave no randomness for {what}: {e}"),
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_is_stable_random_differs() {
        let key = TicketKey::parse("00112233445566778899aabbccddeeff").unwrap();
        let mut k = TicketSource::Keyed(key.clone());
        let t = k.ticket("p1").unwrap();
        assert_eq!(t, key.ticket("p1"));
        assert_eq!(t.len(), 19);
        assert_ne!(t, k.ticket("p2").unwrap());
        let mut r = TicketSource::Random;
        assert_ne!(r.ticket("p1").unwrap(), r.ticket("p1").unwrap());
        let g = TicketSource::generate_key().unwrap();
        assert_eq!(g.as_bytes().len(), 32);
        assert_ne!(g, TicketSource::generate_key().unwrap());
        assert_eq!(k.secret("p1").unwrap(), key.secret("p1"));
        assert_ne!(r.secret("p1").unwrap(), r.secret("p1").unwrap());
    }
}
