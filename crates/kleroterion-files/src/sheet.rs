//! Reading one sheet of a spreadsheet (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`) as the rows
//! of a table, with the `calamine` reader.
//!
//! The sheet is the one chosen by name or by number (counted from 1, as the tabs are); with no
//! choice, the workbook must hold one sheet. Its first row holding more than blank cells is the
//! header, as for a CSV file, and errors name the file, the sheet and the row as the
//! spreadsheet numbers it.
//!
//! Cells become the text the sheet shows as far as a value can tell it:
//!
//! - text as typed;
//! - a whole number without a decimal point (`1`, never `1.0`), other numbers in their
//!   shortest exact form (`0.1`, `2.5`). Number formats are not applied: leading zeros,
//!   thousands separators, currency and percent signs are lost, so ids and postcodes with
//!   leading zeros must be cells formatted as text;
//! - a date as ISO 8601: `2024-03-05`, with the time when there is one
//!   (`2024-03-05T10:30:00`); a time of day alone as `10:30:00`; `.ods` dates as the file
//!   stores them (ISO 8601);
//! - `TRUE` or `FALSE`;
//! - a formula cell: its value as last computed and saved by the spreadsheet;
//! - an error value (`#N/A`, `#DIV/0!`) is an error naming the cell.

use std::io::BufReader;
use std::path::Path;

use calamine::{Data, Ods, Range, Reader, Xls, Xlsb, Xlsx, open_workbook};

use crate::error::{FileError, Location, Result};
use crate::limits::cut;

/// Which sheet of a workbook to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sheet {
    /// The sheet of this name; when none has it and the name is a number, the sheet at that
    /// position (counted from 1).
    Name(String),
    /// The sheet at this position, counted from 1.
    Number(usize),
}

impl Sheet {
    /// A choice as typed on a command line: a name, or a number counted from 1.
    pub fn parse(text: &str) -> Self {
        Self::Name(text.to_owned())
    }
}

/// The file extensions read as spreadsheets.
pub const EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xlsb", "xls", "ods"];

/// Whether a path names a spreadsheet (by its extension, in any case).
pub fn is_spreadsheet(path: &Path) -> bool {
    extension(path).is_some_and(|e| EXTENSIONS.contains(&e.as_str()))
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

const LABEL: &str = ", sheet \"";

/// How errors name a sheet of a file.
pub fn label(file: &str, sheet: &str) -> String {
    format!("{file}{LABEL}{}\"", cut(sheet))
}

/// Whether a file name given to errors names a sheet (then its lines are rows).
pub(crate) fn is_sheet_label(file: &str) -> bool {
    file.ends_with('"') && file.contains(LABEL)
}

/// `1 "Feuil1", 2 "Quotas"` for error messages.
pub(crate) fn numbered(sheets: &[String]) -> String {
    let mut out: Vec<String> = sheets
        .iter()
        .take(12)
        .enumerate()
        .map(|(i, s)| format!("{} \"{}\"", i + 1, cut(s)))
        .collect();
    if sheets.len() > 12 {
        out.push(format!("and {} more", sheets.len() - 12));
    }
    out.join(", ")
}

/// One row of a sheet: its row number, the text of each cell, and the first cell holding an
/// error value (its position in the row, and the value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SheetRow {
    pub line: usize,
    pub cells: Vec<String>,
    pub error: Option<(usize, String)>,
}

/// A sheet read: how errors name it, and its rows (the used area, blank rows included).
#[derive(Debug)]
pub(crate) struct ReadSheet {
    pub label: String,
    pub rows: Vec<SheetRow>,
    /// The first column of the used area, counted from 0.
    pub first_column: usize,
}

/// Reads the chosen sheet of the workbook at `path`.
pub(crate) fn read(path: &Path, choice: Option<&Sheet>) -> Result<ReadSheet> {
    let file = path.display().to_string();
    let fail = |detail: String| FileError::Spreadsheet {
        file: file.clone(),
        detail,
    };
    let (names, range) = match extension(path).as_deref() {
        Some("xls") => pick::<Xls<_>>(path, &file, choice, fail)?,
        Some("xlsb") => pick::<Xlsb<_>>(path, &file, choice, fail)?,
        Some("ods") => pick::<Ods<_>>(path, &file, choice, fail)?,
        _ => pick::<Xlsx<_>>(path, &file, choice, fail)?,
    };
    let (first_row, first_column) = range
        .start()
        .map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut error = None;
            let cells = cells
                .iter()
                .enumerate()
                .map(|(j, d)| match text(d) {
                    Ok(t) => t,
                    Err(e) => {
                        error.get_or_insert((j, e));
                        String::new()
                    }
                })
                .collect();
            SheetRow {
                line: first_row + i + 1,
                cells,
                error,
            }
        })
        .collect();
    Ok(ReadSheet {
        label: label(&file, &names),
        rows,
        first_column,
    })
}

