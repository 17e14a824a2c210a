//! One function per step of verification, named after its [`StepId`](super::StepId)
//! (SPEC.md section 12.1).

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::builder::{Done, Failure, StepResult, skipped};
use crate::digest::Digest;
use crate::draw::{
    BUNDLE_FORMAT, Bundle, Outcome, check_pool, check_portfolio_of, check_reveal, compute_outcome,
    transcript,
};
use crate::encoding::SPEC_VERSION;
use crate::error::{Error, ErrorKind};
use crate::manifest::{Manifest, Method, Purpose};
use crate::model::ResolvedPool;
use crate::published::Published;
use crate::quotas::{broken_quotas, shared_household};
use crate::replace::{Replacement, replace_verified};
use crate::reveal::SourceValue;
use crate::text::{DISPLAY_LIMIT, display};
use crate::time::format_unix;

pub(super) fn format_step(bundle: &Bundle) -> StepResult<()> {
    let m = &bundle.manifest;
    if bundle.format != BUNDLE_FORMAT {
        return Err(Failure::new(
            ErrorKind::UnreadableBundle,
            format!(
                "this file is not a kleroterion bundle (format \"{}\")",
                crate::text::display(&bundle.format, 80)
            ),
        ));
    }
    let found = if bundle.spec != SPEC_VERSION {
        &bundle.spec
    } else {
        &m.spec
    };
    if found != SPEC_VERSION {
        let e = Error::UnsupportedSpec {
            found: crate::text::display(found, 80),
        };
        return Err(Failure::from(e).compared(SPEC_VERSION.into(), display(found, 80)));
    }
    Ok(Done::passed((), Vec::new()).compared(SPEC_VERSION.into(), bundle.spec.clone()))
}

pub(super) fn manifest_step(bundle: &Bundle, published: &Published) -> StepResult<Digest> {
    let m = &bundle.manifest;
    m.validate()?;
    let commitment = m.commitment()?;
    let (reference, whose) = match published.commitment {
        Some(c) => (c, "the commitment you gave (as published)"),
        None => (bundle.commitment, "the bundle's own copy of the commitment"),
    };
    if commitment != reference {
        return Err(Failure::new(
            ErrorKind::CommitmentMismatch,
            format!(
                "the manifest does not hash to {whose}: it was changed after the commitment was published, or this is not the commitment of this draw"
            ),
        )
        .compared(commitment.to_hex(), reference.to_hex()));
    }
    if commitment != bundle.commitment {
        return Err(Failure::new(
            ErrorKind::CommitmentMismatch,
            "the bundle's own commitment field differs from the manifest's hash".into(),
        )
        .compared(commitment.to_hex(), bundle.commitment.to_hex()));
    }
    let note = match published.commitment {
        Some(_) => "equal to the commitment you gave",
        None => {
            "compared only with the bundle's own copy: compare it by hand with the published commitment (below)"
        }
    };
    Ok(Done::passed(commitment, alloc::vec![note.into()])
        .compared(commitment.to_hex(), reference.to_hex()))
}

pub(super) fn pool_step(bundle: &Bundle) -> StepResult<ResolvedPool> {
    let m = &bundle.manifest;
    let checked = check_pool(m, &bundle.pool)
        .and_then(|()| crate::seal::check_sealing(m.sealed, &bundle.pool))
        .and_then(|()| ResolvedPool::new(&m.features, &bundle.pool))
        .and_then(|pool| {
            let cells = crate::disclosure::check(m, &pool, |i| bundle.pool[i].ticket.clone())?;
            Ok((pool, cells))
        });
    let (pool, cells) = checked.map_err(|e| Failure {
        published: Some(m.pool.root.to_hex()),
        ..Failure::from(e)
    })?;
    let mut detail = alloc::vec![match m.sealed {
        true => format!(
            "{} records, sealed: each publishes a salted commitment to its values instead of the values",
            bundle.pool.len()
        ),
        false => format!("{} records", bundle.pool.len()),
    }];
    detail.push(disclosure_line(m.min_cell, cells.as_ref()));
    Ok(Done::passed(pool, detail).compared(m.pool.root.to_hex(), m.pool.root.to_hex()))
}

