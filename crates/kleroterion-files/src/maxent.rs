//! What an organiser learns before committing to a `maxent` draw (SPEC.md section 9.6): the
//! counted features put in the manifest's order, the size of the exact count, and how often a
//! walk of it meets every quota and the household rule, that is how many attempts a draw needs.

use kleroterion::Manifest;
use kleroterion::methods::maxent::{self, Count, Forecast, Params};
use kleroterion::model::{Feature, ResolvedPool};

use crate::error::{FileError, Result};

/// Walks tried to forecast how many attempts a draw needs.
pub const FORECAST_WALKS: u32 = 2000;

/// A chance of failing above this refuses the commit.
pub const MOST_FAILURE: f64 = 1e-6;

/// The count and the forecast of a `maxent` commit.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MaxentFigures {
    /// The count's cells.
    pub cells: u64,
    /// `Z`, the number of panels that meet the counted quotas, in decimal (weighted: the sum of
    /// their members' weight products).
    pub panels: String,
    /// Whether the manifest commits to weights.
    #[serde(default)]
    pub weighted: bool,
    /// How many walks were tried ([`FORECAST_WALKS`]).
    pub walks: u32,
    /// How many of them met every quota and the household rule.
    pub accepted: u32,
    /// The manifest's attempts.
    pub max_attempts: u32,
    /// When no panel can be rejected (every bound quota counted, no shared household under
    /// the rule): the lowest and the highest exact selection probability, from the count.
    #[serde(default)]
    pub exact: Option<(f64, f64)>,
    /// When the weights were fitted to LEXIMIN's probabilities: how close they came.
    #[serde(default)]
    pub fit: Option<FitFigures>,
}

/// How close weights fitted to LEXIMIN's probabilities came ([`crate::weight_fit`]).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FitFigures {
    /// The largest `|exact probability - LEXIMIN probability|` over the people.
    pub largest_gap: f64,
    /// The round of the fit that found the weights.
    pub rounds: u32,
    /// LEXIMIN's lowest probability.
    pub leximin_min: f64,
}

impl MaxentFigures {
    /// The figures of a `maxent` manifest over its pool (`None` for another method). Refuses a
    /// count over the cell limit, and a draw that would fail more often than [`MOST_FAILURE`]
    /// by the forecast, each with the fix.
    pub fn of(manifest: &Manifest, pool: &ResolvedPool) -> Result<Option<Self>> {
        let Some(Params {
            counted,
            max_attempts,
            weights,
        }) = manifest.method.maxent_params()
        else {
            return Ok(None);
        };
        let count = Count::new(manifest, pool, counted, weights)
            .map_err(|e| FileError::core("counting the maxent panels", e))?;
        let forecast = Forecast::new(manifest, pool, &count, FORECAST_WALKS);
        let exact = maxent::exact_probabilities(manifest, pool, &count, counted).map(|(n, z)| {
            let p: Vec<f64> = n.iter().map(|x| maxent::probability(x, &z)).collect();
            let lowest = p.iter().copied().fold(f64::INFINITY, f64::min);
            (lowest, p.iter().copied().fold(0.0, f64::max))
        });
        let figures = Self {
            cells: count.cells(),
            panels: count.total().to_string(),
            weighted: !weights.is_empty(),
            fit: None,
            walks: forecast.walks,
            accepted: forecast.accepted,
            max_attempts,
            exact,
        };
        let chance = forecast.failure_chance(max_attempts);
        if chance > MOST_FAILURE {
            return Err(FileError::Invalid {
                detail: format!(
                    "the maxent draw would fail too often: {} of {} trial walks of the count met every quota and the household rule, so all {max_attempts} attempts would be rejected with a chance of about {chance:.1e}. Fix: count more features (--count), whose quotas are then met exactly, or allow more attempts (--max-attempts, up to 100,000)",
                    forecast.accepted, forecast.walks
                ),
            });
        }
        Ok(Some(figures))
    }

    /// The share of walks kept.
    pub fn kept(&self) -> f64 {
        f64::from(self.accepted) / f64::from(self.walks.max(1))
    }

    /// The figures with the fit's.
    pub fn with_fit(self, fit: Option<FitFigures>) -> Self {
        Self { fit, ..self }
    }

    /// One line for the organiser.
    pub fn summary(&self) -> String {
        let attempts = 1.0 / self.kept().max(f64::MIN_POSITIVE);
        let exact = self.exact.map_or(String::new(), |(lo, hi)| {
            format!(
                "; no panel can be rejected, so the selection probabilities are exact: lowest {:.2}%, highest {:.2}%",
                100.0 * lo,
                100.0 * hi
            )
        });
        let panels = if self.weighted {
            format!(
                "the panels that meet the counted quotas weigh {} in all (each the product of its members' weights)",
                self.panels
            )
        } else {
            format!("{} panels meet the counted quotas", self.panels)
        };
        format!(
            "{panels} (a count of {} cells); {} of {} trial walks met every quota and the household rule ({:.1}%), so a draw needs about {attempts:.0} attempt{} of its {}",
            self.cells,
            self.accepted,
            self.walks,
            100.0 * self.kept(),
            if attempts < 1.5 { "" } else { "s" },
            self.max_attempts
        ) + &exact
            + &self.fit.map_or(String::new(), |f| {
                format!(
                    "; the weights were fitted to LEXIMIN's probabilities (lowest {:.2}%): every exact probability is within {:.1e} of its LEXIMIN probability (round {} of the fit)",
                    100.0 * f.leximin_min,
                    f.largest_gap,
                    f.rounds
                )
            })
    }
}

/// The counted features, named in any order, in the order that keeps the count smallest: the
/// feature whose counts can take the most combinations first (its values are finished one
/// after the other, SPEC.md section 9.6), ties in the quotas' order. An unknown or repeated
/// name is refused, naming the features there are.
pub fn count_order(counted: &[String], features: &[Feature], k: u32) -> Result<Vec<String>> {
    for (i, name) in counted.iter().enumerate() {
        if !features.iter().any(|f| &f.name == name) {
            let known: Vec<&str> = features.iter().map(|f| f.name.as_str()).collect();
            return Err(FileError::Invalid {
                detail: format!(
                    "the maxent method is asked to count \"{name}\", which is not a quota feature. Fix: count some of {}",
                    known.join(", ")
                ),
            });
        }
        if counted[..i].contains(name) {
            return Err(FileError::Invalid {
                detail: format!(
                    "the maxent method is asked to count \"{name}\" twice. Fix: name it once"
                ),
            });
        }
    }
    Ok(kleroterion::methods::maxent::count_order(
        features, counted, k,
    ))
}
