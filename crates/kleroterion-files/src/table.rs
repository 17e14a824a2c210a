//! Reading a CSV file into a table of trimmed NFC cells with line numbers.
//!
//! Accepted: UTF-8 with or without a byte-order mark; `,` or `;` as separator (detected on the
//! header line: the one that occurs more often outside quotes, `,` on a tie); fields quoted
//! with `"` holding separators, quotes (doubled) and newlines; CRLF, LF or mixed line endings.
//! Every cell and header name is trimmed of surrounding whitespace (as the Sortition
//! Foundation's reader does) and normalised to Unicode NFC, since the protocol refuses
//! non-NFC text. Blank lines are skipped. The size limits of [`crate::limits`] apply.

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

use crate::error::{FileError, Location, Result};
use crate::limits::{self, Limits, RecordLimit, RecordScanner, cut, cut_all};

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

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes bytes as UTF-8 (dropping a byte-order mark); an invalid byte is an error naming
/// its line.
pub fn decode(file: &str, bytes: &[u8]) -> Result<String> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => Err(not_utf8(file, bytes, e.valid_up_to())),
    }
}

/// [`decode`] without copying the text.
fn decode_owned(file: &str, mut bytes: Vec<u8>) -> Result<String> {
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    String::from_utf8(bytes).map_err(|e| not_utf8(file, e.as_bytes(), e.utf8_error().valid_up_to()))
}

/// The error for invalid UTF-8 at byte `valid` of `bytes` (a byte-order mark already dropped).
fn not_utf8(file: &str, bytes: &[u8], valid: usize) -> FileError {
    let good = &bytes[..valid];
    let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let character = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
    FileError::NotUtf8 {
        at: Box::new(Location::line(file, line)),
        byte: bytes[valid],
        character,
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

/// Line numbers of byte offsets, counted forward from the last offset asked for (records come
/// in file order), so that no table of line starts is kept. A line ends after `\n`, or after
/// a `\r` not followed by `\n`.
struct Lines<'a> {
    text: &'a [u8],
    pos: usize,
    line: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text: text.as_bytes(),
            pos: 0,
            line: 1,
        }
    }

    /// The 1-based line holding byte `byte`.
    fn of(&mut self, byte: usize) -> usize {
        if byte < self.pos {
            (self.pos, self.line) = (0, 1);
        }
        let end = byte.min(self.text.len());
        let t = self.text;
        self.line += (self.pos..end)
            .filter(|&i| t[i] == b'\n' || (t[i] == b'\r' && t.get(i + 1) != Some(&b'\n')))
            .count();
        self.pos = end;
        self.line
    }
}

/// The error for a record longer than the limit.
fn record_too_long(file: &str, o: limits::RecordOverflow) -> FileError {
    FileError::RecordTooLong {
        at: Box::new(Location::line(file, o.line)),
        limit: o.limit,
        found: o.seen,
    }
}

/// Trims and normalises one cell.
pub fn clean(cell: &str) -> String {
    kleroterion::text::to_nfc(cell.trim())
}

impl Table {
    /// Parses a CSV text (already decoded). `separator` overrides detection.
    ///
    /// The limits of [`crate::limits`] apply: a record, cell, row or column count above them
    /// is an error.
    pub fn parse_text(file: &str, text: &str, separator: Option<u8>) -> Result<Self> {
        Self::parse_limited(file, text, separator, &Limits::DEFAULT, false)
    }

