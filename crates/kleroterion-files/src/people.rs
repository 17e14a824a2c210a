//! People files: one line per person, an id column, feature columns, extra columns kept.
//!
//! - The id comes from the column named by [`IdColumn`]. With [`IdColumn::Auto`] it is the
//!   column `id` when the header has one; otherwise (Panelot's `respondents.csv`) it is the
//!   **1-based data-row number**: the first person below the header is `1`, the next `2`, and so
//!   on (blank lines are not counted).
//! - Feature columns are those named by the quotas, matched exactly after trimming and NFC.
//!   Values are matched exactly (case-sensitive), as the Sortition Foundation does; an unknown
//!   value is an error listing the declared values and a case-insensitive match if one exists.
//! - Household rule: people whose cells in all the address columns are equal after trimming
//!   and case folding form one household. A person whose address cells are all blank has no
//!   household (unlike the Sortition Foundation's code, which would group every blank address
//!   together).
//!
//! [`PeopleReader`] reads a file one person at a time, in memory bounded by one record plus
//! 12 bytes a person for the duplicate-id check; [`People`] collects its persons. Both go
//! through [`PeopleLayout`], which holds the rules for one row, and through one duplicate-id
//! check, so that they cannot disagree. The errors of one row come as the reading reaches it; a
//! duplicate id, and a file without data lines, are reported after the last row.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::hash::{BuildHasher, RandomState};
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{FileError, Location, Result, case_insensitive_match};
use crate::limits::{cut, cut_all};
use crate::quotas::Quotas;
use crate::table::{self, Row, RowReader, Table, TableOptions};

/// The fix given when a person's line has too few or too many fields.
const WIDTH_FIX: &str =
    "give every person a cell for each column of the header (quote cells holding the separator)";

/// Where a person's id comes from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum IdColumn {
    /// The column `id` when present, else the 1-based data-row number.
    #[default]
    Auto,
    /// This column (an error when absent).
    Named(String),
    /// The 1-based data-row number.
    RowNumber,
}

/// How to read a people file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PeopleOptions {
    /// The id column.
    pub id: IdColumn,
    /// Address columns for the household rule (empty: no households).
    pub household_columns: Vec<String>,
    /// Extra columns to read as features although no quota names them (e.g. a stratifying
    /// column); their values are taken as found.
    pub extra_features: Vec<String>,
    /// The sheet of a spreadsheet, and the encoding of a CSV file.
    pub table: TableOptions,
}

/// One person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The organiser's id.
    pub id: String,
    /// The 1-based line of the file.
    pub line: usize,
    /// One value per feature of [`People::features`], in that order.
    pub values: Vec<String>,
    /// The normalised address (trimmed, case-folded cells joined), when the household rule is
    /// on and the address is not blank. Equal addresses mean one household.
    pub address: Option<String>,
    /// All cells of the line, as in [`People::header`].
    pub cells: Vec<String>,
}

/// A quota feature's declared values, which a person's value must be one of.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Declared {
    name: String,
    values: Vec<String>,
    index: HashSet<String>,
}

/// How a people file's columns map to the quotas (built from the header alone), and the rules
/// that turn one of its rows into a [`Person`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeopleLayout {
    file: String,
    header_line: usize,
    header: Vec<String>,
    id_column: Option<usize>,
    features: Vec<String>,
    feature_columns: Vec<usize>,
    address_columns: Vec<usize>,
    /// One entry per quota feature, in the quotas' order (extra features have none).
    declared: Vec<Declared>,
}

