//! The streaming pool reader agrees with the in-memory draw: same pool, same results, same
//! first error, and the file's own faults named as the file's.

use kleroterion::ErrorKind;
use std::path::Path;

use kleroterion::compact::CompactPool;
use kleroterion::draw::draw_compact;
use kleroterion::{PoolFile, Reveal, SourceValue, draw};
use kleroterion_files::pool_file::read_pool;
use kleroterion_files::{
    CommitOptions, Committed, FileError, MethodChoice, People, PeopleOptions, Quotas, TicketSource,
    commit,
};

const QUOTAS: &[u8] = b"feature,value,min,max\n\
gender,female,2,3\ngender,male,2,3\n\
age,young,1,4\nage,old,1,4\n";

const PEOPLE: &[u8] = b"id,gender,age,address\n\
1,female,young,a\n2,female,young,a\n3,female,old,b\n4,female,young,c\n5,female,young,d\n\
6,male,old,e\n7,male,old,f\n8,male,young,f\n9,male,old,g\n10,male,old,h\n";

fn committed(method: MethodChoice, households: bool) -> Committed {
    let quotas = Quotas::parse_bytes("quotas.csv", QUOTAS).expect("quotas");
    let read = PeopleOptions {
        household_columns: if households {
            vec!["address".into()]
        } else {
            vec![]
        },
        ..PeopleOptions::default()
    };
    let people = People::parse_bytes("people.csv", PEOPLE, &quotas, &read).expect("people");
    let options = CommitOptions::new(4, method)
        // Small test pools: every cell is small.
        .with_allow_small_cells(1)
        .with_title("pool file")
        .with_alternates(3)
        .with_tickets(TicketSource::Keyed(
            kleroterion::TicketKey::from_bytes(b"pool file key 01").unwrap(),
        ));
    commit(&people, &quotas, &options).expect("commit")
}

fn reveal() -> Reveal {
    Reveal {
        sources: vec![SourceValue::Hex {
            value: vec![7, 1, 2],
        }],
    }
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

#[test]
fn the_streamed_pool_draws_as_the_records_do() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (method, households) in [
        (MethodChoice::Uniform, false),
        (MethodChoice::Greedy { max_attempts: 20 }, true),
        (MethodChoice::Lottery { panels: 30 }, true),
    ] {
        let c = committed(method, households);
        let text = serde_json::to_string_pretty(&c.pool).expect("json");
        for (name, text) in [
            ("pool.json", text.clone()),
            ("bom.json", format!("\u{feff}{text}")),
        ] {
            let path = write(dir.path(), name, &text);
            let pool = read_pool(&path, &c.manifest).expect("file").expect("pool");
            let expected =
                CompactPool::from_records(&c.manifest.features, &c.pool.records).expect("pool");
            assert_eq!(pool.records().collect::<Vec<_>>(), c.pool.records);
            assert_eq!(pool.root(), expected.root());
            let drawn = draw_compact(&c.manifest, &pool, &reveal()).expect("draw");
            let bundle = draw(&c.manifest, &c.pool.records, &reveal()).expect("draw");
            assert_eq!(drawn.result, bundle.result);
            let r = reveal();
            let view = drawn.bundle(&c.manifest, pool.serialize_records(), &r);
            assert_eq!(
                serde_json::to_string_pretty(&view).expect("view"),
                bundle.to_json().expect("bundle")
            );
        }
    }
}

#[test]
fn errors_come_in_the_in_memory_draws_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = committed(MethodChoice::Uniform, false);
    let kind_of = |pool: &PoolFile| {
        let path = write(
            dir.path(),
            "p.json",
            &serde_json::to_string(pool).expect("json"),
        );
        let streamed = read_pool(&path, &c.manifest).expect("file").map(|_| ());
        let in_memory = draw(&c.manifest, &pool.records, &reveal()).map(|_| ());
        (
            streamed.map_err(|e| e.kind()),
            in_memory.map_err(|e| e.kind()),
        )
    };
    // An undeclared value: the root no longer matches, and that is said first.
    let mut p = c.pool.clone();
    p.records[3].values[0] = "femme".into();
    assert_eq!(
        kind_of(&p),
        (
            Err(ErrorKind::PoolRootMismatch),
            Err(ErrorKind::PoolRootMismatch)
        )
    );
    // A record left out.
    let mut p = c.pool.clone();
    p.records.pop();
    assert_eq!(
        kind_of(&p),
        (
            Err(ErrorKind::PoolRootMismatch),
            Err(ErrorKind::PoolRootMismatch)
        )
    );
    // The honest pool.
    assert_eq!(kind_of(&c.pool), (Ok(()), Ok(())));
    // An undeclared value in a manifest that commits to it: the value is named.
    let mut p = c.pool.clone();
    p.records[3].values[0] = "femme".into();
    let mut m = c.manifest.clone();
    m.pool = kleroterion::PoolCommitment::of(&p.records).expect("commit");
    let path = write(
        dir.path(),
        "femme.json",
        &serde_json::to_string(&p).expect("json"),
    );
    let e = read_pool(&path, &m).expect("file").map(|_| ()).unwrap_err();
    assert_eq!(e.kind(), "UnknownValue");
    assert!(e.to_string().contains("femme"), "{e}");
}

#[test]
fn a_file_that_is_not_a_pool_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = committed(MethodChoice::Uniform, false);
    let text = serde_json::to_string(&c.pool).expect("json");
    for (name, bad, says) in [
        ("truncated.json", text[..text.len() / 2].to_string(), "EOF"),
        (
            "extra.json",
            text.replacen("{", "{\"extra\":1,", 1),
            "unknown field `extra`",
        ),
        (
            "nospec.json",
            text.replacen("\"spec\"", "\"spek\"", 1),
            "unknown field `spek`",
        ),
        (
            "norecords.json",
            r#"{"spec":"kleroterion/v2"}"#.into(),
            "missing field `records`",
        ),
        ("trailing.json", format!("{text} []"), "trailing characters"),
        (
            "notarecord.json",
            r#"{"spec":"x","records":[1]}"#.into(),
            "invalid type",
        ),
    ] {
        let path = write(dir.path(), name, &bad);
        match read_pool(&path, &c.manifest) {
            Err(FileError::Json { file, detail }) => {
                assert!(file.ends_with(name), "{file}");
                assert!(detail.contains(says), "{name}: {detail}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    let missing = dir.path().join("absent.json");
    assert!(matches!(
        read_pool(&missing, &c.manifest),
        Err(FileError::Io { .. })
    ));
}
