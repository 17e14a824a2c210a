//! Reading a CSV file, or a sheet of a spreadsheet, into a table of trimmed NFC cells with line
//! numbers, whole or one row at a time.
//!
//! A file whose name ends in `.xlsx`, `.xlsm`, `.xlsb`, `.xls` or `.ods` is a spreadsheet: one
//! of its sheets is read by the rules of [`crate::sheet`] (which cell gives which text), then
//! by those below (trimming, NFC, blank rows skipped, the first row the header). Any other file
//! is CSV.
//!
//! CSV accepted: UTF-8 with or without a byte-order mark, or Windows-1252 (see
//! [`crate::encoding`]: detected, or chosen by [`TableOptions::encoding`]); `,` or `;` as
//! separator (detected on the
//! header line: the one that occurs more often outside quotes, `,` on a tie); fields quoted
//! with `"` holding separators, quotes (doubled) and newlines; CRLF, LF or mixed line endings.
//! Every cell and header name is trimmed of surrounding whitespace (as the Sortition
//! Foundation's reader does) and normalised to Unicode NFC, since the protocol refuses
//! non-NFC text. Blank lines are skipped. The size limits of [`crate::limits`] apply.
//!
//! [`RowReader`] holds the rules: it reads a file one record at a time, in memory bounded by
//! one record, and [`Table`] collects its rows. Errors come in file order: the first problem
//! of the file is the one reported (a quote never closed is found at the end of the file).

use std::collections::{HashSet, VecDeque};
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use crate::encoding::{Decoded, Encoding};
use crate::error::{FileError, Location, Result};
use crate::limits::{self, Limits, RecordLimit, cut, cut_all};
use crate::sheet::{self, Sheet, SheetRow};

/// How a table file is read: which sheet of a spreadsheet, and the encoding of a CSV file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableOptions {
    /// The sheet of a spreadsheet (`None`: the workbook's only sheet). Unused for CSV.
    pub sheet: Option<Sheet>,
    /// The encoding of a CSV file. Unused for a spreadsheet.
    pub encoding: Encoding,
}

impl TableOptions {
    /// The options with [`Encoding::Auto`] resolved for the file at `path` (read once when it
    /// is CSV), and a notice telling the encoding found when it is not UTF-8: reading with the
    /// returned options does not read the file again to find it.
    pub fn for_file(&self, path: &Path) -> Result<(Self, Option<String>)> {
        if sheet::is_spreadsheet(path) || self.encoding != Encoding::Auto {
            return Ok((self.clone(), None));
        }
        let encoding = self.encoding.of_file(path)?;
        let notice = (encoding == Encoding::Windows1252)
            .then(|| windows_1252_notice(&path.display().to_string()));
        Ok((
            Self {
                encoding,
                ..self.clone()
            },
            notice,
        ))
    }
}

/// What is said when a file was found to be Windows-1252.
fn windows_1252_notice(file: &str) -> String {
    format!(
        "{file} is not UTF-8: read as Windows-1252 (Excel's plain \"CSV\"). If its accents look wrong, give its encoding (--encoding; encoding= in Python)"
    )
}

/// One data line of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The 1-based line of the file where this record starts.
    pub line: usize,
    /// The cells, trimmed and in NFC.
    pub cells: Vec<String>,
}

impl Row {
    /// Checks that the row has as many fields as a header of `expected` names (trailing empty
    /// fields beyond the header are tolerated, as spreadsheets write them); `fix` ends the
    /// error message.
    pub fn check_width(&self, file: &str, expected: usize, fix: &'static str) -> Result<()> {
        let used = self
            .cells
            .iter()
            .rposition(|c| !c.is_empty())
            .map_or(0, |p| p + 1);
        if self.cells.len() < expected || used > expected {
            return Err(FileError::FieldCount {
                at: Box::new(Location::line(file, self.line)),
                found: self.cells.len(),
                expected,
                fix,
            });
        }
        Ok(())
    }
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
    /// How the file was read, when its encoding was detected as other than UTF-8.
    pub notice: Option<String>,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How many bytes one read of a file asks for, and the CSV parser's buffer.
const CHUNK: usize = 1 << 16;

/// Decodes bytes as UTF-8 (dropping a byte-order mark); an invalid byte is an error naming
/// its line.
pub fn decode(file: &str, bytes: &[u8]) -> Result<String> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => {
            let mut place = Utf8Place::default();
            place.advance(&bytes[..e.valid_up_to()]);
            Err(place.error(file, bytes[e.valid_up_to()]))
        }
    }
}

/// Where the next byte of a text is, as [`FileError::NotUtf8`] names a place: its line,
/// counted by `\n` alone, and its character in that line.
#[derive(Debug, Clone, Copy, Default)]
struct Utf8Place {
    newlines: usize,
    chars: usize,
}

