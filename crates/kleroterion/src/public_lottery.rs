//! Public lotteries as sources of randomness: the format of a published draw, the checks of a
//! published result, and a built-in registry of widely used lotteries with their draw days and
//! the UTC instant of each draw (time zones and daylight-saving rules included, no tz database).
//!
//! Every fact of the registry was checked against public sources; they are cited next to each
//! entry. Draw times are conservative: where sources disagree, or where the draw is sometimes
//! held earlier, the registry keeps the earliest time, because the verifier uses the instant to
//! check that a commitment was announced before the randomness existed.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use serde::{Deserialize, Serialize};

use crate::encoding::Encoder;
use crate::text::{TextKind, check as check_text};
use crate::time::{days_from_civil, days_in_month, parse_date, weekday};

/// The most numbers one group may draw.
const MAX_COUNT: u32 = 64;
/// The most bonus groups a lottery may draw.
const MAX_BONUS: usize = 8;

/// A group of numbers a lottery draws (the main numbers, or a bonus group such as
/// EuroMillions' stars).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumberGroup {
    /// The group's name as the operator publishes it, e.g. `"numbers"`, `"stars"`,
    /// `"bonus ball"`, `"Superzahl"`, `"Jolly"`.
    pub name: String,
    /// How many numbers the group draws (1 to 64); they are all different.
    pub count: u32,
    /// The smallest possible number.
    pub min: u32,
    /// The largest possible number.
    pub max: u32,
    /// Drawn from the main numbers' drum after them, so it can never equal a main number (UK
    /// Lotto's bonus ball, SuperEnalotto's Jolly).
    #[serde(default)]
    pub from_main_drum: bool,
}

/// What a lottery draw publishes: main numbers and zero or more bonus groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LotteryFormat {
    /// The main numbers.
    pub main: NumberGroup,
    /// The bonus groups, in the order the operator publishes them.
    #[serde(default)]
    pub bonus: Vec<NumberGroup>,
}

/// Why a lottery format, a published result or a draw date is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LotteryError {
    /// The text is not a `YYYY-MM-DD` date of years 1970 to 9999.
    BadDate {
        /// The text given.
        date: String,
    },
    /// The date is before the lottery's current format and schedule.
    BeforeFormat {
        /// The lottery's name.
        lottery: &'static str,
        /// The date given.
        date: String,
        /// The first draw date under the current format and schedule.
        since: &'static str,
    },
    /// The date is not one of the lottery's draw days.
    NotADrawDay {
        /// The lottery's name.
        lottery: &'static str,
        /// The date given.
        date: String,
        /// The date's day of the week.
        weekday: Weekday,
        /// The draw days, in words.
        days: String,
    },
    /// A group holds the wrong number of numbers.
    WrongCount {
        /// The group's name.
        group: String,
        /// How many numbers the group draws.
        expected: u32,
        /// How many were given.
        got: usize,
    },
    /// A number is outside its group's range.
    OutOfRange {
        /// The group's name.
        group: String,
        /// The number given.
        number: u32,
        /// The smallest possible number.
        min: u32,
        /// The largest possible number.
        max: u32,
    },
    /// A number appears twice in one group.
    Repeated {
        /// The group's name.
        group: String,
        /// The repeated number.
        number: u32,
    },
    /// A number of a group drawn from the main drum equals a main number.
    SameAsMain {
        /// The group's name.
        group: String,
        /// The number found in both.
        number: u32,
    },
    /// The result gives the wrong number of bonus groups.
    WrongGroupCount {
        /// How many bonus groups the lottery draws.
        expected: usize,
        /// How many were given.
        got: usize,
    },
    /// The format itself is impossible or malformed.
    BadFormat {
        /// What is wrong, naming the group, the value and the rule.
        detail: String,
    },
}

impl fmt::Display for LotteryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LotteryError::BadDate { date } => write!(
                f,
                "the draw date \"{}\" is not a calendar date of the form YYYY-MM-DD between 1970 and 9999",
                crate::text::display(date, 40)
            ),
            LotteryError::BeforeFormat {
                lottery,
                date,
                since,
            } => write!(
                f,
                "{lottery} has drawn under its current format and schedule only since {since}, so the date {date} is refused"
            ),
            LotteryError::NotADrawDay {
                lottery,
                date,
                weekday,
                days,
            } => write!(
                f,
                "{date} is a {}, but {lottery} draws only on {days}",
                weekday.name()
            ),
            LotteryError::WrongCount {
                group,
                expected,
                got,
            } => write!(
                f,
                "the group \"{group}\" holds {got} numbers, but this lottery draws exactly {expected}"
            ),
            LotteryError::OutOfRange {
                group,
                number,
                min,
                max,
            } => write!(
                f,
                "the number {number} of the group \"{group}\" is outside that group's range of {min} to {max}"
            ),
            LotteryError::Repeated { group, number } => write!(
                f,
                "the number {number} appears twice in the group \"{group}\", whose numbers are all different"
            ),
            LotteryError::SameAsMain { group, number } => write!(
                f,
                "the number {number} of the group \"{group}\" is also a main number, which is impossible because \"{group}\" is drawn from the main numbers' drum after them"
            ),
            LotteryError::WrongGroupCount { expected, got } => write!(
                f,
                "the result gives {got} bonus groups, but this lottery draws exactly {expected}"
            ),
            LotteryError::BadFormat { detail } => {
                write!(f, "the lottery format is impossible: {detail}")
            }
        }
    }
}

