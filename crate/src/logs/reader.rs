//! The streaming log reader: chunks in, records out, format detected from the first lines.
//!
//! Same shape as the HAR [`crate::har::Scanner`]: [`LogReader::feed`] takes chunks of any size and boundaries,
//! the last one says it is the last, and each completed record goes to a callback. Only the line in progress
//! (and, before the format is known, a few first lines) is held, so a log of hundreds of MB reads in the space
//! of its longest line. Application-log events are emitted when the next event starts (a stack trace may still
//! follow), and Crowd session calls when their connection starts its next request or the log ends.

use serde::Serialize;

use super::access::{parse_access_line, parse_bitbucket_line, parse_confluence_access_line, AccessRecord};
use super::app::{classify_app_line, AppLineKind, AppLogRecord};
use super::error::{LogError, EXPECTED_FORMATS};
use super::intern::Interner;
use super::lines::{Line, Lines, MAX_LINE};
use super::warnings::LogWarnings;
use super::wire::{
    is_headers_logger, is_wire_logger, parse_untrusted_proxies, CrowdValidation, UntrustedProxies,
    WireAssembler, WireNote,
};

/// Lines looked at to recognise the format. A rotated `atlassian-jira.log.1` can start inside a long stack
/// trace (hundreds of frames with its `Caused by`s), so the first event line may come late; a file with no known
/// line this far in is not a log we read.
const DETECT_LINES: u64 = 10_000;

/// Lines before the format is known that are kept whole, to be read again once it is. Later ones are only
/// counted (they cannot be records: none of them was recognised), which keeps detection in bounded memory.
const REPLAY_LINES: usize = 64;

/// The shown part of an unrecognised first line.
const SHOWN_LINE: usize = 200;

/// The bytes of a first line looked at to call it binary.
const BINARY_WINDOW: usize = 512;

/// The formats the reader recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LogKind {
    /// `atlassian-jira-http-access.log`.
    JiraAccess,
    /// A log4j application log: `atlassian-jira.log` (with HttpClient wire lines when DEBUG is on),
    /// `atlassian-crowd.log` or `atlassian-confluence.log`.
    Application,
    /// Bitbucket's pipe-separated `atlassian-bitbucket-access.log`.
    BitbucketAccess,
    /// Confluence's `conf_access_log<date>.log`.
    ConfluenceAccess,
}

impl LogKind {
    /// The name used in reports (`jira-access`, `application`, `bitbucket-access`, `confluence-access`).
    pub fn as_str(&self) -> &'static str {
        match self {
            LogKind::JiraAccess => "jira-access",
            LogKind::Application => "application",
            LogKind::BitbucketAccess => "bitbucket-access",
            LogKind::ConfluenceAccess => "confluence-access",
        }
    }
}

/// One record read from a log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum LogRecord {
    /// A request from a Jira, Confluence or Bitbucket access log.
    Access(AccessRecord),
    /// An application-log event other than HttpClient wire and header lines (those become `Validation`s).
    App(AppLogRecord),
    /// A call to Crowd's session resource, assembled from wire lines.
    Validation(CrowdValidation),
    /// Crowd's "Proxies [...] are untrusted" DEBUG line (its application-log event is emitted too).
    UntrustedProxies(UntrustedProxies),
}

/// Reads one log input. See the module documentation.
#[derive(Debug, Default)]
pub struct LogReader {
    lines: Lines,
    parser: Parser,
    finished: bool,
}

#[derive(Debug, Default)]
struct Parser {
    kind: Option<LogKind>,
    /// Lines seen before the format was known, replayed once it is (the first [`REPLAY_LINES`]).
    pending: Vec<(u64, String, bool)>,
    /// Lines with text seen before the format was known, and the first of them not kept in `pending`.
    undetected: u64,
    first_not_replayed: Option<u64>,
    /// The application-log event still collecting continuation lines.
    current: Option<AppLogRecord>,
    /// The last event line was not kept (wire, headers, unreadable): its continuation lines are dropped too.
    skipping: bool,
    wire: WireAssembler,
    interner: Interner,
    wire_lines: u64,
    warnings: LogWarnings,
    error: Option<LogError>,
}

