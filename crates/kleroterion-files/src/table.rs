//! Reading a CSV file into a table of trimmed NFC cells with line numbers.
//!
//! Accepted: UTF-8 with or without a byte-order mark; `,` or `;` as separator (detected on the
//! header line: the one that occurs more often outside quotes, `,` on a tie); fields quoted
//! with `"` holding separators, quotes (doubled) and newlines; CRLF, LF or mixed line endings.
//! Every cell and header name is trimmed of surrounding whitespace (as the Sortition
//! Foundation's reader does) and normalised to Unicode NFC, since the protocol refuses
//! non-NFC text. Blank lines are skipped.

use std::path::Path;

use crate::error::{FileError, Location, Result};

/// One data line of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The 1-based line of the file where this record starts.
    pub line: usize,
    /// The cells, trimmed and in NFC.
    pub cells: Vec<String>,
}

/// A parsed CSV file: a header and data rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The file's name, used in error messages.
    pub file: String,
    /// The separator found (`b','` or `b';'`).
    pub separator: u8,
    /// The 1-based line of the header.
    pub header_line: usize,
    /// Header names, trimmed and in NFC.
    pub header: Vec<String>,
    /// The data rows (blank lines skipped).
    pub rows: Vec<Row>,
}

/// Decodes bytes as UTF-8 (dropping a byte-order mark); an invalid byte is an error naming
/// its line.
pub fn decode(file: &str, bytes: &[u8]) -> Result<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
            let character = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
            Err(FileError::NotUtf8 {
                at: Box::new(Location::line(file, line)),
                byte: bytes[e.valid_up_to()],
                character,
            })
        }
    }
}

/// Detects the separator from the first non-blank line: `;` when it occurs more often than `,`
/// outside quotes, else `,`.
pub fn detect_separator(text: &str) -> u8 {
    let (mut commas, mut semicolons, mut quoted) = (0usize, 0usize, false);
    let mut seen = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted && seen => break,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semicolons += 1,
            _ => {}
        }
        if !c.is_whitespace() {
            seen = true;
        }
    }
    if semicolons > commas { b';' } else { b',' }
}

/// The byte offset of a quote that opens a field and is never closed.
fn unclosed_quote(text: &str) -> Option<usize> {
    let mut open = None;
    for (i, c) in text.bytes().enumerate() {
        if c == b'"' {
            open = if open.is_some() { None } else { Some(i) };
        }
    }
    open
}

/// Byte offsets where lines start (after `\n`, or after a `\r` not followed by `\n`).
fn line_starts(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut starts = vec![0];
    for (i, &c) in b.iter().enumerate() {
        if c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            starts.push(i + 1);
        }
    }
    starts
}

/// Trims and normalises one cell.
pub fn clean(cell: &str) -> String {
    kleroterion::text::to_nfc(cell.trim())
}

