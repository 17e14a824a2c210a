//! Spreadsheets and Windows-1252 CSV as organisers have them: the Sortition Foundation fixture
//! saved by LibreOffice as `.xlsx`, `.ods` and `.xls`, and as French Excel's Windows-1252 CSV
//! with `;` (tests/data/spreadsheets, made by scripts/spreadsheet-fixtures.py), reads as the
//! UTF-8 CSV does, cell for cell, and commits to the same pool.

use std::path::PathBuf;

use kleroterion_files::{
    CommitOptions, Encoding, IdColumn, MethodChoice, People, PeopleOptions, Quotas, Sheet, Table,
    TableOptions, TicketSource, commit,
};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/spreadsheets")
        .join(name)
}

const FORMATS: &[&str] = &["xlsx", "ods", "xls"];

#[test]
fn every_format_gives_the_cells_of_the_utf8_csv() {
    for stem in ["candidates", "features"] {
        let csv = Table::read(&data(&format!("{stem}.csv")), None).unwrap();
        assert_eq!(csv.notice, None);
        let mut others: Vec<Table> = FORMATS
            .iter()
            .map(|ext| Table::read(&data(&format!("{stem}.{ext}")), None).unwrap())
            .collect();
        let w = Table::read(&data(&format!("{stem}-windows-1252.csv")), None).unwrap();
        assert_eq!(w.separator, b';');
        assert!(w.notice.as_deref().unwrap().contains("Windows-1252"));
        others.push(w);
        for t in &others {
            assert_eq!(t.header, csv.header, "{}", t.file);
            assert_eq!(t.rows.len(), csv.rows.len(), "{}", t.file);
            for (a, b) in t.rows.iter().zip(&csv.rows) {
                assert_eq!((a.line, &a.cells), (b.line, &b.cells), "{}", t.file);
            }
        }
    }
    // Typed as numbers and dates in the sheets, read as typed.
    let t = Table::read(&data("candidates.xlsx"), None).unwrap();
    assert_eq!(t.rows[0].cells[0], "1000");
    assert_eq!(t.rows[0].cells[13], "2024-01-01");
    assert!(t.file.ends_with("candidates.xlsx, sheet \"candidates\""));
    let q = Table::read(&data("features.ods"), None).unwrap();
    assert_eq!(q.rows[0].cells[2..4], ["11", "12"]);
}

fn committed(people: &str, quotas: &str, table: TableOptions) -> String {
    let quotas = Quotas::read_with(&data(quotas), &table).unwrap();
    let options = PeopleOptions {
        id: IdColumn::Named("nationbuilder_id".into()),
        table,
        ..PeopleOptions::default()
    };
    let people = People::read(&data(people), &quotas, &options).unwrap();
    let options = CommitOptions::new(22, MethodChoice::Uniform)
        .with_title("spreadsheets")
        .with_tickets(TicketSource::Keyed(
            kleroterion::TicketKey::from_bytes(b"spreadsheet key 0123").unwrap(),
        ))
        // 150 people over four features: most are alone in their cell.
        .with_allow_small_cells(1);
    commit(&people, &quotas, &options)
        .unwrap()
        .commitment
        .to_hex()
}

#[test]
fn every_format_commits_to_the_pool_of_the_utf8_csv() {
    let csv = committed("candidates.csv", "features.csv", TableOptions::default());
    for ext in FORMATS {
        let found = committed(
            &format!("candidates.{ext}"),
            &format!("features.{ext}"),
            TableOptions::default(),
        );
        assert_eq!(found, csv, "{ext}");
    }
    for encoding in [Encoding::Auto, Encoding::Windows1252] {
        let found = committed(
            "candidates-windows-1252.csv",
            "features-windows-1252.csv",
            TableOptions {
                encoding,
                ..TableOptions::default()
            },
        );
        assert_eq!(found, csv, "{encoding:?}");
    }
    // A sheet chosen by name or number.
    for sheet in [
        Sheet::Name("candidates".into()),
        Sheet::Number(1),
        Sheet::parse("1"),
    ] {
        let t = TableOptions {
            sheet: Some(sheet),
            ..TableOptions::default()
        };
        let people = Table::read_with(&data("candidates.ods"), None, &t).unwrap();
        assert_eq!(people.rows.len(), 150);
    }
}

#[test]
fn a_wrong_sheet_lists_the_sheets() {
    let t = TableOptions {
        sheet: Some(Sheet::parse("Feuil1")),
        ..TableOptions::default()
    };
    let e = Table::read_with(&data("candidates.xlsx"), None, &t).unwrap_err();
    assert_eq!(e.kind(), "SheetChoice");
    let msg = e.to_string();
    assert!(
        msg.contains("candidates.xlsx: no sheet \"Feuil1\"; the sheets are 1 \"candidates\""),
        "{msg}"
    );
    assert!(
        msg.contains("Fix: choose the sheet by its name or its number"),
        "{msg}"
    );
    let t = TableOptions {
        sheet: Some(Sheet::Number(2)),
        ..TableOptions::default()
    };
    let e = Table::read_with(&data("features.ods"), None, &t).unwrap_err();
    assert!(e.to_string().contains("no sheet \"number 2\""), "{e}");
}

#[test]
fn errors_in_a_sheet_name_the_sheet_row_and_column() {
    // The fixture's original quotas name the region without its Gaelic name.
    let other = Quotas::read(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/data/sortition-algorithms/features.csv"),
    )
    .unwrap();
    let e = People::read(&data("candidates.ods"), &other, &PeopleOptions::default()).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains(
            "candidates.ods, sheet \"candidates\", row 15, column \"geo_bucket\": unknown value \"Gàidhealtachd – Highlands and Islands\""
        ),
        "{msg}"
    );
}

#[test]
fn an_undecodable_csv_names_the_byte_and_the_fix() {
    let mut bytes = std::fs::read(data("candidates-windows-1252.csv")).unwrap();
    // An undefined byte of Windows-1252 on line 3, in a file that is not UTF-8 either.
    let at = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(1)
        .unwrap()
        .0
        + 5;
    bytes[at] = 0x81;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.csv");
    std::fs::write(&path, &bytes).unwrap();
    let e = Table::read(&path, None).unwrap_err();
    assert_eq!(e.kind(), "NotWindows1252");
    let msg = e.to_string();
    assert!(
        msg.contains(&format!(
            "people.csv, line 3: byte 0x81 (offset {at} in the file, character 5 of the line)"
        )),
        "{msg}"
    );
    assert!(msg.contains("Fix: save the file as UTF-8"), "{msg}");
    // Read as UTF-8 when asked: the first accented byte is the error, and the fix says how
    // to read the file as it is.
    let utf8 = TableOptions {
        encoding: Encoding::Utf8,
        ..TableOptions::default()
    };
    let e = Table::read_with(&data("features-windows-1252.csv"), None, &utf8).unwrap_err();
    assert_eq!(e.kind(), "NotUtf8");
    assert!(e.to_string().contains("--encoding windows-1252"), "{e}");
}
