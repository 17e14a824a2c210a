//! One stage of the demo, run as an organiser runs it: the inputs are written as files (a
//! people file and a quotas file), then the public workflow of the files crate commits, draws
//! and verifies them, through the same calls as `kleroterion commit`, `draw` and `verify`.
//!
//! A stage's folder holds what an organiser would keep and publish:
//!
//! | path | public? | content |
//! |---|---|---|
//! | `input/people.csv`, `input/quotas.csv` | private | the organiser's inputs (synthetic here) |
//! | `commit/` | public, but `commit/private/` | the commit folder, as `kleroterion commit --out` writes it |
//! | `reveal.json` | public | the randomness, once it exists |
//! | `bundle.json` | public | the draw, as `kleroterion draw --out` writes it |
//! | `private/` | private | the draw's lists: who was selected, the alternates, the rest |

use std::fs;
use std::path::{Path, PathBuf};

use kleroterion::chain::Response;
use kleroterion::{Bundle, Digest, Published, Receipt, ReceiptOutcome, Reveal, Status};
use kleroterion_files::commit_folder::{Destination, commit_file};
use kleroterion_files::draw_folder::draw_files;
use kleroterion_files::intake::Sealed;
use kleroterion_files::{CommitOptions, Existing, PeopleOptions, Quotas, WriteOptions};
use serde::Serialize;

use super::DemoError;

/// Where a stage's files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageFiles {
    /// The stage's folder.
    pub dir: PathBuf,
    /// `input/people.csv`: the organiser's people file (private).
    pub people: PathBuf,
    /// `input/quotas.csv`: the quotas.
    pub quotas: PathBuf,
    /// `commit/manifest.json`: what is committed.
    pub manifest: PathBuf,
    /// `commit/commitment.txt`: the hash to publish before the randomness exists.
    pub commitment: PathBuf,
    /// `commit/pool.json`: the pseudonymous records.
    pub pool: PathBuf,
    /// `reveal.json`: the randomness, once public.
    pub reveal: PathBuf,
    /// `bundle.json`: everything needed to verify.
    pub bundle: PathBuf,
    /// `commit/private/receipts/`: private receipts, one file per ticket.
    pub receipts: PathBuf,
    /// `commit/private/tickets.csv`: the private ticket map.
    pub tickets: PathBuf,
    /// `commit/private/openings.json`: with sealed features, every record's opening (private).
    pub openings: PathBuf,
}

impl StageFiles {
    fn new(dir: PathBuf) -> Self {
        let commit = dir.join("commit");
        let private = commit.join("private");
        Self {
            people: dir.join("input/people.csv"),
            quotas: dir.join("input/quotas.csv"),
            manifest: commit.join("manifest.json"),
            commitment: commit.join("commitment.txt"),
            pool: commit.join("pool.json"),
            reveal: dir.join("reveal.json"),
            bundle: dir.join("bundle.json"),
            receipts: private.join("receipts"),
            tickets: private.join("tickets.csv"),
            openings: private.join("openings.json"),
            dir,
        }
    }

    fn commit_dir(&self) -> PathBuf {
        self.dir.join("commit")
    }
}

/// One step of the verification report, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckLine {
    /// The step id (`format`, `manifest`, `pool`...).
    pub step: &'static str,
    /// `passed`, `failed`, `skipped` or `not checked`.
    pub status: &'static str,
    /// What the step checks.
    pub title: String,
    /// The verifier's notes.
    pub detail: Vec<String>,
}

/// What a stage produced.
pub struct StageRun {
    /// Its files.
    pub files: StageFiles,
    /// The commitment.
    pub commitment: Digest,
    /// The sealed commit: the pool, the tickets and what the method computed.
    pub sealed: Sealed,
    /// The bundle, as read back from disk.
    pub bundle: Bundle,
    /// The ids of the selected then of the alternates, from the draw's private lists.
    pub ids: Vec<String>,
    /// The verification of the bundle read back from disk (in a chain, the stage's own report,
    /// made with the previous stage given).
    pub report: kleroterion::Report,
    /// How many receipts were written.
    pub receipts_written: usize,
    /// A few receipts checked against the bundle: (ticket, outcome in words).
    pub receipt_checks: Vec<(String, String)>,
    /// With a previous stage: the response rates by its features' values, then the total.
    pub responses: Vec<Response>,
}

