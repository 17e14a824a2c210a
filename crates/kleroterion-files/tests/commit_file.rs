//! Committing a people file straight to a folder gives the files of the in-memory commit, byte
//! for byte, and refuses a people file that changes while it is read.

use std::path::{Path, PathBuf};

use kleroterion_files::commit_folder::{Destination, Stage, commit_file};
use kleroterion_files::{
    CommitOptions, Existing, MethodChoice, People, PeopleOptions, Quotas, TicketSource,
    WriteOptions, commit, write_commit,
};

const QUOTAS: &str = "feature,value,min,max\n\
gender,female,2,3\ngender,male,2,3\n\
age,young,1,4\nage,old,1,4\n";

const PEOPLE: &str = "id;gender;age;street;note;town\n\
p1;female;young;1 rue A;\"a; b\";Sète\n\
p2;female;young;1 rue a;;Agde\n\
p3;female;old;2 rue B;x;Sète\n\
\n\
p4;female;young;3 rue C;\"line\nbreak\";Agde\n\
p5;female;young;4 rue D;;Lunel\n\
p6;male;old;5 rue E;;Sète\n\
p7;male;old;6 rue F;;Agde\n\
p8;male;young;6 rue F;;Lunel\n\
p9;male;old;7 rue G;;Sète\n\
p10;male;old;8 rue H;;Agde\n";

fn setup(dir: &Path) -> (PathBuf, Quotas) {
    let people = dir.join("people.csv");
    std::fs::write(&people, format!("\u{feff}{PEOPLE}")).expect("people");
    let quotas = Quotas::parse_bytes("quotas.csv", QUOTAS.as_bytes()).expect("quotas");
    (people, quotas)
}

fn options(method: MethodChoice) -> CommitOptions {
    CommitOptions::new(4, method)
        // Small test pools: every cell is small.
        .with_allow_small_cells(1)
        .with_title("commit file")
        .with_alternates(3)
        .with_tickets(TicketSource::Keyed(
            kleroterion::TicketKey::from_bytes(b"commit file key ").unwrap(),
        ))
}

/// Every file under `dir`, relative path and bytes, sorted.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).expect("prefix").display().to_string();
                out.push((rel, std::fs::read(&p).expect("read")));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_streamed_commit_writes_the_in_memory_commits_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (people_path, quotas) = setup(tmp.path());
    let cases = [
        (
            MethodChoice::Greedy { max_attempts: 20 },
            vec!["street".to_string()],
            vec![],
        ),
        (
            MethodChoice::Lottery { panels: 40 },
            vec!["street".to_string()],
            vec![],
        ),
        (
            MethodChoice::Stratified {
                feature: "town".into(),
                allocation: kleroterion::Allocation::LargestRemainder,
            },
            vec![],
            vec!["town".to_string()],
        ),
    ];
    for (i, (method, household_columns, extra_features)) in cases.into_iter().enumerate() {
        let read = PeopleOptions {
            household_columns,
            extra_features,
            ..PeopleOptions::default()
        };
        let o = options(method);
        for bom in [false, true] {
            let write = WriteOptions {
                bom,
                existing: Existing::Refuse,
            };
            let people = People::read(&people_path, &quotas, &read).expect("people");
            let in_memory = tmp.path().join(format!("memory-{i}-{bom}"));
            let c = commit(&people, &quotas, &o).expect("commit");
            write_commit(&in_memory, &c, &people, &write).expect("write");
            let streamed = tmp.path().join(format!("streamed-{i}-{bom}"));
            let to = Destination {
                dir: &streamed,
                write,
                receipts: true,
            };
            let (sealed, _) =
                commit_file(&people_path, &quotas, &read, &o, &to, &|_| {}).expect("commit file");
            assert_eq!(sealed.commitment(), c.commitment);
            let (a, b) = (files(&in_memory), files(&streamed));
            assert_eq!(
                a.len(),
                3 + 2 + 10,
                "{:?}",
                a.iter().map(|f| &f.0).collect::<Vec<_>>()
            );
            assert_eq!(a, b, "case {i}, bom {bom}");
        }
    }
}

#[test]
fn no_receipts_leaves_the_receipts_folder_empty() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (people_path, quotas) = setup(tmp.path());
    let out = tmp.path().join("out");
    let to = Destination {
        dir: &out,
        write: WriteOptions::default(),
        receipts: false,
    };
    let o = options(MethodChoice::Uniform);
    let (_, paths) = commit_file(
        &people_path,
        &quotas,
        &PeopleOptions::default(),
        &o,
        &to,
        &|_| {},
    )
    .expect("commit");
    assert_eq!(
        std::fs::read_dir(&paths.receipts)
            .expect("receipts")
            .count(),
        0
    );
    assert!(paths.tickets.exists() && paths.pool.exists());
}

#[test]
fn a_people_file_changed_between_the_passes_is_refused_and_nothing_is_left() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (people_path, quotas) = setup(tmp.path());
    let changes = [
        PEOPLE.replace("p7;male;old", "p7;male;young"),
        PEOPLE.replace("p10;male;old;8 rue H;;Agde\n", ""),
        format!("{PEOPLE}p11;male;old;9 rue I;;Sète\n"),
        PEOPLE.replace("\"a; b\"", "\"a; c\""),
    ];
    for (i, changed) in changes.iter().enumerate() {
        std::fs::write(&people_path, PEOPLE).expect("people");
        let out = tmp.path().join(format!("out-{i}"));
        let to = Destination {
            dir: &out,
            write: WriteOptions::default(),
            receipts: true,
        };
        let o = options(MethodChoice::Uniform);
        let edit = |s: Stage| {
            if s == Stage::Writing {
                std::fs::write(&people_path, changed).expect("edit");
            }
        };
        let e = commit_file(
            &people_path,
            &quotas,
            &PeopleOptions::default(),
            &o,
            &to,
            &edit,
        )
        .expect_err("a changed file must be refused");
        assert!(
            e.to_string()
                .contains("changed while it was being committed"),
            "{e}"
        );
        assert!(!out.exists(), "case {i}: a half-written folder is left");
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
            .expect("tmp")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert!(leftovers.is_empty(), "case {i}: {leftovers:?}");
    }
}
