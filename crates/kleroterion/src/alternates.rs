//! The alternates list and the replacement order (SPEC.md section 10.1).

use alloc::vec::Vec;

use crate::digest::Digest;
use crate::model::ResolvedPool;
use crate::sampling::Permutation;
use crate::stream::{Purpose, Stream};
use crate::trace::{Log, Picked};

/// The lazily shuffled candidates for alternates and replacements.
#[derive(Debug)]
pub struct ReplacementOrder {
    candidates: Vec<u32>,
    perm: Permutation,
    stream: Stream,
    produced: Vec<u32>,
}

impl ReplacementOrder {
    /// Candidates: people not selected and, under the household rule, not sharing a
    /// household with a selected person; in pool order, shuffled on the `alternates` stream.
    pub fn new(pool: &ResolvedPool, selected: &[u32], household_rule: bool, seed: &Digest) -> Self {
        let n = pool.len();
        let mut excluded = alloc::vec![false; n];
        let mut households: Vec<u32> = Vec::new();
        for &s in selected {
            if let Some(e) = excluded.get_mut(s as usize) {
                *e = true;
            }
            if let Some(Some(h)) = pool.household.get(s as usize) {
                households.push(*h);
            }
        }
        households.sort_unstable();
        let candidates: Vec<u32> = (0..n)
            .filter(|&i| {
                let shares =
                    pool.household[i].is_some_and(|h| households.binary_search(&h).is_ok());
                !(excluded[i] || household_rule && shares)
            })
            .map(|i| i as u32)
            .collect();
        let perm = Permutation::new(candidates.len() as u32);
        Self {
            candidates,
            perm,
            stream: Stream::new(seed, Purpose::Alternates, 0),
            produced: Vec::new(),
        }
    }

    /// The `i`-th person of the order (0-based), drawing further as needed.
    pub fn get(&mut self, i: usize) -> Option<u32> {
        self.get_logged(i, &mut Log::off())
    }

    fn get_logged(&mut self, i: usize, log: &mut Log) -> Option<u32> {
        while self.produced.len() <= i {
            let (next, draw) = self.perm.next_draw(&mut self.stream)?;
            let person = self.candidates[next as usize];
            log.draw(
                Purpose::Alternates.as_str(),
                0,
                draw,
                Picked::Person(person),
            );
            self.produced.push(person);
        }
        self.produced.get(i).copied()
    }

    /// The first `a` people of the order (fewer when there are fewer candidates).
    pub fn first(&mut self, a: u32) -> Vec<u32> {
        self.first_logged(a, &mut Log::off())
    }

    pub(crate) fn first_logged(&mut self, a: u32, log: &mut Log) -> Vec<u32> {
        (0..a as usize)
            .map_while(|i| self.get_logged(i, log))
            .collect()
    }

    /// The number of candidates.
    pub fn len(&self) -> usize {
        self.candidates.len()
    }

    /// True when no one is left to be an alternate.
    pub fn is_empty(&self) -> bool {
        self.candidates.is_empty()
    }
}
