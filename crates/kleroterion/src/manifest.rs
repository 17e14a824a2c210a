//! The manifest, its validation and its commitment (SPEC.md section 5).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::digest::Digest;
use crate::draw::CommittedDraw;
use crate::encoding::{Encoder, SPEC_VERSION, tagged_hash};
use crate::error::{Error, Result};
use crate::model::Feature;
use crate::recipe::Recipe;
use crate::text::{TextKind, check};

/// How seats are allocated across strata (SPEC.md section 9.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Allocation {
    /// Committed counts, one per value of the stratifying feature.
    Explicit {
        /// Seats per stratum, in value order.
        counts: Vec<u32>,
    },
    /// Hamilton's largest remainder method.
    LargestRemainder,
    /// Sainte-Laguë (Webster) highest averages.
    SainteLague,
}

/// The selection method and its parameters (SPEC.md section 9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Method {
    /// `k` of `n`, uniformly.
    Uniform,
    /// Uniform within strata, seats allocated across strata.
    Stratified {
        /// The stratifying feature.
        feature: String,
        /// The allocation rule.
        allocation: Allocation,
    },
    /// Quota-constrained sequential selection.
    Greedy {
        /// How many attempts before the draw fails (1 to 1000).
        max_attempts: u32,
    },
    /// One panel of a committed portfolio, uniformly.
    Lottery {
        /// The panels: each `k` strictly increasing pool indices.
        portfolio: Vec<Vec<u32>>,
    },
    /// The IETF NomCom procedure of RFC 3797.
    Rfc3797,
    /// Every compliant panel equally likely, or in proportion to the product of its members'
    /// weights (SPEC.md section 9.6, a draft of version 3).
    Maxent {
        /// The features whose quotas the exact count enforces, in the order that sorts the
        /// types (the feature with the most values first keeps the count smallest); the other
        /// quotas and the household rule are met by rejection.
        counted: Vec<String>,
        /// How many attempts before the draw fails (1 to 100,000).
        max_attempts: u32,
        /// One positive weight per record in pool order, or none (every weight 1).
        #[serde(default)]
        weights: Vec<u32>,
    },
}

impl Method {
    /// The method's name as written in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Method::Uniform => "uniform",
            Method::Stratified { .. } => "stratified",
            Method::Greedy { .. } => "greedy",
            Method::Lottery { .. } => "lottery",
            Method::Rfc3797 => "rfc3797",
            Method::Maxent { .. } => "maxent",
        }
    }

    /// The parameters of a `maxent` method, as its draw and its count take them; `None` for
    /// the other methods.
    pub fn maxent_params(&self) -> Option<crate::methods::maxent::Params<'_>> {
        match self {
            Method::Maxent {
                counted,
                max_attempts,
                weights,
            } => Some(crate::methods::maxent::Params {
                counted,
                max_attempts: *max_attempts,
                weights,
            }),
            _ => None,
        }
    }

    /// True for the methods that enforce the quotas.
    pub fn enforces_quotas(&self) -> bool {
        matches!(
            self,
            Method::Greedy { .. } | Method::Lottery { .. } | Method::Maxent { .. }
        )
    }

    fn encode(&self, e: &mut Encoder) -> Result<()> {
        match self {
            Method::Uniform => {
                e.u8(0);
            }
            Method::Stratified {
                feature,
                allocation,
            } => {
                e.u8(1).str(feature)?;
                match allocation {
                    Allocation::Explicit { counts } => {
                        e.u8(0).u32_list(counts)?;
                    }
                    Allocation::LargestRemainder => {
                        e.u8(1);
                    }
                    Allocation::SainteLague => {
                        e.u8(2);
                    }
                }
            }
            Method::Greedy { max_attempts } => {
                e.u8(2).u32(*max_attempts);
            }
            Method::Lottery { portfolio } => {
                e.u8(3).count(portfolio.len(), "portfolio")?;
                for panel in portfolio {
                    e.u32_list(panel)?;
                }
            }
            Method::Rfc3797 => {
                e.u8(4);
            }
            Method::Maxent {
                counted,
                max_attempts,
                weights,
            } => {
                e.u8(5).count(counted.len(), "counted")?;
                for name in counted {
                    e.str(name)?;
                }
                e.u32(*max_attempts).u32_list(weights)?;
            }
        }
        Ok(())
    }
}

