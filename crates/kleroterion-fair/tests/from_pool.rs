//! From a committed pool to LEXIMIN and back to a lottery method, with no index translated by
//! hand: person `i` of the instance is pool index `i`.

use kleroterion::roster::RosterBuilder;
use kleroterion::{ErrorKind, Feature, Manifest, Method, TicketKey};
use kleroterion_fair::{Instance, Options, leximin, round_to_lottery};

fn key() -> TicketKey {
    TicketKey::parse("0f0e0d0c0b0a09080706050403020100").expect("key")
}

fn features() -> Vec<Feature> {
    vec![
        Feature::new("gender", [("woman", 2, 2), ("man", 2, 2)]),
        Feature::new("age", [("young", 1, 3), ("old", 1, 3)]),
    ]
}

/// Ten people in a file order that is not the ticket order; two households of two.
fn roster(with_commune: bool) -> kleroterion::Roster {
    let mut b = RosterBuilder::new(features(), key());
    if with_commune {
        b = b.with_open_feature("commune");
    }
    for i in 0..10 {
        let gender = if i % 3 == 0 { "man" } else { "woman" };
        let age = if i < 5 { "young" } else { "old" };
        let household = match i {
            1 | 2 => Some("1 rue A"),
            6 | 7 => Some("2 rue B"),
            _ => None,
        };
        let commune = if i % 2 == 0 { "Lattes" } else { "Pérols" };
        let values: Vec<&str> = if with_commune {
            vec![gender, age, commune]
        } else {
            vec![gender, age]
        };
        b.add(&format!("p{i}"), &values, household).expect("add");
    }
    b.finish(4).expect("roster")
}

#[test]
fn a_lottery_from_the_pool_commits_against_the_same_pool() {
    let roster = roster(true);
    let quota_features = &roster.features()[..2];
    let instance =
        Instance::from_pool(quota_features, &roster.resolved(), 4, true).expect("instance");
    assert_eq!(instance.len(), roster.len());
    assert_eq!(instance.features, quota_features);
    let records: Vec<_> = roster.records().collect();
    for (i, r) in records.iter().enumerate() {
        let names: Vec<&str> = instance.people[i]
            .iter()
            .zip(&instance.features)
            .map(|(&v, f)| f.values[v as usize].value.as_str())
            .collect();
        assert_eq!(names, r.values[..2], "person {i} is pool index {i}");
    }
    let distribution = leximin(&instance, &Options::new()).expect("leximin");
    let portfolio = round_to_lottery(&instance, &distribution, 50).expect("lottery");
    let panels = portfolio.panels.clone();
    let method = portfolio.into_method();
    assert_eq!(method, Method::Lottery { portfolio: panels });
    let manifest = Manifest::new(
        "From the pool",
        method,
        4,
        roster.features().to_vec(),
        roster.commitment().expect("pool"),
    )
    .with_household_rule(roster.household_rule())
    // Ten people: most are alone in their cell. This test is about indices, not disclosure.
    .with_min_cell(1);
    let committed = manifest.commit(records.clone()).expect("commit");
    // The same portfolio against the pool in file order is refused before any commitment.
    let mut file_order = records.clone();
    file_order.sort_by_key(|r| {
        (0..roster.len())
            .find(|&row| roster.ticket_of_row(row).map(|t| t.to_string()) == Some(r.ticket.clone()))
            .expect("row")
    });
    assert_ne!(
        file_order, records,
        "the file order is not the ticket order"
    );
    let mut moved = committed.manifest().clone();
    moved.pool = kleroterion::PoolCommitment::of(&file_order).expect("pool");
    let refused = moved
        .commit(file_order)
        .expect_err("a portfolio for another order");
    assert!(
        [ErrorKind::InvalidPortfolio].contains(&refused.kind()),
        "{refused}"
    );
}

#[test]
fn households_enter_only_under_the_rule_and_missing_features_are_refused() {
    let roster = roster(false);
    let with = Instance::from_pool(roster.features(), &roster.resolved(), 4, true).expect("with");
    let without =
        Instance::from_pool(roster.features(), &roster.resolved(), 4, false).expect("without");
    assert_eq!(with.households.iter().filter(|h| h.is_some()).count(), 4);
    assert!(without.households.is_empty());
    let mut more = features();
    more.push(Feature::new("commune", [("Lattes", 0, 4)]));
    assert!(Instance::from_pool(&more, &roster.resolved(), 4, false).is_err());
    assert!(Instance::from_pool(roster.features(), &roster.resolved(), 0, false).is_err());
}