impl PeopleLayout {
    /// Finds the id, feature and address columns in a people file's header (read from `file`,
    /// on line `header_line`).
    pub fn new(
        file: &str,
        header_line: usize,
        header: &[String],
        quotas: &Quotas,
        options: &PeopleOptions,
    ) -> Result<Self> {
        let require = |name: &str, role: &str, hint: Option<&'static str>| {
            table::require_column_in(file, header_line, header, name, role, hint)
        };
        let id_column = match &options.id {
            IdColumn::Named(name) => Some(require(
                name,
                "the id column",
                Some("name the id column with --id-column, or use row numbers as ids"),
            )?),
            IdColumn::Auto => table::column_in(header, "id"),
            IdColumn::RowNumber => None,
        };
        let mut features = Vec::new();
        let mut feature_columns = Vec::new();
        for (i, f) in quotas.features.iter().enumerate() {
            let c = table::column_in(header, &f.name).ok_or_else(|| {
                FileError::QuotaFeatureMissing {
                    at: Box::new(Location::line(&quotas.file, quotas.feature_line(i))),
                    feature: cut(&f.name),
                    people_file: file.into(),
                    columns: cut_all(header),
                    suggestion: case_insensitive_match(&f.name, header).map(|s| cut(&s)),
                }
            })?;
            features.push(f.name.clone());
            feature_columns.push(c);
        }
        for name in &options.extra_features {
            if !features.contains(name) {
                feature_columns.push(require(name, "a column to stratify on", None)?);
                features.push(name.clone());
            }
        }
        let address_columns = options
            .household_columns
            .iter()
            .map(|c| require(c, "an address column for the household rule", None))
            .collect::<Result<Vec<_>>>()?;
        let declared = quotas
            .features
            .iter()
            .map(|f| {
                let values: Vec<String> = f.values.iter().map(|v| v.value.clone()).collect();
                Declared {
                    name: f.name.clone(),
                    index: values.iter().cloned().collect(),
                    values,
                }
            })
            .collect();
        Ok(Self {
            file: file.into(),
            header_line,
            header: header.to_vec(),
            id_column,
            features,
            feature_columns,
            address_columns,
            declared,
        })
    }

    /// The file's name.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The 1-based line of the header.
    pub fn header_line(&self) -> usize {
        self.header_line
    }

    /// The header of the file.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The id column's position in the header; `None` when ids are row numbers.
    pub fn id_column(&self) -> Option<usize> {
        self.id_column
    }

    /// The feature names, in order: the quotas' features then the extra features.
    pub fn features(&self) -> &[String] {
        &self.features
    }

    /// The header position of each feature's column.
    pub fn feature_columns(&self) -> &[usize] {
        &self.feature_columns
    }

    /// The id column's name (`id` when ids are row numbers).
    pub fn id_header(&self) -> &str {
        id_header_of(&self.header, self.id_column)
    }

    /// The output columns; see [`People::output_columns`].
    pub fn output_columns(&self) -> Vec<Option<usize>> {
        output_columns_of(self.header.len(), self.id_column, &self.feature_columns)
    }

    /// The output header matching [`PeopleLayout::output_columns`].
    pub fn output_header(&self) -> Vec<String> {
        output_header_of(&self.header, &self.output_columns())
    }

    /// One person's output cells matching [`PeopleLayout::output_columns`].
    pub fn output_cells(&self, person: &Person) -> Vec<String> {
        output_cells_at(&self.output_columns(), person)
    }

    /// One person from data row number `n` (0-based, used for row-number ids), without the
    /// duplicate-id check: the row has as many fields as the header, an id, and a declared
    /// value for each feature.
    pub fn person(&self, n: usize, row: &Row) -> Result<Person> {
        let (id, values, address) = self.read_row(n, row)?;
        Ok(Person {
            id,
            line: row.line,
            values,
            address,
            cells: row.cells.clone(),
        })
    }

    /// [`PeopleLayout::person`] keeping the row's cells.
    fn person_from(&self, n: usize, row: Row) -> Result<Person> {
        let (id, values, address) = self.read_row(n, &row)?;
        Ok(Person {
            id,
            line: row.line,
            values,
            address,
            cells: row.cells,
        })
    }

    /// The id of data row number `n` (0-based): its id cell, which must not be blank, or
    /// `n + 1` when ids are row numbers.
    pub fn id(&self, n: usize, row: &Row) -> Result<String> {
        let Some(c) = self.id_column else {
            return Ok((n + 1).to_string());
        };
        let id = row.cells.get(c).cloned().unwrap_or_default();
        if id.is_empty() {
            return Err(FileError::BlankId {
                at: Box::new(Location::cell(&self.file, row.line, &cut(&self.header[c]))),
            });
        }
        Ok(id)
    }

    /// The checks of one row, in the order they are reported; its id, values and address.
    fn read_row(&self, n: usize, row: &Row) -> Result<(String, Vec<String>, Option<String>)> {
        row.check_width(&self.file, self.header.len(), WIDTH_FIX)?;
        let id = self.id(n, row)?;
        let cell = |i: usize| row.cells.get(i).map_or("", String::as_str);
        let mut values = Vec::with_capacity(self.features.len());
        for (f, &c) in self.feature_columns.iter().enumerate() {
            let v = cell(c);
            if let Some(d) = self.declared.get(f)
                && !d.index.contains(v)
            {
                return Err(FileError::UnknownValue {
                    at: Box::new(Location::cell(&self.file, row.line, &cut(&self.header[c]))),
                    feature: cut(&d.name),
                    suggestion: case_insensitive_match(v, &d.values).map(|s| cut(&s)),
                    value: cut(v),
                    declared: cut_all(&d.values),
                });
            }
            if v.is_empty() {
                return Err(FileError::BlankCell {
                    at: Box::new(Location::cell(&self.file, row.line, &cut(&self.header[c]))),
                    fix: format!("give this person's value of \"{}\"", cut(&self.header[c])),
                });
            }
            values.push(v.to_owned());
        }
        let parts: Vec<String> = self
            .address_columns
            .iter()
            .map(|&c| cell(c).to_lowercase())
            .collect();
        let address = if parts.is_empty() || parts.iter().all(String::is_empty) {
            None
        } else {
            Some(parts.join("\u{1e}"))
        };
        Ok((id, values, address))
    }

    /// The error for an id used twice.
    fn duplicate_id(&self, d: &Duplicate) -> FileError {
        let at = match self.id_column {
            Some(c) => Location::cell(&self.file, d.line, &cut(&self.header[c])),
            None => Location::line(&self.file, d.line),
        };
        FileError::DuplicateId {
            at: Box::new(at),
            id: cut(&d.id),
            first_line: d.first_line,
        }
    }

    /// The error for a file that changed between two readings.
    fn changed(&self) -> FileError {
        FileError::Invalid {
            detail: format!(
                "{} changed while it was being read. Fix: read a copy that nothing else writes to",
                self.file
            ),
        }
    }

    /// The checks that need every row: at least one, and no id used twice. `count` rows were
    /// given to `ids`; `fetch` gives the line and id of the given data rows (ascending), in
    /// that order, for the rows whose hashes are equal.
    fn check_all<F>(&self, count: usize, ids: IdCheck, fetch: F) -> Result<()>
    where
        F: FnMut(&[usize]) -> Result<Vec<(usize, String)>>,
    {
        if count == 0 {
            return Err(table::header_only(&self.file, "person"));
        }
        match ids.first_duplicate(self, fetch)? {
            Some(d) => Err(self.duplicate_id(&d)),
            None => Ok(()),
        }
    }
}

