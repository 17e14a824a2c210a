//! Quota files: the Sortition Foundation's two layouts and Panelot's.
//!
//! | layout | header (any column order, extra columns ignored) |
//! |---|---|
//! | Sortition Foundation | `feature,value,min,max[,min_flex,max_flex]` |
//! | Sortition Foundation, older | `category,name,min,max[,min_flex,max_flex]` |
//! | Panelot / replication | `category,feature,min,max` (category = feature name, feature = value) |
//!
//! Rules, as the Sortition Foundation's reader applies them: header names and cells are
//! trimmed of surrounding whitespace; a line whose feature cell is blank is skipped; a blank
//! value, min or max is an error; min and max are whole numbers (here also: not negative, and
//! min <= max). Values are matched exactly (case-sensitive) after trimming and NFC
//! normalisation. `min_flex` and `max_flex` are read and checked to be numbers, then ignored:
//! the protocol commits to `min` and `max` only.

use std::collections::HashMap;
use std::path::Path;

use kleroterion::{Feature, ValueQuota};

use crate::error::{FileError, Location, Result};
use crate::limits::{MAX_VALUES_PER_FEATURE, cut, cut_all};
use crate::table::{Table, TableOptions};

/// Which layout a quota file used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaFormat {
    /// `feature,value,min,max[,min_flex,max_flex]`.
    SortitionFoundation,
    /// `category,name,min,max`.
    SortitionFoundationOld,
    /// `category,feature,min,max`.
    Panelot,
}

impl QuotaFormat {
    /// A short human name.
    pub fn describe(self) -> &'static str {
        match self {
            QuotaFormat::SortitionFoundation => "Sortition Foundation (feature,value,min,max)",
            QuotaFormat::SortitionFoundationOld => {
                "Sortition Foundation, older (category,name,min,max)"
            }
            QuotaFormat::Panelot => "Panelot (category,feature,min,max)",
        }
    }
}

/// Features and quotas read from a file, with where each came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quotas {
    /// The file's name.
    pub file: String,
    /// The layout found.
    pub format: QuotaFormat,
    /// Features in order of first appearance, values likewise.
    pub features: Vec<Feature>,
    /// `lines[f][v]`: the line of the quota of value `v` of feature `f`.
    pub lines: Vec<Vec<usize>>,
}

impl Quotas {
    /// Reads a quota file: CSV (encoding detected) or a spreadsheet's only sheet.
    pub fn read(path: &Path) -> Result<Self> {
        Self::read_with(path, &TableOptions::default())
    }

    /// Reads a quota file, CSV or a sheet of a spreadsheet, with the given options.
    pub fn read_with(path: &Path, options: &TableOptions) -> Result<Self> {
        Self::from_table(&Table::read_with(path, None, options)?)
    }

    /// Parses quota file bytes; `file` names it in errors.
    pub fn parse_bytes(file: &str, bytes: &[u8]) -> Result<Self> {
        Self::from_table(&Table::parse_bytes(file, bytes, None)?)
    }

    /// Quotas that declare no feature, for reading people without quotas: [`People`] read
    /// against them hold only their [`PeopleOptions::extra_features`]. `file` names the people
    /// file.
    ///
    /// [`People`]: crate::People
    /// [`PeopleOptions::extra_features`]: crate::PeopleOptions::extra_features
    pub fn none(file: &str) -> Self {
        Self {
            file: file.into(),
            format: QuotaFormat::SortitionFoundation,
            features: Vec::new(),
            lines: Vec::new(),
        }
    }

    /// Interprets a parsed table as quotas.
    ///
    /// A feature may have at most [`MAX_VALUES_PER_FEATURE`] values.
    pub fn from_table(t: &Table) -> Result<Self> {
        Self::from_table_limited(t, MAX_VALUES_PER_FEATURE)
    }

