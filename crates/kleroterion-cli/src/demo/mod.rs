//! `kleroterion demo`: the Montpellier convention of 2023, played from start to end.
//!
//! A synthetic electoral roll of about 320,000 registered voters is built from INSEE figures;
//! stage 1 draws 2,000 invitations stratified by commune; simulated answers give a few hundred
//! volunteers; stage 2 draws a panel of 40 under quotas with the household rule, from a
//! LEXIMIN lottery of 1,000 panels. Each stage is committed, revealed with recorded real
//! public randomness (a drand quicknet round and a EuroMillions draw), drawn, written to disk
//! and verified from the files written. A Markdown and an HTML report close the run.

/// Where the demo writes, and whether it reports progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOptions {
    /// The folder every artefact is written to (created if missing).
    pub out: std::path::PathBuf,
    /// Report no progress.
    pub quiet: bool,
}

/// Everything the demo produced: paths, commitments, verification results and tables.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    /// The output folder.
    pub out: std::path::PathBuf,
    /// Stage 1, the invitations.
    pub stage1: StageSummary,
    /// Stage 2, the panel.
    pub stage2: StageSummary,
    /// `report.md`.
    pub report_md: std::path::PathBuf,
    /// `report.html`.
    pub report_html: std::path::PathBuf,
    /// People on the synthetic roll.
    pub roll_size: usize,
    /// Volunteers in the stage-2 pool.
    pub volunteers: usize,
    /// The panel against the quotas and the population shares, as an aligned text table.
    pub panel_table: String,
    /// The spread of selection probabilities (min, max, k/n and a histogram), as text.
    pub probability_spread: String,
    /// The response rates (invited and volunteered by value of stage 1's features), as an
    /// aligned text table.
    pub response_table: String,
    /// The whole summary as text, ready to print.
    pub text: String,
    /// Wall-clock time of each step.
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

/// Runs the demo at full size ([`DemoConfig::default`]): see [`run_with`].
pub fn run(
    opts: &DemoOptions,
    progress: &mut dyn FnMut(DemoProgress),
) -> Result<DemoSummary, DemoError> {
    run_with(opts, &DemoConfig::default(), progress)
}

mod data;
mod error;
mod portfolio;
mod randomness;
mod report;
mod respondents;
mod roll;
mod stage;
mod summary;

use std::time::{Duration, Instant};

use kleroterion::merkle::MerkleTree;
use kleroterion::{
    Allocation, Feature, Manifest, Method, PoolCommitment, Purpose, Record, ValueQuota,
};

pub use error::DemoError;
pub use randomness::RandomnessMode;
pub use stage::{CheckLine, StageFiles};

/// One progress report: which step, and how far it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoProgress {
    /// The step, one of [`STEPS`].
    pub step: &'static str,
    /// Units done.
    pub done: u64,
    /// Units in total.
    pub total: u64,
}

/// The steps, in the order they run.
pub const STEPS: [&str; 12] = [
    "roll",
    "stage 1: commit",
    "stage 1: draw",
    "stage 1: verify",
    "stage 1: receipts",
    "answers",
    "stage 2: LEXIMIN",
    "stage 2: commit",
    "stage 2: draw",
    "stage 2: verify",
    "stage 2: receipts",
    "report",
];

/// The sizes of the scenario; [`DemoConfig::default`] is the real one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoConfig {
    /// The roll's size per thousand of the full ~320,000 (smaller for tests).
    pub roll_scale_per_mille: u64,
    /// Invitations drawn at stage 1.
    pub invitations: u32,
    /// Panel size at stage 2.
    pub panel_size: u32,
    /// Alternates published at stage 2.
    pub alternates: u32,
    /// Panels in the stage-2 lottery.
    pub lottery_panels: u32,
    /// Example receipts written at stage 1 (everyone gets one at stage 2).
    pub stage1_receipts: usize,
    /// Time allowed to LEXIMIN before falling back to the greedy method.
    pub leximin_time_limit: Duration,
    /// The disclosure floor of stage 1's pool (commune, gender and age band of each voter):
    /// the default of 5 holds on the full roll; a scaled-down roll has smaller cells, and its
    /// manifest then records the lowered floor, which every verifier shows.
    pub stage1_min_cell: u32,
}

impl Default for DemoConfig {
    fn default() -> Self {
        Self {
            roll_scale_per_mille: 1000,
            invitations: 2000,
            panel_size: 40,
            alternates: 10,
            lottery_panels: kleroterion_fair::DEFAULT_LOTTERY_SIZE,
            stage1_receipts: 5,
            leximin_time_limit: Duration::from_secs(600),
            stage1_min_cell: kleroterion::disclosure::DEFAULT_FLOOR,
        }
    }
}

