//! The time rules of a commitment (SPEC.md sections 6.1 and 12.2), checked before anything is
//! written: a commitment to randomness that already exists, or that comes too soon after the
//! announcement, proves nothing.

use kleroterion::time::{format_unix, parse_utc};
use kleroterion::{Purpose, Recipe};

use crate::error::{FileError, Result};

/// The least time, in seconds, between the announcement and the first randomness: enough for
/// the commitment to be public (published, archived, seen) before the randomness exists.
pub const MIN_LEAD_SECONDS: u64 = 3600;

/// The current time in Unix seconds, from the system clock.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Refuses a recipe whose randomness already exists at `now` (unless the draw is a replay), or
/// that comes less than [`MIN_LEAD_SECONDS`] after `announced_at`.
pub fn check_timing(
    recipe: Option<&Recipe>,
    announced_at: Option<&str>,
    purpose: Purpose,
    now: u64,
) -> Result<()> {
    let Some(recipe) = recipe else {
        return Ok(());
    };
    let announced = announced_at.and_then(parse_utc);
    for (i, source) in recipe.sources.iter().enumerate() {
        let t = match source.time() {
            Ok(Some(t)) => t,
            Ok(None) => continue,
            Err(detail) => {
                return Err(FileError::Invalid {
                    detail: format!("recipe source {}: {detail}", i + 1),
                });
            }
        };
        let what = format!("recipe source {} ({})", i + 1, source.describe());
        if purpose != Purpose::Replay && t <= now {
            return Err(FileError::Invalid {
                detail: format!(
                    "{what} already exists: it was produced at {} and it is now {}, so its value may be known and the draw would prove nothing. Fix: commit to a later drand round (kleroterion drand-round --after TIME) or a later lottery draw; to play a past draw again as a demonstration, pass --replay (the manifest then says it is a replay)",
                    format_unix(t),
                    format_unix(now)
                ),
            });
        }
        if let Some(a) = announced
            && t < a.saturating_add(MIN_LEAD_SECONDS)
        {
            return Err(FileError::Invalid {
                detail: format!(
                    "{what} is produced at {}, less than an hour after the announcement at {}. Fix: announce the commitment earlier, or commit to randomness at least an hour after it, so that the commitment is public before the randomness exists",
                    format_unix(t),
                    format_unix(a)
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use kleroterion::{Fallback, SourceSpec};

    const QUICKNET: &str = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971";

    fn drand(round: u64) -> Recipe {
        Recipe {
            sources: vec![SourceSpec::Drand {
                chain: kleroterion::Digest::from_hex(QUICKNET, "chain").unwrap(),
                round,
            }],
            fallback: Fallback::NextValue,
        }
    }

    /// quicknet: genesis 1692803367, period 3 s (SPEC.md section 6.4), so round r is produced
    /// at 1692803367 + 3 (r - 1).
    const ROUND_1000_AT: u64 = 1_692_803_367 + 3 * 999;

    #[test]
    fn refuses_randomness_that_already_exists() {
        let r = drand(1000);
        let err = check_timing(Some(&r), None, Purpose::Official, ROUND_1000_AT).unwrap_err();
        assert!(err.to_string().contains("already exists"), "{err}");
        assert!(err.to_string().contains("--replay"), "{err}");
        assert!(check_timing(Some(&r), None, Purpose::Replay, ROUND_1000_AT).is_ok());
        assert!(check_timing(Some(&r), None, Purpose::Official, ROUND_1000_AT - 1).is_ok());
    }

    #[test]
    fn refuses_randomness_within_an_hour_of_the_announcement() {
        let r = drand(1000);
        let now = ROUND_1000_AT - 10_000;
        let close = format_unix(ROUND_1000_AT - 3599);
        let err = check_timing(Some(&r), Some(&close), Purpose::Official, now).unwrap_err();
        assert!(err.to_string().contains("less than an hour"), "{err}");
        let early = format_unix(ROUND_1000_AT - 3600);
        assert!(check_timing(Some(&r), Some(&early), Purpose::Official, now).is_ok());
        let err = check_timing(Some(&r), Some(&close), Purpose::Replay, now).unwrap_err();
        assert!(err.to_string().contains("less than an hour"), "{err}");
    }

    #[test]
    fn no_recipe_no_rule() {
        assert!(check_timing(None, None, Purpose::Official, u64::MAX).is_ok());
    }
}