/// Opens the workbook and reads the chosen sheet: its name and its cells.
fn pick<W: Reader<BufReader<std::fs::File>>>(
    path: &Path,
    file: &str,
    choice: Option<&Sheet>,
    fail: impl Fn(String) -> FileError,
) -> Result<(String, Range<Data>)>
where
    W::Error: std::fmt::Display,
{
    if let Err(e) = std::fs::metadata(path) {
        return Err(FileError::io(path, &e));
    }
    let mut book: W = open_workbook(path).map_err(|e: W::Error| fail(e.to_string()))?;
    let sheets = book.sheet_names();
    let wrong = |wanted: Option<String>| FileError::SheetChoice {
        file: file.into(),
        wanted,
        sheets: sheets.clone(),
    };
    let name = match choice {
        None if sheets.len() == 1 => sheets[0].clone(),
        None => return Err(wrong(None)),
        Some(Sheet::Name(n)) => match sheets.iter().find(|s| *s == n) {
            Some(s) => s.clone(),
            None => match n.trim().parse::<usize>() {
                Ok(k) if (1..=sheets.len()).contains(&k) => sheets[k - 1].clone(),
                _ => return Err(wrong(Some(cut(n)))),
            },
        },
        Some(Sheet::Number(k)) if (1..=sheets.len()).contains(k) => sheets[k - 1].clone(),
        Some(Sheet::Number(k)) => return Err(wrong(Some(format!("number {k}")))),
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| fail(format!("sheet \"{}\": {e}", cut(&name))))?;
    Ok((name, range))
}

/// The text of a cell (module documentation), or the error value it holds.
pub(crate) fn text(d: &Data) -> std::result::Result<String, String> {
    Ok(match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::DateTime(d) if d.is_duration() => duration(d.as_f64()),
        Data::DateTime(d) => {
            let (y, mo, da, h, mi, s, ms) = d.to_ymd_hms_milli();
            let time = if ms > 0 {
                format!("{h:02}:{mi:02}:{s:02}.{ms:03}")
            } else {
                format!("{h:02}:{mi:02}:{s:02}")
            };
            if d.as_f64() < 1.0 && d.as_f64() >= 0.0 {
                time
            } else if (h, mi, s, ms) == (0, 0, 0, 0) {
                format!("{y:04}-{mo:02}-{da:02}")
            } else {
                format!("{y:04}-{mo:02}-{da:02}T{time}")
            }
        }
        Data::Error(e) => return Err(e.to_string()),
    })
}

/// A number as typed: whole numbers without a decimal point, others in their shortest exact
/// form.
fn number(f: f64) -> String {
    // Below 2^53 every whole number is exact.
    if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// A duration in days as `H:MM:SS`.
fn duration(days: f64) -> String {
    let total = (days * 86_400.0).round() as i64;
    let sign = if total < 0 { "-" } else { "" };
    let t = total.abs();
    format!("{sign}{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
}

/// The letters of a column counted from 0 (`A`, …, `Z`, `AA`, …).
pub(crate) fn column_letters(mut c: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The error for a cell holding an error value: `column` names it (the header's name, or the
/// column's letters).
pub(crate) fn cell_error(label: &str, line: usize, column: &str, value: String) -> FileError {
    FileError::CellError {
        at: Box::new(Location::cell(label, line, column)),
        value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTime, ExcelDateTimeType};

    #[test]
    fn cells_read_as_typed() {
        let t = |d: Data| text(&d).unwrap();
        assert_eq!(t(Data::Float(1.0)), "1");
        assert_eq!(t(Data::Float(-42.0)), "-42");
        assert_eq!(t(Data::Float(1282.0)), "1282");
        assert_eq!(t(Data::Float(0.1)), "0.1");
        assert_eq!(t(Data::Float(2.5)), "2.5");
        assert_eq!(t(Data::Float(1e20)), "100000000000000000000");
        assert_eq!(t(Data::Int(7)), "7");
        assert_eq!(t(Data::Bool(true)), "TRUE");
        assert_eq!(t(Data::String("0612".into())), "0612");
        let date = |v| Data::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false));
        assert_eq!(t(date(45356.0)), "2024-03-05");
        assert_eq!(t(date(45356.4375)), "2024-03-05T10:30:00");
        assert_eq!(t(date(0.4375)), "10:30:00");
        let long = ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(t(Data::DateTime(long)), "36:00:00");
        assert_eq!(t(Data::DateTimeIso("2024-03-05".into())), "2024-03-05");
        assert_eq!(text(&Data::Error(CellErrorType::NA)).unwrap_err(), "#N/A");
    }

    #[test]
    fn column_letters_count_as_spreadsheets_do() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16_383), "XFD");
    }

    #[test]
    fn labels() {
        let l = label("p.xlsx", "Feuil1");
        assert_eq!(l, "p.xlsx, sheet \"Feuil1\"");
        assert!(is_sheet_label(&l));
        assert!(!is_sheet_label("p.csv"));
        assert_eq!(
            Location::cell(&l, 4, "age").to_string(),
            "p.xlsx, sheet \"Feuil1\", row 4, column \"age\""
        );
    }
}
