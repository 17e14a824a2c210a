//! Tickets and household keys: keyed hashes of ids and addresses, under a key nobody can
//! guess.
//!
//! A ticket is 64 bits written as four groups of four uppercase hex digits, e.g.
//! `7F3A-91C2-0B5E-44D1`. A keyed ticket is the first 8 bytes of
//! `HMAC-SHA256(key, "ticket" || 0x00 || id)` (RFC 2104), never a plain hash of the id, which
//! anyone could recompute from a list of names. A household key is made the same way with the
//! label `household` and the prefix `H-`, so the committed key reveals nothing of the address
//! to anyone without the ticket key.
//!
//! The key must hold at least 128 bits ([`TicketKey::MIN_BYTES`]): with a short passphrase,
//! trying every id of an electoral list would match tickets to names. Tickets are not part of
//! the verified protocol (a verifier never derives one), so how they are made is the
//! organiser's affair; these rules are what the project's tools enforce.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::error::{Error, Result};

/// A secret key for tickets and household keys, at least [`TicketKey::MIN_BYTES`] long.
///
/// Its `Debug` output never shows the key.
#[derive(Clone, PartialEq, Eq)]
pub struct TicketKey(Vec<u8>);

impl fmt::Debug for TicketKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TicketKey({} bytes)", self.0.len())
    }
}

/// Written as lowercase hex; read by [`TicketKey::parse`], so a weak key is refused there too.
impl serde::Serialize for TicketKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> serde::Deserialize<'de> for TicketKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        let text = <String as serde::Deserialize>::deserialize(d)?;
        TicketKey::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl TicketKey {
    /// The shortest key accepted: 16 bytes, 128 bits.
    pub const MIN_BYTES: usize = 16;

    /// The length of a generated key: 32 bytes, 256 bits.
    pub const GENERATED_BYTES: usize = 32;

    /// A key from raw bytes, refused below [`TicketKey::MIN_BYTES`] ([`Error::WeakTicketKey`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() < Self::MIN_BYTES {
            return Err(Error::WeakTicketKey {
                reason: format!(
                    "it holds {} bytes, fewer than the {} (128 bits) a key needs",
                    bytes.len(),
                    Self::MIN_BYTES
                ),
            });
        }
        Ok(Self(bytes.to_vec()))
    }

    /// A key written as text: hexadecimal (an even number of hex digits; upper or lower case),
    /// else standard or URL-safe base64 (padding optional) of random bytes, which mixes upper-
    /// and lowercase letters. Surrounding whitespace is ignored. A passphrase, or a key of
    /// fewer than 16 bytes, is refused ([`Error::WeakTicketKey`]).
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::WeakTicketKey {
                reason: "it is empty".into(),
            });
        }
        let bytes = if text.len().is_multiple_of(2) && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            crate::digest::from_hex(&text.to_ascii_lowercase(), "ticket key")?
        } else {
            decode_base64(text).ok_or_else(|| Error::WeakTicketKey {
                reason: "it is neither hexadecimal nor base64, so it looks like a passphrase, and a passphrase can be guessed".into(),
            })?
        };
        Self::from_bytes(&bytes)
    }

    /// The key in lowercase hexadecimal, as [`TicketKey::parse`] reads it.
    pub fn to_hex(&self) -> String {
        crate::digest::to_hex(&self.0)
    }

    /// The key's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// `HMAC-SHA256(key, label || 0x00 || text)`, its first 8 bytes.
    pub fn code(&self, label: &str, text: &str) -> [u8; 8] {
        let full = self.mac(label, text);
        let mut out = [0u8; 8];
        out.copy_from_slice(&full[..8]);
        out
    }

    /// `HMAC-SHA256(key, "holder" || 0x00 || id)`: the receipt secret of the person with this
    /// id (SPEC.md section 17).
    pub fn secret(&self, id: &str) -> [u8; 32] {
        self.mac(HOLDER_LABEL, id)
    }

    /// `HMAC-SHA256(key, "salt" || 0x00 || id)`: the salt of the seal of the person with this
    /// id, in a pool with sealed features (SPEC.md sections 4.1 and 17).
    pub fn salt(&self, id: &str) -> [u8; 32] {
        self.mac(crate::seal::SALT_LABEL, id)
    }

    fn mac(&self, label: &str, text: &str) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(label.as_bytes());
        mac.update(&[0]);
        mac.update(text.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// The ticket of the person with this id.
    pub fn ticket(&self, id: &str) -> String {
        format_code(&self.code(TICKET_LABEL, id))
    }

    /// The household key of this (normalised) address.
    pub fn household(&self, address: &str) -> String {
        household_key(&self.code(HOUSEHOLD_LABEL, address))
    }
}

