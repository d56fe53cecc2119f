//! Log timestamps: the access log's `[19/Oct/2021:11:56:47 -0500]` and log4j's `2021-10-19 11:56:47,306-0500`.
//!
//! Both are read into one [`LogTime`]: an absolute instant when the log states its UTC offset, and the wall
//! clock as written when it does not (older log4j patterns omit the zone). No time-zone database is needed
//! (the page runs in the browser), so a time without an offset stays local and says so.

use std::fmt;

/// A time read from a log line, to the millisecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LogTime {
    /// Milliseconds since 1970-01-01T00:00:00 of the wall clock as written (local time of the server).
    local_ms: i64,
    /// The UTC offset the line stated, in minutes east of UTC; `None` when the line did not say.
    offset_minutes: Option<i16>,
}

impl LogTime {
    /// A time from its wall-clock parts and the offset the log stated, if any.
    pub fn from_parts(civil: Civil, offset_minutes: Option<i16>) -> Option<Self> {
        let Civil { year, month, day, hour, minute, second, millis } = civil;
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
        Some(LogTime { local_ms: secs * 1000 + i64::from(millis), offset_minutes })
    }

    /// The instant in milliseconds since the Unix epoch, when the line stated its offset.
    pub fn utc_ms(&self) -> Option<i64> {
        self.offset_minutes.map(|off| self.local_ms - i64::from(off) * 60_000)
    }

    /// The wall clock as written, in milliseconds since 1970-01-01T00:00:00 of that clock.
    pub fn local_ms(&self) -> i64 {
        self.local_ms
    }

    /// The offset the line stated, in minutes east of UTC.
    pub fn offset_minutes(&self) -> Option<i16> {
        self.offset_minutes
    }

    /// A key that orders times of one server: the instant when known, else the wall clock.
    pub fn sort_key(&self) -> i64 {
        self.utc_ms().unwrap_or(self.local_ms)
    }

    /// RFC 3339 in UTC (`2021-10-19T16:56:47.306Z`, as the report writes times), when the offset is known.
    pub fn to_utc_string(&self) -> Option<String> {
        self.utc_ms().map(|ms| format!("{}Z", format_ms(ms)))
    }
}

/// RFC 3339 with the offset the log stated (`2021-10-19T11:56:47.306-05:00`), or without any zone when the log
/// gave none.
impl fmt::Display for LogTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_ms(self.local_ms))?;
        if let Some(off) = self.offset_minutes {
            let sign = if off < 0 { '-' } else { '+' };
            let abs = off.unsigned_abs();
            write!(f, "{sign}{:02}:{:02}", abs / 60, abs % 60)?;
        }
        Ok(())
    }
}

impl serde::Serialize for LogTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Wall-clock parts of a time as a log writes them.
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

/// Parses the access log's `%t`: `19/Oct/2021:11:56:47 -0500` (without the brackets).
pub fn parse_access_time(s: &str) -> Option<LogTime> {
    let b = s.as_bytes();
    if b.len() < 20 || b[2] != b'/' || b[6] != b'/' || b[11] != b':' {
        return None;
    }
    let month = MONTHS.iter().position(|m| m.as_bytes() == &b[3..6])? as u32 + 1;
    let civil = Civil {
        day: digits(&b[0..2])?,
        month,
        year: i64::from(digits(&b[7..11])?),
        hour: digits(&b[12..14])?,
        minute: digits(b.get(15..17)?)?,
        second: digits(b.get(18..20)?)?,
        millis: 0,
    };
    if b[14] != b':' || b[17] != b':' {
        return None;
    }
    let rest = s[20..].trim_start();
    let offset = if rest.is_empty() { None } else { Some(parse_offset(rest)?) };
    LogTime::from_parts(civil, offset)
}