    fn from_table_limited(t: &Table, max_values: usize) -> Result<Self> {
        let has = |n: &str| t.header.iter().any(|h| h.eq_ignore_ascii_case(n));
        let (format, fcol, vcol) = if has("feature") && has("value") {
            (QuotaFormat::SortitionFoundation, "feature", "value")
        } else if has("category") && has("name") {
            (QuotaFormat::SortitionFoundationOld, "category", "name")
        } else if has("category") && has("feature") {
            (QuotaFormat::Panelot, "category", "feature")
        } else {
            return Err(FileError::UnknownQuotaFormat {
                at: Box::new(Location::line(&t.file, t.header_line)),
                header: cut_all(&t.header),
            });
        };
        let col = |n: &str| -> Result<usize> {
            match t.header.iter().position(|h| h.eq_ignore_ascii_case(n)) {
                Some(i) => Ok(i),
                None => t.require_column(n, "a quota column", None),
            }
        };
        let (fi, vi, mini, maxi) = (col(fcol)?, col(vcol)?, col("min")?, col("max")?);
        let flex: Vec<usize> = ["min_flex", "max_flex"]
            .iter()
            .filter_map(|n| t.header.iter().position(|h| h.eq_ignore_ascii_case(n)))
            .collect();
        t.check_widths("give every quota line the same columns as the header")?;
        t.require_rows("quota")?;
        let mut q = Builder {
            quotas: Quotas {
                file: t.file.clone(),
                format,
                features: Vec::new(),
                lines: Vec::new(),
            },
            features: HashMap::new(),
            values: Vec::new(),
        };
        for r in &t.rows {
            let cell = |i: usize| r.cells.get(i).map(String::as_str).unwrap_or("");
            let feature = cell(fi);
            if feature.is_empty() {
                continue;
            }
            let at = |i: usize| Box::new(Location::cell(&t.file, r.line, &cut(&t.header[i])));
            let value = cell(vi);
            if value.is_empty() {
                return Err(FileError::BlankCell {
                    at: at(vi),
                    fix: format!(
                        "name the value of feature \"{}\" this quota is for",
                        cut(feature)
                    ),
                });
            }
            let number = |i: usize| -> Result<u32> {
                let s = cell(i);
                if s.is_empty() {
                    return Err(FileError::BlankCell {
                        at: at(i),
                        fix: format!(
                            "write the {} for {}={}, for example 0",
                            cut(&t.header[i]),
                            cut(feature),
                            cut(value)
                        ),
                    });
                }
                s.parse::<u32>().map_err(|_| FileError::BadNumber {
                    at: at(i),
                    found: cut(s),
                })
            };
            let (min, max) = (number(mini)?, number(maxi)?);
            for &i in &flex {
                number(i)?;
            }
            if min > max {
                return Err(FileError::MinAboveMax {
                    at: Box::new(Location::line(&t.file, r.line)),
                    feature: cut(feature),
                    value: cut(value),
                    min,
                    max,
                });
            }
            if q.count(feature) == max_values {
                return Err(FileError::TooManyValues {
                    at: Box::new(Location::line(&t.file, r.line)),
                    feature: cut(feature),
                    limit: max_values,
                    found: t
                        .rows
                        .iter()
                        .filter(|r| r.cells.get(fi).map(String::as_str) == Some(feature))
                        .count(),
                });
            }
            q.push(feature, value, min, max, r.line)?;
        }
        let q = q.quotas;
        if q.features.is_empty() {
            return Err(FileError::HeaderOnly {
                at: Box::new(Location::file(&t.file)),
                what: "quota",
            });
        }
        Ok(q)
    }

    /// The line where a feature is first named.
    pub fn feature_line(&self, f: usize) -> usize {
        self.lines
            .get(f)
            .and_then(|l| l.first().copied())
            .unwrap_or(1)
    }

    /// Checks the sums of each feature's minimums and maximums against the panel size, naming
    /// the feature's first line.
    pub fn check_panel_size(&self, panel_size: u32) -> Result<()> {
        for (i, f) in self.features.iter().enumerate() {
            let mins: u64 = f.values.iter().map(|v| u64::from(v.min)).sum();
            let maxs: u64 = f.values.iter().map(|v| u64::from(v.max)).sum();
            let at = Location::line(&self.file, self.feature_line(i));
            if mins > u64::from(panel_size) {
                return Err(FileError::Invalid {
                    detail: format!(
                        "{at}: the minimums of feature \"{}\" add up to {mins}, more than the panel size {panel_size}. Fix: lower some minimums or choose a larger panel",
                        cut(&f.name)
                    ),
                });
            }
            if maxs < u64::from(panel_size) {
                return Err(FileError::Invalid {
                    detail: format!(
                        "{at}: the maximums of feature \"{}\" add up to {maxs}, less than the panel size {panel_size}. Fix: raise some maximums or choose a smaller panel",
                        cut(&f.name)
                    ),
                });
            }
        }
        Ok(())
    }
}

/// Quotas being read, with maps from names to positions so that each line costs the same
/// however many features and values came before it.
struct Builder {
    quotas: Quotas,
    /// Feature name to position in `quotas.features`.
    features: HashMap<String, usize>,
    /// For each feature, value to position in its values.
    values: Vec<HashMap<String, usize>>,
}

impl Builder {
    /// The values given so far for a feature.
    fn count(&self, feature: &str) -> usize {
        self.features
            .get(feature)
            .map_or(0, |&f| self.quotas.features[f].values.len())
    }

