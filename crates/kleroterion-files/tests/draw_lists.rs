//! The private lists of a draw written as a stream from `tickets.csv` (`draw_lists`): the same
//! bytes as the in-memory path, every mismatch refused with nothing left behind, existing lists
//! refused, and no temporary file left by a streamed write that fails.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use kleroterion::compact::CompactPool;
use kleroterion::{Bundle, Record, Reveal, SourceValue, draw};
use kleroterion_files::atomic::{self, Access, Existing};
use kleroterion_files::draw_lists::{PoolTickets, TicketIndex, write_bundle_lists, write_lists};
use kleroterion_files::outputs::{
    DrawPaths, check_ticket_map, csv_string, excluded_from_remaining,
};
use kleroterion_files::{
    CommitOptions, FileError, MethodChoice, People, PeopleOptions, Quotas, TicketMap, TicketSource,
    WriteOptions, commit, write_commit, write_draw_csvs,
};
use tempfile::TempDir;

const QUOTAS: &[u8] = b"feature,value,min,max\ngender,female,0,6\ngender,male,0,6\n";

/// 24 people in 12 households of two; some cells hold commas, quotes, line breaks, accents
/// (one not in NFC) and surrounding spaces. The first two lines are plain, so that lines 2
/// and 3 of `tickets.csv` are the first two people.
fn people_file() -> String {
    let mut s = String::from("id,name,gender,address,note\n");
    for i in 1..=24 {
        let gender = if i % 2 == 0 { "female" } else { "male" };
        let name = match i {
            5 => "\"Dupont, Jean\"".to_string(),
            8 => "\"Line one\nline two\"".to_string(),
            11 => "\"She said \"\"hi\"\"\"".to_string(),
            14 => "Pe\u{301}rols".to_string(),
            17 => "  spaced  ".to_string(),
            _ => format!("Person {i}"),
        };
        let note = if i == 20 { "\"a,\r\nb\"" } else { "" };
        s.push_str(&format!(
            "p{i},{name},{gender},{} rue A,{note}\n",
            (i + 1) / 2
        ));
    }
    s
}

struct Drawn {
    dir: TempDir,
    bundle: Bundle,
    tickets: PathBuf,
}

/// Commits the people (households as address when `households`), writes the commit folder
/// (`bom`), and draws 4 seats and 3 alternates.
fn drawn(households: bool, bom: bool) -> Drawn {
    let quotas = Quotas::parse_bytes("quotas.csv", QUOTAS).unwrap();
    let opts = PeopleOptions {
        household_columns: if households {
            vec!["address".into()]
        } else {
            Vec::new()
        },
        ..Default::default()
    };
    let people = People::parse_bytes("people.csv", people_file().as_bytes(), &quotas, &opts)
        .expect("people");
    let options = CommitOptions::new(4, MethodChoice::Greedy { max_attempts: 50 })
        // Small test pools: every cell is small.
        .with_allow_small_cells(1)
        .with_title("lists")
        .with_alternates(3)
        .with_tickets(TicketSource::Keyed(
            kleroterion::TicketKey::from_bytes(b"test key 0123456").unwrap(),
        ));
    let c = commit(&people, &quotas, &options).expect("commit");
    let dir = TempDir::new().unwrap();
    let write = WriteOptions {
        bom,
        existing: Existing::Refuse,
    };
    let paths = write_commit(&dir.path().join("commit"), &c, &people, &write).expect("commit");
    let reveal = Reveal {
        sources: vec![SourceValue::Hex { value: vec![7] }],
    };
    let bundle = draw(&c.manifest, &c.pool.records, &reveal).expect("draw");
    assert_eq!(bundle.manifest.household_rule, households);
    Drawn {
        dir,
        bundle,
        tickets: paths.tickets,
    }
}

