//! The commit workflow: people + quotas + options → manifest, pool, receipts, ticket map.

use kleroterion::{Allocation, Digest, Manifest, PoolFile, Receipt, Recipe, SPEC_VERSION};

use crate::error::{FileError, Result};
use crate::intake::{Intake, Sealed, Source};
use crate::limits::cut;
use crate::people::People;
use crate::quotas::Quotas;
use crate::tickets::TicketSource;

/// The selection method, as the organiser chooses it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "name", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum MethodChoice {
    /// `k` of `n` uniformly (quotas informative only).
    Uniform,
    /// Uniform within the strata of one feature (a quota feature or an extra column).
    Stratified {
        /// The stratifying feature.
        feature: String,
        /// How seats are allocated across strata.
        allocation: Allocation,
    },
    /// The Sortition Foundation's legacy greedy algorithm, in integer arithmetic.
    Greedy {
        /// Attempts before the draw fails (1 to 1000).
        max_attempts: u32,
    },
    /// One panel of a portfolio computed with LEXIMIN and rounded to `panels` equiprobable
    /// panels.
    Lottery {
        /// The portfolio's size M (for example 1,000).
        panels: u32,
    },
    /// Every panel that meets the quotas and the household rule equally likely (maximal
    /// entropy, SPEC.md section 9.6, a draft of version 3).
    Maxent {
        /// The features whose quotas the exact count enforces (in any order: the manifest lists
        /// them in the quotas' order); the others are met by rejection.
        counted: Vec<String>,
        /// Attempts before the draw fails (1 to 100,000).
        max_attempts: u32,
        /// The weights: a panel is drawn in proportion to the product of its members'
        /// weights, and the manifest commits to every weight.
        #[serde(default)]
        weights: MaxentWeights,
    },
}

/// Where the weights of a `maxent` draw come from.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaxentWeights {
    /// None: every compliant panel equally likely.
    #[default]
    Equal,
    /// The people file's column holding each person's weight, a whole number from 1 to
    /// 4,294,967,295.
    Column(String),
    /// Fitted so that each person's exact probability is as close as the fit gets to their
    /// LEXIMIN probability ([`crate::weight_fit`]); only for a draw that never rejects a panel.
    Leximin,
}

impl MethodChoice {
    /// The method's protocol name.
    pub fn name(&self) -> &'static str {
        match self {
            MethodChoice::Uniform => "uniform",
            MethodChoice::Stratified { .. } => "stratified",
            MethodChoice::Greedy { .. } => "greedy",
            MethodChoice::Lottery { .. } => "lottery",
            MethodChoice::Maxent { .. } => "maxent",
        }
    }

    /// True when the method applies the quotas and the household rule.
    pub fn enforces_quotas(&self) -> bool {
        matches!(
            self,
            MethodChoice::Greedy { .. }
                | MethodChoice::Lottery { .. }
                | MethodChoice::Maxent { .. }
        )
    }
}

/// Parses `largest-remainder`, `sainte-lague` or `explicit:3,4,5`.
pub fn parse_allocation(text: &str) -> Result<Allocation> {
    let t = text.trim().to_lowercase().replace('_', "-");
    match t.as_str() {
        "largest-remainder" | "hamilton" => Ok(Allocation::LargestRemainder),
        "sainte-lague" | "sainte-laguë" | "webster" => Ok(Allocation::SainteLague),
        _ => {
            let bad = || FileError::Invalid {
                detail: format!(
                    "allocation \"{text}\" is not known. Fix: use largest-remainder, sainte-lague, or explicit:3,4,5 (one count per value of the stratifying feature, in its order)"
                ),
            };
            let counts = t.strip_prefix("explicit:").ok_or_else(bad)?;
            let counts = counts
                .split(',')
                .map(|c| c.trim().parse::<u32>().map_err(|_| bad()))
                .collect::<Result<Vec<_>>>()?;
            Ok(Allocation::Explicit { counts })
        }
    }
}