impl StageRun {
    /// The steps of its verification, in words.
    pub fn checks(&self) -> Vec<CheckLine> {
        self.report.steps.iter().map(check_line).collect()
    }

    /// The verdict in one line ("VALID if the N items below match their public records").
    pub fn verdict(&self) -> String {
        self.report.headline()
    }

    /// What a reader must still compare by hand, in words.
    pub fn by_hand(&self) -> Vec<String> {
        self.report
            .by_hand
            .iter()
            .map(|b| format!("{}: {} (against {})", b.what, b.value, b.record))
            .collect()
    }
}

/// Which receipts a stage writes.
pub enum Receipts {
    /// Everyone's, by the commit.
    All,
    /// Only these people's (data rows of the people file, from 0): a roll of hundreds of
    /// thousands needs no receipt file each for a demonstration.
    Rows(Vec<usize>),
}

/// What a stage needs.
pub struct StageInput<'a> {
    /// The stage's folder.
    pub dir: PathBuf,
    /// The people file's text.
    pub people: String,
    /// The quotas file's text.
    pub quotas: String,
    /// How to read the people file.
    pub read: PeopleOptions,
    /// The commit's options, as `kleroterion commit` builds them from its flags.
    pub options: CommitOptions,
    /// The randomness, revealed after the commitment.
    pub reveal: Reveal,
    /// Which receipts to write.
    pub receipts: Receipts,
    /// A label for errors, e.g. `stage 1`.
    pub stage: &'static str,
    /// The lottery result as its operator published it, given to the verifier as a reader
    /// would type it.
    pub lottery: kleroterion::PublishedLottery,
    /// The previous stage, for a stage drawn from its invitees: verified as a chain with it.
    pub previous: Option<&'a StageRun>,
}

