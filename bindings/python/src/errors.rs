//! The one place where Rust errors become Python exceptions.
//!
//! Hierarchy (all defined in the module `kleroterion`, re-exported by the facade):
//!
//! ```text
//! KleroterionError
//! ├── InvalidInput            malformed or inconsistent inputs (texts, quotas, pools, JSON...)
//! │   └── InvalidRandomness   a reveal that is malformed or does not match the recipe
//! ├── InfeasibleQuotas        no panel can meet the quotas (and the household rule)
//! ├── DrawFailed              the method could not produce a panel (a verifiable outcome)
//! ├── VerificationFailed      a bundle or receipt does not match what was committed
//! ├── SolverError             the LP/MIP solver failed or gave an untrustworthy status
//! ├── Interrupted             a time limit ran out, or the computation was cancelled
//! └── OutputExists            an output exists and replacing it was not asked for
//! ```
//!
//! An output that is also an input (`OutputIsInput`) and a ticket map that is missing or
//! belongs to another commit are `InvalidInput`; a manifest edited after its commitment
//! (`ManifestEdited`) is `VerificationFailed`.
//!
//! Every exception carries `kind`, the protocol name of the failure (SPEC.md section 15, e.g.
//! `"PoolRootMismatch"`, or `"Infeasible"`, `"TimeLimit"` for the fair crate), and its message
//! is the `Display` text of the Rust error, the same text the command line prints. Errors
//! about an input file also carry `file`, `line` and `column` (None when not applicable).

use kleroterion_files::{FileError, Location};
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::{PyErr, create_exception};

create_exception!(
    kleroterion,
    KleroterionError,
    PyException,
    "Base class of every error of kleroterion."
);
create_exception!(
    kleroterion,
    InvalidInput,
    KleroterionError,
    "An input is malformed or inconsistent."
);
create_exception!(
    kleroterion,
    InvalidRandomness,
    InvalidInput,
    "The revealed randomness is malformed or does not match the committed recipe."
);
create_exception!(
    kleroterion,
    InfeasibleQuotas,
    KleroterionError,
    "No panel can meet the quotas."
);
create_exception!(
    kleroterion,
    DrawFailed,
    KleroterionError,
    "The method could not produce a panel."
);
create_exception!(
    kleroterion,
    VerificationFailed,
    KleroterionError,
    "A bundle or receipt does not match what was committed."
);
create_exception!(
    kleroterion,
    SolverError,
    KleroterionError,
    "The solver failed."
);
create_exception!(
    kleroterion,
    Interrupted,
    KleroterionError,
    "A time limit ran out or the run was cancelled."
);
create_exception!(
    kleroterion,
    OutputExists,
    KleroterionError,
    "An output already exists and replacing it was not asked for; nothing was written."
);

/// Builds an exception of class `E` with `kind` set (and `file`, `line`, `column` set to None).
fn raise<E: pyo3::PyTypeInfo>(kind: &str, message: String) -> PyErr {
    raise_at::<E>(kind, message, None)
}

/// Builds an exception of class `E` with `kind` and the place in a file it points at.
fn raise_at<E: pyo3::PyTypeInfo>(kind: &str, message: String, at: Option<&Location>) -> PyErr {
    let err = PyErr::new::<E, _>(message);
    Python::attach(|py| {
        let value = err.value(py);
        // Setting attributes on a fresh exception instance cannot fail in practice; if it
        // did, the exception is still raised with the right class and message.
        let _ = value.setattr("kind", kind);
        let _ = value.setattr("file", at.map(|a| a.file.clone()));
        let _ = value.setattr("line", at.and_then(|a| a.line));
        let _ = value.setattr("column", at.and_then(|a| a.column.clone()));
    });
    err
}

/// An error of the core crate.
pub fn core(e: kleroterion::Error) -> PyErr {
    use kleroterion::Error as E;
    let kind = e.kind().as_str();
    let message = e.to_string();
    match e {
        E::QuotaMinsTooLarge { .. }
        | E::QuotaMaxsTooSmall { .. }
        | E::AllocationExceedsStratum { .. } => raise::<InfeasibleQuotas>(kind, message),
        E::InvalidReveal { .. } | E::RevealMismatch { .. } | E::DrandSignature { .. } => {
            raise::<InvalidRandomness>(kind, message)
        }
        E::DrawFailed { .. } => raise::<DrawFailed>(kind, message),
        E::PoolRootMismatch { .. } | E::ReceiptMismatch { .. } => {
            raise::<VerificationFailed>(kind, message)
        }
        _ => raise::<InvalidInput>(kind, message),
    }
}

