#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

extern crate alloc;

mod beacon;
mod chain;
mod error;
mod hex;
mod time;
mod verify;

pub use beacon::Beacon;
pub use chain::{CHAINS, Chain, MAINNET, QUICKNET, Scheme, chain_by_hash, chain_by_hash_hex};
pub use error::{DrandError, Field};
pub use time::{first_round_at_or_after, latest_round_at, round_time};
pub use verify::{
    DST_G1, DST_G2, randomness_from_signature, round_message, verify, verify_by_chain_hash,
    verify_json, verify_signature,
};
