//! Commit options own what they hold: an embedder can keep them in application state and run
//! the commit, the draw and the verification on worker threads.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use kleroterion::{Reveal, SourceValue, draw, verify};
use kleroterion_files::{
    CommitOptions, MethodChoice, People, PeopleOptions, Quotas, TicketSource, commit,
};

const QUOTAS: &[u8] = b"feature,value,min,max\n\
gender,female,2,2\ngender,male,2,2\n\
age,young,1,3\nage,old,1,3\n";

const PEOPLE: &[u8] = b"id,gender,age\n\
1,female,young\n2,female,young\n3,female,old\n4,female,young\n5,female,young\n\
6,male,old\n7,male,old\n8,male,young\n9,male,old\n10,male,old\n";

fn inputs() -> (People, Quotas) {
    let quotas = Quotas::parse_bytes("quotas.csv", QUOTAS).expect("quotas");
    let people = People::parse_bytes("people.csv", PEOPLE, &quotas, &PeopleOptions::default())
        .expect("people");
    (people, quotas)
}

fn options() -> CommitOptions {
    CommitOptions::new(4, MethodChoice::Lottery { panels: 20 })
        // Small test pools: every cell is small.
        .with_allow_small_cells(1)
        .with_title("threads")
        .with_alternates(2)
        .with_tickets(TicketSource::Keyed(
            kleroterion::TicketKey::from_bytes(b"threads key 0123").unwrap(),
        ))
}

#[test]
fn commit_options_with_a_progress_callback_move_to_a_worker_thread() {
    let (people, quotas) = inputs();
    let here = commit(&people, &quotas, &options()).expect("commit");

    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let mut options = options();
    options.fair = options.fair.with_progress(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    let reveal = Reveal {
        sources: vec![SourceValue::Hex { value: vec![7] }],
    };
    let worker = thread::spawn(move || {
        let committed = commit(&people, &quotas, &options).expect("commit on the worker");
        let bundle = draw(&committed.manifest, &committed.pool.records, &reveal)
            .expect("draw on the worker");
        (committed, bundle)
    });
    let (there, bundle) = worker.join().expect("the worker did not panic");
    assert!(
        calls.load(Ordering::Relaxed) > 0,
        "LEXIMIN reported no progress"
    );
    // The callback changes nothing that is committed.
    assert_eq!(here.commitment, there.commitment);
    assert_eq!(bundle.result.selected.len(), 4);

    let verifier = thread::spawn(move || verify(&bundle));
    assert!(verifier.join().expect("the verifier did not panic").valid);
}

/// What a commit produces goes to JSON and back equal (an embedder keeps it between requests),
/// its method choice and ticket key included; a weak key in such a file is refused on reading.
#[test]
fn a_commit_goes_to_json_and_back() {
    let (people, quotas) = inputs();
    let committed = commit(&people, &quotas, &options()).expect("commit");
    let json = serde_json::to_string(&committed).expect("to json");
    let back: kleroterion_files::Committed = serde_json::from_str(&json).expect("from json");
    assert_eq!(back, committed);
    for choice in [
        MethodChoice::Lottery { panels: 20 },
        MethodChoice::Greedy { max_attempts: 9 },
        MethodChoice::Uniform,
    ] {
        let text = serde_json::to_string(&choice).expect("to json");
        assert_eq!(
            serde_json::from_str::<MethodChoice>(&text).expect("back"),
            choice
        );
    }
    let weak = json.replace(
        &committed.ticket_key.as_ref().expect("keyed").to_hex(),
        "6b6b",
    );
    assert!(serde_json::from_str::<kleroterion_files::Committed>(&weak).is_err());
}
