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

use std::collections::HashMap;
use std::path::Path;

use crate::error::{FileError, Location, Result, case_insensitive_match};
use crate::limits::{cut, cut_all};
use crate::quotas::Quotas;
use crate::table::Table;

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
    /// Reads a people file.
    pub fn read(path: &Path, quotas: &Quotas, options: &PeopleOptions) -> Result<Self> {
        Self::from_table(&Table::read(path, None)?, quotas, options)
    }

    /// Parses people file bytes; `file` names it in errors.
    pub fn parse_bytes(
        file: &str,
        bytes: &[u8],
        quotas: &Quotas,
        options: &PeopleOptions,
    ) -> Result<Self> {
        Self::from_table(&Table::parse_bytes(file, bytes, None)?, quotas, options)
    }

    /// Interprets a parsed table against the quotas.
    pub fn from_table(t: &Table, quotas: &Quotas, options: &PeopleOptions) -> Result<Self> {
        let id_column = match &options.id {
            IdColumn::Named(name) => Some(t.require_column(
                name,
                "the id column",
                Some("name the id column with --id-column, or use row numbers as ids"),
            )?),
            IdColumn::Auto => t.column("id"),
            IdColumn::RowNumber => None,
        };
        let mut features = Vec::new();
        let mut feature_columns = Vec::new();
        for (i, f) in quotas.features.iter().enumerate() {
            let c = t
                .column(&f.name)
                .ok_or_else(|| FileError::QuotaFeatureMissing {
                    at: Box::new(Location::line(&quotas.file, quotas.feature_line(i))),
                    feature: cut(&f.name),
                    people_file: t.file.clone(),
                    columns: cut_all(&t.header),
                    suggestion: case_insensitive_match(&f.name, &t.header).map(|s| cut(&s)),
                })?;
            features.push(f.name.clone());
            feature_columns.push(c);
        }
        for name in &options.extra_features {
            if !features.contains(name) {
                feature_columns.push(t.require_column(name, "a column to stratify on", None)?);
                features.push(name.clone());
            }
        }
        let address_columns = options
            .household_columns
            .iter()
            .map(|c| t.require_column(c, "an address column for the household rule", None))
            .collect::<Result<Vec<_>>>()?;
        t.check_widths("give every person a cell for each column of the header (quote cells holding the separator)")?;
        t.require_rows("person")?;
        // Each person's values are looked up in these maps rather than in the quotas' lists.
        let declared: Vec<HashMap<&str, usize>> = quotas
            .features
            .iter()
            .map(|f| {
                let mut index = HashMap::with_capacity(f.values.len());
                for (i, v) in f.values.iter().enumerate() {
                    index.entry(v.value.as_str()).or_insert(i);
                }
                index
            })
            .collect();
        let mut people = Vec::with_capacity(t.rows.len());
        let mut seen: HashMap<String, usize> = HashMap::with_capacity(t.rows.len());
        for (n, r) in t.rows.iter().enumerate() {
            let cell = |i: usize| r.cells.get(i).cloned().unwrap_or_default();
            let id = match id_column {
                Some(c) => {
                    let id = cell(c);
                    if id.is_empty() {
                        return Err(FileError::BlankId {
                            at: Box::new(Location::cell(&t.file, r.line, &cut(&t.header[c]))),
                        });
                    }
                    id
                }
                None => (n + 1).to_string(),
            };
            if let Some(&first_line) = seen.get(&id) {
                let at = match id_column {
                    Some(c) => Location::cell(&t.file, r.line, &cut(&t.header[c])),
                    None => Location::line(&t.file, r.line),
                };
                return Err(FileError::DuplicateId {
                    at: Box::new(at),
                    id: cut(&id),
                    first_line,
                });
            }
            seen.insert(id.clone(), r.line);
            let mut values = Vec::with_capacity(features.len());
            for (f, &c) in feature_columns.iter().enumerate() {
                let v = cell(c);
                if let Some(q) = quotas.features.get(f)
                    && !declared[f].contains_key(v.as_str())
                {
                    let values: Vec<String> = q.values.iter().map(|x| x.value.clone()).collect();
                    return Err(FileError::UnknownValue {
                        at: Box::new(Location::cell(&t.file, r.line, &cut(&t.header[c]))),
                        feature: cut(&q.name),
                        suggestion: case_insensitive_match(&v, &values).map(|s| cut(&s)),
                        value: cut(&v),
                        declared: cut_all(&values),
                    });
                }
                if v.is_empty() {
                    return Err(FileError::BlankCell {
                        at: Box::new(Location::cell(&t.file, r.line, &cut(&t.header[c]))),
                        fix: format!("give this person's value of \"{}\"", cut(&t.header[c])),
                    });
                }
                values.push(v);
            }
            let parts: Vec<String> = address_columns
                .iter()
                .map(|&c| cell(c).to_lowercase())
                .collect();
            let address = if parts.is_empty() || parts.iter().all(String::is_empty) {
                None
            } else {
                Some(parts.join("\u{1e}"))
            };
            people.push(Person {
                id,
                line: r.line,
                values,
                address,
                cells: r.cells.clone(),
            });
        }
        Ok(Self {
            file: t.file.clone(),
            header: t.header.clone(),
            id_column,
            features,
            feature_columns,
            people,
        })
    }

    /// The id column's name (`id` when ids are row numbers).
    pub fn id_header(&self) -> &str {
        self.id_column
            .and_then(|c| self.header.get(c))
            .map_or("id", String::as_str)
    }

    /// True when at least one person has an address for the household rule.
    pub fn has_households(&self) -> bool {
        self.people.iter().any(|p| p.address.is_some())
    }

    /// The output columns, in the Sortition Foundation's order: the id, then every other
    /// column in file order except the features, then the features in quota order. Returns
    /// header positions (`None` for a row-number id).
    pub fn output_columns(&self) -> Vec<Option<usize>> {
        let mut cols = vec![self.id_column];
        for i in 0..self.header.len() {
            if Some(i) != self.id_column && !self.feature_columns.contains(&i) {
                cols.push(Some(i));
            }
        }
        cols.extend(self.feature_columns.iter().map(|&c| Some(c)));
        cols
    }

    /// The output header matching [`People::output_columns`].
    pub fn output_header(&self) -> Vec<String> {
        self.output_columns()
            .iter()
            .map(|c| {
                c.and_then(|c| self.header.get(c).cloned())
                    .unwrap_or_else(|| "id".into())
            })
            .collect()
    }

    /// One person's output cells matching [`People::output_columns`].
    pub fn output_cells(&self, person: &Person) -> Vec<String> {
        self.output_columns()
            .iter()
            .map(|c| match c {
                Some(c) => person.cells.get(*c).cloned().unwrap_or_default(),
                None => person.id.clone(),
            })
            .collect()
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
