//! Typed errors: each names the file, the line, the column and the fix.

use std::fmt;

/// Where in an input file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file's name as the user gave it.
    pub file: String,
    /// The 1-based line of the file (the line where the CSV record starts), or the row of a
    /// spreadsheet's sheet (then `file` names the sheet too).
    pub line: Option<usize>,
    /// The column's header name, when one column is at fault.
    pub column: Option<String>,
}

impl Location {
    /// A whole file.
    pub fn file(file: &str) -> Self {
        Self {
            file: file.into(),
            line: None,
            column: None,
        }
    }

    /// One line of a file.
    pub fn line(file: &str, line: usize) -> Self {
        Self {
            file: file.into(),
            line: Some(line),
            column: None,
        }
    }

    /// One cell of a file.
    pub fn cell(file: &str, line: usize, column: &str) -> Self {
        Self {
            file: file.into(),
            line: Some(line),
            column: Some(column.into()),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(l) = self.line {
            // A sheet's rows are numbered as the spreadsheet shows them.
            let unit = if crate::sheet::is_sheet_label(&self.file) {
                "row"
            } else {
                "line"
            };
            write!(f, ", {unit} {l}")?;
        }
        if let Some(c) = &self.column {
            write!(f, ", column \"{c}\"")?;
        }
        Ok(())
    }
}

/// `"a", "b", "c"` for error messages (at most 12 shown).
pub(crate) fn quoted_list(items: &[String]) -> String {
    let mut out: Vec<String> = items.iter().take(12).map(|s| format!("\"{s}\"")).collect();
    if items.len() > 12 {
        out.push(format!("and {} more", items.len() - 12));
    }
    out.join(", ")
}

/// ` Did you mean "x"?` when a case-insensitive match exists.
pub(crate) fn did_you_mean(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => format!(" Did you mean \"{s}\" (the case differs)?"),
        None => String::new(),
    }
}

/// The first of `candidates` equal to `wanted` ignoring case (and surrounding spaces).
pub(crate) fn case_insensitive_match(wanted: &str, candidates: &[String]) -> Option<String> {
    let w = wanted.trim().to_lowercase();
    candidates
        .iter()
        .find(|c| c.trim().to_lowercase() == w)
        .cloned()
}

