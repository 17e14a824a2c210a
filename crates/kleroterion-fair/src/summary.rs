//! Summary statistics of a probability allocation.

/// Summary of the selection probabilities of a distribution or lottery.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProbabilitySummary {
    /// Lowest selection probability.
    pub min: f64,
    /// Highest selection probability.
    pub max: f64,
    /// The mean probability k/n.
    pub mean: f64,
    /// Gini coefficient of the probabilities (0 = everyone equal).
    pub gini: f64,
    /// Geometric mean of the probabilities (0 if anyone has probability 0).
    pub geometric_mean: f64,
    /// Share of people whose probability is below k/n (by more than 1e-9).
    pub share_below_mean: f64,
}

impl ProbabilitySummary {
    /// Computes the report of `probabilities` for panels of `k` people.
    pub fn new(probabilities: &[f64], k: u32) -> Self {
        let n = probabilities.len();
        if n == 0 {
            return Self {
                min: 0.0,
                max: 0.0,
                mean: 0.0,
                gini: 0.0,
                geometric_mean: 0.0,
                share_below_mean: 0.0,
            };
        }
        let nf = n as f64;
        let mean = f64::from(k) / nf;
        let mut sorted = probabilities.to_vec();
        sorted.sort_by(f64::total_cmp);
        let sum: f64 = sorted.iter().sum();
        let weighted: f64 = sorted
            .iter()
            .enumerate()
            .map(|(i, p)| (i as f64 + 1.0) * p)
            .sum();
        let gini = if sum > 0.0 {
            (2.0 * weighted / (nf * sum) - (nf + 1.0) / nf).max(0.0)
        } else {
            0.0
        };
        let geometric_mean = if sorted[0] <= 0.0 {
            0.0
        } else {
            (sorted.iter().map(|p| p.ln()).sum::<f64>() / nf).exp()
        };
        let below = sorted.iter().filter(|&&p| p < mean - 1e-9).count();
        Self {
            min: sorted[0],
            max: sorted[n - 1],
            mean,
            gini,
            geometric_mean,
            share_below_mean: below as f64 / nf,
        }
    }
}
