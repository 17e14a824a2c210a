//! The randomness of both stages: one drand quicknet round plus one EuroMillions draw, with
//! recorded real values.
//!
//! Until the protocol library is built with drand support (the `drand` feature of the
//! `kleroterion` crate), a drand source cannot verify. [`stage_randomness`] is the single place
//! that decides: it checks the beacon with the library itself and, when the build has no
//! drand support, falls back to a `hex` source holding the same round's randomness
//! (SHA-256 of the signature) next to the same lottery draw, and says so.

use kleroterion::digest::from_hex;
use kleroterion::{Digest, Fallback, Recipe, Reveal, SourceSpec, SourceValue};

use super::DemoError;

/// The drand quicknet chain hash.
pub const QUICKNET: &str = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971";
/// quicknet genesis time (Unix seconds) and period, for the round times shown in the report.
const QUICKNET_GENESIS: u64 = 1_692_803_367;
const QUICKNET_PERIOD: u64 = 3;

/// A recorded drand quicknet round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrandRound {
    /// The round number.
    pub round: u64,
    /// The BLS signature, in hex.
    pub signature: &'static str,
    /// Where the value was copied from.
    pub source: &'static str,
}

/// A recorded EuroMillions draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LotteryDraw {
    /// The draw date.
    pub date: &'static str,
    /// The five numbers then the two stars, as published.
    pub numbers: [u32; 7],
    /// Where the numbers were published.
    pub source: &'static str,
}

/// What one stage commits to and reveals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StagePlan {
    /// When the organiser publishes the commitment (before both sources exist).
    pub announced_at: &'static str,
    /// The drand round.
    pub drand: DrandRound,
    /// The lottery draw.
    pub lottery: LotteryDraw,
}

/// Stage 1 (invitations): committed on 22 August 2023, seeded by quicknet round 3
/// (23 August 2023, 15:09:33 UTC) and the EuroMillions draw of Friday 1 September 2023.
pub const STAGE1: StagePlan = StagePlan {
    announced_at: "2023-08-22T12:00:00Z",
    drand: DrandRound {
        round: 3,
        signature: "b3fab6df720b68cc47175f2c777e86d84187caab5770906f515ff1099cb01e4deaa027075d860823e49477b93c72bd64",
        // Also in crates/kleroterion-drand/tests/vectors/beacons.json.
        source: "ChainSafe/forest src/beacon/tests/fixtures/drand_quicknet.json",
    },
    lottery: LotteryDraw {
        date: "2023-09-01",
        // Numbers 4 5 35 37 43, stars 5 6 (the 109,268,140 EUR jackpot won in France):
        // https://www.demotivateur.fr/lifestyle/un-francais-vient-de-gagner-l-euromillions-la-somme-remportee-est-hallucinante-35678
        numbers: [4, 5, 35, 37, 43, 5, 6],
        source: "demotivateur.fr, 2 September 2023, citing FDJ and @TirageGagnant",
    },
};

/// Stage 2 (panel): committed on 14 September 2023, after the answers, seeded by quicknet
/// round 657413 (15 September 2023, 11:00:03 UTC) and the EuroMillions draw of Friday
/// 29 September 2023.
pub const STAGE2: StagePlan = StagePlan {
    announced_at: "2023-09-14T12:00:00Z",
    drand: DrandRound {
        round: 657_413,
        // Published with its randomness fc1873a1...3b87b3587 in the README of
        // mcdcam/python-drand-verify (a wrapper of noislabs/drand-verify); it verifies offline
        // against the quicknet public key with crates/kleroterion-drand.
        signature: "b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be41076862b98fad56e91a6b85b89cd97b",
        source: "mcdcam/python-drand-verify README.md (verify_quicknet example)",
    },
    lottery: LotteryDraw {
        date: "2023-09-29",
        // Numbers 7 12 17 28 36, stars 4 11: https://pandaradio.co.uk/?p=45983
        numbers: [7, 12, 17, 28, 36, 4, 11],
        source: "pandaradio.co.uk, results of Friday 29 September 2023",
    },
};

/// The lottery's registry id in recipes and reveals (SPEC.md section 6.6).
pub const EUROMILLIONS: &str = "euromillions";

/// Which recipe a stage ended up committing to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RandomnessMode {
    /// The drand round is a `drand` source, checked with its BLS signature.
    Drand,
    /// The build cannot check drand signatures: the round's randomness is a `hex` source.
    HexFallback {
        /// Why, as reported by the protocol library.
        reason: String,
    },
}

