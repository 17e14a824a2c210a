//! Options own what they hold, so an embedder can move them into a worker thread and cancel
//! the run from any other thread.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;

use kleroterion_fair::synthetic::synthetic;
use kleroterion_fair::{Cancel, FairError, Options, leximin};

#[test]
fn options_with_a_progress_callback_run_on_another_thread() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let options = Options::new().with_progress(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    let inst = synthetic(150, 20, 1);
    let here = leximin(&inst, &Options::default()).expect("leximin");
    let there = thread::spawn(move || leximin(&inst, &options))
        .join()
        .expect("the worker did not panic")
        .expect("leximin");
    assert!(calls.load(Ordering::Relaxed) > 0);
    // The callback changes nothing in the result.
    assert_eq!(here, there);
}

#[test]
fn a_cloned_cancel_token_stops_a_run_from_a_third_thread() {
    // Several seconds to decompose in a debug build; the cancel lands at the first report.
    let inst = synthetic(800, 40, 1);
    let cancel = Cancel::new();
    let (started, has_started) = mpsc::channel::<()>();
    let options = Options::new()
        .with_progress(move |_| {
            // Only the first send matters; the receiver is gone after it.
            let _ = started.send(());
        })
        .with_cancel(cancel.clone());
    let run = thread::spawn(move || leximin(&inst, &options));
    let canceller = thread::spawn(move || {
        has_started
            .recv()
            .expect("the run reported progress before it ended");
        cancel.cancel();
    });
    canceller.join().expect("the canceller did not panic");
    match run.join().expect("the worker did not panic") {
        Err(FairError::Cancelled { stopped, .. }) => assert_eq!(stopped.people, 800),
        Ok(_) => panic!(
            "the run finished before the cancel landed: use a bigger instance so that the run \
             outlasts the cancel"
        ),
        Err(e) => panic!("expected a cancellation, got {e}"),
    }
}

#[test]
fn clones_of_a_cancel_token_share_one_flag() {
    let cancel = Cancel::new();
    let options = Options::new().with_cancel(cancel.clone());
    let copy = options.clone();
    assert!(!cancel.is_cancelled());
    thread::spawn(move || cancel.cancel()).join().unwrap();
    assert!(options.cancel.as_ref().is_some_and(Cancel::is_cancelled));
    assert!(copy.cancel.as_ref().is_some_and(Cancel::is_cancelled));
    let inst = synthetic(60, 8, 1);
    assert!(matches!(
        leximin(&inst, &copy),
        Err(FairError::Cancelled { .. })
    ));
}
