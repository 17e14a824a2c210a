//! Text rules (SPEC.md section 3): NFC, no control characters, bounded length.

use alloc::string::String;
use unicode_normalization::{IsNormalized, is_nfc_quick};

use crate::error::{Error, Result};

/// Length limits of a text, in UTF-8 bytes.
#[derive(Debug, Clone, Copy)]
pub enum TextKind {
    /// Tickets: 1 to 128 bytes.
    Ticket,
    /// Names, values, labels, household keys: 1 to 256 bytes.
    Name,
    /// Titles, dates, witnesses, fallback rules: 0 to 4096 bytes.
    Free,
}

impl TextKind {
    fn bounds(self) -> (usize, usize) {
        match self {
            TextKind::Ticket => (1, 128),
            TextKind::Name => (1, 256),
            TextKind::Free => (0, 4096),
        }
    }
}

/// Checks one text against SPEC.md section 3; `field` names it in the error.
pub fn check(text: &str, kind: TextKind, field: impl FnOnce() -> String) -> Result<()> {
    let (lo, hi) = kind.bounds();
    let reason = if text.len() < lo {
        Some("is empty; give a non-empty text")
    } else if text.len() > hi {
        Some("is too long for the protocol's limits (section 3 of SPEC.md)")
    } else if text.chars().any(|c| c <= '\u{1f}' || c == '\u{7f}') {
        Some("contains a control character (tab, newline...); remove it")
    } else if !is_nfc(text) {
        Some("is not in Unicode NFC form; normalise it to NFC before committing")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(Error::InvalidText {
            field: field(),
            reason,
        }),
        None => Ok(()),
    }
}

/// True when the text is in Normalization Form C.
pub fn is_nfc(text: &str) -> bool {
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => true,
        IsNormalized::No => false,
        IsNormalized::Maybe => {
            unicode_normalization::UnicodeNormalization::nfc(text).eq(text.chars())
        }
    }
}

/// The NFC form of a text (for importers, before a commitment).
pub fn to_nfc(text: &str) -> String {
    unicode_normalization::UnicodeNormalization::nfc(text).collect()
}