/// Everything that can go wrong reading organisers' files or committing a draw.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// The file could not be read or written.
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// The system's error (its kind and message).
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid UTF-8.
    #[error(
        "{at}: the text is not valid UTF-8 (byte 0x{byte:02X}, character {character} of the line). Fix: save the file as UTF-8 (in Excel: \"CSV UTF-8\"; in LibreOffice: character set \"Unicode (UTF-8)\"), or, if it was saved as Windows-1252 (Excel's plain \"CSV\" on Windows), read it as such (--encoding windows-1252; encoding=\"windows-1252\" in Python)"
    )]
    NotUtf8 {
        /// File and line.
        at: Box<Location>,
        /// The first invalid byte.
        byte: u8,
        /// 1-based character position of that byte in its line.
        character: usize,
    },
    /// A byte has no character in Windows-1252 (the file is in another encoding).
    #[error(
        "{at}: byte 0x{byte:02X} (offset {offset} in the file, character {character} of the line) is not a Windows-1252 character, so the file is in neither UTF-8 nor Windows-1252. Fix: save the file as UTF-8 (in Excel: \"CSV UTF-8\"; in LibreOffice: character set \"Unicode (UTF-8)\")"
    )]
    NotWindows1252 {
        /// File and line.
        at: Box<Location>,
        /// The byte.
        byte: u8,
        /// Its offset in the file, counted from 0.
        offset: u64,
        /// 1-based character position of that byte in its line.
        character: usize,
    },
    /// A spreadsheet could not be read.
    #[error(
        "{file}: cannot be read as a spreadsheet ({detail}). Fix: open it in Excel or LibreOffice and save it again as .xlsx or .ods, or save the sheet as CSV"
    )]
    Spreadsheet {
        /// The file.
        file: String,
        /// What the reader said.
        detail: String,
    },
    /// The sheet asked for is not in the workbook, or none was asked for and it has several.
    #[error(
        "{file}: {}; the sheets are {}. Fix: choose the sheet by its name or its number, counted from 1 (--sheet or --quotas-sheet on the command line, sheet= in Python)",
        match wanted { Some(w) => format!("no sheet \"{w}\""), None => format!("{} sheets and none chosen", sheets.len()) },
        crate::sheet::numbered(sheets)
    )]
    SheetChoice {
        /// The workbook.
        file: String,
        /// The sheet asked for (`None`: none was).
        wanted: Option<String>,
        /// The workbook's sheets, in order.
        sheets: Vec<String>,
    },
    /// A spreadsheet cell holds an error value such as `#N/A`.
    #[error(
        "{at}: the cell holds the error {value}. Fix: correct the formula, or type the value in the cell"
    )]
    CellError {
        /// The cell.
        at: Box<Location>,
        /// The error as the spreadsheet shows it.
        value: String,
    },
    /// The CSV syntax is broken (for example an unclosed quote).
    #[error(
        "{at}: {detail}. Fix: check the quotes on this line; a quoted field must end with a quote"
    )]
    Syntax {
        /// File and line.
        at: Box<Location>,
        /// What the parser said.
        detail: String,
    },
    /// The file holds nothing.
    #[error("{at}: the file is empty. Fix: give a file with a header line and one line per entry")]
    EmptyFile {
        /// The file.
        at: Box<Location>,
    },
    /// The file holds a header and no data.
    #[error("{at}: the file has a header line but no data below it. Fix: add one line per {what}")]
    HeaderOnly {
        /// The file.
        at: Box<Location>,
        /// What a data line holds ("person", "quota").
        what: &'static str,
    },
    /// A required column is absent.
    #[error(
        "{at}: no column \"{column}\" ({role}); the columns are {}.{} Fix: add the column or name the right one{}",
        quoted_list(found),
        did_you_mean(suggestion),
        hint.map(|h| format!(" ({h})")).unwrap_or_default()
    )]
    MissingColumn {
        /// The file and its header line.
        at: Box<Location>,
        /// The column looked for.
        column: String,
        /// What it is for.
        role: String,
        /// The columns present.
        found: Vec<String>,
        /// A case-insensitive match.
        suggestion: Option<String>,
        /// How to name another column (a command-line flag, for example).
        hint: Option<&'static str>,
    },
    /// Two columns have the same name.
    #[error(
        "{at}: the column \"{column}\" appears twice in the header. Fix: rename or remove one of them"
    )]
    DuplicateColumn {
        /// The file, its header line and the column.
        at: Box<Location>,
        /// The repeated name.
        column: String,
    },
    /// The header does not match any quota format this crate reads.
    #[error(
        "{at}: the header {} is not a quota file. Fix: use the columns feature,value,min,max[,min_flex,max_flex] (Sortition Foundation), category,name,min,max (older Sortition Foundation) or category,feature,min,max (Panelot)",
        quoted_list(header)
    )]
    UnknownQuotaFormat {
        /// The file and its header line.
        at: Box<Location>,
        /// The header found.
        header: Vec<String>,
    },
    /// A line has more or fewer fields than the header.
    #[error("{at}: {found} fields, but the header has {expected}. Fix: {fix}")]
    FieldCount {
        /// File and line.
        at: Box<Location>,
        /// Fields on the line.
        found: usize,
        /// Fields in the header.
        expected: usize,
        /// How to fix it.
        fix: &'static str,
    },
    /// A cell that must hold something is blank.
    #[error("{at}: the cell is blank. Fix: {fix}")]
    BlankCell {
        /// The cell.
        at: Box<Location>,
        /// How to fix it.
        fix: String,
    },
    /// A quota is not a whole number of 0 or more.
    #[error(
        "{at}: \"{found}\" is not a whole number of 0 or more. Fix: write a count such as 0, 3 or 12"
    )]
    BadNumber {
        /// The cell.
        at: Box<Location>,
        /// The text found.
        found: String,
    },
    /// A quota's minimum is above its maximum.
    #[error(
        "{at}: the quota {feature}={value} has min {min} above max {max}. Fix: lower the min or raise the max"
    )]
    MinAboveMax {
        /// The line.
        at: Box<Location>,
        /// The feature.
        feature: String,
        /// The value.
        value: String,
        /// Its minimum.
        min: u32,
        /// Its maximum.
        max: u32,
    },
    /// A quota for the same feature and value is given twice.
    #[error(
        "{at}: the quota {feature}={value} is already given on line {first_line}. Fix: keep one of the two lines"
    )]
    DuplicateQuota {
        /// The second line.
        at: Box<Location>,
        /// The feature.
        feature: String,
        /// The value.
        value: String,
        /// The first line.
        first_line: usize,
    },
    /// A quota line names a feature that is not a column of the people file.
    #[error(
        "{at}: the quotas name the feature \"{feature}\", but {people_file} has no such column; its columns are {}.{} Fix: rename the feature in the quotas or the column in the people file",
        quoted_list(columns),
        did_you_mean(suggestion)
    )]
    QuotaFeatureMissing {
        /// The quota line naming the feature.
        at: Box<Location>,
        /// The feature.
        feature: String,
        /// The people file.
        people_file: String,
        /// Its columns.
        columns: Vec<String>,
        /// A case-insensitive match.
        suggestion: Option<String>,
    },
    /// A person's value is not declared in the quotas.
    #[error(
        "{at}: unknown value \"{value}\" for feature \"{feature}\"; the quotas declare {}.{} Fix: correct the value, or add a quota line for {feature},{value}",
        quoted_list(declared),
        did_you_mean(suggestion)
    )]
    UnknownValue {
        /// The cell.
        at: Box<Location>,
        /// The feature.
        feature: String,
        /// The value found.
        value: String,
        /// The values declared in the quotas.
        declared: Vec<String>,
        /// A case-insensitive match.
        suggestion: Option<String>,
    },
    /// Two people have the same id.
    #[error(
        "{at}: the id \"{id}\" is already used on line {first_line}. Fix: give every person a different id"
    )]
    DuplicateId {
        /// The second occurrence.
        at: Box<Location>,
        /// The id.
        id: String,
        /// The line of the first occurrence.
        first_line: usize,
    },
    /// A person has no id.
    #[error("{at}: the id is blank. Fix: give this person an id, or delete the line")]
    BlankId {
        /// The cell.
        at: Box<Location>,
    },
    /// A command-line or API option is wrong.
    #[error("{detail}")]
    Invalid {
        /// What is wrong and how to fix it.
        detail: String,
    },
    /// The quotas cannot be met by any panel.
    #[error(
        "the quotas cannot be met by any panel of {panel_size}: {reason}.{}",
        if relaxations.is_empty() { String::new() } else { format!(" The smallest relaxation that works: {}.", relaxations.join("; ")) }
    )]
    Infeasible {
        /// The panel size.
        panel_size: u32,
        /// Why.
        reason: String,
        /// The smallest set of quota changes that makes a panel possible, in words.
        relaxations: Vec<String>,
    },
    /// The fair-distribution solver failed.
    #[error("computing fair selection probabilities failed: {source}")]
    Fair {
        /// The solver's error (for example [`kleroterion_fair::FairError::Cancelled`]).
        #[from]
        source: kleroterion_fair::FairError,
    },
    /// The LEXIMIN computation reached its time limit.
    #[error("{}", crate::fair::time_limit_message(*seconds, stopped, partial.as_deref()))]
    TimeLimit {
        /// The time limit, in seconds.
        seconds: f64,
        /// How far the computation got.
        stopped: kleroterion_fair::Stopped,
        /// The panel mix at hand, when there was one: a valid distribution, not the full LEXIMIN.
        partial: Option<Box<kleroterion_fair::Partial>>,
    },
    /// A JSON file could not be read.
    #[error("{file}: {detail}")]
    Json {
        /// The file.
        file: String,
        /// The parser's message, with line and column.
        detail: String,
    },
    /// An output already exists and replacing it was not asked for.
    #[error(
        "{path}: already exists ({what}); nothing was written. Fix: choose another path, or allow replacing it (--force on the command line, overwrite=True in Python){hint}"
    )]
    OutputExists {
        /// The existing output.
        path: String,
        /// What it is (for example "a commit folder").
        what: String,
        /// More about why it may exist, starting with ". " (or empty).
        hint: String,
    },
    /// An output would replace (or hold) one of the command's own inputs.
    #[error(
        "{path}: this output is also an input ({input}); nothing was written, even with --force. Fix: write the output to another path"
    )]
    OutputIsInput {
        /// The output path.
        path: String,
        /// Which input it is, and its path.
        input: String,
    },
    /// The manifest no longer hashes to the commitment published beside it.
    #[error(
        "{manifest}: the manifest hashes to {found}, but {commitment_file} holds {expected}: the manifest was edited after the commitment was made. Fix: draw from the manifest exactly as committed (the published commitment is what every verifier checks)"
    )]
    ManifestEdited {
        /// The manifest file.
        manifest: String,
        /// Where the expected commitment was read.
        commitment_file: String,
        /// The commitment as published.
        expected: String,
        /// The commitment of the manifest as found.
        found: String,
    },
    /// The private ticket map is missing, so the panel could not be matched to people.
    #[error(
        "{path}: the private ticket map is missing; without it the panel cannot be matched to people. Fix: give --tickets FILE (the private/tickets.csv written by commit), or --no-tickets to draw without writing the private lists"
    )]
    TicketMapMissing {
        /// Where it was looked for.
        path: String,
    },
    /// The ticket map does not hold the same tickets as the pool.
    #[error(
        "{file}: the ticket map does not match the pool ({detail}). Fix: give the private/tickets.csv written by the same commit as the pool"
    )]
    TicketMapMismatch {
        /// The ticket map.
        file: String,
        /// The first difference.
        detail: String,
    },
    /// The protocol core refused something.
    #[error("{context}: {source}")]
    Core {
        /// What was being done.
        context: String,
        /// The core's error.
        source: kleroterion::Error,
    },
    /// One CSV record is longer than [`crate::limits::MAX_RECORD_BYTES`].
    #[error(
        "{at}: the CSV record starting on this line holds at least {found} bytes, more than the limit of {limit}. Fix: look for a quote that opens on this line and is never closed; otherwise check that this is the right file (a people or quota file has one short line per entry), or split the file"
    )]
    RecordTooLong {
        /// The file and the line where the record starts.
        at: Box<Location>,
        /// The limit in bytes.
        limit: usize,
        /// The bytes of the record read before reading stopped (a lower bound).
        found: usize,
    },
    /// A record has more fields than [`crate::limits::MAX_COLUMNS`].
    #[error(
        "{at}: {found} columns, more than the limit of {limit} (the most a spreadsheet holds). Fix: is this the right file? A people file has one column per attribute; delete the columns the draw does not need"
    )]
    TooManyColumns {
        /// The file and line.
        at: Box<Location>,
        /// The limit.
        limit: usize,
        /// The fields found on the line.
        found: usize,
    },
    /// A cell is longer than [`crate::limits::MAX_CELL_BYTES`].
    #[error(
        "{at}: field {position} holds {found} bytes, more than the limit of {limit}; it starts \"{start}\". Fix: shorten the cell, or look for a quote that opens in it and is closed much later"
    )]
    CellTooLong {
        /// The file, line and (below the header) column.
        at: Box<Location>,
        /// The 1-based position of the field in its record.
        position: usize,
        /// The limit in bytes.
        limit: usize,
        /// The cell's length in bytes.
        found: usize,
        /// The start of the cell, cut short.
        start: String,
    },
    /// A file has more data records than [`crate::limits::MAX_RECORDS`].
    #[error(
        "{at}: {found} records, more than the limit of {limit}. Fix: check that this is the right file, or split it and draw from each part"
    )]
    TooManyRecords {
        /// The file and the line of the first record over the limit.
        at: Box<Location>,
        /// The limit.
        limit: usize,
        /// The records found.
        found: usize,
    },
    /// A feature of a quota file has more values than
    /// [`crate::limits::MAX_VALUES_PER_FEATURE`].
    #[error(
        "{at}: the feature \"{feature}\" has {found} values, more than the limit of {limit}. Fix: is this the right file? A quota file has one line per value of a feature; group the values (for example towns into districts)"
    )]
    TooManyValues {
        /// The file and the line of the first value over the limit.
        at: Box<Location>,
        /// The feature, cut short.
        feature: String,
        /// The limit.
        limit: usize,
        /// The values the file gives the feature.
        found: usize,
    },
}

