//! Run options: time limit, progress reporting, cancellation.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::FairError;

/// Which part of the computation a [`Progress`] report comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Phase {
    /// LEXIMIN of the LP relaxation (fractional panels): one compact LP per level. `value` is
    /// the level; `fixed` counts the people whose relaxed probability is fixed.
    Relaxation,
    /// Building panels whose mix gives everyone their relaxed LEXIMIN probability. `panels`
    /// counts the panels in use, `value` is the largest difference between anyone's current
    /// and target probability, `bound` the difference at which it stops, and `fixed` counts
    /// the people already within `bound` of their target.
    Decomposing,
    /// Column generation: building the first few panels.
    Seeding,
    /// Column generation for one level of the LEXIMIN (or the single maximin level).
    Level,
    /// A level finished and its lowest group was fixed.
    Fixed,
    /// Cleaning up and expanding the final distribution.
    Finishing,
}

/// A progress report, passed to [`Options::progress`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    /// What is being done.
    pub phase: Phase,
    /// The current level, starting at 1.
    pub level: usize,
    /// How many people have their probability fixed so far (while decomposing: how many are
    /// already within `bound` of their probability; see [`Phase`]).
    pub fixed: usize,
    /// How many people there are.
    pub people: usize,
    /// How many panels (columns) the master problem, or the decomposition, holds.
    pub panels: usize,
    /// The current level's best minimum probability so far (while decomposing: the largest
    /// difference between anyone's probability and their target).
    pub value: f64,
    /// An upper bound on the current level (from the pricing problem); while decomposing, the
    /// difference at which it stops; equals `value` in the other phases.
    pub bound: f64,
}

/// Options for [`crate::leximin`] and [`crate::maximin`].
///
/// The options never change the result, only whether the computation finishes: with the same
/// instance the output is bit-identical whatever the options (unless it stops early with an error).
#[derive(Clone, Default)]
pub struct Options<'a> {
    /// Stop with [`FairError::TimeLimit`] once this much wall-clock time has passed. The error
    /// says how far the run got and holds, when there is one, the panel mix at hand (a valid
    /// distribution, not the full LEXIMIN: see [`crate::Partial`]).
    pub time_limit: Option<Duration>,
    /// Called after each master problem and each fixed level.
    pub progress: Option<&'a dyn Fn(&Progress)>,
    /// Stop with [`FairError::Cancelled`] once this flag is set (checked between solver calls),
    /// with the same partial result as [`Options::time_limit`]. A flag raised from the progress
    /// callback stops every run at the same point.
    pub cancel: Option<Arc<AtomicBool>>,
}

impl fmt::Debug for Options<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Options")
            .field("time_limit", &self.time_limit)
            .field("progress", &self.progress.is_some())
            .field("cancel", &self.cancel)
            .finish()
    }
}

/// Run-time guard built from [`Options`].
pub(crate) struct Guard<'a> {
    deadline: Option<Instant>,
    cancel: Option<Arc<AtomicBool>>,
    progress: Option<&'a dyn Fn(&Progress)>,
}

impl<'a> Guard<'a> {
    pub(crate) fn new(options: &Options<'a>) -> Self {
        Self {
            deadline: options.time_limit.map(|d| Instant::now() + d),
            cancel: options.cancel.clone(),
            progress: options.progress,
        }
    }

    /// Errors when cancelled or out of time.
    pub(crate) fn check(&self) -> Result<(), FairError> {
        if let Some(c) = &self.cancel
            && c.load(Ordering::Relaxed)
        {
            return Err(FairError::cancelled());
        }
        if let Some(d) = self.deadline
            && Instant::now() >= d
        {
            return Err(FairError::time_limit());
        }
        Ok(())
    }

    /// Time left before the deadline, if any.
    pub(crate) fn remaining(&self) -> Option<Duration> {
        self.deadline
            .map(|d| d.saturating_duration_since(Instant::now()))
    }

    pub(crate) fn report(&self, p: Progress) {
        if let Some(f) = self.progress {
            f(&p);
        }
    }
}