impl core::error::Error for LotteryError {}

/// A `BadFormat` error about group `g`.
fn bad_group(g: &NumberGroup, rule: String) -> LotteryError {
    LotteryError::BadFormat {
        detail: format!("the group \"{}\" {rule}", crate::text::display(&g.name, 80)),
    }
}

/// How many different numbers lie between `min` and `max` (0 when `min > max`).
fn range_size(min: u32, max: u32) -> u64 {
    (u64::from(max) + 1).saturating_sub(u64::from(min))
}

impl NumberGroup {
    /// Checks one group alone: its name, count and range.
    fn validate(&self) -> Result<(), LotteryError> {
        check_text(&self.name, TextKind::Name, String::new).map_err(|e| match e {
            crate::error::Error::InvalidText { reason, .. } => {
                bad_group(self, format!("has a name that {reason}"))
            }
            other => bad_group(self, format!("has an invalid name ({other})")),
        })?;
        if self.count == 0 || self.count > MAX_COUNT {
            return Err(bad_group(
                self,
                format!(
                    "draws {} numbers; a group draws 1 to {MAX_COUNT}",
                    self.count
                ),
            ));
        }
        if self.min > self.max {
            return Err(bad_group(
                self,
                format!("has min {} above max {}", self.min, self.max),
            ));
        }
        if u64::from(self.count) > range_size(self.min, self.max) {
            return Err(bad_group(
                self,
                format!(
                    "draws {} different numbers from {} to {}, which holds only {}",
                    self.count,
                    self.min,
                    self.max,
                    range_size(self.min, self.max)
                ),
            ));
        }
        Ok(())
    }

    /// Checks the numbers published for this group: count, range, no repeat.
    fn check(&self, numbers: &[u32]) -> Result<(), LotteryError> {
        if numbers.len() != self.count as usize {
            return Err(LotteryError::WrongCount {
                group: self.name.clone(),
                expected: self.count,
                got: numbers.len(),
            });
        }
        if let Some(&n) = numbers.iter().find(|&&n| n < self.min || n > self.max) {
            return Err(LotteryError::OutOfRange {
                group: self.name.clone(),
                number: n,
                min: self.min,
                max: self.max,
            });
        }
        match numbers
            .iter()
            .enumerate()
            .find(|&(i, n)| numbers[..i].contains(n))
        {
            Some((_, &n)) => Err(LotteryError::Repeated {
                group: self.name.clone(),
                number: n,
            }),
            None => Ok(()),
        }
    }

    /// `group(g) = str(name) || u32(count) || u32(min) || u32(max) || bool(from_main_drum)`.
    fn encode(&self, e: &mut Encoder) -> crate::error::Result<()> {
        e.str(&self.name)?
            .u32(self.count)
            .u32(self.min)
            .u32(self.max)
            .bool(self.from_main_drum);
        Ok(())
    }

    /// `name n1 n2 ...`, numbers in the order given.
    fn display(&self, numbers: &[u32]) -> String {
        let mut words = Vec::with_capacity(1 + numbers.len());
        words.push(self.name.clone());
        words.extend(numbers.iter().map(u32::to_string));
        words.join(" ")
    }
}

impl LotteryFormat {
    /// Checks the format itself (SPEC.md section 6.1): every group draws 1 to 64 different
    /// numbers that fit its range, its name is a valid protocol name (SPEC.md section 3), there
    /// are at most 8 bonus groups, the main group is not marked as drawn from the main drum, and
    /// a bonus group drawn from the main drum has the main range with room for its numbers after
    /// the main ones.
    pub fn validate(&self) -> Result<(), LotteryError> {
        self.main.validate()?;
        if self.main.from_main_drum {
            return Err(bad_group(
                &self.main,
                "is the main group, so it cannot be marked as drawn from the main drum".into(),
            ));
        }
        if self.bonus.len() > MAX_BONUS {
            return Err(LotteryError::BadFormat {
                detail: format!(
                    "{} bonus groups are declared; a lottery has at most {MAX_BONUS}",
                    self.bonus.len()
                ),
            });
        }
        for g in &self.bonus {
            g.validate()?;
            if g.from_main_drum {
                self.check_shared_drum(g)?;
            }
        }
        Ok(())
    }