impl Utf8Place {
    /// Moves past valid UTF-8 text.
    fn advance(&mut self, bytes: &[u8]) {
        // Every byte that is not a continuation byte starts a character.
        let chars = |b: &[u8]| b.iter().filter(|&&x| !(0x80..0xC0).contains(&x)).count();
        match bytes.iter().rposition(|&b| b == b'\n') {
            Some(p) => {
                self.newlines += bytes[..=p].iter().filter(|&&b| b == b'\n').count();
                self.chars = chars(&bytes[p + 1..]);
            }
            None => self.chars += chars(bytes),
        }
    }

    /// The error for the invalid byte `byte` found here.
    fn error(&self, file: &str, byte: u8) -> FileError {
        FileError::NotUtf8 {
            at: Box::new(Location::line(file, self.newlines + 1)),
            byte,
            character: self.chars + 1,
        }
    }
}

/// Detects the separator from the first non-blank line: `;` when it occurs more often than `,`
/// outside quotes, else `,`.
pub fn detect_separator(text: &str) -> u8 {
    let mut d = Detector::default();
    d.feed(text);
    d.separator()
}

/// The rule of [`detect_separator`], fed one piece of text after another.
#[derive(Debug, Clone, Copy, Default)]
struct Detector {
    commas: usize,
    semicolons: usize,
    quoted: bool,
    /// A character other than whitespace was seen.
    seen: bool,
    /// The first non-blank line has ended: later text does not count.
    done: bool,
}

impl Detector {
    fn feed(&mut self, text: &str) {
        if self.done {
            return;
        }
        for c in text.chars() {
            match c {
                '"' => self.quoted = !self.quoted,
                '\n' | '\r' if !self.quoted && self.seen => {
                    self.done = true;
                    return;
                }
                ',' if !self.quoted => self.commas += 1,
                ';' if !self.quoted => self.semicolons += 1,
                _ => {}
            }
            if !c.is_whitespace() {
                self.seen = true;
            }
        }
    }

    fn separator(&self) -> u8 {
        if self.semicolons > self.commas {
            b';'
        } else {
            b','
        }
    }
}

/// Line numbers of byte offsets, counted forward from the last offset asked for. A line ends
/// after `\n`, or after a `\r` not followed by `\n`. The streaming reader counts lines with
/// [`Tracker`]; this is the plain definition its tests compare it with.
#[cfg(test)]
struct Lines<'a> {
    text: &'a [u8],
    pos: usize,
    line: usize,
}

#[cfg(test)]
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

/// Follows the text given to the CSV parser: the line of every byte (a line ends after `\n`,
/// or after a `\r` not followed by `\n`), where UTF-8 errors are, and quotes (toggled on every
/// `"`, a doubled quote toggling twice) to find one that is never closed.
#[derive(Debug)]
struct Tracker {
    /// Bytes of text seen (a byte-order mark is not text).
    offset: u64,
    /// The line of the next byte.
    line: usize,
    after_cr: bool,
    /// The next byte starts a line.
    at_line_start: bool,
    /// The offset and line of each line start whose first byte is not a line break, not yet
    /// passed by [`Tracker::line_at`]. The parser reads ahead by its buffer and one record, so
    /// this holds about as many lines.
    starts: VecDeque<(u64, usize)>,
    utf8: Utf8Place,
    quoted: bool,
    /// The offset and line of the last quote that opened.
    quote_offset: u64,
    quote_line: usize,
}

impl Tracker {
    fn new() -> Self {
        Self {
            offset: 0,
            line: 1,
            after_cr: false,
            at_line_start: true,
            starts: VecDeque::new(),
            utf8: Utf8Place::default(),
            quoted: false,
            quote_offset: 0,
            quote_line: 0,
        }
    }