/// The pool step's line on the disclosure floor (SPEC.md section 12.1).
fn disclosure_line(floor: u32, cells: Option<&crate::disclosure::Cells>) -> String {
    use crate::disclosure::DEFAULT_FLOOR;
    let Some(c) = cells else {
        return "disclosure: the pool publishes nothing but tickets".into();
    };
    let floor_note = if floor < DEFAULT_FLOOR {
        format!(
            "the manifest's floor is {floor}: the organiser lowered it below the default of {DEFAULT_FLOOR}"
        )
    } else {
        format!("the manifest's floor is {floor}")
    };
    format!(
        "disclosure: the smallest cell holds {} record(s), {} record(s) are alone in their cell; {floor_note}",
        c.smallest, c.alone
    )
}

pub(super) fn portfolio_step(m: &Manifest, pool: &ResolvedPool) -> StepResult<()> {
    let Method::Lottery { portfolio } = &m.method else {
        return Ok(skipped("no portfolio: not the lottery method"));
    };
    check_portfolio_of(m, pool)?;
    let line = match m.sealed {
        true => format!(
            "{} panels, each of {} distinct people and keeping the household rule; the features are sealed, so their quotas cannot be checked here: the drawn panel's are (quotas step), and a panel that breaks them is exposed if it is drawn, with probability 1/{}",
            portfolio.len(),
            m.panel_size,
            portfolio.len()
        ),
        false => format!("{} panels, each meeting every quota", portfolio.len()),
    };
    Ok(Done::passed((), alloc::vec![line]))
}

pub(super) fn openings_step(bundle: &Bundle, pool: &mut ResolvedPool) -> StepResult<()> {
    let m = &bundle.manifest;
    if !m.sealed {
        if !bundle.openings.is_empty() {
            return Err(Failure::new(
                ErrorKind::OpeningMismatch,
                "the bundle carries openings, but its pool is open: an open pool has nothing to open".into(),
            ));
        }
        return Ok(skipped("the features are open: nothing is sealed"));
    }
    let expected: Vec<&String> = bundle
        .result
        .selected
        .iter()
        .chain(&bundle.result.alternates)
        .collect();
    let count_differs = || {
        Failure::new(
            ErrorKind::OpeningMismatch,
            format!(
                "the bundle gives {} openings, but the panel and the alternates are {} people: it must open exactly them, in order",
                bundle.openings.len(),
                expected.len()
            ),
        )
    };
    let index = crate::model::TicketIndex::new(&bundle.pool);
    for (k, want) in expected.iter().enumerate() {
        let Some(o) = bundle.openings.get(k) else {
            return Err(count_differs());
        };
        if &&o.ticket != want {
            return Err(Failure::new(
                ErrorKind::OpeningMismatch,
                format!(
                    "opening {} is for ticket {}, but the panel then the alternates put ticket {} there",
                    k + 1,
                    display(&o.ticket, DISPLAY_LIMIT),
                    display(want, DISPLAY_LIMIT)
                ),
            ));
        }
        crate::seal::apply(
            pool,
            &m.features,
            &bundle.pool,
            &index,
            core::slice::from_ref(o),
        )?;
    }
    if bundle.openings.len() > expected.len() {
        return Err(count_differs());
    }
    Ok(Done::passed(
        (),
        alloc::vec![format!(
            "{} openings, the panel's then the alternates', each hashing to its record's seal",
            bundle.openings.len()
        )],
    ))
}

pub(super) fn randomness_step(bundle: &Bundle, published: &Published) -> StepResult<()> {
    let lines = check_reveal(&bundle.manifest, &bundle.reveal)?;
    for given in &published.lotteries {
        check_published_lottery(bundle, given)?;
    }
    Ok(Done::passed((), lines))
}

