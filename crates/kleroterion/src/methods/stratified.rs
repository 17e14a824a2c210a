//! Stratified draws and seat allocation across strata (SPEC.md section 9.2).

use alloc::collections::BinaryHeap;
use alloc::vec::Vec;
use core::cmp::Ordering;

use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::{Allocation, Manifest};
use crate::model::ResolvedPool;
use crate::stream::{Purpose, Stream};
use crate::trace::Log;

/// Seats per stratum for stratum sizes `sizes` and `k` seats.
pub fn allocate(
    allocation: &Allocation,
    sizes: &[u32],
    k: u32,
    value_names: &[&str],
) -> Result<Vec<u32>> {
    match allocation {
        Allocation::Explicit { counts } => {
            for ((&c, &s), name) in counts.iter().zip(sizes).zip(value_names) {
                if c > s {
                    return Err(Error::AllocationExceedsStratum {
                        stratum: (*name).into(),
                        asked: c,
                        available: s,
                    });
                }
            }
            Ok(counts.clone())
        }
        Allocation::LargestRemainder => Ok(largest_remainder(sizes, k)),
        Allocation::SainteLague => Ok(sainte_lague(sizes, k)),
    }
}

/// Hamilton: floors, then one seat each to the largest remainders (ties: larger stratum,
/// then earlier value).
pub fn largest_remainder(sizes: &[u32], k: u32) -> Vec<u32> {
    let n: u64 = sizes.iter().map(|&s| u64::from(s)).sum();
    if n == 0 {
        return alloc::vec![0; sizes.len()];
    }
    let k = u64::from(k);
    let mut seats: Vec<u32> = sizes
        .iter()
        .map(|&s| (k * u64::from(s) / n) as u32)
        .collect();
    let given: u64 = seats.iter().map(|&s| u64::from(s)).sum();
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by(|&a, &b| {
        let ra = k * u64::from(sizes[a]) % n;
        let rb = k * u64::from(sizes[b]) % n;
        rb.cmp(&ra).then(sizes[b].cmp(&sizes[a])).then(a.cmp(&b))
    });
    for &s in order.iter().take((k - given) as usize) {
        seats[s] += 1;
    }
    seats
}

#[derive(PartialEq, Eq)]
struct Quotient {
    size: u32,
    seats: u32,
    index: usize,
}

impl Ord for Quotient {
    fn cmp(&self, o: &Self) -> Ordering {
        // size / (2 seats + 1), compared exactly; then larger size; then earlier value.
        let lhs = u128::from(self.size) * u128::from(2 * u64::from(o.seats) + 1);
        let rhs = u128::from(o.size) * u128::from(2 * u64::from(self.seats) + 1);
        lhs.cmp(&rhs)
            .then(self.size.cmp(&o.size))
            .then(o.index.cmp(&self.index))
    }
}

impl PartialOrd for Quotient {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// Sainte-Laguë: `k` times, a seat to the stratum with room that maximises
/// `size / (2 seats + 1)` (ties: larger stratum, then earlier value).
pub fn sainte_lague(sizes: &[u32], k: u32) -> Vec<u32> {
    let mut seats = alloc::vec![0u32; sizes.len()];
    let mut heap: BinaryHeap<Quotient> = sizes
        .iter()
        .enumerate()
        .filter(|&(_, &s)| s > 0)
        .map(|(index, &size)| Quotient {
            size,
            seats: 0,
            index,
        })
        .collect();
    for _ in 0..k {
        let Some(mut q) = heap.pop() else { break };
        seats[q.index] += 1;
        q.seats += 1;
        if q.seats < q.size {
            heap.push(q);
        }
    }
    seats
}

/// Draws a stratified panel: strata in value order, each on its own stream.
pub fn draw(
    manifest: &Manifest,
    pool: &ResolvedPool,
    seed: &Digest,
    feature: &str,
    allocation: &Allocation,
) -> Result<Vec<u32>> {
    draw_logged(manifest, pool, seed, feature, allocation, &mut Log::off())
}

/// [`draw`], recording every pick in `log`.
pub(crate) fn draw_logged(
    manifest: &Manifest,
    pool: &ResolvedPool,
    seed: &Digest,
    feature: &str,
    allocation: &Allocation,
    log: &mut Log,
) -> Result<Vec<u32>> {
    let (f, feat) = manifest
        .features
        .iter()
        .enumerate()
        .find(|(_, x)| x.name == feature)
        .ok_or_else(|| Error::UnknownFeature {
            field: "the method",
            feature: feature.into(),
        })?;
    let members = strata_members(pool, f, feat.values.len());
    let sizes: Vec<u32> = members.iter().map(|m| m.len() as u32).collect();
    let names: Vec<&str> = feat.values.iter().map(|v| v.value.as_str()).collect();
    let seats = allocate(allocation, &sizes, manifest.panel_size, &names)?;
    let mut selected = Vec::with_capacity(manifest.panel_size as usize);
    for (s, (m, &a)) in members.iter().zip(&seats).enumerate() {
        if a == 0 {
            continue;
        }
        let mut stream = Stream::new(seed, Purpose::Stratum, s as u32);
        selected.extend(super::sample_logged(
            &mut stream,
            m.len() as u32,
            a,
            |i| m[i as usize],
            log,
            (Purpose::Stratum, s as u32),
        ));
    }
    Ok(selected)
}

/// The members of each stratum (value of feature `f`), in pool order.
pub fn strata_members(pool: &ResolvedPool, f: usize, values: usize) -> Vec<Vec<u32>> {
    let mut members = alloc::vec![Vec::new(); values];
    for (i, row) in pool.rows().enumerate() {
        members[row[f] as usize].push(i as u32);
    }
    members
}
