//! The one place where errors become JavaScript values.
//!
//! Every fallible function of [`crate::api`] returns an [`ApiError`]. The exported functions
//! of the crate root turn it into a JavaScript `Error` whose `name` is the protocol name of
//! the failure (`PoolRootMismatch`, `Json`, `NotLottery`...) and whose `message` is the
//! plain-words explanation, so a page can `catch (e)` and show `e.message` or branch on
//! `e.name`.

use core::fmt;

use wasm_bindgen::JsValue;

/// An error of the bindings: a protocol name and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The protocol name of the failure, e.g. `PoolRootMismatch` (SPEC.md section 15), or a
    /// name of the bindings: `Json`, `NotLottery`, `InvalidArgument`, `InvalidCommitment`.
    pub kind: String,
    /// The explanation in plain words.
    pub message: String,
}

impl ApiError {
    /// An error with a name of the bindings.
    pub fn new(kind: &str, message: impl Into<String>) -> Self {
        Self {
            kind: kind.into(),
            message: message.into(),
        }
    }

    /// A JSON text that could not be read as `what`.
    pub fn json(what: &str, e: &serde_json::Error) -> Self {
        Self::new("Json", format!("{what}: {e}"))
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for ApiError {}

impl From<kleroterion::Error> for ApiError {
    fn from(e: kleroterion::Error) -> Self {
        Self {
            kind: e.kind().as_str().into(),
            message: e.to_string(),
        }
    }
}

impl From<ApiError> for JsValue {
    fn from(e: ApiError) -> Self {
        let js = js_sys::Error::new(&e.message);
        js.set_name(&e.kind);
        js.into()
    }
}

/// The result type of [`crate::api`].
pub type ApiResult<T> = Result<T, ApiError>;
