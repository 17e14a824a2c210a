//! The draw methods an organiser can choose, side by side on the same instances, printed as one
//! Markdown table (figures and definitions in BENCHMARKS.md section 9):
//!
//! - **LEXIMIN**: the exact distribution of `kleroterion_fair::leximin`;
//! - **LEXIMIN lottery**: that distribution rounded to M = 1,000 equally likely panels by the
//!   default (minimax) rounding, the portfolio a `lottery` manifest commits;
//! - **greedy**: the core's `greedy` method, whose selection probabilities are not known in
//!   closed form: estimated from N = 10,000 draws with seeds `SHA-256(u64_be(i))`.
//!
//! Instances: the Sortition Foundation fixture (k = 22), the synthetic pools of 600 (k = 40)
//! and 2,000 volunteers (k = 110), and the replication's Panelot examples `example_small_20`
//! and `example_large_200`. Every metric is recounted here from the panels and their weights,
//! not taken from the method's own report. This is a one-shot table timed with
//! `std::time::Instant`, not a Criterion benchmark.
//!
//! Run with `cargo bench -p kleroterion-benches --bench compare` (release build; most of the
//! run is LEXIMIN and its rounding on the 2,000-volunteer pool).

#[path = "../crates/kleroterion-fair/tests/common/mod.rs"]
mod common;

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use kleroterion::encoding::sha256;
use kleroterion::methods::{greedy, lottery};
use kleroterion::model::ResolvedPool;
use kleroterion::{Digest, Manifest, Method, PoolCommitment, Record};
use kleroterion_fair::{Distribution, Instance, Options, leximin, round_to_lottery_with};

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

/// The instance as a committed pool: a `greedy` manifest and the resolved pool, person `i` of
/// the instance being pool index `i`.
struct CorePool {
    manifest: Manifest,
    pool: ResolvedPool,
}

impl CorePool {
    /// Builds the records of `instance` (one per person: its value names in feature order and
    /// a household tag when the household has two people or more), the manifest (the
    /// instance's features and quotas, the household rule when it has households) and the
    /// resolved pool, and checks that the pool gives back the instance's people and households.
    fn new(instance: &Instance) -> Self {
        let households = shared_households(instance);
        let records = records_of(instance, &households);
        let household_rule = !instance.households.is_empty();
        let manifest = Manifest::new(
            "compare",
            Method::Greedy {
                max_attempts: GREEDY_ATTEMPTS,
            },
            instance.panel_size,
            instance.features.clone(),
            PoolCommitment::of(&records).expect("pool commitment"),
        )
        .with_household_rule(household_rule);
        let pool = ResolvedPool::new(&instance.features, &records).expect("resolved pool");
        let back = Instance::from_pool(
            &instance.features,
            &pool,
            instance.panel_size,
            household_rule,
        )
        .expect("instance of the pool");
        assert_eq!(back.people, instance.people, "values through the pool");
        if household_rule {
            assert_eq!(
                by_first_appearance(&pool.household),
                households,
                "households through the pool"
            );
        }
        Self { manifest, pool }
    }
}

/// Each person's household, for households of two people or more (a one-person household
/// constrains nothing), numbered by [`by_first_appearance`].
fn shared_households(instance: &Instance) -> Vec<Option<u32>> {
    let households: Vec<Option<u32>> = (0..instance.len()).map(|i| instance.household(i)).collect();
    let mut size: BTreeMap<u32, usize> = BTreeMap::new();
    for h in households.iter().flatten() {
        *size.entry(*h).or_default() += 1;
    }
    let shared: Vec<Option<u32>> = households
        .iter()
        .map(|h| h.filter(|h| size[h] > 1))
        .collect();
    by_first_appearance(&shared)
}

/// The same grouping with the labels renumbered 0, 1, 2, ... in order of first appearance, so
/// that two labellings of the same groups compare equal.
fn by_first_appearance(labels: &[Option<u32>]) -> Vec<Option<u32>> {
    let mut number: BTreeMap<u32, u32> = BTreeMap::new();
    labels
        .iter()
        .map(|label| {
            let next = number.len() as u32;
            label.map(|l| *number.entry(l).or_insert(next))
        })
        .collect()
}

