//! The NFC check of `kleroterion::text` (SPEC.md section 3) against the check it replaced:
//! `unicode-normalization`'s quick check, then its `nfc()` iterator compared with the text
//! when the quick check answers `Maybe`. `text::is_nfc` recomposes with the canonical
//! mappings alone (so that the WebAssembly build does not carry the compatibility tables);
//! the texts it accepts and refuses must be exactly the same as before.

use kleroterion::text::{TextKind, check, is_nfc, to_nfc};
use unicode_normalization::char::{canonical_combining_class, decompose_canonical};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// The check as it was.
fn previous_is_nfc(text: &str) -> bool {
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => true,
        IsNormalized::No => false,
        IsNormalized::Maybe => text.nfc().eq(text.chars()),
    }
}

fn same(text: &str) -> bool {
    let new = is_nfc(text);
    let old = previous_is_nfc(text);
    assert_eq!(
        new,
        old,
        "is_nfc differs on {:?} ({:04X?})",
        text,
        text.chars().map(u32::from).collect::<Vec<_>>()
    );
    new
}

fn all_chars() -> impl Iterator<Item = char> {
    (0..=0x10FFFF_u32).filter_map(char::from_u32)
}

fn quick(c: char) -> IsNormalized {
    is_nfc_quick(core::iter::once(c))
}

fn decomposition(c: char) -> Vec<char> {
    let mut d = Vec::new();
    decompose_canonical(c, |x| d.push(x));
    d
}

/// The characters that matter to NFC, from the public lookups of `unicode-normalization`.
struct Sets {
    /// NFC_Quick_Check = No.
    no: Vec<char>,
    /// NFC_Quick_Check = Maybe.
    maybe: Vec<char>,
    /// Non-starters (canonical combining class other than 0).
    marks: Vec<char>,
    /// Characters with a canonical decomposition other than themselves.
    composites: Vec<char>,
    /// Starters that begin a canonical decomposition.
    bases: Vec<char>,
}

fn sets() -> Sets {
    let mut s = Sets {
        no: Vec::new(),
        maybe: Vec::new(),
        marks: Vec::new(),
        composites: Vec::new(),
        bases: Vec::new(),
    };
    for c in all_chars() {
        match quick(c) {
            IsNormalized::No => s.no.push(c),
            IsNormalized::Maybe => s.maybe.push(c),
            IsNormalized::Yes => {}
        }
        if canonical_combining_class(c) != 0 {
            s.marks.push(c);
        }
        let d = decomposition(c);
        // Hangul syllables decompose by rule: `hangul()` gives a few of them.
        if d != [c] && !('\u{AC00}'..='\u{D7A3}').contains(&c) {
            s.composites.push(c);
            if let Some(&b) = d.first()
                && canonical_combining_class(b) == 0
            {
                s.bases.push(b);
            }
        }
    }
    s.bases.sort_unstable();
    s.bases.dedup();
    s
}

/// Hangul: leading consonants, vowels, trailing consonants and a few syllables (LV and LVT).
fn hangul() -> Vec<char> {
    let mut h: Vec<char> = (0x1100..=0x1113)
        .chain(0x1160..=0x1176)
        .chain(0x11A7..=0x11C3)
        .chain([0xAC00, 0xAC01, 0xAC1B, 0xAC1C, 0xD788, 0xD7A3, 0xD7A4])
        .filter_map(char::from_u32)
        .collect();
    h.extend(['a', 'e', '\u{301}', '\u{3099}', '\u{309A}']);
    h
}

#[test]
fn every_code_point_alone() {
    let mut refused = 0;
    let mut s = String::new();
    for c in all_chars() {
        s.clear();
        s.push(c);
        if !same(&s) {
            refused += 1;
        }
    }
    // NFC_Quick_Check = No characters are the ones refused alone (a Maybe character alone
    // composes with nothing).
    assert_eq!(refused, sets().no.len());
}

