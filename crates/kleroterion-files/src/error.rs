//! Typed errors: each names the file, the line, the column and the fix.

use std::fmt;

/// Where in an input file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file's name as the user gave it.
    pub file: String,
    /// The 1-based line of the file (the line where the CSV record starts).
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
            write!(f, ", line {l}")?;
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
pub enum FileError {
    /// The file could not be read or written.
    #[error("{file}: {detail}")]
    Io {
        /// The file.
        file: String,
        /// The system's message.
        detail: String,
    },
    /// The file is not valid UTF-8.
    #[error(
        "{at}: the text is not valid UTF-8 (byte 0x{byte:02X}, character {character} of the line). Fix: save the file as UTF-8 (in Excel: \"CSV UTF-8\"; in LibreOffice: character set \"Unicode (UTF-8)\")"
    )]
    NotUtf8 {
        /// File and line.
        at: Box<Location>,
        /// The first invalid byte.
        byte: u8,
        /// 1-based character position of that byte in its line.
        character: usize,
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
    #[error("computing fair selection probabilities failed: {detail}")]
    Fair {
        /// The solver's message.
        detail: String,
    },
    /// A JSON file could not be read.
    #[error("{file}: {detail}")]
    Json {
        /// The file.
        file: String,
        /// The parser's message, with line and column.
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
}

impl FileError {
    /// The location the error points at, when it points at a file.
    pub fn location(&self) -> Option<&Location> {
        match self {
            FileError::NotUtf8 { at, .. }
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
            | FileError::BlankId { at } => Some(at),
            _ => None,
        }
    }

    /// A short stable name for the kind of error (for JSON output and bindings).
    pub fn kind(&self) -> &'static str {
        match self {
            FileError::Io { .. } => "Io",
            FileError::NotUtf8 { .. } => "NotUtf8",
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
            FileError::Json { .. } => "Json",
            FileError::Core { source, .. } => source.kind(),
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
            detail: e.to_string(),
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T> = std::result::Result<T, FileError>;
