//! Fair panel distributions: the fair crate's LEXIMIN, maximin, rounding and feasibility.

use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;

use kleroterion_fair as kf;
use pyo3::prelude::*;
use serde_json::json;

use crate::errors::{self, CoreResult};
use crate::protocol::to_json;

/// A selection problem: people as value indices, quotas, households (the fair crate's
/// `Instance`). Built by `People.instance`.
#[pyclass(module = "kleroterion._native", frozen)]
pub struct Instance {
    instance: kf::Instance,
}

impl Instance {
    pub(crate) fn from_instance(instance: kf::Instance) -> Self {
        Self { instance }
    }

    pub(crate) fn inner(&self) -> &kf::Instance {
        &self.instance
    }
}

#[pymethods]
impl Instance {
    fn __len__(&self) -> usize {
        self.instance.len()
    }

    #[getter]
    fn panel_size(&self) -> u32 {
        self.instance.panel_size
    }

    /// Checks one panel (ascending pool indices); returns the first problem, or None.
    fn check_panel(&self, panel: Vec<u32>) -> Option<String> {
        self.instance.check_panel(&panel).err()
    }
}

/// A distribution over panels (the fair crate's `Distribution`).
#[pyclass(module = "kleroterion._native", frozen)]
pub struct Distribution {
    dist: kf::Distribution,
}

fn report_json(r: &kf::ProbabilitySummary) -> serde_json::Value {
    serde_json::to_value(r).unwrap_or_default()
}

impl Distribution {
    pub(crate) fn inner(&self) -> &kf::Distribution {
        &self.dist
    }
}

#[pymethods]
impl Distribution {
    /// Each person's selection probability, in pool order.
    #[getter]
    fn probabilities(&self) -> Vec<f64> {
        self.dist.probabilities.clone()
    }

    /// The panels of the support, each ascending pool indices.
    #[getter]
    fn panels(&self) -> Vec<Vec<u32>> {
        self.dist.panels.clone()
    }

    /// The probability of each panel.
    #[getter]
    fn weights(&self) -> Vec<f64> {
        self.dist.weights.clone()
    }

    /// Summary statistics as JSON: min, max, mean, gini, geometric_mean, share_below_mean.
    fn report_json(&self) -> PyResult<String> {
        to_json("report", &report_json(&self.dist.report))
    }

    /// Rounds to a uniform lottery over `m` panels (`rounding`: "minimax" or "systematic");
    /// returns JSON with `panels`, `probabilities`, `rounding`, `max_change`, `changed` (the
    /// people whose change is largest), `min_before`, `min_after`, `lower_bound`, `bound` and
    /// `report`. `progress`, when given, is called with `("rounding", round, 0, people, panels,
    /// largest change so far)` after each round of minimax rounding; an exception it raises (or
    /// Ctrl-C) cancels the rounding.
    #[pyo3(signature = (instance, m, rounding = "minimax", progress = None))]
    fn round(
        &self,
        py: Python<'_>,
        instance: &Instance,
        m: u32,
        rounding: &str,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<String> {
        let rounding: kf::Rounding = rounding.parse().map_err(errors::fair)?;
        let (options, raised) = run_options(progress, None);
        let options = options.with_rounding(rounding);
        let result =
            py.detach(|| kf::round_to_lottery_with(&instance.instance, &self.dist, m, &options));
        if let Some(e) = raised.lock().ok().and_then(|mut s| s.take()) {
            return Err(e);
        }
        let p = result.py()?;
        to_json(
            "portfolio",
            &json!({
                "panels": p.panels,
                "probabilities": p.probabilities,
                "rounding": p.rounding.name(),
                "max_change": p.loss.max_change,
                "changed": p.loss.people,
                "min_before": p.loss.min_before,
                "min_after": p.loss.min_after,
                "lower_bound": p.loss.lower_bound,
                "bound": p.bound,
                "report": report_json(&p.report),
                "warning": kleroterion_files::fair::rounding_warning(&p.loss, m),
            }),
        )
    }
}

/// How far LEXIMIN's decomposition has gone, from 0 to 1, on a log scale: from its first
/// reported deviation `first` down to `DECOMPOSITION_TARGET` (the fair crate's).
#[pyfunction]
pub fn decomposition_fraction(first: f64, deviation: f64) -> f64 {
    kf::decomposition_fraction(first, deviation)
}

fn phase_name(p: kf::Phase) -> &'static str {
    match p {
        kf::Phase::Relaxation => "relaxation",
        kf::Phase::Decomposing => "decomposing",
        kf::Phase::Seeding => "seeding",
        kf::Phase::Level => "level",
        kf::Phase::Fixed => "fixed",
        kf::Phase::Finishing => "finishing",
        kf::Phase::Rounding => "rounding",
        _ => "working",
    }
}

