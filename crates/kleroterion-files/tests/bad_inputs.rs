//! The bad-input classes of RELIABILITY.md that the unit tests of `table.rs`, `people.rs` and
//! `quotas.rs` do not reach through the public API: each input gives a typed error naming the
//! file, line and column, or is accepted and read as a person would expect. Nothing panics.

use kleroterion::{Reveal, SourceValue, draw, verify};
use kleroterion_files::{
    CommitOptions, Encoding, FileError, IdColumn, MethodChoice, People, PeopleOptions, Quotas,
    Table, TicketSource, commit,
};

const QUOTAS: &[u8] = b"feature,value,min,max\ngender,female,0,3\ngender,male,0,3\n";

fn quotas() -> Quotas {
    Quotas::parse_bytes("quotas.csv", QUOTAS).expect("quotas")
}

fn people(bytes: &[u8]) -> Result<People, FileError> {
    People::parse_bytes("people.csv", bytes, &quotas(), &PeopleOptions::default())
}

fn households(bytes: &[u8]) -> People {
    let opts = PeopleOptions {
        household_columns: vec!["address".into()],
        ..Default::default()
    };
    People::parse_bytes("people.csv", bytes, &quotas(), &opts).expect("people")
}

fn options(k: u32, method: MethodChoice) -> CommitOptions {
    CommitOptions::new(k, method)
        // Small test pools: every cell is small.
        .with_allow_small_cells(1)
        .with_title("bad inputs")
        .with_alternates(1)
        .with_tickets(TicketSource::Keyed(
            kleroterion::TicketKey::from_bytes(b"test key 0123456").unwrap(),
        ))
}

fn reveal() -> Reveal {
    Reveal {
        sources: vec![SourceValue::Hex { value: vec![42] }],
    }
}

#[track_caller]
fn message(r: Result<impl std::fmt::Debug, FileError>, kind: &str, words: &[&str]) {
    let e = r.expect_err(&format!("expected {kind}"));
    assert_eq!(e.kind(), kind, "{e}");
    let msg = e.to_string();
    for w in words {
        assert!(msg.contains(w), "{msg:?} does not hold {w:?}");
    }
}

#[test]
fn empty_people_file() {
    message(people(b""), "EmptyFile", &["people.csv: the file is empty"]);
    message(
        people(b"\xEF\xBB\xBF\r\n\n  \n"),
        "EmptyFile",
        &["people.csv: the file is empty"],
    );
}

#[test]
fn quotas_missing_a_column() {
    message(
        Quotas::parse_bytes("quotas.csv", b"feature,value,min\ngender,female,1\n"),
        "MissingColumn",
        &["quotas.csv, line 1: no column \"max\""],
    );
}

#[test]
fn quota_line_with_an_extra_field() {
    message(
        Quotas::parse_bytes(
            "quotas.csv",
            b"feature,value,min,max\ngender,female,1,3,9\n",
        ),
        "FieldCount",
        &["quotas.csv, line 2: 5 fields, but the header has 4"],
    );
    // Trailing empty fields, as spreadsheets write them, are accepted.
    assert!(
        Quotas::parse_bytes(
            "quotas.csv",
            b"feature,value,min,max\ngender,female,1,3,,\n"
        )
        .is_ok()
    );
}

#[test]
fn people_line_with_a_missing_or_extra_field() {
    message(
        people(b"id,gender\n1,female\n2\n"),
        "FieldCount",
        &["people.csv, line 3: 1 fields, but the header has 2"],
    );
    message(
        people(b"id,gender\n1,female,Lattes\n"),
        "FieldCount",
        &["people.csv, line 2: 3 fields, but the header has 2"],
    );
}

#[test]
fn extra_columns_are_kept_not_read_as_features() {
    let p = people(b"id,name,gender,notes\n1,Ann,female,x\n").expect("people");
    assert_eq!(p.features, ["gender"]);
    assert_eq!(p.output_header(), ["id", "name", "notes", "gender"]);
}

