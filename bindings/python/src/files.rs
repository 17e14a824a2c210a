//! Organisers' files through the files crate: tables, quotas, people, the commit workflow and
//! the draw's output tables. Conversion only.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kleroterion::seal::OpeningsFile;
use kleroterion::{Manifest, Purpose, Recipe};
use kleroterion_files as kfiles;
use kleroterion_files::atomic::{self, Access};
use kleroterion_files::{
    CommitOptions, Existing, IdColumn, MethodChoice, PeopleOptions, TicketSource, WriteOptions,
};
use pyo3::prelude::*;

use crate::errors::{self, CoreResult};
use crate::fair::Instance;
use crate::protocol::{Bundle, Records, to_json};

/// A CSV table: a header and rows of trimmed NFC cells, with line numbers for errors.
#[pyclass(module = "kleroterion._native", frozen)]
pub struct Table {
    pub(crate) table: kfiles::Table,
}

#[pymethods]
impl Table {
    /// Reads a CSV file (UTF-8 or Windows-1252, `encoding` "auto", "utf-8" or
    /// "windows-1252"; `,` or `;` detected, or `separator`) or a sheet of a spreadsheet
    /// (`sheet`: a name, or a number counted from 1; default the only sheet).
    #[staticmethod]
    #[pyo3(signature = (path, separator=None, sheet=None, encoding="auto"))]
    fn read(
        py: Python<'_>,
        path: PathBuf,
        separator: Option<char>,
        sheet: Option<SheetArg>,
        encoding: &str,
    ) -> PyResult<Self> {
        let sep = separator.map(|c| c as u8);
        let options = kfiles::TableOptions {
            sheet: sheet.map(|s| match s {
                SheetArg::Name(n) => kfiles::Sheet::Name(n),
                SheetArg::Number(k) => kfiles::Sheet::Number(k),
            }),
            encoding: kfiles::Encoding::parse(encoding).py()?,
        };
        Ok(Self {
            table: py
                .detach(|| kfiles::Table::read_with(&path, sep, &options))
                .py()?,
        })
    }

    /// How the file was read, when its encoding was detected as other than UTF-8.
    #[getter]
    fn notice(&self) -> Option<String> {
        self.table.notice.clone()
    }

    /// Parses CSV text; `file` names it in errors.
    #[staticmethod]
    #[pyo3(signature = (file, text, separator=None))]
    fn parse(file: &str, text: &str, separator: Option<char>) -> PyResult<Self> {
        Ok(Self {
            table: kfiles::Table::parse_text(file, text, separator.map(|c| c as u8)).py()?,
        })
    }

    /// A table from columns (column-major), as if read from a CSV file named `file` with the
    /// header on line 1: row `i` (0-based) is line `i + 2` in error messages. Cells are trimmed
    /// and normalised to NFC as a CSV file's would be.
    #[staticmethod]
    fn from_columns(
        py: Python<'_>,
        file: &str,
        header: Vec<String>,
        columns: Vec<Vec<String>>,
    ) -> PyResult<Self> {
        if header.len() != columns.len() {
            return Err(errors::invalid(format!(
                "{} column names for {} columns",
                header.len(),
                columns.len()
            )));
        }
        let n = columns.first().map_or(0, Vec::len);
        if columns.iter().any(|c| c.len() != n) {
            return Err(errors::invalid("the columns differ in length"));
        }
        py.detach(move || {
            let mut cols: Vec<std::vec::IntoIter<String>> =
                columns.into_iter().map(Vec::into_iter).collect();
            let rows = (0..n).map(|_| {
                cols.iter_mut()
                    .map(|c| c.next().unwrap_or_default())
                    .collect()
            });
            kfiles::Table::from_rows(file, header, rows)
        })
        .py()
        .map(|table| Self { table })
    }

    /// The header, trimmed and in NFC.
    #[getter]
    fn header(&self) -> Vec<String> {
        self.table.header.clone()
    }

    /// The file's name.
    #[getter]
    fn file(&self) -> String {
        self.table.file.clone()
    }

    fn __len__(&self) -> usize {
        self.table.rows.len()
    }

