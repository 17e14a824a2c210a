//! A distribution computed before the commit is what the commit rounds: the committed
//! portfolio's selection counts, recounted by id, agree with the reported rounding loss against
//! that distribution's probabilities; a distribution for other people, quotas, panel size or
//! households is refused with a message that says how to fix it.

use std::collections::HashMap;

use kleroterion::manifest::Method;
use kleroterion_files::{
    CommitOptions, FileError, GivenDistribution, IdColumn, MethodChoice, People, PeopleOptions,
    Quotas, TicketSource, commit,
};

const QUOTAS: &str = "feature,value,min,max\n\
gender,female,2,4\ngender,male,2,4\n\
age,young,1,5\nage,old,1,5\n";

/// Twelve people, two pairs sharing an address.
const PEOPLE: &str = "id,gender,age,street\n\
p1,female,young,1 rue A\np2,male,young,1 rue A\np3,female,old,2 rue B\n\
p4,female,young,3 rue C\np5,female,young,4 rue D\np6,male,old,5 rue E\n\
p7,male,old,6 rue F\np8,male,young,6 rue F\np9,male,old,7 rue G\n\
p10,male,old,8 rue H\np11,female,old,9 rue I\np12,male,young,10 rue J\n";

const K: u32 = 5;
const M: u32 = 200;

fn inputs(households: bool) -> (People, Quotas) {
    let quotas = Quotas::parse_bytes("quotas.csv", QUOTAS.as_bytes()).expect("quotas");
    let opts = PeopleOptions {
        id: IdColumn::Named("id".into()),
        household_columns: if households {
            vec!["street".into()]
        } else {
            vec![]
        },
        ..Default::default()
    };
    let people =
        People::parse_bytes("people.csv", PEOPLE.as_bytes(), &quotas, &opts).expect("people");
    (people, quotas)
}

fn options() -> CommitOptions {
    CommitOptions::new(K, MethodChoice::Lottery { panels: M })
        .with_allow_small_cells(1)
        .with_title("given distribution")
        .with_tickets(TicketSource::Keyed(
            kleroterion::TicketKey::from_bytes(b"given distrib key").unwrap(),
        ))
}

/// The LEXIMIN distribution of the people in file order, as an analyst computes it.
fn leximin(people: &People, quotas: &Quotas, k: u32, households: bool) -> GivenDistribution {
    let order: Vec<usize> = (0..people.people.len()).collect();
    let instance =
        kleroterion_files::fair::instance(quotas, people, &order, k, households).expect("instance");
    let dist = kleroterion_fair::leximin(&instance, &kleroterion_fair::Options::default())
        .expect("leximin");
    GivenDistribution::new(instance, dist).expect("given")
}

#[test]
fn the_commit_rounds_the_given_distribution_and_reports_its_loss() {
    let (people, quotas) = inputs(true);
    let given = leximin(&people, &quotas, K, true);
    let by_id: HashMap<&str, f64> = people
        .people
        .iter()
        .zip(&given.distribution().probabilities)
        .map(|(p, &q)| (p.id.as_str(), q))
        .collect();
    let c = commit(
        &people,
        &quotas,
        &options().with_distribution(given.clone()),
    )
    .expect("commit");
    let Method::Lottery { portfolio } = &c.manifest.method else {
        panic!("not a lottery")
    };
    assert_eq!(portfolio.len(), M as usize);
    // Recount each person's panels from the committed portfolio, by id through the ticket map.
    let id_at: HashMap<u32, &str> = c
        .tickets
        .iter()
        .map(|t| (t.pool_index, t.id.as_str()))
        .collect();
    let mut count: HashMap<&str, u32> = HashMap::new();
    for panel in portfolio {
        for pos in panel {
            *count.entry(id_at[pos]).or_default() += 1;
        }
    }
    let recount = by_id
        .iter()
        .map(|(id, p)| (f64::from(count.get(id).copied().unwrap_or(0)) / f64::from(M) - p).abs())
        .fold(0.0, f64::max);
    let loss = c.rounding.as_ref().expect("rounding loss");
    assert!(
        (loss.max_change - recount).abs() < 1e-12,
        "{loss:?} against {recount}"
    );
    let min_before = by_id.values().copied().fold(f64::INFINITY, f64::min);
    assert!((loss.min_before - min_before).abs() < 1e-12);
    assert!((c.leximin_min.unwrap() - min_before).abs() < 1e-12);
    // The people reported as most changed are those of the recount.
    for pos in &loss.people {
        let id = id_at[pos];
        let change = (f64::from(count[id]) / f64::from(M) - by_id[id]).abs();
        assert!((change - recount).abs() < 1e-12, "{id}");
    }
    // The portfolio is the given distribution rounded: renumbered here to pool positions
    // through the ticket map, and rounded with the fair crate directly.
    let mut rows_by_pool: Vec<(u32, usize)> =
        c.tickets.iter().map(|t| (t.pool_index, t.person)).collect();
    rows_by_pool.sort_unstable();
    let order: Vec<usize> = rows_by_pool.iter().map(|&(_, row)| row).collect();
    let mut pos_of = vec![0u32; order.len()];
    for (pos, &row) in order.iter().enumerate() {
        pos_of[row] = pos as u32;
    }
    let in_pool = kleroterion_files::fair::instance(&quotas, &people, &order, K, true).unwrap();
    let mut renumbered = given.distribution().clone();
    for panel in &mut renumbered.panels {
        for member in panel.iter_mut() {
            *member = pos_of[*member as usize];
        }
        panel.sort_unstable();
    }
    renumbered.probabilities = order
        .iter()
        .map(|&row| given.distribution().probabilities[row])
        .collect();
    let expected = kleroterion_fair::round_to_lottery_with(
        &in_pool,
        &renumbered,
        M,
        &kleroterion_fair::Options::default(),
    )
    .unwrap();
    assert_eq!(portfolio, &expected.panels);
}