fn excluded(b: &Bundle) -> HashSet<String> {
    excluded_from_remaining(b)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

fn options(bom: bool) -> WriteOptions {
    WriteOptions {
        bom,
        existing: Existing::Refuse,
    }
}

/// `write_lists` on `map`, for the draw of `d`.
fn lists(d: &Drawn, out: &Path, map: &Path, opts: &WriteOptions) -> Result<DrawPaths, FileError> {
    write_lists(
        out,
        map,
        &TicketIndex::new(d.bundle.pool.as_slice()),
        &d.bundle.result.selected,
        &d.bundle.result.alternates,
        &excluded(&d.bundle),
        opts,
    )
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    n.sort();
    n
}

#[test]
fn streamed_lists_are_the_bytes_of_the_in_memory_ones() {
    for households in [false, true] {
        for bom in [false, true] {
            let d = drawn(households, bom);
            let map = TicketMap::read(&d.tickets).unwrap();
            check_ticket_map(&map, &d.tickets, &d.bundle).unwrap();
            let text = String::from_utf8(read(&d.tickets)).unwrap();
            for quoted in ["\"Dupont, Jean\"", "\"Line one\nline two\"", "\"a,\r\nb\""] {
                assert!(text.contains(quoted), "{quoted:?} in {text}");
            }
            let a = write_draw_csvs(&d.dir.path().join("a"), &map, &d.bundle, &options(bom))
                .expect("in memory");
            let b =
                lists(&d, &d.dir.path().join("b"), &d.tickets, &options(bom)).expect("streamed");
            let c = write_bundle_lists(
                &d.dir.path().join("c"),
                &d.tickets,
                &d.bundle,
                &options(bom),
            )
            .expect("streamed, from the bundle");
            // The lists as the earlier code built them: rows picked by ticket, then csv_string.
            let pick = |tickets: &[String]| -> Vec<Vec<String>> {
                tickets
                    .iter()
                    .map(|t| map.rows.iter().find(|(m, _)| m == t).unwrap().1.clone())
                    .collect()
            };
            let ex = excluded(&d.bundle);
            let rest: Vec<Vec<String>> = map
                .rows
                .iter()
                .filter(|(t, _)| !ex.contains(t))
                .map(|(_, c)| c.clone())
                .collect();
            let expected = [
                pick(&d.bundle.result.selected),
                pick(&d.bundle.result.alternates),
                rest,
            ];
            for (p, rows) in b.all().into_iter().zip(&expected) {
                let text = csv_string(&map.header, rows, bom).unwrap();
                assert_eq!(read(p), text.as_bytes(), "{}", p.display());
            }
            for ((x, y), z) in a.all().into_iter().zip(b.all()).zip(c.all()) {
                assert_eq!(read(x), read(y), "{households} {bom} {}", y.display());
                assert_eq!(read(x), read(z), "{households} {bom} {}", z.display());
            }
            let selected = String::from_utf8(read(&b.selected)).unwrap();
            assert_eq!(selected.starts_with('\u{feff}'), bom);
            let remaining = String::from_utf8(read(&b.remaining)).unwrap();
            assert_eq!(ex.len(), if households { 8 } else { 4 }, "{ex:?}");
            // Whole records: the header, then one per person not excluded (some span lines).
            let records = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(remaining.trim_start_matches('\u{feff}').as_bytes())
                .records()
                .count();
            assert_eq!(records, 1 + 24 - ex.len());
            assert!(
                names(&d.dir.path().join("b"))
                    .iter()
                    .all(|n| !n.starts_with('.'))
            );
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&b.remaining)
                    .unwrap()
                    .permissions()
                    .mode();
                assert_eq!(mode & 0o777, 0o600);
            }
        }
    }
}

/// The rows of the valid map: header, then `(ticket, pool_index, cells)`.
fn map_rows(d: &Drawn) -> (Vec<String>, Vec<Vec<String>>) {
    let t = kleroterion_files::Table::read(&d.tickets, None).unwrap();
    (t.header, t.rows.into_iter().map(|r| r.cells).collect())
}