/// The committed size and root of the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolCommitment {
    /// The Merkle root of the records.
    pub root: Digest,
    /// The number of records.
    pub count: u32,
}

impl PoolCommitment {
    /// The commitment to a pool: its Merkle root and count.
    pub fn of(records: &[crate::model::Record]) -> Result<Self> {
        let count = u32::try_from(records.len()).map_err(|_| Error::TooLarge { field: "pool" })?;
        let root = crate::merkle::pool_root(records)?.ok_or(Error::EmptyPool)?;
        Ok(Self { root, count })
    }
}

/// Everything the organiser commits to before the randomness exists.
///
/// Build one with [`Manifest::new`] and the `with_` methods, then turn it into a
/// [`CommittedDraw`] with [`Manifest::commit`], which checks it against its pool before it
/// gives a commitment: a commitment to a draw that can never run is never produced that way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Manifest {
    /// The protocol version, `kleroterion/v2`.
    pub spec: String,
    /// A free description of the draw.
    pub title: String,
    /// When the organiser says the commitment is published (`YYYY-MM-DDTHH:MM:SSZ`).
    #[serde(default)]
    pub announced_at: Option<String>,
    /// The method and its parameters.
    pub method: Method,
    /// `k`, how many people are drawn.
    pub panel_size: u32,
    /// `A`, the length of the published alternates list.
    pub alternates: u32,
    /// At most one person per household.
    pub household_rule: bool,
    /// Ordered features with their quotas.
    pub features: Vec<Feature>,
    /// The pool's root and count.
    pub pool: PoolCommitment,
    /// Which future public randomness seeds the draw; `None` accepts any reveal.
    #[serde(default)]
    pub randomness: Option<Recipe>,
    /// Whether this is the real draw, a rehearsal, or the replay of a past draw.
    #[serde(default)]
    pub purpose: Purpose,
    /// The disclosure floor: every published cell of the pool holds at least this many records
    /// (SPEC.md section 5.2). Absent in JSON means 1, no floor.
    #[serde(default = "no_floor")]
    pub min_cell: u32,
    /// Sealed features (SPEC.md section 4.1): the records publish a salted commitment to their
    /// values instead of the values; only with the lottery method. Absent in JSON means false.
    #[serde(default)]
    pub sealed: bool,
    /// The previous stage this pool was drawn from (SPEC.md section 5.3). Absent in JSON means
    /// none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Parent>,
}

/// The previous stage a linked stage was drawn from (SPEC.md section 5.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parent {
    /// The previous stage's commitment.
    pub commitment: Digest,
    /// `H("invitees", ...)` of the previous stage's selected tickets then alternates.
    pub invitees: Digest,
    /// The features whose values come from the previous stage's records and must agree with
    /// them; every other feature is declared by the volunteers.
    pub inherited: Vec<String>,
}

impl Parent {
    fn encode(&self, e: &mut Encoder) -> Result<()> {
        e.raw32(&self.commitment).raw32(&self.invitees);
        e.count(self.inherited.len(), "inherited")?;
        for name in &self.inherited {
            e.str(name)?;
        }
        Ok(())
    }
}

fn no_floor() -> u32 {
    1
}

/// Why a draw is run: verifiers show anything but [`Purpose::Official`] at the top of their
/// verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Purpose {
    /// The real draw, committed before its randomness existed.
    #[default]
    Official,
    /// A test run before the real draw (often with made-up randomness): its panel is not the
    /// panel.
    Rehearsal,
    /// A past draw played again with randomness that already existed when this manifest was
    /// written: it shows how the draw works and proves nothing about who was chosen.
    Replay,
}

impl Purpose {
    /// The purpose as written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Official => "official",
            Purpose::Rehearsal => "rehearsal",
            Purpose::Replay => "replay",
        }
    }

    fn code(self) -> u8 {
        match self {
            Purpose::Official => 0,
            Purpose::Rehearsal => 1,
            Purpose::Replay => 2,
        }
    }
}