    /// [`Table::parse_text`] with the given limits; `scanned` tells that the record lengths
    /// were already checked while reading.
    fn parse_limited(
        file: &str,
        text: &str,
        separator: Option<u8>,
        limits: &Limits,
        scanned: bool,
    ) -> Result<Self> {
        if !scanned {
            RecordScanner::new(limits.record_bytes)
                .feed(text.as_bytes())
                .map_err(|o| record_too_long(file, o))?;
        }
        let separator = separator.unwrap_or_else(|| detect_separator(text));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(separator)
            .from_reader(text.as_bytes());
        if let Some(open) = unclosed_quote(text) {
            return Err(FileError::Syntax {
                at: Box::new(Location::line(file, Lines::new(text).of(open))),
                detail: "a quote opens here and is never closed".into(),
            });
        }
        // A record's position may point at blank lines skipped before it: step over them.
        let mut lines = Lines::new(text);
        let mut line_of = |byte: u64| {
            let mut b = byte as usize;
            while matches!(text.as_bytes().get(b), Some(b'\r' | b'\n')) {
                b += 1;
            }
            lines.of(b)
        };
        let mut header: Option<(usize, Vec<String>)> = None;
        let mut rows = Vec::new();
        // The first data line over the record limit, and how many records there are in all.
        let mut over: Option<usize> = None;
        let mut records = 0usize;
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
            if record.len() > limits.columns {
                return Err(FileError::TooManyColumns {
                    at: Box::new(Location::line(file, line)),
                    limit: limits.columns,
                    found: record.len(),
                });
            }
            if let Some((i, cell)) = record
                .iter()
                .enumerate()
                .find(|(_, c)| c.len() > limits.cell_bytes)
            {
                let at = match header.as_ref().and_then(|(_, h)| h.get(i)) {
                    Some(name) => Location::cell(file, line, &cut(name)),
                    None => Location::line(file, line),
                };
                return Err(FileError::CellTooLong {
                    at: Box::new(at),
                    position: i + 1,
                    limit: limits.cell_bytes,
                    found: cell.len(),
                    start: cut(cell),
                });
            }
            // The same test as `clean` giving empty cells, without building them.
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if header.is_none() {
                header = Some((line, record.iter().map(clean).collect()));
                continue;
            }
            records += 1;
            if records > limits.records {
                over.get_or_insert(line);
            } else {
                rows.push(Row {
                    line,
                    cells: record.iter().map(clean).collect(),
                });
            }
        }
        if let Some(line) = over {
            return Err(FileError::TooManyRecords {
                at: Box::new(Location::line(file, line)),
                limit: limits.records,
                found: records,
            });
        }
        let Some((header_line, header)) = header else {
            return Err(FileError::EmptyFile {
                at: Box::new(Location::file(file)),
            });
        };
        let mut names = HashSet::with_capacity(header.len());
        for h in &header {
            if !h.is_empty() && !names.insert(h.as_str()) {
                return Err(FileError::DuplicateColumn {
                    at: Box::new(Location::cell(file, header_line, &cut(h))),
                    column: cut(h),
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
    ///
    /// Reading stops as soon as one record passes [`limits::MAX_RECORD_BYTES`], so that a
    /// wrong file (a header of millions of columns, a quote never closed) is refused without
    /// holding it in memory.
    pub fn read(path: &Path, separator: Option<u8>) -> Result<Self> {
        let name = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| FileError::io(path, &e))?;
        let mut bytes = Vec::new();
        RecordLimit::new(file, limits::MAX_RECORD_BYTES)
            .read_to_end(&mut bytes)
            .map_err(|e| match limits::overflow(&e) {
                Some(o) => record_too_long(&name, o),
                None => FileError::io(path, &e),
            })?;
        let text = decode_owned(&name, bytes)?;
        Self::parse_limited(&name, &text, separator, &Limits::DEFAULT, true)
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
            found: cut_all(&self.header),
            suggestion: crate::error::case_insensitive_match(name, &self.header).map(|s| cut(&s)),
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

    fn small(text: &str) -> Result<Table> {
        let limits = Limits {
            columns: 3,
            cell_bytes: 5,
            record_bytes: 20,
            records: 2,
        };
        Table::parse_limited("f.csv", text, None, &limits, false)
    }

    #[test]
    fn limits_give_named_errors() {
        assert!(small("a,b,c\n1,2,3\n\n4,5,6\n").is_ok());
        let e = small("a,b,c\n1,2,3\n4,5,6\n\n7,8,9\n8,9,10\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("f.csv, line 5: 4 records, more than the limit of 2"),
            "{e}"
        );
        let e = small("a,b,c\n1,2,3,4\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("f.csv, line 2: 4 columns, more than the limit of 3"),
            "{e}"
        );
        let e = small("a,b,c\n1,\"123456\",3\n").unwrap_err();
        assert!(
            e.to_string().starts_with(
                "f.csv, line 2, column \"b\": field 2 holds 6 bytes, more than the limit of 5; it starts \"123456\""
            ),
            "{e}"
        );
        let e = small("a,bbbbbb\n").unwrap_err();
        assert!(e.to_string().starts_with("f.csv, line 1: field 2"), "{e}");
        let e = small("a,b\n1,2\n\"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\",9\n").unwrap_err();
        assert_eq!(e.kind(), "RecordTooLong");
        assert!(
            e.to_string().starts_with(
                "f.csv, line 3: the CSV record starting on this line holds at least 21 bytes, more than the limit of 20"
            ),
            "{e}"
        );
    }

    #[test]
    fn long_names_are_cut_in_messages() {
        let long = "x".repeat(1000);
        let e = Table::parse_text("f.csv", &format!("{long},{long}\n1,2\n"), None).unwrap_err();
        assert!(matches!(e, FileError::DuplicateColumn { .. }));
        assert!(e.to_string().len() < 400, "{e}");
        let t = Table::parse_text("f.csv", &format!("{long}\n1\n"), None).unwrap();
        let e = t.require_column("id", "the id", None).unwrap_err();
        assert!(e.to_string().contains("(1000 bytes in all)"), "{e}");
        assert!(e.to_string().len() < 400, "{e}");
    }

    #[test]
    fn lines_count_as_line_starts_did() {
        let text = "a\r\nb\rc\n\r\n\rd";
        let starts = [0, 3, 5, 7, 9, 10];
        let mut lines = Lines::new(text);
        for b in 0..=text.len() + 2 {
            assert_eq!(lines.of(b), starts.partition_point(|&s| s <= b), "byte {b}");
        }
        assert_eq!(lines.of(4), 2);
    }

    #[test]
    fn separator_tie_is_comma() {
        assert_eq!(detect_separator("a\n"), b',');
        assert_eq!(detect_separator("\"a;b\",c\n"), b',');
        assert_eq!(detect_separator("a;b;c,d\n"), b';');
    }
}