    /// The cells, column-major (one list per header column).
    fn columns(&self) -> Vec<Vec<String>> {
        (0..self.table.header.len())
            .map(|c| {
                self.table
                    .rows
                    .iter()
                    .map(|r| r.cells.get(c).cloned().unwrap_or_default())
                    .collect()
            })
            .collect()
    }
}

/// A sheet as Python gives it: a name, or a number counted from 1.
#[derive(FromPyObject)]
pub enum SheetArg {
    /// A number.
    Number(usize),
    /// A name.
    Name(String),
}

/// Quotas read by the files crate (the Sortition Foundation's two layouts and Panelot's).
#[pyclass(module = "kleroterion._native", frozen)]
pub struct QuotaTable {
    pub(crate) quotas: kfiles::Quotas,
}

#[pymethods]
impl QuotaTable {
    /// Interprets a table as quotas.
    #[staticmethod]
    fn from_table(table: &Table) -> PyResult<Self> {
        Ok(Self {
            quotas: kfiles::Quotas::from_table(&table.table).py()?,
        })
    }

    /// The manifest's `features` list as JSON.
    fn features_json(&self) -> PyResult<String> {
        to_json("features", &self.quotas.features)
    }

    /// The layout found, in words.
    #[getter]
    fn format(&self) -> &'static str {
        self.quotas.format.describe()
    }

    /// Checks the sums of minimums and maximums against a panel size.
    fn check_panel_size(&self, panel_size: u32) -> PyResult<()> {
        self.quotas.check_panel_size(panel_size).py()
    }
}

/// People read from a table against quotas, by the files crate's rules.
#[pyclass(module = "kleroterion._native", frozen)]
pub struct People {
    pub(crate) people: Arc<kfiles::People>,
}

fn id_column(id: Option<&str>) -> IdColumn {
    match id {
        None => IdColumn::RowNumber,
        Some("") => IdColumn::Auto,
        Some(name) => IdColumn::Named(name.into()),
    }
}

#[pymethods]
impl People {
    /// Resolves a table. `id`: a column name, `""` for the files crate's default (`id` when
    /// present, else row numbers), or None for 1-based row numbers. `quotas` None reads the
    /// `extra_features` columns with their values as found.
    #[new]
    #[pyo3(signature = (table, quotas=None, id=None, households=Vec::new(), extra_features=Vec::new()))]
    fn new(
        py: Python<'_>,
        table: &Table,
        quotas: Option<&QuotaTable>,
        id: Option<&str>,
        households: Vec<String>,
        extra_features: Vec<String>,
    ) -> PyResult<Self> {
        let options = PeopleOptions {
            id: id_column(id),
            household_columns: households,
            extra_features,
            ..Default::default()
        };
        let none = kfiles::Quotas::none(&table.table.file);
        let quotas = quotas.map_or(&none, |q| &q.quotas);
        let people = py
            .detach(|| kfiles::People::from_table(&table.table, quotas, &options))
            .py()?;
        Ok(Self {
            people: Arc::new(people),
        })
    }

    fn __len__(&self) -> usize {
        self.people.people.len()
    }

    /// The organiser's ids, in file order.
    fn ids(&self) -> Vec<String> {
        self.people.people.iter().map(|p| p.id.clone()).collect()
    }

    /// The feature names, in order.
    #[getter]
    fn features(&self) -> Vec<String> {
        self.people.features.clone()
    }

    /// The id column's name (`id` when ids are row numbers).
    #[getter]
    fn id_header(&self) -> String {
        self.people.id_header().into()
    }

    /// The 1-based line of each person in the file.
    fn lines(&self) -> Vec<usize> {
        self.people.people.iter().map(|p| p.line).collect()
    }

    /// The values, feature-major (one list per feature).
    fn columns(&self) -> Vec<Vec<String>> {
        (0..self.people.features.len())
            .map(|f| {
                self.people
                    .people
                    .iter()
                    .map(|p| p.values[f].clone())
                    .collect()
            })
            .collect()
    }

    /// Each person's household as a number from 1 in order of first appearance (None: no
    /// household), following the files crate's address rule.
    fn households(&self) -> Vec<Option<u32>> {
        let mut ids: HashMap<&str, u32> = HashMap::new();
        self.people
            .people
            .iter()
            .map(|p| {
                p.address.as_deref().map(|a| {
                    let next = ids.len() as u32 + 1;
                    *ids.entry(a).or_insert(next)
                })
            })
            .collect()
    }

