//! Verification: recompute everything, check it against what was published, and say what
//! is left to compare by hand (SPEC.md section 12).

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::digest::Digest;
use crate::draw::{
    BUNDLE_FORMAT, Bundle, Outcome, check_pool, check_portfolio_of, check_reveal, compute_outcome,
    transcript,
};
use crate::encoding::SPEC_VERSION;
use crate::error::Error;
use crate::manifest::{Manifest, Method, Purpose};
use crate::model::ResolvedPool;
use crate::published::{ByHand, Published, by_hand};
use crate::quotas::{broken_quotas, shared_household};
use crate::replace::{Replacement, replace};
use crate::reveal::SourceValue;
use crate::text::{DISPLAY_LIMIT, display, is_bidi_control, is_control};
use crate::time::format_unix;

/// The longest text one field of a report holds, in bytes.
const REPORT_TEXT_LIMIT: usize = 2_000;

/// A text of the report made safe to print (SPEC.md section 3): a report quotes texts from
/// the file (tickets of the result, names in a parser's message...), so any control or
/// bidirectional formatting character left is escaped, and an overlong text is cut.
fn printable(text: String) -> String {
    if text.len() > REPORT_TEXT_LIMIT || text.chars().any(|c| is_control(c) || is_bidi_control(c)) {
        display(&text, REPORT_TEXT_LIMIT)
    } else {
        text
    }
}

/// The steps of verification, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StepId {
    /// The bundle's format and protocol version.
    Format,
    /// The manifest is valid and hashes to the commitment.
    Manifest,
    /// The pool records match the committed root.
    Pool,
    /// Every panel of the lottery portfolio is valid.
    Portfolio,
    /// The reveal matches the recipe and the published lottery results.
    Randomness,
    /// The randomness did not exist when the commitment was announced.
    TimeOrder,
    /// The seed follows from the commitment and the reveal.
    Seed,
    /// The draw gives the published panel and alternates.
    Draw,
    /// The panel meets the quotas and the household rule.
    Quotas,
    /// The transcript hash matches.
    Transcript,
    /// Each replacement record given follows from the draw.
    Replacements,
}

impl StepId {
    /// All steps, in order.
    pub const ALL: [StepId; 11] = [
        StepId::Format,
        StepId::Manifest,
        StepId::Pool,
        StepId::Portfolio,
        StepId::Randomness,
        StepId::TimeOrder,
        StepId::Seed,
        StepId::Draw,
        StepId::Quotas,
        StepId::Transcript,
        StepId::Replacements,
    ];

    /// The step's id as text.
    pub fn as_str(self) -> &'static str {
        match self {
            StepId::Format => "format",
            StepId::Manifest => "manifest",
            StepId::Pool => "pool",
            StepId::Portfolio => "portfolio",
            StepId::Randomness => "randomness",
            StepId::TimeOrder => "time_order",
            StepId::Seed => "seed",
            StepId::Draw => "draw",
            StepId::Quotas => "quotas",
            StepId::Transcript => "transcript",
            StepId::Replacements => "replacements",
        }
    }

    /// What the step checks, in plain words.
    pub fn title(self) -> &'static str {
        match self {
            StepId::Format => "The bundle uses a protocol version this verifier knows",
            StepId::Manifest => "The manifest hashes to the commitment",
            StepId::Pool => "The pool records match the committed pool root",
            StepId::Portfolio => "Every panel of the committed portfolio meets the quotas",
            StepId::Randomness => "The randomness was revealed as committed",
            StepId::TimeOrder => "The randomness did not exist when the commitment was announced",
            StepId::Seed => "The seed follows from the commitment and the randomness",
            StepId::Draw => "The draw gives the published panel and alternates",
            StepId::Quotas => "The panel meets every quota and the household rule",
            StepId::Transcript => "The transcript hash matches the result",
            StepId::Replacements => "Each replacement record follows from the draw",
        }
    }
}

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Checked by computation, and correct.
    Passed,
    /// Checked and wrong.
    Failed,
    /// Does not apply to this draw (e.g. the portfolio of a non-lottery method).
    Skipped,
    /// Not checked because an earlier step failed.
    NotChecked,
}

