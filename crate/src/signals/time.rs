//! ISO 8601 timestamps as HARs write them (`2021-10-19T16:56:47.306Z`, `...+02:00`, `...-0500`), to and from
//! milliseconds since the Unix epoch. Hand-written: a date library would weigh more in the .wasm than the
//! whole HAR reader, and HAR timestamps use one narrow profile of ISO 8601.

use crate::logs::time::{civil_from_days, days_from_civil};

/// Milliseconds since 1970-01-01T00:00:00Z, or None when the text is not an ISO 8601 date-time.
pub fn parse_iso8601(text: &str) -> Option<i64> {
    let b = text.trim().as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = b.get(range)?;
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        digits.iter().try_fold(0i64, |n, d| n.checked_mul(10)?.checked_add(i64::from(d - b'0')))
    };
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut i = 19;
    let mut millis = 0;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        // Keep milliseconds; finer digits (Firefox and Safari write microseconds) are dropped.
        let frac = &b[start..i];
        for k in 0..3 {
            millis = millis * 10 + frac.get(k).map_or(0, |d| i64::from(d - b'0'));
        }
    }
    let offset_minutes = match b.get(i) {
        None => 0, // no zone: read as UTC, the only sensible guess for a HAR
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let rest = &b[i + 1..];
            let (h, m) = match rest.len() {
                5 if rest[2] == b':' => (num(i + 1..i + 3)?, num(i + 4..i + 6)?),
                4 => (num(i + 1..i + 3)?, num(i + 3..i + 5)?),
                2 => (num(i + 1..i + 3)?, 0),
                _ => return None,
            };
            let m = h * 60 + m;
            if sign == b'-' {
                -m
            } else {
                m
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month as u32, day as u32);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1000 + millis)
}

/// `2021-10-19T16:56:47.306Z` for milliseconds since the epoch.
pub fn format_iso8601(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let (h, rest) = (in_day / 3_600_000, in_day % 3_600_000);
    let (min, rest) = (rest / 60_000, rest % 60_000);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{:02}.{:03}Z", rest / 1000, rest % 1000)
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
        assert_eq!(
            parse_iso8601("2016-06-28T19:01:10.810+00:00").map(format_iso8601).as_deref(),
            Some("2016-06-28T19:01:10.810Z")
        );
        assert_eq!(parse_iso8601("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_iso8601("1969-12-31T23:59:59.999Z"), Some(-1));
        for bad in ["", "yesterday", "2021-13-01T00:00:00Z", "2021-10-19T16:56:47.306Q", "2021-10-19"] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
    }
}