    /// True when someone has an address for the household rule.
    #[getter]
    fn has_households(&self) -> bool {
        self.people.has_households()
    }

    /// The Sortition Foundation's output header (id, other columns, features).
    fn output_header(&self) -> Vec<String> {
        self.people.output_header()
    }

    /// The problem of choosing `panel_size` people in file order under `quotas`.
    fn instance(
        &self,
        py: Python<'_>,
        quotas: &QuotaTable,
        panel_size: u32,
        household_rule: bool,
    ) -> PyResult<Instance> {
        let order: Vec<usize> = (0..self.people.people.len()).collect();
        let instance = py
            .detach(|| {
                kfiles::fair::instance(
                    &quotas.quotas,
                    &self.people,
                    &order,
                    panel_size,
                    household_rule,
                )
            })
            .py()?;
        instance.validate().py()?;
        Ok(Instance::from_instance(instance))
    }
}

/// The smallest quota relaxation, as the command line reports it, when no panel exists.
#[pyfunction]
pub fn check_feasible(py: Python<'_>, instance: &Instance) -> PyResult<()> {
    py.detach(|| kfiles::fair::check_feasible(instance.inner()))
        .py()
}

/// What a commit produced.
#[pyclass(module = "kleroterion._native", frozen)]
pub struct Committed {
    committed: kfiles::Committed,
    people: Arc<kfiles::People>,
}

/// Attempts of a `greedy` draw when `max_attempts` is not given (as on the command line).
const GREEDY_ATTEMPTS: u32 = 100;

/// Attempts of a `maxent` draw when `max_attempts` is not given (as on the command line).
const MAXENT_ATTEMPTS: u32 = 10_000;

/// The method a commit asks for. `max_attempts` None is the method's default (100 for
/// `greedy`, 10,000 for `maxent`); `count`, the features a `maxent` count enforces, is refused
/// for the other methods.
fn method_choice(
    method: &str,
    max_attempts: Option<u32>,
    panels: u32,
    strata: Option<String>,
    allocation: &str,
    (count, weights): (Option<Vec<String>>, kfiles::MaxentWeights),
) -> PyResult<MethodChoice> {
    if weights != kfiles::MaxentWeights::Equal && method != "maxent" {
        return Err(errors::invalid(format!(
            "`weights` and `fit_to_leximin` give the maxent weights, and the method is \"{}\". Fix: drop them, or use the maxent method",
            kleroterion::text::display(method, 80)
        )));
    }
    if count.is_some() && method != "maxent" {
        return Err(errors::invalid(format!(
            "`count` names the features the maxent method counts exactly, and the method is \"{}\". Fix: drop `count`, or use the maxent method",
            kleroterion::text::display(method, 80)
        )));
    }
    Ok(match method {
        "uniform" => MethodChoice::Uniform,
        "greedy" => MethodChoice::Greedy {
            max_attempts: max_attempts.unwrap_or(GREEDY_ATTEMPTS),
        },
        "maxent" => MethodChoice::Maxent {
            counted: count
                .unwrap_or_default()
                .iter()
                .map(|c| kfiles::table::clean(c))
                .collect(),
            max_attempts: max_attempts.unwrap_or(MAXENT_ATTEMPTS),
            weights,
        },
        "lottery" => MethodChoice::Lottery { panels },
        "stratified" => {
            let feature = strata.ok_or_else(|| {
                errors::invalid("the stratified method needs `strata`, the feature to stratify on")
            })?;
            MethodChoice::Stratified {
                feature,
                allocation: kfiles::parse_allocation(allocation).py()?,
            }
        }
        other => {
            return Err(errors::invalid(format!(
                "unknown method \"{}\": use uniform, stratified, greedy, lottery or maxent (rfc3797 is kleroterion.rfc3797)",
                kleroterion::text::display(other, 80)
            )));
        }
    })
}

