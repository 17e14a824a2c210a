//! The command line's errors and exit codes.

use std::process::ExitCode;

use kleroterion_files::FileError;

/// Why a command did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// An input could not be read or used.
    #[error("{0}")]
    Files(#[from] FileError),
    /// The protocol refused something.
    #[error("{}{source}", context.as_deref().map(|c| format!("{c}: ")).unwrap_or_default())]
    Core {
        /// What was being done, when the core's message does not already say it.
        context: Option<String>,
        /// The core's error.
        source: kleroterion::Error,
    },
    /// The demo failed.
    #[error("{0}")]
    Demo(#[from] crate::demo::DemoError),
    /// A check ran and found a mismatch (already reported on standard output).
    #[error("{0}")]
    Failed(String),
    /// An argument is wrong.
    #[error("{0}")]
    Usage(String),
}

impl CliError {
    /// Wraps a core error with what was being done.
    pub fn core(context: impl Into<String>, source: kleroterion::Error) -> Self {
        CliError::Core {
            context: Some(context.into()),
            source,
        }
    }

    /// A core error whose own message already says what failed, printed as it is.
    pub fn core_as_is(source: kleroterion::Error) -> Self {
        CliError::Core {
            context: None,
            source,
        }
    }

    /// A stable name for the kind of error, for `--json`.
    pub fn kind(&self) -> &'static str {
        match self {
            CliError::Files(e) => e.kind(),
            CliError::Core { source, .. } => source.kind().as_str(),
            CliError::Demo(_) => "Demo",
            CliError::Failed(_) => "Failed",
            CliError::Usage(_) => "Usage",
        }
    }

    /// The exit code: 1 when a check failed (verification, receipt), 2 for any other error.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Failed(_) => ExitCode::from(1),
            _ => ExitCode::from(2),
        }
    }
}

/// Shorthand for command results.
pub type Result<T> = std::result::Result<T, CliError>;
