//! The error locator: where in the input a byte is (line, column, byte offset), although the scanner keeps
//! only the bytes it still needs, and how an error message names what it found there.
//!
//! The scanner drops consumed bytes from the front of its buffer; the [`Locator`] counts the lines they
//! held, so that an error deep in a 1 GB file still says `line 81234, column 17`. Columns count bytes, as
//! serde_json's do.

use super::error::Location;
use super::skim::count_newlines;

/// Line bookkeeping for the bytes no longer buffered.
#[derive(Debug, Default)]
pub(super) struct Locator {
    /// Newlines in the input before the buffer's first byte.
    lines_before: u64,
    /// The absolute offset of the last of those newlines.
    last_newline: Option<u64>,
}

impl Locator {
    /// `dropped`, which started at input offset `base`, leaves the buffer.
    pub(super) fn forget(&mut self, base: u64, dropped: &[u8]) {
        let newlines = count_newlines(dropped);
        if newlines > 0 {
            self.lines_before += newlines;
            self.last_newline = memchr::memrchr(b'\n', dropped).map(|i| base + i as u64);
        }
    }

    /// The place of `buf[index]` (clamped to the buffer's end), `buf` starting at input offset `base`.
    pub(super) fn locate(&self, buf: &[u8], base: u64, index: usize, entry: Option<u64>) -> Location {
        let index = index.min(buf.len());
        let before = &buf[..index];
        let newlines = count_newlines(before);
        let line_start = match memchr::memrchr(b'\n', before) {
            Some(i) => base + i as u64 + 1,
            None => self.last_newline.map_or(0, |n| n + 1),
        };
        let offset = base + index as u64;
        Location { offset, line: self.lines_before + newlines + 1, column: offset - line_start + 1, entry }
    }
}

/// A byte as an error message shows it.
pub(super) fn describe(b: Option<u8>) -> String {
    match b {
        None => "the end of the input".to_owned(),
        Some(b) if b.is_ascii_graphic() => format!("`{}`", b as char),
        Some(b) => format!("byte 0x{b:02X}"),
    }
}

/// What a file that does not start with `{` (its first byte `b`, `head` from there on) most likely is.
pub(super) fn not_a_har_hint(head: &[u8], b: u8) -> &'static str {
    if head.starts_with(b"\x1f\x8b") {
        "this is gzip-compressed data: decompress it first (gunzip)"
    } else if head.starts_with(b"PK\x03\x04") {
        "this is a ZIP archive: extract the .har file from it first"
    } else if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") || head.get(1) == Some(&0) {
        "this text is UTF-16 encoded: save it as UTF-8"
    } else if b == b'<' {
        "this looks like HTML or XML, not a HAR"
    } else if b == b'[' {
        "this is a JSON array; a HAR is an object `{\"log\": ...}`"
    } else if !(0x20..0x80).contains(&b) {
        "this looks like binary data, not a HAR"
    } else {
        "a HAR file starts with `{\"log\": ...}`"
    }
}

