//! Scale benchmark: commit and draw stage-1 invitations from a national electoral roll.
//!
//! ```sh
//! cargo run --release -p kleroterion-cli --example national_roll -- \
//!     --records 10000000 --communes 35000 --invitations 50000
//! ```
//!
//! What it does, phase by phase (each phase prints its wall time, the process's resident memory
//! and its peak resident memory so far, from `/proc/self/status`):
//!
//! 1. `generate`: writes a synthetic roll deterministically to `roll.csv` in a temporary folder
//!    (or `--dir`): `id,surname,given_name,birth_year,commune`, one row a voter, communes with
//!    skewed, log-normal sizes (median about a quarter of the mean, as French communes), rows
//!    grouped by commune as a concatenated national list is. Also writes `quotas.csv`
//!    (`feature,value,min,max`, one row a commune) so that the same files can be given to
//!    `kleroterion commit`.
//! 2. `commit`: reads the CSV back **streaming** (the `csv` crate, one reused record), derives each
//!    ticket as `HMAC-SHA256(key, "ticket" 0x00 id)` exactly as `kleroterion-files` does
//!    (`TicketSource::Keyed`), hashes each record's Merkle leaf with the core's
//!    `merkle::leaf_hash` into `merkle::RootBuilder` (O(log n) memory), and keeps only 12 bytes a
//!    voter: the ticket (8 bytes) and the commune index (4 bytes). Then it checks that tickets are
//!    unique, builds and validates the manifest (one feature `commune`, 35,000 values, method
//!    `stratified` with largest remainder) and computes the commitment.
//! 3. `reveal`: a committed lottery source and its numbers; the seed.
//! 4. `draw`: the stratified draw with the core's own primitives
//!    (`methods::stratified::allocate`, `sampling::sample`, `stream::Stream` per stratum) on a
//!    flat, compact index of the strata, and the alternates with `sampling::Permutation` on the
//!    `alternates` stream, exactly as SPEC.md sections 9.2 and 10.1 say; then the transcript.
//!    With `--core`, the same draw is run again through the core's public `kleroterion::draw`
//!    on a `Vec<Record>` (what that API takes) and the transcripts must be equal: that shows
//!    the compact path is the protocol, and measures what the core's types cost.
//! 5. `write`: a second streaming pass over the CSV writes `selected.csv` and `alternates.csv`
//!    (the organiser's rows with the ticket and position) and, unless `--no-bundle`, the bundle
//!    `bundle.json` streamed record by record (the pool is never held as `Record`s).
//!
//! A second mode writes the synthetic volunteer pools used to measure LEXIMIN as the pool grows
//! (`kleroterion fair` reads them):
//!
//! ```sh
//! cargo run --release -p kleroterion-cli --example national_roll -- --volunteers 5000 --panel 110 --dir DIR
//! kleroterion fair --people DIR/people.csv --quotas DIR/quotas.csv --size 110 --household address
//! ```
//!
//! It writes the pool of `kleroterion_fair::synthetic::synthetic(n, k, 1)` (the `synthetic`
//! instance of the fair crate's `leximin` example and benchmark, fixed there at 2,000
//! volunteers): 7 features with skewed response
//! rates, about a tenth of the volunteers in two-person households (same `address`), quotas
//! proportional to a target population with 15% slack.
//!
//! Options: `--records N` (10,000,000), `--communes C` (35,000), `--invitations K` (50,000),
//! `--alternates A` (1,000), `--dir DIR` (keep the files there; default a temporary folder,
//! removed at the end), `--no-bundle`, `--core`, `--in-memory` (generate the roll in memory
//! instead of through the CSV file: skips phase 1's file and the CSV parsing, for comparison).

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use kleroterion::draw::{Outcome, transcript};
use kleroterion::merkle::{RootBuilder, leaf_hash};
use kleroterion::methods::stratified::allocate;
use kleroterion::sampling::{Permutation, sample};
use kleroterion::stream::{Purpose, Stream};
use kleroterion::{
    Allocation, Digest, Feature, Manifest, Method, PoolCommitment, Recipe, Record, Reveal,
    SPEC_VERSION, SourceSpec, ValueQuota,
};
use kleroterion_fair::synthetic::SplitMix64;