/// Everything `commit` needs besides the files.
///
/// Build it with [`CommitOptions::new`] and the `with_` methods; the fields stay public to read
/// and to change.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct CommitOptions {
    /// A free description of the draw.
    pub title: String,
    /// When the commitment is published, `YYYY-MM-DDTHH:MM:SSZ` (optional).
    pub announced_at: Option<String>,
    /// The panel size `k`.
    pub panel_size: u32,
    /// The length of the alternates list.
    pub alternates: u32,
    /// The method; `None` is an error (there is no silent default).
    pub method: Option<MethodChoice>,
    /// The committed randomness recipe; `None` accepts any reveal (the verifier says so).
    pub randomness: Option<Recipe>,
    /// Whether the draw is official, a rehearsal or a replay of a past draw.
    pub purpose: kleroterion::Purpose,
    /// The current time in Unix seconds, checked against the recipe
    /// ([`crate::timing::check_timing`]); `None` reads the system clock.
    pub now: Option<u64>,
    /// How tickets and household keys are made.
    pub tickets: TicketSource,
    /// Options for the fair solver (time limit, progress) for the lottery method.
    pub fair: kleroterion_fair::Options,
    /// For the lottery method: when the time limit is reached, round the partial distribution
    /// (not the full LEXIMIN) instead of failing with [`FileError::TimeLimit`].
    pub accept_partial: bool,
    /// The disclosure floor when it is lowered below the default of 5 records a cell: the pool
    /// is written with cells this small, and the manifest records the choice (SPEC.md section
    /// 17). `None` applies the default.
    pub allow_small_cells: Option<u32>,
    /// Seal the features (SPEC.md section 4.1, lottery only): the pool publishes a salted
    /// commitment to each person's values instead of the values, and only the panel, the
    /// alternates and the replacements are opened.
    pub sealed: bool,
    /// The previous stage this pool is drawn from (SPEC.md section 5.3): each person is linked
    /// to the ticket that invited them, and the manifest names the previous stage.
    pub previous: Option<std::sync::Arc<crate::previous::PreviousStage>>,
    /// For the lottery method: a distribution computed beforehand on the same people, quotas
    /// and panel size, rounded to the committed lottery instead of computing LEXIMIN again.
    pub distribution: Option<std::sync::Arc<crate::given::GivenDistribution>>,
}

impl CommitOptions {
    /// Options for a panel of `panel_size` by `method`: no title, no alternates, no
    /// announcement, no committed randomness, an official draw, the system clock, random
    /// tickets, default fair options, and no partial LEXIMIN.
    pub fn new(panel_size: u32, method: MethodChoice) -> Self {
        Self {
            panel_size,
            method: Some(method),
            ..Self::default()
        }
    }

    /// Sets the title.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// Sets the length of the alternates list.
    pub fn with_alternates(mut self, alternates: u32) -> Self {
        self.alternates = alternates;
        self
    }

    /// Sets when the commitment is published (`YYYY-MM-DDTHH:MM:SSZ`).
    pub fn with_announced_at(mut self, at: impl Into<String>) -> Self {
        self.announced_at = Some(at.into());
        self
    }

    /// Sets the committed randomness recipe.
    pub fn with_randomness(mut self, recipe: Recipe) -> Self {
        self.randomness = Some(recipe);
        self
    }

    /// Sets why the draw is run.
    pub fn with_purpose(mut self, purpose: kleroterion::Purpose) -> Self {
        self.purpose = purpose;
        self
    }

    /// Lowers the disclosure floor to `cells` records a cell (recorded in the manifest and
    /// shown by every verifier).
    pub fn with_allow_small_cells(mut self, cells: u32) -> Self {
        self.allow_small_cells = Some(cells);
        self
    }

    /// Seals the features (lottery only; SPEC.md section 4.1).
    pub fn with_sealed(mut self, sealed: bool) -> Self {
        self.sealed = sealed;
        self
    }

    /// The disclosure floor the manifest commits to.
    pub fn min_cell(&self) -> u32 {
        self.allow_small_cells
            .unwrap_or(kleroterion::disclosure::DEFAULT_FLOOR)
    }