/// The id column's name (`id` when ids are row numbers).
fn id_header_of(header: &[String], id_column: Option<usize>) -> &str {
    id_column
        .and_then(|c| header.get(c))
        .map_or("id", String::as_str)
}

/// See [`People::output_columns`].
fn output_columns_of(
    header_len: usize,
    id_column: Option<usize>,
    feature_columns: &[usize],
) -> Vec<Option<usize>> {
    let mut cols = vec![id_column];
    for i in 0..header_len {
        if Some(i) != id_column && !feature_columns.contains(&i) {
            cols.push(Some(i));
        }
    }
    cols.extend(feature_columns.iter().map(|&c| Some(c)));
    cols
}

/// The header names of output columns.
fn output_header_of(header: &[String], columns: &[Option<usize>]) -> Vec<String> {
    columns
        .iter()
        .map(|c| {
            c.and_then(|c| header.get(c).cloned())
                .unwrap_or_else(|| "id".into())
        })
        .collect()
}

/// One person's cells in `columns` (from `output_columns`, computed once for a whole file).
pub fn output_cells_at(columns: &[Option<usize>], person: &Person) -> Vec<String> {
    columns
        .iter()
        .map(|c| match c {
            Some(c) => person.cells.get(*c).cloned().unwrap_or_default(),
            None => person.id.clone(),
        })
        .collect()
}

/// How ids are hashed for the duplicate check.
#[derive(Clone)]
enum IdHash {
    /// SipHash with a random key, so that no file can be made to collide on purpose.
    Keyed(RandomState),
    /// A given function (tests force collisions with it).
    Fixed(fn(&str) -> u64),
}

impl IdHash {
    fn of(&self, id: &str) -> u64 {
        match self {
            IdHash::Keyed(state) => state.hash_one(id),
            IdHash::Fixed(f) => f(id),
        }
    }
}

impl std::fmt::Debug for IdHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            IdHash::Keyed(_) => "Keyed",
            IdHash::Fixed(_) => "Fixed",
        })
    }
}

/// A row whose id an earlier row already has.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Duplicate {
    /// The data row (0-based) and its line.
    row: usize,
    line: usize,
    id: String,
    /// The line of the first row with that id.
    first_line: usize,
}

/// The duplicate-id check, in 12 bytes a row instead of every id: each row's id is hashed
/// (64 bits) and kept with the row's number. At the end, rows with equal hashes are candidates,
/// confirmed by comparing their ids exactly (a hash collision is possible, if unlikely); the
/// ids of those rows only are read again.
#[derive(Debug)]
struct IdCheck {
    hash: IdHash,
    /// False when ids are row numbers, which cannot repeat.
    on: bool,
    /// The hash's high and low halves, and the data row.
    rows: Vec<[u32; 3]>,
}