/// One open record per person: ticket `P000000`, `P000001`, ..., its value names, its
/// household tag.
fn records_of(instance: &Instance, households: &[Option<u32>]) -> Vec<Record> {
    instance
        .people
        .iter()
        .zip(households)
        .enumerate()
        .map(|(i, (row, household))| Record {
            ticket: format!("P{i:06}"),
            values: row
                .iter()
                .zip(&instance.features)
                .map(|(&v, f)| f.values[v as usize].value.clone())
                .collect(),
            seal: None,
            household: household.map(|h| format!("household-{h}")),
            holder: Digest::from_array([0; 32]),
            link: None,
        })
        .collect()
}

/// The seed of draw `i`: `SHA-256(u64_be(i))`.
fn seed(i: u64) -> Digest {
    sha256(&i.to_be_bytes())
}

// ---------------------------------------------------------------------------------------------
// The methods

/// A distribution over panels: each panel (ascending person indices) with its weight; the
/// weights sum to 1.
struct WeightedPanels {
    panels: Vec<Vec<u32>>,
    weights: Vec<f64>,
}

impl WeightedPanels {
    /// The exact distribution's panels and weights.
    fn of_distribution(distribution: &Distribution) -> Self {
        Self {
            panels: distribution.panels.clone(),
            weights: distribution.weights.clone(),
        }
    }

    /// Every panel with the same weight (a lottery's, or the empirical distribution of draws).
    fn uniform(panels: Vec<Vec<u32>>) -> Self {
        let weight = 1.0 / panels.len() as f64;
        let weights = vec![weight; panels.len()];
        Self { panels, weights }
    }

    /// The panels of positive weight, with their weights.
    fn support(&self) -> impl Iterator<Item = (&[u32], f64)> {
        self.panels
            .iter()
            .zip(&self.weights)
            .filter(|&(_, &w)| w > 0.0)
            .map(|(p, &w)| (p.as_slice(), w))
    }
}

/// `greedy`'s draws with seeds `0 .. GREEDY_DRAWS`.
struct GreedyRun {
    /// Draw `i`'s panel (ascending), or `None` when it failed.
    outcomes: Vec<Option<Vec<u32>>>,
    /// The median time of one draw, failed or not.
    median_draw: Duration,
}

impl GreedyRun {
    /// Runs the N draws, timing each.
    fn new(core: &CorePool) -> Self {
        let mut times = Vec::with_capacity(GREEDY_DRAWS as usize);
        let outcomes = (0..GREEDY_DRAWS)
            .map(|i| {
                let (outcome, time) = timed(|| greedy_draw(core, i));
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

    /// The empirical distribution: every successful draw's panel, each of weight 1 / successes.
    fn empirical(&self) -> WeightedPanels {
        WeightedPanels::uniform(self.outcomes.iter().flatten().cloned().collect())
    }

    /// A verifier's cost: re-running draw `i` and comparing with its recorded outcome; the
    /// median over the first `GREEDY_RERUNS` draws.
    fn median_rerun(&self, core: &CorePool) -> Duration {
        let times = (0..GREEDY_RERUNS)
            .map(|i| {
                let (outcome, time) = timed(|| greedy_draw(core, i));
                assert_eq!(outcome, self.outcomes[i as usize], "re-run of draw {i}");
                time
            })
            .collect();
        median(times)
    }
}

/// Greedy draw `i`: its panel in ascending order, or `None` when it failed.
fn greedy_draw(core: &CorePool, i: u64) -> Option<Vec<u32>> {
    let (mut panel, _) =
        greedy::draw(&core.manifest, &core.pool, &seed(i), GREEDY_ATTEMPTS).ok()?;
    panel.sort_unstable();
    Some(panel)
}

/// A verifier's cost for a committed lottery: every panel of the portfolio re-checked against
/// the quotas and households (`check_portfolio`), then the draw of one panel; the median of
/// `LOTTERY_VERIFY_REPEATS` runs.
fn median_lottery_verification(core: &CorePool, portfolio: &[Vec<u32>]) -> Duration {
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
                lottery::draw(portfolio, &seed(0))
            })
            .1
        })
        .collect();
    median(times)
}