type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

/// The secret key of the tickets in this benchmark (an organiser keeps theirs secret).
const TICKET_KEY: &[u8] = b"national-roll-benchmark-ticket-key";

struct Args {
    records: u32,
    communes: u32,
    invitations: u32,
    alternates: u32,
    dir: Option<PathBuf>,
    bundle: bool,
    core: bool,
    in_memory: bool,
    volunteers: Option<usize>,
    panel: u32,
}

fn parse_args() -> Fallible<Args> {
    let mut a = Args {
        records: 10_000_000,
        communes: 35_000,
        invitations: 50_000,
        alternates: 1_000,
        dir: None,
        bundle: true,
        core: false,
        in_memory: false,
        volunteers: None,
        panel: 110,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--records" => a.records = value()?.replace('_', "").parse()?,
            "--communes" => a.communes = value()?.replace('_', "").parse()?,
            "--invitations" => a.invitations = value()?.replace('_', "").parse()?,
            "--alternates" => a.alternates = value()?.replace('_', "").parse()?,
            "--dir" => a.dir = Some(PathBuf::from(value()?)),
            "--no-bundle" => a.bundle = false,
            "--core" => a.core = true,
            "--in-memory" => a.in_memory = true,
            "--volunteers" => a.volunteers = Some(value()?.replace('_', "").parse()?),
            "--panel" => a.panel = value()?.parse()?,
            other => return Err(format!("unknown option {other}").into()),
        }
    }
    if a.volunteers.is_some() {
        return Ok(a);
    }
    if a.communes == 0 || a.communes > a.records || a.invitations == 0 || a.invitations > a.records
    {
        return Err("need 1 <= communes <= records and 1 <= invitations <= records".into());
    }
    Ok(a)
}

// ---------------------------------------------------------------------------------------------
// Measuring.

/// `(VmRSS, VmHWM)` in MiB, from `/proc/self/status` (zeros where it does not exist).
fn memory() -> (f64, f64) {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

struct Phases {
    start: Instant,
    last: Instant,
    rows: Vec<(String, f64, f64, f64)>,
}

impl Phases {
    fn new() -> Self {
        let now = Instant::now();
        Self {
            start: now,
            last: now,
            rows: Vec::new(),
        }
    }

    fn done(&mut self, name: &str, detail: &str) {
        let now = Instant::now();
        let secs = (now - self.last).as_secs_f64();
        self.last = now;
        let (rss, hwm) = memory();
        eprintln!("{name:<10} {secs:8.2} s   rss {rss:8.1} MiB   peak {hwm:8.1} MiB   {detail}");
        self.rows.push((name.into(), secs, rss, hwm));
    }
}

// ---------------------------------------------------------------------------------------------
// The synthetic roll.

/// A uniform number in (0, 1), from 53 random bits.
fn unit(rng: &mut SplitMix64) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

/// A standard normal number (Box-Muller).
fn normal(rng: &mut SplitMix64) -> f64 {
    let (u, v) = (unit(rng), unit(rng));
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

/// Commune sizes summing to `n`, each at least 1: log-normal with sigma 1.7 (median/mean about
/// 0.24, as for French communes), so a few communes hold hundreds of thousands of voters and
/// thousands hold a few dozen.
fn commune_sizes(n: u32, communes: u32) -> Vec<u32> {
    let mut rng = SplitMix64::new(0x6b6c_6572_6f74_6572);
    let weights: Vec<f64> = (0..communes)
        .map(|_| (1.7 * normal(&mut rng)).exp())
        .collect();
    let total: f64 = weights.iter().sum();
    let spare = f64::from(n - communes);
    let mut sizes: Vec<u32> = weights
        .iter()
        .map(|w| 1 + (spare * w / total).floor() as u32)
        .collect();
    let mut given: u64 = sizes.iter().map(|&s| u64::from(s)).sum();
    // Hand out what rounding left, to the largest communes first.
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]));
    let mut i = 0;
    while given < u64::from(n) {
        sizes[order[i % order.len()]] += 1;
        given += 1;
        i += 1;
    }
    sizes
}