impl FileError {
    /// The location the error points at, when it points at a file.
    pub fn location(&self) -> Option<&Location> {
        match self {
            FileError::NotUtf8 { at, .. }
            | FileError::NotWindows1252 { at, .. }
            | FileError::CellError { at, .. }
            | FileError::Syntax { at, .. }
            | FileError::EmptyFile { at }
            | FileError::HeaderOnly { at, .. }
            | FileError::MissingColumn { at, .. }
            | FileError::DuplicateColumn { at, .. }
            | FileError::UnknownQuotaFormat { at, .. }
            | FileError::FieldCount { at, .. }
            | FileError::BlankCell { at, .. }
            | FileError::BadNumber { at, .. }
            | FileError::MinAboveMax { at, .. }
            | FileError::DuplicateQuota { at, .. }
            | FileError::QuotaFeatureMissing { at, .. }
            | FileError::UnknownValue { at, .. }
            | FileError::DuplicateId { at, .. }
            | FileError::BlankId { at }
            | FileError::RecordTooLong { at, .. }
            | FileError::TooManyColumns { at, .. }
            | FileError::CellTooLong { at, .. }
            | FileError::TooManyRecords { at, .. }
            | FileError::TooManyValues { at, .. } => Some(at),
            _ => None,
        }
    }