    /// A bonus group drawn from the main drum has the main range and fits in the drum after
    /// the main numbers.
    fn check_shared_drum(&self, g: &NumberGroup) -> Result<(), LotteryError> {
        let m = &self.main;
        if (g.min, g.max) != (m.min, m.max) {
            return Err(bad_group(
                g,
                format!(
                    "is drawn from the main drum, so its range must be the main range {} to {}, not {} to {}",
                    m.min, m.max, g.min, g.max
                ),
            ));
        }
        let needed = u64::from(m.count) + u64::from(g.count);
        if needed > range_size(m.min, m.max) {
            return Err(bad_group(
                g,
                format!(
                    "draws {} more numbers from the main drum after {} main numbers, but the drum holds only {}",
                    g.count,
                    m.count,
                    range_size(m.min, m.max)
                ),
            ));
        }
        Ok(())
    }

    /// Checks one published result: `main` has the main count of numbers and `bonus[i]` the
    /// count of bonus group `i` (one list per bonus group), every number is within its group's
    /// range, no number repeats inside a group, and no number of a group drawn from the main
    /// drum equals a main number. The format itself is checked first.
    pub fn check(&self, main: &[u32], bonus: &[Vec<u32>]) -> Result<(), LotteryError> {
        self.validate()?;
        if bonus.len() != self.bonus.len() {
            return Err(LotteryError::WrongGroupCount {
                expected: self.bonus.len(),
                got: bonus.len(),
            });
        }
        self.main.check(main)?;
        for (g, numbers) in self.bonus.iter().zip(bonus) {
            g.check(numbers)?;
            if let Some(&n) = numbers
                .iter()
                .find(|n| g.from_main_drum && main.contains(n))
            {
                return Err(LotteryError::SameAsMain {
                    group: g.name.clone(),
                    number: n,
                });
            }
        }
        Ok(())
    }

    /// Canonical bytes (SPEC.md): `group(main) || list(group, bonus)`, with
    /// `group(g) = str(name) || u32(count) || u32(min) || u32(max) || bool(from_main_drum)`.
    pub(crate) fn encode(&self, e: &mut Encoder) -> crate::error::Result<()> {
        self.main.encode(e)?;
        e.count(self.bonus.len(), "lottery bonus groups")?;
        for g in &self.bonus {
            g.encode(e)?;
        }
        Ok(())
    }

    /// The result as text, each group by name with its numbers in the published order:
    /// `numbers 7 18 28 40 48 · stars 3 9`.
    pub fn display(&self, main: &[u32], bonus: &[Vec<u32>]) -> String {
        let mut parts = Vec::with_capacity(1 + bonus.len());
        parts.push(self.main.display(main));
        for (g, numbers) in self.bonus.iter().zip(bonus) {
            parts.push(g.display(numbers));
        }
        parts.join(" · ")
    }
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weekday {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

impl Weekday {
    const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// The English name, e.g. `"Friday"`.
    pub fn name(self) -> &'static str {
        match self {
            Weekday::Monday => "Monday",
            Weekday::Tuesday => "Tuesday",
            Weekday::Wednesday => "Wednesday",
            Weekday::Thursday => "Thursday",
            Weekday::Friday => "Friday",
            Weekday::Saturday => "Saturday",
            Weekday::Sunday => "Sunday",
        }
    }

    /// The day of the week of a civil date (proleptic Gregorian).
    pub fn of_date(year: i64, month: i64, day: i64) -> Weekday {
        Weekday::ALL[usize::from(weekday(days_from_civil(year, month, day)))]
    }
}

/// The time zones the registry needs, with their daylight-saving rules (no tz database).
///
/// Europe (Paris, Berlin and Rome at UTC+1, London at UTC+0): summer time, one hour ahead,
/// from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC, the rule
/// of all four since 1996. New York (UTC-5): daylight time, one hour ahead, from the second
/// Sunday of March 02:00 local standard time to the first Sunday of November 02:00 local
/// daylight time, the rule since 2007.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// France: CET/CEST.
    EuropeParis,
    /// United Kingdom: GMT/BST.
    EuropeLondon,
    /// Germany: CET/CEST.
    EuropeBerlin,
    /// Italy: CET/CEST.
    EuropeRome,
    /// US Eastern time: EST/EDT.
    AmericaNewYork,
}