impl LogReader {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the next chunk of input and calls `on_record` for each record it completes, in order. `eof`: this
    /// chunk (possibly empty) is the last; the records still held are emitted and the input must have been a
    /// log at all. Nothing may be fed after the last chunk.
    pub fn feed(
        &mut self,
        chunk: &[u8],
        eof: bool,
        mut on_record: impl FnMut(LogRecord),
    ) -> Result<(), LogError> {
        if self.finished {
            return Err(LogError::AfterFinish);
        }
        self.finished = eof;
        if let Some(err) = &self.parser.error {
            return Err(err.clone());
        }
        let Self { lines, parser, .. } = self;
        lines.feed(chunk, eof, |line| parser.line(line, &mut on_record));
        if let Some(err) = &parser.error {
            return Err(err.clone());
        }
        if !eof {
            return Ok(());
        }
        if parser.kind.is_none() {
            return Err(match parser.pending.first() {
                Some((number, text, _)) => unknown_format(*number, text),
                None => LogError::Empty { expected: EXPECTED_FORMATS },
            });
        }
        parser.flush_event(&mut on_record);
        let Parser { wire, warnings, .. } = parser;
        wire.flush(&mut |v| on_record(LogRecord::Validation(v)), &mut |note| warn_wire(warnings, note));
        Ok(())
    }

    /// The format, once recognised.
    pub fn kind(&self) -> Option<LogKind> {
        self.parser.kind
    }

    /// Lines read so far.
    pub fn lines(&self) -> u64 {
        self.lines.count()
    }

    /// Bytes pushed so far (for progress).
    pub fn bytes(&self) -> u64 {
        self.lines.bytes()
    }

    /// HttpClient wire and header lines read (they are assembled into validations, not kept as events).
    pub fn wire_lines(&self) -> u64 {
        self.parser.wire_lines
    }

    /// Bytes held in memory for lines: the line in progress and, before the format is known, the first lines.
    pub fn buffered(&self) -> usize {
        self.lines.buffered() + self.parser.pending.iter().map(|(_, text, _)| text.len()).sum::<usize>()
    }

    pub fn warnings(&self) -> &LogWarnings {
        &self.parser.warnings
    }

    pub fn into_warnings(self) -> LogWarnings {
        self.parser.warnings
    }
}

fn unknown_format(line: u64, text: &str) -> LogError {
    let shown = crate::escape::excerpt(text, SHOWN_LINE);
    LogError::UnknownFormat { line, first_line: shown, expected: EXPECTED_FORMATS }
}

/// A hint for a first line that is a known non-text format, so the user hears what to do at once instead of
/// after [`DETECT_LINES`] lines of binary. Binary is the page's test for a dropped file, on the line's first
/// [`BINARY_WINDOW`] bytes.
fn not_text_hint(first_line: &[u8]) -> Option<&'static str> {
    if first_line.starts_with(b"\x1f\x8b") {
        Some("this is gzip-compressed data (a rotated log?): decompress it first (gunzip)")
    } else if first_line.starts_with(b"PK\x03\x04") {
        Some("this is a ZIP archive (a support zip?): extract the log files from it first")
    } else if first_line.starts_with(b"\xFF\xFE")
        || first_line.starts_with(b"\xFE\xFF")
        || first_line.get(1) == Some(&0)
    {
        Some("this text is UTF-16 encoded: save it as UTF-8")
    } else if crate::input::binary(&first_line[..first_line.len().min(BINARY_WINDOW)]) {
        Some("this looks like binary data, not a server log (nor a HAR)")
    } else {
        None
    }
}

fn detect(text: &str) -> Option<LogKind> {
    if parse_access_line(0, text).is_ok() {
        Some(LogKind::JiraAccess)
    } else if matches!(classify_app_line(text), AppLineKind::Event(_)) {
        Some(LogKind::Application)
    } else if parse_bitbucket_line(0, text).is_ok() {
        Some(LogKind::BitbucketAccess)
    } else if parse_confluence_access_line(0, text).is_ok() {
        Some(LogKind::ConfluenceAccess)
    } else {
        None
    }
}

fn warn_wire(warnings: &mut LogWarnings, note: WireNote) {
    match note {
        WireNote::NoRequest { line } => warnings.add("wire-without-request", line, || {
            format!("line {line}: HttpClient wire data received without its request (the log starts mid-call?)")
        }),
        WireNote::NoResponse { line } => warnings.add("crowd-call-without-response", line, || {
            format!("line {line}: a call to Crowd's session resource has no response in the log")
        }),
        WireNote::Compressed { line } => warnings.add("compressed-crowd-response", line, || {
            format!("line {line}: Crowd's answer is compressed (Content-Encoding), so its error reason is unreadable")
        }),
    }
}

