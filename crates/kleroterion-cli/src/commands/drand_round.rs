//! `kleroterion drand-round`: which drand round to commit to, for planning.

use kleroterion::beacon::plan_round;

use super::{Context, print_json};
use crate::cli::DrandRoundArgs;
use crate::error::{CliError, Result};

/// Prints the first round of the chain produced at or after the given time (the core's
/// `beacon::plan_round`; `--json` prints its `DrandRound` as it is).
pub fn run(ctx: &Context, args: &DrandRoundArgs) -> Result<()> {
    let plan = plan_round(&args.chain, &args.after).map_err(|e| match e {
        // The core names the argument; the command line names its option.
        kleroterion::Error::InvalidArgument { .. } => CliError::Usage(format!("--{e}")),
        e => CliError::core_as_is(e),
    })?;
    if ctx.json {
        let value = serde_json::to_value(&plan)
            .map_err(|e| CliError::Usage(format!("writing JSON: {e}")))?;
        return print_json(&value);
    }
    crate::outln!("Chain {} ({})", plan.chain, plan.network);
    crate::outln!(
        "First round at or after {}: round {}, produced at {}.",
        plan.after,
        plan.round,
        plan.time
    );
    crate::outln!(
        "Commit to it in the recipe as {{\"kind\": \"drand\", \"chain\": \"{}\", \"round\": {}}}, and publish the commitment before {}.",
        plan.chain,
        plan.round,
        plan.time
    );
    Ok(())
}
