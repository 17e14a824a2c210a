//! The demo's summary and report: tables, probability spread, artefacts, in words.

use std::path::Path;

use kleroterion::Method;

use super::data::{Figures, SIZE_CLASSES};
use super::methods;
use super::randomness::{RandomnessMode, StageRandomness, round_time};
use super::report::{self, Block, pct, text_table};
use super::respondents::{Answers, PanelPool};
use super::roll::Roll;
use super::stage::{self, StageRun};
use super::{DemoConfig, DemoError, DemoOptions, DemoSummary, StageSummary};

/// Everything the summary is made from, besides the two stages.
pub struct Input<'a> {
    /// The options.
    pub opts: &'a DemoOptions,
    /// The sizes.
    pub config: &'a DemoConfig,
    /// The embedded figures.
    pub fig: &'a Figures,
    /// The roll.
    pub roll: &'a Roll,
    /// The answers.
    pub answers: &'a Answers,
    /// The stage-2 pool.
    pub pool2: &'a PanelPool,
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn sources(r: &StageRandomness) -> Vec<String> {
    let p = r.plan;
    let mut v = vec![
        format!(
            "drand quicknet round {} ({}), signature {}…; value from {}",
            p.drand.round,
            round_time(p.drand.round),
            &p.drand.signature[..16],
            p.drand.source
        ),
        format!(
            "EuroMillions draw of {}: numbers {:?}, stars {:?}; published by {}",
            p.lottery.date,
            &p.lottery.numbers[..5],
            &p.lottery.numbers[5..],
            p.lottery.source
        ),
    ];
    if let RandomnessMode::HexFallback { reason } = &r.mode {
        v.push(format!(
            "this build cannot check drand signatures ({reason}), so the recipe commits to the round's \
             randomness as a hex source instead of a drand source"
        ));
    }
    v
}

fn stage_summary(
    s: &StageRun,
    r: &StageRandomness,
    method: &str,
    note: Option<String>,
) -> StageSummary {
    let checks = s.checks();
    StageSummary {
        files: s.files.clone(),
        commitment: s.commitment.to_hex(),
        method: method.into(),
        randomness: r.mode.clone(),
        sources: sources(r),
        verified: checks
            .iter()
            .all(|c| c.status != "failed" && c.status != "not checked"),
        checks,
        verdict: s.verdict(),
        by_hand: s.by_hand(),
        receipts_written: s.receipts_written,
        selected: s.bundle.result.selected.clone(),
        alternates: s.bundle.result.alternates.clone(),
        note,
    }
}

/// Hamilton's largest remainder, as SPEC.md section 9.2 defines it.
pub fn largest_remainder(sizes: &[u64], k: u64) -> Vec<u64> {
    let n: u64 = sizes.iter().sum();
    if n == 0 {
        return vec![0; sizes.len()];
    }
    let mut a: Vec<u64> = sizes.iter().map(|&s| k * s / n).collect();
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by(|&x, &y| {
        ((k * sizes[y]) % n)
            .cmp(&((k * sizes[x]) % n))
            .then(sizes[y].cmp(&sizes[x]))
            .then(x.cmp(&y))
    });
    let left = k - a.iter().sum::<u64>();
    for &i in order.iter().take(left as usize) {
        a[i] += 1;
    }
    a
}

/// Per commune: registered voters on the roll, the largest-remainder allocation and the
/// invitations actually drawn.
pub fn allocation(inp: &Input<'_>, invited_ids: &[String]) -> Vec<(String, u64, u64, u64)> {
    let nc = inp.fig.communes.len();
    let mut sizes = vec![0u64; nc];
    for p in &inp.roll.people {
        sizes[usize::from(p.commune)] += 1;
    }
    let expected = largest_remainder(&sizes, u64::from(inp.config.invitations));
    let mut drawn = vec![0u64; nc];
    for i in invited_ids.iter().filter_map(|id| super::roll_index(id)) {
        if let Some(p) = inp.roll.people.get(i) {
            drawn[usize::from(p.commune)] += 1;
        }
    }
    (0..nc)
        .map(|c| {
            (
                inp.fig.communes[c].name.clone(),
                sizes[c],
                expected[c],
                drawn[c],
            )
        })
        .collect()
}

