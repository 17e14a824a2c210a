//! One module per command.

/// Prints a line on standard output, ignoring a closed pipe (`kleroterion … | head`) instead
/// of panicking like `println!`.
#[macro_export]
macro_rules! outln {
    () => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout());
    }};
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// Prints on standard output without a newline, ignoring a closed pipe.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

mod commit;
mod demo;
mod drand_round;
mod draw;
mod fair;
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
    crate::outln!("{text}");
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
