//! Run options: time limit, progress reporting, cancellation.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::{FairError, Rounding};

/// Which part of the computation a [`Progress`] report comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
    /// Minimax rounding to a lottery of M panels ([`crate::round_to_lottery_with`]). `level`
    /// counts the search's rounds (its starts over the distribution's panels, then its rounds
    /// of new panels), `panels` the distinct panels it may take, `value` the smallest largest
    /// change of anyone's probability found so far and `bound` the simple lower bound on it
    /// ([`crate::RoundingLoss::lower_bound`]); `fixed` is 0.
    Rounding,
}

/// The deviation at which [`Phase::Decomposing`] stops: `value` falls from its first report
/// towards it (a progress display can place `value` between the two on a log scale). A run
/// that stalls may stop a little above it.
pub const DECOMPOSITION_TARGET: f64 = crate::min_norm::TARGET_DEV;

/// How far [`Phase::Decomposing`] has gone, from 0 to 1, on a log scale: from its first
/// reported `value` (`first`) down to [`DECOMPOSITION_TARGET`]. The deviation falls by orders
/// of magnitude, so the fraction moves evenly through the run, while `fixed` stays near 0
/// until the end.
pub fn decomposition_fraction(first: f64, deviation: f64) -> f64 {
    if deviation <= DECOMPOSITION_TARGET {
        return 1.0;
    }
    if !(first > DECOMPOSITION_TARGET && deviation.is_finite()) {
        return 0.0;
    }
    let done = (first / deviation).ln() / (first / DECOMPOSITION_TARGET).ln();
    done.clamp(0.0, 1.0)
}

/// A progress report, passed to [`Options::progress`].
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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

/// The progress callback of [`Options::progress`]. It is shared, so that [`Options`] can be
/// cloned and sent to another thread; count calls with an atomic or a `Mutex`.
pub type ProgressFn = dyn Fn(&Progress) + Send + Sync;

/// A cancellation token. Clones share one flag: raise it from any thread (or from the
/// progress callback) and every run holding a clone stops with [`FairError::Cancelled`] at its
/// next check.
#[derive(Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A token not yet cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Raises the flag. It stays raised: a token cannot be reset.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`Cancel::cancel`] was called on this token or a clone of it.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

impl From<Arc<AtomicBool>> for Cancel {
    fn from(flag: Arc<AtomicBool>) -> Self {
        Self(flag)
    }
}

impl fmt::Debug for Cancel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Cancel").field(&self.is_cancelled()).finish()
    }
}

/// Options for [`crate::leximin`], [`crate::maximin`] and [`crate::round_to_lottery_with`].
///
/// Only [`Options::rounding`] changes a result, and only the rounding's. The others change
/// whether the computation finishes: with the same instance the output is bit-identical
/// whatever they are (unless it stops early with an error).
///
/// They own everything they hold, so they can be kept in application state, cloned, and moved
/// to another thread (`Send + Sync + 'static`):
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use kleroterion_fair::{Cancel, Options};
///
/// let calls = Arc::new(AtomicUsize::new(0));
/// let counter = Arc::clone(&calls);
/// let cancel = Cancel::new();
/// let options = Options::new()
///     .with_progress(move |_| {
///         counter.fetch_add(1, Ordering::Relaxed);
///     })
///     .with_cancel(cancel.clone());
/// let pool = kleroterion_fair::synthetic::synthetic(60, 8, 1);
/// let run = std::thread::spawn(move || kleroterion_fair::leximin(&pool, &options));
/// assert!(run.join().unwrap().is_ok());
/// assert!(calls.load(Ordering::Relaxed) > 0);
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct Options {
    /// Stop with [`FairError::TimeLimit`] once this much wall-clock time has passed. The error
    /// says how far the run got and holds, when there is one, the panel mix at hand (a valid
    /// distribution, not the full LEXIMIN: see [`crate::Partial`]).
    pub time_limit: Option<Duration>,
    /// Called after each master problem and each fixed level, on the thread running the
    /// computation.
    pub progress: Option<Arc<ProgressFn>>,
    /// Stop with [`FairError::Cancelled`] once this token is cancelled (checked between solver
    /// calls), with the same partial result as [`Options::time_limit`]. A token cancelled from
    /// the progress callback stops every run at the same point.
    pub cancel: Option<Cancel>,
    /// How [`crate::round_to_lottery_with`] rounds (LEXIMIN and maximin ignore it).
    pub rounding: Rounding,
}

// Embedders keep options in shared state and move them into worker threads.
const _: fn() = || {
    fn assert<T: Send + Sync + Clone + 'static>() {}
    assert::<Options>();
    assert::<Cancel>();
};

impl Options {
    /// No time limit, no progress callback, no cancellation, minimax rounding: the same as
    /// `Options::default()`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`Options::time_limit`].
    #[must_use]
    pub fn with_time_limit(mut self, limit: Duration) -> Self {
        self.time_limit = Some(limit);
        self
    }

    /// Sets [`Options::progress`].
    #[must_use]
    pub fn with_progress(mut self, progress: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// Sets [`Options::rounding`].
    #[must_use]
    pub fn with_rounding(mut self, rounding: Rounding) -> Self {
        self.rounding = rounding;
        self
    }

    /// Sets [`Options::cancel`]; keep a clone of the token to cancel the run.
    #[must_use]
    pub fn with_cancel(mut self, cancel: Cancel) -> Self {
        self.cancel = Some(cancel);
        self
    }
}

impl fmt::Debug for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Options")
            .field("time_limit", &self.time_limit)
            .field("progress", &self.progress.is_some())
            .field("cancel", &self.cancel)
            .field("rounding", &self.rounding)
            .finish()
    }
}

/// Run-time guard built from [`Options`].
pub(crate) struct Guard<'a> {
    deadline: Option<Instant>,
    cancel: Option<&'a Cancel>,
    progress: Option<&'a ProgressFn>,
}

impl<'a> Guard<'a> {
    pub(crate) fn new(options: &'a Options) -> Self {
        Self {
            deadline: options.time_limit.map(|d| Instant::now() + d),
            cancel: options.cancel.as_ref(),
            progress: options.progress.as_deref(),
        }
    }

    /// Errors when cancelled or out of time.
    pub(crate) fn check(&self) -> Result<(), FairError> {
        if self.cancelled() {
            return Err(FairError::cancelled());
        }
        if let Some(d) = self.deadline
            && Instant::now() >= d
        {
            return Err(FairError::time_limit());
        }
        Ok(())
    }

    /// Whether the cancellation flag is raised (the deadline aside).
    pub(crate) fn cancelled(&self) -> bool {
        self.cancel.is_some_and(Cancel::is_cancelled)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposition_fraction_runs_from_the_first_deviation_to_the_target_on_a_log_scale() {
        let first = 0.17;
        assert_eq!(decomposition_fraction(first, first), 0.0);
        assert_eq!(decomposition_fraction(first, 2.0 * first), 0.0);
        assert_eq!(decomposition_fraction(first, DECOMPOSITION_TARGET), 1.0);
        assert_eq!(decomposition_fraction(first, 0.0), 1.0);
        let middle = (first * DECOMPOSITION_TARGET).sqrt();
        assert!((decomposition_fraction(first, middle) - 0.5).abs() < 1e-12);
        assert_eq!(decomposition_fraction(f64::NAN, 1e-3), 0.0);
        assert_eq!(decomposition_fraction(first, f64::NAN), 0.0);
    }
}
