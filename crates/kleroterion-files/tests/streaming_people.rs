//! The streaming readers agree with the in-memory ones: [`PeopleReader`] gives the persons and
//! the errors of [`People::parse_bytes`] and of [`People::from_table`], and [`RowReader`] gives
//! the rows of [`Table`] whatever the size of the reads under it.

use std::io::Read;
use std::path::{Path, PathBuf};

use kleroterion_files::people::{PeopleLayout, PeopleReader};
use kleroterion_files::table::{RowReader, Table, TableOptions};
use kleroterion_files::{Encoding, FileError, IdColumn, People, PeopleOptions, Person, Quotas};
use tempfile::TempDir;

const QUOTAS: &[u8] =
    b"feature,value,min,max\ngender,female,0,3\ngender,male,0,3\nage,young,0,3\nage,old,0,3\n";

fn quotas() -> Quotas {
    Quotas::parse_bytes("quotas.csv", QUOTAS).expect("quotas")
}

fn options() -> PeopleOptions {
    PeopleOptions::default()
}

fn write(dir: &TempDir, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join("people.csv");
    std::fs::write(&path, bytes).expect("write");
    path
}

fn name(path: &Path) -> String {
    path.display().to_string()
}

/// Every person of a file through [`PeopleReader`], then its `finish`, with the layout.
fn stream(
    path: &Path,
    options: &PeopleOptions,
    hash: Option<fn(&str) -> u64>,
) -> Result<(PeopleLayout, Vec<Person>), FileError> {
    let q = quotas();
    let mut reader = match hash {
        Some(h) => PeopleReader::open_with_id_hash(path, &q, options, h)?,
        None => PeopleReader::open(path, &q, options)?,
    };
    let mut people = Vec::new();
    while let Some(p) = reader.next_person()? {
        people.push(p);
    }
    let layout = reader.layout().clone();
    reader.finish()?;
    Ok((layout, people))
}

/// The bytes through the streaming reader, `People::read`, `People::parse_bytes` and
/// `People::from_table`: all must agree. Returns the persons, or the error's message.
fn all_ways(bytes: &[u8], options: &PeopleOptions) -> Result<Vec<Person>, String> {
    let dir = TempDir::new().expect("temp dir");
    let path = write(&dir, bytes);
    let file = name(&path);
    let q = quotas();
    let streamed = stream(&path, options, None);
    let read = People::read(&path, &q, options);
    let parsed = People::parse_bytes(&file, bytes, &q, options);
    let from_table = Table::parse_bytes_with(&file, bytes, None, options.table.encoding)
        .and_then(|t| People::from_table(&t, &q, options));
    let message = |r: &Result<People, FileError>| r.as_ref().map(|_| ()).map_err(|e| e.to_string());
    assert_eq!(message(&read), message(&parsed), "{bytes:?}");
    assert_eq!(message(&from_table), message(&parsed), "{bytes:?}");
    match (streamed, parsed) {
        (Ok((layout, streamed)), Ok(parsed)) => {
            assert_eq!(read.expect("read"), parsed, "{bytes:?}");
            assert_eq!(from_table.expect("from_table"), parsed, "{bytes:?}");
            assert_eq!(streamed, parsed.people, "{bytes:?}");
            assert_eq!(layout.file(), parsed.file);
            assert_eq!(layout.header(), parsed.header);
            assert_eq!(layout.id_column(), parsed.id_column);
            assert_eq!(layout.id_header(), parsed.id_header());
            assert_eq!(layout.features(), parsed.features);
            assert_eq!(layout.feature_columns(), parsed.feature_columns);
            assert_eq!(layout.output_columns(), parsed.output_columns());
            assert_eq!(layout.output_header(), parsed.output_header());
            for p in &streamed {
                assert_eq!(layout.output_cells(p), parsed.output_cells(p));
            }
            Ok(streamed)
        }
        (Err(a), Err(b)) => {
            assert_eq!(a.to_string(), b.to_string(), "{bytes:?}");
            assert_eq!(a.kind(), b.kind(), "{bytes:?}");
            Err(a.to_string())
        }
        (a, b) => panic!(
            "{bytes:?}: streamed {:?}, parsed {:?}",
            a.map(|x| x.1.len()).map_err(|e| e.to_string()),
            b.map(|x| x.people.len()).map_err(|e| e.to_string())
        ),
    }
}

#[track_caller]
fn accepted(bytes: &[u8], options: &PeopleOptions) -> Vec<Person> {
    all_ways(bytes, options).unwrap_or_else(|e| panic!("{bytes:?}: {e}"))
}