/// The label of tickets in the keyed hash.
pub const TICKET_LABEL: &str = "ticket";

/// The label of household keys in the keyed hash.
pub const HOUSEHOLD_LABEL: &str = "household";

/// The label of receipt secrets in the keyed hash.
pub const HOLDER_LABEL: &str = "holder";

/// `holder = H("holder", raw32(secret))`: what a record publishes of its holder's secret
/// (SPEC.md section 4).
pub fn holder_of(secret: &[u8; 32]) -> crate::Digest {
    crate::encoding::tagged_hash(HOLDER_LABEL, secret)
}

/// Base64 of random bytes, never words: a random key of 16 bytes or more mixes upper- and
/// lowercase letters (all but about one in 100,000 do), a passphrase such as
/// `correcthorsebatterystaples` (which happens to be valid base64) does not.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let mixed = text.bytes().any(|b| b.is_ascii_uppercase())
        && text.bytes().any(|b| b.is_ascii_lowercase());
    if !mixed {
        return None;
    }
    let bare = text.trim_end_matches('=');
    STANDARD_NO_PAD
        .decode(bare)
        .or_else(|_| URL_SAFE_NO_PAD.decode(bare))
        .ok()
}

/// Writes 8 bytes as `XXXX-XXXX-XXXX-XXXX`.
pub fn format_code(bytes: &[u8; 8]) -> String {
    let hex = crate::digest::to_hex(bytes).to_ascii_uppercase();
    format!(
        "{}-{}-{}-{}",
        &hex[0..4],
        &hex[4..8],
        &hex[8..12],
        &hex[12..16]
    )
}

/// Writes 8 bytes as a household key, `H-XXXX-XXXX-XXXX-XXXX`.
pub fn household_key(bytes: &[u8; 8]) -> String {
    format!("H-{}", format_code(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4231_case_2_through_the_key_type() {
        // RFC 4231 test case 2 has a 4-byte key, below what tickets accept, so the HMAC itself
        // is checked through the crate the key type uses.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            crate::digest::to_hex(&mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn rfc4231_case_6_long_key() {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&[0xaa; 131]).unwrap();
        mac.update(b"Test Using Larger Than Block-Size Key - Hash Key First");
        assert_eq!(
            crate::digest::to_hex(&mac.finalize().into_bytes()),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    /// Known answers from Python's `hmac` module: `hmac.new(bytes(range(16)),
    /// b"ticket\x00p1", hashlib.sha256).hexdigest()[:16]`, and the same for the household.
    #[test]
    fn keyed_codes_match_an_independent_hmac() {
        let key = TicketKey::from_bytes(&(0u8..16).collect::<Vec<_>>()).unwrap();
        assert_eq!(key.ticket("p1"), "3193-0110-4B2D-4833");
        assert_eq!(
            key.household("1 rue de la Loge, 34000 Montpellier"),
            "H-2999-F03A-06AB-7BE2"
        );
    }

    #[test]
    fn keys_are_read_as_hex_or_base64_and_short_ones_refused() {
        let hex = TicketKey::parse("000102030405060708090A0B0C0D0E0F").unwrap();
        assert_eq!(hex.as_bytes(), (0u8..16).collect::<Vec<_>>());
        assert_eq!(TicketKey::parse("AAECAwQFBgcICQoLDA0ODw==").unwrap(), hex);
        assert_eq!(TicketKey::parse(" AAECAwQFBgcICQoLDA0ODw\n").unwrap(), hex);
        let url = TicketKey::parse("yMnKy8zNzs_Q0dLT1NXW1w==").unwrap();
        assert_eq!(url.as_bytes(), (200u8..216).collect::<Vec<_>>());
        assert_eq!(TicketKey::parse(&hex.to_hex()).unwrap(), hex);
        for weak in [
            "",
            "organiser-secret",
            "00010203",
            "AAECAwQFBgcICQoLDA0O",
            "mot de passe",
            "correcthorsebatterystaples",
        ] {
            let e = TicketKey::parse(weak).unwrap_err();
            assert_eq!(e.kind(), "WeakTicketKey", "{weak:?}");
        }
        assert!(TicketKey::from_bytes(&[7; 15]).is_err());
        assert_eq!(format!("{:?}", hex), "TicketKey(16 bytes)");
    }
}
