//! The random stream: ChaCha20 keystream per purpose (SPEC.md section 7).

use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};

use crate::digest::Digest;
use crate::encoding::{Encoder, tagged_hash};

/// What a stream is used for; each purpose has its own sub-seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The panel draw (uniform, greedy attempts, lottery).
    Panel,
    /// One stratum of a stratified draw.
    Stratum,
    /// The alternates and replacement order.
    Alternates,
}

impl Purpose {
    /// The purpose's text, as hashed.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Panel => "panel",
            Purpose::Stratum => "stratum",
            Purpose::Alternates => "alternates",
        }
    }
}

/// `key(purpose, index) = H("stream", raw32(seed) || str(purpose) || u32(index))`.
pub fn stream_key(seed: &Digest, purpose: &str, index: u32) -> Digest {
    let mut e = Encoder::new();
    e.raw32(seed);
    // The purpose is a short text: its length fits a u32.
    e.u32(purpose.len() as u32)
        .raw(purpose.as_bytes())
        .u32(index);
    tagged_hash("stream", e.as_bytes())
}

/// A stream of 64-bit draws: the RFC 8439 ChaCha20 keystream with a zero nonce.
pub struct Stream {
    rng: ChaCha20Rng,
    words: u64,
}

impl core::fmt::Debug for Stream {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Stream")
            .field("words", &self.words)
            .finish()
    }
}

impl Stream {
    /// The stream keyed directly by 32 bytes.
    pub fn from_key(key: &Digest) -> Self {
        Self {
            rng: ChaCha20Rng::from_seed(*key.as_bytes()),
            words: 0,
        }
    }

    /// The stream of `purpose` and `index` under `seed`.
    pub fn new(seed: &Digest, purpose: Purpose, index: u32) -> Self {
        Self::from_key(&stream_key(seed, purpose.as_str(), index))
    }

    /// The next 32-bit keystream word (little-endian).
    pub fn next_u32(&mut self) -> u32 {
        self.rng.next_u32()
    }

    /// The next 64-bit draw: `lo | hi << 32`.
    pub fn next_u64(&mut self) -> u64 {
        let lo = u64::from(self.rng.next_u32());
        let hi = u64::from(self.rng.next_u32());
        self.words += 1;
        lo | (hi << 32)
    }

    /// How many 64-bit draws were consumed.
    pub fn draws_consumed(&self) -> u64 {
        self.words
    }
}