fn check_published_lottery(
    bundle: &Bundle,
    given: &crate::published::PublishedLottery,
) -> Result<(), Failure> {
    let specs = bundle.manifest.committed_sources();
    // Every recipe source naming this draw (a recipe may name one draw twice): the numbers of
    // each copy are compared, so that none of them can be chosen freely.
    let positions: Vec<usize> = specs
        .clone()
        .enumerate()
        .filter(|(_, s)| {
            matches!(s, crate::recipe::SourceSpec::Lottery { lottery, date, .. }
                if *lottery == given.lottery && *date == given.date)
        })
        .map(|(i, _)| i)
        .collect();
    let name = crate::text::display(&given.lottery, 80);
    let date = crate::text::display(&given.date, 80);
    if positions.is_empty() {
        return Err(Failure::new(
            ErrorKind::LotteryMismatch,
            format!(
                "you gave the results of {name} of {date}, but the recipe commits to no such draw"
            ),
        ));
    }
    for i in positions {
        compare_lottery(bundle, given, i, &name, &date)?;
    }
    Ok(())
}

/// Compares the reveal's value at position `i` with a lottery result given as published.
fn compare_lottery(
    bundle: &Bundle,
    given: &crate::published::PublishedLottery,
    i: usize,
    name: &str,
    date: &str,
) -> Result<(), Failure> {
    let specs = bundle.manifest.committed_sources();
    let Some(SourceValue::Lottery { main, bonus, .. }) = bundle.reveal.sources.get(i) else {
        return Err(Failure::new(
            ErrorKind::LotteryMismatch,
            format!("the reveal gives no lottery value for {name} of {date}"),
        ));
    };
    let sorted = |v: &[u32]| {
        let mut v = v.to_vec();
        v.sort_unstable();
        v
    };
    let same = sorted(main) == sorted(&given.main)
        && bonus.len() == given.bonus.len()
        && bonus
            .iter()
            .zip(&given.bonus)
            .all(|(a, b)| sorted(a) == sorted(b));
    if !same {
        let format = specs
            .clone()
            .nth(i)
            .and_then(crate::recipe::SourceSpec::lottery_format);
        let show = |m: &[u32], b: &[Vec<u32>]| match &format {
            Some(f) => f.display(m, b),
            None => format!("{m:?} {b:?}"),
        };
        return Err(Failure::new(
            ErrorKind::LotteryMismatch,
            format!(
                "the bundle's numbers for {name} of {date} are not the published ones: the randomness was not the committed draw's"
            ),
        )
        .compared(show(main, bonus), show(&given.main, &given.bonus)));
    }
    Ok(())
}

pub(super) fn time_order_step(m: &Manifest) -> StepResult<()> {
    if m.purpose == Purpose::Replay {
        return Ok(skipped(
            "a replay: its randomness existed before this manifest was written (see the items to compare by hand)",
        ));
    }
    let Some(recipe) = &m.randomness else {
        return Ok(skipped(
            "no recipe: nothing was committed in advance (see the items to compare by hand)",
        ));
    };
    let timed: Vec<(String, u64)> = recipe
        .sources
        .iter()
        .filter_map(|s| s.time().ok().flatten().map(|t| (s.describe(), t)))
        .collect();
    if timed.is_empty() {
        return Ok(skipped(
            "no source whose time a program knows (hex values, dice): compare the announcement by hand",
        ));
    }
    let Some(announced) = m.announced_at.as_deref() else {
        return Err(Error::AnnouncementMissing.into());
    };
    // The manifest step checked the form; a valid time before 1970 has no Unix seconds and
    // comes before every source.
    let at = crate::time::parse_utc(announced).unwrap_or(0);
    if let Some((what, t)) = timed.iter().find(|(_, t)| *t <= at) {
        return Err(Failure::new(
            ErrorKind::CommittedLate,
            format!(
                "committed after the randomness existed: the draw proves nothing ({} existed at {}, but the commitment says it was announced at {announced})",
                crate::text::display(what, 200),
                format_unix(*t)
            ),
        )
        .compared(format_unix(*t), announced.into()));
    }
    let lines: Vec<String> = timed
        .iter()
        .map(|(what, t)| {
            format!(
                "{} exists from {} (UTC), after the announcement at {announced}",
                crate::text::display(what, 200),
                format_unix(*t)
            )
        })
        .collect();
    Ok(Done::passed((), lines))
}