#[test]
fn bom_and_mixed_line_endings_in_people_and_quotas() {
    let q = Quotas::parse_bytes(
        "quotas.csv",
        b"\xEF\xBB\xBFfeature;value;min;max\r\ngender;female;0;3\ngender;male;0;3\r\r\n",
    )
    .expect("quotas with a BOM, semicolons and mixed endings");
    assert_eq!(q.features[0].name, "gender");
    assert_eq!(q.lines[0], [2, 3]);
    let p = People::parse_bytes(
        "people.csv",
        b"\xEF\xBB\xBFid,gender\r\n1,female\n2,male\r\r\n3,female\r4,male",
        &q,
        &PeopleOptions::default(),
    )
    .expect("people with a BOM and mixed endings");
    // The BOM is not part of the first header name, so `id` is found.
    assert_eq!(p.id_header(), "id");
    let ids: Vec<&str> = p.people.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "3", "4"]);
    let lines: Vec<usize> = p.people.iter().map(|x| x.line).collect();
    assert_eq!(lines, [2, 3, 5, 6]);
}

#[test]
fn quotes_and_embedded_separators() {
    let p =
        people(b"id,gender,address\n\"1\",female,\"12, rue \"\"A\"\"\nLattes\"\n2,\" male \",x\n")
            .expect("quoted cells");
    assert_eq!(p.people[0].cells[2], "12, rue \"A\"\nLattes");
    assert_eq!(
        p.people[1].line, 4,
        "a quoted newline does not shift the lines"
    );
    assert_eq!(
        p.people[1].values,
        ["male"],
        "cells are trimmed, also inside quotes"
    );
    // A quote that is never closed names its line.
    message(
        people(b"id,gender\n1,female\n2,\"male\n"),
        "Syntax",
        &[
            "people.csv, line 3",
            "a quote opens here and is never closed",
        ],
    );
}

#[test]
fn non_utf8_quotas_file() {
    let bytes = b"feature,value,min,max\ngender,f\xe9minin,1,3\n";
    let q = Quotas::parse_bytes("quotas.csv", bytes).expect("read as Windows-1252");
    assert_eq!(q.features[0].values[0].value, "féminin");
    message(
        Table::parse_bytes_with("quotas.csv", bytes, None, Encoding::Utf8)
            .and_then(|t| Quotas::from_table(&t)),
        "NotUtf8",
        &["quotas.csv, line 2", "byte 0xE9", "character 9"],
    );
}

#[test]
fn duplicate_row_number_ids_cannot_happen_and_named_ids_are_checked() {
    let opts = PeopleOptions {
        id: IdColumn::RowNumber,
        ..Default::default()
    };
    let p = People::parse_bytes(
        "people.csv",
        b"id,gender\n1,female\n1,male\n",
        &quotas(),
        &opts,
    )
    .expect("row numbers are unique");
    assert_eq!(p.people[1].id, "2");
    // Ids are compared after trimming and NFC: " 1" and "1" are the same id.
    message(
        people(b"id,gender\n1,female\n 1 ,male\n"),
        "DuplicateId",
        &["line 3, column \"id\": the id \"1\" is already used on line 2"],
    );
    message(
        people("id,gender\nPe\u{301}rols,female\nP\u{e9}rols,male\n".as_bytes()),
        "DuplicateId",
        &["the id \"P\u{e9}rols\" is already used on line 2"],
    );
}

#[test]
fn panel_size_zero_or_larger_than_the_pool() {
    let p = people(b"id,gender\n1,female\n2,male\n").expect("people");
    for k in [0, 3] {
        message(
            commit(&p, &quotas(), &options(k, MethodChoice::Uniform)),
            "Invalid",
            &[
                &format!("panel size {k} is impossible with 2 people in people.csv"),
                "choose a size from 1 to 2",
            ],
        );
    }
}

