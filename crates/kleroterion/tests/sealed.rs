//! Sealed features through the embedder's API (SPEC.md section 4.1), and the attacks an
//! organiser who wants a particular panel could try against them.

use kleroterion::roster::RosterBuilder;
use kleroterion::seal::Opening;
use kleroterion::{
    ErrorKind, Feature, Manifest, Method, Reveal, SourceValue, StepId, TicketKey, check_receipt,
    replace, replace_sealed, verify,
};

fn key() -> TicketKey {
    TicketKey::parse("53656165642066656174757265732121").expect("key")
}

fn features() -> Vec<Feature> {
    vec![
        Feature::new("gender", [("woman", 2, 2), ("man", 2, 2)]),
        Feature::new("age", [("young", 1, 3), ("old", 1, 3)]),
    ]
}

/// Twelve people (three of each gender and age), sealed, in pool order.
fn roster() -> kleroterion::Roster {
    let mut b = RosterBuilder::new(features(), key()).sealed();
    for i in 0..12 {
        let gender = if i % 2 == 0 { "woman" } else { "man" };
        let age = if i % 4 < 2 { "young" } else { "old" };
        b.add(&format!("p{i}"), &[gender, age], None)
            .expect("person");
    }
    b.finish(4).expect("roster")
}

/// Every panel of four that meets the quotas, from the roster's values, in a fixed order.
fn compliant_panels(r: &kleroterion::Roster) -> Vec<Vec<u32>> {
    let is = |p: usize, f: usize, v: &str| r.opening(p).expect("sealed").values[f] == v;
    let mut out = Vec::new();
    let n = r.len() as u32;
    for a in 0..n {
        for b in a + 1..n {
            for c in b + 1..n {
                for d in c + 1..n {
                    let p = [a, b, c, d];
                    let count = |f, v| p.iter().filter(|&&x| is(x as usize, f, v)).count();
                    let ages = (1..=3).contains(&count(1, "young"));
                    if count(0, "woman") == 2 && ages && out.len() < 8 {
                        out.push(p.to_vec());
                    }
                }
            }
        }
    }
    out
}

fn manifest(r: &kleroterion::Roster, portfolio: Vec<Vec<u32>>) -> Manifest {
    Manifest::new(
        "Sealed test",
        Method::Lottery { portfolio },
        4,
        r.features().to_vec(),
        r.commitment().expect("root"),
    )
    .with_alternates(3)
    .with_sealed(true)
}

fn openings(r: &kleroterion::Roster) -> Vec<Opening> {
    (0..r.len())
        .map(|p| r.opening(p).expect("sealed"))
        .collect()
}

fn reveal(byte: u8) -> Reveal {
    Reveal {
        sources: vec![SourceValue::Hex {
            value: vec![byte; 8],
        }],
    }
}

#[test]
fn the_organiser_draws_opens_and_gives_receipts_their_openings() {
    let r = roster();
    let records: Vec<_> = r.records().collect();
    assert!(
        records
            .iter()
            .all(|x| x.values.is_empty() && x.seal.is_some())
    );
    let m = manifest(&r, compliant_panels(&r));
    let draw = m
        .commit(records.clone())
        .expect("commit")
        .with_openings(openings(&r))
        .expect("openings");
    let bundle = draw.draw(&reveal(7)).expect("draw");
    assert_eq!(bundle.openings.len(), 4 + 3);
    let report = verify(&bundle);
    assert!(report.valid, "{:?}", report.error);
    let receipts = draw.receipts(|p| r.secret(p)).expect("receipts");
    let chosen = &bundle.result.selected[0];
    let receipt = receipts
        .iter()
        .find(|x| &x.record.ticket == chosen)
        .expect("receipt");
    let check = check_receipt(receipt, &bundle).expect("genuine");
    assert_eq!(check.features[0].1, bundle.openings[0].values[0]);
}

#[test]
fn a_sealed_draw_without_openings_publishes_nothing() {
    let r = roster();
    let m = manifest(&r, compliant_panels(&r));
    let draw = m.commit(r.records().collect()).expect("commit");
    let e = draw.draw(&reveal(7)).expect_err("no openings");
    assert_eq!(e.kind(), ErrorKind::OpeningMismatch);
}