pub(super) fn seed_step(bundle: &Bundle, commitment: &Digest) -> StepResult<Digest> {
    let seed = bundle.reveal.seed(commitment)?;
    if seed != bundle.seed {
        return Err(Failure::new(
            ErrorKind::SeedMismatch,
            "the seed does not follow from the published randomness".into(),
        )
        .compared(seed.to_hex(), bundle.seed.to_hex()));
    }
    Ok(Done::passed(seed, Vec::new()).compared(seed.to_hex(), bundle.seed.to_hex()))
}

pub(super) fn draw_step(
    bundle: &Bundle,
    pool: &ResolvedPool,
    seed: &Digest,
) -> StepResult<Outcome> {
    let outcome = compute_outcome(&bundle.manifest, pool, seed, &bundle.reveal)?;
    compare_outcome(bundle, &outcome).map_err(|msg| Failure::new(ErrorKind::DrawMismatch, msg))?;
    let mut lines = alloc::vec![format!(
        "{} selected and {} alternates recomputed",
        outcome.selected.len(),
        outcome.alternates.len()
    )];
    if let Some(r) = outcome.rejections {
        lines.push(format!(
            "{r} panels drawn and rejected before the panel (a quota of a feature that is not counted, or the household rule)"
        ));
    }
    Ok(Done::passed(outcome, lines))
}

pub(super) fn quotas_step(
    bundle: &Bundle,
    pool: &ResolvedPool,
    outcome: &Outcome,
) -> StepResult<()> {
    let m = &bundle.manifest;
    let broken = broken_quotas(&m.features, pool, &outcome.selected);
    if !m.method.enforces_quotas() {
        let mut notes = alloc::vec![format!(
            "the {} method does not enforce quotas; for information:",
            m.method.name()
        )];
        if broken.is_empty() {
            notes.push("every quota holds".into());
        }
        notes.extend(broken);
        return Ok(Done::passed((), notes));
    }
    if let Some(first) = broken.first() {
        return Err(Failure::new(
            ErrorKind::QuotaBroken,
            format!("the panel breaks a quota: {first}"),
        ));
    }
    if let Some((x, y)) = m
        .household_rule
        .then(|| shared_household(pool, &outcome.selected))
        .flatten()
    {
        let (tx, ty) = (
            &bundle.pool[x as usize].ticket,
            &bundle.pool[y as usize].ticket,
        );
        return Err(Failure::new(
            ErrorKind::HouseholdBroken,
            format!("tickets {tx} and {ty} share a household"),
        ));
    }
    Ok(Done::passed((), alloc::vec!["every quota holds".into()]))
}

pub(super) fn transcript_step(
    bundle: &Bundle,
    commitment: &Digest,
    seed: &Digest,
    outcome: &Outcome,
) -> StepResult<()> {
    let t = transcript(commitment, seed, outcome)?;
    if t != bundle.transcript {
        return Err(Failure::new(
            ErrorKind::TranscriptMismatch,
            "the transcript hash does not match the result".into(),
        )
        .compared(t.to_hex(), bundle.transcript.to_hex()));
    }
    Ok(Done::passed((), Vec::new()).compared(t.to_hex(), bundle.transcript.to_hex()))
}