#[track_caller]
fn refused(bytes: &[u8], options: &PeopleOptions, kind_and_words: (&str, &[&str])) {
    let (kind, words) = kind_and_words;
    let e = all_ways(bytes, options).expect_err("an error");
    for w in words {
        assert!(e.contains(w), "{e:?} does not hold {w:?} ({kind})");
    }
}

#[test]
fn small_files_give_the_same_persons() {
    let households = PeopleOptions {
        household_columns: vec!["address".into(), "zip".into()],
        ..Default::default()
    };
    let row_numbers = PeopleOptions {
        id: IdColumn::RowNumber,
        ..Default::default()
    };
    let extra = PeopleOptions {
        extra_features: vec!["district".into()],
        ..Default::default()
    };
    let named = PeopleOptions {
        id: IdColumn::Named("pid".into()),
        ..Default::default()
    };
    let cases: &[(&[u8], &PeopleOptions, usize)] = &[
        (b"id,gender,age\n1,female,young\n2,male,old\n", &options(), 2),
        // A byte-order mark, `;`, CRLF, mixed endings and no final line break.
        (
            b"\xEF\xBB\xBFid;gender;age\r\n1;female;young\r\n2;male;old\r\r\n3;male;young\r4;female;old",
            &options(),
            4,
        ),
        // Quoted cells holding separators, quotes and line breaks.
        (
            b"id,gender,age,address\n\"1\",female,young,\"12, rue \"\"A\"\"\nLattes\"\n2,\" male \",old,\"x\r\ny\"\n3,male,old,z\n",
            &options(),
            3,
        ),
        // Blank lines (and lines of blank cells) before the header, between and after rows.
        (
            b"\n\r\n  \n,,\nid,gender,age\n\n1,female,young\n \n,,\n\r\n2,male,old\n\n\n",
            &options(),
            2,
        ),
        // Whitespace other than ASCII before the header.
        (
            "\u{a0}\n\u{3000}\r\n\u{2028}\nid,gender,age\n1,female,young\n".as_bytes(),
            &options(),
            1,
        ),
        // Row numbers as ids: no id column, or an id column ignored.
        (b"gender,age\nfemale,young\n\nmale,old\n", &options(), 2),
        (b"id,gender,age\n1,female,young\n1,male,old\n", &row_numbers, 2),
        // Households, with case and spaces folded, and a blank address.
        (
            b"id,gender,age,address,zip\n1,female,young, 1 Main St ,Z\n2,male,old,1 MAIN ST,z\n3,male,old,,\n",
            &households,
            3,
        ),
        // An extra stratifying column, taken as found.
        (
            b"id,district,gender,age,notes\n1,North,female,young,x\n2,South,male,old,\n",
            &extra,
            2,
        ),
        (b"name,pid,gender,age\na,p1,female,young\nb,p2,male,old\n", &named, 2),
        // Trailing empty fields, as spreadsheets write them.
        (b"id,gender,age\n1,female,young,,\n2,male,old\n", &options(), 2),
        // NFC: the same id written two ways is one id.
        (
            "id,gender,age\nPe\u{301}rols,female,young\nLattes,male,old\n".as_bytes(),
            &options(),
            2,
        ),
    ];
    for &(bytes, opts, n) in cases {
        assert_eq!(accepted(bytes, opts).len(), n, "{bytes:?}");
    }
    let p = accepted(
        b"\n\nid,gender,age\r\n\r\n1,female,young\n\"2\",male,\"old\"\n",
        &options(),
    );
    assert_eq!(p[0].line, 5);
    assert_eq!(p[1].line, 6);
    let p = accepted(b"gender,age\nfemale,young\n\nmale,old\n", &options());
    assert_eq!((p[1].id.as_str(), p[1].line), ("2", 4));
}