/// One step of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// Which step.
    pub id: StepId,
    /// What it checks.
    pub title: String,
    /// How it ended.
    pub status: Status,
    /// The value recomputed, when there is one.
    pub computed: Option<String>,
    /// The value it was compared with, when there is one.
    pub published: Option<String>,
    /// Details in plain words (notes, or the first difference).
    pub detail: Vec<String>,
}

/// The overall answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every check passed and nothing is left to compare by hand.
    Valid,
    /// Every check passed: valid if the items to compare by hand match their public records.
    ValidIf,
    /// A check failed.
    Invalid,
}

/// The verification report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The overall answer.
    pub verdict: Verdict,
    /// True when no check failed (the verdict is then `valid` or `valid_if`).
    pub valid: bool,
    /// The manifest's purpose, when the manifest could be read.
    pub purpose: Option<Purpose>,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// What the reader must still compare with public records (empty when a check failed).
    pub by_hand: Vec<ByHand>,
    /// The first failure, in words.
    pub error: Option<String>,
    /// The protocol name of the failure (e.g. `PoolRootMismatch`), when there is one.
    pub error_kind: Option<String>,
}

impl Report {
    /// The first failed step.
    pub fn failed_step(&self) -> Option<StepId> {
        self.steps
            .iter()
            .find(|s| s.status == Status::Failed)
            .map(|s| s.id)
    }

    /// The verdict in one line, for example "VALID if the 3 items below match their public
    /// records".
    pub fn headline(&self) -> String {
        match self.verdict {
            Verdict::Valid => "VALID".into(),
            Verdict::ValidIf => format!(
                "VALID if the {} item{} below match{} {} public record{}",
                self.by_hand.len(),
                if self.by_hand.len() == 1 { "" } else { "s" },
                if self.by_hand.len() == 1 { "es" } else { "" },
                if self.by_hand.len() == 1 {
                    "its"
                } else {
                    "their"
                },
                if self.by_hand.len() == 1 { "" } else { "s" },
            ),
            Verdict::Invalid => "INVALID".into(),
        }
    }
}

/// A step that ran: its value for later steps and what the report says of it.
struct Done<T> {
    value: T,
    status: Status,
    computed: Option<String>,
    published: Option<String>,
    detail: Vec<String>,
}

impl<T> Done<T> {
    fn passed(value: T, detail: Vec<String>) -> Self {
        Self {
            value,
            status: Status::Passed,
            computed: None,
            published: None,
            detail,
        }
    }

    fn compared(mut self, computed: String, published: String) -> Self {
        self.computed = Some(computed);
        self.published = Some(published);
        self
    }
}

fn skipped(why: &str) -> Done<()> {
    Done {
        status: Status::Skipped,
        ..Done::passed((), alloc::vec![why.into()])
    }
}

/// A step that failed.
struct Failure {
    computed: Option<String>,
    published: Option<String>,
    message: String,
    kind: &'static str,
}

impl Failure {
    fn new(kind: &'static str, message: String) -> Self {
        Self {
            computed: None,
            published: None,
            message,
            kind,
        }
    }

    fn compared(mut self, computed: String, published: String) -> Self {
        self.computed = Some(computed);
        self.published = Some(published);
        self
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Self::new(e.kind(), e.to_string())
    }
}

type StepResult<T> = Result<Done<T>, Failure>;

#[derive(Default)]
struct Builder {
    steps: Vec<Step>,
    error: Option<(String, &'static str)>,
}

impl Builder {
    fn push(
        &mut self,
        id: StepId,
        status: Status,
        computed: Option<String>,
        published: Option<String>,
        detail: Vec<String>,
    ) {
        self.steps.push(Step {
            id,
            title: id.title().into(),
            status,
            computed: computed.map(printable),
            published: published.map(printable),
            detail: detail.into_iter().map(printable).collect(),
        });
    }