impl IdCheck {
    fn new(layout: &PeopleLayout, hash: IdHash) -> Self {
        Self {
            hash,
            on: layout.id_column.is_some(),
            rows: Vec::new(),
        }
    }

    /// Takes the id of data row `n` (0-based, on line `line`).
    fn add(&mut self, layout: &PeopleLayout, n: usize, line: usize, id: &str) -> Result<()> {
        if !self.on {
            return Ok(());
        }
        let Ok(row) = u32::try_from(n) else {
            return Err(FileError::TooManyRecords {
                at: Box::new(Location::line(&layout.file, line)),
                limit: u32::MAX as usize,
                found: n + 1,
            });
        };
        let h = self.hash.of(id);
        self.rows.push([(h >> 32) as u32, h as u32, row]);
        Ok(())
    }

    /// The first row, in file order, whose id an earlier row has (what a scan remembering every
    /// id would report first); `fetch` gives the lines and ids of the given rows.
    fn first_duplicate<F>(self, layout: &PeopleLayout, mut fetch: F) -> Result<Option<Duplicate>>
    where
        F: FnMut(&[usize]) -> Result<Vec<(usize, String)>>,
    {
        let Self { hash, mut rows, .. } = self;
        rows.sort_unstable();
        let key = |r: &[u32; 3]| (r[0], r[1]);
        // Each group of rows with equal hashes, as its second row and its start: no row of a
        // group can repeat an id before the group's second row.
        let mut groups: Vec<(u32, u32)> = Vec::new();
        let mut i = 0;
        while i < rows.len() {
            let len = rows[i..]
                .iter()
                .take_while(|r| key(r) == key(&rows[i]))
                .count();
            if len > 1 {
                // `i` is below the number of rows, which are numbered in `u32`.
                groups.push((rows[i + 1][2], i as u32));
            }
            i += len;
        }
        groups.sort_unstable();
        let mut best: Option<Duplicate> = None;
        for &(second, start) in &groups {
            if best.as_ref().is_some_and(|b| b.row <= second as usize) {
                break;
            }
            let group = &rows[start as usize..];
            let h = key(&group[0]);
            let members: Vec<usize> = group
                .iter()
                .take_while(|r| key(r) == h)
                .map(|r| r[2] as usize)
                .collect();
            let same_hash = |(_, id): &(usize, String)| {
                let x = hash.of(id);
                ((x >> 32) as u32, x as u32) == h
            };
            let mut ids = |rows: &[usize]| -> Result<Vec<(usize, String)>> {
                let found = fetch(rows)?;
                if found.len() != rows.len() || !found.iter().all(same_hash) {
                    return Err(layout.changed());
                }
                Ok(found)
            };
            if let Some(d) = repeated(&members, &mut ids)?
                && best.as_ref().is_none_or(|b| d.row < b.row)
            {
                best = Some(d);
            }
        }
        Ok(best)
    }
}

/// The first of `rows` (ascending data rows with equal hashes) whose id an earlier one of them
/// has; `ids` gives their lines and ids.
fn repeated<F>(rows: &[usize], ids: &mut F) -> Result<Option<Duplicate>>
where
    F: FnMut(&[usize]) -> Result<Vec<(usize, String)>>,
{
    // Usually the first two hold the same id; else the hashes collided, and every row of the
    // group is compared.
    let first_two = ids(&rows[..2])?;
    let found = if first_two[0].1 == first_two[1].1 || rows.len() == 2 {
        first_two
    } else {
        ids(rows)?
    };
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (&row, (line, id)) in rows.iter().zip(&found) {
        if let Some(&first_line) = seen.get(id.as_str()) {
            return Ok(Some(Duplicate {
                row,
                line: *line,
                id: id.clone(),
                first_line,
            }));
        }
        seen.insert(id, *line);
    }
    Ok(None)
}

/// Reads a people file one person at a time, in memory bounded by one record plus 12 bytes a
/// person (for the duplicate-id check).
///
/// Each [`PeopleReader::next_person`] gives the next person, checked as
/// [`PeopleLayout::person`] checks a row; [`PeopleReader::finish`] then checks what needs
/// every row (a data line at least, no id used twice). Together they accept the files
/// [`People::read`] accepts, with the same errors.
#[derive(Debug)]
pub struct PeopleReader {
    path: PathBuf,
    /// The table options, with the encoding resolved.
    table: TableOptions,
    persons: Persons<File>,
}