#[test]
fn the_same_distribution_gives_the_same_commitment() {
    let (people, quotas) = inputs(true);
    let given = leximin(&people, &quotas, K, true);
    let a = commit(
        &people,
        &quotas,
        &options().with_distribution(given.clone()),
    )
    .unwrap();
    let b = commit(&people, &quotas, &options().with_distribution(given)).unwrap();
    assert_eq!(a.commitment, b.commitment);
}

fn refused(result: kleroterion_files::Result<kleroterion_files::Committed>, needle: &str) {
    match result {
        Err(FileError::Invalid { detail }) => {
            assert!(detail.contains(needle), "{detail}");
            assert!(detail.contains("Fix:"), "{detail}");
        }
        other => panic!("expected Invalid ({needle}), got {other:?}"),
    }
}

#[test]
fn a_distribution_for_another_draw_is_refused() {
    let (people, quotas) = inputs(true);
    // Another panel size.
    let other_k = leximin(&people, &quotas, K + 1, true);
    refused(
        commit(&people, &quotas, &options().with_distribution(other_k)),
        "panels of 6",
    );
    // Computed without the household rule, committed with it.
    let no_households = leximin(&people, &quotas, K, false);
    refused(
        commit(
            &people,
            &quotas,
            &options().with_distribution(no_households),
        ),
        "households",
    );
    // Other quotas.
    let wider = Quotas::parse_bytes(
        "quotas.csv",
        QUOTAS
            .replace("gender,female,2,4", "gender,female,1,4")
            .as_bytes(),
    )
    .unwrap();
    let other_quotas = leximin(&people, &wider, K, true);
    refused(
        commit(&people, &quotas, &options().with_distribution(other_quotas)),
        "other quotas",
    );
    // Other people: the same ids, one value changed.
    let opts = PeopleOptions {
        id: IdColumn::Named("id".into()),
        household_columns: vec!["street".into()],
        ..Default::default()
    };
    let text = PEOPLE.replace("p12,male,young", "p12,male,old");
    let changed = People::parse_bytes("people.csv", text.as_bytes(), &quotas, &opts).unwrap();
    let other_people = leximin(&changed, &quotas, K, true);
    refused(
        commit(&people, &quotas, &options().with_distribution(other_people)),
        "data row 12",
    );
    // Another method.
    let given = leximin(&people, &quotas, K, true);
    let mut greedy = options().with_distribution(given);
    greedy.method = Some(MethodChoice::Greedy { max_attempts: 10 });
    refused(commit(&people, &quotas, &greedy), "only a lottery draw");
}

#[test]
fn a_distribution_that_does_not_fit_its_instance_is_refused() {
    let (people, quotas) = inputs(true);
    let given = leximin(&people, &quotas, K, true);
    let mut dist = given.distribution().clone();
    dist.panels[0].pop();
    match GivenDistribution::new(given.instance().clone(), dist) {
        Err(FileError::Invalid { detail }) => assert!(detail.contains("panel 1"), "{detail}"),
        other => panic!("{other:?}"),
    }
    let mut dist = given.distribution().clone();
    dist.probabilities.pop();
    assert!(GivenDistribution::new(given.instance().clone(), dist).is_err());
}
