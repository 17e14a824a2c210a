//! The demo's typed errors.

use std::path::PathBuf;

/// Everything that can stop the demo.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DemoError {
    /// A file or folder could not be written or read back.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was being done (`write`, `read`, `create`).
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The embedded Montpellier figures do not parse (a build problem, not a user error).
    #[error("embedded data {file}, line {line}: {detail}")]
    Data {
        /// The embedded file.
        file: &'static str,
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        detail: String,
    },
    /// The protocol library refused a step.
    #[error("{stage}: {source}")]
    Protocol {
        /// Which stage and step, e.g. `stage 1: draw`.
        stage: &'static str,
        /// The protocol error.
        source: kleroterion::Error,
    },
    /// The public workflow (commit, draw) refused the demo's files.
    #[error("{stage}: {source}")]
    Files {
        /// Which stage.
        stage: &'static str,
        /// The files crate's error, which names the file, the line and the fix.
        source: Box<kleroterion_files::FileError>,
    },
    /// The fair distribution could not be computed.
    #[error("stage 2: fair panel distribution: {0}")]
    Fair(#[from] kleroterion_fair::FairError),
    /// No panel meets the quotas on the simulated volunteers.
    #[error("stage 2: the quotas cannot be met by the simulated volunteers: {0}")]
    Infeasible(String),
    /// A JSON file could not be written or parsed.
    #[error("{path}: JSON: {detail}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The serde error, in words.
        detail: String,
    },
    /// A bundle written by the demo did not verify.
    #[error("{stage}: the bundle does not verify: {detail}")]
    Verification {
        /// Which stage.
        stage: &'static str,
        /// The first failure reported by the verifier.
        detail: String,
    },
    /// The configuration asks for something impossible (e.g. more invitations than voters).
    #[error("demo configuration: {0}")]
    Config(String),
}

impl DemoError {
    /// Wraps a protocol error with the stage it came from.
    pub(crate) fn protocol(stage: &'static str) -> impl FnOnce(kleroterion::Error) -> Self {
        move |source| Self::Protocol { stage, source }
    }
}
