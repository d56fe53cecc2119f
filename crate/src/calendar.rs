//! Dates and times, for every format harlens reads: HAR timestamps (ISO 8601, `2021-10-19T16:56:47.306Z`,
//! `...+02:00`, `...-0500`), log4j's `2021-10-19 11:56:47,306-0500` and the access log's
//! `19/Oct/2021:11:56:47 -0500`; and the one way durations are written for people.
//!
//! Hand-written: a date library would weigh more in the .wasm than the whole HAR reader, and these formats
//! are narrow. Dates are strict (no February 31st); no time-zone database is needed, since every format
//! states its offset or has none.

/// Wall-clock parts of a time as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub millis: u32,
}

impl Civil {
    /// Milliseconds since 1970-01-01T00:00:00 of this wall clock, when it is a real date and time.
    pub fn to_ms(self) -> Option<i64> {
        let Civil { year, month, day, hour, minute, second, millis } = self;
        let valid = (1..=12).contains(&month)
            && (1..=days_in_month(year, month)).contains(&day)
            && hour < 24
            && minute < 60
            && second < 61 // a leap second is written as :60
            && millis < 1000;
        if !valid {
            return None;
        }
        let days = days_from_civil(year, month, day);
        let secs = days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second);
        Some(secs * 1000 + i64::from(millis))
    }
}

/// A date and time at the start of `s` in the ISO 8601 / log4j layout: `YYYY-MM-DD`, `T` (or a space),
/// `hh:mm:ss`, an optional fraction after `.` or `,` (milliseconds kept, finer digits dropped), and an optional
/// offset (`Z`, `+05:30`, `-0500`, `+05`). Returns the wall clock, the offset in minutes east of UTC when
/// stated, and the bytes used.
pub fn parse_date_time(s: &str) -> Option<(Civil, Option<i16>, usize)> {
    parse_date_time_ms(s).map(|(civil, _, offset, used)| (civil, offset, used))
}

/// [`parse_date_time`], with the wall clock's milliseconds (computed once: HAR timestamps are read for every
/// entry).
fn parse_date_time_ms(s: &str) -> Option<(Civil, i64, Option<i16>, usize)> {
    let b = s.as_bytes();
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b' ' | b'T' | b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let mut civil = Civil {
        year: i64::from(digits(&b[0..4])?),
        month: digits(&b[5..7])?,
        day: digits(&b[8..10])?,
        hour: digits(&b[11..13])?,
        minute: digits(&b[14..16])?,
        second: digits(&b[17..19])?,
        millis: 0,
    };
    let mut end = 19;
    if matches!(b.get(19), Some(b',' | b'.')) {
        let frac_len = b[20..].iter().take_while(|c| c.is_ascii_digit()).count();
        if frac_len == 0 {
            return None;
        }
        // Keep milliseconds; micro- or nanoseconds (Firefox, Safari, some log layouts) are truncated.
        let ms_digits = &b[20..20 + frac_len.min(3)];
        let scale = [100, 10, 1][ms_digits.len() - 1];
        civil.millis = digits(ms_digits)? * scale;
        end = 20 + frac_len;
    }
    let (offset, used) = match b.get(end) {
        Some(b'Z' | b'z') => (Some(0), 1),
        Some(b'+' | b'-') => {
            let len = match (b.get(end + 3), b.get(end + 5)) {
                (Some(b':'), _) => 6,
                (Some(c), Some(_)) if c.is_ascii_digit() => 5,
                (Some(c), None) if c.is_ascii_digit() => 5,
                _ => 3,
            };
            (Some(parse_offset(s.get(end..end + len)?)?), len)
        }
        _ => (None, 0),
    };
    Some((civil, civil.to_ms()?, offset, end + used))
}

/// Milliseconds since 1970-01-01T00:00:00Z of a HAR timestamp (the whole text, ISO 8601); a timestamp without
/// a zone is read as UTC, the only sensible guess for a HAR.
pub fn parse_iso8601(text: &str) -> Option<i64> {
    let text = text.trim();
    let (_, wall_ms, offset, used) = parse_date_time_ms(text)?;
    if used != text.len() {
        return None;
    }
    Some(wall_ms - i64::from(offset.unwrap_or(0)) * 60_000)
}

/// The access log's `%t`: `19/Oct/2021:11:56:47 -0500` (without the brackets), with its offset if stated.
pub fn parse_access_time(s: &str) -> Option<(Civil, Option<i16>)> {
    let b = s.as_bytes();
    if b.len() < 20 || b[2] != b'/' || b[6] != b'/' || b[11] != b':' || b[14] != b':' || b[17] != b':' {
        return None;
    }
    let month = MONTHS.iter().position(|m| m.as_bytes() == &b[3..6])? as u32 + 1;
    let civil = Civil {
        day: digits(&b[0..2])?,
        month,
        year: i64::from(digits(&b[7..11])?),
        hour: digits(&b[12..14])?,
        minute: digits(&b[15..17])?,
        second: digits(&b[18..20])?,
        millis: 0,
    };
    civil.to_ms()?;
    let rest = s[20..].trim_start();
    // Tomcat writes the offset as `-0500`, always.
    let offset = if rest.is_empty() { None } else { Some(parse_offset(rest).filter(|_| rest.len() == 5)?) };
    Some((civil, offset))
}

