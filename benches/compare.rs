//! The draw methods an organiser can choose, side by side on the same instances, printed as one
//! Markdown table (figures and definitions in BENCHMARKS.md section 9):
//!
//! - **LEXIMIN**: the exact distribution of `kleroterion_fair::leximin`;
//! - **LEXIMIN lottery**: that distribution rounded to M = 1,000 equally likely panels by the
//!   default (minimax) rounding, the portfolio a `lottery` manifest commits;
//! - **greedy**: the core's `greedy` method, whose selection probabilities are not known in
//!   closed form: estimated from N = 10,000 draws with seeds `SHA-256(u64_be(i))`;
//! - **maxent**: the core's `maxent` method (SPEC.md section 9.6, draft), uniform among the
//!   panels that meet every quota and the household rule, with the counted features chosen by
//!   `MaxentPool::choose`; its probabilities are estimated from N draws as greedy's are.
//!
//! Instances: the Sortition Foundation fixture (k = 22), the synthetic pools of 600 (k = 40)
//! and 2,000 volunteers (k = 110), and the replication's Panelot examples `example_small_20`
//! and `example_large_200`. Every metric is recounted from the panels and their weights by
//! `kleroterion_fair::compare`, not taken from the method's own report. This is a one-shot table timed with
//! `std::time::Instant`, not a Criterion benchmark.
//!
//! Run with `cargo bench -p kleroterion-benches --bench compare` (release build; most of the
//! run is LEXIMIN and its rounding on the 2,000-volunteer pool).

#[path = "../crates/kleroterion-fair/tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use kleroterion::encoding::sha256;
use kleroterion::methods::lottery;
use kleroterion_fair::compare::{GreedyPool, MaxentPool, MethodFigures};
use kleroterion_fair::{Instance, Options, leximin, round_to_lottery_with};

/// Panels in the rounded lottery (M).
const LOTTERY_SIZE: u32 = 1000;
/// Greedy draws from which its distribution is estimated (N).
const GREEDY_DRAWS: u64 = 10_000;
/// Attempts a greedy draw makes before it fails, as in the core's benchmarks and tests.
const GREEDY_ATTEMPTS: u32 = 100;
/// Greedy draws re-run to time a verifier's re-run (the first seeds of the N).
const GREEDY_RERUNS: u64 = 101;
/// Repeats of the lottery verification, whose median is reported.
const LOTTERY_VERIFY_REPEATS: usize = 11;
/// Attempts a maxent draw makes before it fails.
const MAXENT_ATTEMPTS: u32 = 100_000;
/// Walks tried for each choice of counted features.
const MAXENT_WALKS: u32 = 1000;
/// Re-runs of one maxent draw from scratch (the count, then the attempts), whose median is a
/// verifier's cost.
const MAXENT_RERUNS: usize = 5;