    fn record<T>(&mut self, id: StepId, result: StepResult<T>) -> Option<T> {
        match result {
            Ok(d) => {
                self.push(id, d.status, d.computed, d.published, d.detail);
                Some(d.value)
            }
            Err(f) => {
                self.push(
                    id,
                    Status::Failed,
                    f.computed,
                    f.published,
                    alloc::vec![f.message.clone()],
                );
                self.error = Some((printable(f.message), f.kind));
                None
            }
        }
    }

    fn finish(mut self, purpose: Option<Purpose>, by_hand: Vec<ByHand>) -> Report {
        let done: Vec<StepId> = self.steps.iter().map(|s| s.id).collect();
        for id in StepId::ALL {
            if !done.contains(&id) {
                self.push(id, Status::NotChecked, None, None, Vec::new());
            }
        }
        let error = self.error.take();
        let verdict = match (&error, by_hand.is_empty()) {
            (Some(_), _) => Verdict::Invalid,
            (None, true) => Verdict::Valid,
            (None, false) => Verdict::ValidIf,
        };
        Report {
            verdict,
            valid: error.is_none(),
            purpose,
            steps: self.steps,
            by_hand: if error.is_some() {
                Vec::new()
            } else {
                by_hand
                    .into_iter()
                    .map(|b| ByHand {
                        what: printable(b.what),
                        value: printable(b.value),
                        record: printable(b.record),
                        ..b
                    })
                    .collect()
            },
            error_kind: error.as_ref().map(|e| e.1.to_string()),
            error: error.map(|e| e.0),
        }
    }
}

/// Verifies a bundle given as JSON text: a file that does not parse fails the `format` step
/// with `UnreadableBundle`.
pub fn verify_json(text: &str, published: &Published, replacements: &[Replacement]) -> Report {
    match Bundle::from_json(text) {
        Ok(bundle) => verify_with(&bundle, published, replacements),
        Err(e) => {
            let failure = match other_protocol(text) {
                // A bundle of another version has another shape: it is refused for its
                // version (SPEC.md sections 12.1 and 15), not as unreadable.
                Some(found) => {
                    let found = display(&found, 80);
                    Failure::from(Error::UnsupportedSpec {
                        found: found.clone(),
                    })
                    .compared(SPEC_VERSION.into(), found)
                }
                None => Failure::new(
                    "UnreadableBundle",
                    format!(
                        "the file is not a readable kleroterion bundle: {}",
                        display(&e.to_string(), REPORT_TEXT_LIMIT)
                    ),
                ),
            };
            let mut b = Builder::default();
            b.record::<()>(StepId::Format, Err(failure));
            b.finish(None, Vec::new())
        }
    }
}

/// The protocol version named by a file that does not parse as a bundle of this version, when
/// it is a kleroterion bundle of another version.
fn other_protocol(text: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Head {
        format: String,
        spec: String,
    }
    let head: Head = serde_json::from_str(text).ok()?;
    (head.format == BUNDLE_FORMAT && head.spec != SPEC_VERSION).then_some(head.spec)
}

/// Verifies a bundle by computation alone, with no published fact given: the commitment is
/// then left to compare by hand.
pub fn verify(bundle: &Bundle) -> Report {
    verify_with(bundle, &Published::default(), &[])
}

/// Verifies a bundle against the facts published outside it, and the replacement records
/// made from it: recomputes every step and stops at the first difference.
pub fn verify_with(bundle: &Bundle, published: &Published, replacements: &[Replacement]) -> Report {
    let mut b = Builder::default();
    let done = run_steps(&mut b, bundle, published, replacements);
    // The purpose is the manifest's only when the bundle is of a format and version this
    // verifier reads (SPEC.md section 12.4: null otherwise).
    let readable = b.steps.first().is_some_and(|s| s.status == Status::Passed);
    let purpose = readable.then_some(bundle.manifest.purpose);
    if done.is_some() {
        b.finish(purpose, by_hand(bundle, published))
    } else {
        b.finish(purpose, Vec::new())
    }
}

fn run_steps(
    b: &mut Builder,
    bundle: &Bundle,
    published: &Published,
    replacements: &[Replacement],
) -> Option<()> {
    b.record(StepId::Format, format_step(bundle))?;
    let commitment = b.record(StepId::Manifest, manifest_step(bundle, published))?;
    let pool = b.record(StepId::Pool, pool_step(bundle))?;
    b.record(StepId::Portfolio, portfolio_step(&bundle.manifest, &pool))?;
    b.record(StepId::Randomness, randomness_step(bundle, published))?;
    b.record(StepId::TimeOrder, time_order_step(&bundle.manifest))?;
    let seed = b.record(StepId::Seed, seed_step(bundle, &commitment))?;
    let outcome = b.record(StepId::Draw, draw_step(bundle, &pool, &seed))?;
    b.record(StepId::Quotas, quotas_step(bundle, &pool, &outcome))?;
    b.record(
        StepId::Transcript,
        transcript_step(bundle, &commitment, &seed, &outcome),
    )?;
    b.record(
        StepId::Replacements,
        replacements_step(bundle, replacements),
    )
}

fn format_step(bundle: &Bundle) -> StepResult<()> {
    let m = &bundle.manifest;
    if bundle.format != BUNDLE_FORMAT {
        return Err(Failure::new(
            "UnreadableBundle",
            format!(
                "this file is not a kleroterion bundle (format \"{}\")",
                crate::text::display(&bundle.format, 80)
            ),
        ));
    }
    let found = if bundle.spec != SPEC_VERSION {
        &bundle.spec
    } else {
        &m.spec
    };
    if found != SPEC_VERSION {
        let e = Error::UnsupportedSpec {
            found: crate::text::display(found, 80),
        };
        return Err(Failure::from(e).compared(SPEC_VERSION.into(), display(found, 80)));
    }
    Ok(Done::passed((), Vec::new()).compared(SPEC_VERSION.into(), bundle.spec.clone()))
}

fn manifest_step(bundle: &Bundle, published: &Published) -> StepResult<Digest> {
    let m = &bundle.manifest;
    m.validate()?;
    let commitment = m.commitment()?;
    let (reference, whose) = match published.commitment {
        Some(c) => (c, "the commitment you gave (as published)"),
        None => (bundle.commitment, "the bundle's own copy of the commitment"),
    };
    if commitment != reference {
        return Err(Failure::new(
            "CommitmentMismatch",
            format!(
                "the manifest does not hash to {whose}: it was changed after the commitment was published, or this is not the commitment of this draw"
            ),
        )
        .compared(commitment.to_hex(), reference.to_hex()));
    }
    if commitment != bundle.commitment {
        return Err(Failure::new(
            "CommitmentMismatch",
            "the bundle's own commitment field differs from the manifest's hash".into(),
        )
        .compared(commitment.to_hex(), bundle.commitment.to_hex()));
    }
    let note = match published.commitment {
        Some(_) => "equal to the commitment you gave",
        None => {
            "compared only with the bundle's own copy: compare it by hand with the published commitment (below)"
        }
    };
    Ok(Done::passed(commitment, alloc::vec![note.into()])
        .compared(commitment.to_hex(), reference.to_hex()))
}

fn pool_step(bundle: &Bundle) -> StepResult<ResolvedPool> {
    let m = &bundle.manifest;
    let pool = check_pool(m, &bundle.pool)
        .and_then(|()| ResolvedPool::new(&m.features, &bundle.pool))
        .map_err(|e| Failure {
            published: Some(m.pool.root.to_hex()),
            ..Failure::from(e)
        })?;
    Ok(
        Done::passed(pool, alloc::vec![format!("{} records", bundle.pool.len())])
            .compared(m.pool.root.to_hex(), m.pool.root.to_hex()),
    )
}

fn portfolio_step(m: &Manifest, pool: &ResolvedPool) -> StepResult<()> {
    let Method::Lottery { portfolio } = &m.method else {
        return Ok(skipped("no portfolio: not the lottery method"));
    };
    check_portfolio_of(m, pool)?;
    Ok(Done::passed(
        (),
        alloc::vec![format!(
            "{} panels, each meeting every quota",
            portfolio.len()
        )],
    ))
}

fn randomness_step(bundle: &Bundle, published: &Published) -> StepResult<()> {
    let lines = check_reveal(&bundle.manifest, &bundle.reveal)?;
    for given in &published.lotteries {
        check_published_lottery(bundle, given)?;
    }
    Ok(Done::passed((), lines))
}

fn check_published_lottery(
    bundle: &Bundle,
    given: &crate::published::PublishedLottery,
) -> Result<(), Failure> {
    let specs = bundle.manifest.committed_sources();
    // Every recipe source naming this draw (a recipe may name one draw twice): the numbers of
    // each copy are compared, so that none of them can be chosen freely.
    let positions: Vec<usize> = specs
        .clone()
        .enumerate()
        .filter(|(_, s)| {
            matches!(s, crate::recipe::SourceSpec::Lottery { lottery, date, .. }
                if *lottery == given.lottery && *date == given.date)
        })
        .map(|(i, _)| i)
        .collect();
    let name = crate::text::display(&given.lottery, 80);
    let date = crate::text::display(&given.date, 80);
    if positions.is_empty() {
        return Err(Failure::new(
            "LotteryMismatch",
            format!(
                "you gave the results of {name} of {date}, but the recipe commits to no such draw"
            ),
        ));
    }
    for i in positions {
        compare_lottery(bundle, given, i, &name, &date)?;
    }
    Ok(())
}

/// Compares the reveal's value at position `i` with a lottery result given as published.
fn compare_lottery(
    bundle: &Bundle,
    given: &crate::published::PublishedLottery,
    i: usize,
    name: &str,
    date: &str,
) -> Result<(), Failure> {
    let specs = bundle.manifest.committed_sources();
    let Some(SourceValue::Lottery { main, bonus, .. }) = bundle.reveal.sources.get(i) else {
        return Err(Failure::new(
            "LotteryMismatch",
            format!("the reveal gives no lottery value for {name} of {date}"),
        ));
    };
    let sorted = |v: &[u32]| {
        let mut v = v.to_vec();
        v.sort_unstable();
        v
    };
    let same = sorted(main) == sorted(&given.main)
        && bonus.len() == given.bonus.len()
        && bonus
            .iter()
            .zip(&given.bonus)
            .all(|(a, b)| sorted(a) == sorted(b));
    if !same {
        let format = specs
            .clone()
            .nth(i)
            .and_then(crate::recipe::SourceSpec::lottery_format);
        let show = |m: &[u32], b: &[Vec<u32>]| match &format {
            Some(f) => f.display(m, b),
            None => format!("{m:?} {b:?}"),
        };
        return Err(Failure::new(
            "LotteryMismatch",
            format!(
                "the bundle's numbers for {name} of {date} are not the published ones: the randomness was not the committed draw's"
            ),
        )
        .compared(show(main, bonus), show(&given.main, &given.bonus)));
    }
    Ok(())
}

fn time_order_step(m: &Manifest) -> StepResult<()> {
    if m.purpose == Purpose::Replay {
        return Ok(skipped(
            "a replay: its randomness existed before this manifest was written (see the items to compare by hand)",
        ));
    }
    let Some(recipe) = &m.randomness else {
        return Ok(skipped(
            "no recipe: nothing was committed in advance (see the items to compare by hand)",
        ));
    };
    let timed: Vec<(String, u64)> = recipe
        .sources
        .iter()
        .filter_map(|s| s.time().ok().flatten().map(|t| (s.describe(), t)))
        .collect();
    if timed.is_empty() {
        return Ok(skipped(
            "no source whose time a program knows (hex values, dice): compare the announcement by hand",
        ));
    }
    let Some(announced) = m.announced_at.as_deref() else {
        return Err(Error::AnnouncementMissing.into());
    };
    // The manifest step checked the form; a valid time before 1970 has no Unix seconds and
    // comes before every source.
    let at = crate::time::parse_utc(announced).unwrap_or(0);
    if let Some((what, t)) = timed.iter().find(|(_, t)| *t <= at) {
        return Err(Failure::new(
            "CommittedLate",
            format!(
                "committed after the randomness existed: the draw proves nothing ({} existed at {}, but the commitment says it was announced at {announced})",
                crate::text::display(what, 200),
                format_unix(*t)
            ),
        )
        .compared(format_unix(*t), announced.into()));
    }
    let lines: Vec<String> = timed
        .iter()
        .map(|(what, t)| {
            format!(
                "{} exists from {} (UTC), after the announcement at {announced}",
                crate::text::display(what, 200),
                format_unix(*t)
            )
        })
        .collect();
    Ok(Done::passed((), lines))
}

fn seed_step(bundle: &Bundle, commitment: &Digest) -> StepResult<Digest> {
    let seed = bundle.reveal.seed(commitment)?;
    if seed != bundle.seed {
        return Err(Failure::new(
            "SeedMismatch",
            "the seed does not follow from the published randomness".into(),
        )
        .compared(seed.to_hex(), bundle.seed.to_hex()));
    }
    Ok(Done::passed(seed, Vec::new()).compared(seed.to_hex(), bundle.seed.to_hex()))
}

fn draw_step(bundle: &Bundle, pool: &ResolvedPool, seed: &Digest) -> StepResult<Outcome> {
    let outcome = compute_outcome(&bundle.manifest, pool, seed, &bundle.reveal)?;
    compare_outcome(bundle, &outcome).map_err(|msg| Failure::new("DrawMismatch", msg))?;
    let line = format!(
        "{} selected and {} alternates recomputed",
        outcome.selected.len(),
        outcome.alternates.len()
    );
    Ok(Done::passed(outcome, alloc::vec![line]))
}

fn quotas_step(bundle: &Bundle, pool: &ResolvedPool, outcome: &Outcome) -> StepResult<()> {
    let m = &bundle.manifest;
    let broken = broken_quotas(&m.features, pool, &outcome.selected);
    if !m.method.enforces_quotas() {
        let mut notes = alloc::vec![format!(
            "the {} method does not enforce quotas; for information:",
            m.method.name()
        )];
        if broken.is_empty() {
            notes.push("every quota holds".into());
        }
        notes.extend(broken);
        return Ok(Done::passed((), notes));
    }
    if let Some(first) = broken.first() {
        return Err(Failure::new(
            "QuotaBroken",
            format!("the panel breaks a quota: {first}"),
        ));
    }
    if let Some((x, y)) = m
        .household_rule
        .then(|| shared_household(pool, &outcome.selected))
        .flatten()
    {
        let (tx, ty) = (
            &bundle.pool[x as usize].ticket,
            &bundle.pool[y as usize].ticket,
        );
        return Err(Failure::new(
            "HouseholdBroken",
            format!("tickets {tx} and {ty} share a household"),
        ));
    }
    Ok(Done::passed((), alloc::vec!["every quota holds".into()]))
}

fn transcript_step(
    bundle: &Bundle,
    commitment: &Digest,
    seed: &Digest,
    outcome: &Outcome,
) -> StepResult<()> {
    let t = transcript(commitment, seed, outcome)?;
    if t != bundle.transcript {
        return Err(Failure::new(
            "TranscriptMismatch",
            "the transcript hash does not match the result".into(),
        )
        .compared(t.to_hex(), bundle.transcript.to_hex()));
    }
    Ok(Done::passed((), Vec::new()).compared(t.to_hex(), bundle.transcript.to_hex()))
}

fn replacements_step(bundle: &Bundle, replacements: &[Replacement]) -> StepResult<()> {
    if replacements.is_empty() {
        return Ok(skipped("no replacement record was given"));
    }
    let mut lines = Vec::new();
    for (i, given) in replacements.iter().enumerate() {
        let fail = |why: String| {
            Failure::new(
                "ReplacementMismatch",
                format!("replacement record {}: {why}", i + 1),
            )
        };
        if given.transcript != bundle.transcript {
            return Err(
                fail("it was made from another draw (its transcript differs)".into())
                    .compared(bundle.transcript.to_hex(), given.transcript.to_hex()),
            );
        }
        let computed = replace(bundle, &given.dropped).map_err(|e| fail(e.to_string()))?;
        if let Some(what) = replacement_difference(&computed, given) {
            return Err(fail(what));
        }
        lines.push(format!(
            "record {}: declared dropped, in order: {}; replaced by: {}",
            i + 1,
            crate::text::display(&given.dropped.join(", "), 4096),
            crate::text::display(
                &given
                    .replacements
                    .iter()
                    .map(|r| r.as_deref().unwrap_or("(nobody)"))
                    .collect::<Vec<_>>()
                    .join(", "),
                4096
            )
        ));
    }
    lines.push("the organiser chooses who is declared dropped: each person named can contest it with their receipt".into());
    Ok(Done::passed((), lines))
}

fn replacement_difference(computed: &Replacement, given: &Replacement) -> Option<String> {
    if given.format != computed.format || given.spec != computed.spec {
        return Some(format!(
            "its format is \"{}\" of \"{}\"",
            display(&given.format, 80),
            display(&given.spec, 80)
        ));
    }
    if given.replacements != computed.replacements {
        return Some(
            "the replacements differ from those the rule of SPEC.md section 10.2 gives".into(),
        );
    }
    if given.panel != computed.panel {
        return Some("the panel after replacement differs from the recomputed one".into());
    }
    if given.broken_quotas != computed.broken_quotas {
        return Some("the list of broken quotas differs from the recomputed one".into());
    }
    (given.hash != computed.hash).then(|| {
        format!(
            "the hash {} differs from the recomputed {}",
            given.hash, computed.hash
        )
    })
}

fn compare_outcome(bundle: &Bundle, outcome: &Outcome) -> Result<(), String> {
    let pool = &bundle.pool;
    let index = crate::model::TicketIndex::new(pool);
    for (what, published, computed) in [
        ("panel", &bundle.result.selected, &outcome.selected),
        (
            "alternates list",
            &bundle.result.alternates,
            &outcome.alternates,
        ),
    ] {
        if let Some(t) = published.iter().find(|t| index.get(t).is_none()) {
            return Err(format!(
                "ticket {} is not in the committed pool",
                display(t, DISPLAY_LIMIT)
            ));
        }
        for (pos, c) in computed.iter().enumerate() {
            let want = &pool[*c as usize].ticket;
            match published.get(pos) {
                Some(got) if got == want => {}
                Some(got) => {
                    return Err(format!(
                        "the draw gives ticket {want} at position {} of the {what}, but the bundle says {}",
                        pos + 1,
                        display(got, DISPLAY_LIMIT)
                    ));
                }
                None => {
                    return Err(format!(
                        "the draw gives {} people on the {what}, but the bundle lists only {}",
                        computed.len(),
                        published.len()
                    ));
                }
            }
        }
        if published.len() > computed.len() {
            return Err(format!(
                "the bundle lists {} people on the {what}, but the draw gives only {}",
                published.len(),
                computed.len()
            ));
        }
    }
    Ok(())
}