fn write_map(d: &Drawn, name: &str, text: &str) -> PathBuf {
    let p = d.dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[track_caller]
fn refused(d: &Drawn, map: &Path, kind: &str, words: &[&str]) -> FileError {
    let out = d.dir.path().join("out");
    let e = lists(d, &out, map, &options(false)).expect_err(kind);
    assert_eq!(e.kind(), kind, "{e}");
    let msg = e.to_string();
    for w in words {
        assert!(msg.contains(w), "{msg:?} does not hold {w:?}");
    }
    assert!(!out.exists(), "{e}: left {:?}", names(&out));
    e
}

#[test]
fn each_mismatch_is_refused_and_leaves_nothing() {
    let d = drawn(true, false);
    let (header, rows) = map_rows(&d);
    let text = |rows: &[Vec<String>]| csv_string(&header, rows, false).unwrap();
    let tickets: Vec<String> = rows.iter().map(|r| r[0].clone()).collect();

    // A pool ticket missing: the first missing in pool order is named.
    let mut fewer = rows.clone();
    fewer.retain(|r| r[0] != tickets[3] && r[0] != tickets[9]);
    let first = d
        .bundle
        .pool
        .iter()
        .find(|r| r.ticket == tickets[3] || r.ticket == tickets[9])
        .unwrap();
    let p = write_map(&d, "fewer.csv", &text(&fewer));
    refused(
        &d,
        &p,
        "TicketMapMismatch",
        &[
            &format!("pool ticket {} is not in it", first.ticket),
            "fewer.csv",
        ],
    );

    // A ticket that is not in the pool.
    let mut extra = rows.clone();
    let mut stranger = rows[0].clone();
    stranger[0] = "0000-0000-0000-0000".into();
    extra.insert(1, stranger);
    let p = write_map(&d, "extra.csv", &text(&extra));
    refused(
        &d,
        &p,
        "TicketMapMismatch",
        &["line 3: ticket 0000-0000-0000-0000 is not in the pool"],
    );

    // A ticket twice.
    let mut twice = rows.clone();
    twice.insert(1, rows[0].clone());
    let p = write_map(&d, "twice.csv", &text(&twice));
    refused(
        &d,
        &p,
        "TicketMapMismatch",
        &[&format!(
            "line 3: ticket {} appears a second time",
            tickets[0]
        )],
    );

    // A ticket changed: the pool ticket it replaced is missing, and named first.
    let mut changed = rows.clone();
    changed[1][0] = "0000-0000-0000-0000".into();
    let p = write_map(&d, "changed.csv", &text(&changed));
    refused(
        &d,
        &p,
        "TicketMapMismatch",
        &[&format!("pool ticket {} is not in it", tickets[1])],
    );

    // A ticket of the draw missing from the map (the map matches the pool).
    let out = d.dir.path().join("out");
    let e = write_lists(
        &out,
        &d.tickets,
        &TicketIndex::new(d.bundle.pool.as_slice()),
        &["NOPE".to_string()],
        &[],
        &HashSet::new(),
        &options(false),
    )
    .unwrap_err();
    assert_eq!(e.kind(), "Invalid", "{e}");
    assert!(
        e.to_string()
            .contains("ticket NOPE of the draw is not in the ticket map"),
        "{e}"
    );
    assert!(!out.exists());
}

#[test]
fn format_errors_are_those_of_the_ticket_map() {
    let d = drawn(false, false);
    let valid = String::from_utf8(read(&d.tickets)).unwrap();
    let (first, rest) = valid.split_once('\n').unwrap();
    let (line2, after) = rest.split_once('\n').unwrap();
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "header",
            format!("{}\n{rest}", first.replace("pool_index", "index")),
            "MissingColumn",
        ),
        (
            "no ticket",
            format!("{}\n{rest}", first.replace("ticket", "tiquet")),
            "MissingColumn",
        ),
        (
            "short row",
            format!("{first}\n{}\n{after}", &line2[..line2.rfind(',').unwrap()]),
            "FieldCount",
        ),
        (
            "long row",
            format!("{first}\n{line2},x\n{after}"),
            "FieldCount",
        ),
        ("unclosed quote", format!("{valid}\"x\n"), "Syntax"),
        ("empty", "\n \n".to_string(), "EmptyFile"),
        (
            "duplicate column",
            format!("{first},id\n{rest}"),
            "DuplicateColumn",
        ),
    ];
    for (name, text, kind) in cases {
        let p = write_map(&d, &format!("{}.csv", name.replace(' ', "_")), &text);
        let e = refused(&d, &p, kind, &[]);
        let old = TicketMap::read(&p).expect_err(name);
        assert_eq!(e.to_string(), old.to_string(), "{name}");
    }
    // Not UTF-8, in the middle of a long file and across the reader's buffer.
    let mut bytes = valid.as_bytes().to_vec();
    let (header, rows) = valid.split_once('\n').unwrap();
    let mut long = format!("{header}\n");
    for _ in 0..2000 {
        long.push_str(rows.lines().next().unwrap());
        long.push('\n');
    }
    let at = long.len() - 10;
    let mut long = long.into_bytes();
    long[at] = 0xE9;
    for (name, bad) in [("latin1.csv", &mut bytes), ("latin1_long.csv", &mut long)] {
        if name == "latin1.csv" {
            let i = bad.iter().position(|&b| b == b'P').unwrap();
            bad[i + 1] = 0xE9;
        }
        let p = d.dir.path().join(name);
        std::fs::write(&p, &bad).unwrap();
        let e = refused(&d, &p, "NotUtf8", &["byte 0xE9"]);
        let old = TicketMap::read(&p).expect_err(name);
        assert_eq!(e.to_string(), old.to_string(), "{name}");
    }
}