fn commune_code(c: u32) -> String {
    format!("{:05}", c + 1)
}

const SURNAMES: [&str; 16] = [
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "Garcia",
];
const GIVEN: [&str; 16] = [
    "Marie",
    "Jean",
    "Nathalie",
    "Pierre",
    "Isabelle",
    "Michel",
    "Sylvie",
    "Philippe",
    "Catherine",
    "Alain",
    "Camille",
    "Lucas",
    "Léa",
    "Hugo",
    "Chloé",
    "Nour",
];

/// Writes `roll.csv` and `quotas.csv`; returns the commune sizes.
fn generate(dir: &Path, n: u32, communes: u32, k: u32) -> Fallible<Vec<u32>> {
    let sizes = commune_sizes(n, communes);
    let mut rng = SplitMix64::new(42);
    let mut w = BufWriter::with_capacity(1 << 20, File::create(dir.join("roll.csv"))?);
    writeln!(w, "id,surname,given_name,birth_year,commune")?;
    let mut id = 0u64;
    for (c, &size) in sizes.iter().enumerate() {
        let code = commune_code(c as u32);
        for _ in 0..size {
            id += 1;
            let r = rng.next_u64();
            writeln!(
                w,
                "FR{:09},{},{},{},{code}",
                id * 7 + 1_000_000,
                SURNAMES[(r & 15) as usize],
                GIVEN[((r >> 4) & 15) as usize],
                1930 + (r >> 8) % 78
            )?;
        }
    }
    w.flush()?;
    let mut q = BufWriter::new(File::create(dir.join("quotas.csv"))?);
    writeln!(q, "feature,value,min,max")?;
    for c in 0..communes {
        writeln!(q, "commune,{},0,{k}", commune_code(c))?;
    }
    q.flush()?;
    Ok(sizes)
}

// ---------------------------------------------------------------------------------------------
// Tickets.

/// The ticket derivation of `kleroterion_files::tickets` (`TicketSource::Keyed`), without
/// allocating a `String` a voter.
struct TicketKey(kleroterion::TicketKey);

fn ticket_key() -> Fallible<TicketKey> {
    Ok(TicketKey(kleroterion::TicketKey::from_bytes(TICKET_KEY)?))
}

impl TicketKey {
    /// The first 8 bytes of `HMAC-SHA256(key, "ticket" 0x00 id)`.
    fn ticket_bytes(&self, id: &[u8], _scratch: &mut Vec<u8>) -> [u8; 8] {
        self.0
            .code("ticket", std::str::from_utf8(id).unwrap_or_default())
    }

    /// The record's `holder`. This example keeps no ids after the commit, so a person's
    /// receipt secret is derived from their ticket (under the same secret key) rather than from
    /// their id: it can be made again whenever the record is written.
    fn holder(&self, ticket: &str) -> Digest {
        kleroterion::tickets::holder_of(&self.0.secret(ticket))
    }
}

/// `XXXX-XXXX-XXXX-XXXX`, as `kleroterion_files::tickets::format_code`, into a reused string.
fn format_ticket(bytes: [u8; 8], out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.clear();
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 2 == 0 {
            out.push('-');
        }
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
}

// ---------------------------------------------------------------------------------------------
// Commit: one streaming pass.

/// What the commit keeps of the roll: 12 bytes a voter.
struct Compact {
    /// Ticket bytes, in pool order.
    tickets: Vec<u64>,
    /// Commune index (the value's position in the feature), in pool order.
    commune: Vec<u32>,
    root: Digest,
}

fn roll_reader(path: &Path) -> Fallible<csv::Reader<File>> {
    Ok(csv::ReaderBuilder::new()
        .buffer_capacity(1 << 20)
        .from_path(path)?)
}

