//! `kleroterion drand-round`: which drand round to commit to, for planning.

use kleroterion::Digest;
use kleroterion::beacon::{chain_by_name, first_round_at_or_after};
use kleroterion::time::{format_unix, parse_utc};
use serde_json::json;

use super::{Context, print_json};
use crate::cli::DrandRoundArgs;
use crate::error::{CliError, Result};

/// Prints the first round of the chain produced at or after the given time.
pub fn run(ctx: &Context, args: &DrandRoundArgs) -> Result<()> {
    let chain = match chain_by_name(&args.chain) {
        Some(c) => c,
        None => Digest::from_hex(&args.chain, "--chain").map_err(|_| {
            CliError::Usage(format!(
                "--chain \"{}\" is neither a known network name nor a chain hash. Fix: use quicknet, mainnet or a 64-digit chain hash",
                args.chain
            ))
        })?,
    };
    let after = parse_utc(&args.after).ok_or_else(|| {
        CliError::Usage(format!(
            "--after \"{}\" is not a UTC time. Fix: write it as YYYY-MM-DDTHH:MM:SSZ, e.g. 2026-12-01T12:00:00Z",
            args.after
        ))
    })?;
    let (round, at) = first_round_at_or_after(&chain, after).ok_or_else(|| {
        CliError::Usage(format!(
            "chain {chain} is not a drand network this tool knows. Fix: use quicknet or mainnet"
        ))
    })?;
    if ctx.json {
        return print_json(&json!({
            "chain": chain.to_hex(),
            "round": round,
            "time": format_unix(at),
            "unix": at,
        }));
    }
    crate::outln!("Chain {chain}");
    crate::outln!(
        "First round at or after {}: round {round}, produced at {}.",
        args.after,
        format_unix(at)
    );
    crate::outln!(
        "Commit to it in the recipe as {{\"kind\": \"drand\", \"chain\": \"{chain}\", \"round\": {round}}}, and publish the commitment before {}.",
        format_unix(at)
    );
    Ok(())
}