#[test]
fn pool_of_one() {
    let q = quotas();
    let p = people(b"id,gender\nonly,female\n").expect("people");
    for method in [
        MethodChoice::Uniform,
        MethodChoice::Greedy { max_attempts: 1 },
        MethodChoice::Stratified {
            feature: "gender".into(),
            allocation: kleroterion::Allocation::LargestRemainder,
        },
        MethodChoice::Lottery { panels: 10 },
    ] {
        let name = method.name();
        let c = commit(&p, &q, &options(1, method)).expect(name);
        assert_eq!(c.pool.records.len(), 1);
        let b = draw(&c.manifest, &c.pool.records, &reveal()).expect(name);
        assert_eq!(b.result.selected, [c.tickets[0].ticket.clone()], "{name}");
        assert!(b.result.alternates.is_empty(), "{name}");
        assert!(verify(&b).valid, "{name}");
        kleroterion::check_receipt(&c.receipts[0], &b).expect(name);
    }
}

#[test]
fn household_column_that_groups_everybody() {
    let p = households(b"id,gender,address\n1,female,1 rue A\n2,male,1 RUE A\n3,female, 1 rue a \n4,male,1 rue A\n");
    assert!(p.people.iter().all(|x| x.address == p.people[0].address));
    // One seat: anyone can take it.
    let c = commit(
        &p,
        &quotas(),
        &options(1, MethodChoice::Greedy { max_attempts: 5 }),
    )
    .expect("k = 1 with one household");
    let b = draw(&c.manifest, &c.pool.records, &reveal()).expect("one seat");
    assert!(verify(&b).valid);
    // Two seats, greedy: committed, then every attempt fails, so the draw fails (no bundle).
    let c = commit(
        &p,
        &quotas(),
        &options(2, MethodChoice::Greedy { max_attempts: 5 }),
    )
    .expect("greedy commits without a feasibility check");
    let e = draw(&c.manifest, &c.pool.records, &reveal()).expect_err("no panel of 2");
    assert_eq!(e.kind(), "DrawFailed", "{e}");
    assert!(e.to_string().contains("5 attempts"), "{e}");
    // Two seats, lottery: no portfolio exists, the commit says so.
    message(
        commit(
            &p,
            &quotas(),
            &options(2, MethodChoice::Lottery { panels: 10 }),
        ),
        "Infeasible",
        &["the quotas cannot be met by any panel of 2"],
    );
}

#[test]
fn infeasible_quotas() {
    // 3 women are required, the pool has 2.
    let q = Quotas::parse_bytes(
        "quotas.csv",
        b"feature,value,min,max\ngender,female,3,4\ngender,male,0,4\n",
    )
    .expect("quotas");
    let p = People::parse_bytes(
        "people.csv",
        b"id,gender\n1,female\n2,female\n3,male\n4,male\n5,male\n",
        &q,
        &PeopleOptions::default(),
    )
    .expect("people");
    message(
        commit(&p, &q, &options(4, MethodChoice::Lottery { panels: 10 })),
        "Infeasible",
        &["the quotas cannot be met by any panel of 4"],
    );
    let c = commit(
        &p,
        &q,
        &options(4, MethodChoice::Greedy { max_attempts: 3 }),
    )
    .expect("greedy commits");
    let e = draw(&c.manifest, &c.pool.records, &reveal()).expect_err("greedy fails");
    assert_eq!(e.kind(), "DrawFailed", "{e}");
    // Sums that cannot fit the panel are refused before anything else, naming the line.
    message(
        commit(
            &p,
            &q,
            &options(2, MethodChoice::Greedy { max_attempts: 3 }),
        ),
        "Invalid",
        &[
            "quotas.csv, line 2: the minimums of feature \"gender\" add up to 3, more than the panel size 2",
        ],
    );
}

#[test]
fn value_outside_the_declared_ones_in_an_extra_quota_feature() {
    let q = Quotas::parse_bytes(
        "quotas.csv",
        b"category,feature,min,max\ngender,female,0,3\ngender,male,0,3\nage,young,0,3\n",
    )
    .expect("Panelot quotas");
    message(
        People::parse_bytes(
            "people.csv",
            b"gender,age\nfemale,young\nmale,old\n",
            &q,
            &PeopleOptions::default(),
        ),
        "UnknownValue",
        &[
            "people.csv, line 3, column \"age\": unknown value \"old\" for feature \"age\"",
            "the quotas declare \"young\"",
        ],
    );
}