    /// A short stable name for the kind of error (for JSON output and bindings).
    pub fn kind(&self) -> &'static str {
        match self {
            FileError::Io { .. } => "Io",
            FileError::NotUtf8 { .. } => "NotUtf8",
            FileError::NotWindows1252 { .. } => "NotWindows1252",
            FileError::Spreadsheet { .. } => "Spreadsheet",
            FileError::SheetChoice { .. } => "SheetChoice",
            FileError::CellError { .. } => "CellError",
            FileError::Syntax { .. } => "Syntax",
            FileError::EmptyFile { .. } => "EmptyFile",
            FileError::HeaderOnly { .. } => "HeaderOnly",
            FileError::MissingColumn { .. } => "MissingColumn",
            FileError::DuplicateColumn { .. } => "DuplicateColumn",
            FileError::UnknownQuotaFormat { .. } => "UnknownQuotaFormat",
            FileError::FieldCount { .. } => "FieldCount",
            FileError::BlankCell { .. } => "BlankCell",
            FileError::BadNumber { .. } => "BadNumber",
            FileError::MinAboveMax { .. } => "MinAboveMax",
            FileError::DuplicateQuota { .. } => "DuplicateQuota",
            FileError::QuotaFeatureMissing { .. } => "QuotaFeatureMissing",
            FileError::UnknownValue { .. } => "UnknownValue",
            FileError::DuplicateId { .. } => "DuplicateId",
            FileError::BlankId { .. } => "BlankId",
            FileError::Invalid { .. } => "Invalid",
            FileError::Infeasible { .. } => "Infeasible",
            FileError::Fair { .. } => "Fair",
            FileError::TimeLimit { .. } => "TimeLimit",
            FileError::Json { .. } => "Json",
            FileError::OutputExists { .. } => "OutputExists",
            FileError::OutputIsInput { .. } => "OutputIsInput",
            FileError::ManifestEdited { .. } => "ManifestEdited",
            FileError::TicketMapMissing { .. } => "TicketMapMissing",
            FileError::TicketMapMismatch { .. } => "TicketMapMismatch",
            FileError::Core { source, .. } => source.kind().as_str(),
            FileError::RecordTooLong { .. } => "RecordTooLong",
            FileError::TooManyColumns { .. } => "TooManyColumns",
            FileError::CellTooLong { .. } => "CellTooLong",
            FileError::TooManyRecords { .. } => "TooManyRecords",
            FileError::TooManyValues { .. } => "TooManyValues",
        }
    }

    /// Wraps a core error with what was being done.
    pub fn core(context: impl Into<String>, source: kleroterion::Error) -> Self {
        FileError::Core {
            context: context.into(),
            source,
        }
    }

    /// Wraps an I/O error with the file's name.
    pub fn io(file: &std::path::Path, e: &std::io::Error) -> Self {
        FileError::Io {
            file: file.display().to_string(),
            source: std::io::Error::new(e.kind(), e.to_string()),
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T> = std::result::Result<T, FileError>;
