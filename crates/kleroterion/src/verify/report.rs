//! The verification report: its steps, their statuses and the verdict (SPEC.md section 12.4).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::error::ErrorKind;
use crate::manifest::Purpose;
use crate::published::ByHand;

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
    /// The previous stage the manifest names verifies and is the one committed to.
    Parent,
    /// Every record links to a distinct invitee of the previous stage.
    Links,
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
    /// In a sealed pool, the bundle opens the panel and the alternates, each opening its
    /// record.
    Openings,
    /// The panel meets the quotas and the household rule.
    Quotas,
    /// The transcript hash matches.
    Transcript,
    /// Each replacement record given follows from the draw.
    Replacements,
    /// Each linked record has its invitee's inherited values.
    Inherited,
}

impl StepId {
    /// All steps, in order.
    pub const ALL: [StepId; 15] = [
        StepId::Format,
        StepId::Manifest,
        StepId::Pool,
        StepId::Parent,
        StepId::Links,
        StepId::Portfolio,
        StepId::Randomness,
        StepId::TimeOrder,
        StepId::Seed,
        StepId::Draw,
        StepId::Openings,
        StepId::Quotas,
        StepId::Transcript,
        StepId::Replacements,
        StepId::Inherited,
    ];

    /// The step's id as text.
    pub fn as_str(self) -> &'static str {
        match self {
            StepId::Format => "format",
            StepId::Manifest => "manifest",
            StepId::Pool => "pool",
            StepId::Parent => "parent",
            StepId::Links => "links",
            StepId::Portfolio => "portfolio",
            StepId::Randomness => "randomness",
            StepId::TimeOrder => "time_order",
            StepId::Seed => "seed",
            StepId::Draw => "draw",
            StepId::Openings => "openings",
            StepId::Quotas => "quotas",
            StepId::Transcript => "transcript",
            StepId::Replacements => "replacements",
            StepId::Inherited => "inherited",
        }
    }

    /// What the step checks, in plain words.
    pub fn title(self) -> &'static str {
        match self {
            StepId::Format => "The bundle uses a protocol version this verifier knows",
            StepId::Manifest => "The manifest hashes to the commitment",
            StepId::Pool => "The pool records match the committed pool root",
            StepId::Parent => "The previous stage verifies and is the one committed to",
            StepId::Links => "Every volunteer was invited by the previous stage, once",
            StepId::Portfolio => "Every panel of the committed portfolio is valid",
            StepId::Randomness => "The randomness was revealed as committed",
            StepId::TimeOrder => "The randomness did not exist when the commitment was announced",
            StepId::Seed => "The seed follows from the commitment and the randomness",
            StepId::Draw => "The draw gives the published panel and alternates",
            StepId::Openings => {
                "The sealed values shown for the panel and the alternates are those committed"
            }
            StepId::Quotas => "The panel meets every quota and the household rule",
            StepId::Transcript => "The transcript hash matches the result",
            StepId::Replacements => "Each replacement record follows from the draw",
            StepId::Inherited => {
                "The volunteers' values from the roll are those of the people invited"
            }
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
    pub error_kind: Option<ErrorKind>,
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