#[test]
fn a_map_saved_by_a_spreadsheet_gives_the_same_lists() {
    let d = drawn(true, false);
    let valid = String::from_utf8(read(&d.tickets)).unwrap();
    // CRLF line ends, blank lines, trailing empty fields, spaces around cells, a cell not in
    // NFC, semicolons.
    let (header, rest) = valid.split_once('\n').unwrap();
    let edited = format!(
        "\u{feff}\r\n{header}\r\n\r\n{}",
        rest.replace('\n', ",\r\n\r\n")
            .replace(",male", ", male ")
            .replace("Person 3,", "Pe\u{301}rson 3,")
    );
    assert!(edited.contains('\u{301}'), "a cell not in NFC");
    for (name, text) in [
        ("edited.csv", edited.clone()),
        ("semicolons.csv", edited.replace(',', ";")),
    ] {
        let p = write_map(&d, name, &text);
        let map = TicketMap::read(&p).unwrap();
        check_ticket_map(&map, &p, &d.bundle).unwrap();
        let a = write_draw_csvs(&d.dir.path().join("a"), &map, &d.bundle, &options(false)).unwrap();
        let b = lists(&d, &d.dir.path().join("b"), &p, &options(false)).unwrap();
        for (x, y) in a.all().into_iter().zip(b.all()) {
            assert_eq!(read(x), read(y), "{name} {}", y.display());
        }
        std::fs::remove_dir_all(d.dir.path().join("a")).unwrap();
        std::fs::remove_dir_all(d.dir.path().join("b")).unwrap();
    }
    // A short row on a line after blank lines and a quoted line break is named by its line.
    let p = write_map(
        &d,
        "short.csv",
        "ticket,pool_index,id\r\n\r\na,0,\"x\ny\"\n\nb,1\n",
    );
    let e = refused(&d, &p, "FieldCount", &["short.csv, line 6: 2 fields"]);
    assert_eq!(e.to_string(), TicketMap::read(&p).unwrap_err().to_string());
}

#[test]
fn existing_lists_are_refused_unless_replaced() {
    let d = drawn(false, false);
    let out = d.dir.path().join("out");
    let first = lists(&d, &out, &d.tickets, &options(false)).unwrap();
    let before: Vec<Vec<u8>> = first.all().iter().map(|p| read(p)).collect();
    let e = lists(&d, &out, &d.tickets, &options(true)).unwrap_err();
    assert_eq!(e.kind(), "OutputExists", "{e}");
    assert!(e.to_string().contains("selected.csv"), "{e}");
    // One list existing is enough: none is written.
    std::fs::remove_file(&first.selected).unwrap();
    std::fs::remove_file(&first.alternates).unwrap();
    let e = lists(&d, &out, &d.tickets, &options(false)).unwrap_err();
    assert_eq!(e.kind(), "OutputExists", "{e}");
    assert!(e.to_string().contains("remaining.csv"), "{e}");
    assert_eq!(names(&out), ["remaining.csv"]);
    // Replaced: written again, with a BOM this time.
    let replace = WriteOptions {
        bom: true,
        existing: Existing::Replace,
    };
    let again = lists(&d, &out, &d.tickets, &replace).unwrap();
    for (p, old) in again.all().into_iter().zip(&before) {
        let new = read(p);
        assert_eq!(&new[..3], b"\xEF\xBB\xBF");
        assert_eq!(&new[3..], &old[..]);
    }
    assert_eq!(
        names(&out),
        ["alternates.csv", "remaining.csv", "selected.csv"]
    );
    // The in-memory path refuses them too.
    let map = TicketMap::read(&d.tickets).unwrap();
    let e = write_draw_csvs(&out, &map, &d.bundle, &options(false)).unwrap_err();
    assert_eq!(e.kind(), "OutputExists", "{e}");
}