    /// Moves past valid UTF-8 text.
    fn advance(&mut self, bytes: &[u8]) {
        self.utf8.advance(bytes);
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b > b'"' {
                // An ordinary byte, then the run of them that follows.
                if self.at_line_start {
                    self.starts.push_back((self.offset + i as u64, self.line));
                    self.at_line_start = false;
                }
                self.after_cr = false;
                i += 1;
                while i < bytes.len() && bytes[i] > b'"' {
                    i += 1;
                }
                continue;
            }
            match b {
                b'\n' => {
                    if !self.after_cr {
                        self.line += 1;
                    }
                    self.at_line_start = true;
                }
                b'\r' => {
                    self.line += 1;
                    self.at_line_start = true;
                }
                _ => {
                    if self.at_line_start {
                        self.starts.push_back((self.offset + i as u64, self.line));
                        self.at_line_start = false;
                    }
                    if b == b'"' {
                        self.quoted = !self.quoted;
                        if self.quoted {
                            self.quote_offset = self.offset + i as u64;
                            self.quote_line = self.line;
                        }
                    }
                }
            }
            self.after_cr = b == b'\r';
            i += 1;
        }
        self.offset += bytes.len() as u64;
    }

    /// The line of a record the CSV parser says starts at byte `offset`. That position may
    /// point at blank lines skipped before the record: the record's line is the first one at
    /// or after it that holds more than line breaks. Offsets must not decrease.
    fn line_at(&mut self, offset: u64) -> usize {
        while let Some(&(start, line)) = self.starts.front() {
            if start >= offset {
                return line;
            }
            self.starts.pop_front();
        }
        self.line
    }

    /// At the end of the text: the error for a quote that opened and never closed.
    fn unclosed_quote(&self, file: &str) -> Option<FileError> {
        self.quoted.then(|| FileError::Syntax {
            at: Box::new(Location::line(file, self.quote_line)),
            detail: "a quote opens here and is never closed".into(),
        })
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

/// The text of a CSV file as the parser reads it, checked as it comes: no record longer than
/// the limit ([`RecordLimit`]), a byte-order mark dropped, UTF-8 checked, and every byte
/// followed by a [`Tracker`]. A problem is reported after the text before it has been given
/// to the parser, so that rows come, then the error, in file order. Text from a quote that
/// opens is held until the quote closes: a quote never closed is reported before any row
/// that follows it (what the limit on a record's length bounds).
struct Source<R> {
    file: String,
    inner: RecordLimit<R>,
    /// A byte-order mark may still have to be dropped.
    strip_bom: bool,
    /// Where each read goes.
    buf: Vec<u8>,
    /// Bytes read and not yet checked: the start of a character cut by the end of the last
    /// read (or of a byte-order mark), then the bytes of a read.
    raw: Vec<u8>,
    /// Checked text: `out[out_pos..release]` is for the parser, `out[release..]` is held.
    out: Vec<u8>,
    out_pos: usize,
    release: usize,
    /// The problem found after the text in `out`.
    failed: Option<FileError>,
    /// The file has ended (or its error was given).
    ended: bool,
    track: Tracker,
}

impl<R: Read> Source<R> {
    fn new(file: String, inner: R, record_bytes: usize, strip_bom: bool) -> Self {
        Self {
            file,
            inner: RecordLimit::new(inner, record_bytes),
            strip_bom,
            buf: vec![0; CHUNK],
            raw: Vec::new(),
            out: Vec::new(),
            out_pos: 0,
            release: 0,
            failed: None,
            ended: false,
            track: Tracker::new(),
        }
    }

    /// Reads until there is text for the parser; false at the end of the file or at a problem
    /// (then in `failed`).
    fn fill(&mut self) -> bool {
        while self.out_pos >= self.release {
            if self.ended || self.failed.is_some() {
                return false;
            }
            self.step();
        }
        true
    }

    /// One read of the file.
    fn step(&mut self) {
        let n = loop {
            match self.inner.read(&mut self.buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.failed = Some(match limits::overflow(&e) {
                        Some(o) => record_too_long(&self.file, o),
                        None if e.get_ref().is_some_and(|i| i.is::<FileError>()) => {
                            match e.into_inner().map(|i| i.downcast::<FileError>()) {
                                Some(Ok(found)) => *found,
                                _ => unreachable!("checked to be a FileError"),
                            }
                        }
                        None => FileError::Io {
                            file: self.file.clone(),
                            source: e,
                        },
                    });
                    return;
                }
            }
        };
        self.raw.extend_from_slice(&self.buf[..n]);
        if n == 0 {
            self.ended = true;
            self.failed = match self.raw.first() {
                // A character (or a byte-order mark) cut by the end of the file.
                Some(&b) => Some(self.track.utf8.error(&self.file, b)),
                None => self.track.unclosed_quote(&self.file),
            };
            return;
        }
        let mut from = 0;
        if self.strip_bom {
            if self.raw.len() < BOM.len() && BOM.starts_with(&self.raw) {
                // Perhaps the start of a byte-order mark: read on.
                return;
            }
            self.strip_bom = false;
            if self.raw.starts_with(BOM) {
                from = BOM.len();
            }
        }
        let text = &self.raw[from..];
        let (good, bad) = match std::str::from_utf8(text) {
            Ok(_) => (text.len(), None),
            Err(e) => (
                e.valid_up_to(),
                e.error_len().map(|_| text[e.valid_up_to()]),
            ),
        };
        self.track.advance(&text[..good]);
        self.out.drain(..self.out_pos);
        self.out_pos = 0;
        self.out.extend_from_slice(&text[..good]);
        self.release = if self.track.quoted {
            // Held from the quote that opened on.
            let open = self.track.offset - self.track.quote_offset;
            self.out.len() - open as usize
        } else {
            self.out.len()
        };
        if let Some(b) = bad {
            self.failed = Some(self.track.utf8.error(&self.file, b));
        }
        // What is left: a character cut by the end of this read.
        self.raw.drain(..from + good);
        if bad.is_some() {
            self.raw.clear();
        }
    }

    /// The text read by [`Source::fill`] and not yet given.
    fn take(&mut self) -> &[u8] {
        let text = &self.out[self.out_pos..self.release];
        self.out_pos = self.release;
        text
    }

    /// Puts text taken back before what is left, to give it to the parser again.
    fn put_back(&mut self, text: Vec<u8>) {
        let rest = self.out.split_off(self.out_pos);
        self.release = text.len() + (self.release - self.out_pos);
        self.out = text;
        self.out.extend_from_slice(&rest);
        self.out_pos = 0;
    }
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.fill() {
            return match self.failed.take() {
                Some(e) => {
                    self.ended = true;
                    Err(io::Error::other(e))
                }
                None => Ok(0),
            };
        }
        let n = buf.len().min(self.release - self.out_pos);
        buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

/// The [`FileError`] for a CSV parser's error: the problem [`Source`] found, or a syntax error
/// at the line `line_of` gives for a byte offset.
fn csv_error(file: &str, e: csv::Error, line_of: impl FnOnce(u64) -> usize) -> FileError {
    if !matches!(e.kind(), csv::ErrorKind::Io(_)) {
        let line = e.position().map_or(0, |p| line_of(p.byte()));
        let detail = match e.kind() {
            csv::ErrorKind::Utf8 { .. } => "the text is not valid UTF-8".to_string(),
            _ => e.to_string(),
        };
        return FileError::Syntax {
            at: Box::new(Location::line(file, line)),
            detail,
        };
    }
    let detail = e.to_string();
    let inner = match e.into_kind() {
        csv::ErrorKind::Io(io) => io.into_inner(),
        _ => None,
    };
    match inner.map(|i| i.downcast::<FileError>()) {
        Some(Ok(found)) => *found,
        _ => FileError::Io {
            file: file.into(),
            source: std::io::Error::other(detail),
        },
    }
}

/// The checks every record passes, the header included: at most `limits.columns` fields and
/// `limits.cell_bytes` bytes a field (before trimming). True when a cell holds more than
/// whitespace (a record of blank cells is skipped).
fn check_record(
    file: &str,
    limits: &Limits,
    header: Option<&[String]>,
    record: &csv::StringRecord,
    line: usize,
) -> Result<bool> {
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
        let at = match header.and_then(|h| h.get(i)) {
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
    Ok(!record.iter().all(|c| c.trim().is_empty()))
}

/// Reads the lines of whitespace that come before anything else in a file, when the separator
/// is still unknown (it does not matter to them: they hold neither separator nor quote).
fn blank_lines(
    file: &str,
    limits: &Limits,
    track: &mut Tracker,
    text: &[u8],
    base: u64,
) -> Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                let pos = record.position().map_or(0, csv::Position::byte);
                check_record(file, limits, None, &record, track.line_at(base + pos))?;
            }
            Err(e) => return Err(csv_error(file, e, |b| track.line_at(base + b))),
        }
    }
}