impl PeopleReader {
    /// Opens a people file, reads its header and finds its columns.
    pub fn open(path: &Path, quotas: &Quotas, options: &PeopleOptions) -> Result<Self> {
        Self::open_hashed(path, quotas, options, IdHash::Keyed(RandomState::new()))
    }

    /// [`PeopleReader::open`] with ids hashed by `hash` for the duplicate check, so that tests
    /// can make different ids collide.
    #[doc(hidden)]
    pub fn open_with_id_hash(
        path: &Path,
        quotas: &Quotas,
        options: &PeopleOptions,
        hash: fn(&str) -> u64,
    ) -> Result<Self> {
        Self::open_hashed(path, quotas, options, IdHash::Fixed(hash))
    }

    fn open_hashed(
        path: &Path,
        quotas: &Quotas,
        options: &PeopleOptions,
        hash: IdHash,
    ) -> Result<Self> {
        let (table, _) = options.table.for_file(path)?;
        let rows = RowReader::open_with(path, None, &table)?;
        Ok(Self {
            path: path.to_owned(),
            table,
            persons: Persons::new(rows, quotas, options, hash)?,
        })
    }

    /// How the file's columns map to the quotas.
    pub fn layout(&self) -> &PeopleLayout {
        &self.persons.layout
    }

    /// The next person, or `None` at the end of the file. After an error, there is none.
    pub fn next_person(&mut self) -> Result<Option<Person>> {
        self.persons.next_person()
    }

    /// Call after the last person: fails with [`FileError::DuplicateId`] when two rows have
    /// the same id (the later row of the first such pair in file order, as a scan remembering
    /// every id would report it), and with [`FileError::HeaderOnly`] when the file has no data
    /// line. The rows whose ids may repeat are read again from the file to compare them.
    ///
    /// Called before the end, it reads (and checks) the remaining persons first. Called after
    /// [`PeopleReader::next_person`] failed, it fails.
    pub fn finish(self) -> Result<()> {
        self.finish_layout().map(|_| ())
    }

    /// [`PeopleReader::finish`], giving back the layout.
    fn finish_layout(self) -> Result<PeopleLayout> {
        let (path, table) = (self.path, self.table);
        self.persons
            .finish(|separator| RowReader::open_with(&path, Some(separator), &table))
    }
}

/// The persons of a CSV input, read one at a time: what [`PeopleReader`] does for a file, and
/// [`People::parse_bytes`] for bytes in memory.
#[derive(Debug)]
struct Persons<R> {
    rows: RowReader<R>,
    layout: PeopleLayout,
    ids: IdCheck,
    /// Persons given.
    count: usize,
    state: State,
}

/// Where a [`Persons`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Reading,
    Ended,
    Failed,
}

impl<R: Read> Persons<R> {
    fn new(
        rows: RowReader<R>,
        quotas: &Quotas,
        options: &PeopleOptions,
        hash: IdHash,
    ) -> Result<Self> {
        let layout =
            PeopleLayout::new(&rows.file, rows.header_line, &rows.header, quotas, options)?;
        Ok(Self {
            ids: IdCheck::new(&layout, hash),
            rows,
            layout,
            count: 0,
            state: State::Reading,
        })
    }

    fn next_person(&mut self) -> Result<Option<Person>> {
        if self.state != State::Reading {
            return Ok(None);
        }
        let next = self.read_person();
        self.state = match &next {
            Ok(Some(_)) => State::Reading,
            Ok(None) => State::Ended,
            Err(_) => State::Failed,
        };
        next
    }

    fn read_person(&mut self) -> Result<Option<Person>> {
        let Some(row) = self.rows.next_row()? else {
            return Ok(None);
        };
        let p = self.layout.person_from(self.count, row)?;
        self.ids.add(&self.layout, self.count, p.line, &p.id)?;
        self.count += 1;
        Ok(Some(p))
    }

    /// Reads the remaining persons, then checks what needs every row; `reopen` reads the
    /// input again from its start, with the separator found, for the ids that may repeat.
    fn finish<S: Read>(
        mut self,
        mut reopen: impl FnMut(u8) -> Result<RowReader<S>>,
    ) -> Result<PeopleLayout> {
        while self.next_person()?.is_some() {}
        if self.state == State::Failed {
            return Err(FileError::Invalid {
                detail: format!(
                    "{} was not read to its end: an earlier error stopped the reading",
                    self.layout.file
                ),
            });
        }
        let Self {
            rows,
            layout,
            ids,
            count,
            ..
        } = self;
        let separator = rows.separator;
        drop(rows);
        layout.check_all(count, ids, |wanted| {
            reread_ids(reopen(separator)?, &layout, wanted)
        })?;
        Ok(layout)
    }
}

