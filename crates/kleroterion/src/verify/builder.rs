//! How the report is assembled: a step that ran ([`Done`]), a step that failed ([`Failure`]),
//! and the [`Builder`] that records them in order and gives the verdict.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::report::{Report, Status, Step, StepId, Verdict};
use crate::error::{Error, ErrorKind};
use crate::manifest::Purpose;
use crate::published::ByHand;
use crate::text::{display, is_bidi_control, is_control};

/// The longest text one field of a report holds, in bytes.
pub(super) const REPORT_TEXT_LIMIT: usize = 2_000;

/// A text of the report made safe to print (SPEC.md section 3): a report quotes texts from
/// the file (tickets of the result, names in a parser's message...), so any control or
/// bidirectional formatting character left is escaped, and an overlong text is cut.
pub(super) fn printable(text: String) -> String {
    if text.len() > REPORT_TEXT_LIMIT || text.chars().any(|c| is_control(c) || is_bidi_control(c)) {
        display(&text, REPORT_TEXT_LIMIT)
    } else {
        text
    }
}

/// A step that ran: its value for later steps and what the report says of it.
pub(super) struct Done<T> {
    pub(super) value: T,
    pub(super) status: Status,
    pub(super) computed: Option<String>,
    pub(super) published: Option<String>,
    pub(super) detail: Vec<String>,
}

impl<T> Done<T> {
    pub(super) fn passed(value: T, detail: Vec<String>) -> Self {
        Self {
            value,
            status: Status::Passed,
            computed: None,
            published: None,
            detail,
        }
    }

    pub(super) fn compared(mut self, computed: String, published: String) -> Self {
        self.computed = Some(computed);
        self.published = Some(published);
        self
    }
}

pub(super) fn skipped(why: &str) -> Done<()> {
    Done {
        status: Status::Skipped,
        ..Done::passed((), alloc::vec![why.into()])
    }
}

/// A step that failed.
pub(super) struct Failure {
    pub(super) computed: Option<String>,
    pub(super) published: Option<String>,
    pub(super) message: String,
    pub(super) kind: ErrorKind,
}

impl Failure {
    pub(super) fn new(kind: ErrorKind, message: String) -> Self {
        Self {
            computed: None,
            published: None,
            message,
            kind,
        }
    }

    pub(super) fn compared(mut self, computed: String, published: String) -> Self {
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

pub(super) type StepResult<T> = Result<Done<T>, Failure>;

#[derive(Default)]
pub(super) struct Builder {
    pub(super) steps: Vec<Step>,
    pub(super) error: Option<(String, ErrorKind)>,
}

impl Builder {
    pub(super) fn push(
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

    pub(super) fn record<T>(&mut self, id: StepId, result: StepResult<T>) -> Option<T> {
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

    pub(super) fn finish(mut self, purpose: Option<Purpose>, by_hand: Vec<ByHand>) -> Report {
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
            error_kind: error.as_ref().map(|e| e.1),
            error: error.map(|e| e.0),
        }
    }
}
