//! The embedder's typed path: people in memory through a roster, a manifest that is checked
//! against its pool before it yields a commitment, and result types that go to JSON and back.

use kleroterion::roster::RosterBuilder;
use kleroterion::tickets::holder_of;
use kleroterion::{
    Bundle, DrawResult, ErrorKind, Feature, Manifest, Method, PoolCommitment, Published, Purpose,
    ReceiptCheck, Record, Report, Reveal, SourceValue, TicketKey, check_receipt, verify_with,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

fn gender() -> Feature {
    Feature::new("gender", [("woman", 1, 1), ("man", 1, 1)])
}

fn key() -> TicketKey {
    TicketKey::parse("000102030405060708090a0b0c0d0e0f").expect("key")
}

fn record(ticket: &str, value: &str) -> Record {
    Record {
        link: None,
        seal: None,
        ticket: ticket.into(),
        values: vec![value.into()],
        household: None,
        holder: holder_of(&secret_for(ticket)),
    }
}

/// The receipt secret of a hand-made record: its ticket's last byte, repeated.
fn secret_for(ticket: &str) -> [u8; 32] {
    [ticket.bytes().last().unwrap_or(0); 32]
}

/// Four people: a woman, a man, a woman, a man, in that pool order.
fn records() -> Vec<Record> {
    vec![
        record("AAAA-0000-0000-0001", "woman"),
        record("AAAA-0000-0000-0002", "man"),
        record("AAAA-0000-0000-0003", "woman"),
        record("AAAA-0000-0000-0004", "man"),
    ]
}

fn manifest(method: Method, k: u32, records: &[Record]) -> Manifest {
    Manifest::new(
        "Embedder test",
        method,
        k,
        vec![gender()],
        PoolCommitment::of(records).expect("pool"),
    )
    .with_alternates(1)
    .with_min_cell(1)
}

fn kind<T>(r: kleroterion::Result<T>) -> ErrorKind {
    match r {
        Ok(_) => panic!("accepted"),
        Err(e) => e.kind(),
    }
}

#[test]
fn an_invalid_manifest_yields_no_commitment() {
    let r = records();
    assert_eq!(
        kind(manifest(Method::Uniform, 0, &r).commit(r.clone())),
        ErrorKind::PanelSize
    );
    let mut m = manifest(Method::Greedy { max_attempts: 10 }, 2, &r);
    m.features[0].values[0].min = 2;
    assert_eq!(kind(m.commit(r.clone())), ErrorKind::QuotaMinAboveMax);
    let m = manifest(Method::Uniform, 2, &r).with_announced_at("2027-02-30T12:00:00Z");
    assert_eq!(kind(m.commit(r.clone())), ErrorKind::InvalidTime);
    // The low-level hash still hashes whatever it is given: verifiers need it.
    assert!(manifest(Method::Uniform, 0, &r).commitment().is_ok());
}

#[test]
fn a_manifest_that_does_not_match_its_pool_yields_no_commitment() {
    let r = records();
    let m = manifest(Method::Uniform, 2, &r);
    let mut reversed = r.clone();
    reversed.reverse();
    assert_eq!(
        kind(m.clone().commit(reversed)),
        ErrorKind::PoolRootMismatch
    );
    assert_eq!(kind(m.commit(r[..3].to_vec())), ErrorKind::PoolRootMismatch);
    // A portfolio computed for one pool order, committed with another: panel [0, 1] is a woman
    // and a man in the first order, two women in the second.
    let lottery = Method::Lottery {
        portfolio: vec![vec![0, 1]],
    };
    assert!(manifest(lottery.clone(), 2, &r).commit(r.clone()).is_ok());
    let reordered = vec![r[0].clone(), r[2].clone(), r[1].clone(), r[3].clone()];
    assert_eq!(
        kind(manifest(lottery, 2, &reordered).commit(reordered)),
        ErrorKind::InvalidPortfolio
    );
}

#[test]
fn the_typed_path_draws_verifies_and_answers_receipts() {
    let mut people = RosterBuilder::new(vec![gender()], key());
    for (id, value) in [
        ("p1", "woman"),
        ("p2", "man"),
        ("p3", "woman"),
        ("p4", "man"),
    ] {
        people.add(id, &[value], None).expect("add");
    }
    let roster = people.finish(2).expect("roster");
    let records: Vec<Record> = roster.records().collect();
    let m = Manifest::new(
        "Embedder test",
        Method::Greedy { max_attempts: 10 },
        2,
        roster.features().to_vec(),
        roster.commitment().expect("pool"),
    )
    .with_purpose(Purpose::Rehearsal);
    // Four people, two to a cell: the default floor of 5 refuses to publish them.
    let refused = m.clone().commit(records.clone()).unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::SmallCells);
    assert!(refused.to_string().contains("floor of 5"), "{refused}");
    let committed = m.with_min_cell(2).commit(records.clone()).expect("commit");
    let bundle = committed
        .draw(&Reveal::single(SourceValue::hex([0x42; 32])))
        .expect("draw");
    assert_eq!(bundle.commitment, committed.commitment());
    let report = verify_with(&bundle, &Published::commitment(committed.commitment()), &[]);
    assert!(report.valid, "{report:?}");
    let receipts = committed
        .receipts(|pos| roster.secret(pos))
        .expect("receipts");
    assert_eq!(receipts.len(), 4);
    for receipt in &receipts {
        check_receipt(receipt, &bundle).expect("receipt check");
    }
    // The same receipt without its holder's secret, as anyone could rebuild it from the
    // public pool: refused.
    let mut rebuilt = receipts[0].clone();
    rebuilt.secret = kleroterion::Digest::from_array([0; 32]);
    let e = check_receipt(&rebuilt, &bundle).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ReceiptMismatch);
    assert!(e.to_string().contains("not issued"), "{e}");
    // And the organiser's side refuses to issue one with a wrong secret.
    assert!(committed.receipts(|_| [7; 32]).is_err());
}

