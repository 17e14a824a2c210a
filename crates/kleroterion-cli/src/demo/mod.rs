//! `kleroterion demo`: the Montpellier convention of 2023, played from start to end.
//!
//! A synthetic electoral roll of about 320,000 registered voters is built from INSEE figures and
//! written as a people file; stage 1 draws 2,000 invitations stratified by commune; simulated
//! answers give a few hundred volunteers, written as a second people file; stage 2 draws a panel
//! of 40 under quotas from a LEXIMIN lottery of 1,000 panels, each volunteer linked to the
//! stage-1 ticket that invited them (SPEC.md section 5.3). The demo only makes those files: each
//! stage then runs the public workflow of the files crate, the calls behind `kleroterion
//! commit`, `draw` and `verify`, with recorded real public randomness (a drand quicknet round
//! and a EuroMillions draw), and stage 2 is verified as a chain with stage 1. A Markdown and an
//! HTML report close the run.

/// Where the demo writes, and whether it reports progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOptions {
    /// The folder every artefact is written to (created if missing).
    pub out: std::path::PathBuf,
    /// Report no progress.
    pub quiet: bool,
    /// Replace the output of an earlier demo run in `out`.
    pub replace: bool,
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
    /// One volunteer's path from the roll to the panel, checked from their two receipts.
    pub path: String,
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
mod methods;
mod randomness;
mod report;
mod respondents;
mod roll;
mod stage;
mod summary;

use std::time::{Duration, Instant};