impl Manifest {
    /// A manifest of this protocol version for an official draw: no alternates, no household
    /// rule, no announcement time and no committed randomness until the `with_` methods set
    /// them, and the default disclosure floor of 5 records a cell
    /// ([`crate::disclosure::DEFAULT_FLOOR`]).
    pub fn new(
        title: impl Into<String>,
        method: Method,
        panel_size: u32,
        features: Vec<Feature>,
        pool: PoolCommitment,
    ) -> Self {
        Self {
            spec: SPEC_VERSION.into(),
            title: title.into(),
            announced_at: None,
            method,
            panel_size,
            alternates: 0,
            household_rule: false,
            features,
            pool,
            randomness: None,
            purpose: Purpose::Official,
            min_cell: crate::disclosure::DEFAULT_FLOOR,
            sealed: false,
            parent: None,
        }
    }

    /// Seals the features (SPEC.md section 4.1): the pool's records then publish seals, and
    /// only the panel, the alternates and the replacements are opened. Only the lottery method
    /// can be sealed.
    pub fn with_sealed(mut self, sealed: bool) -> Self {
        self.sealed = sealed;
        self
    }

    /// Names the previous stage this pool was drawn from (SPEC.md section 5.3): every record
    /// must then link to one of its invitees. See [`crate::chain::parent_of`].
    pub fn with_parent(mut self, parent: Parent) -> Self {
        self.parent = Some(parent);
        self
    }

    /// Sets the disclosure floor: every published cell of the pool must hold at least this
    /// many records. Below the default of 5, every verifier's report says the organiser lowered
    /// it.
    pub fn with_min_cell(mut self, min_cell: u32) -> Self {
        self.min_cell = min_cell;
        self
    }

    /// Sets `A`, the length of the alternates list.
    pub fn with_alternates(mut self, alternates: u32) -> Self {
        self.alternates = alternates;
        self
    }

    /// Sets the household rule (at most one person per household on the panel).
    pub fn with_household_rule(mut self, rule: bool) -> Self {
        self.household_rule = rule;
        self
    }

    /// Sets when the commitment is published (`YYYY-MM-DDTHH:MM:SSZ`).
    pub fn with_announced_at(mut self, at: impl Into<String>) -> Self {
        self.announced_at = Some(at.into());
        self
    }

    /// Sets the future public randomness that will seed the draw.
    pub fn with_randomness(mut self, recipe: Recipe) -> Self {
        self.randomness = Some(recipe);
        self
    }

    /// Sets why the draw is run.
    pub fn with_purpose(mut self, purpose: Purpose) -> Self {
        self.purpose = purpose;
        self
    }

    /// Checks the manifest and its pool together (everything [`crate::draw::check_committed`]
    /// checks: section 5.1, the pool's count and root, its records, and every panel of a
    /// lottery portfolio) and only then computes the commitment. This is the organiser's
    /// path; [`Manifest::commitment`] alone is for verifiers, who hash whatever they are
    /// given.
    pub fn commit(self, records: Vec<crate::model::Record>) -> Result<CommittedDraw> {
        CommittedDraw::new(self, records)
    }