/// A manifest's purpose by its JSON name.
fn purpose_of(name: &str) -> PyResult<Purpose> {
    match name {
        "official" => Ok(Purpose::Official),
        "rehearsal" => Ok(Purpose::Rehearsal),
        "replay" => Ok(Purpose::Replay),
        other => Err(errors::invalid(format!(
            "unknown purpose \"{}\": use official, rehearsal or replay",
            kleroterion::text::display(other, 80)
        ))),
    }
}

/// What reads the previous stage of a linked commit (SPEC.md section 5.3), run without the
/// interpreter's lock (it verifies the previous bundle): the bundle and its name for messages,
/// and its commit's ticket map, from its `tickets.csv` (`tickets`) or as `(id, ticket)` pairs
/// (`ids`). None without a previous stage.
type PreviousReader = Box<dyn FnOnce() -> kfiles::Result<kfiles::PreviousStage> + Send>;

fn previous_stage(
    previous: Option<(kleroterion::Bundle, String)>,
    tickets: Option<PathBuf>,
    ids: Option<Vec<(String, String)>>,
    inherit: Vec<String>,
) -> PyResult<Option<PreviousReader>> {
    let Some((bundle, name)) = previous else {
        if tickets.is_some() || ids.is_some() || !inherit.is_empty() {
            return Err(errors::invalid(
                "a previous stage's ticket map or inherited features were given without the previous stage's bundle",
            ));
        }
        return Ok(None);
    };
    let reader: PreviousReader = match (tickets, ids) {
        (Some(path), None) => Box::new(move || {
            let map = kfiles::TicketMap::read(&path)?;
            let by_id = map
                .rows
                .into_iter()
                .filter_map(|(ticket, cells)| Some((cells.into_iter().next()?, ticket)))
                .collect();
            kfiles::PreviousStage::new(name, path.display().to_string(), bundle, by_id, inherit)
        }),
        (None, Some(pairs)) => Box::new(move || {
            let by_id = pairs.into_iter().collect();
            kfiles::PreviousStage::new(
                name,
                "the previous commit's ticket map".into(),
                bundle,
                by_id,
                inherit,
            )
        }),
        _ => {
            return Err(errors::invalid(
                "a previous stage needs its commit's ticket map: give its tickets.csv or its (id, ticket) pairs, one of them",
            ));
        }
    };
    Ok(Some(reader))
}