/// The panel against the quotas, the population and the volunteers; `panel` holds each
/// member's values as the bundle opens them.
fn panel_rows(inp: &Input<'_>, panel: &[&[String]]) -> Vec<Vec<String>> {
    let pool = inp.pool2;
    let n = pool.values.len().max(1) as f64;
    let k = f64::from(inp.config.panel_size);
    let mut rows = Vec::new();
    for (f, feat) in pool.features.iter().enumerate() {
        for (v, q) in feat.values.iter().enumerate() {
            let share = pool.shares[f][v] as f64 / 1e6;
            let vol = pool
                .values
                .iter()
                .filter(|x| usize::from(x[f]) == v)
                .count();
            let on = panel.iter().filter(|m| m.get(f) == Some(&q.value)).count();
            rows.push(vec![
                if v == 0 {
                    feat.name.clone()
                } else {
                    String::new()
                },
                q.value.clone(),
                pct(share),
                format!("{:.1}", share * k),
                if q.min == q.max {
                    q.min.to_string()
                } else {
                    format!("{}–{}", q.min, q.max)
                },
                format!("{vol} ({})", pct(vol as f64 / n)),
                on.to_string(),
            ]);
        }
    }
    rows
}

fn spread(inp: &Input<'_>, sealed: &kleroterion_files::intake::Sealed) -> (String, Vec<f64>) {
    let n = inp.pool2.values.len();
    let k = inp.config.panel_size;
    let mean = f64::from(k) / n.max(1) as f64;
    let Some((counts, m)) = &sealed.selection_counts else {
        return (
            format!(
                "Selection probabilities: not computed (the method commits to no portfolio); \
                 the average is k/n = {k}/{n} = {}.\n",
                pct(mean)
            ),
            Vec::new(),
        );
    };
    let m = (*m).max(1);
    let probs: Vec<f64> = counts.iter().map(|&c| f64::from(c) / m as f64).collect();
    let (lo, hi) = probs
        .iter()
        .fold((f64::INFINITY, 0.0f64), |(a, b), &x| (a.min(x), b.max(x)));
    let mut s = format!(
        "Selection probabilities under the committed lottery of {m} panels: min {}, max {}, k/n = {k}/{n} = {}.\n",
        pct(lo),
        pct(hi),
        pct(mean)
    );
    if let (Some(l), Some(r)) = (sealed.leximin_min, sealed.rounding.as_ref()) {
        s.push_str(&format!(
            "LEXIMIN lowest probability before rounding {}; largest change from rounding to {m} panels {} ({:.2}/M).\n",
            pct(l),
            pct(r.max_change),
            r.max_change * f64::from(m)
        ));
        if let Some(w) = kleroterion_files::fair::rounding_warning(r, m) {
            s.push_str(&format!("Warning: {w}.\n"));
        }
    }
    s.push_str(&report::histogram(&probs, 10));
    (s, probs)
}

/// The response rates of a linked stage as a table: feature, value, invited, volunteered, rate.
fn response_rows(s: &StageRun) -> (Vec<String>, Vec<bool>, Vec<Vec<String>>) {
    let header = ["feature", "value", "invited", "volunteered", "rate"]
        .map(String::from)
        .into();
    let rows = s
        .responses
        .iter()
        .map(|r| {
            vec![
                r.feature.clone().unwrap_or_else(|| "total".into()),
                r.value.clone().unwrap_or_default(),
                thousands(r.invited as usize),
                thousands(r.volunteered as usize),
                r.rate(),
            ]
        })
        .collect();
    (header, vec![false, false, true, true, true], rows)
}

fn check_list(s: &StageSummary) -> Vec<String> {
    s.checks
        .iter()
        .map(|c| {
            let detail = if c.detail.is_empty() {
                String::new()
            } else {
                format!(": {}", c.detail.join("; ").replace(":; ", ": "))
            };
            format!("{} — {}{detail}", c.status, c.title)
        })
        .collect()
}

fn rel(out: &Path, p: &Path) -> String {
    p.strip_prefix(out).unwrap_or(p).display().to_string()
}

