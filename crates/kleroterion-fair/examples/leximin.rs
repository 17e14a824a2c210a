//! Computes LEXIMIN (or maximin) for a Panelot directory and prints one JSON line.
//!
//! `cargo run --release -p kleroterion-fair --example leximin -- <panelot-dir> <k> [--maximin]
//! [--digest] [--progress]`
//!
//! `<panelot-dir>` may also be `synthetic` (the 2,000-volunteer, 7-feature household instance
//! of the benchmarks), `synthetic-n <n>` (the same generator with `n` volunteers, for scaling
//! runs: `leximin synthetic-n 5000 110`) or `sortition-foundation` (the sortition-algorithms
//! fixture). `--time-limit=<seconds>` stops the run with an error after that long.
//! `--digest` replaces the timing with a hash of the whole distribution, for determinism checks.
//! `--seed=<s>` sets the seed of the `synthetic` generators (default 1). `--write-csv=<dir>`
//! also writes the instance in sortition-algorithms' formats, `<dir>/people.csv` (an `id`
//! column, one column per feature, and an `address` column shared by a household's members)
//! and `<dir>/features.csv` (`feature,value,min,max`), for side-by-side runs
//! (`benches/peer_maximin.sh`).

#[path = "../tests/common/mod.rs"]
mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use kleroterion_fair::{Instance, Options, Progress, leximin, maximin};

fn fnv(hash: &mut u64, bytes: &[u8]) {
    for &b in bytes {
        *hash ^= u64::from(b);
        *hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
}

/// A CSV field, quoted when it needs to be.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Writes `people.csv` and `features.csv` in sortition-algorithms' formats: ids `p0`, `p1`, ...
/// in pool order, one column per feature holding the value's name, and an `address` column
/// (`household-<h>` for the members of household `h`, `single-<i>` for everyone else).
fn write_csv(instance: &Instance, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut people = String::from("id");
    for f in &instance.features {
        write!(people, ",{}", field(&f.name)).unwrap();
    }
    people.push_str(",address\n");
    for (i, row) in instance.people.iter().enumerate() {
        write!(people, "p{i}").unwrap();
        for (f, &v) in instance.features.iter().zip(row) {
            write!(people, ",{}", field(&f.values[v as usize].value)).unwrap();
        }
        match instance.household(i) {
            Some(h) => writeln!(people, ",household-{h}").unwrap(),
            None => writeln!(people, ",single-{i}").unwrap(),
        }
    }
    std::fs::write(dir.join("people.csv"), people)?;
    let mut features = String::from("feature,value,min,max\n");
    for f in &instance.features {
        for v in &f.values {
            writeln!(
                features,
                "{},{},{},{}",
                field(&f.name),
                field(&v.value),
                v.min,
                v.max
            )
            .unwrap();
        }
    }
    std::fs::write(dir.join("features.csv"), features)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flags: Vec<&str> = args
        .iter()
        .filter(|a| a.starts_with("--"))
        .map(String::as_str)
        .collect();
    let pos: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let sized = pos.first().is_some_and(|p| p.as_str() == "synthetic-n");
    if pos.len() != 2 + usize::from(sized) {
        eprintln!(
            "usage: leximin <panelot-dir|synthetic|synthetic-n <n>|sortition-foundation> <k> [--maximin] [--digest] [--profile] [--progress] [--time-limit=<seconds>] [--seed=<s>] [--write-csv=<dir>]"
        );
        std::process::exit(2);
    }
    let k: u32 = pos[pos.len() - 1].parse().expect("k must be a number");
    let time_limit = flags
        .iter()
        .find_map(|f| f.strip_prefix("--time-limit="))
        .map(|s| std::time::Duration::from_secs_f64(s.parse().expect("seconds")));
    let seed: u64 = flags
        .iter()
        .find_map(|f| f.strip_prefix("--seed="))
        .map_or(1, |s| s.parse().expect("seed must be a number"));
    let instance = match pos[0].as_str() {
        "synthetic" => kleroterion_fair::synthetic::synthetic(2000, k, seed),
        "synthetic-n" => kleroterion_fair::synthetic::synthetic(
            pos[1].parse().expect("n must be a number"),
            k,
            seed,
        ),
        "sortition-foundation" => common::sortition_foundation(k),
        dir => common::panelot(Path::new(dir), k),
    };
    if let Some(dir) = flags.iter().find_map(|f| f.strip_prefix("--write-csv="))
        && let Err(e) = write_csv(&instance, Path::new(dir))
    {
        eprintln!("error: writing {dir}: {e}");
        std::process::exit(1);
    }
    let clock = Instant::now();
    let show = move |p: &Progress| {
        eprintln!(
            "{:8.3}s {:?} level {} fixed {}/{} panels {} value {:.6e} bound {:.6e}",
            clock.elapsed().as_secs_f64(),
            p.phase,
            p.level,
            p.fixed,
            p.people,
            p.panels,
            p.value,
            p.bound
        )
    };
    let mut options = Options::new();
    options.time_limit = time_limit;
    if flags.contains(&"--progress") {
        options = options.with_progress(show);
    }
    let start = Instant::now();
    let result = if flags.contains(&"--maximin") {
        maximin(&instance, &options)
    } else {
        leximin(&instance, &options)
    };
    let seconds = start.elapsed().as_secs_f64();
    let dist = match result {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let n = instance.people.len();
    if flags.contains(&"--profile") {
        let mut sorted = dist.probabilities.clone();
        sorted.sort_by(f64::total_cmp);
        println!("{sorted:?}");
        return;
    }
    if flags.contains(&"--digest") {
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        for (panel, w) in dist.panels.iter().zip(&dist.weights) {
            for p in panel {
                fnv(&mut h, &p.to_le_bytes());
            }
            fnv(&mut h, &w.to_bits().to_le_bytes());
        }
        for p in &dist.probabilities {
            fnv(&mut h, &p.to_bits().to_le_bytes());
        }
        println!(
            "{{\"n\":{n},\"k\":{k},\"min_probability\":{:?},\"panels\":{},\"digest\":\"{h:016x}\"}}",
            dist.report.min,
            dist.panels.len()
        );
    } else {
        println!(
            "{{\"n\":{n},\"k\":{k},\"min_probability\":{:?},\"seconds\":{seconds:.3},\"panels\":{}}}",
            dist.report.min,
            dist.panels.len()
        );
    }
}