/// The commit workflow of the files crate: tickets, the pool in ticket order, the manifest
/// (with a LEXIMIN portfolio for `lottery`), receipts and the private ticket map. `sealed`
/// seals the features (lottery only; the files crate refuses it otherwise): the pool publishes
/// seals, and every record's opening is kept for the draw and the receipts. `previous` draws
/// the pool from a previous stage's invitees (SPEC.md section 5.3): each person is linked, by
/// id, to the ticket that invited them, through that stage's ticket map (`previous_tickets`,
/// its `tickets.csv`, or `previous_ids`, `(id, ticket)` pairs); `inherit` names the features
/// whose values come from the previous stage; `previous_name` names the bundle in messages.
/// `distribution`, `(instance, distribution)` computed on these people in this order, is
/// rounded to the lottery instead of a new LEXIMIN (refused when it was computed for other
/// people, quotas, panel size or households). `max_attempts` None is the method's default
/// (100 for `greedy`, 10,000 for `maxent`). `count` lists the features whose quotas a `maxent`
/// count enforces exactly (in any order; the manifest lists them in the order that keeps the
/// count small), refused for the other methods. `weights` names the people column of the
/// `maxent` weights (whole numbers from 1 to 4,294,967,295), and `fit_to_leximin` fits them to
/// LEXIMIN's probabilities; both refused for the other methods.
#[pyfunction]
#[pyo3(signature = (
    people, quotas, panel_size, method, *, alternates=0, title=String::new(), announced_at=None,
    randomness_json=None, ticket_key=None, max_attempts=None, panels=1000, strata=None,
    allocation=String::from("largest-remainder"), progress=None, time_limit=None,
    purpose="official", now=None, allow_small_cells=None, sealed=false, previous=None,
    previous_name=None, previous_tickets=None, previous_ids=None, inherit=Vec::new(),
    distribution=None, rounding="minimax", count=None, weights=None,
    fit_to_leximin=false
))]
#[allow(clippy::too_many_arguments)]
pub fn commit(
    py: Python<'_>,
    people: &People,
    quotas: &QuotaTable,
    panel_size: u32,
    method: &str,
    alternates: u32,
    title: String,
    announced_at: Option<String>,
    randomness_json: Option<String>,
    ticket_key: Option<String>,
    max_attempts: Option<u32>,
    panels: u32,
    strata: Option<String>,
    allocation: String,
    progress: Option<Py<PyAny>>,
    time_limit: Option<f64>,
    purpose: &str,
    now: Option<u64>,
    allow_small_cells: Option<u32>,
    sealed: bool,
    previous: Option<PyRef<'_, Bundle>>,
    previous_name: Option<String>,
    previous_tickets: Option<PathBuf>,
    previous_ids: Option<Vec<(String, String)>>,
    inherit: Vec<String>,
    distribution: Option<(PyRef<'_, Instance>, PyRef<'_, crate::fair::Distribution>)>,
    rounding: &str,
    count: Option<Vec<String>>,
    weights: Option<String>,
    fit_to_leximin: bool,
) -> PyResult<Committed> {
    let rounding: kleroterion_fair::Rounding = rounding.parse().map_err(errors::fair)?;
    let given = distribution
        .map(|(instance, dist)| {
            kfiles::GivenDistribution::new(instance.inner().clone(), dist.inner().clone())
        })
        .transpose()
        .py()?;
    let previous = previous.map(|b| {
        (
            b.bundle.clone(),
            previous_name.unwrap_or_else(|| "the previous stage's bundle".into()),
        )
    });
    let previous = previous_stage(previous, previous_tickets, previous_ids, inherit)?;
    let purpose = purpose_of(purpose)?;
    let method = method_choice(
        method,
        max_attempts,
        panels,
        strata,
        &allocation,
        (
            count,
            match (weights, fit_to_leximin) {
                (Some(_), true) => {
                    return Err(errors::invalid(
                        "`weights` reads the weights from a column and `fit_to_leximin` fits them: give one of them",
                    ));
                }
                (Some(column), false) => kfiles::MaxentWeights::Column(column),
                (None, true) => kfiles::MaxentWeights::Leximin,
                (None, false) => kfiles::MaxentWeights::Equal,
            },
        ),
    )?;
    let randomness = match randomness_json {
        Some(text) => Some(kfiles::parse_recipe("randomness", &text).py()?),
        None => None::<Recipe>,
    };
    let time_limit = crate::fair::duration(time_limit)?;
    let tickets = TicketSource::Keyed(match ticket_key {
        Some(k) => kleroterion::TicketKey::parse(&k).map_err(errors::core)?,
        None => TicketSource::generate_key().py()?,
    });
    let (mut fair, raised) = crate::fair::run_options(progress, time_limit);
    fair.rounding = rounding;
    let options = {
        let mut o = CommitOptions::new(panel_size, method)
            .with_title(title)
            .with_alternates(alternates)
            .with_purpose(purpose)
            .with_tickets(tickets)
            .with_fair(fair)
            .with_sealed(sealed);
        o.announced_at = announced_at;
        o.randomness = randomness;
        o.now = now;
        o.allow_small_cells = allow_small_cells;
        match given {
            Some(g) => o.with_distribution(g),
            None => o,
        }
    };
    let result = py.detach(|| {
        let options = match previous {
            Some(p) => options.with_previous(p()?),
            None => options,
        };
        kfiles::commit(&people.people, &quotas.quotas, &options)
    });
    if let Some(e) = raised.lock().ok().and_then(|mut s| s.take()) {
        return Err(e);
    }
    Ok(Committed {
        committed: result.py()?,
        people: people.people.clone(),
    })
}

#[pymethods]
impl Committed {
    /// The ticket key in hex (private: it re-derives every ticket).
    fn ticket_key_hex(&self) -> Option<String> {
        self.committed.ticket_key.as_ref().map(|k| k.to_hex())
    }

    /// The manifest as JSON.
    fn manifest_json(&self) -> PyResult<String> {
        to_json("manifest", &self.committed.manifest)
    }

    /// The commitment, in hex.
    #[getter]
    fn commitment(&self) -> String {
        self.committed.commitment.to_hex()
    }

