//! Size limits on the files this crate reads, so that a wrong or hostile file is refused with
//! a named error instead of exhausting memory or time.
//!
//! Every limit is far above what a real people or quota file holds; each constant says why.
//! Reading is bounded while it happens: [`Table::read`](crate::table::Table::read) stops as soon
//! as one CSV record passes [`MAX_RECORD_BYTES`], before the CSV parser sees it.

use std::io::{self, Read};

/// The most fields one record (the header included) may hold.
///
/// 16,384 is the column limit of Excel and of LibreOffice Calc (column `XFD`), so no file
/// exported from a spreadsheet holds more; a people file has one column per attribute.
pub const MAX_COLUMNS: usize = 16_384;

/// The most bytes one cell may hold (after unquoting, before trimming).
///
/// An Excel cell holds at most 32,767 characters, and 64 KiB holds that many characters of
/// any Latin, Greek or Cyrillic script (at most 2 bytes each in UTF-8). A longer cell is a
/// free-text essay or a quote that was never closed, not an attribute to stratify on.
pub const MAX_CELL_BYTES: usize = 65_536;

/// The most bytes one CSV record may hold, line breaks inside quotes included.
///
/// 1 MiB bounds the memory spent on a record before it is parsed, and holds a header of
/// [`MAX_COLUMNS`] names of 60 bytes each; a person's line is a few hundred bytes.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// The most values one feature of a quota file may have.
///
/// 100,000 is more than the communes of France (about 35,000), the finest geography an
/// organiser is likely to set quotas on; each value costs work in every selection method.
pub const MAX_VALUES_PER_FEATURE: usize = 100_000;

/// The most data records one file may hold (blank lines are not counted).
///
/// 100 million is more than any electoral roll the tool is meant to draw from: Germany's, the
/// largest in the European Union, has about 61 million voters.
pub const MAX_RECORDS: usize = 100_000_000;

/// How many characters of a value read from a file an error message quotes.
///
/// Enough for a long survey question used as a column name; a longer value is cut by
/// [`prefix`].
pub const QUOTED_CHARS: usize = 80;

/// `text` when it has at most `max_chars` characters; else its first `max_chars` characters
/// followed by `… (N bytes in all)`. Error messages quote values read from a file through
/// this, so that a huge cell cannot make a huge message.
///
/// ```
/// use kleroterion_files::limits::prefix;
/// assert_eq!(prefix("Female", 40), "Female");
/// assert_eq!(prefix("Pérols-sur-Mer", 5), "Pérol… (15 bytes in all)");
/// ```
pub fn prefix(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}… ({} bytes in all)", &text[..cut], text.len()),
    }
}

/// [`prefix`] with [`QUOTED_CHARS`].
pub(crate) fn cut(text: &str) -> String {
    prefix(text, QUOTED_CHARS)
}

/// [`cut`] on each item of a list.
pub(crate) fn cut_all(items: &[String]) -> Vec<String> {
    items.iter().map(|s| cut(s)).collect()
}

/// The limits one read applies; tests lower them to reach them with small inputs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) columns: usize,
    pub(crate) cell_bytes: usize,
    pub(crate) record_bytes: usize,
    pub(crate) records: usize,
}

impl Limits {
    /// The limits of this module's constants.
    pub(crate) const DEFAULT: Self = Self {
        columns: MAX_COLUMNS,
        cell_bytes: MAX_CELL_BYTES,
        record_bytes: MAX_RECORD_BYTES,
        records: MAX_RECORDS,
    };
}

/// A record longer than the limit: where it starts and how much of it was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RecordOverflow {
    /// The 1-based line where the record starts.
    pub(crate) line: usize,
    /// The bytes of the record seen so far (more than the limit).
    pub(crate) seen: usize,
    /// The limit.
    pub(crate) limit: usize,
}

impl std::fmt::Display for RecordOverflow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the CSV record starting on line {} holds more than {} bytes",
            self.line, self.limit
        )
    }
}

impl std::error::Error for RecordOverflow {}

