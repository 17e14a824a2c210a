#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod column_generation;
pub mod compare;
mod error;
mod face;
mod feasibility;
mod heuristic;
mod instance;
mod leximin;
mod lottery;
mod lp_relaxation;
mod min_norm;
mod minimax;
mod model;
mod options;
mod realize;
mod solver;
mod splitmix;
mod summary;
pub mod synthetic;

#[cfg(test)]
extern crate self as kleroterion_fair;

/// The repository README's Rust examples (the embedder's path), run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct RepositoryReadme;

pub use error::{FairError, Partial, Stopped};
pub use feasibility::{Bound, Feasibility, QuotaChange, feasibility};
pub use instance::{Feature, Instance, ValueQuota};
pub use leximin::{leximin, maximin};
pub use lottery::{
    DEFAULT_LOTTERY_SIZE, Portfolio, Rounding, RoundingLoss, round_to_lottery,
    round_to_lottery_with,
};
pub use options::{
    Cancel, DECOMPOSITION_TARGET, Options, Phase, Progress, ProgressFn, decomposition_fraction,
};
pub use realize::Distribution;
pub use summary::ProbabilitySummary;