    /// Reads a manifest from JSON (unknown fields are refused).
    pub fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| Error::Json {
            what: "manifest",
            detail: format!("{e}"),
        })
    }

    /// Writes the manifest as pretty JSON.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| Error::Json {
            what: "manifest",
            detail: format!("{e}"),
        })
    }

    /// `man(M)` of SPEC.md section 5.
    pub fn canonical_bytes(&self) -> Result<Vec<u8>> {
        let mut e = Encoder::new();
        e.str(&self.spec)?.str(&self.title)?;
        match &self.announced_at {
            None => {
                e.u8(0);
            }
            Some(t) => {
                e.u8(1).str(t)?;
            }
        }
        self.method.encode(&mut e)?;
        e.u32(self.panel_size)
            .u32(self.alternates)
            .bool(self.household_rule);
        e.count(self.features.len(), "features")?;
        for f in &self.features {
            f.encode(&mut e)?;
        }
        e.raw32(&self.pool.root).u32(self.pool.count);
        match &self.randomness {
            None => {
                e.u8(0);
            }
            Some(r) => {
                e.u8(1);
                r.encode(&mut e)?;
            }
        }
        e.u8(self.purpose.code())
            .u32(self.min_cell)
            .u8(u8::from(self.sealed));
        match &self.parent {
            None => {
                e.u8(0);
            }
            Some(p) => {
                e.u8(1);
                p.encode(&mut e)?;
            }
        }
        Ok(e.into_bytes())
    }

    /// `commitment = H("manifest", man(M))`, whatever the manifest holds: the low-level hash
    /// a verifier recomputes. An organiser commits through [`Manifest::commit`], which refuses
    /// a manifest that could never be drawn.
    pub fn commitment(&self) -> Result<Digest> {
        Ok(tagged_hash("manifest", &self.canonical_bytes()?))
    }

    /// Checks SPEC.md section 5.1 (the portfolio's quotas need the pool: see
    /// [`crate::methods::lottery::check_portfolio`]).
    pub fn validate(&self) -> Result<()> {
        if self.spec != SPEC_VERSION {
            return Err(Error::UnsupportedSpec {
                found: self.spec.clone(),
            });
        }
        check(&self.title, TextKind::Free, || "title".into())?;
        if let Some(t) = &self.announced_at {
            check_time(t)?;
        }
        if self.pool.count == 0 {
            return Err(Error::EmptyPool);
        }
        if self.panel_size == 0 || self.panel_size > self.pool.count {
            return Err(Error::PanelSize {
                panel_size: self.panel_size,
                pool_count: self.pool.count,
            });
        }
        self.validate_features()?;
        if self.household_rule && !self.method.enforces_quotas() {
            return Err(Error::HouseholdRuleNotSupported {
                method: self.method.name(),
            });
        }
        self.validate_method()?;
        if let Some(r) = &self.randomness {
            r.validate()?;
            if self.announced_at.is_none() && r.earliest_time().is_some() {
                return Err(Error::AnnouncementMissing);
            }
        }
        if let Some(p) = &self.parent {
            self.validate_inherited(p)?;
        }
        Ok(())
    }

    fn validate_inherited(&self, parent: &Parent) -> Result<()> {
        for (i, name) in parent.inherited.iter().enumerate() {
            check(name, TextKind::Name, || "parent: inherited feature".into())?;
            if parent.inherited[..i].contains(name) {
                return Err(Error::DuplicateName {
                    field: "parent.inherited".into(),
                    name: name.clone(),
                });
            }
            if self.feature(name).is_none() {
                return Err(Error::UnknownFeature {
                    field: "parent.inherited",
                    feature: name.clone(),
                });
            }
        }
        Ok(())
    }

    fn validate_features(&self) -> Result<()> {
        for (i, f) in self.features.iter().enumerate() {
            check(&f.name, TextKind::Name, || "feature name".into())?;
            if self.features[..i].iter().any(|g| g.name == f.name) {
                return Err(Error::DuplicateName {
                    field: "features".into(),
                    name: f.name.clone(),
                });
            }
            if f.values.is_empty() {
                return Err(Error::NoValues {
                    feature: f.name.clone(),
                });
            }
            for v in &f.values {
                check(&v.value, TextKind::Name, || {
                    format!("feature \"{}\": value", f.name)
                })?;
            }
            let mut names: Vec<&str> = f.values.iter().map(|v| v.value.as_str()).collect();
            names.sort_unstable();
            if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
                return Err(Error::DuplicateName {
                    field: format!("values of feature \"{}\"", f.name),
                    name: w[0].into(),
                });
            }
            let (mut mins, mut maxs) = (0u64, 0u64);
            for v in &f.values {
                if v.min > v.max {
                    return Err(Error::QuotaMinAboveMax {
                        feature: f.name.clone(),
                        value: v.value.clone(),
                        min: v.min,
                        max: v.max,
                    });
                }
                mins += u64::from(v.min);
                maxs += u64::from(v.max);
            }
            let k = self.panel_size;
            if mins > u64::from(k) {
                return Err(Error::QuotaMinsTooLarge {
                    feature: f.name.clone(),
                    sum: mins,
                    panel_size: k,
                });
            }
            if maxs < u64::from(k) {
                return Err(Error::QuotaMaxsTooSmall {
                    feature: f.name.clone(),
                    sum: maxs,
                    panel_size: k,
                });
            }
        }
        Ok(())
    }

    fn validate_method(&self) -> Result<()> {
        if self.sealed && !matches!(self.method, Method::Lottery { .. }) {
            return Err(Error::InvalidMethod {
                detail: format!(
                    "sealed features are defined for the lottery method only, not for {} (SPEC.md section 4.1); stratified and greedy read every record's values to draw. Seal a lottery, or publish the values under the disclosure floor",
                    self.method.name()
                ),
            });
        }
        match &self.method {
            Method::Stratified {
                feature,
                allocation,
            } => {
                check(feature, TextKind::Name, || "stratified feature".into())?;
                let f = self.feature(feature).ok_or_else(|| Error::UnknownFeature {
                    field: "the method",
                    feature: feature.clone(),
                })?;
                if let Allocation::Explicit { counts } = allocation {
                    if counts.len() != f.values.len() {
                        return Err(Error::InvalidAllocation {
                            detail: format!(
                                "{} counts given for {} values of \"{}\"; give one count per value",
                                counts.len(),
                                f.values.len(),
                                f.name
                            ),
                        });
                    }
                    let sum: u64 = counts.iter().map(|&c| u64::from(c)).sum();
                    if sum != u64::from(self.panel_size) {
                        return Err(Error::InvalidAllocation {
                            detail: format!(
                                "the counts add up to {sum}, not the panel size {}",
                                self.panel_size
                            ),
                        });
                    }
                }
                Ok(())
            }
            Method::Greedy { max_attempts } => {
                if !(1..=1000).contains(max_attempts) {
                    return Err(Error::InvalidMethod {
                        detail: format!("greedy max_attempts is {max_attempts}; use 1 to 1000"),
                    });
                }
                Ok(())
            }
            Method::Lottery { portfolio } => {
                if portfolio.is_empty() || portfolio.len() > 100_000 {
                    return Err(Error::InvalidMethod {
                        detail: format!(
                            "the portfolio has {} panels; use 1 to 100,000",
                            portfolio.len()
                        ),
                    });
                }
                Ok(())
            }
            Method::Rfc3797 => {
                let picks = u64::from(self.panel_size)
                    + u64::from(self.alternates.min(self.pool.count - self.panel_size));
                if picks > u64::from(crate::methods::rfc3797::MAX_PICKS) {
                    return Err(Error::InvalidMethod {
                        detail: format!(
                            "rfc3797 can make at most 65,536 picks; panel and alternates ask for {picks}"
                        ),
                    });
                }
                Ok(())
            }
            Method::Maxent {
                counted,
                max_attempts,
                weights,
            } => {
                let params = crate::methods::maxent::Params {
                    counted,
                    max_attempts: *max_attempts,
                    weights,
                };
                crate::methods::maxent::validate(self, params)
            }
            Method::Uniform => Ok(()),
        }
    }

    /// The recipe's sources, in order (none without a recipe).
    pub fn committed_sources(&self) -> impl Iterator<Item = &crate::recipe::SourceSpec> + Clone {
        self.randomness.iter().flat_map(|r| r.sources.iter())
    }

    /// A feature by name.
    pub fn feature(&self, name: &str) -> Option<&Feature> {
        self.features.iter().find(|f| f.name == name)
    }
}

fn check_time(t: &str) -> Result<()> {
    let [y, mo, d, h, mi, s] =
        crate::time::utc_fields(t).ok_or_else(|| Error::InvalidTime { found: t.into() })?;
    let valid = d >= 1 && d <= crate::time::days_in_month(y, mo) && h <= 23 && mi <= 59 && s <= 59;
    if valid {
        Ok(())
    } else {
        Err(Error::InvalidTime { found: t.into() })
    }
}