impl Zone {
    /// The IANA name, e.g. `"Europe/Paris"`.
    pub fn name(self) -> &'static str {
        match self {
            Zone::EuropeParis => "Europe/Paris",
            Zone::EuropeLondon => "Europe/London",
            Zone::EuropeBerlin => "Europe/Berlin",
            Zone::EuropeRome => "Europe/Rome",
            Zone::AmericaNewYork => "America/New_York",
        }
    }

    /// Seconds to add to UTC to get local standard time.
    fn standard_offset(self) -> i64 {
        match self {
            Zone::EuropeParis | Zone::EuropeBerlin | Zone::EuropeRome => 3600,
            Zone::EuropeLondon => 0,
            Zone::AmericaNewYork => -5 * 3600,
        }
    }

    /// The first year the daylight-saving rule of this zone applies.
    fn rule_since(self) -> i64 {
        match self {
            Zone::AmericaNewYork => 2007,
            _ => 1996,
        }
    }

    /// Whether daylight time applies, given the local time and the UTC instant it would be
    /// in daylight time (both in seconds since 1970-01-01). Europe: the instant lies between
    /// the last Sundays of March and October, 01:00 UTC. New York: the local time lies between
    /// the second Sunday of March and the first Sunday of November, 02:00 local time.
    fn in_daylight(self, year: i64, local: i64, daylight: i64) -> bool {
        let at = |days: i64, seconds: i64| days * 86_400 + seconds;
        match self {
            Zone::AmericaNewYork => {
                let start = at(nth_sunday(year, 3, 2), 2 * 3600);
                let end = at(nth_sunday(year, 11, 1), 2 * 3600);
                (start..end).contains(&local)
            }
            _ => {
                let start = at(last_sunday(year, 3), 3600);
                let end = at(last_sunday(year, 10), 3600);
                (start..end).contains(&daylight)
            }
        }
    }

    /// UTC instant (Unix seconds) of a local wall-clock time on a civil date in this zone.
    ///
    /// `None` for an impossible date or time, a year after 9999, or a year before the zone's
    /// daylight-saving rule applies (1996 in Europe, 2007 in New York). The rules are read
    /// literally (SPEC.md section 6.6), which settles the hours around a change: a local time
    /// that occurs twice (clocks set back) gives the earlier instant; one that does not exist
    /// (clocks skip an hour) is read in standard time in Europe, as Python's `zoneinfo` does,
    /// and in daylight time in New York, one hour earlier than `zoneinfo`.
    pub fn to_utc(self, year: i64, month: i64, day: i64, hour: i64, minute: i64) -> Option<u64> {
        let valid = (self.rule_since()..=9999).contains(&year)
            && (1..=days_in_month(year, month)).contains(&day)
            && (0..24).contains(&hour)
            && (0..60).contains(&minute);
        if !valid {
            return None;
        }
        let local = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60;
        let standard = local - self.standard_offset();
        let daylight = standard - 3600;
        let t = if self.in_daylight(year, local, daylight) {
            daylight
        } else {
            standard
        };
        u64::try_from(t).ok()
    }
}

/// Days since 1970-01-01 of the `n`-th Sunday (1-based) of a month.
fn nth_sunday(year: i64, month: i64, n: i64) -> i64 {
    let first = days_from_civil(year, month, 1);
    let to_sunday = 6 - i64::from(weekday(first));
    first + to_sunday + 7 * (n - 1)
}

/// Days since 1970-01-01 of the last Sunday of a month.
fn last_sunday(year: i64, month: i64) -> i64 {
    let last = days_from_civil(year, month, days_in_month(year, month));
    last - (i64::from(weekday(last)) + 1) % 7
}

/// One entry of the built-in registry.
#[derive(Debug)]
pub struct RegisteredLottery {
    /// The registry id used in recipes, e.g. `"euromillions"`.
    pub id: &'static str,
    /// The lottery's usual name, e.g. `"EuroMillions"`.
    pub name: &'static str,
    /// Who runs the draw.
    pub operator: &'static str,
    /// The operator's official results page.
    pub result_page: &'static str,
    /// The time zone of the draw.
    pub zone: Zone,
    /// The draw days with the local draw time (hour, minute): the earliest time the draw can
    /// take place, never a later one.
    pub draws: &'static [(Weekday, u8, u8)],
    /// `YYYY-MM-DD`: the first draw under the current format and schedule; earlier dates are
    /// refused.
    pub since: &'static str,
    /// The main numbers: (count, min, max).
    pub main: (u32, u32, u32),
    /// The bonus groups: (name, count, min, max, from_main_drum).
    pub bonus: &'static [(&'static str, u32, u32, u32, bool)],
}

impl RegisteredLottery {
    /// The format of this lottery's draws; the main group is named `"numbers"`.
    pub fn format(&self) -> LotteryFormat {
        let (count, min, max) = self.main;
        LotteryFormat {
            main: NumberGroup {
                name: "numbers".into(),
                count,
                min,
                max,
                from_main_drum: false,
            },
            bonus: self
                .bonus
                .iter()
                .map(|&(name, count, min, max, from_main_drum)| NumberGroup {
                    name: name.into(),
                    count,
                    min,
                    max,
                    from_main_drum,
                })
                .collect(),
        }
    }

    /// The UTC instant (Unix seconds) of this lottery's draw on `date` (`YYYY-MM-DD`), or an
    /// error when the text is not a valid date, is before [`RegisteredLottery::since`], or is
    /// not a draw day.
    pub fn draw_instant(&self, date: &str) -> Result<u64, LotteryError> {
        let bad = || LotteryError::BadDate { date: date.into() };
        let (y, m, d) = parse_date(date).ok_or_else(bad)?;
        if days_from_civil(y, m, d) < self.since_days() {
            return Err(LotteryError::BeforeFormat {
                lottery: self.name,
                date: date.into(),
                since: self.since,
            });
        }
        let day = Weekday::of_date(y, m, d);
        let Some(&(_, hour, minute)) = self.draws.iter().find(|&&(w, _, _)| w == day) else {
            return Err(LotteryError::NotADrawDay {
                lottery: self.name,
                date: date.into(),
                weekday: day,
                days: self.draw_days(),
            });
        };
        self.zone
            .to_utc(y, m, d, i64::from(hour), i64::from(minute))
            .ok_or_else(bad)
    }

