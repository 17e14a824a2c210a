//! The text encodings of CSV files: UTF-8, and Windows-1252, which Excel and LibreOffice on a
//! Windows machine set to a Western European language write for a plain "CSV" (French Excel's
//! "CSV (séparateur : point-virgule)" is Windows-1252 with `;` separators).
//!
//! [`Encoding::Auto`] reads a file as UTF-8 when it starts with a UTF-8 byte-order mark or is
//! valid UTF-8 throughout, and as Windows-1252 otherwise. Pure ASCII is the same in both. A
//! byte that Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) is an error naming
//! its offset and line: such a file is in neither encoding.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use crate::error::{FileError, Location, Result};

/// How the bytes of a CSV file are read as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-8 when the file starts with a UTF-8 byte-order mark or is valid UTF-8 throughout,
    /// else Windows-1252.
    #[default]
    Auto,
    /// UTF-8 (a byte-order mark is dropped); an invalid byte is an error.
    Utf8,
    /// Windows-1252 (code page 1252, Western European).
    Windows1252,
}

impl Encoding {
    /// Reads a name: `auto`, `utf-8` (or `utf8`), `windows-1252` (or `cp1252`), in any case.
    /// ISO-8859-1 (Latin-1) files are read as Windows-1252, a superset for every printable
    /// character, as web browsers do.
    pub fn parse(name: &str) -> Result<Self> {
        match name.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "auto" => Ok(Self::Auto),
            "utf-8" | "utf8" => Ok(Self::Utf8),
            "windows-1252" | "cp1252" | "latin-1" | "latin1" | "iso-8859-1" => {
                Ok(Self::Windows1252)
            }
            other => Err(FileError::Invalid {
                detail: format!(
                    "unknown encoding \"{}\". Fix: give utf-8, windows-1252 or auto",
                    crate::limits::cut(other)
                ),
            }),
        }
    }

    /// The encoding's name, as [`Encoding::parse`] reads it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Utf8 => "utf-8",
            Self::Windows1252 => "windows-1252",
        }
    }

    /// The encoding of bytes in memory ([`Encoding::Auto`] resolved by its rule).
    pub fn of_bytes(self, bytes: &[u8]) -> Self {
        match self {
            Self::Auto if is_utf8(bytes) => Self::Utf8,
            Self::Auto => Self::Windows1252,
            other => other,
        }
    }

    /// The encoding of a file ([`Encoding::Auto`] resolved by its rule, reading the file once
    /// in bounded memory).
    pub fn of_file(self, path: &Path) -> Result<Self> {
        if self != Self::Auto {
            return Ok(self);
        }
        let file = File::open(path).map_err(|e| FileError::io(path, &e))?;
        Ok(
            if is_utf8_reader(file).map_err(|e| FileError::io(path, &e))? {
                Self::Utf8
            } else {
                Self::Windows1252
            },
        )
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn is_utf8(bytes: &[u8]) -> bool {
    bytes.starts_with(BOM) || std::str::from_utf8(bytes).is_ok()
}

/// Whether a reader's bytes start with a byte-order mark or are valid UTF-8.
fn is_utf8_reader(mut r: impl Read) -> io::Result<bool> {
    let mut buf = vec![0u8; 1 << 16];
    // Bytes of a character cut by the end of the last read.
    let mut carry = 0usize;
    let mut first = true;
    loop {
        let n = match r.read(&mut buf[carry..]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok(carry == 0);
        }
        let end = carry + n;
        if first && buf[..end].starts_with(BOM) {
            return Ok(true);
        }
        if first && end < BOM.len() && BOM.starts_with(&buf[..end]) {
            carry = end;
            continue;
        }
        first = false;
        match std::str::from_utf8(&buf[..end]) {
            Ok(_) => carry = 0,
            Err(e) if e.error_len().is_none() => {
                let good = e.valid_up_to();
                buf.copy_within(good..end, 0);
                carry = end - good;
            }
            Err(_) => return Ok(false),
        }
    }
}

/// The character of each byte from 0x80 on, `None` where Windows-1252 defines none.
fn high_table() -> [Option<char>; 128] {
    let mut table = [None; 128];
    for (i, slot) in table.iter_mut().enumerate() {
        let byte = [0x80 + i as u8];
        let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
        // The WHATWG table maps the five undefined bytes to C1 controls: no text holds them.
        *slot = text
            .chars()
            .next()
            .filter(|c| !('\u{80}'..='\u{9F}').contains(c));
    }
    table
}

/// Reads Windows-1252 bytes as UTF-8 text. An undefined byte is a [`FileError::NotWindows1252`]
/// (inside an [`io::Error`]), given after the text before it.
pub(crate) struct Windows1252<R> {
    inner: R,
    table: [Option<char>; 128],
    raw: Vec<u8>,
    /// Decoded text not yet given.
    out: Vec<u8>,
    out_pos: usize,
    failed: Option<FileError>,
    file: String,
    offset: u64,
    newlines: usize,
    chars: usize,
}

impl<R: Read> Windows1252<R> {
    pub(crate) fn new(file: &str, inner: R) -> Self {
        Self {
            inner,
            table: high_table(),
            raw: vec![0; 1 << 16],
            out: Vec::new(),
            out_pos: 0,
            failed: None,
            file: file.into(),
            offset: 0,
            newlines: 0,
            chars: 0,
        }
    }

    /// Decodes one read of the inner reader; false at its end.
    fn fill(&mut self) -> io::Result<bool> {
        let n = loop {
            match self.inner.read(&mut self.raw) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        };
        self.out.clear();
        self.out_pos = 0;
        let mut utf8 = [0u8; 4];
        for &b in &self.raw[..n] {
            if b < 0x80 {
                self.out.push(b);
            } else if let Some(c) = self.table[usize::from(b - 0x80)] {
                self.out
                    .extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            } else {
                self.failed = Some(FileError::NotWindows1252 {
                    at: Box::new(Location::line(&self.file, self.newlines + 1)),
                    byte: b,
                    offset: self.offset,
                    character: self.chars + 1,
                });
                break;
            }
            self.offset += 1;
            if b == b'\n' {
                self.newlines += 1;
                self.chars = 0;
            } else {
                self.chars += 1;
            }
        }
        Ok(n > 0)
    }
}

impl<R: Read> Read for Windows1252<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.out_pos >= self.out.len() {
            if let Some(e) = self.failed.take() {
                return Err(io::Error::other(e));
            }
            if !self.fill()? {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.out.len() - self.out_pos);
        buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

/// A reader of UTF-8 bytes as they are, or of Windows-1252 bytes decoded to UTF-8.
pub(crate) enum Decoded<R> {
    /// UTF-8 (checked by the table reader).
    Utf8(R),
    /// Windows-1252.
    Windows1252(Box<Windows1252<R>>),
}

impl<R: Read> Decoded<R> {
    /// `inner` read in `encoding` (already resolved: [`Encoding::Auto`] is read as UTF-8).
    pub(crate) fn new(file: &str, inner: R, encoding: Encoding) -> Self {
        match encoding {
            Encoding::Windows1252 => Self::Windows1252(Box::new(Windows1252::new(file, inner))),
            Encoding::Auto | Encoding::Utf8 => Self::Utf8(inner),
        }
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Self::Utf8(r) => r.read(buf),
            Self::Windows1252(r) => r.read(buf),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8], step: usize) -> std::result::Result<String, String> {
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut out = Vec::new();
        let mut r = Windows1252::new("f.csv", Trickle(bytes, step));
        match r.read_to_end(&mut out) {
            Ok(_) => Ok(String::from_utf8(out).unwrap()),
            Err(e) => Err(e.into_inner().unwrap().to_string()),
        }
    }

    #[test]
    fn windows_1252_decodes_the_euro_dashes_and_accents() {
        let bytes = b"nom;ville\r\nP\xe9rols \x96 \x80 \x9c;\xc0\n";
        for step in [1, 2, 7, 1000] {
            assert_eq!(
                decode(bytes, step).unwrap(),
                "nom;ville\r\nPérols – € œ;À\n"
            );
        }
    }

    #[test]
    fn undefined_bytes_name_their_offset_and_line() {
        let e = decode(b"a;b\nok;\x81x\n", 3).unwrap_err();
        assert!(
            e.starts_with(
                "f.csv, line 2: byte 0x81 (offset 7 in the file, character 4 of the line)"
            ),
            "{e}"
        );
    }

    #[test]
    fn auto_detection() {
        assert_eq!(Encoding::Auto.of_bytes(b"a,b\n"), Encoding::Utf8);
        assert_eq!(Encoding::Auto.of_bytes("é".as_bytes()), Encoding::Utf8);
        assert_eq!(Encoding::Auto.of_bytes(b"\xe9"), Encoding::Windows1252);
        assert_eq!(Encoding::Auto.of_bytes(b"\xEF\xBB\xBF\xe9"), Encoding::Utf8);
        let text = "é".repeat(70_000);
        assert!(is_utf8_reader(text.as_bytes()).unwrap());
        let mut bytes = text.into_bytes();
        bytes.push(0xC3);
        assert!(!is_utf8_reader(&bytes[..]).unwrap());
        assert!(is_utf8_reader(&b"\xEF\xBB"[..]).is_ok_and(|u| !u));
        assert_eq!(Encoding::parse(" CP1252 ").unwrap(), Encoding::Windows1252);
        assert!(Encoding::parse("utf-16").is_err());
    }
}
