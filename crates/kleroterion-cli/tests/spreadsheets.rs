//! `commit` and `fair` read the Sortition Foundation fixture as LibreOffice saved it (`.xlsx`,
//! `.ods`, `.xls`) and as French Excel's Windows-1252 `;` CSV (tests/data/spreadsheets), and
//! commit to the pool of the UTF-8 CSV; a wrong sheet, or a file in neither encoding, is an
//! error that says what to do.

mod common;

use common::{data, run};

const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

/// The commitment of `commit` on these people and quotas files, with `extra` arguments, and
/// what it wrote on standard error.
fn commitment(people: &str, quotas: &str, extra: &[&str]) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let people = data(&format!("spreadsheets/{people}"));
    let quotas = data(&format!("spreadsheets/{quotas}"));
    let out = dir.path().join("commit");
    let mut args: Vec<std::ffi::OsString> = vec![
        "--json".into(),
        "commit".into(),
        "--allow-small-cells".into(),
        "1".into(),
        "--people".into(),
        people.into(),
        "--quotas".into(),
        quotas.into(),
        "--out".into(),
        out.into(),
    ];
    for a in [
        "--size",
        "22",
        "--method",
        "greedy",
        "--id-column",
        "nationbuilder_id",
        "--household",
        "primary_address1",
        "primary_zip",
        "--ticket-key",
        KEY,
    ]
    .iter()
    .chain(extra)
    {
        args.push(a.into());
    }
    let r = run(args);
    assert_eq!(r.code, Some(0), "{}", r.err());
    (r.json()["commitment"].as_str().unwrap().to_owned(), r.err())
}

#[test]
fn every_format_commits_to_the_pool_of_the_utf8_csv() {
    let (csv, err) = commitment("candidates.csv", "features.csv", &[]);
    assert_eq!(err, "");
    for ext in ["xlsx", "ods", "xls"] {
        let people = format!("candidates.{ext}");
        let (found, _) = commitment(&people, &format!("features.{ext}"), &[]);
        assert_eq!(found, csv, "{ext}");
        let (found, _) = commitment(&people, "features.csv", &["--sheet", "candidates"]);
        assert_eq!(found, csv, "{ext}, sheet by name");
        let (found, _) = commitment(
            &people,
            &format!("features.{ext}"),
            &["--quotas-sheet", "1"],
        );
        assert_eq!(found, csv, "{ext}, quotas sheet by number");
    }
    let (found, err) = commitment(
        "candidates-windows-1252.csv",
        "features-windows-1252.csv",
        &[],
    );
    assert_eq!(found, csv);
    assert!(
        err.contains("candidates-windows-1252.csv is not UTF-8: read as Windows-1252"),
        "{err}"
    );
    assert!(
        err.contains("features-windows-1252.csv is not UTF-8"),
        "{err}"
    );
    let (found, err) = commitment(
        "candidates-windows-1252.csv",
        "features-windows-1252.csv",
        &["--encoding", "windows-1252"],
    );
    assert_eq!((found, err), (csv, String::new()));
}

#[test]
fn fair_reads_a_sheet() {
    let r = run([
        "--json".as_ref(),
        "fair".as_ref(),
        "--people".as_ref(),
        data("spreadsheets/candidates.ods").as_os_str(),
        "--quotas".as_ref(),
        data("spreadsheets/features.xlsx").as_os_str(),
        "--size".as_ref(),
        "22".as_ref(),
        "--id-column".as_ref(),
        "nationbuilder_id".as_ref(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.err());
}

#[test]
fn a_wrong_sheet_lists_the_sheets_and_a_wrong_encoding_names_the_byte() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("commit");
    let args = |people: &std::path::Path, extra: &[&str]| {
        let mut a: Vec<std::ffi::OsString> = vec![
            "commit".into(),
            "--people".into(),
            people.into(),
            "--quotas".into(),
            data("spreadsheets/features.csv").into(),
            "--size".into(),
            "22".into(),
            "--out".into(),
            out.clone().into(),
        ];
        a.extend(extra.iter().map(Into::into));
        a
    };
    let r = run(args(
        &data("spreadsheets/candidates.xlsx"),
        &["--sheet", "Feuil1"],
    ));
    assert_ne!(r.code, Some(0));
    let err = r.err();
    assert!(
        err.contains("candidates.xlsx: no sheet \"Feuil1\"; the sheets are 1 \"candidates\". Fix: choose the sheet by its name or its number"),
        "{err}"
    );
    // A byte that Windows-1252 leaves undefined, on line 2.
    let mut bytes = std::fs::read(data("spreadsheets/candidates-windows-1252.csv")).unwrap();
    let at = bytes.iter().position(|&b| b == b'\n').unwrap() + 3;
    bytes[at] = 0x9D;
    let bad = dir.path().join("people.csv");
    std::fs::write(&bad, &bytes).unwrap();
    let r = run(args(&bad, &[]));
    assert_ne!(r.code, Some(0));
    let err = r.err();
    assert!(
        err.contains(&format!(
            "people.csv, line 2: byte 0x9D (offset {at} in the file, character 3 of the line) is not a Windows-1252 character"
        )),
        "{err}"
    );
    assert!(err.contains("Fix: save the file as UTF-8"), "{err}");
    // The same file read as UTF-8 on request: the fix names the option.
    let r = run(args(
        &data("spreadsheets/candidates-windows-1252.csv"),
        &["--encoding", "utf-8"],
    ));
    assert!(r.err().contains("--encoding windows-1252"), "{}", r.err());
}
