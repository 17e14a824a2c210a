//! Converting between drand rounds and Unix time.
//!
//! Round 1 is produced at the chain's genesis time and round `r` at
//! `genesis_time + period × (r − 1)`. All arithmetic saturates: no input
//! makes these functions panic or wrap around.

use crate::chain::Chain;

/// Unix time (seconds) at which `round` is produced:
/// `genesis_time + period_seconds × (round − 1)`.
///
/// Round 0 does not exist; it is mapped to the genesis time, as drand does.
/// Results beyond `u64::MAX` saturate to `u64::MAX`.
pub fn round_time(chain: &Chain, round: u64) -> u64 {
    chain
        .genesis_time
        .saturating_add(chain.period_seconds.saturating_mul(round.saturating_sub(1)))
}

/// The first round produced at or after `unix_seconds`: the smallest `r ≥ 1`
/// with `round_time(chain, r) ≥ unix_seconds`.
///
/// This is the round to commit to when a lottery must use randomness that did
/// not exist before a given moment. Times before genesis give round 1. A
/// chain with a period of 0 (not a real drand chain) is treated as if its
/// period were 1 s.
pub fn first_round_at_or_after(chain: &Chain, unix_seconds: u64) -> u64 {
    if unix_seconds <= chain.genesis_time {
        return 1;
    }
    let period = chain.period_seconds.max(1);
    (unix_seconds - chain.genesis_time)
        .div_ceil(period)
        .saturating_add(1)
}

/// The latest round produced at or before `unix_seconds` (drand's "current
/// round" at that time), or `None` before genesis. A period of 0 is treated
/// as 1 s.
pub fn latest_round_at(chain: &Chain, unix_seconds: u64) -> Option<u64> {
    let since = unix_seconds.checked_sub(chain.genesis_time)?;
    Some((since / chain.period_seconds.max(1)).saturating_add(1))
}
