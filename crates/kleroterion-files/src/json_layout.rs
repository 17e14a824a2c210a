//! How the files crate lays out JSON: indented down to the second level (and a lottery's
//! `portfolio`, one panel a line), and each deeper value on one line.
//!
//! A manifest then shows one feature a line and one panel of a portfolio a line, and a pool or
//! a bundle one record a line: readable in an editor and in a diff, and about 40% smaller than
//! fully indented JSON for a roll of hundreds of thousands of records (each record indented
//! field by field costs more bytes than its values). JSON is only the transport (SPEC.md
//! section 14): no hash depends on the layout.
//!
//! ```
//! # use kleroterion_files::json_layout::to_string;
//! let v = serde_json::json!({"pool": [{"ticket": "A", "values": ["x"]}], "count": 1});
//! assert_eq!(
//!     to_string(&v).unwrap(),
//!     "{\n  \"count\": 1,\n  \"pool\": [\n    {\"ticket\":\"A\",\"values\":[\"x\"]}\n  ]\n}"
//! );
//! let m = serde_json::json!({"method": {"name": "lottery", "portfolio": [[0, 1], [1, 2]]}});
//! assert_eq!(
//!     to_string(&m).unwrap(),
//!     "{\n  \"method\": {\n    \"name\": \"lottery\",\n    \"portfolio\": [\n      [0,1],\n      [1,2]\n    ]\n  }\n}"
//! );
//! ```

use std::io::{self, Write};

use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

/// Containers opened at this depth or less are indented; deeper ones are written on one line.
const INDENTED_DEPTH: usize = 2;

/// The key whose array is indented at any depth: its elements (a lottery's panels) then come
/// one a line.
const LISTED_KEY: &[u8] = b"portfolio";

/// A [`Formatter`] that indents the outer levels as [`PrettyFormatter`] does and writes
/// anything nested deeper compactly.
pub struct Layout<'a> {
    pretty: PrettyFormatter<'a>,
    compact: CompactFormatter,
    depth: usize,
    /// The depth up to which containers are indented: [`INDENTED_DEPTH`], or one more inside
    /// the array of [`LISTED_KEY`].
    indented: Vec<usize>,
    /// The object key being written, and whether a key is being written.
    key: Vec<u8>,
    in_key: bool,
}

impl Default for Layout<'_> {
    fn default() -> Self {
        Self {
            pretty: PrettyFormatter::new(),
            compact: CompactFormatter,
            depth: 0,
            indented: vec![INDENTED_DEPTH],
            key: Vec::new(),
            in_key: false,
        }
    }
}

impl Layout<'_> {
    fn indents(&self) -> bool {
        self.depth <= self.indented.last().copied().unwrap_or(INDENTED_DEPTH)
    }
}

impl Formatter for Layout<'_> {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        let listed = self.key == LISTED_KEY && self.indents();
        self.key.clear();
        self.depth += 1;
        if listed {
            self.indented.push(self.depth);
        }
        match self.indents() {
            true => self.pretty.begin_array(w),
            false => self.compact.begin_array(w),
        }
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        let r = match self.indents() {
            true => self.pretty.end_array(w),
            false => self.compact.end_array(w),
        };
        if self.indented.len() > 1 && self.indented.last() == Some(&self.depth) {
            self.indented.pop();
        }
        self.depth -= 1;
        r
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        match self.indents() {
            true => self.pretty.begin_array_value(w, first),
            false => self.compact.begin_array_value(w, first),
        }
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        match self.indents() {
            true => self.pretty.end_array_value(w),
            false => self.compact.end_array_value(w),
        }
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.key.clear();
        self.depth += 1;
        match self.indents() {
            true => self.pretty.begin_object(w),
            false => self.compact.begin_object(w),
        }
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        let r = match self.indents() {
            true => self.pretty.end_object(w),
            false => self.compact.end_object(w),
        };
        self.depth -= 1;
        r
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.key.clear();
        self.in_key = true;
        match self.indents() {
            true => self.pretty.begin_object_key(w, first),
            false => self.compact.begin_object_key(w, first),
        }
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.in_key = false;
        match self.indents() {
            true => self.pretty.begin_object_value(w),
            false => self.compact.begin_object_value(w),
        }
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.key.clear();
        match self.indents() {
            true => self.pretty.end_object_value(w),
            false => self.compact.end_object_value(w),
        }
    }

    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if self.in_key {
            self.key.extend_from_slice(fragment.as_bytes());
        }
        w.write_all(fragment.as_bytes())
    }
}

/// Writes `value` into `w` with the [`Layout`].
pub fn to_writer<W: Write, T: serde::Serialize + ?Sized>(
    w: W,
    value: &T,
) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(w, Layout::default());
    value.serialize(&mut ser)
}

/// `value` as text with the [`Layout`].
pub fn to_string<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut bytes = Vec::new();
    to_writer(&mut bytes, value)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