    /// The pool records, in pool order (sorted by ticket).
    fn records(&self) -> Records {
        Records::new(self.committed.pool.records.clone())
    }

    /// With sealed features, every record's opening in pool order as a JSON list (private);
    /// None when the features are open.
    fn openings_json(&self) -> PyResult<Option<String>> {
        if !self.committed.manifest.sealed {
            return Ok(None);
        }
        to_json("openings", &self.committed.openings).map(Some)
    }

    /// The receipt of pool index `index`, as JSON.
    fn receipt_json(&self, index: usize) -> PyResult<String> {
        let r = self
            .committed
            .receipts
            .get(index)
            .ok_or_else(|| errors::invalid(format!("index {index} is outside the pool")))?;
        to_json("receipt", r)
    }

    /// `(id, ticket, pool_index)` per person, in the people file's order.
    fn tickets(&self) -> Vec<(String, String, u32)> {
        self.committed
            .tickets
            .iter()
            .map(|t| (t.id.clone(), t.ticket.clone(), t.pool_index))
            .collect()
    }

    /// For `lottery`: panels holding each pool index, and M.
    fn selection_counts(&self) -> Option<(Vec<u32>, u32)> {
        self.committed.selection_counts.clone()
    }

    /// For `lottery`: the LEXIMIN minimum probability before rounding.
    #[getter]
    fn leximin_min(&self) -> Option<f64> {
        self.committed.leximin_min
    }

    /// For `lottery`: what rounding the distribution to the portfolio cost, as JSON
    /// (`max_change`, `pool_indices` of the people it moved most, `min_before`, `min_after`,
    /// `lower_bound`, `panels`, and `warning` when it is above two panels' worth).
    fn rounding_json(&self) -> PyResult<Option<String>> {
        let Some(r) = &self.committed.rounding else {
            return Ok(None);
        };
        let panels = match &self.committed.manifest.method {
            kleroterion::Method::Lottery { portfolio } => portfolio.len() as u32,
            _ => 0,
        };
        to_json(
            "rounding",
            &serde_json::json!({
                "max_change": r.max_change,
                "pool_indices": r.people,
                "min_before": r.min_before,
                "min_after": r.min_after,
                "lower_bound": r.lower_bound,
                "panels": panels,
                "warning": kfiles::fair::rounding_warning(r, panels),
            }),
        )
        .map(Some)
    }

    /// For `maxent`: the count's size and how often a walk of it met every quota and the
    /// household rule, as JSON (`cells`, `panels` the number of panels that meet the counted
    /// quotas in decimal, `walks`, `accepted`, `max_attempts`, and `summary`, the line the
    /// command line prints); None for the other methods.
    fn maxent_json(&self) -> PyResult<Option<String>> {
        let Some(f) = &self.committed.maxent else {
            return Ok(None);
        };
        to_json(
            "maxent figures",
            &serde_json::json!({
                "cells": f.cells,
                "panels": f.panels,
                "weighted": f.weighted,
                "walks": f.walks,
                "accepted": f.accepted,
                "max_attempts": f.max_attempts,
                "summary": f.summary(),
                "exact": f.exact,
                "fit": f.fit.map(|fit| serde_json::json!({
                    "largest_gap": fit.largest_gap,
                    "rounds": fit.rounds,
                    "leximin_min": fit.leximin_min,
                })),
            }),
        )
        .map(Some)
    }

    /// The disclosure figures of the published pool as `(smallest cell, records alone in
    /// their cell, cells)`; `None` when the pool publishes nothing but tickets.
    fn cells(&self) -> Option<(u32, u32, u32)> {
        self.committed.cells.map(|c| (c.smallest, c.alone, c.cells))
    }