    /// Sets the current time, in Unix seconds, instead of the system clock.
    pub fn with_now(mut self, now: u64) -> Self {
        self.now = Some(now);
        self
    }

    /// Sets how tickets are made.
    pub fn with_tickets(mut self, tickets: TicketSource) -> Self {
        self.tickets = tickets;
        self
    }

    /// Sets the fair solver's options (time limit, progress, cancel).
    pub fn with_fair(mut self, fair: kleroterion_fair::Options) -> Self {
        self.fair = fair;
        self
    }

    /// Rounds LEXIMIN's partial distribution when its time limit is reached.
    pub fn with_accept_partial(mut self, accept: bool) -> Self {
        self.accept_partial = accept;
        self
    }

    /// Draws the pool from the invitees of a previous stage (SPEC.md section 5.3).
    pub fn with_previous(mut self, previous: crate::previous::PreviousStage) -> Self {
        self.previous = Some(std::sync::Arc::new(previous));
        self
    }

    /// Rounds this distribution (computed beforehand on the same people, in the order they are
    /// taken in, with the same quotas and panel size) to the lottery instead of computing
    /// LEXIMIN at commit. The commit refuses it for another method, or when it was computed for
    /// other people, quotas, panel size or households.
    pub fn with_distribution(mut self, distribution: crate::given::GivenDistribution) -> Self {
        self.distribution = Some(std::sync::Arc::new(distribution));
        self
    }
}

// Embedders keep commit options in application state and move them into worker threads.
const _: fn() = || {
    fn assert<T: Send + Sync + Clone + 'static>() {}
    assert::<CommitOptions>();
};

/// One person's ticket.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TicketEntry {
    /// Index into [`People::people`] (file order).
    pub person: usize,
    /// The organiser's id.
    pub id: String,
    /// The ticket.
    pub ticket: String,
    /// The person's 0-based index in the pool.
    pub pool_index: u32,
}

/// What a commit produces (private to the organiser: it holds the receipts, the ticket map
/// and the ticket key).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Committed {
    /// The manifest to publish.
    pub manifest: Manifest,
    /// Its commitment, to publish before the randomness exists.
    pub commitment: Digest,
    /// The pool to publish (records in pool order, sorted by ticket).
    pub pool: PoolFile,
    /// One private receipt per pool index.
    pub receipts: Vec<Receipt>,
    /// The private id → ticket map, in the people file's order.
    pub tickets: Vec<TicketEntry>,
    /// For `lottery`: each pool index's selection probability as (panels holding them, M).
    pub selection_counts: Option<(Vec<u32>, u32)>,
    /// For `lottery`: the LEXIMIN minimum probability before rounding.
    pub leximin_min: Option<f64>,
    /// For `lottery` with [`CommitOptions::accept_partial`]: how far LEXIMIN got when the time
    /// limit stopped it, when the portfolio was rounded from its partial distribution.
    pub leximin_partial: Option<kleroterion_fair::Stopped>,
    /// For `lottery`: what rounding the distribution to the portfolio cost (people by pool
    /// index).
    pub rounding: Option<kleroterion_fair::RoundingLoss>,
    /// The key the tickets were made with (`None` for random tickets): private, written to
    /// `private/ticket-key.txt`.
    pub ticket_key: Option<kleroterion::TicketKey>,
    /// The disclosure figures of the published pool (`None` when it publishes only tickets).
    pub cells: Option<kleroterion::disclosure::Cells>,
    /// With sealed features, every record's opening in pool order (private, written to
    /// `private/openings.json`); empty otherwise.
    pub openings: Vec<kleroterion::seal::Opening>,
    /// For `maxent`: the count's size and how often a walk meets every quota.
    #[serde(default)]
    pub maxent: Option<crate::maxent::MaxentFigures>,
}