/// Builds the summary, writes `report.md` and `report.html`.
pub fn build(
    inp: &Input<'_>,
    (s1, r1): (&StageRun, &StageRandomness),
    (s2, r2): (&StageRun, &StageRandomness),
    path: &str,
) -> Result<DemoSummary, DemoError> {
    let out = &inp.opts.out;
    let k2 = inp.config.panel_size;
    let st1 = stage_summary(s1, r1, "stratified by commune, largest remainder", None);
    let method2 = match &s2.bundle.manifest.method {
        Method::Lottery { portfolio } => format!(
            "lottery over {} panels from the LEXIMIN distribution",
            portfolio.len()
        ),
        Method::Greedy { max_attempts } => format!("greedy, {max_attempts} attempts"),
        m => m.name().to_owned(),
    };
    let note = s2.sealed.leximin_partial.as_ref().map(|p| {
        format!(
            "LEXIMIN reached its time limit: the portfolio is rounded from a partial distribution ({} of {} people at their final probability)",
            p.people_fixed, p.people
        )
    });
    let st2 = stage_summary(s2, r2, &method2, note);
    let alloc = allocation(inp, &s1.ids);
    let header: Vec<String> = [
        "feature",
        "value",
        "population",
        &format!("× {k2}"),
        "quota",
        "volunteers",
        "panel",
    ]
    .map(String::from)
    .into();
    let right = vec![false, false, true, true, true, true, true];
    let panel_values: Vec<&[String]> = s2
        .bundle
        .openings
        .iter()
        .take(st2.selected.len())
        .map(|o| o.values.as_slice())
        .collect();
    let rows = panel_rows(inp, &panel_values);
    let panel_table = text_table(&header, &right, &rows);
    let (probability_spread, _) = spread(inp, &s2.sealed);
    let methods = match (&s2.sealed.basis, &s2.bundle.manifest.method) {
        (Some(basis), Method::Lottery { portfolio }) => Some(methods::table(basis, portfolio)?),
        _ => None,
    };
    let (response_header, response_right, response_rows) = response_rows(s2);
    let response_table = text_table(&response_header, &response_right, &response_rows);
    let a = inp.answers;
    let invited = inp.config.invitations as usize;
    let roll_n = inp.roll.people.len();
    let report_md = out.join("report.md");
    let report_html = out.join("report.html");

    let intro = format!(
        "A replay of the Montpellier Méditerranée Métropole citizens' convention on artificial intelligence (2023) \
         with synthetic people: {} registered voters drawn from INSEE figures for the 31 communes, none of them real. \
         The randomness is real and recorded: each stage commits to a drand quicknet round and a EuroMillions draw \
         that did not exist yet at the date the commitment is announced. The dates are those of these public values, \
         not the convention's own calendar.",
        thousands(roll_n)
    );
    let households = match inp.pool2.household_rule {
        true => format!(
            "{} households with several volunteers (the household rule keeps at most one of each)",
            inp.pool2.households_with_several
        ),
        false => format!(
            "{} household(s) with several volunteers: too few to publish their household tags under the disclosure floor, so the household rule is not applied",
            inp.pool2.households_with_several
        ),
    };
    let answers_text = format!(
        "{} invited, {} said yes ({}); {} more offered through another member of their household and were turned away, \
         since only invitees can join a linked pool; {} volunteers in all, {households}.",
        thousands(invited),
        a.invited_yes,
        pct(a.invited_yes as f64 / invited.max(1) as f64),
        a.household_extra,
        a.volunteers.len(),
    );
    let files = |s: &StageSummary, receipts: String| {
        vec![
            format!("manifest: {}", rel(out, &s.files.manifest)),
            format!("commitment: {}", rel(out, &s.files.commitment)),
            format!("pool: {}", rel(out, &s.files.pool)),
            format!("reveal: {}", rel(out, &s.files.reveal)),
            format!("bundle: {}", rel(out, &s.files.bundle)),
            format!("receipts: {} ({receipts})", rel(out, &s.files.receipts)),
        ]
    };
    let openings2 = format!(
        "openings: {} (private: every volunteer's values and salt; the features are sealed, so the public pool holds only seals, and the bundle opens the panel and the alternates)",
        rel(out, &st2.files.openings)
    );
    let receipts1 = format!(
        "{} example receipts; a real organiser gives each of the {} people theirs privately, writing them all here would be pointless",
        st1.receipts_written,
        thousands(roll_n)
    );
    let receipts2 = format!("{} receipts, one per volunteer", st2.receipts_written);
    let mut artefacts = vec![format!("folder: {}", out.display())];
    artefacts.extend(
        files(&st1, receipts1.clone())
            .into_iter()
            .map(|x| format!("stage 1 {x}")),
    );
    artefacts.extend(
        files(&st2, receipts2.clone())
            .into_iter()
            .map(|x| format!("stage 2 {x}")),
    );
    artefacts.push(format!("stage 2 {openings2}"));
    artefacts.push(format!(
        "report: {} and {}",
        rel(out, &report_md),
        rel(out, &report_html)
    ));

    let mut blocks = vec![
        Block::Heading(
            1,
            "kleroterion demo: Montpellier convention citoyenne sur l'IA".into(),
        ),
        Block::Para(intro.clone()),
        Block::Heading(
            2,
            "Stage 1: 2,000 invitations, stratified by commune".into(),
        ),
        Block::List(vec![
            format!(
                "Commitment: {} (announced {})",
                st1.commitment, r1.plan.announced_at
            ),
            format!("Method: {}", st1.method),
        ]),
        Block::Para("Randomness committed in advance:".into()),
        Block::List(st1.sources.clone()),
        Block::Para("Verification of the bundle as written, with the commitment and the EuroMillions numbers as published (checked by computation):".into()),
        Block::List(check_list(&st1)),
        Block::Para(format!("Verdict: {}. To compare by hand, since no program can check them offline:", st1.verdict)),
        Block::List(st1.by_hand.clone()),
        Block::Table {
            header: ["commune", "registered", "allocation", "invited"]
                .map(String::from)
                .into(),
            right: vec![false, true, true, true],
            rows: alloc
                .iter()
                .map(|(c, n, e, d)| vec![c.clone(), n.to_string(), e.to_string(), d.to_string()])
                .collect(),
        },
        Block::Para(format!("Receipts: {receipts1}.")),
        Block::Heading(2, "The answers".into()),
        Block::Para(answers_text.clone()),
        Block::Heading(2, format!("Stage 2: a panel of {k2}")),
        Block::List(vec![
            format!(
                "Commitment: {} (announced {})",
                st2.commitment, r2.plan.announced_at
            ),
            format!(
                "Method: {}, household rule on, {} alternates",
                st2.method, inp.config.alternates
            ),
        ]),
    ];
    if let Some(note) = &st2.note {
        blocks.push(Block::Para(format!("Note: {note}.")));
    }
    blocks.extend([
        Block::Para("Randomness committed in advance:".into()),
        Block::List(st2.sources.clone()),
        Block::Para("Verification of the bundle as written, with the commitment and the EuroMillions numbers as published (checked by computation):".into()),
        Block::List(check_list(&st2)),
        Block::Para(format!("Verdict: {}. To compare by hand, since no program can check them offline:", st2.verdict)),
        Block::List(st2.by_hand.clone()),
        Block::Heading(3, "Who answered: the chain from the invitations to the pool".into()),
        Block::Para("Each volunteer's record links to the stage-1 ticket that invited them, and the bundle was verified together with stage 1's: every volunteer was invited, once, with the gender and age band of the roll. Invited and volunteered by value of stage 1's features:".into()),
        Block::Table { header: response_header, right: response_right, rows: response_rows },
        Block::Para(path.to_owned()),
        Block::Heading(3, "The panel against the quotas and the population".into()),
        Block::Table { header: header.clone(), right: right.clone(), rows: rows.clone() },
        Block::Heading(3, "Selection probabilities".into()),
        Block::Pre(probability_spread.clone()),
        Block::Para(format!("Panel, in draw order: {}.", st2.selected.join(", "))),
        Block::Para(format!("Alternates, in order: {}.", st2.alternates.join(", "))),
        Block::Para(format!(
            "Receipts: {receipts2}. Checked against the bundle: {}.",
            s2.receipt_checks.iter().map(|(t, o)| format!("{t} {o}")).collect::<Vec<_>>().join("; ")
        )),
    ]);
    if let Some((header, right, rows)) = methods {
        blocks.extend([
            Block::Heading(3, "The same volunteers under other methods".into()),
            Block::Para(format!(
                "Each method's selection probabilities recounted from its panels: the exact LEXIMIN distribution (real weights, which cannot be committed), \
                 the committed lottery rounded from it, the greedy method, whose probabilities are known only from draws ({} of them), \
                 and the maximal-entropy method (a draft of protocol version 3: uniform among every panel that meets the quotas and the household rule; {} draws, each counting {} exactly and rejecting the panels that break another quota). \
                 A value pair is a value of one feature and a value of another held by one panel member; the shares are over the pairs the volunteers hold. \
                 BENCHMARKS.md sections 9 and 10 give the same table for other pools.",
                methods::GREEDY_DRAWS,
                methods::MAXENT_DRAWS,
                methods::MAXENT_COUNTED.join(" and ")
            )),
            Block::Table { header, right, rows },
        ]);
    }
    blocks.extend([
        Block::Heading(2, "Artefacts".into()),
        Block::List(artefacts.clone()),
        Block::Para(format!(
            "Size classes of communes: {} (Montpellier; 5 communes of 10,000+; 13 of 5,000-9,999; 12 under 5,000). \
             Figures: INSEE, see tests/data/montpellier/README.md.",
            SIZE_CLASSES.join(", ")
        )),
    ]);
    stage::write_text(&report_md, &report::markdown(&blocks))?;
    stage::write_text(
        &report_html,
        &report::html("kleroterion demo: Montpellier", &blocks),
    )?;

    let mut summary = DemoSummary {
        out: out.clone(),
        stage1: st1,
        stage2: st2,
        report_md,
        report_html,
        roll_size: roll_n,
        volunteers: a.volunteers.len(),
        panel_table,
        probability_spread,
        response_table,
        path: path.to_owned(),
        text: String::new(),
        timings: Vec::new(),
    };
    summary.text = terminal_text(&summary, &intro, &answers_text, &receipts1, &artefacts, k2);
    Ok(summary)
}