/// Reads the start of the text until the separator is known (see [`detect_separator`]): the
/// first line holding more than whitespace, at most one record since [`Source`] stops a longer
/// one. Returns the separator and the offset of the text kept for the parser (whitespace lines
/// before are read, and dropped, on the way).
fn detect<R: Read>(file: &str, limits: &Limits, source: &mut Source<R>) -> Result<(u8, u64)> {
    let mut detector = Detector::default();
    let mut kept = Vec::new();
    let mut base = 0u64;
    while !detector.done && source.fill() {
        let text = source.take();
        detector.feed(std::str::from_utf8(text).unwrap_or_default());
        kept.extend_from_slice(text);
        if !detector.seen
            && let Some(end) = kept.iter().rposition(|&b| b == b'\n' || b == b'\r')
        {
            blank_lines(file, limits, &mut source.track, &kept[..=end], base)?;
            kept.drain(..=end);
            base += (end + 1) as u64;
        }
    }
    // The parser reads the text kept, then the rest of the file.
    source.put_back(kept);
    Ok((detector.separator(), base))
}

/// The position of a column by exact name.
pub(crate) fn column_in(header: &[String], name: &str) -> Option<usize> {
    header.iter().position(|h| h == name)
}

/// The position of a column, or a [`FileError::MissingColumn`] explaining its role.
pub(crate) fn require_column_in(
    file: &str,
    header_line: usize,
    header: &[String],
    name: &str,
    role: &str,
    hint: Option<&'static str>,
) -> Result<usize> {
    column_in(header, name).ok_or_else(|| FileError::MissingColumn {
        at: Box::new(Location::line(file, header_line)),
        column: name.into(),
        role: role.into(),
        found: cut_all(header),
        suggestion: crate::error::case_insensitive_match(name, header).map(|s| cut(&s)),
        hint,
    })
}

/// The error for a file with a header and no data line.
pub(crate) fn header_only(file: &str, what: &'static str) -> FileError {
    FileError::HeaderOnly {
        at: Box::new(Location::file(file)),
        what,
    }
}