impl Table {
    /// Parses a CSV text (already decoded). `separator` overrides detection.
    pub fn parse_text(file: &str, text: &str, separator: Option<u8>) -> Result<Self> {
        let separator = separator.unwrap_or_else(|| detect_separator(text));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(separator)
            .from_reader(text.as_bytes());
        let starts = line_starts(text);
        if let Some(open) = unclosed_quote(text) {
            return Err(FileError::Syntax {
                at: Box::new(Location::line(file, starts.partition_point(|&s| s <= open))),
                detail: "a quote opens here and is never closed".into(),
            });
        }
        // A record's position may point at blank lines skipped before it: step over them.
        let line_of = |byte: u64| {
            let mut b = byte as usize;
            while matches!(text.as_bytes().get(b), Some(b'\r' | b'\n')) {
                b += 1;
            }
            starts.partition_point(|&s| s <= b)
        };
        let mut header: Option<(usize, Vec<String>)> = None;
        let mut rows = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(0, |p| line_of(p.byte()));
                    let detail = match e.kind() {
                        csv::ErrorKind::Utf8 { .. } => "the text is not valid UTF-8".to_string(),
                        _ => e.to_string(),
                    };
                    return Err(FileError::Syntax {
                        at: Box::new(Location::line(file, line)),
                        detail,
                    });
                }
            }
            let line = record.position().map_or(0, |p| line_of(p.byte()));
            let cells: Vec<String> = record.iter().map(clean).collect();
            if cells.iter().all(String::is_empty) {
                continue;
            }
            if header.is_none() {
                header = Some((line, cells));
            } else {
                rows.push(Row { line, cells });
            }
        }
        let Some((header_line, header)) = header else {
            return Err(FileError::EmptyFile {
                at: Box::new(Location::file(file)),
            });
        };
        for (i, h) in header.iter().enumerate() {
            if !h.is_empty() && header[..i].contains(h) {
                return Err(FileError::DuplicateColumn {
                    at: Box::new(Location::cell(file, header_line, h)),
                    column: h.clone(),
                });
            }
        }
        Ok(Self {
            file: file.into(),
            separator,
            header_line,
            header,
            rows,
        })
    }

    /// Parses CSV bytes: decodes (see [`decode`]) then parses.
    pub fn parse_bytes(file: &str, bytes: &[u8], separator: Option<u8>) -> Result<Self> {
        Self::parse_text(file, &decode(file, bytes)?, separator)
    }

    /// Reads and parses a CSV file.
    pub fn read(path: &Path, separator: Option<u8>) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| FileError::io(path, &e))?;
        Self::parse_bytes(&path.display().to_string(), &bytes, separator)
    }

    /// The position of a column by exact name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The position of a column, or a [`FileError::MissingColumn`] explaining its role.
    pub fn require_column(
        &self,
        name: &str,
        role: &str,
        hint: Option<&'static str>,
    ) -> Result<usize> {
        self.column(name).ok_or_else(|| FileError::MissingColumn {
            at: Box::new(Location::line(&self.file, self.header_line)),
            column: name.into(),
            role: role.into(),
            found: self.header.clone(),
            suggestion: crate::error::case_insensitive_match(name, &self.header),
            hint,
        })
    }

    /// Fails with [`FileError::HeaderOnly`] when there is no data line.
    pub fn require_rows(&self, what: &'static str) -> Result<()> {
        if self.rows.is_empty() {
            return Err(FileError::HeaderOnly {
                at: Box::new(Location::file(&self.file)),
                what,
            });
        }
        Ok(())
    }

    /// Checks that every row has as many fields as the header (trailing empty fields beyond
    /// the header are tolerated, as spreadsheets write them).
    pub fn check_widths(&self, fix: &'static str) -> Result<()> {
        let expected = self.header.len();
        for r in &self.rows {
            let used = r
                .cells
                .iter()
                .rposition(|c| !c.is_empty())
                .map_or(0, |p| p + 1);
            if r.cells.len() < expected || used > expected {
                return Err(FileError::FieldCount {
                    at: Box::new(Location::line(&self.file, r.line)),
                    found: r.cells.len(),
                    expected,
                    fix,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_semicolons_quotes_and_mixed_endings() {
        let text = "\u{feff}nom;ville\r\n\"Dupont; Jean\";\"Pé\nrols\"\nMartin;Lattes\r\r\n";
        let t = Table::parse_bytes("f.csv", text.as_bytes(), None).unwrap();
        assert_eq!(t.separator, b';');
        assert_eq!(t.header, ["nom", "ville"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].cells, ["Dupont; Jean", "Pé\nrols"]);
        assert_eq!(t.rows[1].line, 4);
        assert_eq!(t.rows[1].cells, ["Martin", "Lattes"]);
    }

    #[test]
    fn nfc_and_trim() {
        let t = Table::parse_text("f.csv", "a,b\n  Pe\u{301}rols ,x\n", None).unwrap();
        assert_eq!(t.rows[0].cells[0], "P\u{e9}rols");
    }

    #[test]
    fn invalid_utf8_names_line() {
        let e = Table::parse_bytes("f.csv", b"a,b\nok,ok\nP\xe9rols,x\n", None).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("f.csv, line 3"), "{msg}");
        assert!(msg.contains("0xE9"), "{msg}");
        assert!(msg.contains("character 2"), "{msg}");
    }

    #[test]
    fn empty_and_duplicate_header() {
        assert!(matches!(
            Table::parse_text("f.csv", "\n\n", None),
            Err(FileError::EmptyFile { .. })
        ));
        let e = Table::parse_text("f.csv", "a,b,a\n1,2,3\n", None).unwrap_err();
        assert!(matches!(e, FileError::DuplicateColumn { .. }));
    }

    #[test]
    fn field_count() {
        let t = Table::parse_text("f.csv", "a,b\n1,2,\n1\n", None).unwrap();
        let e = t.check_widths("fix it").unwrap_err();
        assert!(e.to_string().starts_with("f.csv, line 3: 1 fields"), "{e}");
    }

    #[test]
    fn unclosed_quote_names_its_line() {
        let e = Table::parse_text("f.csv", "a,b\n1,2\n3,\"x\n4,5\n", None).unwrap_err();
        assert!(e.to_string().starts_with("f.csv, line 3: "), "{e}");
        assert!(Table::parse_text("f.csv", "a,b\n\"x \"\"y\"\"\",2\n", None).is_ok());
    }

    #[test]
    fn separator_tie_is_comma() {
        assert_eq!(detect_separator("a\n"), b',');
        assert_eq!(detect_separator("\"a;b\",c\n"), b',');
        assert_eq!(detect_separator("a;b;c,d\n"), b';');
    }
}
