//! Rounds and Unix time.

use kleroterion_drand::{
    Chain, MAINNET, QUICKNET, first_round_at_or_after, latest_round_at, round_time,
};

#[test]
fn round_times_from_genesis_and_period() {
    assert_eq!(round_time(&QUICKNET, 1), 1_692_803_367);
    assert_eq!(round_time(&QUICKNET, 2), 1_692_803_370);
    assert_eq!(round_time(&QUICKNET, 1001), 1_692_803_367 + 3000);
    assert_eq!(round_time(&MAINNET, 1), 1_595_431_050);
    // MystenLabs/sui sui_programmability/examples/games/tests/
    // drand_based_lottery_tests.move: mainnet round 8 is at genesis + 30·7.
    assert_eq!(round_time(&MAINNET, 8), 1_595_431_050 + 30 * 7);
    // Round 0 does not exist; like drand, map it to genesis.
    assert_eq!(round_time(&MAINNET, 0), MAINNET.genesis_time);
}

#[test]
fn first_round_at_or_after_a_time() {
    let g = QUICKNET.genesis_time;
    assert_eq!(first_round_at_or_after(&QUICKNET, 0), 1);
    assert_eq!(first_round_at_or_after(&QUICKNET, g - 1), 1);
    assert_eq!(first_round_at_or_after(&QUICKNET, g), 1);
    assert_eq!(first_round_at_or_after(&QUICKNET, g + 1), 2);
    assert_eq!(first_round_at_or_after(&QUICKNET, g + 3), 2);
    assert_eq!(first_round_at_or_after(&QUICKNET, g + 4), 3);
    let m = MAINNET.genesis_time;
    assert_eq!(first_round_at_or_after(&MAINNET, m + 30 * 7), 8);
    assert_eq!(first_round_at_or_after(&MAINNET, m + 30 * 7 - 10), 8);
    assert_eq!(first_round_at_or_after(&MAINNET, m + 30 * 7 + 1), 9);
}

#[test]
fn latest_round_at_a_time() {
    let g = QUICKNET.genesis_time;
    assert_eq!(latest_round_at(&QUICKNET, g - 1), None);
    assert_eq!(latest_round_at(&QUICKNET, g), Some(1));
    assert_eq!(latest_round_at(&QUICKNET, g + 2), Some(1));
    assert_eq!(latest_round_at(&QUICKNET, g + 3), Some(2));
    // drand Ruby gem README (ruby-toolbox.com/projects/drand):
    // quicknet round_at(2026-04-20 00:00:00 UTC) => 27946612 and
    // round_at(2026-04-20 12:30:45 UTC) => 27961627.
    assert_eq!(latest_round_at(&QUICKNET, 1_776_643_200), Some(27_946_612));
    assert_eq!(latest_round_at(&QUICKNET, 1_776_688_245), Some(27_961_627));
    assert_eq!(round_time(&QUICKNET, 27_946_612), 1_776_643_200);
    // ChainSafe/forest src/beacon/tests/drand.rs (from Filecoin FIP-0063):
    // latest quicknet round for Filecoin epoch 3547000.
    let t = 1_598_306_400 + 3_547_000 * 30 - 30;
    assert_eq!(
        latest_round_at(&QUICKNET, t),
        Some((t - 1_692_803_367) / 3 + 1)
    );
}

#[test]
fn time_and_round_are_inverse() {
    for chain in [&QUICKNET, &MAINNET] {
        for r in [1u64, 2, 3, 10, 1000, 72_785, 3_907_446, 30_662_982] {
            let t = round_time(chain, r);
            assert_eq!(first_round_at_or_after(chain, t), r);
            assert_eq!(latest_round_at(chain, t), Some(r));
            // One second later the next round is the first one still to come.
            assert_eq!(first_round_at_or_after(chain, t + 1), r + 1);
            assert_eq!(latest_round_at(chain, t + 1), Some(r));
        }
    }
}

#[test]
fn extreme_inputs_saturate_instead_of_panicking() {
    for chain in [&QUICKNET, &MAINNET] {
        assert_eq!(round_time(chain, u64::MAX), u64::MAX);
        let r = first_round_at_or_after(chain, u64::MAX);
        assert!(r > 1);
        assert!(latest_round_at(chain, u64::MAX).is_some());
    }
    let zero_period = Chain {
        period_seconds: 0,
        ..QUICKNET
    };
    assert_eq!(round_time(&zero_period, 5), QUICKNET.genesis_time);
    assert_eq!(
        first_round_at_or_after(&zero_period, QUICKNET.genesis_time + 5),
        6
    );
    assert_eq!(
        latest_round_at(&zero_period, QUICKNET.genesis_time + 5),
        Some(6)
    );
    let late = Chain {
        genesis_time: u64::MAX,
        period_seconds: u64::MAX,
        ..QUICKNET
    };
    assert_eq!(round_time(&late, 2), u64::MAX);
    assert_eq!(first_round_at_or_after(&late, u64::MAX), 1);
    assert_eq!(late.compute_hash(), None);
    assert!(!late.is_consistent());
}