/// The instances, each from its own generator.
fn instances() -> Vec<(&'static str, Instance)> {
    let replication = common::data_dir().join("replication");
    vec![
        (
            "Sortition Foundation fixture (n 150, k 22)",
            common::sortition_foundation(22),
        ),
        (
            "synthetic 600, k 40 (seed 1)",
            kleroterion_fair::synthetic::synthetic(600, 40, 1),
        ),
        (
            "synthetic 2,000, k 110 (seed 1)",
            kleroterion_fair::synthetic::synthetic(2000, 110, 1),
        ),
        (
            "Panelot example_small_20 (n 200, k 20)",
            common::panelot(&replication.join("example_small_20"), 20),
        ),
        (
            "Panelot example_large_200 (n 2,000, k 200)",
            common::panelot(&replication.join("example_large_200"), 200),
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// The instance as the core sees it

/// `greedy`'s draws with seeds `0 .. GREEDY_DRAWS`.
struct GreedyRun {
    /// Draw `i`'s panel (ascending), or `None` when it failed.
    outcomes: Vec<Option<Vec<u32>>>,
    /// The median time of one draw, failed or not.
    median_draw: Duration,
}

impl GreedyRun {
    /// Runs the N draws, timing each.
    fn new(core: &GreedyPool) -> Self {
        let mut times = Vec::with_capacity(GREEDY_DRAWS as usize);
        let outcomes = (0..GREEDY_DRAWS)
            .map(|i| {
                let (outcome, time) = timed(|| core.draw(i));
                times.push(time);
                outcome
            })
            .collect();
        Self {
            outcomes,
            median_draw: median(times),
        }
    }

    /// The draws that failed (no panel meeting every quota within the attempts).
    fn failures(&self) -> usize {
        self.outcomes.iter().filter(|o| o.is_none()).count()
    }

    /// Every successful draw's panel: equally likely, the empirical distribution.
    fn panels(&self) -> Vec<Vec<u32>> {
        self.outcomes.iter().flatten().cloned().collect()
    }

    /// A verifier's cost: re-running draw `i` and comparing with its recorded outcome; the
    /// median over the first `GREEDY_RERUNS` draws.
    fn median_rerun(&self, core: &GreedyPool) -> Duration {
        let times = (0..GREEDY_RERUNS)
            .map(|i| {
                let (outcome, time) = timed(|| core.draw(i));
                assert_eq!(outcome, self.outcomes[i as usize], "re-run of draw {i}");
                time
            })
            .collect();
        median(times)
    }
}

/// A verifier's cost for a committed lottery: every panel of the portfolio re-checked against
/// the quotas and households (`check_portfolio`), then the draw of one panel; the median of
/// `LOTTERY_VERIFY_REPEATS` runs.
fn median_lottery_verification(core: &GreedyPool, portfolio: &[Vec<u32>]) -> Duration {
    let seed = sha256(&0u64.to_be_bytes());
    let times = (0..LOTTERY_VERIFY_REPEATS)
        .map(|_| {
            timed(|| {
                lottery::check_portfolio(
                    portfolio,
                    &core.manifest.features,
                    &core.pool,
                    core.manifest.panel_size,
                    core.manifest.household_rule,
                )
                .expect("the committed portfolio checks");
                lottery::draw(portfolio, &seed)
            })
            .1
        })
        .collect();
    median(times)
}

/// Checks that the method's own probabilities are those recounted from its panels.
fn assert_same_probabilities(recounted: &[f64], reported: &[f64], method: &str) {
    assert_eq!(recounted.len(), reported.len(), "{method}: people");
    for (i, (a, b)) in recounted.iter().zip(reported).enumerate() {
        assert!(
            (a - b).abs() < 1e-6,
            "{method}: person {i}: {a} recounted, {b} reported"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Timing and the table

/// Runs `f` once, returning its result and its wall-clock time.
fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

/// The median of a non-empty list of times (the upper middle one for an even count).
fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

/// A time in s, ms or µs.
fn duration(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.1} s")
    } else if s >= 1e-3 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{:.0} µs", s * 1e6)
    }
}

/// An integer with thousands separators.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The 1-, 5- and 15-minute load averages from `/proc/loadavg`.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|e| format!("unavailable ({e})"))
}

/// One row of the table, formatted.
struct Row {
    instance: String,
    method: String,
    lowest: String,
    gini: String,
    distinct_panels: String,
    pairs_expected: String,
    pairs_ever: String,
    compute: String,
    verify: String,
}

impl Row {
    /// The columns common to every method; the method-specific ones are set by the caller.
    fn new(instance: &str, method: String, metrics: &MethodFigures) -> Self {
        Self {
            instance: instance.into(),
            method,
            lowest: format!("{:.4}", metrics.summary.min),
            gini: format!("{:.4}", metrics.summary.gini),
            distinct_panels: thousands(metrics.distinct_panels as u64),
            pairs_expected: format!("{:.1}%", 100.0 * metrics.pairs_together),
            pairs_ever: format!("{:.1}%", 100.0 * metrics.pairs_ever),
            compute: String::new(),
            verify: String::new(),
        }
    }

    fn print(&self) {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            self.instance,
            self.method,
            self.lowest,
            self.gini,
            self.distinct_panels,
            self.pairs_expected,
            self.pairs_ever,
            self.compute,
            self.verify
        );
    }
}

/// The three methods on one instance.
fn compare(name: &str, instance: &Instance) -> Vec<Row> {
    let core = GreedyPool::new(instance, GREEDY_ATTEMPTS).expect("the instance as a pool");
    eprintln!(
        "{name}: {} people, k = {}, {} features, household rule {}",
        instance.len(),
        instance.panel_size,
        instance.features.len(),
        core.manifest.household_rule
    );
    let [exact, lottery] = leximin_rows(name, instance, &core);
    let greedy = greedy_row(name, instance, &core);
    let maxent = maxent_row(name, instance);
    vec![exact, lottery, greedy, maxent]
}

/// The maxent row: the counted features chosen, then `GREEDY_DRAWS` draws from one count.
fn maxent_row(name: &str, instance: &Instance) -> Row {
    let (chosen, choose_time) =
        timed(|| MaxentPool::choose(instance, MAXENT_ATTEMPTS, MAXENT_WALKS));
    let pool = match chosen {
        Ok(p) => p,
        Err(e) => return maxent_refused_row(name, &e.to_string()),
    };
    eprintln!(
        "  maxent: counting {:?} ({} cells, {} of {} walks kept), chosen in {}",
        pool.counted(),
        thousands(pool.cells),
        pool.forecast.accepted,
        pool.forecast.walks,
        duration(choose_time)
    );
    if pool.forecast.accepted == 0 {
        return maxent_refused_row(
            name,
            &format!(
                "no count under the cell limit kept any of {MAXENT_WALKS} walks (best: {:?}, {} cells)",
                pool.counted(),
                thousands(pool.cells)
            ),
        );
    }
    let mut times = Vec::new();
    let mut rejections = 0u64;
    let panels: Vec<Vec<u32>> = (0..GREEDY_DRAWS)
        .filter_map(|i| {
            let (outcome, time) = timed(|| pool.draw(i));
            times.push(time);
            outcome.map(|(panel, r)| {
                rejections += u64::from(r);
                panel
            })
        })
        .collect();
    let failures = GREEDY_DRAWS as usize - panels.len();
    let metrics = MethodFigures::of_equally_likely(instance, &panels)
        .expect("maxent's panels meet the quotas");
    let mut row = Row::new(
        name,
        format!(
            "maxent, counting {} ({} cells; estimated from N = {} draws, {:.0} attempts each on average, {} failed)",
            pool.counted().join(", "),
            thousands(pool.cells),
            thousands(GREEDY_DRAWS),
            1.0 + rejections as f64 / panels.len().max(1) as f64,
            failures
        ),
        &metrics,
    );
    let lowest = metrics.summary.min;
    let successes = panels.len().max(1) as f64;
    row.lowest = if lowest > 0.0 {
        format!(
            "{lowest:.4} ± {:.4} (SE)",
            (lowest * (1.0 - lowest) / successes).sqrt()
        )
    } else {
        format!("0 (someone never drawn; < {:.4} at 95%)", 3.0 / successes)
    };
    row.distinct_panels = format!("≥ {} (seen)", row.distinct_panels);
    let core = GreedyPool::new(instance, 1).expect("the instance as a pool");
    let mut manifest = core.manifest;
    manifest.method = pool.manifest.method.clone();
    let rerun = median(
        (0..MAXENT_RERUNS)
            .map(|i| {
                let seed = sha256(&(i as u64).to_be_bytes());
                let params = manifest.method.maxent_params().expect("a maxent manifest");
                timed(|| kleroterion::methods::maxent::draw(&manifest, &pool.pool, &seed, params)).1
            })
            .collect(),
    );
    row.compute = format!(
        "{} per draw (median of {}), after choosing the counted features in {}",
        duration(median(times)),
        thousands(GREEDY_DRAWS),
        duration(choose_time)
    );
    row.verify = format!(
        "{} (the count and the attempts of 1 draw; median of {MAXENT_RERUNS})",
        duration(rerun)
    );
    row
}

/// The maxent row when no manifest could be committed.
fn maxent_refused_row(name: &str, why: &str) -> Row {
    let none = "none (not committed)".to_string();
    Row {
        instance: name.into(),
        method: format!("maxent: refused at commit ({why})"),
        lowest: none.clone(),
        gini: none.clone(),
        distinct_panels: "0".into(),
        pairs_expected: none.clone(),
        pairs_ever: none,
        compute: String::new(),
        verify: String::new(),
    }
}

/// The rows of the exact LEXIMIN distribution and of its rounding to a lottery of M panels.
fn leximin_rows(name: &str, instance: &Instance, core: &GreedyPool) -> [Row; 2] {
    let (distribution, leximin_time) =
        timed(|| leximin(instance, &Options::default()).expect("LEXIMIN"));
    eprintln!("  LEXIMIN: {}", duration(leximin_time));
    let exact = MethodFigures::of(instance, &distribution.panels, &distribution.weights)
        .expect("LEXIMIN's panels meet the quotas");
    assert_same_probabilities(&exact.probabilities, &distribution.probabilities, "LEXIMIN");
    let mut exact_row = Row::new(name, "LEXIMIN (exact)".into(), &exact);
    exact_row.compute = duration(leximin_time);
    exact_row.verify = "n/a (real weights: not committable)".into();

    let (portfolio, rounding_time) = timed(|| {
        round_to_lottery_with(instance, &distribution, LOTTERY_SIZE, &Options::default())
            .expect("rounding")
    });
    eprintln!("  rounding: {}", duration(rounding_time));
    let rounded = MethodFigures::of_equally_likely(instance, &portfolio.panels)
        .expect("the portfolio's panels meet the quotas");
    assert_same_probabilities(
        &rounded.probabilities,
        &portfolio.probabilities,
        "LEXIMIN lottery",
    );
    let mut lottery_row = Row::new(
        name,
        format!(
            "LEXIMIN lottery (M = {}, {})",
            thousands(u64::from(LOTTERY_SIZE)),
            portfolio.rounding
        ),
        &rounded,
    );
    lottery_row.compute = format!(
        "{} (LEXIMIN {} + rounding {})",
        duration(leximin_time + rounding_time),
        duration(leximin_time),
        duration(rounding_time)
    );
    lottery_row.verify = format!(
        "{} (check {} panels + 1 draw; median of {LOTTERY_VERIFY_REPEATS})",
        duration(median_lottery_verification(core, &portfolio.panels)),
        thousands(portfolio.panels.len() as u64)
    );
    [exact_row, lottery_row]
}

/// The greedy row, from `GREEDY_DRAWS` draws.
fn greedy_row(name: &str, instance: &Instance, core: &GreedyPool) -> Row {
    let (run, greedy_time) = timed(|| GreedyRun::new(core));
    eprintln!(
        "  greedy: {} draws in {}, {} failed",
        thousands(GREEDY_DRAWS),
        duration(greedy_time),
        run.failures()
    );
    if run.failures() as u64 == GREEDY_DRAWS {
        greedy_failed_row(name, &run, core)
    } else {
        greedy_estimated_row(name, instance, &run, core)
    }
}

/// The greedy row when some draws succeeded: estimates from them, with the standard error of
/// the lowest probability and the failure rate.
fn greedy_estimated_row(
    name: &str,
    instance: &Instance,
    run: &GreedyRun,
    core: &GreedyPool,
) -> Row {
    let failures = run.failures();
    let successes = GREEDY_DRAWS as usize - failures;
    let metrics = MethodFigures::of_equally_likely(instance, &run.panels())
        .expect("greedy's panels meet the quotas");
    let mut row = Row::new(
        name,
        format!(
            "greedy (estimated from N = {} draws; {} failed = {:.2}%)",
            thousands(GREEDY_DRAWS),
            thousands(failures as u64),
            100.0 * failures as f64 / GREEDY_DRAWS as f64
        ),
        &metrics,
    );
    let lowest = metrics.summary.min;
    row.lowest = if lowest > 0.0 {
        let standard_error = (lowest * (1.0 - lowest) / successes as f64).sqrt();
        format!("{lowest:.4} ± {standard_error:.4} (SE)")
    } else {
        // Never drawn in `successes` draws: the rule of three bounds that person's probability.
        format!(
            "0 (someone never drawn; < {:.4} at 95%)",
            3.0 / successes as f64
        )
    };
    row.distinct_panels = format!("≥ {} (seen)", row.distinct_panels);
    row.compute = format!(
        "{} per draw (median of {})",
        duration(run.median_draw),
        thousands(GREEDY_DRAWS)
    );
    row.verify = format!(
        "{} (re-run 1 draw; median of {GREEDY_RERUNS})",
        duration(run.median_rerun(core))
    );
    row
}

/// The greedy row when no draw succeeded: nothing to estimate, only the failure and its cost.
fn greedy_failed_row(name: &str, run: &GreedyRun, core: &GreedyPool) -> Row {
    let none = "none (no panel)".to_string();
    Row {
        instance: name.into(),
        method: format!(
            "greedy: all {} draws failed (100%)",
            thousands(GREEDY_DRAWS)
        ),
        lowest: none.clone(),
        gini: none.clone(),
        distinct_panels: "0".into(),
        pairs_expected: none.clone(),
        pairs_ever: none,
        compute: format!("{} per failed draw (median)", duration(run.median_draw)),
        verify: format!(
            "{} (re-run 1 draw; median of {GREEDY_RERUNS})",
            duration(run.median_rerun(core))
        ),
    }
}

fn main() {
    let started = Instant::now();
    let load_at_start = load_average();
    println!("load average at start: {load_at_start}");
    let mut rows = Vec::new();
    for (name, instance) in instances() {
        rows.extend(compare(name, &instance));
    }
    println!();
    println!(
        "| instance | method | lowest probability | Gini | distinct panels | pairs together (expected share) | pairs ever together (share) | time to compute | time to verify |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for row in &rows {
        row.print();
    }
    println!();
    println!("load average at end: {}", load_average());
    println!("whole run: {}", duration(started.elapsed()));
}
