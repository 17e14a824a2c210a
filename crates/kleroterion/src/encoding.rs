//! Canonical bytes (SPEC.md section 2) and the domain-separated hash.

use alloc::vec::Vec;
use sha2::{Digest as _, Sha256};

use crate::digest::Digest;
use crate::error::{Error, Result};

/// The protocol identifier, also the prefix of every hash tag.
pub const SPEC_VERSION: &str = "kleroterion/v2";

/// Writes the canonical, length-prefixed encoding of SPEC.md section 2.
#[derive(Debug, Default, Clone)]
pub struct Encoder {
    bytes: Vec<u8>,
}

impl Encoder {
    /// An empty encoder.
    pub fn new() -> Self {
        Self::default()
    }

    /// `u8(x)`.
    pub fn u8(&mut self, x: u8) -> &mut Self {
        self.bytes.push(x);
        self
    }

    /// `bool(b)`.
    pub fn bool(&mut self, b: bool) -> &mut Self {
        self.u8(u8::from(b))
    }

    /// `u16(x)`, big-endian (used only by RFC 3797).
    pub fn u16(&mut self, x: u16) -> &mut Self {
        self.bytes.extend_from_slice(&x.to_be_bytes());
        self
    }

    /// `u32(x)`, big-endian.
    pub fn u32(&mut self, x: u32) -> &mut Self {
        self.bytes.extend_from_slice(&x.to_be_bytes());
        self
    }

    /// `u64(x)`, big-endian.
    pub fn u64(&mut self, x: u64) -> &mut Self {
        self.bytes.extend_from_slice(&x.to_be_bytes());
        self
    }

    /// `raw32(b)`: 32 bytes with no prefix.
    pub fn raw32(&mut self, d: &Digest) -> &mut Self {
        self.bytes.extend_from_slice(d.as_bytes());
        self
    }

    /// Bytes with no prefix at all.
    pub fn raw(&mut self, b: &[u8]) -> &mut Self {
        self.bytes.extend_from_slice(b);
        self
    }

    /// `bytes(b)`: a 32-bit length, then the bytes.
    pub fn bytes(&mut self, b: &[u8]) -> Result<&mut Self> {
        self.count(b.len(), "byte string")?;
        self.bytes.extend_from_slice(b);
        Ok(self)
    }

    /// `str(s)`: the UTF-8 bytes with their length.
    pub fn str(&mut self, s: &str) -> Result<&mut Self> {
        self.bytes(s.as_bytes())
    }

    /// The count prefix of a list.
    pub fn count(&mut self, n: usize, field: &'static str) -> Result<&mut Self> {
        let n = u32::try_from(n).map_err(|_| Error::TooLarge { field })?;
        Ok(self.u32(n))
    }

    /// `list(u32, xs)`.
    pub fn u32_list(&mut self, xs: &[u32]) -> Result<&mut Self> {
        self.count(xs.len(), "list")?;
        for &x in xs {
            self.u32(x);
        }
        Ok(self)
    }

    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The bytes written.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// `H(tag, m) = SHA-256(str("kleroterion/v2/" + tag) || m)`.
pub fn tagged_hash(tag: &str, message: &[u8]) -> Digest {
    let full_len = SPEC_VERSION.len() + 1 + tag.len();
    let mut h = Sha256::new();
    // Tags are short constants: the length always fits in 32 bits.
    h.update((full_len as u32).to_be_bytes());
    h.update(SPEC_VERSION.as_bytes());
    h.update(b"/");
    h.update(tag.as_bytes());
    h.update(message);
    Digest::from_array(h.finalize().into())
}

/// Plain SHA-256.
pub fn sha256(message: &[u8]) -> Digest {
    Digest::from_array(Sha256::digest(message).into())
}