/// Column positions of `id` and `commune` in the header.
fn columns(r: &mut csv::Reader<File>) -> Fallible<(usize, usize)> {
    let h = r.byte_headers()?.clone();
    let find = |name: &[u8]| {
        h.iter()
            .position(|c| c == name)
            .ok_or_else(|| format!("no column {}", String::from_utf8_lossy(name)))
    };
    Ok((find(b"id")?, find(b"commune")?))
}

/// Accumulates the records one at a time.
struct Committer<'a> {
    lookup: HashMap<&'a [u8], u32>,
    names: &'a [String],
    hmac: TicketKey,
    scratch: Vec<u8>,
    record: Record,
    builder: RootBuilder,
    tickets: Vec<u64>,
    commune: Vec<u32>,
}

impl<'a> Committer<'a> {
    fn new(names: &'a [String], n: usize) -> Self {
        Self {
            lookup: names
                .iter()
                .enumerate()
                .map(|(i, s)| (s.as_bytes(), i as u32))
                .collect(),
            names,
            hmac: ticket_key().unwrap_or_else(|e| panic!("{e}")),
            scratch: Vec::with_capacity(64),
            record: Record {
                link: None,
                seal: None,
                ticket: String::with_capacity(19),
                values: vec![String::with_capacity(16)],
                household: None,
                holder: Digest::from_array([0; 32]),
            },
            builder: RootBuilder::new(),
            tickets: Vec::with_capacity(n),
            commune: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, line: u64, id: &[u8], commune: &[u8]) -> Fallible<()> {
        let c = *self.lookup.get(commune).ok_or_else(|| {
            format!(
                "line {line}: unknown commune \"{}\"",
                String::from_utf8_lossy(commune)
            )
        })?;
        let t = self.hmac.ticket_bytes(id, &mut self.scratch);
        format_ticket(t, &mut self.record.ticket);
        self.record.holder = self.hmac.holder(&self.record.ticket);
        self.record.values[0].clear();
        self.record.values[0].push_str(&self.names[c as usize]);
        self.builder.push(leaf_hash(&self.record)?);
        self.tickets.push(u64::from_be_bytes(t));
        self.commune.push(c);
        Ok(())
    }

    fn finish(self) -> Fallible<Compact> {
        let root = self.builder.root().ok_or("the roll is empty")?;
        Ok(Compact {
            tickets: self.tickets,
            commune: self.commune,
            root,
        })
    }
}

fn commit_from_csv(path: &Path, names: &[String], n: usize) -> Fallible<Compact> {
    let mut reader = roll_reader(path)?;
    let (id_col, commune_col) = columns(&mut reader)?;
    let mut c = Committer::new(names, n);
    let mut rec = csv::ByteRecord::new();
    let mut line = 1u64;
    while reader.read_byte_record(&mut rec)? {
        line += 1;
        let (Some(id), Some(commune)) = (rec.get(id_col), rec.get(commune_col)) else {
            return Err(format!("line {line}: missing column").into());
        };
        c.push(line, id, commune)?;
    }
    c.finish()
}

fn commit_in_memory(sizes: &[u32], names: &[String], n: usize) -> Fallible<Compact> {
    let mut c = Committer::new(names, n);
    let mut id = 0u64;
    let mut buf = String::new();
    for (commune, &size) in sizes.iter().enumerate() {
        for _ in 0..size {
            id += 1;
            buf.clear();
            use std::fmt::Write as _;
            write!(buf, "FR{:09}", id * 7 + 1_000_000)?;
            c.push(id + 1, buf.as_bytes(), names[commune].as_bytes())?;
        }
    }
    c.finish()
}

// ---------------------------------------------------------------------------------------------
// Draw with the core's primitives on a compact pool.

/// SPEC.md 9.2 (stratified) and 10.1 (alternates, household rule off) on commune indices.
fn draw_compact(manifest: &Manifest, commune: &[u32], seed: &Digest) -> Fallible<Outcome> {
    let Method::Stratified { allocation, .. } = &manifest.method else {
        return Err("the benchmark draws with the stratified method".into());
    };
    let values = manifest.features[0].values.len();
    // Counting sort: the members of each stratum, in pool order, in one flat array.
    let mut start = vec![0u32; values + 1];
    for &c in commune {
        start[c as usize + 1] += 1;
    }
    for s in 0..values {
        start[s + 1] += start[s];
    }
    let sizes: Vec<u32> = (0..values).map(|s| start[s + 1] - start[s]).collect();
    let mut fill = start.clone();
    let mut members = vec![0u32; commune.len()];
    for (i, &c) in commune.iter().enumerate() {
        members[fill[c as usize] as usize] = i as u32;
        fill[c as usize] += 1;
    }
    drop(fill);
    let names: Vec<&str> = manifest.features[0]
        .values
        .iter()
        .map(|v| v.value.as_str())
        .collect();
    let seats = allocate(allocation, &sizes, manifest.panel_size, &names)?;
    let mut selected = Vec::with_capacity(manifest.panel_size as usize);
    for (s, &a) in seats.iter().enumerate() {
        if a == 0 {
            continue;
        }
        let m = &members[start[s] as usize..start[s + 1] as usize];
        let mut stream = Stream::new(seed, Purpose::Stratum, s as u32);
        selected.extend(
            sample(&mut stream, m.len() as u32, a)
                .into_iter()
                .map(|i| m[i as usize]),
        );
    }
    drop(members);
    // Alternates: the unselected, in pool order, shuffled lazily on the alternates stream.
    let mut taken = vec![false; commune.len()];
    for &s in &selected {
        taken[s as usize] = true;
    }
    let candidates: Vec<u32> = (0..commune.len() as u32)
        .filter(|&i| !taken[i as usize])
        .collect();
    drop(taken);
    let mut perm = Permutation::new(candidates.len() as u32);
    let mut stream = Stream::new(seed, Purpose::Alternates, 0);
    let alternates = (0..manifest.alternates)
        .map_while(|_| perm.next(&mut stream).map(|j| candidates[j as usize]))
        .collect();
    Ok(Outcome {
        selected,
        alternates,
        rejections: None,
    })
}

// ---------------------------------------------------------------------------------------------
// Outputs.

/// Writes the bundle JSON with the pool streamed from the compact arrays.
#[allow(clippy::too_many_arguments)]
fn write_bundle(
    path: &Path,
    manifest: &Manifest,
    commitment: &Digest,
    compact: &Compact,
    reveal: &Reveal,
    seed: &Digest,
    outcome: &Outcome,
    transcript: &Digest,
) -> Fallible<u64> {
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let quoted: Vec<String> = manifest.features[0]
        .values
        .iter()
        .map(|v| serde_json::to_string(&v.value))
        .collect::<Result<_, _>>()?;
    write!(
        w,
        "{{\"format\":\"kleroterion-bundle\",\"spec\":\"{SPEC_VERSION}\",\"manifest\":"
    )?;
    serde_json::to_writer(&mut w, manifest)?;
    write!(w, ",\"commitment\":\"{commitment}\",\"pool\":[")?;
    let key = ticket_key()?;
    let mut t = String::with_capacity(19);
    for (i, (&ticket, &c)) in compact.tickets.iter().zip(&compact.commune).enumerate() {
        format_ticket(ticket.to_be_bytes(), &mut t);
        if i > 0 {
            w.write_all(b",\n")?;
        }
        write!(
            w,
            "{{\"ticket\":\"{t}\",\"values\":[{}],\"household\":null,\"holder\":\"{}\"}}",
            quoted[c as usize],
            key.holder(&t)
        )?;
    }
    write!(w, "],\"reveal\":")?;
    serde_json::to_writer(&mut w, reveal)?;
    write!(w, ",\"seed\":\"{seed}\",\"result\":{{\"selected\":[")?;
    for (list, last) in [(&outcome.selected, false), (&outcome.alternates, true)] {
        for (i, &p) in list.iter().enumerate() {
            format_ticket(compact.tickets[p as usize].to_be_bytes(), &mut t);
            write!(w, "{}\"{t}\"", if i > 0 { "," } else { "" })?;
        }
        if !last {
            write!(w, "],\"alternates\":[")?;
        }
    }
    writeln!(w, "]}},\"transcript\":\"{transcript}\"}}")?;
    w.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

/// Second pass over the roll: the organiser's rows of the selected and the alternates.
fn write_lists(dir: &Path, roll: &Path, compact: &Compact, outcome: &Outcome) -> Fallible<()> {
    // (pool index, list, 1-based position), sorted by pool index for the sequential pass.
    let mut wanted: Vec<(u32, u8, u32)> = outcome
        .selected
        .iter()
        .enumerate()
        .map(|(i, &p)| (p, 0u8, i as u32 + 1))
        .chain(
            outcome
                .alternates
                .iter()
                .enumerate()
                .map(|(i, &p)| (p, 1u8, i as u32 + 1)),
        )
        .collect();
    wanted.sort_unstable();
    let mut rows: [Vec<(u32, Vec<u8>)>; 2] = [Vec::new(), Vec::new()];
    let mut reader = roll_reader(roll)?;
    let header = reader.byte_headers()?.clone();
    let mut rec = csv::ByteRecord::new();
    let mut index = 0u32;
    let mut next = wanted.iter().peekable();
    let mut t = String::new();
    while let Some(&&(p, list, pos)) = next.peek() {
        if !reader.read_byte_record(&mut rec)? {
            return Err("the roll changed between the two passes".into());
        }
        if index == p {
            format_ticket(compact.tickets[p as usize].to_be_bytes(), &mut t);
            let mut w = csv::Writer::from_writer(Vec::new());
            let mut out = csv::ByteRecord::new();
            out.push_field(pos.to_string().as_bytes());
            out.push_field(t.as_bytes());
            out.extend(rec.iter());
            w.write_byte_record(&out)?;
            rows[list as usize].push((pos, w.into_inner()?));
            next.next();
        }
        index += 1;
    }
    for (list, name) in [(0usize, "selected.csv"), (1, "alternates.csv")] {
        let mut w = BufWriter::new(File::create(dir.join(name))?);
        let mut h = csv::Writer::from_writer(Vec::new());
        let mut out = csv::ByteRecord::new();
        out.push_field(b"position");
        out.push_field(b"ticket");
        out.extend(header.iter());
        h.write_byte_record(&out)?;
        w.write_all(&h.into_inner()?)?;
        rows[list].sort_unstable_by_key(|r| r.0);
        for (_, bytes) in &rows[list] {
            w.write_all(bytes)?;
        }
        w.flush()?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Synthetic volunteer pools for LEXIMIN (`kleroterion_fair::synthetic`, written as CSV).

/// Writes `people.csv` (`id`, the 7 features, `address`) and `quotas.csv`.
fn write_volunteers(dir: &Path, n: usize, k: u32) -> Fallible<()> {
    std::fs::create_dir_all(dir)?;
    let pool = kleroterion_fair::synthetic::synthetic(n, k, 1);
    let mut q = BufWriter::new(File::create(dir.join("quotas.csv"))?);
    writeln!(q, "feature,value,min,max")?;
    for f in &pool.features {
        for v in &f.values {
            writeln!(q, "{},{},{},{}", f.name, v.value, v.min, v.max)?;
        }
    }
    q.flush()?;
    let mut w = BufWriter::new(File::create(dir.join("people.csv"))?);
    write!(w, "id")?;
    for f in &pool.features {
        write!(w, ",{}", f.name)?;
    }
    writeln!(w, ",address")?;
    for (i, person) in pool.people.iter().enumerate() {
        write!(w, "v{}", i + 1)?;
        for (f, &v) in pool.features.iter().zip(person) {
            write!(w, ",{}", f.values[v as usize].value)?;
        }
        match pool.household(i) {
            Some(h) => writeln!(w, ",{h} Household Lane")?,
            None => writeln!(w, ",")?,
        }
    }
    w.flush()?;
    let next_household = pool.households.iter().flatten().max().map_or(0, |h| h + 1);
    eprintln!(
        "{n} volunteers ({next_household} two-person households), panel {k}: {}",
        dir.display()
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------

fn main() -> Fallible<()> {
    let args = parse_args()?;
    if let Some(v) = args.volunteers {
        let dir = args.dir.clone().ok_or("--volunteers needs --dir")?;
        return write_volunteers(&dir, v, args.panel);
    }
    let n = args.records;
    let k = args.invitations;
    let tmp;
    let dir = match &args.dir {
        Some(d) => {
            std::fs::create_dir_all(d)?;
            d.clone()
        }
        None => {
            tmp = std::env::temp_dir().join(format!("national-roll-{}", std::process::id()));
            std::fs::create_dir_all(&tmp)?;
            tmp.clone()
        }
    };
    eprintln!(
        "national roll: {n} records, {} communes, {k} invitations, {} alternates, {} path, folder {}",
        args.communes,
        args.alternates,
        if args.in_memory { "in-memory" } else { "CSV" },
        dir.display()
    );
    let mut phases = Phases::new();
    let names: Vec<String> = (0..args.communes).map(commune_code).collect();

    // 1. generate
    let roll = dir.join("roll.csv");
    let sizes = if args.in_memory {
        commune_sizes(n, args.communes)
    } else {
        generate(&dir, n, args.communes, k)?
    };
    {
        let mut s = sizes.clone();
        s.sort_unstable();
        let detail = format!(
            "commune sizes: min {}, median {}, mean {}, max {}{}",
            s[0],
            s[s.len() / 2],
            n / args.communes,
            s[s.len() - 1],
            if args.in_memory {
                String::new()
            } else {
                format!(
                    ", roll.csv {} MB",
                    std::fs::metadata(&roll)?.len() / 1_000_000
                )
            }
        );
        phases.done("generate", &detail);
    }
    let commit_start = Instant::now();

    // 2. commit
    let compact = if args.in_memory {
        commit_in_memory(&sizes, &names, n as usize)?
    } else {
        commit_from_csv(&roll, &names, n as usize)?
    };
    if compact.tickets.len() != n as usize {
        return Err(format!("read {} records, expected {n}", compact.tickets.len()).into());
    }
    {
        // The example's HMAC agrees with the files crate's ticket derivation.
        let first =
            kleroterion_files::TicketSource::Keyed(kleroterion::TicketKey::from_bytes(TICKET_KEY)?)
                .ticket(&format!("FR{:09}", 7 + 1_000_000))?;
        let mut mine = String::new();
        format_ticket(compact.tickets[0].to_be_bytes(), &mut mine);
        assert_eq!(
            first, mine,
            "ticket derivation differs from kleroterion-files"
        );
    }
    phases.done("read+hash", &format!("root {}", compact.root));
    let mut sorted = compact.tickets.clone();
    sorted.sort_unstable();
    if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!("duplicate ticket {:016X}", w[0]).into());
    }
    drop(sorted);
    let manifest = Manifest::new(
        "National roll, stage-1 invitations (benchmark)",
        Method::Stratified {
            feature: "commune".into(),
            allocation: Allocation::LargestRemainder,
        },
        k,
        vec![Feature {
            name: "commune".into(),
            values: names
                .iter()
                .map(|v| ValueQuota {
                    value: v.clone(),
                    min: 0,
                    max: k,
                })
                .collect(),
        }],
        PoolCommitment {
            root: compact.root,
            count: n,
        },
    )
    .with_announced_at("2026-11-30T12:00:00Z")
    .with_alternates(args.alternates)
    .with_household_rule(false)
    .with_randomness(Recipe {
        sources: vec![SourceSpec::Lottery {
            lottery: "euromillions".into(),
            date: "2026-12-01".into(),
            format: None,
            draw_at: None,
        }],
        fallback: kleroterion::Fallback::NextValue,
    })
    .with_purpose(kleroterion::Purpose::Official);
    manifest.validate()?;
    let commitment = manifest.commitment()?;
    std::fs::write(dir.join("manifest.json"), manifest.to_json()?)?;
    phases.done(
        "manifest",
        &format!("tickets unique; commitment {commitment}"),
    );
    let commit_secs = commit_start.elapsed().as_secs_f64();

    // 3. reveal
    let draw_start = Instant::now();
    let reveal = Reveal::from_json(
        r#"{"sources":[{"kind":"lottery","lottery":"euromillions","main":[7,18,28,40,48],"bonus":[[8,11]]}]}"#,
    )?;
    kleroterion::draw::check_reveal(&manifest, &reveal)?;
    let seed = reveal.seed(&commitment)?;
    phases.done("reveal", &format!("seed {seed}"));

    // 4. draw
    let outcome = draw_compact(&manifest, &compact.commune, &seed)?;
    let transcript_hash = transcript(&commitment, &seed, &outcome)?;
    phases.done(
        "draw",
        &format!(
            "{} selected, {} alternates; transcript {transcript_hash}",
            outcome.selected.len(),
            outcome.alternates.len()
        ),
    );
    let draw_secs = draw_start.elapsed().as_secs_f64();

    if args.core {
        // The core's public API needs the pool as `Record`s (a `String` ticket and a
        // `Vec<String>` of values a voter): build them, then run `draw::draw`, which checks
        // the commitment (the Merkle root again), resolves the pool, draws, and copies the
        // records into the bundle.
        let key = ticket_key()?;
        let records: Vec<Record> = compact
            .tickets
            .iter()
            .zip(&compact.commune)
            .map(|(&t, &c)| {
                let mut ticket = String::new();
                format_ticket(t.to_be_bytes(), &mut ticket);
                Record {
                    link: None,
                    seal: None,
                    holder: key.holder(&ticket),
                    ticket,
                    values: vec![names[c as usize].clone()],
                    household: None,
                }
            })
            .collect();
        phases.done("core-recs", "Vec<Record> built, as the core's API needs");
        let bundle = kleroterion::draw(&manifest, &records, &reveal)?;
        assert_eq!(
            bundle.transcript, transcript_hash,
            "the compact draw differs from the core's"
        );
        phases.done("core-draw", "draw::draw gives the same transcript");
        drop(bundle);
        drop(records);
    }

    // 5. write
    let write_start = Instant::now();
    if !args.in_memory {
        write_lists(&dir, &roll, &compact, &outcome)?;
        phases.done(
            "lists",
            "selected.csv and alternates.csv (second streaming pass)",
        );
    }
    if args.bundle {
        let bytes = write_bundle(
            &dir.join("bundle.json"),
            &manifest,
            &commitment,
            &compact,
            &reveal,
            &seed,
            &outcome,
            &transcript_hash,
        )?;
        phases.done("bundle", &format!("bundle.json {} MB", bytes / 1_000_000));
    }
    let write_secs = write_start.elapsed().as_secs_f64();

    let total = phases.start.elapsed().as_secs_f64();
    let generate_secs = phases.rows.first().map_or(0.0, |r| r.1);
    let (_, peak) = memory();
    println!(
        "{{\"records\":{n},\"communes\":{},\"invitations\":{k},\"alternates\":{},\"path\":\"{}\",\
         \"generate_s\":{generate_secs:.2},\"commit_s\":{commit_secs:.2},\"draw_s\":{draw_secs:.3},\
         \"write_s\":{write_secs:.2},\"commit_draw_write_s\":{:.2},\"total_s\":{total:.2},\
         \"peak_mib\":{peak:.1},\"commitment\":\"{commitment}\",\"transcript\":\"{transcript_hash}\"}}",
        args.communes,
        args.alternates,
        if args.in_memory { "in-memory" } else { "csv" },
        commit_secs + draw_secs + write_secs,
    );
    if args.dir.is_none() {
        std::fs::remove_dir_all(&dir)?;
    }
    Ok(())
}