#[test]
fn every_no_and_maybe_character_after_bases_and_marks() {
    let s = sets();
    assert!(s.maybe.len() > 100, "{} Maybe characters", s.maybe.len());
    assert!(s.no.len() > 1000, "{} No characters", s.no.len());
    // Short prefixes: nothing, bases followed by marks of several classes.
    let mut short: Vec<String> = vec![String::new()];
    let few_marks = [
        '\u{300}', '\u{301}', '\u{316}', '\u{323}', '\u{327}', '\u{345}', '\u{5B0}',
    ];
    for &b in &[
        'a', 'A', 'e', 'o', 'u', '\u{3B1}', '\u{3C9}', '\u{415}', '\u{1EA1}', '\u{CA}',
    ] {
        short.push(b.to_string());
        for &m in &few_marks {
            short.push([b, m].iter().collect());
        }
    }
    // Every base and composite as a prefix as well, for the Maybe characters.
    let mut long = short.clone();
    for &b in s.bases.iter().chain(&s.composites).chain(&hangul()) {
        long.push(b.to_string());
    }
    let mut text = String::new();
    let mut n = 0_u64;
    for (prefixes, chars) in [(&long, &s.maybe), (&short, &s.no)] {
        for p in prefixes {
            for &c in chars {
                text.clear();
                text.push_str(p);
                text.push(c);
                same(&text);
                text.push('\u{301}');
                same(&text);
                n += 2;
            }
        }
    }
    assert!(n > 1_000_000, "{n} texts");
}

#[test]
fn every_composite_and_base_followed_by_every_mark() {
    let s = sets();
    let mut text = String::new();
    let firsts: Vec<char> = s
        .composites
        .iter()
        .chain(&s.bases)
        .chain(&hangul())
        .copied()
        .collect();
    for &a in &firsts {
        for &m in s.marks.iter().chain(&s.maybe) {
            text.clear();
            text.push(a);
            text.push(m);
            same(&text);
        }
    }
}

#[test]
fn every_pair_of_maybe_and_marks() {
    let s = sets();
    let mut chars: Vec<char> = s.maybe.iter().chain(&s.marks).copied().collect();
    chars.extend(hangul());
    chars.sort_unstable();
    chars.dedup();
    let mut text = String::new();
    for &base in &['a', '\u{3B7}', '\u{1100}'] {
        for &x in &chars {
            for &y in &chars {
                text.clear();
                text.push(base);
                text.push(x);
                text.push(y);
                same(&text);
            }
        }
    }
}

/// The project's one test generator (a fixed sequence, so the test is the same on every run),
/// included by path: the core's tests do not depend on the fair crate.
#[path = "../../kleroterion-fair/src/splitmix.rs"]
mod splitmix;

/// Indices drawn from the shared generator.
struct Picks(splitmix::SplitMix64);

impl Picks {
    fn below(&mut self, n: usize) -> usize {
        self.0.below(n as u64) as usize
    }
}

#[test]
fn random_sequences_of_the_characters_that_matter() {
    let s = sets();
    let mut pool: Vec<char> = s
        .maybe
        .iter()
        .chain(&s.no)
        .chain(&s.marks)
        .chain(&s.composites)
        .chain(&s.bases)
        .copied()
        .collect();
    pool.extend(hangul());
    pool.extend("aeiouAEIOU-' ".chars());
    let mut rng = Picks(splitmix::SplitMix64::new(0x6b6c_6572_6f74_6572));
    let mut text = String::new();
    let (mut accepted, mut refused) = (0_u32, 0_u32);
    for _ in 0..400_000 {
        text.clear();
        for _ in 0..1 + rng.below(7) {
            text.push(pool[rng.below(pool.len())]);
        }
        if same(&text) {
            accepted += 1;
        } else {
            refused += 1;
        }
        // The NFC form of any text is accepted.
        let nfc = to_nfc(&text);
        assert!(is_nfc(&nfc), "to_nfc({text:?}) = {nfc:?} is refused");
        same(&nfc);
    }
    assert!(
        accepted > 10_000 && refused > 10_000,
        "{accepted} accepted, {refused} refused"
    );
}

#[test]
fn check_accepts_and_refuses_as_before() {
    for (text, nfc) in [
        ("Montpellier", true),
        ("Hérault", true),
        ("He\u{301}rault", false),
        ("\u{1E0B}\u{323}", false),
        ("\u{1E0D}\u{307}", true),
        ("\u{E9}\u{327}", false),
        ("\u{229}\u{301}", true),
        ("\u{1100}\u{1161}", false),
        ("\u{AC00}\u{11A8}", false),
        ("\u{AC01}", true),
        ("\u{300}a", true),
        ("a\u{340}", false),
        ("\u{0B47}\u{0B3E}", false),
        ("\u{0B4B}", true),
    ] {
        assert_eq!(same(text), nfc, "{text:?}");
        assert_eq!(
            check(text, TextKind::Name, || "t".into()).is_ok(),
            nfc,
            "{text:?}"
        );
    }
}
