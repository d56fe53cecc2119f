//! Server logs: the Jira access log, the application log (`atlassian-jira.log`, `atlassian-crowd.log`, also
//! `atlassian-confluence.log`) with the Apache HttpClient wire lines of the app's calls to Crowd, and the access
//! logs of Bitbucket and Confluence (domain.md section 5).
//!
//! [`LogReader`] reads one input from chunks of any size, recognises its format from the first lines, and hands
//! out owned, compact records: [`AccessRecord`]s, [`AppLogRecord`]s, [`CrowdValidation`]s (Crowd session calls
//! with the validation factors sent and Crowd's verdict) and [`UntrustedProxies`] (Crowd's own DEBUG line).
//! [`LogCollector`] gathers several inputs into [`ParsedLogs`]. There is no rule logic here: the rules join
//! these records to a HAR by request id (`X-AREQUESTID`), session id (`X-ASESSIONID`), token fingerprint and
//! time. An input in no known format is a [`LogError`]; unreadable lines inside a known format are
//! [`LogWarning`]s with a count and the first line number.

mod access;
mod app;
mod error;
mod intern;
mod lines;
mod reader;
pub(crate) mod time;
mod warnings;
mod wire;

use serde::Serialize;

pub use access::{parse_access_line, parse_bitbucket_line, parse_confluence_access_line, AccessRecord};
pub use app::token_fingerprint;
pub use app::{is_request_id, AppLogRecord, Factors, Level, MAX_MESSAGE};
pub use error::{LogError, LogInputError, EXPECTED_FORMATS};
pub use lines::MAX_LINE;
pub use reader::{LogKind, LogReader, LogRecord};
pub use time::LogTime;
pub use warnings::{LogWarning, LogWarnings};
pub use wire::{CrowdValidation, SessionOp, UntrustedProxies};

/// What one log input held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogInput {
    /// The name it was given (a file name), shown in reports and errors.
    pub name: String,
    pub kind: LogKind,
    pub bytes: u64,
    pub lines: u64,
    /// Requests, for access logs (Jira, Confluence or Bitbucket), in log order.
    pub access: Vec<AccessRecord>,
    /// Events, for application logs, in log order; HttpClient wire and header lines are not among them.
    pub app: Vec<AppLogRecord>,
    /// HttpClient wire and header lines read (assembled into [`ParsedLogs::validations`]).
    pub wire_lines: u64,
    /// Records read but not kept because the collector's [`LogCollector::retain`] predicate refused them.
    pub not_retained: u64,
    pub warnings: Vec<LogWarning>,
}

/// Every log input of an analysis, read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ParsedLogs {
    pub inputs: Vec<LogInput>,
    /// Crowd session calls from every input, in time order (ties in input and line order).
    pub validations: Vec<CrowdValidation>,
    /// Crowd's untrusted-proxies lines from every input, in time order.
    pub untrusted_proxies: Vec<UntrustedProxies>,
}

#[derive(Debug)]
struct Current {
    name: String,
    reader: LogReader,
    access: Vec<AccessRecord>,
    app: Vec<AppLogRecord>,
    not_retained: u64,
}

/// Which records a collector keeps.
type Retain = Box<dyn FnMut(&LogRecord) -> bool + Send>;

/// Reads several log inputs into one [`ParsedLogs`]: for each input `begin_input` and any number of `feed`s,
/// the last of them saying so; then `finish` for what they held.
#[derive(Default)]
pub struct LogCollector {
    parsed: ParsedLogs,
    current: Option<Current>,
    retain: Option<Retain>,
}

impl std::fmt::Debug for LogCollector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogCollector")
            .field("parsed", &self.parsed)
            .field("current", &self.current)
            .field("retain", &self.retain.as_ref().map(|_| "<predicate>"))
            .finish()
    }
}

impl LogCollector {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps only the records `keep` accepts (the others are counted in [`LogInput::not_retained`]). A
    /// production access log holds every user's requests: a caller that knows which request ids, session ids,
    /// users or time window matter keeps memory proportional to those, not to the log.
    pub fn retain(mut self, keep: impl FnMut(&LogRecord) -> bool + Send + 'static) -> Self {
        self.retain = Some(Box::new(keep));
        self
    }

    /// Starts an input named `name`. An input still open is dropped.
    pub fn begin_input(&mut self, name: &str) {
        self.current = Some(Current {
            name: name.to_owned(),
            reader: LogReader::new(),
            access: Vec::new(),
            app: Vec::new(),
            not_retained: 0,
        });
    }