/// The lines and ids of the given data rows (ascending), read again.
fn reread_ids<R: Read>(
    mut reader: RowReader<R>,
    layout: &PeopleLayout,
    wanted: &[usize],
) -> Result<Vec<(usize, String)>> {
    let mut found = Vec::with_capacity(wanted.len());
    let mut n = 0;
    while let Some(&next) = wanted.get(found.len()) {
        let Some(row) = reader.next_row()? else {
            return Err(layout.changed());
        };
        if n == next {
            found.push((row.line, layout.id(n, &row)?));
        }
        n += 1;
    }
    Ok(found)
}

/// A people file resolved against the quotas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct People {
    /// The file's name.
    pub file: String,
    /// The header of the file.
    pub header: Vec<String>,
    /// The id column's position in the header; `None` when ids are row numbers.
    pub id_column: Option<usize>,
    /// The feature names, in order: the quotas' features then the extra features.
    pub features: Vec<String>,
    /// The header position of each feature's column.
    pub feature_columns: Vec<usize>,
    /// The people, in file order.
    pub people: Vec<Person>,
}

impl People {
    /// Reads a people file, through a [`PeopleReader`].
    pub fn read(path: &Path, quotas: &Quotas, options: &PeopleOptions) -> Result<Self> {
        let mut reader = PeopleReader::open(path, quotas, options)?;
        let mut people = Vec::new();
        while let Some(p) = reader.next_person()? {
            people.push(p);
        }
        Ok(Self::from_parts(reader.finish_layout()?, people))
    }

    /// Parses people file bytes; `file` names it in errors. The bytes are read as
    /// [`PeopleReader`] reads a file, with the same results.
    pub fn parse_bytes(
        file: &str,
        bytes: &[u8],
        quotas: &Quotas,
        options: &PeopleOptions,
    ) -> Result<Self> {
        let encoding = options.table.encoding.of_bytes(bytes);
        let rows = RowReader::from_reader_with(file, bytes, None, encoding)?;
        let mut persons = Persons::new(rows, quotas, options, IdHash::Keyed(RandomState::new()))?;
        let mut people = Vec::new();
        while let Some(p) = persons.next_person()? {
            people.push(p);
        }
        let layout = persons.finish(|separator| {
            RowReader::from_reader_with(file, bytes, Some(separator), encoding)
        })?;
        Ok(Self::from_parts(layout, people))
    }

    /// Interprets a parsed table against the quotas, with the rules of [`PeopleLayout`] and
    /// [`PeopleReader::finish`].
    pub fn from_table(t: &Table, quotas: &Quotas, options: &PeopleOptions) -> Result<Self> {
        Self::from_table_hashed(t, quotas, options, IdHash::Keyed(RandomState::new()))
    }

    fn from_table_hashed(
        t: &Table,
        quotas: &Quotas,
        options: &PeopleOptions,
        hash: IdHash,
    ) -> Result<Self> {
        let layout = PeopleLayout::new(&t.file, t.header_line, &t.header, quotas, options)?;
        let mut ids = IdCheck::new(&layout, hash);
        let mut people = Vec::with_capacity(t.rows.len());
        for (n, r) in t.rows.iter().enumerate() {
            let p = layout.person(n, r)?;
            ids.add(&layout, n, p.line, &p.id)?;
            people.push(p);
        }
        layout.check_all(people.len(), ids, |wanted| {
            Ok(wanted
                .iter()
                .filter_map(|&n| people.get(n))
                .map(|p| (p.line, p.id.clone()))
                .collect())
        })?;
        Ok(Self::from_parts(layout, people))
    }

    fn from_parts(layout: PeopleLayout, people: Vec<Person>) -> Self {
        Self {
            file: layout.file,
            header: layout.header,
            id_column: layout.id_column,
            features: layout.features,
            feature_columns: layout.feature_columns,
            people,
        }
    }

    /// The id column's name (`id` when ids are row numbers).
    pub fn id_header(&self) -> &str {
        id_header_of(&self.header, self.id_column)
    }

    /// True when at least one person has an address for the household rule.
    pub fn has_households(&self) -> bool {
        self.people.iter().any(|p| p.address.is_some())
    }

    /// The output columns, in the Sortition Foundation's order: the id, then every other
    /// column in file order except the features, then the features in quota order. Returns
    /// header positions (`None` for a row-number id).
    pub fn output_columns(&self) -> Vec<Option<usize>> {
        output_columns_of(self.header.len(), self.id_column, &self.feature_columns)
    }

