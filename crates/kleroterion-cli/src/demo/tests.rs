//! End-to-end checks of the demo on a scaled-down roll.

use std::collections::HashMap;
use std::path::PathBuf;

use kleroterion::{Bundle, Published, verify};

use super::*;

/// 2,000 invitations from a roll of about 16,000; LEXIMIN gets 3 seconds, so on a slow build
/// this also runs the greedy fallback.
fn small() -> DemoConfig {
    DemoConfig {
        roll_scale_per_mille: 50,
        lottery_panels: 200,
        stage1_receipts: 3,
        leximin_time_limit: Duration::from_secs(3),
        // A twentieth of the roll leaves some commune, gender and age band with one voter.
        stage1_min_cell: 1,
        ..DemoConfig::default()
    }
}

/// About 70 volunteers and panels of 10: small enough for LEXIMIN in a test build.
fn tiny() -> DemoConfig {
    DemoConfig {
        roll_scale_per_mille: 20,
        invitations: 300,
        panel_size: 10,
        alternates: 3,
        lottery_panels: 100,
        stage1_receipts: 2,
        leximin_time_limit: Duration::from_secs(60),
        stage1_min_cell: 1,
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kleroterion-demo-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn the_demo_runs_end_to_end_and_its_bundles_verify() {
    let out = temp_dir("e2e");
    let opts = DemoOptions {
        out: out.clone(),
        quiet: false,
        replace: false,
    };
    let mut steps: Vec<&'static str> = Vec::new();
    let summary = run_with(&opts, &small(), &mut |p| {
        assert!(p.done <= p.total, "{p:?}");
        assert!(STEPS.contains(&p.step), "{}", p.step);
        if steps.last() != Some(&p.step) {
            steps.push(p.step);
        }
    })
    .unwrap();

    // Every step reported, in order.
    let order: Vec<usize> = steps
        .iter()
        .filter_map(|s| STEPS.iter().position(|t| t == s))
        .collect();
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "{steps:?}");

    // The bundles on disk verify.
    for s in [&summary.stage1, &summary.stage2] {
        let text = std::fs::read_to_string(&s.files.bundle).unwrap();
        let report = verify(&Bundle::from_json(&text).unwrap());
        assert!(report.valid, "{:?}", report.error);
        assert!(s.verified);
        assert!(s.files.manifest.exists() && s.files.pool.exists() && s.files.reveal.exists());
        assert_eq!(
            std::fs::read_dir(&s.files.receipts).unwrap().count(),
            s.receipts_written
        );
    }
    assert!(summary.report_md.exists() && summary.report_html.exists());

    // Stage 1 allocation: 2,000 invitations, as the largest remainder gives them.
    assert_eq!(summary.stage1.selected.len(), 2000);
    let fig = data::Figures::load().unwrap();
    let roll = roll::Roll::build(&fig, 50, &mut |_, _| {}).unwrap();
    // Each invitation's commune, as the published stage-1 pool gives it.
    let b1 =
        Bundle::from_json(&std::fs::read_to_string(&summary.stage1.files.bundle).unwrap()).unwrap();
    let at = b1
        .manifest
        .features
        .iter()
        .position(|f| f.name == "commune")
        .unwrap();
    let commune_of: HashMap<&str, &str> = b1
        .pool
        .iter()
        .map(|r| (r.ticket.as_str(), r.values[at].as_str()))
        .collect();
    let mut drawn = vec![0u64; fig.communes.len()];
    for t in &summary.stage1.selected {
        let c = fig
            .communes
            .iter()
            .position(|c| c.name == commune_of[t.as_str()])
            .unwrap();
        drawn[c] += 1;
    }
    let mut sizes = vec![0u64; fig.communes.len()];
    for p in &roll.people {
        sizes[usize::from(p.commune)] += 1;
    }
    assert_eq!(drawn, summary::largest_remainder(&sizes, 2000));
    assert_eq!(drawn.iter().sum::<u64>(), 2000);

    // Stage 2: a panel of 40 with strict parity, and a few hundred volunteers.
    assert_eq!(summary.stage2.selected.len(), 40);
    assert!(
        (300..=800).contains(&summary.volunteers),
        "{}",
        summary.volunteers
    );
    assert!(summary.panel_table.contains("woman") && summary.panel_table.contains("commune_size"));
    assert!(summary.text.contains("Artefacts"));

    // The two stages verify as a chain, and the response rates agree with a recount made
    // from the files alone.
    let read = |p: &std::path::Path| std::fs::read_to_string(p).unwrap();
    let (text1, text2) = (
        read(&summary.stage1.files.bundle),
        read(&summary.stage2.files.bundle),
    );
    let (b1, b2) = (
        Bundle::from_json(&text1).unwrap(),
        Bundle::from_json(&text2).unwrap(),
    );
    let chain = kleroterion::verify_chain(
        &b2,
        &Published::default(),
        &[],
        &b1,
        &Published::default(),
        &[],
    );
    assert!(
        chain.valid,
        "{:?} {:?}",
        chain.previous.error, chain.report.error
    );
    assert!(
        chain
            .report
            .steps
            .iter()
            .any(|s| s.id == kleroterion::StepId::Inherited
                && s.status == kleroterion::Status::Passed)
    );
    let recount = recount_responses(&text1, &text2);
    let got: Vec<(String, String, u32, u32)> = chain
        .responses
        .iter()
        .map(|r| {
            (
                r.feature.clone().unwrap_or_default(),
                r.value.clone().unwrap_or_default(),
                r.invited,
                r.volunteered,
            )
        })
        .collect();
    assert_eq!(got, recount);
    assert!(summary.text.contains("Who answered"));
    let _ = std::fs::remove_dir_all(&out);
}

/// Counts, from the two bundles' JSON and nothing else, the invitees of stage 1 by value of each
/// of its features and how many stage-2 records link to them, then the totals.
fn recount_responses(stage1: &str, stage2: &str) -> Vec<(String, String, u32, u32)> {
    let v1: serde_json::Value = serde_json::from_str(stage1).unwrap();
    let v2: serde_json::Value = serde_json::from_str(stage2).unwrap();
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_owned())
            .collect()
    };
    let mut invited = strings(&v1["result"]["selected"]);
    invited.extend(strings(&v1["result"]["alternates"]));
    let values: HashMap<String, Vec<String>> = v1["pool"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["ticket"].as_str().unwrap().to_owned(),
                strings(&r["values"]),
            )
        })
        .collect();
    let links: std::collections::HashSet<String> = v2["pool"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["link"].as_str().unwrap().to_owned())
        .collect();
    let mut rows = Vec::new();
    for (f, feature) in v1["manifest"]["features"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        for value in feature["values"].as_array().unwrap() {
            let value = value["value"].as_str().unwrap();
            let with: Vec<&String> = invited.iter().filter(|t| values[*t][f] == value).collect();
            rows.push((
                feature["name"].as_str().unwrap().to_owned(),
                value.to_owned(),
                with.len() as u32,
                with.iter().filter(|t| links.contains(**t)).count() as u32,
            ));
        }
    }
    let total = v2["pool"].as_array().unwrap().len() as u32;
    rows.push((String::new(), String::new(), invited.len() as u32, total));
    rows
}