    /// Feeds the next chunk of the current input; chunks may split it anywhere. `eof`: this chunk (possibly
    /// empty) is the input's last; the input is then checked to be a log and ends.
    pub fn feed(&mut self, chunk: &[u8], eof: bool) -> Result<(), LogInputError> {
        let Some(cur) = self.current.as_mut() else {
            return Err(LogInputError { input: String::new(), error: LogError::AfterFinish });
        };
        let Current { name, reader, access, app, not_retained } = cur;
        let mut sink = Sink {
            input: self.parsed.inputs.len(),
            access,
            app,
            not_retained,
            parsed: &mut self.parsed,
            retain: self.retain.as_mut(),
        };
        let read = reader
            .feed(chunk, eof, |record| sink.collect(record))
            .map_err(|error| LogInputError { input: name.clone(), error });
        if !eof {
            return read;
        }
        let Some(cur) = self.current.take() else {
            return read;
        };
        read?;
        let Some(kind) = cur.reader.kind() else {
            // The reader fails at the end of an input with no recognised format, so this is not reached.
            return Err(LogInputError {
                input: cur.name,
                error: LogError::Empty { expected: EXPECTED_FORMATS },
            });
        };
        let (bytes, lines, wire_lines) = (cur.reader.bytes(), cur.reader.lines(), cur.reader.wire_lines());
        self.parsed.inputs.push(LogInput {
            name: cur.name,
            kind,
            bytes,
            lines,
            access: cur.access,
            app: cur.app,
            wire_lines,
            not_retained: cur.not_retained,
            warnings: cur.reader.into_warnings().into_vec(),
        });
        Ok(())
    }

    /// Convenience for callers that hold a whole input in memory.
    pub fn add_input(&mut self, name: &str, bytes: &[u8]) -> Result<(), LogInputError> {
        self.begin_input(name);
        self.feed(bytes, true)
    }

    /// Bytes pushed into the current input (for progress).
    pub fn current_bytes(&self) -> u64 {
        self.current.as_ref().map_or(0, |c| c.reader.bytes())
    }

    /// The inputs ended so far, with validations and untrusted-proxies lines in time order.
    pub fn finish(mut self) -> ParsedLogs {
        // Stable sorts: equal times keep input and line order. A time without offset sorts by its wall clock.
        self.parsed.validations.sort_by_key(|v| v.time.sort_key());
        self.parsed.untrusted_proxies.sort_by_key(|u| u.time.sort_key());
        self.parsed
    }
}

/// Where the records of the current input go.
struct Sink<'a> {
    input: usize,
    access: &'a mut Vec<AccessRecord>,
    app: &'a mut Vec<AppLogRecord>,
    not_retained: &'a mut u64,
    parsed: &'a mut ParsedLogs,
    retain: Option<&'a mut Retain>,
}

impl Sink<'_> {
    fn collect(&mut self, mut record: LogRecord) {
        match &mut record {
            LogRecord::Validation(v) => v.input = self.input,
            LogRecord::UntrustedProxies(u) => u.input = self.input,
            LogRecord::Access(_) | LogRecord::App(_) => {}
        }
        if let Some(keep) = self.retain.as_mut() {
            if !keep(&record) {
                *self.not_retained += 1;
                return;
            }
        }
        match record {
            LogRecord::Access(r) => self.access.push(r),
            LogRecord::App(r) => self.app.push(r),
            LogRecord::Validation(v) => self.parsed.validations.push(v),
            LogRecord::UntrustedProxies(u) => self.parsed.untrusted_proxies.push(u),
        }
    }
}

/// Reads one whole log held in memory.
pub fn parse_bytes(name: &str, bytes: &[u8]) -> Result<ParsedLogs, LogInputError> {
    let mut collector = LogCollector::new();
    collector.add_input(name, bytes)?;
    Ok(collector.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIRE: &str = "DEBUG v 1x1x1 s 10.0.0.2,10.0.0.1 /x [o.apache.http.wire] http-outgoing-0";

    fn validation_log(time: &str, token: &str) -> String {
        format!(
            "{time} t url: /x; user: v {WIRE} >> \"POST /crowd/rest/usermanagement/1/session/{token} HTTP/1.1[\\r][\\n]\"\n\
             {time} t url: /x; user: v {WIRE} << \"HTTP/1.1 200 [\\r][\\n]\"\n"
        )
    }

    #[test]
    fn validations_of_all_inputs_come_out_in_time_order_with_their_input() {
        let mut collector = LogCollector::new();
        let later = validation_log("2021-10-19 12:00:00,000+0000", "tokenB");
        let earlier = validation_log("2021-10-19 06:30:00,000-0500", "tokenA"); // 11:30 UTC
        collector.add_input("node1.log", later.as_bytes()).unwrap();
        collector.add_input("node2.log", earlier.as_bytes()).unwrap();
        let logs = collector.finish();
        let order: Vec<(usize, Option<Box<str>>)> =
            logs.validations.iter().map(|v| (v.input, v.token.clone())).collect();
        assert_eq!(order, [(1, Some(token_fingerprint("tokenA"))), (0, Some(token_fingerprint("tokenB")))]);
        assert_eq!(
            logs.inputs.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(),
            ["node1.log", "node2.log"]
        );
        assert_eq!(logs.inputs[0].wire_lines, 2);
    }

    #[test]
    fn errors_name_the_input() {
        let mut collector = LogCollector::new();
        assert_eq!(collector.feed(b"x", false).unwrap_err().error, LogError::AfterFinish);
        let err = collector.add_input("notes.txt", b"hello\n").unwrap_err();
        assert_eq!(err.input, "notes.txt");
        assert!(err
            .to_string()
            .starts_with("notes.txt: line 1: not a server log harlens reads; the first line is `hello`"));
        assert!(parse_bytes("empty.log", b"")
            .unwrap_err()
            .to_string()
            .starts_with("empty.log: the file is empty"));
    }
}