const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// `-0500`, `+05:30`, `+05` or `Z`, in minutes east of UTC.
fn parse_offset(s: &str) -> Option<i16> {
    if s == "Z" || s == "z" {
        return Some(0);
    }
    let b = s.as_bytes();
    let sign = match b.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, m) = match b.len() {
        3 => (digits(&b[1..3])?, 0),
        5 => (digits(&b[1..3])?, digits(&b[3..5])?),
        6 if b[3] == b':' => (digits(&b[1..3])?, digits(&b[4..6])?),
        _ => return None,
    };
    if h > 18 || m > 59 {
        return None;
    }
    Some(sign * (h * 60 + m) as i16)
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() {
        return None;
    }
    b.iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `2021-10-19T11:56:47.306` for milliseconds since 1970-01-01T00:00:00 of some clock (no zone written).
pub fn format_wall_clock(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (y, mo, d) = civil_from_days(days);
    let (h, mi, s, milli) = (in_day / 3_600_000, in_day / 60_000 % 60, in_day / 1000 % 60, in_day % 1000);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}")
}

/// `2021-10-19T16:56:47.306Z` for milliseconds since the Unix epoch: how the report writes every time.
pub fn format_iso8601(ms: i64) -> String {
    format!("{}Z", format_wall_clock(ms))
}

/// A duration for people, the same everywhere (findings, the page's timeline): "45 seconds", "7 minutes",
/// "6.0 hours".
pub fn human_duration(ms: i64) -> String {
    let minutes = ms as f64 / 60_000.0;
    if minutes < 1.0 {
        format!("{} seconds", ms / 1000)
    } else if minutes < 120.0 {
        format!("{minutes:.0} minutes")
    } else {
        format!("{:.1} hours", minutes / 60.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn har_timestamps_from_every_exporter() {
        let utc = parse_iso8601("2021-10-19T16:56:47.306Z").unwrap();
        assert_eq!(format_iso8601(utc), "2021-10-19T16:56:47.306Z");
        assert_eq!(parse_iso8601("2021-10-19T11:56:47.306-05:00"), Some(utc));
        assert_eq!(parse_iso8601("2021-10-19T11:56:47.306-0500"), Some(utc));
        assert_eq!(parse_iso8601("2021-10-19T18:56:47.306123+02:00"), Some(utc));
        assert_eq!(parse_iso8601("2021-10-19T18:56:47.306+02"), Some(utc));
        assert_eq!(
            parse_iso8601("2016-06-28T19:01:10.810+00:00").map(format_iso8601).as_deref(),
            Some("2016-06-28T19:01:10.810Z")
        );
        assert_eq!(parse_iso8601("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_iso8601("1970-01-01T00:00:00"), Some(0));
        assert_eq!(parse_iso8601("1969-12-31T23:59:59.999Z"), Some(-1));
        for bad in [
            "",
            "yesterday",
            "2021-13-01T00:00:00Z",
            "2021-10-19T16:56:47.306Q",
            "2021-10-19",
            "2021-02-31T00:00:00Z",
            "2021-02-29T00:00:00Z",
            "2021-10-19T16:56:47.Z",
            "2021-10-19T16:56:47Z trailing",
        ] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
        assert_eq!(
            parse_iso8601("2024-02-29T00:00:00Z").map(format_iso8601).as_deref(),
            Some("2024-02-29T00:00:00.000Z")
        );
    }

    #[test]
    fn log_layouts() {
        let (c, off, used) = parse_date_time("2021-10-19 11:56:47,306-0500 http-nio").unwrap();
        assert_eq!((c.millis, off, used), (306, Some(-300), 28));
        let (_, off, used) = parse_date_time("2021-10-19 11:56:47,306 main").unwrap();
        assert_eq!((off, used), (None, 23));
        let (c, off) = parse_access_time("19/Oct/2021:11:56:47 -0500").unwrap();
        assert_eq!((c.day, c.month, c.hour, off), (19, 10, 11, Some(-300)));
        for bad in ["19/Foo/2021:11:56:47 -0500", "19/Oct/2021:11:56:47 -05", "31/Feb/2021:11:56:47 +0000"] {
            assert!(parse_access_time(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn civil_round_trip() {
        for days in [-719_468, -1, 0, 1, 18_919, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn durations_for_people() {
        assert_eq!(human_duration(45_000), "45 seconds");
        assert_eq!(human_duration(7 * 60_000), "7 minutes");
        assert_eq!(human_duration(360 * 60_000), "6.0 hours");
    }
}