/// An error of the files crate (importers and the commit workflow). The message is the one the
/// command line prints; `file`, `line` and `column` say where the problem is.
pub fn files(e: FileError) -> PyErr {
    let kind = e.kind();
    let message = e.to_string();
    let at = e.location().cloned();
    match e {
        FileError::Infeasible { .. } => raise_at::<InfeasibleQuotas>(kind, message, at.as_ref()),
        FileError::TimeLimit { .. } => raise::<Interrupted>(kind, message),
        FileError::Fair { source } => match source {
            kleroterion_fair::FairError::TimeLimit { .. } => {
                raise::<Interrupted>("TimeLimit", message)
            }
            kleroterion_fair::FairError::Cancelled { .. } => {
                raise::<Interrupted>("Cancelled", message)
            }
            _ => raise::<SolverError>(kind, message),
        },
        FileError::OutputExists { .. } => raise::<OutputExists>(kind, message),
        FileError::ManifestEdited { .. } => raise::<VerificationFailed>(kind, message),
        FileError::Core { source, .. } => {
            let class = core(source);
            Python::attach(|py| {
                let _ = class.value(py).setattr("args", (message,));
            });
            class
        }
        _ => raise_at::<InvalidInput>(kind, message, at.as_ref()),
    }
}

/// An error of the fair crate.
pub fn fair(e: kleroterion_fair::FairError) -> PyErr {
    use kleroterion_fair::FairError as F;
    let message = e.to_string();
    match e {
        F::Infeasible => raise::<InfeasibleQuotas>("Infeasible", message),
        F::TimeLimit { .. } => raise::<Interrupted>("TimeLimit", message),
        F::Cancelled { .. } => raise::<Interrupted>("Cancelled", message),
        F::Solver(_) => raise::<SolverError>("Solver", message),
        F::InvalidInstance(_) => raise::<InvalidInput>("InvalidInstance", message),
        F::InvalidDistribution(_) => raise::<InvalidInput>("InvalidDistribution", message),
        F::InvalidArgument(_) => raise::<InvalidInput>("InvalidArgument", message),
        _ => raise::<KleroterionError>("Fair", message),
    }
}

/// A JSON text that could not be read or written.
pub fn json(what: &str, e: &serde_json::Error) -> PyErr {
    raise::<InvalidInput>("Json", format!("{what}: {e}"))
}

/// An argument of the bindings that is out of range.
pub fn invalid(message: impl Into<String>) -> PyErr {
    raise::<InvalidInput>("InvalidArgument", message.into())
}

/// A bundle that does not verify, with the report's first failure.
pub fn verification(kind: &str, message: String) -> PyErr {
    raise::<VerificationFailed>(kind, message)
}

/// Adds the exception classes to the native module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("KleroterionError", py.get_type::<KleroterionError>())?;
    m.add("InvalidInput", py.get_type::<InvalidInput>())?;
    m.add("InvalidRandomness", py.get_type::<InvalidRandomness>())?;
    m.add("InfeasibleQuotas", py.get_type::<InfeasibleQuotas>())?;
    m.add("DrawFailed", py.get_type::<DrawFailed>())?;
    m.add("VerificationFailed", py.get_type::<VerificationFailed>())?;
    m.add("SolverError", py.get_type::<SolverError>())?;
    m.add("Interrupted", py.get_type::<Interrupted>())?;
    m.add("OutputExists", py.get_type::<OutputExists>())?;
    Ok(())
}

/// `Result` of the core crate, converted.
pub trait CoreResult<T> {
    /// Converts the error.
    fn py(self) -> PyResult<T>;
}

impl<T> CoreResult<T> for Result<T, kleroterion::Error> {
    fn py(self) -> PyResult<T> {
        self.map_err(core)
    }
}

impl<T> CoreResult<T> for Result<T, FileError> {
    fn py(self) -> PyResult<T> {
        self.map_err(files)
    }
}

impl<T> CoreResult<T> for Result<T, kleroterion_fair::FairError> {
    fn py(self) -> PyResult<T> {
        self.map_err(fair)
    }
}