/// Parses log4j's `%d` at the start of `s`: `2021-10-19 11:56:47,306` then an optional offset (`-0500`,
/// `+05:30`, `Z`). Also accepts `T` between date and time and `.` before the milliseconds (ISO 8601 layouts).
/// Returns the time and the bytes it used.
pub fn parse_log4j_time(s: &str) -> Option<(LogTime, usize)> {
    let b = s.as_bytes();
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b' ' || b[10] == b'T')
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
        // Keep milliseconds; a layout with micro- or nanoseconds is truncated, not rounded.
        let ms_digits = &b[20..20 + frac_len.min(3)];
        let scale = [100, 10, 1][ms_digits.len() - 1];
        civil.millis = digits(ms_digits)? * scale;
        end = 20 + frac_len;
    }
    let (offset, used) = match b.get(end) {
        Some(b'Z') => (Some(0), 1),
        Some(b'+' | b'-') => {
            let len = if b.get(end + 3) == Some(&b':') { 6 } else { 5 };
            (Some(parse_offset(s.get(end..end + len)?)?), len)
        }
        _ => (None, 0),
    };
    Some((LogTime::from_parts(civil, offset)?, end + used))
}

const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// `-0500`, `+05:30` or `Z`, in minutes east of UTC.
fn parse_offset(s: &str) -> Option<i16> {
    if s == "Z" {
        return Some(0);
    }
    let b = s.as_bytes();
    let sign = match b.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, m) = match b.len() {
        5 => (&b[1..3], &b[3..5]),
        6 if b[3] == b':' => (&b[1..3], &b[4..6]),
        _ => return None,
    };
    let (h, m) = (digits(h)?, digits(m)?);
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
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
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

/// `2021-10-19T11:56:47.306` for milliseconds since 1970-01-01T00:00:00.
fn format_ms(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (y, mo, d) = civil_from_days(days);
    let (h, mi, s, milli) = (in_day / 3_600_000, in_day / 60_000 % 60, in_day / 1000 % 60, in_day % 1000);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_time_is_an_instant_with_its_offset() {
        let t = parse_access_time("19/Oct/2021:11:56:47 -0500").unwrap();
        assert_eq!(t.to_string(), "2021-10-19T11:56:47.000-05:00");
        assert_eq!(t.to_utc_string().as_deref(), Some("2021-10-19T16:56:47.000Z"));
        assert_eq!(t.utc_ms(), Some(1_634_662_607_000));
        assert_eq!(t.offset_minutes(), Some(-300));
    }

    #[test]
    fn log4j_time_with_and_without_offset() {
        let (t, used) = parse_log4j_time("2021-10-19 11:56:47,306-0500 http-nio").unwrap();
        assert_eq!(used, 28);
        assert_eq!(t.to_utc_string().as_deref(), Some("2021-10-19T16:56:47.306Z"));
        let (t, used) = parse_log4j_time("2021-10-19 11:56:47,306 main").unwrap();
        assert_eq!(used, 23);
        assert_eq!(t.utc_ms(), None);
        assert_eq!(t.to_string(), "2021-10-19T11:56:47.306");
        let (t, _) = parse_log4j_time("2021-10-19T11:56:47.306123+05:30").unwrap();
        assert_eq!(t.to_utc_string().as_deref(), Some("2021-10-19T06:26:47.306Z"));
        let (t, _) = parse_log4j_time("2024-02-29 23:59:59,9Z").unwrap();
        assert_eq!(t.to_utc_string().as_deref(), Some("2024-02-29T23:59:59.900Z"));
    }

    #[test]
    fn impossible_dates_are_refused() {
        for bad in
            ["2021-02-29 00:00:00,000", "2021-13-01 00:00:00,000", "2021-10-19 24:00:00,000", "2021-10-19"]
        {
            assert!(parse_log4j_time(bad).is_none(), "{bad}");
        }
        for bad in ["19/Foo/2021:11:56:47 -0500", "19/Oct/2021:11:56:47 -05", "1/Oct/2021:11:56:47 +0000"] {
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
}
