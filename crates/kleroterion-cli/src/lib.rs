#![doc = include_str!("../README.md")]
//!
//! ## As a library
//!
//! The binary in `main.rs` only calls [`main_with`]; the modules hold argument parsing, the
//! commands, progress display and the demo.
//!
//! Exit codes: 0 on success; 1 when a check ran and failed (a bundle that does not verify, a
//! receipt that does not match, `fair` finding that no panel can meet the quotas); 2 for any
//! other error (an input that cannot be read or used, including quotas that no panel can meet
//! given to `commit`, and a draw that fails), as for a wrong command line.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod cli;
pub mod commands;
pub mod demo;
pub mod error;
pub mod progress;

use std::process::ExitCode;

/// Runs the parsed command line, prints any error, and returns the exit code.
pub fn main_with(cli: &cli::Cli) -> ExitCode {
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if cli.json && !matches!(e, error::CliError::Failed(_)) {
                let v = serde_json::json!({"error": e.to_string(), "kind": e.kind()});
                let _ = commands::print_json(&v);
            }
            commands::print_line(&mut std::io::stderr(), &format!("error: {e}"));
            e.exit_code()
        }
    }
}