impl Parser {
    fn line(&mut self, line: Line<'_>, on_record: &mut impl FnMut(LogRecord)) {
        if self.error.is_some() {
            return;
        }
        let text = String::from_utf8_lossy(line.bytes);
        if line.truncated {
            self.warnings.add("long-line", line.number, || {
                format!("line {} is longer than {MAX_LINE} bytes; only its start was read", line.number)
            });
        }
        let Some(kind) = self.kind else {
            if text.trim().is_empty() {
                return;
            }
            if self.undetected == 0 {
                if let Some(hint) = not_text_hint(line.bytes) {
                    self.error = Some(LogError::NotText { line: line.number, hint });
                    return;
                }
            }
            match detect(&text) {
                Some(kind) => {
                    self.kind = Some(kind);
                    for (number, pending, truncated) in std::mem::take(&mut self.pending) {
                        self.parse(
                            kind,
                            Line { number, bytes: pending.as_bytes(), truncated },
                            &pending,
                            on_record,
                        );
                    }
                    if let Some(first) = self.first_not_replayed {
                        let count = self.undetected - REPLAY_LINES as u64;
                        let (code, why) = match kind {
                            LogKind::Application => {
                                ("orphan-continuation", "continues an event that is not in the log")
                            }
                            _ => ("unparseable-line", "is not readable"),
                        };
                        self.warnings.add_many(code, first, count, || match count {
                            1 => format!("line {first}, before the first readable line, {why}"),
                            _ => format!(
                                "line {first} and {} more before the first readable line: each {why}",
                                count - 1
                            ),
                        });
                    }
                    self.parse(kind, line, &text, on_record);
                }
                None => {
                    self.undetected += 1;
                    if self.undetected >= DETECT_LINES {
                        let (number, first) =
                            self.pending.first().map_or((line.number, &*text), |(n, t, _)| (*n, t.as_str()));
                        self.error = Some(unknown_format(number, first));
                        self.pending = Vec::new();
                    } else if self.pending.len() < REPLAY_LINES {
                        self.pending.push((line.number, text.into_owned(), line.truncated));
                    } else {
                        self.first_not_replayed.get_or_insert(line.number);
                    }
                }
            }
            return;
        };
        self.parse(kind, line, &text, on_record);
    }

    fn parse(&mut self, kind: LogKind, line: Line<'_>, text: &str, on_record: &mut impl FnMut(LogRecord)) {
        let number = line.number;
        match kind {
            LogKind::JiraAccess | LogKind::BitbucketAccess | LogKind::ConfluenceAccess => {
                if text.trim().is_empty() {
                    return;
                }
                let parsed = match kind {
                    LogKind::BitbucketAccess => parse_bitbucket_line(number, text),
                    LogKind::ConfluenceAccess => parse_confluence_access_line(number, text).map(Some),
                    _ => parse_access_line(number, text).map(Some),
                };
                match parsed {
                    Ok(Some(mut record)) => {
                        self.interner.access(&mut record);
                        on_record(LogRecord::Access(record));
                    }
                    Ok(None) => {}
                    Err(reason) => self.unparseable(number, kind, reason),
                }
            }
            LogKind::Application => match classify_app_line(text) {
                AppLineKind::Event(app) => {
                    self.flush_event(on_record);
                    if is_wire_logger(app.logger) || is_headers_logger(app.logger) {
                        self.wire_lines += 1;
                        self.skipping = true;
                        let Parser { wire, warnings, .. } = self;
                        let is_wire = is_wire_logger(app.logger)
                            && wire.push(
                                number,
                                &app,
                                &mut |v| on_record(LogRecord::Validation(v)),
                                &mut |note| warn_wire(warnings, note),
                            );
                        if is_wire || is_headers_logger(app.logger) {
                            return;
                        }
                    }
                    self.skipping = false;
                    if let Some(untrusted) = parse_untrusted_proxies(number, app.time, app.message) {
                        on_record(LogRecord::UntrustedProxies(untrusted));
                    }
                    let mut record = app.to_record(number);
                    record.truncated |= line.truncated;
                    self.current = Some(record);
                }
                AppLineKind::Broken(reason) => {
                    self.flush_event(on_record);
                    self.skipping = true;
                    self.unparseable(number, kind, reason);
                }
                AppLineKind::Continuation => {
                    if let Some(current) = &mut self.current {
                        current.push_continuation(text);
                    } else if !self.skipping && !text.trim().is_empty() {
                        self.warnings.add("orphan-continuation", number, || {
                            format!(
                                "line {number} continues an event that is not in the log (does the file start \
                                 in the middle of a stack trace?)"
                            )
                        });
                    }
                }
            },
        }
    }

    fn unparseable(&mut self, number: u64, kind: LogKind, reason: &'static str) {
        self.warnings.add("unparseable-line", number, || {
            format!("line {number} is not {} line ({reason}); it was skipped", describe(kind))
        });
    }

