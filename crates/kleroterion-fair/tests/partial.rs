//! A run stopped early leaves a valid partial distribution: the cancellation flag, raised from
//! the progress callback, stops it at the same point every time.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use kleroterion_fair::{
    Cancel, FairError, Feature, Instance, Options, Partial, Phase, Stopped, ValueQuota, leximin,
    maximin,
};

/// Runs `solve` with the flag raised at the `nth` report of `phase`; returns the error.
fn cancelled_at(
    solve: fn(&Instance, &Options) -> Result<kleroterion_fair::Distribution, FairError>,
    inst: &Instance,
    phase: Phase,
    nth: usize,
) -> FairError {
    let cancel = Cancel::new();
    let raise = cancel.clone();
    let seen = AtomicUsize::new(0);
    let options = Options::new()
        .with_progress(move |p| {
            if p.phase == phase && seen.fetch_add(1, Ordering::Relaxed) + 1 == nth {
                raise.cancel();
            }
        })
        .with_cancel(cancel);
    solve(inst, &options).expect_err("the run was cancelled")
}

fn partial_of(e: &FairError) -> (&Stopped, &Partial) {
    match e {
        FairError::Cancelled {
            stopped,
            partial: Some(partial),
        } => (stopped, partial),
        other => panic!("expected a cancellation with a partial result, got {other:?}"),
    }
}

#[test]
fn a_decomposition_stopped_early_leaves_its_panel_mix() {
    let inst = kleroterion_fair::synthetic::synthetic(200, 20, 1);
    let e = cancelled_at(leximin, &inst, Phase::Decomposing, 20);
    let (stopped, partial) = partial_of(&e);
    assert_eq!(
        *stopped,
        Stopped {
            phase: Phase::Decomposing,
            levels_fixed: 0,
            people_fixed: 0,
            people: 200,
        }
    );
    common::check_partial(&inst, partial);
    assert!(partial.levels.is_empty());
    assert!(partial.distribution.panels.len() > 1);
    // The relaxation's lowest level bounds everyone's lowest probability.
    let full = leximin(&inst, &Options::default()).unwrap();
    assert!(full.report.min <= partial.bound + 1e-6);
    assert!(partial.guaranteed_minimum <= full.report.min + 1e-6);
    assert_eq!(e, cancelled_at(leximin, &inst, Phase::Decomposing, 20));
}

/// The relaxation of this instance is out of reach (see the fair crate's leximin tests), so
/// LEXIMIN goes by column generation: A, B and C at 1/3, then D and E at 1/2.
#[test]
fn column_generation_stopped_after_a_level_keeps_it() {
    let pair = |name: &str| Feature {
        name: name.into(),
        values: vec![
            ValueQuota {
                value: "in".into(),
                min: 0,
                max: 1,
            },
            ValueQuota {
                value: "out".into(),
                min: 0,
                max: 2,
            },
        ],
    };
    let inst = Instance {
        panel_size: 2,
        features: vec![pair("ab"), pair("bc"), pair("ac")],
        people: vec![
            vec![0, 1, 0],
            vec![0, 0, 1],
            vec![1, 0, 0],
            vec![1, 1, 1],
            vec![1, 1, 1],
        ],
        households: vec![],
    };
    let e = cancelled_at(leximin, &inst, Phase::Fixed, 1);
    let (stopped, partial) = partial_of(&e);
    assert_eq!(
        *stopped,
        Stopped {
            phase: Phase::Level,
            levels_fixed: 1,
            people_fixed: 3,
            people: 5,
        }
    );
    common::check_partial(&inst, partial);
    assert_eq!(partial.levels_fixed(), 1);
    assert_eq!(partial.people_fixed(), 3);
    assert!((partial.levels[0] - 1.0 / 3.0).abs() < 1e-6);
    for i in 0..3 {
        assert_eq!(partial.fixed[i], Some(partial.levels[0]));
    }
    assert_eq!(&partial.fixed[3..], &[None, None]);
}

#[test]
fn maximin_stopped_early_leaves_the_master_mix() {
    let inst = kleroterion_fair::synthetic::synthetic(120, 12, 3);
    let e = cancelled_at(maximin, &inst, Phase::Level, 2);
    let (stopped, partial) = partial_of(&e);
    assert_eq!(stopped.phase, Phase::Level);
    assert_eq!(stopped.levels_fixed, 0);
    common::check_partial(&inst, partial);
    assert!(partial.guaranteed_minimum > 0.0);
    let done = maximin(&inst, &Options::default()).unwrap();
    assert!(partial.guaranteed_minimum <= done.report.min + 1e-6);
    assert!(done.report.min <= partial.bound + 1e-6);
}

#[test]
fn a_mix_that_leaves_people_out_is_no_partial_result() {
    let inst = kleroterion_fair::synthetic::synthetic(200, 20, 1);
    let e = cancelled_at(leximin, &inst, Phase::Decomposing, 1);
    assert_eq!(e.stopped().map(|s| s.phase), Some(Phase::Decomposing));
    assert_eq!(e.partial(), None);
}

#[test]
fn a_stop_while_seeding_has_no_partial_result() {
    let inst = kleroterion_fair::synthetic::synthetic(60, 8, 1);
    let e = cancelled_at(maximin, &inst, Phase::Seeding, 1);
    assert!(e.is_stop());
    assert_eq!(e.stopped().map(|s| s.phase), Some(Phase::Seeding));
    assert_eq!(e.partial(), None);
}