    /// The output header matching [`People::output_columns`].
    pub fn output_header(&self) -> Vec<String> {
        output_header_of(&self.header, &self.output_columns())
    }

    /// One person's output cells matching [`People::output_columns`].
    pub fn output_cells(&self, person: &Person) -> Vec<String> {
        output_cells_at(&self.output_columns(), person)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotas() -> Quotas {
        Quotas::parse_bytes(
            "q.csv",
            b"feature,value,min,max\ngender,Female,1,2\ngender,Male,1,2\n",
        )
        .unwrap()
    }

    fn parse(text: &str, options: &PeopleOptions) -> Result<People> {
        People::parse_bytes("p.csv", text.as_bytes(), &quotas(), options)
    }

    #[test]
    fn id_column_features_and_households() {
        let opts = PeopleOptions {
            id: IdColumn::Named("pid".into()),
            household_columns: vec!["addr".into(), "zip".into()],
            extra_features: vec![],
            ..Default::default()
        };
        let p = parse(
            "name,pid,gender,addr,zip\na,1,Female, 1 Main St ,Z\nb,2,Male,1 MAIN ST,z\nc,3,Male,,\n",
            &opts,
        )
        .unwrap();
        assert_eq!(p.id_header(), "pid");
        assert_eq!(p.people[0].address, p.people[1].address);
        assert_eq!(p.people[2].address, None);
        assert_eq!(p.output_header(), ["pid", "name", "addr", "zip", "gender"]);
        assert_eq!(
            p.output_cells(&p.people[1]),
            ["2", "b", "1 MAIN ST", "z", "Male"]
        );
    }

    #[test]
    fn row_numbers_when_no_id_column() {
        let p = parse("gender\nFemale\n\nMale\n", &PeopleOptions::default()).unwrap();
        assert_eq!(p.people[0].id, "1");
        assert_eq!(p.people[1].id, "2");
        assert_eq!(p.people[1].line, 4);
        assert_eq!(p.output_header(), ["id", "gender"]);
    }

    #[test]
    fn unknown_value_suggests_case() {
        let e = parse("id,gender\n1,Female\n2,female\n", &PeopleOptions::default()).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("p.csv, line 3, column \"gender\": unknown value \"female\""),
            "{msg}"
        );
        assert!(msg.contains("\"Female\", \"Male\""), "{msg}");
        assert!(msg.contains("Did you mean \"Female\""), "{msg}");
        let e = parse("id,gender\n1,Femme\n", &PeopleOptions::default()).unwrap_err();
        assert!(!e.to_string().contains("Did you mean"));
    }

    #[test]
    fn id_errors() {
        let e = parse("id,gender\n1,Female\n1,Male\n", &PeopleOptions::default()).unwrap_err();
        assert!(
            e.to_string()
                .contains("line 3, column \"id\": the id \"1\" is already used on line 2"),
            "{e}"
        );
        let e = parse("id,gender\n,Female\n", &PeopleOptions::default()).unwrap_err();
        assert!(matches!(e, FileError::BlankId { .. }));
        let opts = PeopleOptions {
            id: IdColumn::Named("nationbuilder_id".into()),
            ..Default::default()
        };
        let e = parse("id,gender\n1,Female\n", &opts).unwrap_err();
        assert!(
            e.to_string().contains("no column \"nationbuilder_id\""),
            "{e}"
        );
    }