#[test]
fn the_roster_refuses_what_the_quotas_do_not_declare_and_keyed_duplicates() {
    let mut people = RosterBuilder::new(vec![gender()], key());
    let e = people.add("p1", &["femme"], None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidPerson);
    assert!(e.to_string().contains("\"femme\""), "{e}");
    assert!(e.to_string().contains("p1"), "{e}");
    let e = people.add("p1", &["woman", "extra"], None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidPerson);
    assert!(people.is_empty(), "a refused person is not added");
    people.add("p1", &["woman"], None).expect("add");
    people.add("p2", &["man"], Some("1 rue A")).expect("add");
    people.add("p1", &["woman"], None).expect("add");
    match people.finish(1) {
        Err(kleroterion::Error::TicketClash { first, second }) => {
            assert_eq!((first.as_str(), second.as_str()), ("0", "2"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_roster_orders_by_ticket_and_maps_rows_positions_and_tickets() {
    let mut people = RosterBuilder::new(vec![gender()], key()).with_open_feature("commune");
    let rows = [
        ("p1", "woman", "Lattes", Some("1 rue A")),
        ("p2", "man", "Pérols", Some("1 rue A")),
        ("p3", "woman", "Lattes", None),
        ("p4", "man", "Grabels", Some("2 rue B")),
    ];
    let mut tickets = Vec::new();
    for (id, g, c, h) in rows {
        tickets.push(people.add(id, &[g, c], h).expect("add"));
        assert_eq!(
            tickets.last().map(ToString::to_string),
            Some(key().ticket(id))
        );
    }
    let roster = people.finish(2).expect("roster");
    assert!(roster.household_rule());
    let features = roster.features();
    let communes: Vec<_> = features[1].values.iter().map(|v| &v.value).collect();
    assert_eq!(communes, ["Lattes", "Pérols", "Grabels"]);
    assert!(features[1].values.iter().all(|v| (v.min, v.max) == (0, 2)));
    let records: Vec<Record> = roster.records().collect();
    let mut sorted: Vec<&str> = records.iter().map(|r| r.ticket.as_str()).collect();
    sorted.sort_unstable();
    assert!(records.iter().map(|r| r.ticket.as_str()).eq(sorted));
    for (row, ticket) in tickets.iter().enumerate() {
        let pos = roster.position(&ticket.to_string()).expect("in the pool");
        assert_eq!(roster.position_of_row(row), Some(pos as u32));
        assert_eq!(roster.row_at(pos), Some(row as u32));
        assert_eq!(records[pos].ticket, ticket.to_string());
        assert_eq!(records[pos].values[0], rows[row].1);
        // p4 is alone at "2 rue B": a tag would say nothing the draw needs, so there is none.
        assert_eq!(
            records[pos].household,
            rows[row].3.filter(|_| row < 2).map(|a| key().household(a))
        );
        assert_eq!(records[pos].holder, holder_of(&key().secret(rows[row].0)));
        assert_eq!(roster.secret(pos), key().secret(rows[row].0));
    }
    assert_eq!(roster.position("0000-0000-0000-0000"), None);
    assert_eq!(roster.position("not a ticket"), None);
    // Households: the two people at "1 rue A" share an id, the others have none.
    let resolved = roster.resolved();
    let h = |row: usize| resolved.household[roster.position_of_row(row).unwrap() as usize];
    assert_eq!(h(0), h(1));
    assert!(h(0).is_some());
    assert_eq!((h(2), h(3)), (None, None));
    assert_eq!(
        roster.commitment().expect("pool"),
        PoolCommitment::of(&records).expect("pool")
    );
}

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) {
    let json = serde_json::to_string(value).expect("to json");
    let back: T = serde_json::from_str(&json).expect("from json");
    assert_eq!(&back, value, "{json}");
}

#[test]
fn result_types_go_to_json_and_back() {
    let r = records();
    let m = manifest(Method::Greedy { max_attempts: 10 }, 2, &r)
        .with_announced_at("2026-12-01T12:00:00Z");
    let committed = m.clone().commit(r.clone()).expect("commit");
    let bundle: Bundle = committed
        .draw(&Reveal::single(SourceValue::hex([7; 32])))
        .expect("draw");
    round_trip(&m);
    round_trip(&bundle);
    round_trip(&bundle.result);
    round_trip(&bundle.reveal);
    let failed = {
        let mut b = bundle.clone();
        b.result = DrawResult {
            selected: b.result.alternates.clone(),
            alternates: b.result.selected.clone(),
            rejections: None,
        };
        verify_with(&b, &Published::default(), &[])
    };
    let passed = verify_with(&bundle, &Published::commitment(bundle.commitment), &[]);
    for report in [&failed, &passed] {
        round_trip::<Report>(report);
    }
    assert!(failed.error_kind.is_some());
    let receipt = committed
        .receipts(|pos| secret_for(&r[pos].ticket))
        .expect("receipts")
        .remove(1);
    round_trip(&receipt);
    round_trip::<ReceiptCheck>(&check_receipt(&receipt, &bundle).expect("check"));
    let replacement =
        kleroterion::replace(&bundle, &[bundle.result.selected[0].clone()]).expect("replace");
    round_trip(&replacement);
    for kind in [ErrorKind::PoolRootMismatch, ErrorKind::CommittedLate] {
        round_trip(&kind);
        assert_eq!(
            serde_json::to_string(&kind).expect("json"),
            format!("\"{kind}\"")
        );
    }
    round_trip(&key());
    assert!(serde_json::from_str::<TicketKey>("\"organiser-secret\"").is_err());
}