// ---------------------------------------------------------------------------------------------
// The metrics, recounted from the panels

/// Every (feature f = value a, feature g = value b) combination with f < g, as one number.
struct Combinations {
    /// The combinations each person holds: one per pair of features.
    of_person: Vec<Vec<u32>>,
    /// How many combinations there are, held or not.
    count: usize,
    /// How many are held by at least one person of the pool.
    in_pool: usize,
}

impl Combinations {
    fn new(instance: &Instance) -> Self {
        let sizes: Vec<usize> = instance.features.iter().map(|f| f.values.len()).collect();
        let nf = sizes.len();
        // base[f][g]: the first number of the combinations of features f < g.
        let mut base = vec![vec![0usize; nf]; nf];
        let mut count = 0;
        for f in 0..nf {
            for g in f + 1..nf {
                base[f][g] = count;
                count += sizes[f] * sizes[g];
            }
        }
        let of_person: Vec<Vec<u32>> = instance
            .people
            .iter()
            .map(|row| {
                let mut ids = Vec::with_capacity(nf * nf.saturating_sub(1) / 2);
                for f in 0..nf {
                    for g in f + 1..nf {
                        let (a, b) = (row[f] as usize, row[g] as usize);
                        ids.push((base[f][g] + a * sizes[g] + b) as u32);
                    }
                }
                ids
            })
            .collect();
        let in_pool = of_person.iter().flatten().collect::<HashSet<_>>().len();
        Self {
            of_person,
            count,
            in_pool,
        }
    }
}

/// The metrics of one method on one instance.
struct Metrics {
    /// Each person's selection probability.
    probabilities: Vec<f64>,
    /// Gini coefficient of `probabilities`.
    gini: f64,
    /// Distinct panels of positive weight.
    distinct_panels: usize,
    /// Expected number of distinct combinations on the panel / combinations in the pool.
    pairs_expected: f64,
    /// Combinations on at least one panel of positive weight / combinations in the pool.
    pairs_ever: f64,
}

impl Metrics {
    fn new(instance: &Instance, combinations: &Combinations, panels: &WeightedPanels) -> Self {
        for (panel, _) in panels.support() {
            instance
                .check_panel(panel)
                .expect("every panel meets the quotas and the household rule");
        }
        let probabilities = selection_probabilities(instance.len(), panels);
        let (pairs_expected, pairs_ever) = combination_shares(combinations, panels);
        Self {
            gini: gini(&probabilities),
            probabilities,
            distinct_panels: distinct_panels(panels),
            pairs_expected,
            pairs_ever,
        }
    }

    /// The lowest selection probability.
    fn lowest(&self) -> f64 {
        self.probabilities
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min)
    }
}

/// Each person's probability: the total weight of the panels holding them.
fn selection_probabilities(n: usize, panels: &WeightedPanels) -> Vec<f64> {
    let mut p = vec![0.0; n];
    for (panel, w) in panels.support() {
        for &person in panel {
            p[person as usize] += w;
        }
    }
    p
}

/// The Gini coefficient: the mean absolute difference of two people's probabilities over
/// twice the mean probability, `sum_ij |p_i - p_j| / (2 n^2 mean)`, computed from the sorted
/// probabilities as `2 sum_i i p_(i) / (n sum p) - (n + 1) / n` (i from 1).
fn gini(probabilities: &[f64]) -> f64 {
    let mut sorted = probabilities.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len() as f64;
    let sum: f64 = sorted.iter().sum();
    let ranked: f64 = sorted
        .iter()
        .enumerate()
        .map(|(i, p)| (i + 1) as f64 * p)
        .sum();
    (2.0 * ranked / (n * sum) - (n + 1.0) / n).max(0.0)
}

/// The number of distinct panels of positive weight.
fn distinct_panels(panels: &WeightedPanels) -> usize {
    panels
        .support()
        .map(|(p, _)| p)
        .collect::<HashSet<_>>()
        .len()
}

