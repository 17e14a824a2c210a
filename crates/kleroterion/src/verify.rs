//! Verification: recompute everything and name the first difference (SPEC.md section 12).

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::Serialize;

use crate::draw::{
    BUNDLE_FORMAT, Bundle, Outcome, check_pool, check_portfolio_of, check_reveal, compute_outcome,
    transcript,
};
use crate::encoding::SPEC_VERSION;
use crate::error::Error;
use crate::manifest::Method;
use crate::model::ResolvedPool;
use crate::quotas::{broken_quotas, shared_household};

/// The steps of verification, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepId {
    /// The bundle's format and protocol version.
    Format,
    /// The manifest is valid and hashes to the commitment.
    Manifest,
    /// The pool records match the committed root.
    Pool,
    /// Every panel of the lottery portfolio is valid.
    Portfolio,
    /// The reveal matches the recipe.
    Randomness,
    /// The seed follows from the commitment and the reveal.
    Seed,
    /// The draw gives the published panel and alternates.
    Draw,
    /// The panel meets the quotas and the household rule.
    Quotas,
    /// The transcript hash matches.
    Transcript,
}

impl StepId {
    /// All steps, in order.
    pub const ALL: [StepId; 9] = [
        StepId::Format,
        StepId::Manifest,
        StepId::Pool,
        StepId::Portfolio,
        StepId::Randomness,
        StepId::Seed,
        StepId::Draw,
        StepId::Quotas,
        StepId::Transcript,
    ];

    /// The step's id as text.
    pub fn as_str(self) -> &'static str {
        match self {
            StepId::Format => "format",
            StepId::Manifest => "manifest",
            StepId::Pool => "pool",
            StepId::Portfolio => "portfolio",
            StepId::Randomness => "randomness",
            StepId::Seed => "seed",
            StepId::Draw => "draw",
            StepId::Quotas => "quotas",
            StepId::Transcript => "transcript",
        }
    }

    /// What the step checks, in plain words.
    pub fn title(self) -> &'static str {
        match self {
            StepId::Format => "The bundle uses a protocol version this verifier knows",
            StepId::Manifest => "The manifest hashes to the published commitment",
            StepId::Pool => "The pool records match the committed pool root",
            StepId::Portfolio => "Every panel of the committed portfolio meets the quotas",
            StepId::Randomness => "The randomness was revealed as committed",
            StepId::Seed => "The seed follows from the commitment and the randomness",
            StepId::Draw => "The draw gives the published panel and alternates",
            StepId::Quotas => "The panel meets every quota and the household rule",
            StepId::Transcript => "The transcript hash matches the result",
        }
    }
}

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Checked and correct.
    Passed,
    /// Checked and wrong.
    Failed,
    /// Does not apply to this draw (e.g. the portfolio of a non-lottery method).
    Skipped,
    /// Not checked because an earlier step failed.
    NotChecked,
}

/// One step of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Which step.
    pub id: StepId,
    /// What it checks.
    pub title: &'static str,
    /// How it ended.
    pub status: Status,
    /// The value recomputed, when there is one.
    pub computed: Option<String>,
    /// The value published, when there is one.
    pub published: Option<String>,
    /// Details in plain words (notes, or the first difference).
    pub detail: Vec<String>,
}

/// The verification report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// True when every step passed or was skipped.
    pub valid: bool,
    /// The steps, in order.
    pub steps: Vec<Step>,
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
}

struct Builder {
    steps: Vec<Step>,
    error: Option<(String, &'static str)>,
}

impl Builder {
    fn step(
        &mut self,
        id: StepId,
        status: Status,
        computed: Option<String>,
        published: Option<String>,
        detail: Vec<String>,
    ) {
        self.steps.push(Step {
            id,
            title: id.title(),
            status,
            computed,
            published,
            detail,
        });
    }

    fn pass(
        &mut self,
        id: StepId,
        computed: Option<String>,
        published: Option<String>,
        detail: Vec<String>,
    ) {
        self.step(id, Status::Passed, computed, published, detail);
    }

    fn fail(
        &mut self,
        id: StepId,
        computed: Option<String>,
        published: Option<String>,
        message: String,
        kind: &'static str,
    ) -> Report {
        self.step(
            id,
            Status::Failed,
            computed,
            published,
            alloc::vec![message.clone()],
        );
        self.error = Some((message, kind));
        self.finish()
    }

