//! `kleroterion`: fair, publicly verifiable citizens' assembly lotteries from the command line.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    kleroterion_cli::main_with(&kleroterion_cli::cli::Cli::parse())
}