/// Runs a stage: writes the inputs, commits, draws, reads the bundle back and verifies it.
/// `progress(step, done, total)` reports each part.
pub fn run(
    input: StageInput<'_>,
    progress: &mut dyn FnMut(&'static str, u64, u64),
) -> Result<StageRun, DemoError> {
    let StageInput {
        dir,
        people,
        quotas,
        read,
        options,
        reveal,
        receipts,
        stage,
        lottery,
        previous,
    } = input;
    let files = StageFiles::new(dir);
    let files_err = |source| DemoError::Files {
        stage,
        source: Box::new(source),
    };
    create_dir(files.people.parent().unwrap_or(&files.dir))?;
    write_text(&files.people, &people)?;
    write_text(&files.quotas, &quotas)?;

    progress("commit", 0, 1);
    let quotas = Quotas::read(&files.quotas).map_err(files_err)?;
    let write = WriteOptions {
        bom: false,
        existing: Existing::Refuse,
    };
    let to = Destination {
        dir: &files.commit_dir(),
        write,
        receipts: matches!(receipts, Receipts::All),
    };
    let (sealed, _) =
        commit_file(&files.people, &quotas, &read, &options, &to, &|_| {}).map_err(files_err)?;
    let commitment = sealed.commitment();
    progress("commit", 1, 1);

    progress("draw", 0, 1);
    write_json(&files.reveal, &reveal)?;
    let openings = sealed.manifest().sealed.then_some(files.openings.as_path());
    let drawn = draw_files(
        sealed.manifest(),
        &files.pool,
        &reveal,
        Some(&files.tickets),
        openings,
        &files.bundle,
        &write,
    )
    .map_err(files_err)?
    .map_err(DemoError::protocol(stage))?;
    progress("draw", 1, 1);

    progress("verify", 0, 1);
    let text = fs::read_to_string(&files.bundle).map_err(io("read", &files.bundle))?;
    let bundle = Bundle::from_json(&text).map_err(DemoError::protocol(stage))?;
    let published_text =
        fs::read_to_string(&files.commitment).map_err(io("read", &files.commitment))?;
    let published = Published {
        commitment: Some(
            Digest::from_hex(published_text.trim(), "commitment.txt")
                .map_err(DemoError::protocol(stage))?,
        ),
        lotteries: vec![lottery],
    };
    let (report, responses) = match previous {
        Some(p) => {
            let chain = kleroterion::verify_chain_after(
                &bundle,
                &published,
                &[],
                &p.bundle,
                p.report.clone(),
            );
            (chain.report, chain.responses)
        }
        None => (
            kleroterion::verify_with(&bundle, &published, &[]),
            Vec::new(),
        ),
    };
    if !report.valid {
        return Err(DemoError::Verification {
            stage,
            detail: report.error.unwrap_or_default(),
        });
    }
    progress("verify", 1, 1);

    let (receipts_written, receipt_checks) =
        write_receipts(&files, &sealed, &bundle, receipts, stage, progress)?;
    Ok(StageRun {
        files,
        commitment,
        sealed,
        bundle,
        ids: drawn.ids,
        report,
        receipts_written,
        receipt_checks,
        responses,
    })
}

/// Writes the example receipts a stage asks for (the commit wrote everyone's otherwise), and
/// checks a few against the bundle: the first three, then the selected.
fn write_receipts(
    files: &StageFiles,
    sealed: &Sealed,
    bundle: &Bundle,
    receipts: Receipts,
    stage: &'static str,
    progress: &mut dyn FnMut(&'static str, u64, u64),
) -> Result<(usize, Vec<(String, String)>), DemoError> {
    let files_err = |source| DemoError::Files {
        stage,
        source: Box::new(source),
    };
    let all: Vec<Receipt> = match receipts {
        Receipts::All => sealed
            .receipts()
            .collect::<Result<_, _>>()
            .map_err(files_err)?,
        Receipts::Rows(rows) => {
            let mut out = Vec::new();
            for row in rows {
                if let Some(r) = sealed.receipt_of_row(row) {
                    let r = r.map_err(files_err)?;
                    write_json(
                        &files.receipts.join(format!("{}.json", r.record.ticket)),
                        &r,
                    )?;
                    out.push(r);
                }
            }
            out
        }
    };
    let total = all.len() as u64;
    let mut checks = Vec::new();
    for (done, receipt) in all.iter().enumerate() {
        let selected = bundle.result.selected.contains(&receipt.record.ticket);
        if done < 3 || checks.len() < 6 && selected {
            let check =
                kleroterion::check_receipt(receipt, bundle).map_err(DemoError::protocol(stage))?;
            checks.push((check.ticket, outcome_words(&check.outcome)));
        }
        if done % 64 == 0 || done as u64 + 1 == total {
            progress("receipts", done as u64 + 1, total);
        }
    }
    Ok((all.len(), checks))
}

/// A receipt's outcome in words.
pub fn outcome_words(o: &ReceiptOutcome) -> String {
    match o {
        ReceiptOutcome::Selected { position } => format!("selected (position {position})"),
        ReceiptOutcome::Alternate { number } => format!("alternate number {number}"),
        ReceiptOutcome::NotSelected => "in the pool, not selected".into(),
    }
}

fn check_line(s: &kleroterion::Step) -> CheckLine {
    CheckLine {
        step: s.id.as_str(),
        status: match s.status {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
            Status::NotChecked => "not checked",
        },
        title: s.title.clone(),
        detail: s.detail.clone(),
    }
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> DemoError {
    let path = path.to_path_buf();
    move |source| DemoError::Io {
        action,
        path,
        source,
    }
}

/// Creates a folder and its parents.
pub fn create_dir(path: &Path) -> Result<(), DemoError> {
    fs::create_dir_all(path).map_err(io("create", path))
}

/// Writes a text file.
pub fn write_text(path: &Path, text: &str) -> Result<(), DemoError> {
    fs::write(path, text).map_err(io("write", path))
}

/// Writes a value as indented JSON.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), DemoError> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| DemoError::Json {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    text.push('\n');
    write_text(path, &text)
}
