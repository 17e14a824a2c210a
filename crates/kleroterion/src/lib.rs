#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;

pub mod alternates;
pub mod beacon;
pub mod chain;
pub mod compact;
pub mod digest;
pub mod disclosure;
pub mod drand_answer;
pub mod draw;
pub mod encoding;
pub mod error;
pub mod manifest;
pub mod merkle;
pub mod methods;
pub mod model;
pub mod public_lottery;
pub mod published;
pub mod quotas;
pub mod receipt;
pub mod recipe;
pub mod replace;
pub mod reveal;
pub mod roster;
pub mod sampling;
pub mod seal;
pub mod stream;
pub mod text;
pub mod tickets;
pub mod time;
pub mod trace;
mod unicode_assigned;
pub mod verify;

pub use digest::Digest;
pub use draw::{Bundle, CommittedDraw, DrawResult, draw};
pub use encoding::SPEC_VERSION;
pub use error::{Error, ErrorKind, Result};
pub use manifest::{Allocation, Manifest, Method, PoolCommitment, Purpose};
pub use model::{Feature, PoolFile, Record, ValueQuota};
pub use published::{ByHand, Published, PublishedLottery, Subject};
pub use receipt::{Receipt, ReceiptCheck, ReceiptOutcome, check_receipt};
pub use recipe::{Fallback, Recipe, SourceSpec};
pub use replace::{Replacement, replace, replace_sealed};
pub use reveal::{Reveal, SourceValue};
pub use roster::{Roster, RosterBuilder, Ticket};
pub use tickets::TicketKey;
pub use verify::{
    ChainReport, Report, Status, Step, StepId, Verdict, verify, verify_chain, verify_chain_after,
    verify_json, verify_linked, verify_with,
};
