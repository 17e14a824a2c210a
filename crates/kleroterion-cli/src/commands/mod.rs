//! One module per command.

/// Prints a line on standard output, escaped ([`safe_line`]), ignoring a closed pipe
/// (`kleroterion … | head`) instead of panicking like `println!`.
#[macro_export]
macro_rules! outln {
    () => {{
        $crate::commands::print_line(&mut std::io::stdout(), "");
    }};
    ($($arg:tt)*) => {{
        $crate::commands::print_line(&mut std::io::stdout(), &format!($($arg)*));
    }};
}

/// Prints on standard output without a newline, escaped, ignoring a closed pipe.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), "{}", $crate::commands::safe_line(&format!($($arg)*)));
    }};
}

/// The longest line printed, in bytes: a longer one (a huge cell quoted in a message) is cut
/// with "… (N more bytes)".
pub const LINE_LIMIT: usize = 4096;

/// Text made safe for a terminal: no control character (so no ANSI escape sequence) and no
/// bidirectional formatting character reaches the screen raw; they are written as `\u{...}`.
/// The text's own line breaks are kept, each line cut at [`LINE_LIMIT`].
pub fn safe_line(text: &str) -> String {
    let lines: Vec<String> = text
        .split('\n')
        .map(|l| kleroterion::text::display(l, LINE_LIMIT))
        .collect();
    lines.join("\n")
}

/// An untrusted value (from a bundle, a receipt...) as one escaped line: its line breaks too
/// are escaped, so that it cannot start a forged line of the report.
pub fn one_line(text: &str) -> String {
    kleroterion::text::display(text, LINE_LIMIT)
}

/// Writes escaped text and a newline, ignoring a closed pipe.
pub fn print_line(out: &mut impl std::io::Write, text: &str) {
    let _ = writeln!(out, "{}", safe_line(text));
}

/// JSON text with every control and bidirectional formatting character written as a JSON
/// `\uXXXX` escape (serde_json escapes only C0 controls), so that JSON output is as safe on a
/// terminal as text output.
pub fn safe_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if kleroterion::text::is_control(c) && c != '\n' || kleroterion::text::is_bidi_control(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

mod commit;
mod demo;
mod drand_round;
mod draw;
mod fair;
mod leximin_progress;
mod receipt;
mod replace;
mod rfc3797;
mod verify;

use std::path::{Path, PathBuf};

use crate::cli::{Cli, Command};
use crate::error::{CliError, Result};
use crate::progress::Progress;

/// What every command gets besides its own arguments.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    /// Print JSON instead of text.
    pub json: bool,
    /// Progress display.
    pub progress: Progress,
    /// No progress at all (also passed to the demo).
    pub quiet: bool,
}

/// Runs the command.
pub fn run(cli: &Cli) -> Result<()> {
    let ctx = Context {
        json: cli.json,
        progress: Progress::new(cli.quiet),
        quiet: cli.quiet,
    };
    match &cli.command {
        Command::Commit(a) => commit::run(&ctx, a),
        Command::Draw(a) => draw::run(&ctx, a),
        Command::Verify(a) => verify::run(&ctx, a),
        Command::Receipt(a) => receipt::run(&ctx, a),
        Command::Replace(a) => replace::run(&ctx, a),
        Command::Fair(a) => fair::run(&ctx, a),
        Command::Rfc3797(a) => rfc3797::run(&ctx, a),
        Command::Demo(a) => demo::run(&ctx, a),
        Command::DrandRound(a) => drand_round::run(&ctx, a),
    }
}

/// Prints a JSON value on standard output.
pub fn print_json(value: &serde_json::Value) -> Result<()> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::Usage(format!("writing JSON: {e}")))?;
    use std::io::Write as _;
    let _ = writeln!(std::io::stdout(), "{}", safe_json(&text));
    Ok(())
}

/// A file next to another (same folder).
pub fn sibling(path: &Path, name: &str) -> PathBuf {
    path.parent()
        .map_or_else(|| PathBuf::from(name), |d| d.join(name))
}

/// A path as text for messages.
pub fn show(path: &Path) -> String {
    path.display().to_string()
}

/// What to do with existing outputs: `--force` replaces them.
pub fn existing(force: bool) -> kleroterion_files::Existing {
    if force {
        kleroterion_files::Existing::Replace
    } else {
        kleroterion_files::Existing::Refuse
    }
}

/// Checks, before any work, that an output (a file or a folder) may be written: it is none of the `inputs`
/// (even with `--force`), and it does not exist unless `force`.
pub fn check_output(out: &Path, inputs: &[(&str, &Path)], force: bool, what: &str) -> Result<()> {
    kleroterion_files::atomic::refuse_inputs(out, inputs)?;
    if !force {
        kleroterion_files::atomic::refuse_existing(out, what, "")?;
    }
    Ok(())
}

/// Writes an output file atomically (after [`check_output`]).
pub fn write_output(out: &Path, text: &str, force: bool, what: &str) -> Result<()> {
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        kleroterion_files::atomic::create_dir(dir, kleroterion_files::atomic::Access::Public)?;
    }
    Ok(kleroterion_files::atomic::write_file(
        out,
        text.as_bytes(),
        kleroterion_files::atomic::Access::Public,
        existing(force),
        what,
    )?)
}

/// The commitment given on the command line: 64 hex digits, or a file holding them.
pub fn published_commitment(arg: &str) -> Result<kleroterion::Digest> {
    let path = std::path::Path::new(arg);
    let text = if arg.len() != 64 && path.exists() {
        std::fs::read_to_string(path).map_err(|e| kleroterion_files::FileError::io(path, &e))?
    } else {
        arg.to_owned()
    };
    let hex: String = text.split_whitespace().collect();
    kleroterion::Digest::from_hex(&hex, "--commitment").map_err(|_| {
        CliError::Usage(format!(
            "--commitment {}: not 64 hexadecimal digits, nor a file holding them. Fix: copy the commitment exactly as the organiser published it (spaces are ignored)",
            kleroterion::text::display(arg, 80)
        ))
    })
}

/// Reads the bundle, naming the file in errors.
pub fn read_bundle(path: &Path) -> Result<kleroterion::Bundle> {
    Ok(kleroterion_files::outputs::read_json(path, "bundle")?)
}

/// Reads an optional ticket map, to show ids next to tickets.
pub fn read_ticket_map(path: Option<&Path>) -> Result<Option<kleroterion_files::TicketMap>> {
    match path {
        Some(p) => Ok(Some(kleroterion_files::TicketMap::read(p)?)),
        None => Ok(None),
    }
}

/// `ticket` or `ticket (id X)` when the ticket map is known.
pub fn with_id(ticket: &str, map: Option<&kleroterion_files::TicketMap>) -> String {
    match map.and_then(|m| m.id_of(ticket)) {
        Some(id) => format!("{ticket} (id {id})"),
        None => ticket.to_owned(),
    }
}