/// Byte offset of serde_json's (line, column) inside `bytes`; its columns count bytes.
pub(super) fn offset_of(bytes: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match memchr::memchr(b'\n', &bytes[start..]) {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    (start + column.saturating_sub(1)).min(bytes.len())
}

/// serde_json appends " at line L column C" relative to the entry; we give the file's own position instead,
/// and say its terser messages in words a support engineer reads without a JSON grammar at hand.
pub(super) fn strip_serde_position(message: &str) -> String {
    let message = message.rfind(" at line ").map_or(message, |i| &message[..i]);
    match message {
        "expected ident" => "invalid literal: expected `true`, `false` or `null`".to_owned(),
        "expected value" => "expected a JSON value".to_owned(),
        "control character (\\u0000-\\u001F) found while parsing a string" => {
            "raw control character inside a string (it must be escaped)".to_owned()
        }
        // serde_json quotes the value it refused (`invalid type: string "..."`): a short excerpt, shown.
        other => crate::escape::excerpt(other, 200),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{HarError, Scanner};
    use super::*;

    /// The error reading `input` in `chunk`-byte pieces.
    fn error(input: &[u8], chunk: usize) -> HarError {
        let mut scanner = Scanner::new();
        let parts: Vec<&[u8]> = input.chunks(chunk.max(1)).collect();
        let last = parts.len().saturating_sub(1);
        let mut read = || {
            if parts.is_empty() {
                return scanner.feed(b"", true, |_| {});
            }
            for (i, part) in parts.iter().enumerate() {
                scanner.feed(part, i == last, |_| {})?;
            }
            Ok(())
        };
        read().unwrap_err()
    }

    #[test]
    fn located_errors() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "line 1, column 1 (byte 0): not a HAR file: the file is empty"),
            (b"  \n ", "line 2, column 2 (byte 4): not a HAR file: the file is empty"),
            (b"[]", "line 1, column 1 (byte 0): expected `{` starting the HAR, found `[`: this is a JSON array; a HAR is an object `{\"log\": ...}`"),
            (b"<html>", "line 1, column 1 (byte 0): expected `{` starting the HAR, found `<`: this looks like HTML or XML, not a HAR"),
            (b"\xff\xfe{\x00", "line 1, column 1 (byte 0): expected `{` starting the HAR, found byte 0xFF: this text is UTF-16 encoded: save it as UTF-8"),
            (b"{}", "line 1, column 2 (byte 1): not a HAR file: the top-level object has no `log` member"),
            (b"{\"log\": []}", "line 1, column 9 (byte 8): not a HAR file: `log` is not an object"),
            (b"{\"log\": {\"entries\": {}}}", "line 1, column 21 (byte 20): not a HAR file: `log.entries` is not an array"),
            (b"{\"log\": {\"entries\": []}} x", "line 1, column 26 (byte 25): expected nothing after the end of the HAR, found `x`"),
            (b"{\"log\": {\"entries\": [{\"time\": tru}]}}", "line 1, column 34 (byte 33), in entry 0: invalid literal: expected `true`, `false` or `null`"),
            (b"{\"log\": {\"entries\": [{},]}}", "line 1, column 25 (byte 24), in entry 1: expected a JSON value in `log.entries`, found `]`"),
            (b"{\"log\": {\"entries\": [{}", "line 1, column 24 (byte 23), in entry 1: the file ends too early (in `log.entries`, entry 1 is incomplete); was it truncated while saving or uploading?"),
            (b"{\"log\": {\"entries\": [{\"a\":\n\"b", "line 2, column 3 (byte 29), in entry 0: the file ends too early (in `log.entries`, entry 0 is incomplete); was it truncated while saving or uploading?"),
            (b"cb({\"log\": {\"entries\": []}}", "line 1, column 28 (byte 27): the file ends too early (expected `)` closing the JSONP wrapper); was it truncated while saving or uploading?"),
            (b"{\"log\": {\"version\": 1.2.3}}", "line 1, column 21 (byte 20): `1.2.3` is not a JSON value"),
        ];
        for (input, want) in cases {
            for chunk in [1, 4, 4096] {
                assert_eq!(
                    error(input, chunk).to_string(),
                    *want,
                    "{:?} in {chunk}-byte chunks",
                    String::from_utf8_lossy(input)
                );
            }
        }
    }

    #[test]
    fn errors_after_dropped_bytes_keep_their_line_and_column() {
        // Enough entries before the error that the scanner has dropped most of the file from its buffer.
        let entry = "{\"request\": {\"url\": \"http://a/\"}},\n";
        let mut input = format!("{{\"log\": {{\"entries\": [\n{}", entry.repeat(5000));
        let line = 5000 + 2;
        input.push_str("  {\"time\": tru}]}}");
        let at = input.len() - "}]}}".len();
        for chunk in [64, 4096, 1 << 20] {
            assert_eq!(
                error(input.as_bytes(), chunk).to_string(),
                format!("line {line}, column 15 (byte {at}), in entry 5000: invalid literal: expected `true`, `false` or `null`"),
                "{chunk}-byte chunks"
            );
        }
    }

    #[test]
    fn serde_positions_become_offsets() {
        assert_eq!(offset_of(b"ab\ncd\nef", 3, 2), 7);
        assert_eq!(offset_of(b"ab", 5, 9), 2);
        assert_eq!(strip_serde_position("expected value at line 1 column 3"), "expected a JSON value");
    }
}