    /// Days since 1970-01-01 of [`RegisteredLottery::since`].
    fn since_days(&self) -> i64 {
        parse_date(self.since).map_or(i64::MAX, |(y, m, d)| days_from_civil(y, m, d))
    }

    /// The draw days in words: `"Tuesday and Friday"`, `"Monday, Wednesday and Saturday"`.
    fn draw_days(&self) -> String {
        let names: Vec<&str> = self.draws.iter().map(|&(w, _, _)| w.name()).collect();
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            Some((last, _)) => (*last).to_string(),
            None => "no day".into(),
        }
    }
}

use Weekday::{Friday, Monday, Saturday, Thursday, Tuesday, Wednesday};

/// The registry, sorted by id.
pub const REGISTRY: &[RegisteredLottery] = &[
    // Lotto 6aus49: 6 of 1-49 and a Superzahl 0-9 from its own drum of ten balls, since the
    // draw of Saturday 4 May 2013, which replaced the Zusatzzahl with it
    // (https://lotterie-online.eu/Lotto-Aenderungen-Mai-2013.html,
    // https://www.sueddeutsche.de/panorama/neue-regeln-lotto-wird-teurer-die-gewinnchance-hoeher-1.1663379,
    // https://www.zdfheute.de/panorama/lotto-ziehung-panne-100.html "Trommel mit den insgesamt
    // zehn Kugeln"). Drawn on Wednesday from 18:25 and Saturday from 19:25, German time
    // (https://www.swp.de/panorama/lotto-mittwoch-samstag-jackpot-ziehung-abgabe-annahmeschluss-gewinnabfrage-tippschein-46944227.html,
    // http://www.lotto.biz/de/ziehung/ : livestream times since July 2013, when the later TV
    // broadcasts ended, so these times are never later than the draws since May 2013).
    RegisteredLottery {
        id: "de-lotto-6aus49",
        name: "Lotto 6aus49 (Germany)",
        operator: "Deutscher Lotto- und Totoblock (DLTB), drawn by Saarland Sporttoto in Saarbrücken",
        result_page: "https://www.lotto.de/lotto-6aus49/lottozahlen",
        zone: Zone::EuropeBerlin,
        draws: &[(Wednesday, 18, 25), (Saturday, 19, 25)],
        since: "2013-05-04",
        main: (6, 1, 49),
        bonus: &[("Superzahl", 1, 0, 9, false)],
    },
    // EuroMillions: 5 of 1-50 and 2 stars of 1-12 (a separate machine) since Tuesday
    // 27 September 2016 (http://www.euro-millions.net/changes.asp,
    // https://www.worldlottery.net/news/changes-to-euromillions-planned-for-september-2016),
    // drawn in Paris by FDJ on Tuesday and Friday (Tuesdays since May 2011). Sources disagree
    // on the time: "aux environs de 20h45" (FDJ press release of 10 February 2021,
    // https://www.zonebourse.com/cours/action/LA-FRANCAISE-DES-JEUX-75739100/actualite/La-Francaise-des-Jeux-Euromillions-Pres-de-163-millions-d-euros-le-vendredi-12-fevrier-32404613/),
    // 21:05 (https://www.francebleu.fr/infos/economie-social/euromillions-jackpot-record-de-220-millions-d-euros-a-gagner-ce-mardi-1634048172),
    // 21:00 to 21:10 CET (https://www.euro-millions.com/timeline), and one page says 20:00 CET
    // (https://euromillions.com/en/facts/euromillions-drawing-times), which cannot be: sales
    // close at 20:15 in France and at 19:30 UK time, 20:30 in Paris, in the UK and Spain
    // (https://www.euro-millions.com/timeline). The earliest plausible time kept here is
    // 20:30 Paris time, when the last sales close.
    RegisteredLottery {
        id: "euromillions",
        name: "EuroMillions",
        operator: "FDJ (France), on behalf of the EuroMillions operators",
        result_page: "https://www.fdj.fr/jeux-de-tirage/euromillions-my-million/resultats",
        zone: Zone::EuropeParis,
        draws: &[(Tuesday, 20, 30), (Friday, 20, 30)],
        since: "2016-09-27",
        main: (5, 1, 50),
        bonus: &[("stars", 2, 1, 12, false)],
    },
    // Loto (FDJ): 5 of 1-49 and a numéro chance of 1-10, drawn Monday, Wednesday and Saturday
    // since the new Loto's first draw on Monday 6 October 2008
    // (http://caploto.free.fr/Base_de_connaissances-Cap-Loto/loto-francaise-des-jeux-3.php,
    // https://casinos-jackpot.net/le-loto,
    // https://www.linternaute.com/actualite/societe/3460691-resultat-du-loto-fdj-le-tirage-du-lundi-28-aout-2023-9-millions-d-euros-en-jeu/).
    // Sales close at 20:15 and the draw is recorded "à partir de 20h20"
    // (https://www.cnews.fr/france/2021-05-21/le-loto-fete-ses-45-ans-un-jackpot-de-13-millions-deuros-ce-vendredi-soir-1083638,
    // https://www.linternaute.com/actualite/societe/2691681-resultat-du-loto-fdj-le-tirage-du-samedi-24-decembre-2022-7-millions-d-euros-en-jeu/);
    // the close of sales, 20:15, is kept as the earliest possible draw time. Special draws on
    // other days (Friday 13th, Halloween) are not in this schedule and are refused.
    RegisteredLottery {
        id: "fr-loto",
        name: "Loto (France)",
        operator: "FDJ (La Française des Jeux)",
        result_page: "https://www.fdj.fr/jeux-de-tirage/loto/resultats",
        zone: Zone::EuropeParis,
        draws: &[(Monday, 20, 15), (Wednesday, 20, 15), (Saturday, 20, 15)],
        since: "2008-10-06",
        main: (5, 1, 49),
        bonus: &[("numéro chance", 1, 1, 10, false)],
    },
    // SuperEnalotto: 6 of 1-90 and the Jolly from the same machine, the SuperStar (1-90) from
    // a second machine (https://finanzanews24.com/superenalotto-come-funziona-lestrazione/amp,
    // https://www.bettix.it/lotto/risultati-estrazioni/estrazioni-del-superenalotto.htm).
    // Tuesday, Thursday and Saturday, plus Friday: added on 7 July 2023 until 29 December
    // 2023, resumed for SuperEnalotto on Friday 12 January 2024
    // (https://www.fanpage.it/attualita/come-cambiano-le-estrazioni-del-venerdi-del-lotto-superenalotto-e-10elotto-da-gennaio-2024/,
    // https://qds.it/lotto-superenalotto-estrazione-venerdi-gennaio-2024/) and made permanent
    // from 2025 (https://occhionotizie.it/manovra-2025-venerdi-nuova-estrazione-lotto-superenalotto.html,
    // https://tg24.sky.it/lifestyle/2025/12/19/lotto-superenalotto-ultima-estrazione-19-dicembre).
    // Draws are at 20:00 (same sources), but on 24 and 31 December at 18:00
    // (https://www.fanpage.it/attualita/estrazioni-lotto-e-superenalotto-a-natale-e-capodanno-come-cambiano-gli-orari-e-le-date-del-calendario/,
    // https://www.truffa.net/news/blog/superenalotto-superstar-le-estrazioni-differite-per-il-2026.html),
    // which can fall on any draw day: 18:00 is kept. Draws moved off a public holiday to
    // another day (a Monday, say) are not in this schedule and are refused.
    RegisteredLottery {
        id: "it-superenalotto",
        name: "SuperEnalotto (Italy)",
        operator: "Sisal, under concession from the Agenzia delle Dogane e dei Monopoli (ADM)",
        result_page: "https://www.superenalotto.it/archivio-estrazioni",
        zone: Zone::EuropeRome,
        draws: &[
            (Tuesday, 18, 0),
            (Thursday, 18, 0),
            (Friday, 18, 0),
            (Saturday, 18, 0),
        ],
        since: "2024-01-12",
        main: (6, 1, 90),
        bonus: &[("Jolly", 1, 1, 90, true), ("SuperStar", 1, 1, 90, false)],
    },
    // UK Lotto: 6 of 1-59 and a bonus ball drawn from the remaining balls, since Saturday
    // 10 October 2015 (https://www.portsmouth.co.uk/news/national-lottery-changes-all-you-need-to-know-about-picking-those-lucky-millionaire-numbers-1-7000476,
    // https://worldlottery.org/uk-national-lottery), Wednesday and Saturday. Sources disagree
    // on the time: "around 8pm" (https://www.remodelormove.com/what-days-are-the-lottery-uk/),
    // "around 8.30pm" on Saturday
    // (https://telegraph.co.uk/money/consumer-affairs/national-lottery-what-time-saturday-lotto-draw-how-much-jackpot),
    // 19:45 on Saturday (a page of unclear origin). Sales close at 19:30 UK time (same
    // Telegraph page), so 19:30 is kept as the earliest possible time.
    RegisteredLottery {
        id: "uk-lotto",
        name: "Lotto (UK National Lottery)",
        operator: "Allwyn Entertainment Ltd, operator of The National Lottery (Camelot UK until January 2024)",
        result_page: "https://www.national-lottery.co.uk/results/lotto/draw-history",
        zone: Zone::EuropeLondon,
        draws: &[(Wednesday, 19, 30), (Saturday, 19, 30)],
        since: "2015-10-10",
        main: (6, 1, 59),
        bonus: &[("bonus ball", 1, 1, 59, true)],
    },
    // Mega Millions: 5 of 1-70 and a Mega Ball of 1-24 since the first drawing of the new game
    // on Tuesday 8 April 2025, at 11:00 p.m. Eastern time, Tuesday and Friday
    // (https://www.lotterypost.com/news/354113, https://www.lotterypost.com/news/354168,
    // https://www.ibtimes.com/mega-millions-major-rule-changes-jackpot-starts-50-million-prizes-set-soar-3767707).
    RegisteredLottery {
        id: "us-mega-millions",
        name: "Mega Millions",
        operator: "the Mega Millions Consortium of US lotteries, drawn in Atlanta, Georgia",
        result_page: "https://www.megamillions.com/Winning-Numbers/Previous-Drawings.aspx",
        zone: Zone::AmericaNewYork,
        draws: &[(Tuesday, 23, 0), (Friday, 23, 0)],
        since: "2025-04-08",
        main: (5, 1, 70),
        bonus: &[("Mega Ball", 1, 1, 24, false)],
    },
    // Powerball: 5 of 1-69 and a Powerball of 1-26 (since October 2015), drawn at 10:59 p.m.
    // Eastern time on Monday, Wednesday and Saturday since the first Monday drawing of
    // 23 August 2021 (https://www.wtrf.com/news/ohio-headlines/powerball-to-offer-players-another-night-to-win/,
    // https://www.playusalotteries.com/en/lottery-news/article/13175/us-powerball-lottery-adds-monday-draw-starting-23-august-2021.html).
    RegisteredLottery {
        id: "us-powerball",
        name: "Powerball",
        operator: "the Multi-State Lottery Association (MUSL), drawn at the Florida Lottery studio in Tallahassee",
        result_page: "https://www.powerball.com/previous-results",
        zone: Zone::AmericaNewYork,
        draws: &[(Monday, 22, 59), (Wednesday, 22, 59), (Saturday, 22, 59)],
        since: "2021-08-23",
        main: (5, 1, 69),
        bonus: &[("Powerball", 1, 1, 26, false)],
    },
];