    /// Writes the commit folder as the command line does (built under a temporary name, then
    /// renamed whole; with sealed features, `private/openings.json` too); returns the paths
    /// (`openings` only for sealed features), where an earlier folder was moved aside
    /// (`overwrite`), and whether an identical commit was kept (`exist_ok`). `inputs`:
    /// `(role, path)` of the files the commit was read from, which the folder must not hold.
    #[pyo3(signature = (directory, bom=false, overwrite=false, exist_ok=false, inputs=Vec::new()))]
    fn write(
        &self,
        py: Python<'_>,
        directory: PathBuf,
        bom: bool,
        overwrite: bool,
        exist_ok: bool,
        inputs: Vec<(String, PathBuf)>,
    ) -> PyResult<(HashMap<String, PathBuf>, Option<PathBuf>, bool)> {
        let existing = match (overwrite, exist_ok) {
            (true, true) => {
                return Err(errors::invalid(
                    "overwrite=True and exist_ok=True exclude each other: overwrite moves an existing folder aside, exist_ok keeps it when it holds the same commit",
                ));
            }
            (true, false) => Existing::Replace,
            (false, true) => Existing::KeepSame,
            (false, false) => Existing::Refuse,
        };
        let p = py
            .detach(|| {
                refuse_inputs(&directory, &inputs)?;
                if existing == Existing::Refuse {
                    atomic::refuse_existing(
                        &directory,
                        "a commit folder",
                        ". To keep it when it holds this same commit (a cell run again with the same ticket_key and inputs), pass exist_ok=True",
                    )?;
                }
                let options = WriteOptions { bom, existing };
                kfiles::write_commit(&directory, &self.committed, &self.people, &options)
            })
            .py()?;
        let mut paths = HashMap::from([
            ("manifest".into(), p.manifest),
            ("pool".into(), p.pool),
            ("commitment".into(), p.commitment),
            ("receipts".into(), p.receipts),
            ("tickets".into(), p.tickets),
        ]);
        if self.committed.manifest.sealed {
            paths.insert("openings".into(), p.openings);
        }
        Ok((paths, p.replaced, p.kept))
    }
}

/// Fails with the files crate's `OutputIsInput` when `output` is (or holds) one of `inputs`.
fn refuse_inputs(output: &Path, inputs: &[(String, PathBuf)]) -> kfiles::Result<()> {
    let inputs: Vec<(&str, &Path)> = inputs
        .iter()
        .map(|(role, path)| (role.as_str(), path.as_path()))
        .collect();
    atomic::refuse_inputs(output, &inputs)
}

/// Writes a text file atomically (a temporary file in the same folder, renamed into place),
/// creating its folder; refuses an existing file unless `overwrite`, and always refuses a path
/// that is one of `inputs` (`(role, path)`). `private`: readable by its owner only.
#[pyfunction]
#[pyo3(signature = (path, text, *, what="a file", overwrite=false, private=false, inputs=Vec::new()))]
pub fn write_text(
    py: Python<'_>,
    path: PathBuf,
    text: &str,
    what: &str,
    overwrite: bool,
    private: bool,
    inputs: Vec<(String, PathBuf)>,
) -> PyResult<PathBuf> {
    let existing = if overwrite {
        Existing::Replace
    } else {
        Existing::Refuse
    };
    let access = if private {
        Access::Private
    } else {
        Access::Public
    };
    py.detach(|| {
        refuse_inputs(&path, &inputs)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            atomic::create_dir(dir, Access::Public)?;
        }
        atomic::write_file(&path, text.as_bytes(), access, existing, what)
    })
    .py()?;
    Ok(path)
}

/// Parses a reveal file's text as the command line does (also one source alone, and drand's
/// HTTP answer, whose chain is taken from `recipe_json` when given); returns the reveal as
/// canonical JSON.
#[pyfunction]
#[pyo3(signature = (text, file="reveal", recipe_json=None))]
pub fn parse_reveal(text: &str, file: &str, recipe_json: Option<&str>) -> PyResult<String> {
    let recipe = match recipe_json {
        Some(r) => Some(kfiles::parse_recipe("recipe", r).py()?),
        None => None,
    };
    to_json(
        "reveal",
        &kfiles::parse_reveal(file, text, recipe.as_ref()).py()?,
    )
}

/// Parses and checks a randomness recipe; returns it as JSON.
#[pyfunction]
#[pyo3(signature = (text, file="randomness"))]
pub fn parse_recipe(text: &str, file: &str) -> PyResult<String> {
    to_json("recipe", &kfiles::parse_recipe(file, text).py()?)
}

/// Reads a manifest file as the command line does (a byte-order mark is dropped; errors name
/// the file) and returns the manifest re-serialised as JSON.
#[pyfunction]
pub fn read_manifest(path: PathBuf) -> PyResult<String> {
    let m: Manifest = kfiles::outputs::read_json(&path, "manifest").py()?;
    to_json("manifest", &m)
}

