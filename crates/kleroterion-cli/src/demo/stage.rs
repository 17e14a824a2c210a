//! One stage of the demo: commit, reveal, draw, verify, receipts, each written to disk.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use kleroterion::merkle::MerkleTree;
use kleroterion::seal::{Opening, OpeningsFile};
use kleroterion::{
    Bundle, Digest, Manifest, PoolFile, Receipt, ReceiptOutcome, Record, Reveal, Status,
    check_receipt,
};
use serde::Serialize;

use super::DemoError;

/// Where a stage's files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageFiles {
    /// The stage's folder.
    pub dir: PathBuf,
    /// `manifest.json`: what is committed.
    pub manifest: PathBuf,
    /// `commitment.txt`: the hash to publish before the randomness exists.
    pub commitment: PathBuf,
    /// `pool.json`: the pseudonymous records.
    pub pool: PathBuf,
    /// `reveal.json`: the randomness, once public.
    pub reveal: PathBuf,
    /// `bundle.json`: everything needed to verify.
    pub bundle: PathBuf,
    /// `receipts/`: private receipts, one file per ticket.
    pub receipts: PathBuf,
    /// `private-openings.json`: with sealed features, every record's opening (private).
    pub openings: PathBuf,
}

impl StageFiles {
    fn new(dir: PathBuf) -> Self {
        Self {
            manifest: dir.join("manifest.json"),
            commitment: dir.join("commitment.txt"),
            pool: dir.join("pool.json"),
            reveal: dir.join("reveal.json"),
            bundle: dir.join("bundle.json"),
            receipts: dir.join("receipts"),
            openings: dir.join("private-openings.json"),
            dir,
        }
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
#[derive(Debug, Clone)]
pub struct StageRun {
    /// Its files.
    pub files: StageFiles,
    /// The commitment.
    pub commitment: Digest,
    /// The bundle, as read back from disk.
    pub bundle: Bundle,
    /// The verdict in one line ("VALID if the N items below match their public records").
    pub verdict: String,
    /// What a reader must still compare by hand, in words.
    pub by_hand: Vec<String>,
    /// The verification of the bundle read back from disk.
    pub checks: Vec<CheckLine>,
    /// How many receipts were written.
    pub receipts_written: usize,
    /// A few receipts checked against the bundle: (ticket, outcome in words).
    pub receipt_checks: Vec<(String, String)>,
    /// The facts the verifier was given as published: the commitment and the lottery result.
    pub published: kleroterion::Published,
    /// With a previous stage: the response rates by its features' values, then the total.
    pub responses: Vec<kleroterion::chain::Response>,
}

/// What a stage needs.
pub struct StageInput<'a> {
    /// The stage's folder.
    pub dir: PathBuf,
    /// The manifest to commit.
    pub manifest: Manifest,
    /// The pool, in pool order.
    pub records: &'a [Record],
    /// The tree over the pool (the manifest's root is its root).
    pub tree: &'a MerkleTree,
    /// The randomness, revealed after the commitment.
    pub reveal: Reveal,
    /// Write the big files without indentation.
    pub compact: bool,
    /// The pool indices that get a receipt.
    pub receipts: Vec<u32>,
    /// With sealed features, every record's opening in pool order (the organiser's).
    pub openings: Option<&'a [Opening]>,
    /// A label for errors, e.g. `stage 1`.
    pub stage: &'static str,
    /// The lottery result as its operator published it, given to the verifier as a reader
    /// would type it.
    pub lottery: kleroterion::PublishedLottery,
    /// The previous stage, for a stage drawn from its invitees: verified as a chain with it.
    pub previous: Option<&'a StageRun>,
}

/// Runs a stage: writes the commitment, draws, writes the bundle, reads it back and verifies it,
/// writes the receipts. `progress(step, done, total)` reports each part.
pub fn run(
    input: StageInput<'_>,
    progress: &mut dyn FnMut(&'static str, u64, u64),
) -> Result<StageRun, DemoError> {
    let StageInput {
        dir,
        manifest,
        records,
        tree,
        reveal,
        compact,
        receipts,
        openings,
        stage,
        lottery,
        previous,
    } = input;
    let files = StageFiles::new(dir);
    create_dir(&files.receipts)?;
    let proto = DemoError::protocol;

    progress("commit", 0, 2);
    let commitment = manifest.commitment().map_err(proto(stage))?;
    write_json(&files.manifest, &manifest, false)?;
    write_text(&files.commitment, &format!("{commitment}\n"))?;
    write_json(
        &files.pool,
        &PoolFile {
            spec: kleroterion::SPEC_VERSION.into(),
            records: records.to_vec(),
        },
        compact,
    )?;
    progress("commit", 2, 2);

    progress("draw", 0, 1);
    write_json(&files.reveal, &reveal, false)?;
    let drawn = match openings {
        Some(all) => {
            write_json(&files.openings, &OpeningsFile::new(all.to_vec()), false)?;
            manifest
                .clone()
                .commit(records.to_vec())
                .and_then(|d| d.with_openings(all.to_vec()))
                .and_then(|d| d.draw(&reveal))
        }
        None => kleroterion::draw(&manifest, records, &reveal),
    }
    .map_err(proto(stage))?;
    write_json(&files.bundle, &drawn, compact)?;
    progress("draw", 1, 1);

    progress("verify", 0, 1);
    let text = fs::read_to_string(&files.bundle).map_err(io("read", &files.bundle))?;
    let bundle = Bundle::from_json(&text).map_err(proto(stage))?;
    let published_text =
        fs::read_to_string(&files.commitment).map_err(io("read", &files.commitment))?;
    let published = kleroterion::Published {
        commitment: Some(
            Digest::from_hex(published_text.trim(), "commitment.txt").map_err(proto(stage))?,
        ),
        lotteries: vec![lottery],
    };
    let (report, responses) = match previous {
        Some(p) => {
            let chain =
                kleroterion::verify_chain(&bundle, &published, &[], &p.bundle, &p.published, &[]);
            (chain.report, chain.responses)
        }
        None => (
            kleroterion::verify_with(&bundle, &published, &[]),
            Vec::new(),
        ),
    };
    let checks = report.steps.iter().map(check_line).collect();
    if !report.valid {
        return Err(DemoError::Verification {
            stage,
            detail: report.error.unwrap_or_default(),
        });
    }
    progress("verify", 1, 1);

    let total = receipts.len() as u64;
    let mut receipt_checks = Vec::new();
    for (done, &i) in receipts.iter().enumerate() {
        let secret = super::roll::receipt_secret(&records[i as usize].ticket);
        let receipt = Receipt::issue(commitment, tree, records, i, &secret)
            .and_then(|r| match openings.and_then(|all| all.get(i as usize)) {
                Some(o) => r.with_opening(o.clone()),
                None => Ok(r),
            })
            .map_err(proto(stage))?;
        let path = files
            .receipts
            .join(format!("{}.json", receipt.record.ticket));
        write_json(&path, &receipt, false)?;
        if done < 3
            || receipt_checks.len() < 6 && bundle.result.selected.contains(&receipt.record.ticket)
        {
            let check = check_receipt(&receipt, &bundle).map_err(proto(stage))?;
            receipt_checks.push((check.ticket, outcome_words(&check.outcome)));
        }
        if done % 64 == 0 || done as u64 + 1 == total {
            progress("receipts", done as u64 + 1, total);
        }
    }
    Ok(StageRun {
        files,
        commitment,
        bundle,
        checks,
        verdict: report.headline(),
        by_hand: report
            .by_hand
            .iter()
            .map(|b| format!("{}: {} (against {})", b.what, b.value, b.record))
            .collect(),
        receipts_written: receipts.len(),
        receipt_checks,
        published,
        responses,
    })
}

fn outcome_words(o: &ReceiptOutcome) -> String {
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

/// Writes a value as JSON (indented unless `compact`), through a buffer.
pub fn write_json<T: Serialize>(path: &Path, value: &T, compact: bool) -> Result<(), DemoError> {
    let file = fs::File::create(path).map_err(io("write", path))?;
    let mut w = BufWriter::new(file);
    let r = if compact {
        serde_json::to_writer(&mut w, value)
    } else {
        serde_json::to_writer_pretty(&mut w, value)
    };
    r.map_err(|e| DemoError::Json {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    w.write_all(b"\n")
        .and_then(|()| w.flush())
        .map_err(io("write", path))
}