#[test]
fn every_error_is_the_same() {
    let o = options();
    refused(
        b"id,gender,age\n1,female,young\n2,femme,old\n",
        &o,
        (
            "UnknownValue",
            &["line 3, column \"gender\": unknown value \"femme\""],
        ),
    );
    refused(
        b"id,gender,age\n1,female,young\n,male,old\n",
        &o,
        ("BlankId", &["line 3, column \"id\""]),
    );
    let extra = PeopleOptions {
        extra_features: vec!["district".into()],
        ..Default::default()
    };
    refused(
        b"id,gender,age,district\n1,female,young,North\n2,male,old, \n",
        &extra,
        (
            "BlankCell",
            &["line 3, column \"district\": the cell is blank"],
        ),
    );
    refused(
        b"id,gender\n1,female\n",
        &o,
        (
            "QuotaFeatureMissing",
            &["quotas.csv, line 4: the quotas name the feature \"age\""],
        ),
    );
    let named = PeopleOptions {
        id: IdColumn::Named("pid".into()),
        ..Default::default()
    };
    refused(
        b"id,gender,age\n1,female,young\n",
        &named,
        ("MissingColumn", &["no column \"pid\""]),
    );
    refused(
        b"id,gender,age\n1,female,young\n2,male\n",
        &o,
        ("FieldCount", &["line 3: 2 fields, but the header has 3"]),
    );
    refused(
        b"id,gender,age\n1,female,young,x\n",
        &o,
        ("FieldCount", &["line 2: 4 fields, but the header has 3"]),
    );
    // Read as UTF-8 when asked (detected, these are Windows-1252).
    let o = PeopleOptions {
        table: TableOptions {
            encoding: Encoding::Utf8,
            ..TableOptions::default()
        },
        ..options()
    };
    refused(
        b"id,gender,age\n1,female,young\n2,m\xe2le,old\n",
        &o,
        ("NotUtf8", &["line 3", "byte 0xE2", "character 4"]),
    );
    refused(
        b"\xEF\xBB\xBFid,gender,age\r\n1,female,young\r\n2,male,\xff\r\n",
        &o,
        ("NotUtf8", &["line 3", "byte 0xFF", "character 8"]),
    );
    // A character cut by the end of the file.
    refused(
        b"id,gender,age\n1,female,young\xc3",
        &o,
        ("NotUtf8", &["line 2", "0xC3"]),
    );
    refused(
        b"id,gender,age\n1,female,young\n2,\"male,old\n3,male,old\n",
        &o,
        (
            "Syntax",
            &["line 3", "a quote opens here and is never closed"],
        ),
    );
    refused(b"", &o, ("EmptyFile", &["the file is empty"]));
    refused(
        b"\xEF\xBB\xBF\r\n \n",
        &o,
        ("EmptyFile", &["the file is empty"]),
    );
    refused(
        b"id,gender,age\n\n",
        &o,
        ("HeaderOnly", &["no data below it"]),
    );
    refused(
        b"id,gender,age,gender\n1,female,young,male\n",
        &o,
        ("DuplicateColumn", &["the column \"gender\" appears twice"]),
    );
}

#[test]
fn duplicate_ids_are_reported_as_a_scan_would() {
    let o = options();
    refused(
        b"id,gender,age\n1,female,young\n2,male,old\n1,male,old\n",
        &o,
        (
            "DuplicateId",
            &["line 4, column \"id\": the id \"1\" is already used on line 2"],
        ),
    );
    // Several: the one whose later line comes first, with the first line of its id.
    refused(
        b"id,gender,age\na,female,young\nb,male,old\nc,male,old\nb,male,old\na,male,old\nc,male,old\nb,male,old\n",
        &o,
        ("DuplicateId", &["line 5, column \"id\": the id \"b\" is already used on line 3"]),
    );
    refused(
        b"id,gender,age\nx,female,young\nx,male,old\nx,male,old\n",
        &o,
        (
            "DuplicateId",
            &["line 3, column \"id\": the id \"x\" is already used on line 2"],
        ),
    );
    // Far apart, with blank lines and quoted line breaks shifting the lines.
    let mut text = String::from("id,gender,age,notes\n");
    for i in 0..50_000 {
        text.push_str(&format!("p{i},female,young,\"a\nb\"\n"));
        if i % 1000 == 0 {
            text.push('\n');
        }
    }
    text.push_str("p17,male,old,x\np3,male,old,y\n");
    refused(
        text.as_bytes(),
        &o,
        (
            "DuplicateId",
            &["line 100052, column \"id\": the id \"p17\" is already used on line 37"],
        ),
    );
    // A duplicate id is reported after the checks of every row.
    refused(
        b"id,gender,age\n1,female,young\n1,male,old\n2,femme,old\n",
        &o,
        ("UnknownValue", &["line 4"]),
    );
    // A long id is cut in the message.
    let long = "é".repeat(3000);
    let text = format!("id,gender,age\n{long},male,old\n{long},female,young\n");
    refused(
        text.as_bytes(),
        &o,
        ("DuplicateId", &["(6000 bytes in all)"]),
    );
}

/// Every id hashes alike, or ids of one length do: the confirmation must compare the ids.
fn one_hash(_: &str) -> u64 {
    7
}

fn length_hash(id: &str) -> u64 {
    id.len() as u64
}

