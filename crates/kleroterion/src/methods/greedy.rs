//! Quota-constrained sequential selection (SPEC.md section 9.3).

use alloc::format;
use alloc::vec::Vec;
use core::cmp::Ordering;

use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::Manifest;
use crate::model::ResolvedPool;
use crate::sampling::uniform_draw;
use crate::stream::{Purpose, Stream};
use crate::trace::{Log, Picked};

/// Runs attempts until one succeeds; returns the panel and the successful attempt number.
pub fn draw(
    manifest: &Manifest,
    pool: &ResolvedPool,
    seed: &Digest,
    max_attempts: u32,
) -> Result<(Vec<u32>, u32)> {
    draw_logged(manifest, pool, seed, max_attempts, &mut Log::off())
}

/// [`draw`], recording every pick of every attempt in `log`.
pub(crate) fn draw_logged(
    manifest: &Manifest,
    pool: &ResolvedPool,
    seed: &Digest,
    max_attempts: u32,
    log: &mut Log,
) -> Result<(Vec<u32>, u32)> {
    for a in 0..max_attempts {
        let mut stream = Stream::new(seed, Purpose::Panel, a);
        if let Some(panel) = attempt(manifest, pool, (&mut stream, a), log) {
            return Ok((panel, a));
        }
    }
    Err(Error::DrawFailed {
        detail: format!(
            "the greedy method found no panel meeting every quota in {max_attempts} attempts"
        ),
    })
}

struct State<'a> {
    pool: &'a ResolvedPool,
    available: Vec<bool>,
    sel: Vec<Vec<u32>>,
    rem: Vec<Vec<u32>>,
}

impl State<'_> {
    fn remove(&mut self, i: usize) {
        if self.available[i] {
            self.available[i] = false;
            for (f, &v) in self.pool.row(i).iter().enumerate() {
                self.rem[f][v as usize] -= 1;
            }
        }
    }
}

/// `(min - sel) / rem` as a fraction with positive denominator.
fn ratio(min: u32, sel: u32, rem: u32) -> (i64, i64) {
    (i64::from(min) - i64::from(sel), i64::from(rem))
}

fn attempt(
    manifest: &Manifest,
    pool: &ResolvedPool,
    (stream, a): (&mut Stream, u32),
    log: &mut Log,
) -> Option<Vec<u32>> {
    let features = &manifest.features;
    let n = pool.len();
    let mut st = State {
        pool,
        available: alloc::vec![true; n],
        sel: features
            .iter()
            .map(|f| alloc::vec![0; f.values.len()])
            .collect(),
        rem: features
            .iter()
            .map(|f| alloc::vec![0; f.values.len()])
            .collect(),
    };
    for (i, row) in pool.rows().enumerate() {
        let excluded = row
            .iter()
            .zip(features)
            .any(|(&v, feat)| feat.values[v as usize].max == 0);
        if excluded {
            st.available[i] = false;
            continue;
        }
        for (f, &v) in row.iter().enumerate() {
            st.rem[f][v as usize] += 1;
        }
    }
    let mut selected = Vec::with_capacity(manifest.panel_size as usize);
    while selected.len() < manifest.panel_size as usize {
        let mut best: Option<(usize, usize, (i64, i64))> = None;
        for (f, feat) in features.iter().enumerate() {
            for (v, q) in feat.values.iter().enumerate() {
                let (sel, rem) = (st.sel[f][v], st.rem[f][v]);
                if rem == 0 || sel >= q.max {
                    continue;
                }
                if u64::from(rem) + u64::from(sel) < u64::from(q.min) {
                    return None;
                }
                let r = ratio(q.min, sel, rem);
                let better = match best {
                    None => true,
                    Some((_, _, b)) => (r.0 * b.1).cmp(&(b.0 * r.1)) == Ordering::Greater,
                };
                if better {
                    best = Some((f, v, r));
                }
            }
        }
        let (f, v, _) = best?;
        let d = uniform_draw(stream, u64::from(st.rem[f][v]));
        let p = (0..n)
            .filter(|&i| st.available[i] && pool.value(i, f) as usize == v)
            .nth(d.value as usize)?;
        log.draw(Purpose::Panel.as_str(), a, d, Picked::Person(p as u32));
        selected.push(p as u32);
        st.remove(p);
        for (g, &w) in pool.row(p).iter().enumerate() {
            st.sel[g][w as usize] += 1;
        }
        if let (true, Some(h)) = (manifest.household_rule, pool.household[p]) {
            for i in 0..n {
                if pool.household[i] == Some(h) {
                    st.remove(i);
                }
            }
        }
        for (g, feat) in features.iter().enumerate() {
            for (w, q) in feat.values.iter().enumerate() {
                if st.sel[g][w] == q.max && st.rem[g][w] > 0 {
                    for i in 0..n {
                        if pool.value(i, g) as usize == w {
                            st.remove(i);
                        }
                    }
                }
            }
        }
    }
    let meets_mins = features.iter().enumerate().all(|(f, feat)| {
        feat.values
            .iter()
            .enumerate()
            .all(|(v, q)| st.sel[f][v] >= q.min)
    });
    meets_mins.then_some(selected)
}
