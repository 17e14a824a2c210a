//! Each size limit of `kleroterion_files::limits` gives its named error on a file generated
//! here, with a short message; the largest files (100 and 200 MB) are refused after reading
//! the first MiB.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use kleroterion_files::limits::{
    MAX_CELL_BYTES, MAX_COLUMNS, MAX_RECORD_BYTES, MAX_VALUES_PER_FEATURE,
};
use kleroterion_files::table::Table;
use kleroterion_files::{FileError, People, PeopleOptions, Quotas};
use tempfile::TempDir;

/// Writes `head`, then `block` `times` times, then `tail`.
fn write(
    dir: &TempDir,
    name: &str,
    head: &[u8],
    block: &[u8],
    times: usize,
    tail: &[u8],
) -> PathBuf {
    let path = dir.path().join(name);
    let mut w = BufWriter::with_capacity(1 << 20, File::create(&path).unwrap());
    w.write_all(head).unwrap();
    for _ in 0..times {
        w.write_all(block).unwrap();
    }
    w.write_all(tail).unwrap();
    w.into_inner().unwrap().sync_all().unwrap();
    path
}

fn quotas() -> Quotas {
    Quotas::parse_bytes(
        "q.csv",
        b"feature,value,min,max\ngender,f,0,3\ngender,m,0,3\n",
    )
    .unwrap()
}

fn people(path: &Path) -> Result<People, FileError> {
    People::read(path, &quotas(), &PeopleOptions::default())
}

#[track_caller]
fn check(e: &FileError, kind: &str, words: &[&str]) {
    assert_eq!(e.kind(), kind, "{e}");
    let msg = e.to_string();
    assert!(msg.len() < 1000, "{} bytes: {msg}", msg.len());
    for w in words {
        assert!(msg.contains(w), "{msg:?} does not hold {w:?}");
    }
}

#[test]
fn header_of_50_million_columns_is_one_record_too_long() {
    let dir = TempDir::new().unwrap();
    // 50 million one-byte columns: 100 MB of "x,".
    let block = b"x,".repeat(1 << 19);
    let path = write(
        &dir,
        "big.csv",
        b"",
        &block,
        50_000_000 / (1 << 19) + 1,
        b"x\n",
    );
    let e = people(&path).unwrap_err();
    check(
        &e,
        "RecordTooLong",
        &[
            "big.csv, line 1:",
            &format!("at least {} bytes", MAX_RECORD_BYTES + 1),
            &format!("limit of {MAX_RECORD_BYTES}"),
            "Fix: ",
        ],
    );
}

#[test]
fn cell_of_200_mb_is_refused_with_a_short_message() {
    let dir = TempDir::new().unwrap();
    let block = vec![b'y'; 1 << 20];
    let path = write(&dir, "cell.csv", b"id,gender\n1,", &block, 200, b"\n2,m\n");
    let e = people(&path).unwrap_err();
    check(&e, "RecordTooLong", &["cell.csv, line 2:"]);
    // Quoted, from memory: the same error, with the same line.
    let mut text = b"id,gender\n1,\"".to_vec();
    text.resize(text.len() + 2 * MAX_RECORD_BYTES, b'y');
    text.extend_from_slice(b"\"\n");
    let e =
        People::parse_bytes("cell.csv", &text, &quotas(), &PeopleOptions::default()).unwrap_err();
    check(&e, "RecordTooLong", &["cell.csv, line 2:"]);
}

#[test]
fn one_column_more_than_a_spreadsheet() {
    let dir = TempDir::new().unwrap();
    let header: Vec<String> = (0..=MAX_COLUMNS).map(|i| format!("c{i}")).collect();
    let head = format!("{}\n", header.join(","));
    let path = write(&dir, "wide.csv", head.as_bytes(), b"", 0, b"");
    let e = people(&path).unwrap_err();
    check(
        &e,
        "TooManyColumns",
        &[
            "wide.csv, line 1:",
            &format!("{} columns", MAX_COLUMNS + 1),
            &format!("limit of {MAX_COLUMNS}"),
            "one column per attribute",
        ],
    );
    // Exactly the limit is read.
    let head = format!("{}\n", header[..MAX_COLUMNS].join(","));
    let path = write(&dir, "wide.csv", head.as_bytes(), b"", 0, b"x\n");
    assert_eq!(Table::read(&path, None).unwrap().header.len(), MAX_COLUMNS);
}

#[test]
fn cell_of_70000_bytes() {
    let dir = TempDir::new().unwrap();
    let path = write(
        &dir,
        "long.csv",
        b"id,gender,notes\n1,f,ok\n2,m,\"",
        b"z",
        70_000,
        b"\"\n",
    );
    let e = people(&path).unwrap_err();
    check(
        &e,
        "CellTooLong",
        &[
            "long.csv, line 3, column \"notes\": field 3 holds 70000 bytes",
            &format!("limit of {MAX_CELL_BYTES}"),
            "(70000 bytes in all)",
            "Fix: ",
        ],
    );
    // Exactly the limit is read.
    let path = write(
        &dir,
        "long.csv",
        b"id,notes\n1,",
        b"z",
        MAX_CELL_BYTES,
        b"\n",
    );
    assert!(Table::read(&path, None).is_ok());
}

fn quota_file(dir: &TempDir, values: usize) -> PathBuf {
    let mut text = String::from("feature,value,min,max\ngender,f,0,3\ngender,m,0,3\n");
    for i in 0..values {
        text.push_str(&format!("postcode,p{i:06},0,1\n"));
    }
    write(dir, "q.csv", text.as_bytes(), b"", 0, b"")
}

#[test]
fn one_value_too_many() {
    let dir = TempDir::new().unwrap();
    let path = quota_file(&dir, MAX_VALUES_PER_FEATURE + 1);
    let e = Quotas::read(&path).unwrap_err();
    check(
        &e,
        "TooManyValues",
        &[
            &format!("q.csv, line {}:", MAX_VALUES_PER_FEATURE + 4),
            &format!(
                "the feature \"postcode\" has {} values, more than the limit of {MAX_VALUES_PER_FEATURE}",
                MAX_VALUES_PER_FEATURE + 1
            ),
            "Fix: ",
        ],
    );
}

#[test]
fn as_many_values_as_the_limit() {
    let dir = TempDir::new().unwrap();
    let q = Quotas::read(&quota_file(&dir, MAX_VALUES_PER_FEATURE)).unwrap();
    assert_eq!(q.features.len(), 2);
    let postcodes = &q.features[1];
    assert_eq!(postcodes.values.len(), MAX_VALUES_PER_FEATURE);
    assert_eq!(postcodes.values[0].value, "p000000");
    assert_eq!(postcodes.values[99_999].value, "p099999");
    assert_eq!(q.lines[1][99_999], MAX_VALUES_PER_FEATURE + 3);
    assert_eq!(postcodes.value_index("p054321"), Some(54_321));
}
