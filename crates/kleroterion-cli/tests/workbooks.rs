//! `draw --xlsx` writes the private lists as workbooks too: every cell of each CSV list, as
//! text (ids and postcodes keep their leading zeros), read back here with an independent
//! reader (calamine); private like the lists; never written over without `--force`, checked
//! before anything is drawn.

mod common;

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::*;
use predicates::prelude::*;

const PEOPLE: &str = "id,gender,postcode\n\
007,f,01234\n008,m,01234\n009,f,34000\n010,m,34070\n011,f,09100\n012,m,34000\n";
const QUOTAS: &str = "feature,value,min,max\ngender,f,1,2\ngender,m,1,2\n";

fn csv_cells(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn xlsx_cells(path: &Path) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
    assert_eq!(book.sheet_names(), vec![name.clone()]);
    let range = book.worksheet_range(&name).unwrap();
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    other => panic!("{}: a cell that is not text: {other:?}", path.display()),
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_lists_as_workbooks_hold_the_csv_cells_as_text() {
    let dir = tempfile::TempDir::new().unwrap();
    let people = write(dir.path(), "people.csv", PEOPLE);
    let quotas = write(dir.path(), "quotas.csv", QUOTAS);
    let commit = dir.path().join("commit");
    kl().args([
        "commit",
        "--allow-small-cells",
        "1",
        "--size",
        "2",
        "--method",
        "uniform",
    ])
    .args(["--alternates", "2", "--people"])
    .arg(&people)
    .arg("--quotas")
    .arg(&quotas)
    .arg("--out")
    .arg(&commit)
    .assert()
    .success();
    let reveal = hex_reveal(dir.path(), "2a");
    let bundle = dir.path().join("draw/bundle.json");
    let draw = || {
        let mut c = kl();
        c.arg("draw")
            .arg(commit.join("manifest.json"))
            .arg("--reveal")
            .arg(&reveal)
            .arg("--out")
            .arg(&bundle)
            .arg("--xlsx");
        c
    };
    draw()
        .assert()
        .success()
        .stdout(predicate::str::contains("Private workbooks:"));
    let private = dir.path().join("draw/private");
    for list in ["selected", "alternates", "remaining"] {
        let csv = csv_cells(&private.join(format!("{list}.csv")));
        let book = private.join(format!("{list}.xlsx"));
        assert_eq!(xlsx_cells(&book), csv, "{list}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&book).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{list}");
        }
    }
    let selected = xlsx_cells(&private.join("selected.xlsx"));
    assert!(
        selected
            .iter()
            .skip(1)
            .all(|row| row.iter().any(|c| c.starts_with('0')))
    );
    // A second draw into the same place is refused before drawing, workbooks included.
    std::fs::remove_file(&bundle).unwrap();
    for list in ["selected", "alternates", "remaining"] {
        std::fs::remove_file(private.join(format!("{list}.csv"))).unwrap();
    }
    draw()
        .assert()
        .failure()
        .stderr(predicate::str::contains("selected.xlsx"));
    assert!(!bundle.exists());
    // --xlsx needs the lists.
    let mut c = draw();
    c.arg("--no-tickets").assert().failure();
}