/// Reads the organiser's openings file of a sealed commit (`private/openings.json`: `{"spec",
/// "openings"}`, a byte-order mark dropped, errors naming the file) and returns its openings,
/// every record's in pool order, as a JSON list. The draw and the replacement check each
/// against its record.
#[pyfunction]
pub fn read_openings(path: PathBuf) -> PyResult<String> {
    let file: OpeningsFile = kfiles::outputs::read_json(&path, "openings file").py()?;
    if file.spec != kleroterion::SPEC_VERSION {
        return Err(errors::files(kfiles::FileError::Json {
            file: path.display().to_string(),
            detail: format!(
                "\"spec\" is \"{}\", not \"{}\": this is not an openings file of this protocol version. Fix: give the private/openings.json of the commit the manifest comes from",
                kleroterion::text::display(&file.spec, 80),
                kleroterion::SPEC_VERSION
            ),
        }));
    }
    to_json("openings", &file.openings)
}

/// The people not selected and, under the household rule, not living with someone selected,
/// in pool order: the Sortition Foundation's `remaining` list.
#[pyfunction]
pub fn remaining_tickets(bundle: &Bundle) -> Vec<String> {
    let b = &bundle.bundle;
    let excluded = kfiles::outputs::excluded_from_remaining(b);
    b.pool
        .iter()
        .filter(|r| !excluded.contains(r.ticket.as_str()))
        .map(|r| r.ticket.clone())
        .collect()
}

/// Writes `selected.csv`, `alternates.csv` and `remaining.csv` as the command line does, from
/// the private `tickets.csv` of the commit: `directory` is created (private); nothing is
/// written when one of the files exists, unless `overwrite`, nor when one is an input.
#[pyfunction]
/// With `xlsx`, each list is also written as a workbook beside it (`selected.xlsx`...: every
/// cell as text), under the same rules.
#[pyo3(signature = (directory, tickets_csv, bundle, bom=false, overwrite=false, inputs=Vec::new(), xlsx=false))]
#[allow(clippy::too_many_arguments)]
pub fn write_draw_csvs(
    py: Python<'_>,
    directory: PathBuf,
    tickets_csv: PathBuf,
    bundle: &Bundle,
    bom: bool,
    overwrite: bool,
    inputs: Vec<(String, PathBuf)>,
    xlsx: bool,
) -> PyResult<HashMap<String, PathBuf>> {
    let options = WriteOptions {
        bom,
        existing: if overwrite {
            Existing::Replace
        } else {
            Existing::Refuse
        },
    };
    let mut inputs = inputs;
    inputs.push(("the ticket map".into(), tickets_csv.clone()));
    let (p, books) = py
        .detach(|| {
            for name in ["selected", "alternates", "remaining"] {
                let csv = directory.join(format!("{name}.csv"));
                refuse_inputs(&csv, &inputs)?;
                if xlsx {
                    let book = csv.with_extension("xlsx");
                    refuse_inputs(&book, &inputs)?;
                    if !overwrite {
                        atomic::refuse_existing(&book, "a workbook", "")?;
                    }
                }
            }
            let map = kfiles::TicketMap::read(&tickets_csv)?;
            kfiles::outputs::check_ticket_map(&map, &tickets_csv, &bundle.bundle)?;
            let p = kfiles::write_draw_csvs(&directory, &map, &bundle.bundle, &options)?;
            let mut books = Vec::new();
            if xlsx {
                for list in p.all() {
                    books.push(kfiles::workbook::copy_as_xlsx(
                        list,
                        Access::Private,
                        options.existing,
                    )?);
                }
            }
            Ok::<_, kfiles::FileError>((p, books))
        })
        .py()?;
    let mut out = HashMap::from([
        ("selected".into(), p.selected),
        ("remaining".into(), p.remaining),
        ("alternates".into(), p.alternates),
    ]);
    for book in books {
        if let Some(stem) = book.file_stem().and_then(|s| s.to_str()) {
            out.insert(format!("{stem}_xlsx"), book.clone());
        }
    }
    Ok(out)
}