/// A stage's recipe, its reveal and how they were built.
#[derive(Debug, Clone)]
pub struct StageRandomness {
    /// The recipe committed in the manifest.
    pub recipe: Recipe,
    /// The values revealed afterwards.
    pub reveal: Reveal,
    /// Drand or the hex fallback.
    pub mode: RandomnessMode,
    /// The plan the values come from.
    pub plan: StagePlan,
}

/// The recipe and reveal of a stage: the single switch point between drand and its fallback.
pub fn stage_randomness(plan: StagePlan) -> Result<StageRandomness, DemoError> {
    let bad = DemoError::protocol("randomness");
    let chain = Digest::from_hex(QUICKNET, "chain").map_err(DemoError::protocol("randomness"))?;
    let signature = from_hex(plan.drand.signature, "signature").map_err(bad)?;
    let (main, stars) = plan.lottery.numbers.split_at(5);
    let lottery_spec = SourceSpec::Lottery {
        lottery: EUROMILLIONS.into(),
        date: plan.lottery.date.into(),
        format: None,
        draw_at: None,
    };
    let lottery_value = SourceValue::Lottery {
        lottery: EUROMILLIONS.into(),
        main: main.to_vec(),
        bonus: vec![stars.to_vec()],
    };
    let (drand_spec, drand_value, mode) =
        match kleroterion::beacon::verify(&chain, plan.drand.round, &signature, None) {
            Ok(()) => (
                SourceSpec::Drand {
                    chain,
                    round: plan.drand.round,
                },
                SourceValue::Drand {
                    chain,
                    round: plan.drand.round,
                    signature,
                    previous_signature: None,
                    randomness: None,
                },
                RandomnessMode::Drand,
            ),
            Err(kleroterion::Error::DrandSignature { detail })
                if detail.contains("no drand support") =>
            {
                (
                    SourceSpec::Hex {
                        label: format!("randomness of drand quicknet round {}", plan.drand.round),
                    },
                    SourceValue::Hex {
                        value: SourceValue::drand_randomness(&signature)
                            .as_bytes()
                            .to_vec(),
                    },
                    RandomnessMode::HexFallback { reason: detail },
                )
            }
            Err(e) => {
                return Err(DemoError::Protocol {
                    stage: "randomness",
                    source: e,
                });
            }
        };
    Ok(StageRandomness {
        recipe: Recipe {
            sources: vec![drand_spec, lottery_spec],
            fallback: Fallback::NextValue,
        },
        reveal: Reveal {
            sources: vec![drand_value, lottery_value],
        },
        mode,
        plan,
    })
}

/// The stage's EuroMillions result as its operator published it, as a reader types it into a
/// verifier.
pub fn published_lottery(plan: StagePlan) -> kleroterion::PublishedLottery {
    let (main, stars) = plan.lottery.numbers.split_at(5);
    kleroterion::PublishedLottery {
        lottery: EUROMILLIONS.into(),
        date: plan.lottery.date.into(),
        main: main.to_vec(),
        bonus: vec![stars.to_vec()],
    }
}

/// When a quicknet round was produced, as `YYYY-MM-DD HH:MM:SS UTC`.
pub fn round_time(round: u64) -> String {
    let t = QUICKNET_GENESIS + QUICKNET_PERIOD * round.saturating_sub(1);
    kleroterion::time::format_unix(t)
        .replace('T', " ")
        .replace('Z', " UTC")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_times_follow_the_quicknet_schedule() {
        assert_eq!(round_time(1), "2023-08-23 15:09:27 UTC");
        assert_eq!(round_time(3), "2023-08-23 15:09:33 UTC");
        assert_eq!(round_time(657_413), "2023-09-15 11:00:03 UTC");
    }

    #[test]
    fn both_stages_build_a_recipe_that_matches_its_reveal() {
        for plan in [STAGE1, STAGE2] {
            let r = stage_randomness(plan).unwrap();
            r.recipe.validate().unwrap();
            r.reveal.check_against(&r.recipe).unwrap();
            assert!(plan.announced_at < plan.lottery.date);
        }
    }

    #[test]
    fn the_stage2_signature_gives_the_published_randomness() {
        let sig = from_hex(STAGE2.drand.signature, "s").unwrap();
        assert_eq!(
            SourceValue::drand_randomness(&sig).to_hex(),
            "fc1873a13f3545aeade8401532ef5519920652eee6b0d2b19ca12643b87b3587"
        );
    }
}