#[test]
fn the_organiser_cannot_commit_openings_that_do_not_match() {
    let r = roster();
    let m = manifest(&r, compliant_panels(&r));
    let mut forged = openings(&r);
    forged[0].values[1] = if forged[0].values[1] == "old" {
        "young".into()
    } else {
        "old".into()
    };
    let e = m
        .commit(r.records().collect())
        .expect("commit")
        .with_openings(forged)
        .expect_err("forged");
    assert_eq!(e.kind(), ErrorKind::OpeningMismatch);
}

/// The organiser's own check with the openings sees what no verifier can: a panel of the
/// portfolio that breaks the quotas.
#[test]
fn a_non_compliant_panel_is_refused_by_the_organisers_check() {
    let r = roster();
    let mut panels = compliant_panels(&r);
    let men: Vec<u32> = (0..r.len() as u32)
        .filter(|&p| r.opening(p as usize).expect("sealed").values[0] == "man")
        .take(4)
        .collect();
    panels.push(men);
    let committed = manifest(&r, panels)
        .commit(r.records().collect())
        .expect("the verifier's checks pass: the quotas are sealed");
    let e = committed.with_openings(openings(&r)).expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::InvalidPortfolio);
}

/// An organiser who slips one non-compliant panel among M is caught in public exactly when the
/// draw picks it: over many seeds, about 1 draw in M fails at the `quotas` step, and every other
/// draw verifies (SPEC.md section 9.4).
#[test]
fn a_hidden_non_compliant_panel_is_exposed_when_drawn() {
    let r = roster();
    let mut panels = compliant_panels(&r);
    panels.truncate(3);
    let men: Vec<u32> = (0..r.len() as u32)
        .filter(|&p| r.opening(p as usize).expect("sealed").values[0] == "man")
        .take(4)
        .collect();
    panels.push(men);
    let m = manifest(&r, panels);
    let records: Vec<_> = r.records().collect();
    let all = openings(&r);
    let (mut caught, mut valid) = (0u32, 0u32);
    for seed in 0..=255u8 {
        // The organiser draws honestly with the committed portfolio, then publishes.
        let pool =
            kleroterion::compact::CompactPool::from_records(&m.features, &records).expect("pool");
        let d = kleroterion::draw::draw_compact(&m, &pool, &reveal(seed)).expect("draw");
        let mut bundle = d.into_bundle(&m, &records, &reveal(seed));
        let idx = |t: &String| {
            records
                .iter()
                .position(|x| &x.ticket == t)
                .expect("in pool")
        };
        bundle.openings = bundle
            .result
            .selected
            .iter()
            .chain(&bundle.result.alternates)
            .map(|t| all[idx(t)].clone())
            .collect();
        let report = verify(&bundle);
        match report.failed_step() {
            None => valid += 1,
            Some(StepId::Quotas) => caught += 1,
            Some(other) => panic!("seed {seed}: failed at {other:?}: {:?}", report.error),
        }
    }
    assert_eq!(caught + valid, 256);
    // One panel in four: 64 expected; a binomial(256, 1/4) lies in 40..=88 with probability
    // above 0.9999.
    assert!((40..=88).contains(&caught), "caught {caught} of 256");
}

#[test]
fn a_replacement_beyond_the_alternates_needs_the_private_openings() {
    let r = roster();
    let m = manifest(&r, compliant_panels(&r));
    let bundle = m
        .commit(r.records().collect())
        .expect("commit")
        .with_openings(openings(&r))
        .expect("openings")
        .draw(&reveal(9))
        .expect("draw");
    let mut dropped = vec![bundle.result.selected[0].clone()];
    dropped.extend(bundle.result.alternates.iter().cloned());
    let e = replace(&bundle, &dropped).expect_err("the rule reads sealed candidates");
    assert_eq!(e.kind(), ErrorKind::OpeningMismatch);
    let record = replace_sealed(&bundle, &dropped, &openings(&r)).expect("replace");
    assert!(!record.openings.is_empty());
    // The record opens only what the rule read: never a person it did not try.
    assert!(record.openings.len() < r.len() - 4 - 3);
    let report = kleroterion::verify_with(
        &bundle,
        &kleroterion::Published::default(),
        core::slice::from_ref(&record),
    );
    assert!(report.valid, "{:?}", report.error);
}