    fn fail_err(&mut self, id: StepId, e: &Error) -> Report {
        self.fail(id, None, None, e.to_string(), e.kind())
    }

    fn finish(&mut self) -> Report {
        let done: Vec<StepId> = self.steps.iter().map(|s| s.id).collect();
        for id in StepId::ALL {
            if !done.contains(&id) {
                self.step(id, Status::NotChecked, None, None, Vec::new());
            }
        }
        let error = self.error.take();
        Report {
            valid: error.is_none(),
            steps: core::mem::take(&mut self.steps),
            error_kind: error.as_ref().map(|e| e.1.to_string()),
            error: error.map(|e| e.0),
        }
    }
}

/// Verifies a bundle given as JSON text: a file that does not parse fails the `format` step.
pub fn verify_json(text: &str) -> Report {
    match Bundle::from_json(text) {
        Ok(bundle) => verify(&bundle),
        Err(e) => {
            let mut b = Builder {
                steps: Vec::new(),
                error: None,
            };
            b.fail(
                StepId::Format,
                None,
                None,
                format!("the bundle cannot be read: {e}"),
                e.kind(),
            )
        }
    }
}

/// Verifies a bundle: recomputes every step and stops at the first difference.
pub fn verify(bundle: &Bundle) -> Report {
    let mut b = Builder {
        steps: Vec::new(),
        error: None,
    };
    let m = &bundle.manifest;
    if bundle.format != BUNDLE_FORMAT || bundle.spec != SPEC_VERSION || m.spec != SPEC_VERSION {
        let found = if bundle.spec != SPEC_VERSION {
            &bundle.spec
        } else {
            &m.spec
        };
        let msg = if bundle.format != BUNDLE_FORMAT {
            format!(
                "this file is not a kleroterion bundle (format \"{}\")",
                bundle.format
            )
        } else {
            format!(
                "this bundle uses protocol {found}, which this verifier does not know (it knows {SPEC_VERSION})"
            )
        };
        return b.fail(
            StepId::Format,
            Some(SPEC_VERSION.into()),
            Some(found.clone()),
            msg,
            "UnsupportedSpec",
        );
    }
    b.pass(
        StepId::Format,
        Some(SPEC_VERSION.into()),
        Some(bundle.spec.clone()),
        Vec::new(),
    );

    if let Err(e) = m.validate() {
        return b.fail_err(StepId::Manifest, &e);
    }
    let commitment = match m.commitment() {
        Ok(c) => c,
        Err(e) => return b.fail_err(StepId::Manifest, &e),
    };
    if commitment != bundle.commitment {
        return b.fail(
            StepId::Manifest,
            Some(commitment.to_hex()),
            Some(bundle.commitment.to_hex()),
            "the manifest does not hash to the published commitment: it was changed after the commitment was published".into(),
            "CommitmentMismatch",
        );
    }
    b.pass(
        StepId::Manifest,
        Some(commitment.to_hex()),
        Some(bundle.commitment.to_hex()),
        Vec::new(),
    );

    let pool = match check_pool(m, &bundle.pool)
        .and_then(|()| ResolvedPool::new(&m.features, &bundle.pool))
    {
        Ok(p) => p,
        Err(e) => {
            return b.fail(
                StepId::Pool,
                None,
                Some(m.pool.root.to_hex()),
                e.to_string(),
                e.kind(),
            );
        }
    };
    b.pass(
        StepId::Pool,
        Some(m.pool.root.to_hex()),
        Some(m.pool.root.to_hex()),
        alloc::vec![format!("{} records", bundle.pool.len())],
    );

    if let Method::Lottery { portfolio } = &m.method {
        if let Err(e) = check_portfolio_of(m, &pool) {
            return b.fail_err(StepId::Portfolio, &e);
        }
        b.pass(
            StepId::Portfolio,
            None,
            None,
            alloc::vec![format!(
                "{} panels, each meeting every quota",
                portfolio.len()
            )],
        );
    } else {
        b.step(
            StepId::Portfolio,
            Status::Skipped,
            None,
            None,
            alloc::vec!["no portfolio: not the lottery method".into()],
        );
    }

    match check_reveal(m, &bundle.reveal) {
        Ok(mut lines) => {
            lines.push(timing_note(m));
            b.pass(StepId::Randomness, None, None, lines)
        }
        Err(e) => return b.fail_err(StepId::Randomness, &e),
    }

    let seed = match bundle.reveal.seed(&commitment) {
        Ok(s) => s,
        Err(e) => return b.fail_err(StepId::Seed, &e),
    };
    if seed != bundle.seed {
        return b.fail(
            StepId::Seed,
            Some(seed.to_hex()),
            Some(bundle.seed.to_hex()),
            "the seed does not follow from the published randomness".into(),
            "SeedMismatch",
        );
    }
    b.pass(
        StepId::Seed,
        Some(seed.to_hex()),
        Some(bundle.seed.to_hex()),
        Vec::new(),
    );

    let outcome = match compute_outcome(m, &pool, &seed, &bundle.reveal) {
        Ok(o) => o,
        Err(e) => return b.fail_err(StepId::Draw, &e),
    };
    if let Err(msg) = compare_outcome(bundle, &outcome) {
        return b.fail(StepId::Draw, None, None, msg, "DrawMismatch");
    }
    b.pass(
        StepId::Draw,
        None,
        None,
        alloc::vec![format!(
            "{} selected and {} alternates recomputed",
            outcome.selected.len(),
            outcome.alternates.len()
        )],
    );

    let broken = broken_quotas(&m.features, &pool, &outcome.selected);
    let households = if m.household_rule {
        shared_household(&pool, &outcome.selected)
    } else {
        None
    };
    if m.method.enforces_quotas() {
        if let Some(first) = broken.first() {
            return b.fail(
                StepId::Quotas,
                None,
                None,
                format!("the panel breaks a quota: {first}"),
                "QuotaBroken",
            );
        }
        if let Some((x, y)) = households {
            let (tx, ty) = (
                &bundle.pool[x as usize].ticket,
                &bundle.pool[y as usize].ticket,
            );
            return b.fail(
                StepId::Quotas,
                None,
                None,
                format!("tickets {tx} and {ty} share a household"),
                "HouseholdBroken",
            );
        }
        b.pass(
            StepId::Quotas,
            None,
            None,
            alloc::vec!["every quota holds".into()],
        );
    } else {
        let mut notes = alloc::vec![format!(
            "the {} method does not enforce quotas; for information:",
            m.method.name()
        )];
        if broken.is_empty() {
            notes.push("every quota holds".into());
        }
        notes.extend(broken);
        b.pass(StepId::Quotas, None, None, notes);
    }

    let t = match transcript(&commitment, &seed, &outcome) {
        Ok(t) => t,
        Err(e) => return b.fail_err(StepId::Transcript, &e),
    };
    if t != bundle.transcript {
        return b.fail(
            StepId::Transcript,
            Some(t.to_hex()),
            Some(bundle.transcript.to_hex()),
            "the transcript hash does not match the result".into(),
            "TranscriptMismatch",
        );
    }
    b.pass(
        StepId::Transcript,
        Some(t.to_hex()),
        Some(bundle.transcript.to_hex()),
        Vec::new(),
    );
    b.finish()
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
            return Err(format!("ticket {t} is not in the committed pool"));
        }
        for (pos, c) in computed.iter().enumerate() {
            let want = &pool[*c as usize].ticket;
            match published.get(pos) {
                Some(got) if got == want => {}
                Some(got) => {
                    return Err(format!(
                        "the draw gives ticket {want} at position {} of the {what}, but the bundle says {got}",
                        pos + 1
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

/// What a reader must compare by hand: the claimed publication time against the randomness.
fn timing_note(m: &crate::manifest::Manifest) -> String {
    use crate::recipe::SourceSpec;
    let first_round = m
        .randomness
        .iter()
        .flat_map(|r| &r.sources)
        .filter_map(|s| match s {
            SourceSpec::Drand { chain, round } => crate::beacon::round_time(chain, *round),
            _ => None,
        });
    let earliest = first_round.min();
    match (&m.announced_at, earliest) {
        (Some(a), Some(t)) => {
            let order = match crate::time::parse_utc(a) {
                Some(x) if x < t => "before",
                _ => "NOT before",
            };
            format!(
                "the organiser says the commitment was published at {a}, {order} the first committed drand round ({}); check the publication time in the public record",
                crate::time::format_unix(t)
            )
        }
        (Some(a), None) => format!(
            "the organiser says the commitment was published at {a}; check in the public record that this was before the randomness existed"
        ),
        (None, _) => "the manifest gives no publication time: check in the public record that the commitment was published before the randomness existed".into(),
    }
}
