//! The embedded Montpellier figures: communes and adult marginals.
//!
//! Provenance: INSEE figures (population municipale 2021; RP2021 for the Métropole, with the
//! estimates marked in the `quality` column), see `tests/data/montpellier/README.md`. The CSV
//! files in `data/` are verbatim copies.

use super::DemoError;

const COMMUNES_CSV: &str = include_str!("data/communes.csv");
const MARGINALS_CSV: &str = include_str!("data/adult_marginals.csv");

/// Shares are stored in parts per million, so that every computation stays in integers.
pub const PPM: u64 = 1_000_000;

/// Registered voters per thousand inhabitants: Montpellier city (~163,000 of 302,454).
const RATE_CITY: u64 = 540;
/// Registered voters per thousand inhabitants: the other communes (75-79%).
const RATE_SUBURBS: u64 = 770;

/// The commune size classes used as a quota feature (README: Montpellier; 5 communes of
/// 10,000+; 13 of 5-10k; 12 under 5k).
pub const SIZE_CLASSES: [&str; 4] = ["montpellier", "10000-plus", "5000-9999", "under-5000"];

/// One commune of the Métropole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commune {
    /// The commune's name, as published by INSEE.
    pub name: String,
    /// Legal population 2021.
    pub population: u64,
    /// Index into [`SIZE_CLASSES`].
    pub size_class: u8,
}

impl Commune {
    /// Registered voters at full scale: population × registration rate.
    pub fn registered(&self) -> u64 {
        let rate = if self.size_class == 0 {
            RATE_CITY
        } else {
            RATE_SUBURBS
        };
        self.population * rate / 1000
    }
}

/// One feature of the marginals with its values and shares (ppm, summing to [`PPM`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarginalFeature {
    /// The feature's name (`gender`, `age`, `education`, `csp`).
    pub name: String,
    /// The value names, in file order.
    pub values: Vec<String>,
    /// The share of each value, in parts per million.
    pub shares: Vec<u64>,
}

impl MarginalFeature {
    /// The position of a value by name.
    pub fn index(&self, value: &str) -> Result<usize, DemoError> {
        self.values
            .iter()
            .position(|v| v == value)
            .ok_or_else(|| DemoError::Data {
                file: "adult_marginals.csv",
                line: 0,
                detail: format!("feature {} has no value {value}", self.name),
            })
    }
}

/// The parsed, checked figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    /// The 31 communes, in file order.
    pub communes: Vec<Commune>,
    /// `gender`, `age`, `education`, `csp`, in this order.
    pub features: Vec<MarginalFeature>,
}

/// The names of the four personal features, in the order the demo uses.
pub const FEATURES: [&str; 4] = ["gender", "age", "education", "csp"];

impl Figures {
    /// Parses the embedded CSV files.
    pub fn load() -> Result<Self, DemoError> {
        let communes = parse_communes()?;
        let features = parse_marginals()?;
        Ok(Self { communes, features })
    }

    /// A personal feature by position in [`FEATURES`].
    pub fn feature(&self, f: usize) -> &MarginalFeature {
        &self.features[f]
    }
}

fn lines(text: &'static str) -> impl Iterator<Item = (usize, &'static str)> {
    text.lines()
        .enumerate()
        .skip(1)
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.is_empty())
}

fn parse_communes() -> Result<Vec<Commune>, DemoError> {
    let bad = |line, detail: String| DemoError::Data {
        file: "communes.csv",
        line,
        detail,
    };
    let mut out = Vec::new();
    for (n, line) in lines(COMMUNES_CSV) {
        let (name, pop) = line
            .split_once(',')
            .ok_or_else(|| bad(n, "expected name,population".into()))?;
        let population: u64 = pop
            .trim()
            .parse()
            .map_err(|_| bad(n, format!("population {pop:?} is not a number")))?;
        let size_class = match (out.is_empty(), population) {
            (true, _) => 0,
            (false, p) if p >= 10_000 => 1,
            (false, p) if p >= 5_000 => 2,
            _ => 3,
        };
        out.push(Commune {
            name: name.trim().to_owned(),
            population,
            size_class,
        });
    }
    if out.first().is_none_or(|c| c.name != "Montpellier") {
        return Err(bad(2, "the first commune must be Montpellier".into()));
    }
    Ok(out)
}

/// Parses `0.178` into parts per million.
fn parse_share(s: &str) -> Option<u64> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if frac.len() > 6
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        || int.is_empty()
    {
        return None;
    }
    let int: u64 = int.parse().ok()?;
    let frac_ppm: u64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<6}").parse().ok()?
    };
    Some(int * PPM + frac_ppm)
}

fn parse_marginals() -> Result<Vec<MarginalFeature>, DemoError> {
    let bad = |line, detail: String| DemoError::Data {
        file: "adult_marginals.csv",
        line,
        detail,
    };
    let mut out: Vec<MarginalFeature> = FEATURES
        .iter()
        .map(|n| MarginalFeature {
            name: (*n).to_owned(),
            values: Vec::new(),
            shares: Vec::new(),
        })
        .collect();
    for (n, line) in lines(MARGINALS_CSV) {
        let mut cols = line.splitn(4, ',');
        let (Some(feature), Some(value), Some(share)) = (cols.next(), cols.next(), cols.next())
        else {
            return Err(bad(n, "expected feature,value,share,quality".into()));
        };
        let f = out
            .iter_mut()
            .find(|f| f.name == feature)
            .ok_or_else(|| bad(n, format!("unknown feature {feature:?}")))?;
        let ppm = parse_share(share)
            .ok_or_else(|| bad(n, format!("share {share:?} is not a decimal")))?;
        f.values.push(value.to_owned());
        f.shares.push(ppm);
    }
    for f in &out {
        let total: u64 = f.shares.iter().sum();
        if f.values.is_empty() || total != PPM {
            return Err(bad(
                0,
                format!("the shares of {} add up to {total} ppm, not {PPM}", f.name),
            ));
        }
    }
    Ok(out)
}

/// Maps a uniform draw `u` in `[0, PPM)` to the value whose cumulative share band holds it,
/// taking the values in the order `order` (a permutation of the value indices).
pub fn quantile(shares: &[u64], order: &[usize], u: u64) -> usize {
    let mut cum = 0;
    for &v in order {
        cum += shares[v];
        if u < cum {
            return v;
        }
    }
    order.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_parse_and_match_the_readme() {
        let f = Figures::load().unwrap();
        assert_eq!(f.communes.len(), 31);
        let classes: Vec<usize> = (0..4)
            .map(|c| f.communes.iter().filter(|x| x.size_class == c).count())
            .collect();
        assert_eq!(classes, [1, 5, 13, 12]);
        assert_eq!(
            f.communes.iter().map(|c| c.population).sum::<u64>(),
            507_526
        );
        let registered: u64 = f.communes.iter().map(Commune::registered).sum();
        assert!((315_000..=325_000).contains(&registered), "{registered}");
        assert_eq!(parse_share("0.178"), Some(178_000));
        assert_eq!(parse_share("0.2"), Some(200_000));
    }
}