/// Commits: assigns tickets, orders the pool by ticket, builds the manifest (with the
/// portfolio for `lottery`), the receipts and the ticket map.
///
/// The household rule is on when `people` was read with address columns. Features of the
/// manifest are the quotas' features, then any extra feature read with the people (a
/// stratifying column), whose values are taken in order of first appearance with quota
/// `0..=panel_size`. This is [`Intake`] over people in memory; the command line streams a
/// people file through the same [`Intake`].
pub fn commit(people: &People, quotas: &Quotas, options: &CommitOptions) -> Result<Committed> {
    let sealed = seal(people, quotas, options)?;
    let receipts = sealed.receipts().collect::<Result<Vec<_>>>()?;
    let tickets = people
        .people
        .iter()
        .enumerate()
        .map(|(row, p)| TicketEntry {
            person: row,
            id: p.id.clone(),
            ticket: sealed.ticket(row),
            pool_index: sealed.pool_index(row),
        })
        .collect();
    Ok(Committed {
        manifest: sealed.manifest().clone(),
        commitment: sealed.commitment(),
        pool: PoolFile {
            spec: SPEC_VERSION.into(),
            records: sealed.records().collect(),
        },
        receipts,
        tickets,
        selection_counts: sealed.selection_counts.clone(),
        leximin_min: sealed.leximin_min,
        cells: sealed.cells,
        leximin_partial: sealed.leximin_partial,
        rounding: sealed.rounding.clone(),
        ticket_key: sealed.ticket_key().cloned(),
        openings: sealed.openings().collect(),
        maxent: sealed.maxent.clone(),
    })
}