/// Trims and normalises one cell.
pub fn clean(cell: &str) -> String {
    let t = cell.trim();
    // ASCII text is in NFC.
    if t.is_ascii() || kleroterion::text::is_nfc(t) {
        t.to_owned()
    } else {
        kleroterion::text::to_nfc(t)
    }
}

/// [`clean`] of an owned cell, keeping its allocation when it is already trimmed and in NFC
/// (nearly every cell is).
fn clean_owned(cell: String) -> String {
    let t = cell.trim();
    if t.len() == cell.len() && (t.is_ascii() || kleroterion::text::is_nfc(t)) {
        cell
    } else {
        clean(t)
    }
}

/// Fails with [`FileError::DuplicateColumn`] when a non-blank name appears twice in a header
/// (already cleaned) read from `file` on line `line`.
fn check_header(file: &str, line: usize, header: &[String]) -> Result<()> {
    let mut names = HashSet::with_capacity(header.len());
    for h in header {
        if !h.is_empty() && !names.insert(h.as_str()) {
            return Err(FileError::DuplicateColumn {
                at: Box::new(Location::cell(file, line, &cut(h))),
                column: cut(h),
            });
        }
    }
    Ok(())
}

/// Reads a CSV file one row at a time, with the rules of [`Table`] (which collects its rows),
/// in memory bounded by one record.
///
/// [`RowReader::open`] reads the header; each [`RowReader::next_row`] gives the next data row.
/// The same inputs are accepted and the same errors given as by [`Table::read`]; each error
/// comes when the reading reaches it, after the rows before it (a quote never closed, and too
/// many records, are found at the end of the file). After an error, the reader gives no more
/// rows.
pub struct RowReader<R = File> {
    /// The file's name, used in error messages.
    pub file: String,
    /// The separator found (`b','` or `b';'`) or given.
    pub separator: u8,
    /// The 1-based line of the header.
    pub header_line: usize,
    /// Header names, trimmed and in NFC.
    pub header: Vec<String>,
    input: Input<R>,
    record: csv::StringRecord,
    limits: Limits,
    /// Data records seen.
    records: usize,
    /// The line of the first record over the limit.
    over: Option<usize>,
    done: bool,
}

impl<R> std::fmt::Debug for RowReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowReader")
            .field("file", &self.file)
            .field("separator", &char::from(self.separator))
            .field("header_line", &self.header_line)
            .field("header", &self.header)
            .field("records", &self.records)
            .finish_non_exhaustive()
    }
}

/// Where a [`RowReader`]'s records come from.
enum Input<R> {
    /// A CSV parser, and the offset, in the text, of its first byte.
    Csv(Box<csv::Reader<Source<Decoded<R>>>>, u64),
    /// The rows of a sheet, and its first column (counted from 0).
    Sheet(std::vec::IntoIter<SheetRow>, usize),
}

impl RowReader {
    /// Opens a CSV file and reads its header (same rules as [`Table::read`]). `separator`
    /// overrides detection.
    pub fn open(path: &Path, separator: Option<u8>) -> Result<Self> {
        Self::open_with(path, separator, &TableOptions::default())
    }

    /// Opens a CSV file or a sheet of a spreadsheet and reads its header (same rules as
    /// [`Table::read_with`]). `separator` overrides detection (for CSV).
    pub fn open_with(path: &Path, separator: Option<u8>, options: &TableOptions) -> Result<Self> {
        if sheet::is_spreadsheet(path) {
            let read = sheet::read(path, options.sheet.as_ref())?;
            return Self::begin(
                read.label,
                Input::Sheet(read.rows.into_iter(), read.first_column),
                b',',
                Limits::DEFAULT,
            );
        }
        let encoding = options.encoding.of_file(path)?;
        let file = File::open(path).map_err(|e| FileError::io(path, &e))?;
        Self::start(
            path.display().to_string(),
            file,
            separator,
            Limits::DEFAULT,
            true,
            encoding,
        )
    }
}

impl<R: Read> RowReader<R> {
    /// Reads CSV bytes from `reader` (a byte-order mark is dropped, UTF-8 is checked) and
    /// reads the header; `file` names the input in errors.
    pub fn from_reader(file: &str, reader: R, separator: Option<u8>) -> Result<Self> {
        Self::from_reader_with(file, reader, separator, Encoding::Utf8)
    }

    /// [`RowReader::from_reader`] in the given encoding; [`Encoding::Auto`] is read as UTF-8
    /// (a reader is read once: resolve it first, with [`Encoding::of_bytes`] for bytes in
    /// memory).
    pub fn from_reader_with(
        file: &str,
        reader: R,
        separator: Option<u8>,
        encoding: Encoding,
    ) -> Result<Self> {
        Self::start(
            file.into(),
            reader,
            separator,
            Limits::DEFAULT,
            true,
            encoding,
        )
    }