#[test]
fn hash_collisions_are_not_duplicates() {
    let dir = TempDir::new().expect("temp dir");
    let q = quotas();
    let o = options();
    let texts: &[&[u8]] = &[
        b"id,gender,age\n1,female,young\n2,male,old\n3,male,old\n",
        b"id,gender,age\naa,female,young\nbb,male,old\nc,male,old\ncc,male,old\nd,male,old\n",
        // Duplicates among collisions: the first in file order is reported.
        b"id,gender,age\naa,female,young\nbb,male,old\nc,male,old\nbb,male,old\nc,male,old\n",
        b"id,gender,age\nx1,female,young\ny,male,old\nx2,male,old\nz,male,old\ny,male,old\nx1,male,old\n",
        b"id,gender,age\nq,female,young\nab,male,old\nr,male,old\nq,male,old\nab,male,old\n",
    ];
    for &bytes in texts {
        let path = write(&dir, bytes);
        let expected = People::parse_bytes(&name(&path), bytes, &q, &o).map(|p| p.people);
        for hash in [one_hash as fn(&str) -> u64, length_hash] {
            let got = stream(&path, &o, Some(hash)).map(|(_, p)| p);
            match (&got, &expected) {
                (Ok(a), Ok(b)) => assert_eq!(a, b),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
                _ => panic!("{bytes:?}: {got:?} but {expected:?}"),
            }
        }
    }
    let path = write(&dir, texts[1]);
    assert!(stream(&path, &o, Some(one_hash)).is_ok());
    let path = write(&dir, texts[3]);
    let e = stream(&path, &o, Some(length_hash)).expect_err("a duplicate");
    assert!(
        e.to_string()
            .contains("line 6, column \"id\": the id \"y\" is already used on line 3"),
        "{e}"
    );
}

#[test]
fn finish_reads_what_is_left_and_refuses_after_an_error() {
    let dir = TempDir::new().expect("temp dir");
    let q = quotas();
    let path = write(
        &dir,
        b"id,gender,age\n1,female,young\n2,male,old\n1,male,old\n",
    );
    let mut r = PeopleReader::open(&path, &q, &options()).expect("open");
    assert!(r.next_person().expect("first").is_some());
    let e = r
        .finish()
        .expect_err("the duplicate after the rows not yet read");
    assert_eq!(e.kind(), "DuplicateId");
    let path = write(&dir, b"id,gender,age\n1,femme,young\n2,male,old\n");
    let mut r = PeopleReader::open(&path, &q, &options()).expect("open");
    assert_eq!(r.next_person().expect_err("unknown").kind(), "UnknownValue");
    assert!(r.next_person().expect("nothing more").is_none());
    assert_eq!(r.finish().expect_err("stopped").kind(), "Invalid");
}

/// Gives at most `step` bytes a read, to cut characters, line breaks and the byte-order mark.
struct Trickle<'a> {
    bytes: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

fn rows_of(bytes: &[u8], step: usize) -> Result<Table, String> {
    let mut r = RowReader::from_reader("f.csv", Trickle { bytes, step }, None)
        .map_err(|e| e.to_string())?;
    let mut rows = Vec::new();
    while let Some(row) = r.next_row().map_err(|e| e.to_string())? {
        rows.push(row);
    }
    Ok(Table {
        file: r.file,
        separator: r.separator,
        header_line: r.header_line,
        header: r.header,
        rows,
        notice: None,
    })
}

#[test]
fn rows_do_not_depend_on_the_size_of_reads() {
    let texts: &[&[u8]] = &[
        b"\xEF\xBB\xBFnom;ville\r\n\"Dupont; Jean\";\"P\xc3\xa9\nrols\"\nMartin;Lattes\r\r\n",
        b"\r\n\r\n \r\n\xc2\xa0\r\na,b\r\n\r\n1,2\r3,4\n\n\"5\r\n\",6",
        b"a,b\n1,\"x\n2,3\n",
        b"a,b\n1,2\n3,\xe2\x82\n",
        b"a,b\n1,2\n3,\xe2\x82",
        b"\xEF\xBB",
        b"\xEF\xBB\xBF",
        b"a,b,a\n1,2,3\n",
        b"  \n\t\n",
        b"\"a\"\"b\",c\n1,2\n",
    ];
    for &bytes in texts {
        let whole = Table::parse_bytes_with("f.csv", bytes, None, Encoding::Utf8)
            .map_err(|e| e.to_string());
        for step in [1, 2, 3, 5, 7, 64] {
            assert_eq!(
                rows_of(bytes, step),
                whole,
                "{bytes:?} read {step} bytes at a time"
            );
        }
    }
}

#[test]
fn readers_can_move_to_another_thread() {
    fn send<T: Send>() {}
    send::<RowReader>();
    send::<PeopleReader>();
    send::<PeopleLayout>();
}