    #[test]
    fn quota_feature_missing() {
        let e = parse("id,Gender\n1,Female\n", &PeopleOptions::default()).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("q.csv, line 2: the quotas name the feature \"gender\", but p.csv"),
            "{msg}"
        );
        assert!(msg.contains("Did you mean \"Gender\""), "{msg}");
    }

    #[test]
    fn long_cells_are_cut_in_messages() {
        let long = "é".repeat(3000);
        let e = parse(&format!("id,gender\n1,{long}\n"), &PeopleOptions::default()).unwrap_err();
        assert!(matches!(e, FileError::UnknownValue { .. }));
        assert!(e.to_string().contains("(6000 bytes in all)"), "{e}");
        assert!(e.to_string().len() < 1000, "{e}");
        let e = parse(
            &format!("id,gender\n{long},Male\n{long},Female\n"),
            &PeopleOptions::default(),
        )
        .unwrap_err();
        assert!(matches!(e, FileError::DuplicateId { .. }));
        assert!(e.to_string().len() < 1000, "{e}");
    }

    fn layout() -> PeopleLayout {
        let header = ["id".to_string(), "gender".to_string()];
        PeopleLayout::new("p.csv", 1, &header, &quotas(), &PeopleOptions::default()).unwrap()
    }

    /// The duplicate check over ids on lines 2, 3, …; also returns how many rows were
    /// fetched, in how many readings.
    fn duplicate_of(ids: &[&str], hash: IdHash) -> (Result<Option<Duplicate>>, Vec<usize>) {
        let l = layout();
        let mut check = IdCheck::new(&l, hash);
        for (n, id) in ids.iter().enumerate() {
            check.add(&l, n, n + 2, id).unwrap();
        }
        let mut fetched = Vec::new();
        let found = check.first_duplicate(&l, |rows| {
            fetched.push(rows.len());
            Ok(rows.iter().map(|&r| (r + 2, ids[r].to_string())).collect())
        });
        (found, fetched)
    }

    /// What a scan remembering every id reports: the row repeating an id, and the first row.
    fn scan(ids: &[&str]) -> Option<(usize, usize)> {
        let mut seen = HashMap::new();
        for (n, id) in ids.iter().enumerate() {
            if let Some(&first) = seen.get(id) {
                return Some((n, first));
            }
            seen.insert(id, n);
        }
        None
    }

    #[test]
    fn equal_hashes_are_confirmed_by_the_ids() {
        let words = ["a", "b", "c", "ab", "ba", "abc", "x"];
        let hashes = [
            IdHash::Keyed(RandomState::new()),
            IdHash::Fixed(|_| 0),
            IdHash::Fixed(|id| id.len() as u64),
            IdHash::Fixed(|id| id.bytes().map(u64::from).sum()),
        ];
        let mut rng = kleroterion_fair::synthetic::SplitMix64::new(0x9E37_79B9_7F4A_7C15);
        for _ in 0..2000 {
            let x = rng.next_u64();
            let ids: Vec<&str> = (0..(x % 12) as usize)
                .map(|i| words[((x >> (3 * i + 8)) % words.len() as u64) as usize])
                .collect();
            for hash in &hashes {
                let (found, _) = duplicate_of(&ids, hash.clone());
                let found = found.unwrap().map(|d| {
                    assert_eq!((d.line, d.id.as_str()), (d.row + 2, ids[d.row]));
                    (d.row, d.first_line - 2)
                });
                assert_eq!(found, scan(&ids), "{ids:?} with {hash:?}");
            }
        }
    }

    #[test]
    fn collisions_alone_are_not_duplicates() {
        let (found, fetched) = duplicate_of(&["a", "b", "c", "d"], IdHash::Fixed(|_| 1));
        assert_eq!(found.unwrap(), None);
        // The first two rows, then the whole group.
        assert_eq!(fetched, [2, 4]);
        // No equal hashes: nothing is read again.
        let (found, fetched) = duplicate_of(&["a", "b", "c"], IdHash::Keyed(RandomState::new()));
        assert_eq!((found.unwrap(), fetched.len()), (None, 0));
        // One duplicate: one reading of two rows.
        let (found, fetched) =
            duplicate_of(&["a", "b", "c", "b"], IdHash::Keyed(RandomState::new()));
        assert_eq!(found.unwrap().map(|d| (d.row, d.first_line)), Some((3, 3)));
        assert_eq!(fetched, [2]);
    }

    #[test]
    fn ids_read_again_must_be_those_hashed() {
        let l = layout();
        let mut check = IdCheck::new(&l, IdHash::Keyed(RandomState::new()));
        for (n, id) in ["a", "b", "a"].iter().enumerate() {
            check.add(&l, n, n + 2, id).unwrap();
        }
        let e = check
            .first_duplicate(&l, |rows| {
                Ok(rows.iter().map(|&r| (r + 2, "z".into())).collect())
            })
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("p.csv changed while it was being read"),
            "{e}"
        );
        let mut check = IdCheck::new(&l, IdHash::Fixed(|_| 0));
        check.add(&l, 0, 2, "a").unwrap();
        check.add(&l, 1, 3, "a").unwrap();
        assert!(check.first_duplicate(&l, |_| Ok(Vec::new())).is_err());
    }

    #[test]
    fn header_only_and_widths() {
        assert!(matches!(
            parse("id,gender\n", &PeopleOptions::default()),
            Err(FileError::HeaderOnly { .. })
        ));
        let e = parse("id,gender\n1,Female,x\n", &PeopleOptions::default()).unwrap_err();
        assert!(matches!(e, FileError::FieldCount { .. }));
    }
}