pub(super) fn replacements_step(bundle: &Bundle, replacements: &[Replacement]) -> StepResult<()> {
    if replacements.is_empty() {
        return Ok(skipped("no replacement record was given"));
    }
    let mut lines = Vec::new();
    for (i, given) in replacements.iter().enumerate() {
        let fail = |why: String| {
            Failure::new(
                ErrorKind::ReplacementMismatch,
                format!("replacement record {}: {why}", i + 1),
            )
        };
        if given.transcript != bundle.transcript {
            return Err(
                fail("it was made from another draw (its transcript differs)".into())
                    .compared(bundle.transcript.to_hex(), given.transcript.to_hex()),
            );
        }
        let computed = replace_verified(bundle, &given.dropped, &given.openings)
            .map_err(|e| fail(e.to_string()))?;
        if let Some(what) = replacement_difference(&computed, given) {
            return Err(fail(what));
        }
        lines.push(format!(
            "record {}: declared dropped, in order: {}; replaced by: {}",
            i + 1,
            crate::text::display(&given.dropped.join(", "), 4096),
            crate::text::display(
                &given
                    .replacements
                    .iter()
                    .map(|r| r.as_deref().unwrap_or("(nobody)"))
                    .collect::<Vec<_>>()
                    .join(", "),
                4096
            )
        ));
    }
    lines.push("the organiser chooses who is declared dropped: each person named can contest it with their receipt".into());
    Ok(Done::passed((), lines))
}

fn replacement_difference(computed: &Replacement, given: &Replacement) -> Option<String> {
    if given.format != computed.format || given.spec != computed.spec {
        return Some(format!(
            "its format is \"{}\" of \"{}\"",
            display(&given.format, 80),
            display(&given.spec, 80)
        ));
    }
    if given.replacements != computed.replacements {
        return Some(
            "the replacements differ from those the rule of SPEC.md section 10.2 gives".into(),
        );
    }
    if given.panel != computed.panel {
        return Some("the panel after replacement differs from the recomputed one".into());
    }
    if given.broken_quotas != computed.broken_quotas {
        return Some("the list of broken quotas differs from the recomputed one".into());
    }
    if given.openings != computed.openings {
        return Some(
            "its openings are not exactly those the rule reads, in the order it reads them (SPEC.md section 10.2)".into(),
        );
    }
    (given.hash != computed.hash).then(|| {
        format!(
            "the hash {} differs from the recomputed {}",
            given.hash, computed.hash
        )
    })
}

fn compare_outcome(bundle: &Bundle, outcome: &Outcome) -> Result<(), String> {
    let pool = &bundle.pool;
    let index = crate::model::TicketIndex::new(pool);
    for (what, published, computed) in [
        ("panel", &bundle.result.selected, &outcome.selected),
        (
            "alternates list",
            &bundle.result.alternates,
            &outcome.alternates,
        ),
    ] {
        if let Some(t) = published.iter().find(|t| index.get(t).is_none()) {
            return Err(format!(
                "ticket {} is not in the committed pool",
                display(t, DISPLAY_LIMIT)
            ));
        }
        for (pos, c) in computed.iter().enumerate() {
            let want = &pool[*c as usize].ticket;
            match published.get(pos) {
                Some(got) if got == want => {}
                Some(got) => {
                    return Err(format!(
                        "the draw gives ticket {want} at position {} of the {what}, but the bundle says {}",
                        pos + 1,
                        display(got, DISPLAY_LIMIT)
                    ));
                }
                None => {
                    return Err(format!(
                        "the draw gives {} people on the {what}, but the bundle lists only {}",
                        computed.len(),
                        published.len()
                    ));
                }
            }
        }
        if published.len() > computed.len() {
            return Err(format!(
                "the bundle lists {} people on the {what}, but the draw gives only {}",
                published.len(),
                computed.len()
            ));
        }
    }
    match (bundle.result.rejections, outcome.rejections) {
        (got, want) if got == want => Ok(()),
        (Some(got), Some(want)) => Err(format!(
            "the draw rejects {want} panels before the panel, but the bundle says {got}"
        )),
        (None, Some(want)) => Err(format!(
            "the draw rejects {want} panels before the panel, and the bundle does not say how many"
        )),
        (Some(got), None) => Err(format!(
            "the bundle says {got} panels were rejected, but the {} method rejects none",
            bundle.manifest.method.name()
        )),
        (None, None) => Ok(()),
    }
}