/// Finds where CSV records end in a stream of bytes and counts the bytes of the current one.
///
/// Quote state toggles on every `"`, as [`Table`](crate::table::Table)'s check for an
/// unclosed quote does (a doubled quote toggles twice). A record ends at `\n` or `\r` outside
/// quotes, which is where the CSV parser ends one; lines are counted as the table counts them
/// (`\n`, `\r\n` or a lone `\r`).
#[derive(Debug, Clone)]
pub(crate) struct RecordScanner {
    limit: usize,
    quoted: bool,
    after_cr: bool,
    line: usize,
    record_line: usize,
    record_bytes: usize,
}

impl RecordScanner {
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            limit,
            quoted: false,
            after_cr: false,
            line: 1,
            record_line: 1,
            record_bytes: 0,
        }
    }

    /// Takes the next bytes of the stream.
    pub(crate) fn feed(&mut self, bytes: &[u8]) -> Result<(), RecordOverflow> {
        for &b in bytes {
            match b {
                b'"' => self.quoted = !self.quoted,
                b'\n' | b'\r' => {
                    if b == b'\r' || !self.after_cr {
                        self.line += 1;
                    }
                    if !self.quoted {
                        self.record_bytes = 0;
                        self.record_line = self.line;
                        self.after_cr = b == b'\r';
                        continue;
                    }
                }
                _ => {}
            }
            self.after_cr = b == b'\r';
            self.record_bytes += 1;
            if self.record_bytes > self.limit {
                return Err(RecordOverflow {
                    line: self.record_line,
                    seen: self.record_bytes,
                    limit: self.limit,
                });
            }
        }
        Ok(())
    }
}

/// A reader that fails with an [`io::Error`] wrapping a [`RecordOverflow`] as soon as one CSV
/// record of what it reads passes the limit, so that a reader above it never holds more than
/// the limit of one record.
#[derive(Debug)]
pub(crate) struct RecordLimit<R> {
    inner: R,
    scanner: RecordScanner,
}

impl<R: Read> RecordLimit<R> {
    pub(crate) fn new(inner: R, limit: usize) -> Self {
        Self {
            inner,
            scanner: RecordScanner::new(limit),
        }
    }
}

impl<R: Read> Read for RecordLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.scanner.feed(&buf[..n]).map_err(io::Error::other)?;
        Ok(n)
    }
}

/// The overflow an error of [`RecordLimit`] carries, if it is one.
pub(crate) fn overflow(e: &io::Error) -> Option<RecordOverflow> {
    e.get_ref()?.downcast_ref::<RecordOverflow>().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_cuts_on_characters() {
        assert_eq!(prefix("", 3), "");
        assert_eq!(prefix("abc", 3), "abc");
        assert_eq!(prefix("abcd", 3), "abc… (4 bytes in all)");
        assert_eq!(prefix("ééé", 2), "éé… (6 bytes in all)");
    }

    fn scan(text: &str, limit: usize) -> Result<(), RecordOverflow> {
        RecordScanner::new(limit).feed(text.as_bytes())
    }

    #[test]
    fn scanner_counts_one_record_at_a_time() {
        assert!(scan("abcd\nefgh\r\nijkl\rmnop", 4).is_ok());
        let e = scan("ab\r\n\r\ncd\n\"x\ny\"\nabcdef\n", 5).unwrap_err();
        assert_eq!((e.line, e.seen), (6, 6));
        // A quoted line break belongs to the record: it starts on line 2.
        let e = scan("a\n\"b\nc\",d\n", 5).unwrap_err();
        assert_eq!((e.line, e.seen), (2, 6));
    }

    #[test]
    fn reader_stops_at_the_limit() {
        let data = vec![b'x'; 10_000];
        let mut out = Vec::new();
        let e = RecordLimit::new(&data[..], 100)
            .read_to_end(&mut out)
            .unwrap_err();
        assert_eq!(overflow(&e).map(|o| o.line), Some(1));
        assert!(out.len() <= data.len());
        let mut out = Vec::new();
        let ok = b"a,b\n1,2\n";
        RecordLimit::new(&ok[..], 4).read_to_end(&mut out).unwrap();
        assert_eq!(out, ok);
    }
}
