//! Tickets and household keys: random codes, or keyed hashes for reproducible runs.
//!
//! A ticket is 64 bits written as four groups of four uppercase hex digits, e.g.
//! `7F3A-91C2-0B5E-44D1`. It comes either from the operating system's randomness, or from
//! `HMAC-SHA256(key, "ticket" || 0x00 || id)` with a secret key (never a plain hash of the id,
//! which anyone could recompute from a list of names). Household keys are made the same way
//! with the prefix `H-` and the label `household`, so the committed key reveals nothing of
//! the address.

use sha2::{Digest as _, Sha256};

use crate::error::{FileError, Result};

/// How tickets and household keys are made.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TicketSource {
    /// From the operating system's randomness.
    #[default]
    Random,
    /// `HMAC-SHA256(key, label || 0x00 || text)`: reproducible, for tests and for organisers
    /// who must re-derive tickets. Keep the key secret.
    Keyed(Vec<u8>),
}

/// HMAC-SHA256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// Writes 8 bytes as `XXXX-XXXX-XXXX-XXXX`.
pub fn format_code(bytes: &[u8; 8]) -> String {
    let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
    let groups: Vec<&str> = (0..4).map(|i| &hex[i * 4..i * 4 + 4]).collect();
    groups.join("-")
}

impl TicketSource {
    /// 8 bytes for `text` under `label` (random: `text` is ignored).
    pub(crate) fn code(&self, label: &str, text: &str) -> Result<[u8; 8]> {
        let mut out = [0u8; 8];
        match self {
            TicketSource::Random => getrandom::fill(&mut out).map_err(|e| FileError::Invalid {
                detail: format!("the operating system gave no randomness for tickets: {e}"),
            })?,
            TicketSource::Keyed(key) => {
                let mut m = Vec::with_capacity(label.len() + 1 + text.len());
                m.extend_from_slice(label.as_bytes());
                m.push(0);
                m.extend_from_slice(text.as_bytes());
                out.copy_from_slice(&hmac_sha256(key, &m)[..8]);
            }
        }
        Ok(out)
    }

    /// The ticket of the person with this id.
    pub fn ticket(&self, id: &str) -> Result<String> {
        Ok(format_code(&self.code("ticket", id)?))
    }

    /// The household key of this normalised address.
    pub fn household(&self, address: &str) -> Result<String> {
        Ok(format!(
            "H-{}",
            format_code(&self.code("household", address)?)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn rfc4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn rfc4231_case_6_long_key() {
        let key = [0xaau8; 131];
        let mac = hmac_sha256(
            &key,
            b"Test Using Larger Than Block-Size Key - Hash Key First",
        );
        assert_eq!(
            hex(&mac),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn keyed_is_stable_random_differs() {
        let k = TicketSource::Keyed(b"secret".to_vec());
        let t = k.ticket("p1").unwrap();
        assert_eq!(t, k.ticket("p1").unwrap());
        assert_eq!(t.len(), 19);
        assert_ne!(t, k.ticket("p2").unwrap());
        assert!(k.household("x").unwrap().starts_with("H-"));
        let r = TicketSource::Random;
        assert_ne!(r.ticket("p1").unwrap(), r.ticket("p1").unwrap());
    }
}
