//! Typed errors, and what a run that stopped early leaves behind.

use std::fmt;

use crate::{Distribution, Phase};

/// Everything that can go wrong while computing or rounding a fair distribution.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum FairError {
    /// The instance is malformed (wrong lengths, out-of-range indices, `min > max`, ...).
    InvalidInstance(String),
    /// No panel satisfies every quota and the household rule; see [`crate::feasibility`].
    Infeasible,
    /// The time limit in [`crate::Options`] ran out.
    TimeLimit {
        /// How far the computation got.
        stopped: Stopped,
        /// The panel mix at hand when it stopped, when there was a usable one (see [`Partial`]);
        /// not the full LEXIMIN.
        partial: Option<Box<Partial>>,
    },
    /// The cancellation flag in [`crate::Options`] was raised.
    Cancelled {
        /// How far the computation got.
        stopped: Stopped,
        /// The panel mix at hand when it stopped, when there was a usable one (see [`Partial`]);
        /// not the full LEXIMIN.
        partial: Option<Box<Partial>>,
    },
    /// A solver failed or returned a status that cannot be trusted.
    Solver(String),
    /// A distribution handed to [`crate::round_to_lottery`] does not fit the instance.
    InvalidDistribution(String),
    /// An argument is out of range (for example a lottery size of zero).
    InvalidArgument(String),
}

/// How far a computation got when the time limit or the cancellation flag stopped it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Stopped {
    /// What was being done: [`Phase::Relaxation`] or [`Phase::Decomposing`] on the way
    /// through the relaxation, [`Phase::Seeding`] or [`Phase::Level`] in column generation,
    /// [`Phase::Rounding`] in minimax rounding (which has no levels and no partial result).
    pub phase: Phase,
    /// LEXIMIN levels fixed so far, whose probabilities are final. Only column generation fixes
    /// levels one by one: the relaxation's levels are upper bounds until its decomposition
    /// into panels is complete, so this is 0 on the way through the relaxation.
    pub levels_fixed: usize,
    /// People whose probability those levels fix.
    pub people_fixed: usize,
    /// How many people there are.
    pub people: usize,
}

/// A valid distribution from a computation that stopped early: a mix of panels that meet every
/// quota and the household rule, with probabilities summing to 1. It is **not** the LEXIMIN:
/// only the levels in `levels` are final.
///
/// A stopped run returns one only when it leaves nobody out: everyone not fixed has a positive
/// probability (on the way through the relaxation, everyone whose relaxed probability is
/// positive). A mix of the first few panels is not returned.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Partial {
    /// The distribution.
    pub distribution: Distribution,
    /// The LEXIMIN levels fixed so far, in order (empty when none is).
    pub levels: Vec<f64>,
    /// Each person's fixed LEXIMIN probability (the level they were fixed at), or `None` when
    /// not fixed yet. In `distribution` they have at least this, within 1e-6.
    pub fixed: Vec<Option<f64>>,
    /// Everyone not fixed has at least this probability in `distribution`.
    pub guaranteed_minimum: f64,
    /// No distribution that gives the fixed people their levels gives everyone else a lowest
    /// probability above this (up to the solvers' tolerances; 1 when nothing better is known).
    /// With no level fixed, it bounds the LEXIMIN's lowest probability.
    pub bound: f64,
}

impl Partial {
    /// How many levels are fixed.
    pub fn levels_fixed(&self) -> usize {
        self.levels.len()
    }

    /// How many people have their probability fixed.
    pub fn people_fixed(&self) -> usize {
        self.fixed.iter().filter(|f| f.is_some()).count()
    }
}

impl FairError {
    /// [`FairError::TimeLimit`] before the caller says how far it got.
    pub(crate) fn time_limit() -> Self {
        Self::TimeLimit {
            stopped: Stopped::UNKNOWN,
            partial: None,
        }
    }

    /// [`FairError::Cancelled`] before the caller says how far it got.
    pub(crate) fn cancelled() -> Self {
        Self::Cancelled {
            stopped: Stopped::UNKNOWN,
            partial: None,
        }
    }

    /// Whether the time limit or the cancellation flag stopped the run.
    pub fn is_stop(&self) -> bool {
        matches!(self, Self::TimeLimit { .. } | Self::Cancelled { .. })
    }

    /// How far the run got, when the time limit or the cancellation flag stopped it.
    pub fn stopped(&self) -> Option<&Stopped> {
        match self {
            Self::TimeLimit { stopped, .. } | Self::Cancelled { stopped, .. } => Some(stopped),
            _ => None,
        }
    }

    /// The partial distribution of a run that stopped early, when there is one.
    pub fn partial(&self) -> Option<&Partial> {
        match self {
            Self::TimeLimit { partial, .. } | Self::Cancelled { partial, .. } => partial.as_deref(),
            _ => None,
        }
    }

    /// Records how far a stopped run got and its partial distribution; other errors pass
    /// unchanged.
    pub(crate) fn with_stop(mut self, at: Stopped, mix: Option<Partial>) -> Self {
        if let Self::TimeLimit { stopped, partial } | Self::Cancelled { stopped, partial } =
            &mut self
        {
            *stopped = at;
            *partial = mix.map(Box::new);
        }
        self
    }
}

impl Stopped {
    /// Stands in until the caller knows how far the run got.
    const UNKNOWN: Self = Self {
        phase: Phase::Relaxation,
        levels_fixed: 0,
        people_fixed: 0,
        people: 0,
    };
}

impl fmt::Display for FairError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidInstance(m) => write!(f, "invalid instance: {m}"),
            Self::Infeasible => f.write_str("no panel satisfies every quota and household rule"),
            Self::TimeLimit { .. } => f.write_str("time limit reached"),
            Self::Cancelled { .. } => f.write_str("cancelled"),
            Self::Solver(m) => write!(f, "solver failure: {m}"),
            Self::InvalidDistribution(m) => write!(f, "invalid distribution: {m}"),
            Self::InvalidArgument(m) => write!(f, "invalid argument: {m}"),
        }
    }
}

impl std::error::Error for FairError {}