    fn push(&mut self, feature: &str, value: &str, min: u32, max: u32, line: usize) -> Result<()> {
        let q = &mut self.quotas;
        let f = match self.features.get(feature) {
            Some(&f) => f,
            None => {
                q.features.push(Feature {
                    name: feature.into(),
                    values: Vec::new(),
                });
                q.lines.push(Vec::new());
                self.values.push(HashMap::new());
                self.features.insert(feature.into(), q.features.len() - 1);
                q.features.len() - 1
            }
        };
        if let Some(&v) = self.values[f].get(value) {
            return Err(FileError::DuplicateQuota {
                at: Box::new(Location::line(&q.file, line)),
                feature: cut(feature),
                value: cut(value),
                first_line: q.lines[f][v],
            });
        }
        let values = &mut q.features[f].values;
        self.values[f].insert(value.into(), values.len());
        values.push(ValueQuota {
            value: value.into(),
            min,
            max,
        });
        q.lines[f].push(line);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Quotas> {
        Quotas::parse_bytes("q.csv", text.as_bytes())
    }

    #[test]
    fn sortition_foundation_with_flex() {
        let q = parse("feature,value,min,max,min_flex,max_flex\nGender, Female ,1,2,0,3\nGender,Male,1,2,0,3\n,,,,,\nage,old,0,1,0,1\n")
            .unwrap();
        assert_eq!(q.format, QuotaFormat::SortitionFoundation);
        assert_eq!(q.features.len(), 2);
        assert_eq!(q.features[0].values[0].value, "Female");
        assert_eq!(q.lines[1], [5]);
    }

    #[test]
    fn older_and_panelot_layouts() {
        let q = parse("category,name,min,max\ng,f,1,2\n").unwrap();
        assert_eq!(q.format, QuotaFormat::SortitionFoundationOld);
        let q = parse("category,feature,min,max\ngender,female,9,20\ngender,male,9,20\n").unwrap();
        assert_eq!(q.format, QuotaFormat::Panelot);
        assert_eq!(q.features[0].name, "gender");
        assert_eq!(q.features[0].values[1].value, "male");
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = parse("feature,value,min,max\ng,f,-1,2\n").unwrap_err();
        assert!(matches!(e, FileError::BadNumber { .. }));
        assert!(
            e.to_string()
                .starts_with("q.csv, line 2, column \"min\": \"-1\""),
            "{e}"
        );
        let e = parse("feature,value,min,max\ng,f,x,2\n").unwrap_err();
        assert!(e.to_string().contains("\"x\" is not a whole number"), "{e}");
        let e = parse("feature,value,min,max\ng,f,3,2\n").unwrap_err();
        assert!(matches!(e, FileError::MinAboveMax { .. }));
        let e = parse("feature,value,min,max\ng,f,1,2\ng,f,1,2\n").unwrap_err();
        assert!(e.to_string().contains("already given on line 2"), "{e}");
        let e = parse("feature,value,min,max\ng,,1,2\n").unwrap_err();
        assert!(matches!(e, FileError::BlankCell { .. }));
        let e = parse("feature,value,min,max\ng,f,,2\n").unwrap_err();
        assert!(
            e.to_string().contains("column \"min\": the cell is blank"),
            "{e}"
        );
    }

    #[test]
    fn empty_header_only_unknown_layout() {
        assert!(matches!(parse(""), Err(FileError::EmptyFile { .. })));
        assert!(matches!(
            parse("feature,value,min,max\n"),
            Err(FileError::HeaderOnly { .. })
        ));
        assert!(matches!(
            parse("a,b,c\n1,2,3\n"),
            Err(FileError::UnknownQuotaFormat { .. })
        ));
        let e = parse("feature,value,min\ng,f,1\n").unwrap_err();
        assert!(matches!(e, FileError::MissingColumn { .. }), "{e}");
    }

    #[test]
    fn values_per_feature_limit() {
        let t = Table::parse_text(
            "q.csv",
            "feature,value,min,max\ng,a,0,1\nh,a,0,1\ng,b,0,1\ng,c,0,1\ng,d,0,1\n",
            None,
        )
        .unwrap();
        assert!(Quotas::from_table_limited(&t, 4).is_ok());
        let e = Quotas::from_table_limited(&t, 2).unwrap_err();
        assert!(
            e.to_string().starts_with(
                "q.csv, line 5: the feature \"g\" has 4 values, more than the limit of 2"
            ),
            "{e}"
        );
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        let long = "v".repeat(5000);
        let e = parse(&format!(
            "feature,value,min,max\ng,{long},1,2\ng,{long},1,2\n"
        ))
        .unwrap_err();
        assert!(matches!(e, FileError::DuplicateQuota { .. }));
        assert!(e.to_string().contains("(5000 bytes in all)"), "{e}");
        assert!(e.to_string().len() < 400, "{e}");
        let e = parse(&format!("feature,value,min,max\ng,f,{long},2\n")).unwrap_err();
        assert!(matches!(e, FileError::BadNumber { .. }));
        assert!(e.to_string().len() < 400, "{e}");
        let e = parse(&format!("feature,value,min,max\ng,{long},3,2\n")).unwrap_err();
        assert!(matches!(e, FileError::MinAboveMax { .. }));
        assert!(e.to_string().len() < 400, "{e}");
    }

    #[test]
    fn panel_size_sums() {
        let q = parse("feature,value,min,max\ng,f,3,4\ng,m,3,4\n").unwrap();
        assert!(q.check_panel_size(7).is_ok());
        assert!(
            q.check_panel_size(5)
                .unwrap_err()
                .to_string()
                .contains("q.csv, line 2")
        );
        assert!(
            q.check_panel_size(9)
                .unwrap_err()
                .to_string()
                .contains("add up to 8")
        );
    }
}