#[test]
fn a_failed_streamed_write_leaves_no_temporary() {
    let dir = TempDir::new().unwrap();
    let p = dir.path().join("out.csv");
    let e = atomic::write_streamed(&p, Access::Private, Existing::Refuse, "a test", |w| {
        w.write_all(&vec![b'x'; 200_000]).unwrap();
        Err(FileError::Invalid {
            detail: "stopped".into(),
        })
    })
    .unwrap_err();
    assert!(e.to_string().contains("stopped"), "{e}");
    assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
    // Written whole, then refused without calling `fill`, then replaced.
    atomic::write_streamed(&p, Access::Public, Existing::Refuse, "a test", |w| {
        w.write_all(b"one").map_err(|e| FileError::io(&p, &e))
    })
    .unwrap();
    let e = atomic::write_streamed(&p, Access::Public, Existing::Refuse, "a test", |_| {
        panic!("not called")
    })
    .unwrap_err();
    assert_eq!(e.kind(), "OutputExists");
    atomic::write_streamed(&p, Access::Public, Existing::Replace, "a test", |w| {
        w.write_all(b"two").map_err(|e| FileError::io(&p, &e))
    })
    .unwrap();
    assert_eq!(read(&p), b"two");
    assert_eq!(names(dir.path()), ["out.csv"]);
    // A failed replacement leaves the old file.
    let _ = atomic::write_streamed(&p, Access::Public, Existing::Replace, "a test", |w| {
        w.write_all(b"three").unwrap();
        Err(FileError::Invalid {
            detail: "stopped".into(),
        })
    })
    .unwrap_err();
    assert_eq!(read(&p), b"two");
    assert_eq!(names(dir.path()), ["out.csv"]);
}

#[test]
fn a_pool_is_indexed_in_any_order() {
    let d = drawn(false, false);
    let mut reversed = d.bundle.pool.clone();
    reversed.reverse();
    let features = &d.bundle.manifest.features;
    for pool in [&d.bundle.pool, &reversed] {
        let compact = CompactPool::from_records(features, pool).unwrap();
        let in_memory = TicketIndex::new(pool.as_slice());
        let indexes: [&dyn PoolTickets; 2] = [&in_memory, &TicketIndex::new(&compact)];
        for index in indexes {
            assert_eq!(index.len(), 24);
            for (i, r) in pool.iter().enumerate() {
                assert_eq!(index.position(&r.ticket), Some(i));
                assert_eq!(index.ticket(i).as_deref(), Some(r.ticket.as_str()));
            }
            assert_eq!(index.position("nope"), None);
            assert_eq!(index.position(""), None);
            assert_eq!(index.ticket(24), None);
        }
    }
    let mut twice = reversed.clone();
    twice.push(reversed[3].clone());
    assert_eq!(
        TicketIndex::new(twice.as_slice()).position(&reversed[3].ticket),
        Some(3)
    );
    let empty: &[Record] = &[];
    assert_eq!(TicketIndex::new(empty).position("x"), None);
    assert!(TicketIndex::new(empty).is_empty());
}

#[test]
fn a_pool_of_one_ticket_repeated_is_indexed_in_linear_time() {
    // Every copy hashes alike, whatever the key: kept once, they do not make each insertion
    // walk all those before it (200,000 copies would take minutes).
    let d = drawn(false, false);
    let mut pool = vec![d.bundle.pool[0].clone(); 200_000];
    pool.push(d.bundle.pool[1].clone());
    let index = TicketIndex::new(pool.as_slice());
    assert_eq!(index.len(), 200_001);
    assert_eq!(index.position(&pool[0].ticket), Some(0));
    assert_eq!(index.position(&pool[200_000].ticket), Some(200_000));
    assert_eq!(index.position(&d.bundle.pool[2].ticket), None);
}
