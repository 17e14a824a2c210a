//! Typed errors.

use std::fmt;

/// Everything that can go wrong while computing or rounding a fair distribution.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum FairError {
    /// The instance is malformed (wrong lengths, out-of-range indices, `min > max`, ...).
    InvalidInstance(String),
    /// No panel satisfies every quota and the household rule; see [`crate::feasibility`].
    Infeasible,
    /// The time limit in [`crate::Options`] ran out.
    TimeLimit,
    /// The cancellation flag in [`crate::Options`] was raised.
    Cancelled,
    /// A solver failed or returned a status that cannot be trusted.
    Solver(String),
    /// A distribution handed to [`crate::round_to_lottery`] does not fit the instance.
    InvalidDistribution(String),
    /// An argument is out of range (for example a lottery size of zero).
    InvalidArgument(String),
}

impl fmt::Display for FairError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidInstance(m) => write!(f, "invalid instance: {m}"),
            Self::Infeasible => f.write_str("no panel satisfies every quota and household rule"),
            Self::TimeLimit => f.write_str("time limit reached"),
            Self::Cancelled => f.write_str("cancelled"),
            Self::Solver(m) => write!(f, "solver failure: {m}"),
            Self::InvalidDistribution(m) => write!(f, "invalid distribution: {m}"),
            Self::InvalidArgument(m) => write!(f, "invalid argument: {m}"),
        }
    }
}

impl std::error::Error for FairError {}
