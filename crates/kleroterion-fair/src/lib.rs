#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod column_generation;
mod error;
mod face;
mod feasibility;
mod heuristic;
mod instance;
mod leximin;
mod lottery;
mod min_norm;
mod model;
mod options;
mod realize;
mod relaxation;
mod report;
mod solver;
mod splitmix;
pub mod synthetic;

#[cfg(test)]
extern crate self as kleroterion_fair;

pub use error::{FairError, Partial, Stopped};
pub use feasibility::{Bound, Feasibility, Relaxation, feasibility};
pub use instance::{Feature, Instance, ValueQuota};
pub use leximin::{leximin, maximin};
pub use lottery::{DEFAULT_LOTTERY_SIZE, Portfolio, round_to_lottery};
pub use options::{Cancel, Options, Phase, Progress, ProgressFn};
pub use realize::Distribution;
pub use report::Report;