/// The summary for a terminal: both stages, the panel table, the spread, the artefacts.
fn terminal_text(
    s: &DemoSummary,
    intro: &str,
    answers: &str,
    receipts1: &str,
    artefacts: &[String],
    k: u32,
) -> String {
    let verdict = |s: &StageSummary| {
        if s.verified {
            let items: Vec<String> = s.by_hand.iter().map(|b| format!("\n    - {b}")).collect();
            format!(
                "verified with the commitment and the EuroMillions numbers as published: {}{}",
                s.verdict,
                items.concat()
            )
        } else {
            "NOT verified".into()
        }
    };
    let fallback = |s: &StageSummary| match &s.randomness {
        RandomnessMode::Drand => {
            "  the drand signature is checked offline against the quicknet public key\n"
        }
        RandomnessMode::HexFallback { .. } => "",
    };
    let (st1, st2) = (&s.stage1, &s.stage2);
    let mut text = format!("{intro}\n\n");
    text.push_str(&format!(
        "Stage 1, invitations: {} drawn from {} voters, {}\n  commitment {}\n  {}\n{}",
        thousands(st1.selected.len()),
        thousands(s.roll_size),
        verdict(st1),
        st1.commitment,
        st1.sources.join("\n  "),
        fallback(st1)
    ));
    text.push_str(&format!(
        "  receipts: {receipts1}\n\nAnswers: {answers}\n\n"
    ));
    text.push_str(&format!(
        "Stage 2, panel of {k}: {}, {}\n  commitment {}\n  {}\n{}",
        st2.method,
        verdict(st2),
        st2.commitment,
        st2.sources.join("\n  "),
        fallback(st2)
    ));
    if let Some(note) = &st2.note {
        text.push_str(&format!("  note: {note}\n"));
    }
    text.push_str(&format!(
        "\nWho answered (each volunteer links to the stage-1 ticket that invited them; verified as a chain):\n{}\n{}\n\n{}\n{}\nArtefacts:\n",
        s.response_table, s.path, s.panel_table, s.probability_spread
    ));
    for a in artefacts {
        text.push_str(&format!("  {a}\n"));
    }
    text
}