#[test]
fn a_tiny_demo_commits_a_leximin_lottery_and_stays_quiet() {
    let out = temp_dir("tiny");
    let mut calls = 0;
    let opts = DemoOptions {
        out: out.clone(),
        quiet: true,
        replace: false,
    };
    let summary = run_with(&opts, &tiny(), &mut |_| calls += 1).unwrap();
    assert_eq!(calls, 0);
    let method = &summary.stage2.method;
    assert!(method.starts_with("lottery over 100 panels"), "{method}");
    assert!(summary.stage2.note.is_none());
    assert!(
        summary.probability_spread.contains("min "),
        "{}",
        summary.probability_spread
    );
    assert_eq!(summary.stage2.selected.len(), 10);
    let manifest = std::fs::read_to_string(&summary.stage2.files.manifest).unwrap();
    let manifest = kleroterion::Manifest::from_json(&manifest).unwrap();
    assert!(manifest.sealed);
    assert_eq!(
        manifest.parent.as_ref().map(|p| p.inherited.clone()),
        Some(vec!["gender".to_string(), "age".to_string()])
    );
    let kleroterion::Method::Lottery { portfolio } = &manifest.method else {
        panic!("not a lottery: {}", manifest.method.name());
    };
    assert_eq!(portfolio.len(), 100);
    let _ = std::fs::remove_dir_all(&out);
}