/// Takes `people` in and seals the commit ([`Intake`]).
pub fn seal(people: &People, quotas: &Quotas, options: &CommitOptions) -> Result<Sealed> {
    let source = Source {
        file: people.file.clone(),
        features: people.features.clone(),
        header: people.header.clone(),
    };
    let mut intake = Intake::for_commit(quotas, source, options)?;
    for p in &people.people {
        intake.add(p)?;
    }
    let who = |row: usize| format!("the id \"{}\"", cut(&people.people[row].id));
    intake.seal(options, &who)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::maxent::FORECAST_WALKS;
    use crate::people::{IdColumn, PeopleOptions};
    use kleroterion::Method;

    fn inputs(households: bool) -> (People, Quotas) {
        let q = Quotas::parse_bytes("q.csv", b"feature,value,min,max\ng,f,1,2\ng,m,1,2\n").unwrap();
        let opts = PeopleOptions {
            id: IdColumn::Named("id".into()),
            household_columns: if households {
                vec!["addr".into()]
            } else {
                vec![]
            },
            extra_features: vec!["town".into()],
            ..Default::default()
        };
        let text = "id,g,addr,town\na,f,1,x\nb,m,1,y\nc,f,2,x\nd,m,3,y\ne,f,4,x\n";
        (
            People::parse_bytes("p.csv", text.as_bytes(), &q, &opts).unwrap(),
            q,
        )
    }

    fn options(method: MethodChoice) -> CommitOptions {
        CommitOptions::new(2, method)
            .with_title("t")
            .with_alternates(2)
            .with_tickets(TicketSource::Keyed(
                kleroterion::TicketKey::from_bytes(b"k 0123456789abcd").unwrap(),
            ))
            // Five people: every cell is small.
            .with_allow_small_cells(1)
    }

    #[test]
    fn small_cells_are_refused_unless_the_floor_is_lowered_in_the_manifest() {
        let (p, q) = inputs(false);
        let mut strict = options(MethodChoice::Uniform);
        strict.allow_small_cells = None;
        let e = commit(&p, &q, &strict).unwrap_err().to_string();
        // g and town: (f, x) holds a, c, e; (m, y) holds b, d. Nobody is alone.
        assert!(e.contains("a cell of 2 record(s)"), "{e}");
        assert!(e.contains("0 record(s) are alone"), "{e}");
        assert!(e.contains("5 sit in cells smaller than 5"), "{e}");
        assert!(e.contains("the id \"b\""), "{e}");
        assert!(
            e.contains("publish only the value a quota refers to"),
            "{e}"
        );
        assert!(e.contains("--allow-small-cells 2"), "{e}");
        let c = commit(&p, &q, &strict.clone().with_allow_small_cells(2)).unwrap();
        assert_eq!(c.manifest.min_cell, 2);
        let cells = c.cells.expect("cells");
        assert_eq!((cells.smallest, cells.alone, cells.cells), (2, 0, 2));
        assert!(commit(&p, &q, &strict.with_allow_small_cells(3)).is_err());
    }

    #[test]
    fn maxent_commit_gives_exact_probabilities_only_when_nothing_is_rejected() {
        // 3 women and 2 men, one of each drawn: each woman 1/3, each man 1/2, exactly.
        let (p, q) = inputs(false);
        let maxent = |counted: &[&str]| MethodChoice::Maxent {
            counted: counted.iter().map(|c| (*c).to_string()).collect(),
            max_attempts: 1000,
            weights: MaxentWeights::Equal,
        };
        let c = commit(&p, &q, &options(maxent(&["g"]))).unwrap();
        let f = c.maxent.expect("maxent figures");
        assert_eq!((f.cells, f.panels.as_str()), (4, "6"));
        assert_eq!((f.walks, f.accepted), (FORECAST_WALKS, FORECAST_WALKS));
        let (lo, hi) = f.exact.expect("every bound quota counted: exact");
        assert!(
            (lo - 1.0 / 3.0).abs() < 1e-12 && (hi - 0.5).abs() < 1e-12,
            "{lo} {hi}"
        );
        assert!(f.summary().contains("lowest 33.33%, highest 50.00%"));
        // With the household rule on shared households, a panel can be rejected: no exact figure.
        let (p, q) = inputs(true);
        let c = commit(&p, &q, &options(maxent(&["g"]))).unwrap();
        assert_eq!(c.maxent.expect("maxent figures").exact, None);
    }

    /// The people of [`inputs`] without households, with a weight column `w` holding `weights`
    /// for a, b, c, d and e.
    fn weighted_inputs(weights: [&str; 5]) -> (People, Quotas) {
        let q = Quotas::parse_bytes("q.csv", b"feature,value,min,max\ng,f,1,2\ng,m,1,2\n").unwrap();
        let opts = PeopleOptions {
            id: IdColumn::Named("id".into()),
            ..Default::default()
        };
        let [a, b, c, d, e] = weights;
        let text = format!("id,g,w\na,f,{a}\nb,m,{b}\nc,f,{c}\nd,m,{d}\ne,f,{e}\n");
        (
            People::parse_bytes("p.csv", text.as_bytes(), &q, &opts).unwrap(),
            q,
        )
    }

    #[test]
    fn maxent_weights_come_from_a_column_in_pool_order_and_give_exact_probabilities() {
        // A panel is one woman and one man, drawn with probability w_woman w_man / (6 * 5): each
        // woman's chance is her weight over 1 + 2 + 3, each man's his over 1 + 4.
        let (p, q) = weighted_inputs(["1", "1", "2", "4", " 3 "]);
        let method = MethodChoice::Maxent {
            counted: vec!["g".into()],
            max_attempts: 1000,
            weights: MaxentWeights::Column("w".into()),
        };
        let c = commit(&p, &q, &options(method)).unwrap();
        let Some(params) = c.manifest.method.maxent_params() else {
            panic!("a maxent manifest")
        };
        let expected = [1, 1, 2, 4, 3];
        for (row, t) in c.tickets.iter().enumerate() {
            assert_eq!(
                params.weights[t.pool_index as usize], expected[row],
                "row {row}"
            );
        }
        let f = c.maxent.expect("maxent figures");
        assert_eq!(f.panels, (6 * 5).to_string());
        let (lo, hi) = f.exact.expect("every bound quota counted: exact");
        assert!(
            (lo - 1.0 / 6.0).abs() < 1e-12 && (hi - 4.0 / 5.0).abs() < 1e-12,
            "{lo} {hi}"
        );
    }

    #[test]
    fn maxent_weights_that_are_not_positive_whole_numbers_are_refused_with_line_and_column() {
        let method = |column: &str| MethodChoice::Maxent {
            counted: vec!["g".into()],
            max_attempts: 1000,
            weights: MaxentWeights::Column(column.into()),
        };
        for (bad, line) in [("0", 3), ("1.5", 3), ("", 3), ("-2", 3), ("4294967296", 3)] {
            let (p, q) = weighted_inputs(["1", bad, "2", "4", "3"]);
            let e = commit(&p, &q, &options(method("w")))
                .unwrap_err()
                .to_string();
            assert!(
                e.contains(&format!("p.csv, line {line}, column \"w\""))
                    && e.contains("not a whole number from 1 to 4,294,967,295")
                    && e.contains("Fix:"),
                "{bad}: {e}"
            );
        }
        let (p, q) = weighted_inputs(["1", "1", "1", "1", "1"]);
        let e = commit(&p, &q, &options(method("weight")))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("p.csv has no column \"weight\"") && e.contains("id, g, w"),
            "{e}"
        );
    }

    #[test]
    fn maxent_weights_fitted_to_leximin_equalise_what_uniform_panels_do_not() {
        // Panels of one woman and one man, one young and one old: 9 panels pair a young woman
        // with an old man, 1 an old woman with a young man. Uniformly the old woman and the
        // young man get 1/10; LEXIMIN gives everyone 1/4 (by hand: x = (1 - x) / 3), which the
        // weights reach when the rare panel weighs 3 times as much as each other one.
        let q = Quotas::parse_bytes(
            "q.csv",
            b"feature,value,min,max\ng,f,1,1\ng,m,1,1\na,y,1,1\na,o,1,1\n",
        )
        .unwrap();
        let opts = PeopleOptions {
            id: IdColumn::Named("id".into()),
            ..Default::default()
        };
        let text = "id,g,a\n1,f,y\n2,f,y\n3,f,y\n4,f,o\n5,m,y\n6,m,o\n7,m,o\n8,m,o\n";
        let p = People::parse_bytes("p.csv", text.as_bytes(), &q, &opts).unwrap();
        let method = |weights| MethodChoice::Maxent {
            counted: vec!["g".into(), "a".into()],
            max_attempts: 1000,
            weights,
        };
        let uniform = commit(&p, &q, &options(method(MaxentWeights::Equal))).unwrap();
        let (lo, _) = uniform.maxent.expect("figures").exact.expect("exact");
        assert!((lo - 0.1).abs() < 1e-12, "{lo}");

        let c = commit(&p, &q, &options(method(MaxentWeights::Leximin))).unwrap();
        let f = c.maxent.clone().expect("figures");
        let fit = f.fit.expect("fit figures");
        assert!((fit.leximin_min - 0.25).abs() < 1e-9, "{fit:?}");
        assert!(f.summary().contains("fitted to LEXIMIN's probabilities"));
        // Brute force over the committed weights: each panel of two that meets the quotas,
        // weighted by the product of its members' weights.
        let weights = c.manifest.method.maxent_params().expect("maxent").weights;
        let values = |pos: usize| c.pool.records[pos].values.clone();
        let (mut z, mut held) = (0u128, [0u128; 8]);
        for i in 0..8 {
            for j in i + 1..8 {
                let (a, b) = (values(i), values(j));
                if a[0] != b[0] && a[1] != b[1] {
                    let w = u128::from(weights[i]) * u128::from(weights[j]);
                    z += w;
                    held[i] += w;
                    held[j] += w;
                }
            }
        }
        let gap = held
            .iter()
            .map(|&h| (h as f64 / z as f64 - 0.25).abs())
            .fold(0.0, f64::max);
        assert!(gap < 1e-4, "largest gap {gap} with weights {weights:?}");
        assert!((gap - fit.largest_gap).abs() < 1e-9, "{gap} {fit:?}");
    }

    #[test]
    fn fitting_weights_is_refused_when_a_panel_can_be_rejected() {
        let (p, q) = inputs(true);
        let method = MethodChoice::Maxent {
            counted: vec!["g".into()],
            max_attempts: 1000,
            weights: MaxentWeights::Leximin,
        };
        let e = commit(&p, &q, &options(method)).unwrap_err().to_string();
        assert!(
            e.contains("only when no panel can be rejected") && e.contains("household rule"),
            "{e}"
        );
    }

    #[test]
    fn greedy_commit_orders_by_ticket_and_issues_receipts() {
        let (p, q) = inputs(true);
        let c = commit(&p, &q, &options(MethodChoice::Greedy { max_attempts: 10 })).unwrap();
        let tickets: Vec<&str> = c.pool.records.iter().map(|r| r.ticket.as_str()).collect();
        let mut sorted = tickets.clone();
        sorted.sort_unstable();
        assert_eq!(tickets, sorted);
        assert!(c.manifest.household_rule);
        assert_eq!(c.manifest.features.len(), 2);
        assert_eq!(c.manifest.features[1].values.len(), 2);
        let a = &c.pool.records[c.tickets[0].pool_index as usize];
        let b = &c.pool.records[c.tickets[1].pool_index as usize];
        assert_eq!(a.household, b.household);
        assert!(a.household.is_some());
        // c, d and e live alone: no tag says anything about them.
        for t in &c.tickets[2..] {
            assert_eq!(c.pool.records[t.pool_index as usize].household, None);
        }
        assert_eq!(c.receipts.len(), 5);
        assert!(c.receipts.iter().all(Receipt::proof_verifies));
        let again = commit(&p, &q, &options(MethodChoice::Greedy { max_attempts: 10 })).unwrap();
        assert_eq!(again.commitment, c.commitment);
    }

    #[test]
    fn households_need_greedy_or_lottery() {
        let (p, q) = inputs(true);
        let e = commit(&p, &q, &options(MethodChoice::Uniform)).unwrap_err();
        assert!(e.to_string().contains("household rule"), "{e}");
    }

    #[test]
    fn stratified_on_extra_column() {
        let (p, q) = inputs(false);
        let m = MethodChoice::Stratified {
            feature: "town".into(),
            allocation: parse_allocation("explicit:1,1").unwrap(),
        };
        let c = commit(&p, &q, &options(m)).unwrap();
        assert_eq!(c.manifest.method.name(), "stratified");
        let m = MethodChoice::Stratified {
            feature: "nope".into(),
            allocation: Allocation::LargestRemainder,
        };
        assert!(commit(&p, &q, &options(m)).is_err());
    }

    #[test]
    fn lottery_commit_has_portfolio() {
        let (p, q) = inputs(false);
        let c = commit(&p, &q, &options(MethodChoice::Lottery { panels: 100 })).unwrap();
        let Method::Lottery { portfolio } = &c.manifest.method else {
            panic!("not a lottery")
        };
        assert_eq!(portfolio.len(), 100);
        let (counts, m) = c.selection_counts.unwrap();
        assert_eq!(m, 100);
        assert_eq!(counts.iter().sum::<u32>(), 200);
    }

    #[test]
    fn allocation_parsing() {
        assert_eq!(
            parse_allocation("largest-remainder").unwrap(),
            Allocation::LargestRemainder
        );
        assert_eq!(
            parse_allocation("Sainte-Lague").unwrap(),
            Allocation::SainteLague
        );
        assert_eq!(
            parse_allocation("explicit:3, 4,5").unwrap(),
            Allocation::Explicit {
                counts: vec![3, 4, 5]
            }
        );
        assert!(parse_allocation("explicit:a").is_err());
        assert!(parse_allocation("dhondt").is_err());
    }

    #[test]
    fn panel_size_errors() {
        let (p, q) = inputs(false);
        let mut o = options(MethodChoice::Uniform);
        o.panel_size = 9;
        assert!(
            commit(&p, &q, &o)
                .unwrap_err()
                .to_string()
                .contains("from 1 to 5")
        );
        o.panel_size = 1;
        assert!(
            commit(&p, &q, &o)
                .unwrap_err()
                .to_string()
                .contains("minimums")
        );
    }
}