    fn flush_event(&mut self, on_record: &mut impl FnMut(LogRecord)) {
        if let Some(mut record) = self.current.take() {
            // A blank line before the next event belongs to no one; don't keep it in the message.
            let trimmed = record.message.trim_end_matches('\n').len();
            record.message.truncate(trimmed);
            self.interner.app(&mut record);
            on_record(LogRecord::App(record));
        }
    }
}

fn describe(kind: LogKind) -> &'static str {
    match kind {
        LogKind::JiraAccess => "a Jira access-log",
        LogKind::Application => "an application-log",
        LogKind::BitbucketAccess => "a Bitbucket access-log",
        LogKind::ConfluenceAccess => "a Confluence access-log",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &str) -> (Result<(), LogError>, Option<LogKind>, Vec<LogRecord>, LogWarnings) {
        let mut reader = LogReader::new();
        let mut records = Vec::new();
        let result = reader.feed(input.as_bytes(), true, |r| records.push(r));
        let kind = reader.kind();
        (result, kind, records, reader.into_warnings())
    }

    #[test]
    fn each_format_is_recognised_from_its_first_readable_line() {
        let cases = [
            (r#"10.0.0.1 1x1x1 - [19/Oct/2021:11:56:47 -0500] "GET / HTTP/1.1" 200 5 1 "-" "ua" "-""#, LogKind::JiraAccess),
            ("2021-10-19 11:56:47,306-0500 main INFO      [c.a.X] started", LogKind::Application),
            ("2021-10-19 11:56:47,306 INFO [main] [c.a.X] started", LogKind::Application),
            ("1.2.3.4 | https | o@1Ax1x1x0 | - | 2019-01-31 16:55:46,012 | \"GET / HTTP/1.1\" | \"\" \"ua\" | 200 | 0 | 5 | - | 3 | - |", LogKind::BitbucketAccess),
            ("[19/Oct/2021:11:56:47 -0500] - exec-1 10.0.0.1 GET / HTTP/1.1 200 3ms 5 - ua", LogKind::ConfluenceAccess),
        ];
        for (line, want) in cases {
            let (result, kind, records, warnings) = read(&format!("\n\n{line}\n"));
            assert_eq!((result, kind), (Ok(()), Some(want)), "{line}");
            assert_eq!(records.len(), 1, "{line}");
            assert!(warnings.is_empty(), "{line}: {warnings:?}");
        }
    }

    #[test]
    fn lines_before_the_first_readable_one_are_read_again_once_the_format_is_known() {
        let input =
            "garbage first\n10.0.0.1 1x1x1 - [19/Oct/2021:11:56:47 -0500] \"GET / HTTP/1.1\" 200 5 1\n";
        let (result, kind, records, warnings) = read(input);
        assert_eq!((result, kind, records.len()), (Ok(()), Some(LogKind::JiraAccess), 1));
        let w = &warnings.as_slice()[0];
        assert_eq!((w.code, w.first_line, w.count), ("unparseable-line", 1, 1));
    }

    #[test]
    fn an_event_is_emitted_once_its_continuation_lines_are_over() {
        let input = "2021-10-19 11:56:47,306-0500 main ERROR [c.a.X] boom\n\tat a.b(C.java:1)\n\n";
        let mut reader = LogReader::new();
        let mut records = Vec::new();
        reader.feed(input.as_bytes(), false, |r| records.push(r)).unwrap();
        assert!(records.is_empty(), "a stack trace line may still follow");
        reader.feed(b"", true, |r| records.push(r)).unwrap();
        let [LogRecord::App(event)] = &records[..] else { panic!("{records:?}") };
        assert_eq!((event.message.as_str(), event.extra_lines), ("boom\n\tat a.b(C.java:1)", 2));
        assert_eq!(reader.feed(b"", true, |_| {}), Err(LogError::AfterFinish));
        assert_eq!(reader.feed(b"x", false, |_| {}), Err(LogError::AfterFinish));
    }

    #[test]
    fn kinds_have_stable_names() {
        let names: Vec<&str> =
            [LogKind::JiraAccess, LogKind::Application, LogKind::BitbucketAccess, LogKind::ConfluenceAccess]
                .iter()
                .map(LogKind::as_str)
                .collect();
        assert_eq!(names, ["jira-access", "application", "bitbucket-access", "confluence-access"]);
        assert_eq!(serde_json::to_string(&LogKind::JiraAccess).unwrap(), "\"jira-access\"");
    }
}