    fn start(
        file: String,
        inner: R,
        separator: Option<u8>,
        limits: Limits,
        strip_bom: bool,
        encoding: Encoding,
    ) -> Result<Self> {
        let inner = Decoded::new(&file, inner, encoding);
        let mut source = Source::new(file.clone(), inner, limits.record_bytes, strip_bom);
        let (separator, base) = match separator {
            Some(s) => (s, 0),
            None => detect(&file, &limits, &mut source)?,
        };
        let csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(separator)
            .buffer_capacity(CHUNK)
            .from_reader(source);
        Self::begin(file, Input::Csv(Box::new(csv), base), separator, limits)
    }

    /// Reads the header from `input`.
    fn begin(file: String, input: Input<R>, separator: u8, limits: Limits) -> Result<Self> {
        let mut r = Self {
            file,
            separator,
            header_line: 0,
            header: Vec::new(),
            input,
            record: csv::StringRecord::new(),
            limits,
            records: 0,
            over: None,
            done: false,
        };
        let Some(line) = r.next_record()? else {
            return Err(FileError::EmptyFile {
                at: Box::new(Location::file(&r.file)),
            });
        };
        r.header_line = line;
        r.header = r.record.iter().map(clean).collect();
        check_header(&r.file, line, &r.header)?;
        Ok(r)
    }