/// The two intersectional-diversity shares (see [`Metrics`]): the expected number of distinct
/// combinations on the panel, and the number on at least one panel, each over the number in
/// the pool.
fn combination_shares(combinations: &Combinations, panels: &WeightedPanels) -> (f64, f64) {
    // seen_on[c] is 1 + the last panel that holds combination c (0: none yet).
    let mut seen_on = vec![0usize; combinations.count];
    let mut expected = 0.0;
    for (j, (panel, w)) in panels.support().enumerate() {
        let mut distinct = 0usize;
        for &person in panel {
            for &c in &combinations.of_person[person as usize] {
                if seen_on[c as usize] != j + 1 {
                    seen_on[c as usize] = j + 1;
                    distinct += 1;
                }
            }
        }
        expected += w * distinct as f64;
    }
    let ever = seen_on.iter().filter(|&&s| s > 0).count();
    let pool = combinations.in_pool as f64;
    (expected / pool, ever as f64 / pool)
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
    fn new(instance: &str, method: String, metrics: &Metrics) -> Self {
        Self {
            instance: instance.into(),
            method,
            lowest: format!("{:.4}", metrics.lowest()),
            gini: format!("{:.4}", metrics.gini),
            distinct_panels: thousands(metrics.distinct_panels as u64),
            pairs_expected: format!("{:.1}%", 100.0 * metrics.pairs_expected),
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
    let combinations = Combinations::new(instance);
    let core = CorePool::new(instance);
    eprintln!(
        "{name}: {} people, k = {}, {} features, {} of {} feature-pair combinations in the pool, household rule {}",
        instance.len(),
        instance.panel_size,
        instance.features.len(),
        combinations.in_pool,
        combinations.count,
        core.manifest.household_rule
    );
    let [exact, lottery] = leximin_rows(name, instance, &combinations, &core);
    let greedy = greedy_row(name, instance, &combinations, &core);
    vec![exact, lottery, greedy]
}

/// The rows of the exact LEXIMIN distribution and of its rounding to a lottery of M panels.
fn leximin_rows(
    name: &str,
    instance: &Instance,
    combinations: &Combinations,
    core: &CorePool,
) -> [Row; 2] {
    let (distribution, leximin_time) =
        timed(|| leximin(instance, &Options::default()).expect("LEXIMIN"));
    eprintln!("  LEXIMIN: {}", duration(leximin_time));
    let exact = Metrics::new(
        instance,
        combinations,
        &WeightedPanels::of_distribution(&distribution),
    );
    assert_same_probabilities(&exact.probabilities, &distribution.probabilities, "LEXIMIN");
    let mut exact_row = Row::new(name, "LEXIMIN (exact)".into(), &exact);
    exact_row.compute = duration(leximin_time);
    exact_row.verify = "n/a (real weights: not committable)".into();

    let (portfolio, rounding_time) = timed(|| {
        round_to_lottery_with(instance, &distribution, LOTTERY_SIZE, &Options::default())
            .expect("rounding")
    });
    eprintln!("  rounding: {}", duration(rounding_time));
    let rounded = Metrics::new(
        instance,
        combinations,
        &WeightedPanels::uniform(portfolio.panels.clone()),
    );
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
fn greedy_row(
    name: &str,
    instance: &Instance,
    combinations: &Combinations,
    core: &CorePool,
) -> Row {
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
        greedy_estimated_row(name, instance, combinations, &run, core)
    }
}

/// The greedy row when some draws succeeded: estimates from them, with the standard error of
/// the lowest probability and the failure rate.
fn greedy_estimated_row(
    name: &str,
    instance: &Instance,
    combinations: &Combinations,
    run: &GreedyRun,
    core: &CorePool,
) -> Row {
    let failures = run.failures();
    let successes = GREEDY_DRAWS as usize - failures;
    let metrics = Metrics::new(instance, combinations, &run.empirical());
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
    let lowest = metrics.lowest();
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
fn greedy_failed_row(name: &str, run: &GreedyRun, core: &CorePool) -> Row {
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