/// Looks up a registry entry by id.
pub fn registered(id: &str) -> Option<&'static RegisteredLottery> {
    REGISTRY.iter().find(|l| l.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Instants computed with Python's `zoneinfo` (the IANA tz database, an independent
    /// implementation): `int(datetime(y, m, d, h, mi, tzinfo=ZoneInfo(zone)).timestamp())`.
    /// They include the first years of each rule and the hours around its changes.
    /// Year, month, day, hour, minute.
    type LocalTime = (i64, i64, i64, i64, i64);

    const ZONEINFO: [(Zone, LocalTime, u64); 30] = [
        (Zone::EuropeParis, (1996, 3, 31, 1, 59), 828_233_940),
        (Zone::EuropeParis, (1996, 3, 31, 3, 0), 828_234_000),
        (Zone::EuropeParis, (1996, 10, 27, 2, 30), 846_376_200),
        (Zone::EuropeParis, (2013, 5, 4, 19, 25), 1_367_688_300),
        (Zone::EuropeParis, (2016, 9, 27, 20, 30), 1_475_001_000),
        (Zone::EuropeParis, (2038, 3, 28, 12, 0), 2_153_383_200),
        (Zone::EuropeParis, (2038, 10, 31, 3, 0), 2_172_103_200),
        (Zone::EuropeParis, (2099, 12, 31, 23, 59), 4_102_441_140),
        (Zone::EuropeParis, (2000, 2, 29, 0, 0), 951_778_800),
        (Zone::EuropeLondon, (1996, 3, 31, 1, 59), 828_237_540),
        (Zone::EuropeLondon, (1996, 3, 31, 3, 0), 828_237_600),
        (Zone::EuropeLondon, (1996, 10, 27, 2, 30), 846_383_400),
        (Zone::EuropeLondon, (2013, 5, 4, 19, 25), 1_367_691_900),
        (Zone::EuropeLondon, (2016, 9, 27, 20, 30), 1_475_004_600),
        (Zone::EuropeLondon, (2038, 3, 28, 12, 0), 2_153_386_800),
        (Zone::EuropeLondon, (2038, 10, 31, 3, 0), 2_172_106_800),
        (Zone::EuropeLondon, (2099, 12, 31, 23, 59), 4_102_444_740),
        (Zone::EuropeLondon, (2000, 2, 29, 0, 0), 951_782_400),
        (Zone::EuropeBerlin, (1996, 3, 31, 3, 0), 828_234_000),
        (Zone::EuropeBerlin, (2013, 5, 4, 19, 25), 1_367_688_300),
        (Zone::EuropeRome, (1996, 10, 27, 2, 30), 846_376_200),
        (Zone::EuropeRome, (2038, 10, 31, 3, 0), 2_172_103_200),
        (Zone::AmericaNewYork, (2007, 3, 11, 1, 59), 1_173_596_340),
        (Zone::AmericaNewYork, (2007, 3, 11, 3, 0), 1_173_596_400),
        (Zone::AmericaNewYork, (2007, 11, 4, 1, 30), 1_194_154_200),
        (Zone::AmericaNewYork, (2007, 11, 4, 2, 0), 1_194_159_600),
        (Zone::AmericaNewYork, (2021, 8, 23, 22, 59), 1_629_773_940),
        (Zone::AmericaNewYork, (2025, 4, 8, 23, 0), 1_744_167_600),
        (Zone::AmericaNewYork, (2038, 1, 19, 3, 14), 2_147_501_640),
        (Zone::AmericaNewYork, (2099, 7, 4, 12, 0), 4_086_864_000),
    ];

    #[test]
    fn zone_rules_match_zoneinfo() {
        for (zone, (y, m, d, h, mi), want) in ZONEINFO {
            assert_eq!(
                zone.to_utc(y, m, d, h, mi),
                Some(want),
                "{zone:?} {y}-{m}-{d} {h}:{mi}"
            );
        }
    }

    #[test]
    fn finds_the_sundays_of_the_rules() {
        // 2026: clocks change on 29 March and 25 October in Europe, 8 March and 1 November in
        // New York (calendar of 2026).
        assert_eq!(last_sunday(2026, 3), days_from_civil(2026, 3, 29));
        assert_eq!(last_sunday(2026, 10), days_from_civil(2026, 10, 25));
        assert_eq!(nth_sunday(2026, 3, 2), days_from_civil(2026, 3, 8));
        assert_eq!(nth_sunday(2026, 11, 1), days_from_civil(2026, 11, 1));
        // A month that starts on a Sunday (March 2015) and one that ends on a Sunday
        // (March 2024).
        assert_eq!(nth_sunday(2015, 3, 2), days_from_civil(2015, 3, 8));
        assert_eq!(last_sunday(2024, 3), days_from_civil(2024, 3, 31));
    }

    #[test]
    fn reads_skipped_hours_as_the_rules_say() {
        // 29 March 2026 (day 20541): 02:30 does not exist in Paris; the summer instant 00:30
        // UTC is before the change at 01:00 UTC, so standard time applies: 01:30 UTC.
        assert_eq!(
            Zone::EuropeParis.to_utc(2026, 3, 29, 2, 30),
            Some(20541 * 86_400 + 5400)
        );
        // 8 March 2026 (day 20520): 02:30 does not exist in New York; it is on or after 02:00
        // local on the second Sunday of March, so daylight time applies: 06:30 UTC.
        assert_eq!(
            Zone::AmericaNewYork.to_utc(2026, 3, 8, 2, 30),
            Some(20520 * 86_400 + 6 * 3600 + 1800)
        );
    }

    #[test]
    fn refuses_impossible_local_times() {
        let z = Zone::EuropeParis;
        assert_eq!(z.to_utc(2026, 2, 29, 12, 0), None);
        assert_eq!(z.to_utc(2026, 13, 1, 12, 0), None);
        assert_eq!(z.to_utc(2026, 1, 1, 24, 0), None);
        assert_eq!(z.to_utc(2026, 1, 1, 23, 60), None);
        assert_eq!(z.to_utc(2026, 1, 1, -1, 0), None);
        assert_eq!(z.to_utc(1995, 6, 1, 12, 0), None);
        assert_eq!(Zone::AmericaNewYork.to_utc(2006, 6, 1, 12, 0), None);
        assert_eq!(z.to_utc(10_000, 1, 1, 0, 0), None);
    }

    #[test]
    fn encodes_the_format_canonically() {
        let f = registered("euromillions").expect("registered").format();
        let mut e = Encoder::new();
        f.encode(&mut e).expect("encodes");
        let mut want = Vec::new();
        want.extend_from_slice(&7u32.to_be_bytes());
        want.extend_from_slice(b"numbers");
        for x in [5u32, 1, 50] {
            want.extend_from_slice(&x.to_be_bytes());
        }
        want.push(0);
        want.extend_from_slice(&1u32.to_be_bytes());
        want.extend_from_slice(&5u32.to_be_bytes());
        want.extend_from_slice(b"stars");
        for x in [2u32, 1, 12] {
            want.extend_from_slice(&x.to_be_bytes());
        }
        want.push(0);
        assert_eq!(e.as_bytes(), want.as_slice());
    }

    #[test]
    fn registry_is_sorted_and_valid() {
        assert!(REGISTRY.windows(2).all(|w| w[0].id < w[1].id));
        for l in REGISTRY {
            assert_eq!(l.format().validate(), Ok(()), "{}", l.id);
            assert!(parse_date(l.since).is_some(), "{}", l.id);
            assert!(
                l.draw_instant(l.since).is_ok(),
                "{} draws on its first day",
                l.id
            );
            assert!(!l.draws.is_empty() && l.draws.iter().all(|&(_, h, m)| h < 24 && m < 60));
        }
    }

    #[test]
    fn names_draw_days() {
        let days = |id: &str| registered(id).map(RegisteredLottery::draw_days);
        assert_eq!(days("euromillions").as_deref(), Some("Tuesday and Friday"));
        assert_eq!(
            days("us-powerball").as_deref(),
            Some("Monday, Wednesday and Saturday")
        );
    }
}
