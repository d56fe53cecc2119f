//! The time of a log line: an absolute instant when the log states its UTC offset, and the wall clock as
//! written when it does not (older log4j patterns omit the zone), so a time without an offset stays local and
//! says so. The formats themselves are read by [`crate::calendar`].

use std::fmt;

use crate::calendar::{self, Civil};

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
        Some(LogTime { local_ms: civil.to_ms()?, offset_minutes })
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
        self.utc_ms().map(calendar::format_iso8601)
    }
}

/// RFC 3339 with the offset the log stated (`2021-10-19T11:56:47.306-05:00`), or without any zone when the log
/// gave none.
impl fmt::Display for LogTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&calendar::format_wall_clock(self.local_ms))?;
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

/// Parses the access log's `%t`: `19/Oct/2021:11:56:47 -0500` (without the brackets).
pub fn parse_access_time(s: &str) -> Option<LogTime> {
    let (civil, offset) = calendar::parse_access_time(s)?;
    LogTime::from_parts(civil, offset)
}

/// Parses log4j's `%d` at the start of `s`: `2021-10-19 11:56:47,306` then an optional offset (`-0500`,
/// `+05:30`, `Z`). Also accepts `T` between date and time and `.` before the milliseconds (ISO 8601 layouts).
/// Returns the time and the bytes it used.
pub fn parse_log4j_time(s: &str) -> Option<(LogTime, usize)> {
    let (civil, offset, used) = calendar::parse_date_time(s)?;
    Some((LogTime::from_parts(civil, offset)?, used))
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
}