/// What one stage committed to and how it verified.
#[derive(Debug, Clone)]
pub struct StageSummary {
    /// Its files.
    pub files: StageFiles,
    /// The commitment, in hex.
    pub commitment: String,
    /// The method's name.
    pub method: String,
    /// Drand, or the hex fallback with its reason.
    pub randomness: RandomnessMode,
    /// The randomness sources, in words.
    pub sources: Vec<String>,
    /// True when the bundle read back from disk verified.
    pub verified: bool,
    /// The verdict in one line.
    pub verdict: String,
    /// What a reader must still compare by hand.
    pub by_hand: Vec<String>,
    /// The verification steps.
    pub checks: Vec<CheckLine>,
    /// Receipts written.
    pub receipts_written: usize,
    /// Selected tickets, in draw order.
    pub selected: Vec<String>,
    /// Alternates, in order.
    pub alternates: Vec<String>,
    /// A note when the stage deviates from the plan (greedy instead of the lottery).
    pub note: Option<String>,
}

/// Runs the demo with the given sizes.
pub fn run_with(
    opts: &DemoOptions,
    config: &DemoConfig,
    progress: &mut dyn FnMut(DemoProgress),
) -> Result<DemoSummary, DemoError> {
    let quiet = opts.quiet;
    let mut report = |step: &'static str, done: u64, total: u64| {
        debug_assert!(STEPS.contains(&step), "unknown step {step}");
        if !quiet {
            progress(DemoProgress { step, done, total });
        }
    };
    let mut timings = Vec::new();
    let mut clock = Instant::now();
    let mut lap = |name: &'static str, timings: &mut Vec<(&'static str, Duration)>| {
        timings.push((name, clock.elapsed()));
        clock = Instant::now();
    };

    let fig = data::Figures::load()?;
    let roll = roll::Roll::build(&fig, config.roll_scale_per_mille, &mut |d, t| {
        report("roll", d, t)
    })?;
    if u64::from(config.invitations) > roll.people.len() as u64 || config.invitations == 0 {
        return Err(DemoError::Config(format!(
            "{} invitations asked from a roll of {}",
            config.invitations,
            roll.people.len()
        )));
    }
    lap("roll", &mut timings);

    // Stage 1: invitations, stratified by commune.
    let r1 = randomness::stage_randomness(randomness::STAGE1)?;
    let records1: Vec<Record> = roll
        .people
        .iter()
        .zip(&roll.tickets)
        .map(|(p, t)| Record {
            link: None,
            seal: None,
            ticket: t.clone(),
            values: vec![
                fig.communes[usize::from(p.commune)].name.clone(),
                fig.features[0].values[usize::from(p.values[0])].clone(),
                fig.features[1].values[usize::from(p.values[1])].clone(),
            ],
            household: None,
            holder: kleroterion::tickets::holder_of(&roll::receipt_secret(t)),
        })
        .collect();
    let tree1 =
        MerkleTree::from_records(&records1).map_err(DemoError::protocol("stage 1: commit"))?;
    let k1 = config.invitations;
    // The roll gives each voter's commune, gender and age band: the draw is stratified by
    // commune, and the panel's stage inherits gender and age from these records.
    let informative = |name: &str, values: &[String]| Feature {
        name: name.into(),
        values: values
            .iter()
            .map(|v| ValueQuota {
                value: v.clone(),
                min: 0,
                max: k1,
            })
            .collect(),
    };
    let communes: Vec<String> = fig.communes.iter().map(|c| c.name.clone()).collect();
    let manifest1 = Manifest::new(
        "Montpellier Méditerranée Métropole, convention citoyenne sur l'IA (demo replay): invitations",
        Method::Stratified { feature: "commune".into(), allocation: Allocation::LargestRemainder },
        k1,
        vec![
            informative("commune", &communes),
            informative(INHERITED[0], &fig.features[0].values),
            informative(INHERITED[1], &fig.features[1].values),
        ],
        pool_commitment(&tree1, records1.len())?,
    )
    .with_announced_at(r1.plan.announced_at)
    .with_alternates(0)
    .with_household_rule(false)
    .with_randomness(r1.recipe.clone())
    .with_purpose(Purpose::Replay)
    .with_min_cell(config.stage1_min_cell);
    let n1 = records1.len() as u32;
    let mut sample1: Vec<u32> = (0..config.stage1_receipts as u32)
        .map(|i| i * (n1 / 5).max(1))
        .filter(|&i| i < n1)
        .collect();
    sample1.dedup();
    let s1 = stage::run(
        stage::StageInput {
            dir: opts.out.join("stage1-invitations"),
            manifest: manifest1,
            records: &records1,
            tree: &tree1,
            reveal: r1.reveal.clone(),
            compact: true,
            receipts: sample1,
            openings: None,
            stage: "stage 1",
            lottery: randomness::published_lottery(r1.plan),
            previous: None,
        },
        &mut |step, d, t| report(stage_step(1, step), d, t),
    )?;
    drop(tree1);
    lap("stage 1", &mut timings);

    // The answers.
    let by_ticket: std::collections::HashMap<&str, usize> = roll
        .tickets
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i))
        .collect();
    let invited: Vec<usize> = s1
        .bundle
        .result
        .selected
        .iter()
        .filter_map(|t| by_ticket.get(t.as_str()).copied())
        .collect();
    let answers = respondents::simulate(&roll, &invited);
    report("answers", 1, 1);
    let k2 = config.panel_size;
    let mut pool2 = respondents::panel_pool(&fig, &roll, &answers, k2)?;
    // Each volunteer's record links to the stage-1 ticket that invited them.
    for (r, &i) in pool2.records.iter_mut().zip(&answers.volunteers) {
        r.link = Some(roll.tickets[i].clone());
    }
    lap("answers", &mut timings);

    // Stage 2: the panel.
    let plan = portfolio::plan(
        &pool2,
        k2,
        config.lottery_panels,
        config.leximin_time_limit,
        &mut |d, t| report("stage 2: LEXIMIN", d, t),
    )?;
    lap("LEXIMIN", &mut timings);
    let r2 = randomness::stage_randomness(randomness::STAGE2)?;
    let tree2 =
        MerkleTree::from_records(&pool2.records).map_err(DemoError::protocol("stage 2: commit"))?;
    let manifest2 = Manifest::new(
        "Montpellier Méditerranée Métropole, convention citoyenne sur l'IA (demo replay): panel",
        plan.method.clone(),
        k2,
        pool2.features.clone(),
        pool_commitment(&tree2, pool2.records.len())?,
    )
    .with_announced_at(r2.plan.announced_at)
    .with_alternates(config.alternates)
    .with_household_rule(true)
    .with_randomness(r2.recipe.clone())
    .with_purpose(Purpose::Replay)
    // Five features over 495 volunteers would leave many people alone in their cell: the
    // features are sealed, so the pool publishes only seals and household tags, and the
    // default disclosure floor holds.
    .with_sealed(true)
    .with_parent(
        kleroterion::chain::parent_of(&s1.bundle, INHERITED.map(String::from).to_vec())
            .map_err(DemoError::protocol("stage 2: commit"))?,
    );
    let s2 = stage::run(
        stage::StageInput {
            dir: opts.out.join("stage2-panel"),
            manifest: manifest2,
            records: &pool2.records,
            tree: &tree2,
            reveal: r2.reveal.clone(),
            compact: false,
            receipts: (0..pool2.records.len() as u32).collect(),
            openings: Some(&pool2.openings),
            stage: "stage 2",
            lottery: randomness::published_lottery(r2.plan),
            previous: Some(&s1),
        },
        &mut |step, d, t| report(stage_step(2, step), d, t),
    )?;
    lap("stage 2", &mut timings);

    report("report", 0, 1);
    let input = summary::Input {
        opts,
        config,
        fig: &fig,
        roll: &roll,
        answers: &answers,
        pool2: &pool2,
        plan: &plan,
    };
    let out = summary::build(&input, (&s1, &r1), (&s2, &r2))?;
    lap("report", &mut timings);
    report("report", 1, 1);
    let mut sum = out;
    if !(sum.stage1.verified && sum.stage2.verified) {
        return Err(DemoError::Verification {
            stage: "demo",
            detail: "a stage did not verify".into(),
        });
    }
    let total: Duration = timings.iter().map(|t| t.1).sum();
    sum.text
        .push_str(&format!("\nDone in {:.1} s.\n", total.as_secs_f64()));
    sum.timings = timings;
    Ok(sum)
}

/// The features stage 2 inherits from stage 1's records (the roll's), by name.
const INHERITED: [&str; 2] = ["gender", "age"];

fn pool_commitment(tree: &MerkleTree, count: usize) -> Result<PoolCommitment, DemoError> {
    let root = tree.root().ok_or(DemoError::Protocol {
        stage: "commit",
        source: kleroterion::Error::EmptyPool,
    })?;
    let count =
        u32::try_from(count).map_err(|_| DemoError::Config("the pool is too large".into()))?;
    Ok(PoolCommitment { root, count })
}

fn stage_step(stage: u8, step: &'static str) -> &'static str {
    match (stage, step) {
        (1, "commit") => "stage 1: commit",
        (1, "draw") => "stage 1: draw",
        (1, "verify") => "stage 1: verify",
        (1, _) => "stage 1: receipts",
        (_, "commit") => "stage 2: commit",
        (_, "draw") => "stage 2: draw",
        (_, "verify") => "stage 2: verify",
        _ => "stage 2: receipts",
    }
}

#[cfg(test)]
mod tests;
