//! UTC times as `YYYY-MM-DDTHH:MM:SSZ`, without a clock or a calendar library.

use alloc::format;
use alloc::string::String;

/// Days since 1970-01-01 of a civil date (proleptic Gregorian), for years 1970 to 9999.
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Whether `y` is a leap year of the Gregorian calendar.
fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// The number of days of month `m` (1 to 12) of year `y`; 0 for a month outside 1 to 12.
pub(crate) fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// The day of the week of a day count since 1970-01-01 (a Thursday): 0 for Monday to 6 for
/// Sunday.
pub(crate) fn weekday(days: i64) -> u8 {
    // The remainder is in 0..7, so it fits a u8.
    (days + 3).rem_euclid(7) as u8
}

/// The value of a run of ASCII digits; `None` if a byte is not a digit.
fn decimal(digits: &[u8]) -> Option<i64> {
    digits.iter().all(u8::is_ascii_digit).then(|| {
        digits
            .iter()
            .fold(0i64, |a, &c| a * 10 + i64::from(c - b'0'))
    })
}

/// Parses a strict `YYYY-MM-DD` date into (year, month, day): years 1970 to 9999, and only
/// days that exist (`2026-02-30` and `2026-1-5` are refused).
pub(crate) fn parse_date(t: &str) -> Option<(i64, i64, i64)> {
    let b = t.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (decimal(&b[0..4])?, decimal(&b[5..7])?, decimal(&b[8..10])?);
    let valid = (1970..=9999).contains(&y) && d >= 1 && d <= days_in_month(y, m);
    valid.then_some((y, m, d))
}

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_unix(secs: u64) -> String {
    let secs = secs.min(253_402_300_799) as i64; // 9999-12-31T23:59:59Z
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// The six numbers of a `YYYY-MM-DDTHH:MM:SSZ` text (year, month, day, hour, minute,
/// second), read by its shape alone: `None` when a separator or a digit is missing. The ranges
/// are the caller's to check.
pub(crate) fn utc_fields(t: &str) -> Option<[i64; 6]> {
    let b = t.as_bytes();
    let separators = [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (19, b'Z'),
    ];
    if b.len() != 20 || separators.iter().any(|&(i, c)| b[i] != c) {
        return None;
    }
    Some([
        decimal(&b[0..4])?,
        decimal(&b[5..7])?,
        decimal(&b[8..10])?,
        decimal(&b[11..13])?,
        decimal(&b[14..16])?,
        decimal(&b[17..19])?,
    ])
}

/// Parses `YYYY-MM-DDTHH:MM:SSZ` (already validated by the manifest) into Unix seconds;
/// `None` for malformed text or a time before 1970.
pub fn parse_utc(t: &str) -> Option<u64> {
    let [y, mo, d, h, mi, s] = utc_fields(t)?;
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s;
    u64::try_from(secs).ok()
}

/// Reads a UTC time as a person types it, for planning (a drand round to commit to): the
/// strict `YYYY-MM-DDTHH:MM:SSZ`, and also
///
/// - a space (or a lowercase `t`) instead of `T`, as a date-time field of a form gives it;
/// - no seconds (`HH:MM`, meaning `HH:MM:00`);
/// - no `Z`, or a lowercase `z`: the time is always UTC, never local;
/// - spaces before and after.
///
/// So `2026-12-01T12:00:00Z`, `2026-12-01 12:00` and `2026-12-01t12:00:00z` are the same
/// time. The date must exist and the time be a real one (hours 00 to 23, minutes and seconds
/// 00 to 59), from 1970 to 9999; `None` otherwise.
pub fn parse_utc_input(text: &str) -> Option<u64> {
    let text = text.trim();
    if !text.is_ascii() {
        return None;
    }
    let mut t = text.to_ascii_uppercase();
    if t.len() > 10 && t.as_bytes()[10] == b' ' {
        t.replace_range(10..11, "T");
    }
    if !t.ends_with('Z') {
        t.push('Z');
    }
    if t.len() == 17 {
        t.insert_str(16, ":00");
    }
    parse_utc(&t).filter(|&u| format_unix(u) == t)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected texts computed with Python's `datetime` (an independent calendar).
    const CASES: [(u64, &str); 6] = [
        (0, "1970-01-01T00:00:00Z"),
        (951_782_400, "2000-02-29T00:00:00Z"),
        (1_692_803_367, "2023-08-23T15:09:27Z"),
        (1_595_431_050, "2020-07-22T15:17:30Z"),
        (4_102_444_800, "2100-01-01T00:00:00Z"),
        (253_402_300_799, "9999-12-31T23:59:59Z"),
    ];

    #[test]
    fn formats_and_parses_known_times() {
        for (secs, text) in CASES {
            assert_eq!(format_unix(secs), text);
            assert_eq!(parse_utc(text), Some(secs));
        }
    }

    #[test]
    fn parses_strict_dates() {
        assert_eq!(parse_date("2026-12-04"), Some((2026, 12, 4)));
        assert_eq!(parse_date("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(parse_date("1970-01-01"), Some((1970, 1, 1)));
        assert_eq!(parse_date("9999-12-31"), Some((9999, 12, 31)));
        for bad in [
            "2026-02-30",
            "2100-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "1969-12-31",
            "2026-1-5",
            "2026-01-5 ",
            "+026-01-05",
            "2026/01/05",
            "2026-12-04T20:00",
            "tomorrow",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn knows_weekdays() {
        // 1970-01-01 was a Thursday; 2026-12-04 (day 20791) is a Friday, as Python's
        // `date(2026, 12, 4).weekday()` also says (4).
        assert_eq!(weekday(0), 3);
        assert_eq!(weekday(days_from_civil(2026, 12, 4)), 4);
        assert_eq!(weekday(days_from_civil(2026, 3, 8)), 6);
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
    }

    #[test]
    fn reads_times_as_typed() {
        let noon = parse_utc("2026-12-01T12:00:00Z");
        assert!(noon.is_some());
        for same in [
            "2026-12-01T12:00:00Z",
            "2026-12-01 12:00",
            "2026-12-01 12:00:00",
            "2026-12-01t12:00:00z",
            " 2026-12-01T12:00Z ",
        ] {
            assert_eq!(parse_utc_input(same), noon, "{same}");
        }
        for bad in [
            "2026-12-01",
            "2026-12-01  12:00",
            "2026-13-01T12:00:00Z",
            "2026-02-30 12:00",
            "2026-12-01 24:00",
            "2026-12-01 12:60",
            "2026-12-01 12:00:60",
            "1969-12-31 23:59",
            "2026-12-01 12:00+01:00",
            "2026-12-01 12:0é",
            "tomorrow",
            "",
        ] {
            assert_eq!(parse_utc_input(bad), None, "{bad}");
        }
    }

    #[test]
    fn refuses_malformed_times() {
        assert_eq!(parse_utc("2023-08-23 15:09:27Z"), None);
        assert_eq!(parse_utc("1969-12-31T23:59:59Z"), None);
        assert_eq!(parse_utc(""), None);
    }
}