    /// The next data row (blank lines skipped), or `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<Row>> {
        if self.done {
            return Ok(None);
        }
        let next = self.next_data_row();
        if !matches!(next, Ok(Some(_))) {
            self.done = true;
        }
        next
    }

    fn next_data_row(&mut self) -> Result<Option<Row>> {
        while let Some(line) = self.next_record()? {
            self.records += 1;
            if self.records > self.limits.records {
                // Counted to the end of the file, for the message.
                self.over.get_or_insert(line);
                continue;
            }
            return Ok(Some(Row {
                line,
                cells: self.record.iter().map(clean).collect(),
            }));
        }
        match self.over {
            Some(line) => Err(FileError::TooManyRecords {
                at: Box::new(Location::line(&self.file, line)),
                limit: self.limits.records,
                found: self.records,
            }),
            None => Ok(None),
        }
    }

    /// Reads the next record that is not blank into `record`, and returns its line.
    fn next_record(&mut self) -> Result<Option<usize>> {
        loop {
            let line = match &mut self.input {
                Input::Csv(csv, base) => {
                    match csv.read_record(&mut self.record) {
                        Ok(true) => {}
                        Ok(false) => return Ok(None),
                        Err(e) => {
                            return Err(csv_error(&self.file, e, |b| {
                                csv.get_mut().track.line_at(*base + b)
                            }));
                        }
                    }
                    let pos = self.record.position().map_or(0, csv::Position::byte);
                    csv.get_mut().track.line_at(*base + pos)
                }
                Input::Sheet(rows, first_column) => {
                    let Some(row) = rows.next() else {
                        return Ok(None);
                    };
                    if let Some((j, value)) = row.error {
                        let column = match self.header.get(j).filter(|h| !h.is_empty()) {
                            Some(h) => cut(h),
                            None => sheet::column_letters(*first_column + j),
                        };
                        return Err(sheet::cell_error(&self.file, row.line, &column, value));
                    }
                    self.record = csv::StringRecord::from(row.cells);
                    row.line
                }
            };
            let header = (self.header_line > 0).then_some(self.header.as_slice());
            if check_record(&self.file, &self.limits, header, &self.record, line)? {
                return Ok(Some(line));
            }
        }
    }
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
    /// were already checked.
    fn parse_limited(
        file: &str,
        text: &str,
        separator: Option<u8>,
        limits: &Limits,
        scanned: bool,
    ) -> Result<Self> {
        let limits = Limits {
            record_bytes: if scanned {
                usize::MAX
            } else {
                limits.record_bytes
            },
            ..*limits
        };
        Self::collect(RowReader::start(
            file.into(),
            text.as_bytes(),
            separator,
            limits,
            false,
            Encoding::Utf8,
        )?)
    }

    /// Parses CSV bytes in UTF-8 or Windows-1252, detected ([`Encoding::Auto`]); a UTF-8
    /// byte-order mark is dropped.
    pub fn parse_bytes(file: &str, bytes: &[u8], separator: Option<u8>) -> Result<Self> {
        Self::parse_bytes_with(file, bytes, separator, Encoding::Auto)
    }

    /// [`Table::parse_bytes`] in the given encoding.
    pub fn parse_bytes_with(
        file: &str,
        bytes: &[u8],
        separator: Option<u8>,
        encoding: Encoding,
    ) -> Result<Self> {
        let encoding = encoding.of_bytes(bytes);
        let mut t = Self::collect(RowReader::from_reader_with(
            file, bytes, separator, encoding,
        )?)?;
        t.notice = (encoding == Encoding::Windows1252).then(|| windows_1252_notice(file));
        Ok(t)
    }

    /// Reads and parses a CSV file (encoding detected) or a spreadsheet's only sheet, through
    /// a [`RowReader`].
    ///
    /// Reading stops as soon as one record passes [`limits::MAX_RECORD_BYTES`], so that a
    /// wrong file (a header of millions of columns, a quote never closed) is refused without
    /// holding it in memory.
    pub fn read(path: &Path, separator: Option<u8>) -> Result<Self> {
        Self::read_with(path, separator, &TableOptions::default())
    }

    /// Reads and parses a CSV file or a sheet of a spreadsheet, with the given options; the
    /// table's [`Table::notice`] tells a detected encoding other than UTF-8.
    pub fn read_with(path: &Path, separator: Option<u8>, options: &TableOptions) -> Result<Self> {
        let (options, notice) = options.for_file(path)?;
        let mut t = Self::collect(RowReader::open_with(path, separator, &options)?)?;
        t.notice = notice;
        Ok(t)
    }

    /// A table from cells already split into a header and rows (a data frame's columns, say),
    /// as if read from a CSV file named `file` with the header on line 1: row `i` (0-based) is
    /// line `i + 2` in errors. Names and cells are trimmed and normalised to NFC as a file's
    /// are, and a name given twice is the same [`FileError::DuplicateColumn`]. Rows are kept
    /// as given (a short or long row is found by [`Table::check_widths`], as for a file).
    pub fn from_rows(
        file: &str,
        header: Vec<String>,
        rows: impl IntoIterator<Item = Vec<String>>,
    ) -> Result<Self> {
        let header: Vec<String> = header.into_iter().map(clean_owned).collect();
        check_header(file, 1, &header)?;
        let rows = rows
            .into_iter()
            .enumerate()
            .map(|(i, cells)| Row {
                line: i + 2,
                cells: cells.into_iter().map(clean_owned).collect(),
            })
            .collect();
        Ok(Self {
            file: file.into(),
            separator: b',',
            header_line: 1,
            header,
            rows,
            notice: None,
        })
    }

    /// Every row of a reader.
    fn collect<R: Read>(mut reader: RowReader<R>) -> Result<Self> {
        let mut rows = Vec::new();
        while let Some(row) = reader.next_row()? {
            rows.push(row);
        }
        Ok(Self {
            file: reader.file,
            separator: reader.separator,
            header_line: reader.header_line,
            header: reader.header,
            rows,
            notice: None,
        })
    }

    /// The position of a column by exact name.
    pub fn column(&self, name: &str) -> Option<usize> {
        column_in(&self.header, name)
    }

    /// The position of a column, or a [`FileError::MissingColumn`] explaining its role.
    pub fn require_column(
        &self,
        name: &str,
        role: &str,
        hint: Option<&'static str>,
    ) -> Result<usize> {
        require_column_in(&self.file, self.header_line, &self.header, name, role, hint)
    }

    /// Fails with [`FileError::HeaderOnly`] when there is no data line.
    pub fn require_rows(&self, what: &'static str) -> Result<()> {
        if self.rows.is_empty() {
            return Err(header_only(&self.file, what));
        }
        Ok(())
    }

    /// Checks that every row has as many fields as the header (trailing empty fields beyond
    /// the header are tolerated, as spreadsheets write them); see [`Row::check_width`].
    pub fn check_widths(&self, fix: &'static str) -> Result<()> {
        self.rows
            .iter()
            .try_for_each(|r| r.check_width(&self.file, self.header.len(), fix))
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
    fn rows_given_in_memory_follow_the_rules_of_a_file() {
        let rows = vec![vec!["  Pe\u{301}rols ".to_string(), "x".into()]];
        let t = Table::from_rows("df", vec![" a".into(), "b".into()], rows).unwrap();
        let read = Table::parse_text("df", "a,b\n  Pe\u{301}rols ,x\n", None).unwrap();
        assert_eq!(t, read);
        let e = Table::from_rows("df", vec!["a".into(), "b ".into(), "b".into()], []).unwrap_err();
        let read = Table::parse_text("df", "a,b ,b\n", None).unwrap_err();
        assert_eq!(e.to_string(), read.to_string());
        assert!(matches!(e, FileError::DuplicateColumn { .. }));
    }

    #[test]
    fn invalid_utf8_names_line() {
        let bytes = b"a,b\nok,ok\nP\xe9rols,x\n";
        let t = Table::parse_bytes("f.csv", bytes, None).unwrap();
        assert_eq!(t.rows[1].cells[0], "Pérols");
        assert!(t.notice.unwrap().contains("read as Windows-1252"));
        let e = Table::parse_bytes_with("f.csv", bytes, None, Encoding::Utf8).unwrap_err();
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

    /// Small texts of line breaks, quotes, characters of one to four bytes.
    fn texts() -> Vec<String> {
        let pieces = ["a", "\r", "\n", "\"", "é", "€", "𝄞", ",", " "];
        let mut out = vec![String::new()];
        let mut rng = kleroterion_fair::synthetic::SplitMix64::new(0x2545_F491_4F6C_DD1D);
        for _ in 0..400 {
            let x = rng.next_u64();
            let len = (x % 14) as usize;
            out.push(
                (0..len)
                    .map(|i| pieces[((x >> (4 * i)) % pieces.len() as u64) as usize])
                    .collect(),
            );
        }
        out
    }

    #[test]
    fn tracker_counts_as_lines_and_the_whole_text_checks_do() {
        for text in texts() {
            let b = text.as_bytes();
            for step in 1..=5 {
                let mut t = Tracker::new();
                for piece in b.chunks(step) {
                    t.advance(piece);
                }
                // Record starts: the start, and after each line break.
                let mut lines = Lines::new(&text);
                for start in (0..=b.len()).filter(|&i| i == 0 || matches!(b[i - 1], b'\r' | b'\n'))
                {
                    let mut skip = start;
                    while matches!(b.get(skip), Some(b'\r' | b'\n')) {
                        skip += 1;
                    }
                    if skip == b.len() {
                        continue;
                    }
                    assert_eq!(
                        t.line_at(start as u64),
                        lines.of(skip),
                        "{text:?} at {start}"
                    );
                }
                // The quote never closed: the last one that opened.
                let mut open = None;
                for (i, &c) in b.iter().enumerate() {
                    if c == b'"' {
                        open = if open.is_some() { None } else { Some(i) };
                    }
                }
                let expected = open.map(|o| Lines::new(&text).of(o));
                assert_eq!(t.quoted.then_some(t.quote_line), expected, "{text:?}");
                // UTF-8 places: lines by `\n`, characters of the line.
                let nl = b.iter().filter(|&&c| c == b'\n').count();
                let last = b.iter().rposition(|&c| c == b'\n').map_or(0, |p| p + 1);
                let chars = text[last..].chars().count();
                assert_eq!((t.utf8.newlines, t.utf8.chars), (nl, chars), "{text:?}");
            }
        }
    }

    #[test]
    fn text_after_a_quote_never_closed_gives_no_row() {
        // The quote opens inside a field: the parser takes it as a character, and the rows
        // after it would be read, but the quote is never closed.
        let e = Table::parse_text("f.csv", "a,b\n1,O\"Brien\n2,3,4,5\n", None).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("f.csv, line 2: a quote opens here and is never closed"),
            "{e}"
        );
        let mut r = RowReader::from_reader("f.csv", &b"a,b\n1,2\n3,\"x\n4,5\n"[..], None).unwrap();
        assert_eq!(r.next_row().unwrap().map(|r| r.line), Some(2));
        assert_eq!(r.next_row().unwrap_err().kind(), "Syntax");
        assert_eq!(r.next_row().unwrap(), None);
        // A stray quote in the middle of a field: no row from its line on.
        let text = b"a,b\n1,2\n3,O\"Brien\n4,5\n";
        let mut r = RowReader::from_reader("f.csv", &text[..], None).unwrap();
        assert_eq!(r.next_row().unwrap().map(|r| r.line), Some(2));
        let e = r.next_row().unwrap_err();
        assert!(
            e.to_string().starts_with("f.csv, line 3: a quote opens"),
            "{e}"
        );
        // Closed in a later read: held, then given.
        let long = "x".repeat(65_530);
        let text = format!("a,b,c\n1,\"{long}\",\"y\ny\"\n2,3,4\n");
        assert!(text.find(&format!("{long}\"")).unwrap() + long.len() > CHUNK);
        let t = Table::parse_text("f.csv", &text, None).unwrap();
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].cells[1].len(), 65_530);
        assert_eq!(t.rows[1].line, 4);
    }

    #[test]
    fn whitespace_lines_before_the_header_are_checked() {
        let limits = Limits {
            columns: 3,
            cell_bytes: 5,
            record_bytes: 20,
            records: 2,
        };
        let e = Table::parse_limited("f.csv", "  \n\u{a0}\n      \na,b\n", None, &limits, false)
            .unwrap_err();
        assert!(e.to_string().starts_with("f.csv, line 3: field 1"), "{e}");
        let t = Table::parse_limited("f.csv", "  \r\n\r\n     \ra;b\n1;2\n", None, &limits, false)
            .unwrap();
        assert_eq!((t.separator, t.header_line, t.rows[0].line), (b';', 4, 5));
    }

    #[test]
    fn separator_tie_is_comma() {
        assert_eq!(detect_separator("a\n"), b',');
        assert_eq!(detect_separator("\"a;b\",c\n"), b',');
        assert_eq!(detect_separator("a;b;c,d\n"), b';');
    }
}
