//! `.xlsx` copies of the CSV lists, for organisers who open them in Excel or LibreOffice.
//!
//! A copy holds exactly the CSV's cells, each as text: an id such as `007` or a postcode such
//! as `01234` stays as written (a spreadsheet would read them as numbers and drop the zeros),
//! and nothing is re-formatted. The header row is bold and frozen. The copy is written like
//! every other output: whole or not at all, never over an existing file unless asked.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, Workbook};

use crate::atomic::{self, Access, Existing};
use crate::error::{FileError, Result};

/// The most rows a sheet holds (Excel's limit, header included).
pub const MAX_ROWS: usize = 1_048_576;

/// Writes `csv` (a UTF-8 CSV written by this crate, with or without a byte-order mark) as an
/// `.xlsx` workbook beside it (same name, extension `.xlsx`), one sheet named after the file,
/// readable by `access`. Returns the workbook's path.
pub fn copy_as_xlsx(csv: &Path, access: Access, existing: Existing) -> Result<PathBuf> {
    let target = csv.with_extension("xlsx");
    let bytes = workbook_of(csv)?;
    atomic::write_file(&target, &bytes, access, existing, "the workbook")?;
    Ok(target)
}

fn workbook_of(csv_path: &Path) -> Result<Vec<u8>> {
    let text = std::fs::read(csv_path).map_err(|e| FileError::io(csv_path, &e))?;
    let text = text.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let name = csv_path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("list");
    let xlsx = |e: rust_xlsxwriter::XlsxError| FileError::Invalid {
        detail: format!("{}: writing its .xlsx copy: {e}", csv_path.display()),
    };
    sheet.set_name(name).map_err(xlsx)?;
    let bold = Format::new().set_bold();
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(|e| FileError::Invalid {
            detail: format!("{}: reading it for its .xlsx copy: {e}", csv_path.display()),
        })?;
        if row >= MAX_ROWS {
            return Err(FileError::Invalid {
                detail: format!(
                    "{} has more than {MAX_ROWS} rows, more than a spreadsheet holds. Fix: use the CSV file",
                    csv_path.display()
                ),
            });
        }
        for (col, cell) in record.iter().enumerate() {
            let (r, c) = (row as u32, col as u16);
            if row == 0 {
                sheet.write_string_with_format(r, c, cell, &bold)
            } else {
                sheet.write_string(r, c, cell)
            }
            .map_err(xlsx)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx)?;
    book.save_to_buffer().map_err(xlsx)
}