/// A time limit in seconds, checked.
pub(crate) fn duration(seconds: Option<f64>) -> PyResult<Option<f64>> {
    match seconds {
        Some(t) if !(t.is_finite() && t > 0.0) => Err(errors::invalid(format!(
            "time_limit must be a positive number of seconds, got {t}"
        ))),
        other => Ok(other),
    }
}

/// The first exception the progress callback raised, kept to be raised once the run stops.
pub(crate) type Raised = Arc<Mutex<Option<PyErr>>>;

/// The fair crate's options for a run from Python: the time limit, and a progress callback
/// that calls `progress(phase, level, fixed, people, panels, value)` with the GIL, checks for
/// Ctrl-C, and cancels the run on any exception (kept in the returned slot).
pub(crate) fn run_options(
    progress: Option<Py<PyAny>>,
    time_limit: Option<f64>,
) -> (kf::Options, Raised) {
    let cancel = kf::Cancel::new();
    let raised = Raised::default();
    let report = {
        let (cancel, raised) = (cancel.clone(), Arc::clone(&raised));
        move |p: &kf::Progress| {
            Python::attach(|py| {
                let outcome = py.check_signals().and_then(|()| match &progress {
                    Some(cb) => cb
                        .call1(
                            py,
                            (
                                phase_name(p.phase),
                                p.level,
                                p.fixed,
                                p.people,
                                p.panels,
                                p.value,
                            ),
                        )
                        .map(|_| ()),
                    None => Ok(()),
                });
                if let Err(e) = outcome {
                    cancel.cancel();
                    if let Ok(mut slot) = raised.lock() {
                        slot.get_or_insert(e);
                    }
                }
            });
        }
    };
    let mut options = kf::Options::new().with_progress(report).with_cancel(cancel);
    options.time_limit = time_limit.map(Duration::from_secs_f64);
    (options, raised)
}

/// LEXIMIN (or, with `maximin`, only the lowest level). `progress`, when given, is called with
/// `(phase, level, fixed, people, panels, value)`; an exception it raises (or Ctrl-C) cancels
/// the run. The GIL is released while the solver runs. When no panel exists, the error names
/// the smallest relaxation of the quotas, as the command line does.
#[pyfunction]
#[pyo3(signature = (instance, maximin=false, progress=None, time_limit=None))]
pub fn leximin(
    py: Python<'_>,
    instance: &Instance,
    maximin: bool,
    progress: Option<Py<PyAny>>,
    time_limit: Option<f64>,
) -> PyResult<Distribution> {
    let (options, raised) = run_options(progress, duration(time_limit)?);
    let result = py.detach(|| {
        if maximin {
            kf::maximin(&instance.instance, &options)
        } else {
            kf::leximin(&instance.instance, &options)
        }
    });
    if let Some(e) = raised.lock().ok().and_then(|mut s| s.take()) {
        return Err(e);
    }
    match result {
        Ok(dist) => Ok(Distribution { dist }),
        Err(kf::FairError::Infeasible) => {
            py.detach(|| kleroterion_files::fair::check_feasible(&instance.instance))
                .py()?;
            Err(errors::fair(kf::FairError::Infeasible))
        }
        Err(e) => Err(errors::fair(e)),
    }
}

/// Whether any panel exists; when none does, the smallest relaxation of the quotas. Returns
/// JSON: `{"feasible": true, "example": [...]}` or `{"feasible": false, "reason": ...,
/// "relaxations": [{"feature", "value", "bound", "from", "to", "reason"}]}`.
#[pyfunction]
pub fn feasibility(py: Python<'_>, instance: &Instance) -> PyResult<String> {
    let f = py.detach(|| kf::feasibility(&instance.instance)).py()?;
    let value = match f {
        kf::Feasibility::Feasible { example } => json!({"feasible": true, "example": example}),
        kf::Feasibility::Infeasible {
            relaxations,
            reason,
        } => json!({
            "feasible": false,
            "reason": reason,
            "relaxations": relaxations
                .iter()
                .map(|r| json!({
                    "feature": r.feature,
                    "value": r.value,
                    "bound": match r.bound { kf::Bound::Min => "min", kf::Bound::Max => "max" },
                    "from": r.from,
                    "to": r.to,
                    "reason": r.reason,
                }))
                .collect::<Vec<_>>(),
        }),
    };
    to_json("feasibility", &value)
}
