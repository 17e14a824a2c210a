//! The table of code points assigned in Unicode 14.0.0 (`src/unicode_assigned.rs`) against
//! the shared vector file `tests/vectors/unicode-14.0.0-assigned.txt`, which other verifiers
//! read. Both are written by `python3 scripts/gen_unicode_assigned.py` from Python 3.11's
//! `unicodedata`; this test checks that they agree on every code point but the surrogates.
//!
//! `is_assigned` is crate-private, so the generated module is compiled into this test too
//! (it uses `core` only).

#[path = "../src/unicode_assigned.rs"]
mod unicode_assigned;

use unicode_assigned::{UNICODE_VERSION, is_assigned};

const MAX_CODE_POINT: u32 = 0x10FFFF;

/// The file's ranges, checked for format: `FIRST..LAST`, uppercase hexadecimal with at least
/// 4 digits, sorted, disjoint, maximal, no surrogate.
fn ranges_from_file() -> Vec<(u32, u32)> {
    let path = format!(
        "{}/../../tests/vectors/unicode-{UNICODE_VERSION}-assigned.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let hex = |s: &str, line: usize| -> u32 {
        assert!(
            s.len() >= 4
                && s.bytes()
                    .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)),
            "line {line}: {s:?} is not uppercase hexadecimal with at least 4 digits"
        );
        u32::from_str_radix(s, 16).unwrap_or_else(|e| panic!("line {line}: {s:?}: {e}"))
    };
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if line.starts_with('#') {
            assert!(
                ranges.is_empty(),
                "line {line_no}: comment after the ranges"
            );
            continue;
        }
        let (first, last) = line
            .split_once("..")
            .unwrap_or_else(|| panic!("line {line_no}: {line:?} is not FIRST..LAST"));
        let (first, last) = (hex(first, line_no), hex(last, line_no));
        assert!(
            first <= last && last <= MAX_CODE_POINT,
            "line {line_no}: bad range {line:?}"
        );
        assert!(
            last < 0xD800 || first > 0xDFFF,
            "line {line_no}: {line:?} holds surrogates"
        );
        if let Some(&(_, previous_last)) = ranges.last() {
            assert!(
                previous_last + 1 < first,
                "line {line_no}: {line:?} is not sorted, disjoint and maximal"
            );
        }
        ranges.push((first, last));
    }
    ranges
}

#[test]
fn file_and_table_agree_on_every_code_point() {
    let ranges = ranges_from_file();
    // An empty or truncated file cannot pass (Unicode 14.0.0 has 698 ranges).
    assert!(
        ranges.len() >= 600,
        "only {} ranges in the file",
        ranges.len()
    );

    let mut in_file = vec![false; MAX_CODE_POINT as usize + 1];
    for &(first, last) in &ranges {
        in_file[first as usize..=last as usize].fill(true);
    }
    let mut checked = 0_u32;
    for cp in 0..=MAX_CODE_POINT {
        // `None` exactly for the surrogates, which neither side allows.
        let Some(c) = char::from_u32(cp) else {
            assert!(!in_file[cp as usize]);
            continue;
        };
        assert_eq!(
            in_file[cp as usize],
            is_assigned(c),
            "U+{cp:04X}: the file and the table of src/unicode_assigned.rs disagree"
        );
        checked += 1;
    }
    assert_eq!(checked, MAX_CODE_POINT + 1 - 0x800);
}

#[test]
fn file_header_names_the_version_and_source() {
    let path = format!(
        "{}/../../tests/vectors/unicode-{UNICODE_VERSION}-assigned.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let header: String = text
        .lines()
        .take_while(|l| l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(header.contains(&format!("Unicode {UNICODE_VERSION}")));
    assert!(header.contains("scripts/gen_unicode_assigned.py"));
    let count = ranges_from_file().len();
    assert!(header.contains(&format!("# Ranges: {count}")));
}
