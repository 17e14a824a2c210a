//! The stage-2 method: a LEXIMIN lottery of 1,000 panels, or the greedy method.
//!
//! [`STAGE2_METHOD`] is the single switch point between the two.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use kleroterion::Method;
use kleroterion::methods::lottery::selection_counts;
use kleroterion_fair::{Feasibility, Options, Progress, feasibility, leximin, round_to_lottery};

use super::DemoError;
use super::respondents::PanelPool;

/// Which method stage 2 commits to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelMethod {
    /// A committed portfolio of equiprobable panels from the LEXIMIN distribution.
    Lottery,
    /// The greedy quota-constrained sequential method, 100 attempts.
    Greedy,
}

/// The switch point: the method stage 2 uses.
pub const STAGE2_METHOD: PanelMethod = PanelMethod::Lottery;

/// The method to commit to, with what is known of everyone's probability.
#[derive(Debug, Clone)]
pub struct PanelPlan {
    /// The committed method (the portfolio is inside for the lottery).
    pub method: Method,
    /// For the lottery: how many of the `M` panels hold each volunteer.
    pub counts: Option<Vec<u32>>,
    /// The lowest probability of the LEXIMIN distribution before rounding.
    pub leximin_min: Option<f64>,
    /// The largest change of anyone's probability from the rounding.
    pub rounding_change: Option<f64>,
    /// Why the plan differs from [`STAGE2_METHOD`], if it does.
    pub note: Option<String>,
}

/// Builds the stage-2 plan for panels of `k`, a lottery of `m` panels.
pub fn plan(
    pool: &PanelPool,
    k: u32,
    m: u32,
    time_limit: Duration,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<PanelPlan, DemoError> {
    let instance = instance(pool, k);
    if let Feasibility::Infeasible {
        relaxations,
        reason,
    } = feasibility(&instance)?
    {
        let fixes: Vec<String> = relaxations.into_iter().map(|r| r.reason).collect();
        return Err(DemoError::Infeasible(format!(
            "{reason}; smallest relaxation: {}",
            fixes.join(", ")
        )));
    }
    if STAGE2_METHOD == PanelMethod::Greedy {
        return Ok(greedy(None));
    }
    // `progress` is neither `Send` nor `'static`, as the fair options' callback must be: the
    // run reports over a channel and this thread passes each report on until the run ends
    // (its options, which hold the sender, are dropped then).
    let (reports, received) = mpsc::channel();
    let options = Options::new()
        .with_time_limit(time_limit)
        .with_progress(move |p: &Progress| {
            let _ = reports.send((p.fixed as u64, p.people as u64));
        });
    let run = thread::scope(|scope| {
        let instance = &instance;
        let run = scope.spawn(move || leximin(instance, &options));
        for (fixed, people) in received {
            progress(fixed, people);
        }
        run.join()
    });
    let dist = match run.unwrap_or_else(|panic| std::panic::resume_unwind(panic)) {
        Ok(d) => d,
        Err(
            e @ (kleroterion_fair::FairError::TimeLimit { .. }
            | kleroterion_fair::FairError::Solver(_)),
        ) => {
            return Ok(greedy(Some(format!(
                "LEXIMIN did not finish ({e}); the greedy method was used instead"
            ))));
        }
        Err(e) => return Err(e.into()),
    };
    let lottery = round_to_lottery(&instance, &dist, m)?;
    let counts = selection_counts(&lottery.panels, pool.records.len());
    Ok(PanelPlan {
        method: Method::Lottery {
            portfolio: lottery.panels,
        },
        counts: Some(counts),
        leximin_min: Some(dist.report.min),
        rounding_change: Some(lottery.loss.max_change),
        note: None,
    })
}

fn greedy(note: Option<String>) -> PanelPlan {
    PanelPlan {
        method: Method::Greedy { max_attempts: 100 },
        counts: None,
        leximin_min: None,
        rounding_change: None,
        note,
    }
}

/// The fair crate's view of the pool.
fn instance(pool: &PanelPool, k: u32) -> kleroterion_fair::Instance {
    kleroterion_fair::Instance {
        panel_size: k,
        features: kleroterion_files::fair::fair_features(&pool.features),
        people: pool
            .values
            .iter()
            .map(|v| v.iter().map(|&x| u32::from(x)).collect())
            .collect(),
        households: pool.shared_households.clone(),
    }
}
