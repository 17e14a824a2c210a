//! Property tests on random small feasible instances.

use kleroterion_fair::{
    Feasibility, Feature, Instance, Options, ValueQuota, feasibility, leximin, maximin,
    round_to_lottery,
};
use proptest::prelude::*;

/// Random pool of 4..12 people, 1..3 features with 2..3 values, optional households; quotas are
/// built around a random panel so that at least that panel is feasible.
fn instance() -> impl Strategy<Value = Instance> {
    (4usize..12, 1usize..4, any::<u64>()).prop_map(|(n, nf, seed)| {
        let mut rng = kleroterion_fair::synthetic::SplitMix64::new(seed);
        let mut next = move |m: u64| rng.below(m);
        let nv: Vec<u32> = (0..nf).map(|_| 2 + next(2) as u32).collect();
        let people: Vec<Vec<u32>> = (0..n)
            .map(|_| nv.iter().map(|&v| next(u64::from(v)) as u32).collect())
            .collect();
        let households: Vec<Option<u32>> = if next(2) == 0 {
            vec![]
        } else {
            (0..n)
                .map(|_| (next(3) == 0).then(|| next(3) as u32))
                .collect()
        };
        // A panel: people in order, skipping second members of a household.
        let k = 1 + next((n as u64 / 2).max(1)) as usize;
        let mut panel = Vec::new();
        let mut used = Vec::new();
        for i in 0..n {
            if panel.len() == k {
                break;
            }
            let h = households.get(i).copied().flatten();
            if let Some(h) = h {
                if used.contains(&h) {
                    continue;
                }
                used.push(h);
            }
            panel.push(i);
        }
        let k = panel.len() as u32;
        let features = nv
            .iter()
            .enumerate()
            .map(|(f, &v)| Feature {
                name: format!("f{f}"),
                values: (0..v)
                    .map(|val| {
                        let c = panel.iter().filter(|&&i| people[i][f] == val).count() as u32;
                        ValueQuota {
                            value: format!("v{val}"),
                            min: c.saturating_sub(next(2) as u32),
                            max: c + next(2) as u32,
                        }
                    })
                    .collect(),
            })
            .collect();
        Instance {
            panel_size: k,
            features,
            people,
            households,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn leximin_dominates_maximin_and_rounding_is_bounded(inst in instance()) {
        let feasible = matches!(feasibility(&inst).unwrap(), Feasibility::Feasible { .. });
        prop_assert!(feasible);
        let opts = Options::default();
        let lex = leximin(&inst, &opts).unwrap();
        let mm = maximin(&inst, &opts).unwrap();
        prop_assert!(lex.report.min >= mm.report.min - 1e-6, "{} < {}", lex.report.min, mm.report.min);
        for d in [&lex, &mm] {
            for p in &d.panels {
                prop_assert!(inst.check_panel(p).is_ok(), "{:?}", inst.check_panel(p));
            }
            let sum: f64 = d.probabilities.iter().sum();
            prop_assert!((sum - f64::from(inst.panel_size)).abs() < 1e-6);
        }
        // LEXIMIN: sorted profile is at least maximin's at the minimum, and interchangeable
        // people (same features, no household) get the same probability.
        for m in [1u32, 7, 100, 1000] {
            let lot = round_to_lottery(&inst, &lex, m).unwrap();
            prop_assert_eq!(lot.panels.len(), m as usize);
            for p in &lot.panels {
                prop_assert!(inst.check_panel(p).is_ok());
            }
            prop_assert!(lot.loss.max_change <= lot.bound + 1e-9, "{} > {}", lot.loss.max_change, lot.bound);
            for (i, (a, b)) in lot.probabilities.iter().zip(&lex.probabilities).enumerate() {
                prop_assert!((a - b).abs() <= lot.loss.max_change + 1e-12, "person {}", i);
            }
        }
    }
}
