//! Drawing from files, streamed, writes the files of the in-memory draw byte for byte: the
//! bundle and the three private lists, households left out of `remaining.csv` included.

use std::path::Path;

use kleroterion::{Reveal, SourceValue, draw};
use kleroterion_files::draw_folder::draw_files;
use kleroterion_files::{
    CommitOptions, DrawPaths, Existing, MethodChoice, People, PeopleOptions, Quotas, TicketMap,
    TicketSource, WriteOptions, commit, write_commit, write_draw,
};

const QUOTAS: &str = "feature,value,min,max\n\
gender,female,2,3\ngender,male,2,3\n\
age,young,1,4\nage,old,1,4\n";

const PEOPLE: &str = "id,gender,age,street,note\n\
p1,female,young,1 rue A,\"a, b\"\n\
p2,female,young,1 rue A,\n\
p3,female,old,2 rue B,x\n\
p4,female,young,3 rue C,\"line\nbreak\"\n\
p5,female,young,4 rue D,\n\
p6,male,old,5 rue E,\n\
p7,male,old,6 rue F,\n\
p8,male,young,6 rue F,\n\
p9,male,old,7 rue G,\n\
p10,male,old,8 rue H,\n\
p11,male,young,8 rue H,\n\
p12,female,old,9 rue I,\n";

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn streamed_draws_write_the_in_memory_draws_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let quotas = Quotas::parse_bytes("quotas.csv", QUOTAS.as_bytes()).expect("quotas");
    let read = PeopleOptions {
        household_columns: vec!["street".into()],
        ..PeopleOptions::default()
    };
    let people =
        People::parse_bytes("people.csv", PEOPLE.as_bytes(), &quotas, &read).expect("people");
    let mut with_households = 0;
    for (i, method) in [
        MethodChoice::Greedy { max_attempts: 50 },
        MethodChoice::Lottery { panels: 50 },
    ]
    .into_iter()
    .enumerate()
    {
        for seed in 0u8..6 {
            let options = CommitOptions::new(4, method.clone())
                // Small test pools: every cell is small.
                .with_allow_small_cells(1)
                .with_title("draw files")
                .with_alternates(3)
                .with_tickets(TicketSource::Keyed(
                    kleroterion::TicketKey::from_bytes(b"draw files key 0").unwrap(),
                ));
            let c = commit(&people, &quotas, &options).expect("commit");
            let folder = tmp.path().join(format!("commit-{i}-{seed}"));
            let paths =
                write_commit(&folder, &c, &people, &WriteOptions::default()).expect("write commit");
            let reveal = Reveal {
                sources: vec![SourceValue::Hex {
                    value: vec![seed, 42],
                }],
            };
            for bom in [false, true] {
                let write = WriteOptions {
                    bom,
                    existing: Existing::Refuse,
                };
                let memory = tmp
                    .path()
                    .join(format!("memory-{i}-{seed}-{bom}/bundle.json"));
                let bundle = draw(&c.manifest, &c.pool.records, &reveal).expect("draw");
                let map = TicketMap::read(&paths.tickets).expect("map");
                write_draw(&memory, &bundle, Some(&map), &write).expect("write draw");
                let streamed = tmp
                    .path()
                    .join(format!("streamed-{i}-{seed}-{bom}/bundle.json"));
                let done = draw_files(
                    &c.manifest,
                    &paths.pool,
                    &reveal,
                    Some(&paths.tickets),
                    None,
                    &streamed,
                    &write,
                )
                .expect("files")
                .expect("draw");
                assert_eq!(bytes(&memory), bytes(&streamed), "bundle {i} {seed} {bom}");
                let (a, b) = (
                    DrawPaths::of(&memory.with_file_name("private")),
                    DrawPaths::of(&streamed.with_file_name("private")),
                );
                for (x, y) in a.all().into_iter().zip(b.all()) {
                    assert_eq!(bytes(x), bytes(y), "{}", y.display());
                }
                let ids: Vec<&str> = bundle
                    .result
                    .selected
                    .iter()
                    .chain(&bundle.result.alternates)
                    .map(|t| map.id_of(t).expect("id"))
                    .collect();
                assert_eq!(done.ids, ids);
                let remaining = map.rows.len()
                    - String::from_utf8(bytes(&b.remaining))
                        .expect("utf-8")
                        .matches("\np")
                        .count();
                if remaining > bundle.result.selected.len() {
                    with_households += 1;
                }
            }
        }
    }
    // Some draws selected someone whose housemate is then left out of remaining.csv.
    assert!(with_households > 0);
}

#[test]
fn without_a_ticket_map_only_the_bundle_is_written() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let quotas = Quotas::parse_bytes("quotas.csv", QUOTAS.as_bytes()).expect("quotas");
    let people = People::parse_bytes(
        "people.csv",
        PEOPLE.as_bytes(),
        &quotas,
        &PeopleOptions::default(),
    )
    .expect("people");
    let options = CommitOptions::new(4, MethodChoice::Uniform)
        // Small test pools: every cell is small.
        .with_allow_small_cells(1)
        .with_title("no map")
        .with_alternates(2)
        .with_tickets(TicketSource::Keyed(
            kleroterion::TicketKey::from_bytes(b"k 0123456789abcd").unwrap(),
        ));
    let c = commit(&people, &quotas, &options).expect("commit");
    let paths =
        write_commit(&tmp.path().join("c"), &c, &people, &WriteOptions::default()).expect("write");
    let reveal = Reveal {
        sources: vec![SourceValue::Hex { value: vec![1] }],
    };
    let out = tmp.path().join("d/bundle.json");
    let done = draw_files(
        &c.manifest,
        &paths.pool,
        &reveal,
        None,
        None,
        &out,
        &WriteOptions::default(),
    )
    .expect("files")
    .expect("draw");
    assert!(done.lists.is_none() && done.ids.is_empty());
    assert!(out.exists());
    assert!(!tmp.path().join("d/private").exists());
    // A second draw to the same place is refused, and the bundle is kept.
    let before = bytes(&out);
    assert!(
        draw_files(
            &c.manifest,
            &paths.pool,
            &reveal,
            None,
            None,
            &out,
            &WriteOptions::default()
        )
        .is_err()
    );
    assert_eq!(bytes(&out), before);
}