use kleroterion::{Allocation, Purpose, TicketKey};
use kleroterion_files::{
    CommitOptions, IdColumn, MethodChoice, PeopleOptions, PreviousStage, TicketSource,
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
pub const STEPS: [&str; 11] = [
    "roll",
    "stage 1: commit",
    "stage 1: draw",
    "stage 1: verify",
    "stage 1: receipts",
    "answers",
    "stage 2: LEXIMIN and commit",
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
    /// Time allowed to LEXIMIN; past it, the partial distribution is rounded, and the report
    /// says so.
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

    prepare_out(opts)?;
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

    // Stage 1: invitations, stratified by commune, from the roll written as a people file.
    let r1 = randomness::stage_randomness(randomness::STAGE1)?;
    let k1 = config.invitations;
    let n1 = roll.people.len();
    let mut sample1: Vec<usize> = (0..config.stage1_receipts)
        .map(|i| i * (n1 / 5).max(1))
        .filter(|&i| i < n1)
        .collect();
    sample1.dedup();
    let mut s1 = stage::run(
        stage::StageInput {
            dir: opts.out.join("stage1-invitations"),
            people: roll_csv(&fig, &roll),
            quotas: informative_quotas(&fig, k1),
            read: PeopleOptions {
                id: IdColumn::Named("id".into()),
                extra_features: vec!["commune".into()],
                ..PeopleOptions::default()
            },
            options: commit_options(
                k1,
                MethodChoice::Stratified {
                    feature: "commune".into(),
                    allocation: Allocation::LargestRemainder,
                },
                "Montpellier Méditerranée Métropole, convention citoyenne sur l'IA (demo replay): invitations",
                &r1,
                "kleroterion demo: ticket key 1",
            )
            .with_allow_small_cells(config.stage1_min_cell),
            reveal: r1.reveal.clone(),
            receipts: stage::Receipts::Rows(sample1),
            stage: "stage 1",
            lottery: randomness::published_lottery(r1.plan),
            previous: None,
        },
        &mut |step, d, t| report(stage_step(1, step), d, t),
    )?;
    lap("stage 1", &mut timings);

    // The answers of the invited (the ids of the draw's private lists).
    let invited: Vec<usize> = s1.ids.iter().filter_map(|id| roll_index(id)).collect();
    let answers = respondents::simulate(&roll, &invited);
    report("answers", 1, 1);
    let k2 = config.panel_size;
    let pool2 = respondents::panel_pool(&fig, &roll, &answers, k2)?;
    lap("answers", &mut timings);

    // Stage 2: the panel, a LEXIMIN lottery over the volunteers, each linked to the stage-1
    // ticket that invited them.
    let r2 = randomness::stage_randomness(randomness::STAGE2)?;
    let previous = PreviousStage::read(
        &s1.files.bundle,
        &s1.files.tickets,
        INHERITED.map(String::from).to_vec(),
    )
    .map_err(|source| DemoError::Files {
        stage: "stage 2",
        source: Box::new(source),
    })?;
    let mut fair = kleroterion_fair::Options::new();
    fair.time_limit = Some(config.leximin_time_limit);
    let options2 = commit_options(
        k2,
        MethodChoice::Lottery {
            panels: config.lottery_panels,
        },
        "Montpellier Méditerranée Métropole, convention citoyenne sur l'IA (demo replay): panel",
        &r2,
        "kleroterion demo: ticket key 2",
    )
    .with_alternates(config.alternates)
    // Five features over a few hundred volunteers would leave many people alone in their
    // cell: the features are sealed, so the pool publishes only seals and household tags,
    // and the default disclosure floor holds.
    .with_sealed(true)
    .with_fair(fair)
    .with_accept_partial(true)
    .with_previous(previous);
    let s2 = stage::run(
        stage::StageInput {
            dir: opts.out.join("stage2-panel"),
            people: pool2.people_csv.clone(),
            quotas: pool2.quotas_csv.clone(),
            read: PeopleOptions {
                id: IdColumn::Named("id".into()),
                household_columns: match pool2.household_rule {
                    true => vec!["household".into()],
                    false => Vec::new(),
                },
                ..PeopleOptions::default()
            },
            options: options2,
            reveal: r2.reveal.clone(),
            receipts: stage::Receipts::All,
            stage: "stage 2",
            lottery: randomness::published_lottery(r2.plan),
            previous: Some(&s1),
        },
        &mut |step, d, t| report(stage_step(2, step), d, t),
    )?;
    let path = volunteer_path(&mut s1, &s2, &answers)?;
    lap("stage 2", &mut timings);

    report("report", 0, 1);
    let input = summary::Input {
        opts,
        config,
        fig: &fig,
        roll: &roll,
        answers: &answers,
        pool2: &pool2,
    };
    let out = summary::build(&input, (&s1, &r1), (&s2, &r2), &path)?;
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

/// The path of the panel's first member, checked from their two receipts (SPEC.md section 13):
/// on the roll, invited, in the panel's pool, selected. Their stage-1 receipt is written among
/// stage 1's example receipts.
fn volunteer_path(
    s1: &mut stage::StageRun,
    s2: &stage::StageRun,
    answers: &respondents::Answers,
) -> Result<String, DemoError> {
    let files = |stage| {
        move |source| DemoError::Files {
            stage,
            source: Box::new(source),
        }
    };
    let Some(i) = s2.ids.first().and_then(|id| roll_index(id)) else {
        return Ok(String::new());
    };
    let Some(row2) = answers.volunteers.iter().position(|&v| v == i) else {
        return Ok(String::new());
    };
    let (Some(r1), Some(r2)) = (s1.sealed.receipt_of_row(i), s2.sealed.receipt_of_row(row2)) else {
        return Ok(String::new());
    };
    let (r1, r2) = (r1.map_err(files("stage 1"))?, r2.map_err(files("stage 2"))?);
    let file = s1.files.receipts.join(format!("{}.json", r1.record.ticket));
    if !file.exists() {
        stage::write_json(&file, &r1)?;
        s1.receipts_written += 1;
    }
    let path = kleroterion::chain::check_path(Some(&r1), Some(&r2), &s1.bundle, &s2.bundle)
        .map_err(DemoError::protocol("stage 2: receipts across stages"))?;
    let invited = match path.invited {
        Some(kleroterion::chain::Place::Selected(n)) => format!("invited (invitation {n})"),
        Some(kleroterion::chain::Place::Alternate(n)) => format!("invited (alternate {n})"),
        None => "not invited".into(),
    };
    let outcome = path.current.map_or_else(
        || "not selected".into(),
        |c| stage::outcome_words(&c.outcome),
    );
    Ok(format!(
        "One volunteer's path, checked from their two receipts: on the roll (stage-1 ticket {}), {invited}, in the panel's pool (stage-2 ticket {}, linked to {}), {outcome}.",
        r1.record.ticket,
        r2.record.ticket,
        r2.record.link.as_deref().unwrap_or("nothing")
    ))
}

/// Makes sure the output folder is new: like `kleroterion commit`, the demo never writes over
/// an earlier output, unless asked to replace an earlier demo's (and only a demo's) folder.
fn prepare_out(opts: &DemoOptions) -> Result<(), DemoError> {
    let out = &opts.out;
    let empty = std::fs::read_dir(out).map_or(true, |mut d| d.next().is_none());
    if empty {
        return Ok(());
    }
    let earlier_demo = out.join("report.md").exists() || out.join("stage1-invitations").exists();
    if !opts.replace || !earlier_demo {
        return Err(DemoError::Config(format!(
            "{} already holds files: the demo writes its two stages as an organiser would, and never writes over an earlier output. Fix: choose another --out, remove the folder{}",
            out.display(),
            if earlier_demo {
                ", or pass --force to replace this earlier demo's output"
            } else {
                ""
            }
        )));
    }
    std::fs::remove_dir_all(out).map_err(|source| DemoError::Io {
        action: "replace",
        path: out.clone(),
        source,
    })
}

/// The commit options both stages share, as `kleroterion commit` builds them from its flags:
/// a replay of 2023 with its recorded randomness, and tickets from a fixed demo key so that the
/// demo writes the same files every time.
fn commit_options(
    k: u32,
    method: MethodChoice,
    title: &str,
    r: &randomness::StageRandomness,
    key_label: &str,
) -> CommitOptions {
    let key = TicketKey::from_bytes(roll::demo_key(key_label).as_bytes())
        .expect("a 32-byte key derived by SHA-256 is accepted");
    CommitOptions::new(k, method)
        .with_title(title)
        .with_purpose(Purpose::Replay)
        .with_announced_at(r.plan.announced_at)
        .with_randomness(r.recipe.clone())
        .with_tickets(TicketSource::Keyed(key))
}

/// The roll as the organiser's people file: `id,commune,gender,age`, one voter a line.
fn roll_csv(fig: &data::Figures, roll: &roll::Roll) -> String {
    let mut out = String::with_capacity(roll.people.len() * 40);
    out.push_str("id,commune,gender,age\n");
    for (i, p) in roll.people.iter().enumerate() {
        out.push_str(&respondents::voter_id(i));
        for v in [
            &fig.communes[usize::from(p.commune)].name,
            &fig.features[0].values[usize::from(p.values[0])],
            &fig.features[1].values[usize::from(p.values[1])],
        ] {
            out.push(',');
            out.push_str(v);
        }
        out.push('\n');
    }
    out
}

/// Stage 1's quotas: gender and age band are published with the invitations, informative only
/// (a stratified draw enforces no quota), so that stage 2 can inherit them.
fn informative_quotas(fig: &data::Figures, k: u32) -> String {
    let mut out = String::from("feature,value,min,max\n");
    for (f, name) in INHERITED.iter().enumerate() {
        for v in &fig.features[f].values {
            out.push_str(&format!("{name},{v},0,{k}\n"));
        }
    }
    out
}

/// The roll index of a voter id written by [`respondents::voter_id`].
fn roll_index(id: &str) -> Option<usize> {
    id.strip_prefix("voter-")?.parse().ok()
}

fn stage_step(stage: u8, step: &'static str) -> &'static str {
    match (stage, step) {
        (1, "commit") => "stage 1: commit",
        (1, "draw") => "stage 1: draw",
        (1, "verify") => "stage 1: verify",
        (1, _) => "stage 1: receipts",
        (_, "commit") => "stage 2: LEXIMIN and commit",
        (_, "draw") => "stage 2: draw",
        (_, "verify") => "stage 2: verify",
        _ => "stage 2: receipts",
    }
}

#[cfg(test)]
mod tests;
