//! The published panel counted against the committed quotas, for display: what the
//! verification page shows, `kleroterion verify` prints and Python's `Bundle.quota_table()`
//! returns. It checks nothing; the `quotas` step of verification does.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::draw::Bundle;
use crate::model::{Feature, Record, TicketIndex};
use crate::text::{DISPLAY_LIMIT, display};

/// One row of the quota table: a feature value (texts escaped for display).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuotaRow {
    /// The feature.
    pub feature: String,
    /// The value.
    pub value: String,
    /// The committed minimum.
    pub min: u32,
    /// The committed maximum.
    pub max: u32,
    /// How many people of the published panel have this value.
    pub panel: u32,
    /// How many people of the pool have this value; `None` when the pool's features are
    /// sealed (SPEC.md section 4.1): only the panel and the alternates are opened.
    pub pool: Option<u32>,
    /// True when `min <= panel <= max`.
    pub ok: bool,
}

/// The published panel against the quotas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuotaTable {
    /// The method's name.
    pub method: String,
    /// True when the method enforces the quotas (greedy, lottery); otherwise they are
    /// informative.
    pub enforced: bool,
    /// One row per feature value, in declared order.
    pub rows: Vec<QuotaRow>,
    /// Published panel tickets that are not in the pool (they are not counted), escaped for
    /// display.
    pub unknown_tickets: Vec<String>,
}

impl QuotaTable {
    /// The published panel of a bundle counted against every quota, with the pool's counts.
    /// A ticket held twice in the pool (a bundle that does not verify) counts its first record.
    pub fn of(bundle: &Bundle) -> Self {
        let m = &bundle.manifest;
        let index = TicketIndex::new(&bundle.pool);
        let mut unknown_tickets = Vec::new();
        let panel: Vec<&[String]> = bundle
            .result
            .selected
            .iter()
            .filter_map(|t| {
                let r = index.get(t).and_then(|i| bundle.pool.get(i as usize));
                if r.is_none() {
                    unknown_tickets.push(display(t, DISPLAY_LIMIT));
                }
                r.map(|r| shown_values(bundle, r))
            })
            .collect();
        let count = |people: &mut dyn Iterator<Item = &[String]>, f: usize, v: &str| -> u32 {
            let n = people
                .filter(|values| values.get(f).map(String::as_str) == Some(v))
                .count();
            u32::try_from(n).unwrap_or(u32::MAX)
        };
        let sealed = m.sealed;
        let pool_counts = (!sealed).then(|| value_counts(&m.features, &bundle.pool));
        let mut rows = Vec::new();
        for (f, feat) in m.features.iter().enumerate() {
            for q in &feat.values {
                let on_panel = count(&mut panel.iter().copied(), f, &q.value);
                rows.push(QuotaRow {
                    feature: display(&feat.name, DISPLAY_LIMIT),
                    value: display(&q.value, DISPLAY_LIMIT),
                    min: q.min,
                    max: q.max,
                    panel: on_panel,
                    pool: pool_counts
                        .as_ref()
                        .map(|c| c[f].get(q.value.as_str()).copied().unwrap_or(0)),
                    ok: q.min <= on_panel && on_panel <= q.max,
                });
            }
        }
        QuotaTable {
            method: m.method.name().into(),
            enforced: m.method.enforces_quotas(),
            rows,
            unknown_tickets,
        }
    }
}

/// For each feature, how many records of the pool hold each value, in one pass over the pool.
fn value_counts<'a>(features: &[Feature], pool: &'a [Record]) -> Vec<BTreeMap<&'a str, u32>> {
    let mut counts: Vec<BTreeMap<&str, u32>> = features.iter().map(|_| BTreeMap::new()).collect();
    for r in pool {
        for (c, v) in counts.iter_mut().zip(&r.values) {
            let n = c.entry(v.as_str()).or_insert(0);
            *n = n.saturating_add(1);
        }
    }
    counts
}

/// A record's values as the bundle shows them: its own, or for a sealed record those of the
/// bundle's opening of it, only when that opening opens it (SPEC.md section 4.1; none
/// otherwise, so that a forged opening is never counted).
fn shown_values<'a>(bundle: &'a Bundle, record: &'a Record) -> &'a [String] {
    match record.seal {
        None => &record.values,
        Some(_) => bundle
            .openings
            .iter()
            .find(|o| o.ticket == record.ticket)
            .filter(|o| o.resolve(&bundle.manifest.features, record).is_ok())
            .map_or(&[], |o| &o.values[..]),
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec;

    use crate::model::{Record, TicketIndex};

    fn record(ticket: &str, value: &str) -> Record {
        Record {
            link: None,
            seal: None,
            ticket: ticket.into(),
            values: vec![value.into()],
            household: None,
            holder: crate::Digest::from_array([0; 32]),
        }
    }

    /// The lookup the table counts the panel with: a ticket held twice is found at its first
    /// index, every time.
    #[test]
    fn a_ticket_held_twice_is_found_at_its_first_index() {
        let pool = vec![
            record("b", "x"),
            record("a", "x"),
            record("b", "y"),
            record("c", "x"),
            record("b", "z"),
        ];
        let index = TicketIndex::new(&pool);
        assert_eq!(index.get("b"), Some(0));
        assert_eq!(index.get("a"), Some(1));
        assert_eq!(index.get("c"), Some(3));
        assert_eq!(index.get("d"), None);
        assert_eq!(index.get(""), None);
    }
}
