//! The pipeline driver: inputs in (as byte chunks), one [`Report`] out.
//!
//! The CLI, the page (through WASM) and tests all feed an [`Analyzer`] the same way, so that the same bytes
//! give the same report everywhere: `begin_input`, any number of `push`es of any size, `end_input`, and
//! finally `finish`.

use std::collections::HashSet;

use crate::calendar::format_iso8601;
use crate::har::Warning;
use crate::har::{Entry, HarError, Scanner};
#[cfg(feature = "logs")]
use crate::logs::{LogCollector, ParsedLogs};
use crate::logs::{LogError, LogInputError};
use crate::net::{TrustedListError, TrustedProxies};
use crate::report::{InputReport, Loss, MemberReport, Report, SsoCookie, Summary, SCHEMA};
use crate::rules;
use crate::timeline::TimelineBuilder;
use crate::view::{self, EntryIndex, Plot};

/// An input that could not be read, named so the user knows which file to look at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input}: {error}")]
pub struct InputError {
    pub input: String,
    #[source]
    pub error: InputProblem,
}

/// What was wrong with an input, by kind of input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputProblem {
    #[error(transparent)]
    Har(#[from] HarError),
    /// A trusted-proxy list with unreadable entries (every one is listed, with its line and column).
    #[error(transparent)]
    TrustedProxies(#[from] TrustedListError),
    /// A server log in no known format, or broken beyond its lines.
    #[error(transparent)]
    Log(#[from] LogError),
}

impl From<LogInputError> for InputError {
    fn from(e: LogInputError) -> Self {
        InputError { input: e.input, error: InputProblem::Log(e.error) }
    }
}

impl InputProblem {
    /// Where in a HAR the problem was found, when it has a place.
    pub fn location(&self) -> Option<crate::har::Location> {
        match self {
            InputProblem::Har(e) => e.location(),
            InputProblem::TrustedProxies(_) | InputProblem::Log(_) => None,
        }
    }
}

/// Why [`Analyzer::skip_input`] lists an input that was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip<'a> {
    /// Not an input harlens reads (shown as `skipped`).
    Reason(&'a str),
    /// An input it would read, but cannot (shown as `error`).
    Error(&'a str),
}

/// How far the analysis has come, for progress bars.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Bytes pushed into the current input.
    pub bytes: u64,
    /// Entries read from all inputs so far.
    pub entries: u64,
}

#[derive(Debug)]
struct HarInput {
    name: String,
    bytes: u64,
    scanner: Scanner,
    origins: HashSet<Box<str>>,
    /// See [`Origins::last`].
    last_origin: String,
}

#[derive(Debug)]
enum Current {
    Har(Box<HarInput>),
    #[cfg(feature = "logs")]
    Log {
        name: String,
        bytes: u64,
    },
}

/// Where the current input came from (an archive, a gzip) and the archive members read into it so far.
#[derive(Debug, Default)]
struct Source {
    archive: Option<String>,
    compression: Option<&'static str>,
    members: Vec<MemberReport>,
    /// Line breaks pushed into the current input, counted only once it has members (log evidence names a
    /// line of the input; `first_line` maps it to its member).
    lines: u64,
    /// The last byte pushed was a line break (or nothing was pushed).
    at_line_start: bool,
}

impl Source {
    fn apply(self, input: &mut InputReport) {
        input.archive = self.archive;
        input.compression = self.compression;
        input.members = self.members;
    }
}

/// Streams inputs through the analysis. See the module documentation for the calling order.
#[derive(Debug, Default)]
pub struct Analyzer {
    inputs: Vec<InputReport>,
    current: Option<Current>,
    source: Source,
    origins: HashSet<Box<str>>,
    entries_done: u64,
    timelines: TimelineBuilder,
    trusted: Option<TrustedProxies>,
    #[cfg(feature = "logs")]
    logs: LogCollector,
    /// The report's input index of each log input, in the collector's order.
    log_inputs: Vec<usize>,
    /// The page's entries table; `None` unless asked for with [`Analyzer::index_entries`].
    entries: Option<EntryIndex>,
}

impl Analyzer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a HAR input named `name` (shown in the report and in errors). An input still open is dropped.
    pub fn begin_input(&mut self, name: &str) {
        self.source = Source { at_line_start: true, ..Source::default() };
        self.current = Some(Current::Har(Box::new(HarInput {
            name: name.to_owned(),
            bytes: 0,
            scanner: Scanner::new(),
            origins: HashSet::new(),
            last_origin: String::new(),
        })));
    }

    /// Starts a server-log input (Jira access log, atlassian-jira.log with HttpClient wire lines, ...; the
    /// format is recognised from its first lines). Fed with [`Analyzer::push`] like a HAR. Only with the `logs`
    /// feature: the page's first .wasm leaves the log readers out (see the crate's features).
    #[cfg(feature = "logs")]
    pub fn begin_log(&mut self, name: &str) {
        self.source = Source { at_line_start: true, ..Source::default() };
        self.logs.begin_input(name);
        self.current = Some(Current::Log { name: name.to_owned(), bytes: 0 });
    }

    /// Says where the current input comes from, for the report: the archive it was read from (`support.zip`,
    /// `outer.zip > inner.zip`) and `gzip` when the input itself was gzip data (a `.har.gz`). Call it after
    /// `begin_input` or `begin_log`.
    pub fn set_source(&mut self, archive: Option<&str>, compression: Option<&'static str>) {
        self.source.archive = archive.map(str::to_owned);
        self.source.compression = compression;
    }

    /// The next bytes of the current input are the archive member `name` (`compression`: `gzip` for a
    /// gzipped member). A log input may be fed several members, a log's rotations oldest first: it reads them
    /// as one stream, and a member that did not end with a line break gets one, so that the lines of two
    /// files never join. The report lists the members, with the input line each starts at.
    pub fn begin_member(&mut self, name: &str, compression: Option<&'static str>) -> Result<(), InputError> {
        #[cfg(feature = "logs")]
        let log = matches!(self.current, Some(Current::Log { .. }));
        #[cfg(not(feature = "logs"))]
        let log = false;
        if log && !self.source.at_line_start {
            self.push(b"\n")?;
        }
        let first_line = log.then_some(self.source.lines + 1);
        self.source.members.push(MemberReport {
            name: name.to_owned(),
            bytes: 0,
            first_line,
            compression,
            error: None,
        });
        Ok(())
    }

    /// The current member (the last [`Analyzer::begin_member`]) could not be read to its end: `error` says
    /// why (the shell's message), and the input goes on with its next member. What was read of it stays.
    pub fn member_error(&mut self, error: &str) {
        if let Some(member) = self.source.members.last_mut() {
            member.error = Some(error.to_owned());
        }
    }

    /// Feeds the next chunk of the current input; chunks may split the input anywhere.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), InputError> {
        if let Some(member) = self.source.members.last_mut() {
            member.bytes += chunk.len() as u64;
            if let Some(&last) = chunk.last() {
                self.source.lines += memchr::memchr_iter(b'\n', chunk).count() as u64;
                self.source.at_line_start = last == b'\n';
            }
        }
        let input = self.inputs.len();
        match self.current.as_mut() {
            None => Err(InputError { input: String::new(), error: HarError::AfterFinish.into() }),
            #[cfg(feature = "logs")]
            Some(Current::Log { bytes, .. }) => {
                *bytes += chunk.len() as u64;
                self.logs.feed(chunk, false).map_err(InputError::from)
            }
            Some(Current::Har(cur)) => {
                cur.bytes += chunk.len() as u64;
                let HarInput { name, scanner, origins, last_origin, .. } = &mut **cur;
                let mut origins = Origins { input: origins, all: &mut self.origins, last: last_origin };
                let (timelines, index) = (&mut self.timelines, &mut self.entries);
                scanner
                    .feed(chunk, false, |entry| observe(input, entry, &mut origins, timelines, index))
                    .map_err(|error| InputError { input: name.clone(), error: error.into() })
            }
        }
    }

    /// Ends the current input; its summary joins the report. An input read from an archive (with members)
    /// that fails here is still listed, with the error, as [`Analyzer::abandon_input`] lists it.
    pub fn end_input(&mut self) -> Result<(), InputError> {
        let listed = match &self.current {
            _ if self.source.members.is_empty() => None,
            Some(Current::Har(c)) => Some((c.name.clone(), "har")),
            #[cfg(feature = "logs")]
            Some(Current::Log { name, .. }) => Some((name.clone(), "log")),
            None => None,
        };
        let result = self.end_current();
        if let (Err(e), Some((name, kind))) = (&result, listed) {
            let source = std::mem::take(&mut self.source);
            let bytes = source.members.iter().map(|m| m.bytes).sum();
            let mut report = InputReport::empty(name, kind, bytes);
            source.apply(&mut report);
            report.error = Some(e.to_string());
            self.inputs.push(report);
        }
        result
    }

    fn end_current(&mut self) -> Result<(), InputError> {
        match self.current.take() {
            None => Ok(()),
            #[cfg(feature = "logs")]
            Some(Current::Log { name, bytes }) => {
                self.logs.feed(&[], true).map_err(InputError::from)?;
                self.log_inputs.push(self.inputs.len());
                // Kind, lines and warnings are filled in from the collector at the end.
                let mut report = InputReport::empty(name, "log", bytes);
                std::mem::take(&mut self.source).apply(&mut report);
                self.inputs.push(report);
                Ok(())
            }
            Some(Current::Har(cur)) => self.end_har(*cur),
        }
    }

    /// Ends the current input without its end checks, because reading it failed with `error` (an archive
    /// member that is corrupt, truncated or past a limit; the shell's message). What was read of it stays in
    /// the analysis (a HAR's entries so far, a log's lines), and the report lists it with the error.
    pub fn abandon_input(&mut self, error: &str) {
        let source = std::mem::take(&mut self.source);
        let mut report = match self.current.take() {
            None => return,
            #[cfg(feature = "logs")]
            Some(Current::Log { name, bytes }) => {
                let mut report = InputReport::empty(name, "log", bytes);
                // The lines read so far count if they were a log; an unrecognised start is only the error.
                if self.logs.feed(&[], true).is_ok() {
                    self.log_inputs.push(self.inputs.len());
                }
                report.error = Some(error.to_owned());
                report
            }
            Some(Current::Har(cur)) => {
                let HarInput { name, bytes, scanner, origins, .. } = *cur;
                let entries = scanner.entries();
                self.entries_done += entries;
                let (log, warnings) = scanner.into_parts();
                InputReport {
                    entries,
                    creator: log.creator,
                    browser: log.browser,
                    har_version: log.version,
                    pages: log.pages,
                    origins: origins.len() as u64,
                    warnings: warnings.into_vec(),
                    error: Some(error.to_owned()),
                    ..InputReport::empty(name, "har", bytes)
                }
            }
        };
        source.apply(&mut report);
        self.inputs.push(report);
    }

    /// Lists an input that was not read (an archive member that is neither a HAR nor a log harlens reads,
    /// with `reason`), or that could not be read at all (`error`: encrypted, an unsupported method). `bytes`:
    /// its size as the archive declares it.
    pub fn skip_input(&mut self, name: &str, archive: Option<&str>, bytes: u64, why: Skip<'_>) {
        let mut report = InputReport::empty(name.to_owned(), "skipped", bytes);
        report.archive = archive.map(str::to_owned);
        match why {
            Skip::Reason(reason) => report.skipped = Some(reason.to_owned()),
            Skip::Error(error) => report.error = Some(error.to_owned()),
        }
        self.inputs.push(report);
    }

    fn end_har(&mut self, mut cur: HarInput) -> Result<(), InputError> {
        let input = self.inputs.len();
        let HarInput { name, scanner, origins, last_origin, .. } = &mut cur;
        let mut origins = Origins { input: origins, all: &mut self.origins, last: last_origin };
        let (timelines, index) = (&mut self.timelines, &mut self.entries);
        scanner
            .feed(&[], true, |entry| observe(input, entry, &mut origins, timelines, index))
            .map_err(|error| InputError { input: name.clone(), error: error.into() })?;
        let entries = cur.scanner.entries();
        self.entries_done += entries;
        let (log, warnings) = cur.scanner.into_parts();
        let mut report = InputReport {
            entries,
            creator: log.creator,
            browser: log.browser,
            har_version: log.version,
            pages: log.pages,
            origins: cur.origins.len() as u64,
            warnings: warnings.into_vec(),
            ..InputReport::empty(cur.name, "har", cur.bytes)
        };
        std::mem::take(&mut self.source).apply(&mut report);
        self.inputs.push(report);
        Ok(())
    }

    /// Also builds the entries index (the page's table and plot) from the next entry on.
    pub fn index_entries(&mut self) {
        self.entries.get_or_insert_with(EntryIndex::new);
    }

    /// The entries index built so far (empty unless [`Analyzer::index_entries`] was called).
    pub fn take_entries(&mut self) -> EntryIndex {
        self.entries.take().unwrap_or_default()
    }

    /// Reads the SSO cookie under this name (Crowd's `cookie.tokenkey`), instead of recognising it by its
    /// known names and by its behaviour. Give it before the first input.
    pub fn set_sso_cookie(&mut self, name: &str) {
        self.timelines.set_sso_cookie(name);
    }

    /// Gives Crowd's trusted-proxy list (`trusted.proxy.servers`: entries separated by commas or newlines).
    /// Unreadable entries are an error naming each of them; hostnames and the `192.168.` form are warnings.
    pub fn set_trusted_proxies(&mut self, name: &str, list: &str) -> Result<(), InputError> {
        self.set_trusted_proxies_from(name, None, list)
    }

    /// [`Analyzer::set_trusted_proxies`] for a list read from `archive` (listed so in the report).
    pub fn set_trusted_proxies_from(
        &mut self,
        name: &str,
        archive: Option<&str>,
        list: &str,
    ) -> Result<(), InputError> {
        let trusted = TrustedProxies::parse(list)
            .map_err(|error| InputError { input: name.to_owned(), error: error.into() })?;
        let warnings = trusted
            .warnings()
            .into_iter()
            .map(|message| Warning { code: "trusted-proxy-entry", message, count: 1, first_entry: None })
            .collect();
        self.inputs.push(InputReport {
            entries: trusted.entries.len() as u64,
            warnings,
            archive: archive.map(str::to_owned),
            ..InputReport::empty(name.to_owned(), "trusted-proxies", list.len() as u64)
        });
        self.trusted = Some(trusted);
        Ok(())
    }

    pub fn progress(&self) -> Progress {
        let (bytes, current) = match &self.current {
            Some(Current::Har(c)) => (c.bytes, c.scanner.entries()),
            #[cfg(feature = "logs")]
            Some(Current::Log { bytes, .. }) => (*bytes, 0),
            None => (0, 0),
        };
        Progress { bytes, entries: self.entries_done + current }
    }

    /// The report of every input ended so far.
    pub fn finish(self) -> Report {
        self.finish_with_plots().0
    }

    /// The report, and the page's session plot: one lane per application of the same timelines.
    pub fn finish_with_plots(mut self) -> (Report, Vec<Plot>) {
        let logs = self.finish_logs();
        let finished = self.timelines.finish();
        let timelines = &finished.timelines;
        let sso_name = finished.sso_cookie.as_ref().map_or("crowd.token_key", |c| c.name.as_str());
        let ctx = rules::Context::new(
            timelines,
            logs.as_ref().filter(|l| !l.inputs.is_empty()),
            &self.log_inputs,
            self.trusted.as_ref(),
            sso_name,
        );
        let diagnosis = rules::diagnose(&ctx);
        let losses = losses_of(&ctx, &diagnosis);
        // The primary cause names why a session was lost; without a loss there is nothing to name.
        let primary_cause = diagnosis.primary_cause().map(str::to_owned);
        let plots = view::plots(timelines, sso_name);
        let report = Report {
            schema: SCHEMA,
            generator: format!("harlens {}", crate::VERSION),
            summary: Summary {
                entries: self.entries_done,
                origins: self.origins.len() as u64,
                session_losses: losses.len() as u64,
                primary_cause,
            },
            sso_cookie: finished.sso_cookie.map(|c| SsoCookie {
                name: c.name,
                source: c.source,
                detail: c.detail,
            }),
            inputs: self.inputs,
            losses,
            findings: diagnosis.findings,
        };
        (report, plots)
    }

    /// The server logs read, their inputs' summaries filled in (kind, lines, warnings).
    #[cfg(feature = "logs")]
    fn finish_logs(&mut self) -> Option<ParsedLogs> {
        let logs = std::mem::take(&mut self.logs).finish();
        for (log, &at) in logs.inputs.iter().zip(&self.log_inputs) {
            if let Some(input) = self.inputs.get_mut(at) {
                input.kind = log.kind.as_str();
                input.entries = log.lines;
                input.warnings = log
                    .warnings
                    .iter()
                    .map(|w| Warning {
                        code: w.code,
                        message: format!("line {}: {}", w.first_line, w.message),
                        count: w.count,
                        first_entry: None,
                    })
                    .collect();
            }
        }
        Some(logs)
    }

    /// Without the log readers no log was read.
    #[cfg(not(feature = "logs"))]
    fn finish_logs(&mut self) -> Option<crate::logs::ParsedLogs> {
        None
    }

    /// Convenience for callers that already hold a whole input in memory.
    pub fn add_input(&mut self, name: &str, bytes: &[u8]) -> Result<(), InputError> {
        self.begin_input(name);
        self.push(bytes)?;
        self.end_input()
    }
}

/// Every session loss, in input and time order, with its own explanation.
fn losses_of(ctx: &rules::Context<'_>, diagnosis: &rules::Diagnosis) -> Vec<Loss> {
    ctx.losses
        .iter()
        .zip(&diagnosis.losses)
        .map(|(v, verdict)| Loss {
            origin: v.timeline.origin.clone(),
            input: v.timeline.input,
            entry: v.at.entry,
            at: v.at.time_ms.map(format_iso8601),
            method: v.at.method.to_string(),
            url: v.at.url.to_string(),
            status: v.at.status,
            signals: v.loss.signals.iter().map(|s| s.id().to_owned()).collect(),
            user: v.loss.user.to_string(),
            last_known_entry: v.before.entry,
            cause: verdict.cause.map(str::to_owned),
            underlying_cause: verdict.underlying.map(str::to_owned),
            finding: verdict.finding,
            basis: verdict.claim.map(|c| c.basis),
            confidence: verdict.claim.map(|c| c.confidence),
            alternatives: verdict.alternatives.iter().map(|&c| c.to_owned()).collect(),
            collect: if verdict.cause.is_none() { rules::to_collect(ctx, v) } else { Vec::new() },
        })
        .collect()
}

/// Everything one entry feeds: the origins counted, and its signals, decoded once (its URL split once) for the
/// timeline and the page's table alike.
fn observe(
    input: usize,
    entry: &Entry<'_>,
    origins: &mut Origins,
    timelines: &mut TimelineBuilder,
    index: &mut Option<EntryIndex>,
) {
    let signals = (!entry.unreadable).then(|| timelines.decode(entry));
    let url = entry.request.url.or_empty();
    let origin = match &signals {
        Some(s) => s.url.origin(url),
        None => crate::url::origin_of(url),
    };
    if let Some(origin) = &origin {
        origins.count(origin);
    }
    if let Some(s) = &signals {
        timelines.observe_decoded(input, entry, s);
    }
    if let Some(index) = index.as_mut() {
        index.observe(input, entry, origin.as_deref(), signals.as_ref());
    }
}

/// The origins of the current input and of all inputs, counted for the report.
struct Origins<'a> {
    input: &'a mut HashSet<Box<str>>,
    all: &'a mut HashSet<Box<str>>,
    /// The origin counted last in this input: consecutive entries mostly share theirs, and then there is
    /// nothing to look up.
    last: &'a mut String,
}

impl Origins<'_> {
    fn count(&mut self, origin: &str) {
        if *self.last == *origin {
            return;
        }
        // Look up before inserting so that an origin already seen allocates nothing.
        if !self.input.contains(origin) {
            self.input.insert(origin.into());
        }
        if !self.all.contains(origin) {
            self.all.insert(origin.into());
        }
        self.last.clear();
        self.last.push_str(origin);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/testbed/proxy-address-change");

    fn read(name: &str) -> Vec<u8> {
        std::fs::read(format!("{DIR}/{name}")).unwrap()
    }

    fn with_har(analyzer: &mut Analyzer) {
        analyzer.begin_input("recording.har");
        analyzer.push(&read("recording.har")).unwrap();
        analyzer.end_input().unwrap();
    }

    #[test]
    fn a_log_read_in_members_is_the_same_log() {
        let log = read("atlassian-jira.log");
        let mut whole = Analyzer::new();
        with_har(&mut whole);
        whole.begin_log("atlassian-jira.log");
        whole.push(&log).unwrap();
        whole.end_input().unwrap();
        let whole = whole.finish();

        // Split after line 40, the first part without its last line break (a rotation need not end with
        // one): the analyzer puts it back, so no two lines join.
        let cut = memchr::memchr_iter(b'\n', &log).nth(39).unwrap();
        let mut parts = Analyzer::new();
        with_har(&mut parts);
        parts.begin_log("logs/atlassian-jira.log");
        parts.set_source(Some("support.zip"), None);
        parts.begin_member("logs/atlassian-jira.log.1.gz", Some("gzip")).unwrap();
        parts.push(&log[..cut]).unwrap();
        parts.begin_member("logs/atlassian-jira.log", None).unwrap();
        parts.push(&log[cut + 1..]).unwrap();
        parts.end_input().unwrap();
        parts.skip_input(
            "logs/catalina.out",
            Some("support.zip"),
            10,
            Skip::Reason("not a log harlens reads"),
        );
        let parts = parts.finish();

        assert_eq!(parts.losses, whole.losses);
        assert_eq!(parts.findings, whole.findings);
        assert_eq!(parts.summary, whole.summary);
        let input = &parts.inputs[1];
        assert_eq!((input.kind, input.entries), (whole.inputs[1].kind, whole.inputs[1].entries));
        assert_eq!(input.archive.as_deref(), Some("support.zip"));
        let members: Vec<(&str, u64, Option<u64>)> =
            input.members.iter().map(|m| (m.name.as_str(), m.bytes, m.first_line)).collect();
        assert_eq!(
            members,
            [
                ("logs/atlassian-jira.log.1.gz", cut as u64 + 1, Some(1)),
                ("logs/atlassian-jira.log", (log.len() - cut - 1) as u64, Some(41)),
            ]
        );
        let skipped = &parts.inputs[2];
        assert_eq!((skipped.kind, skipped.skipped.as_deref()), ("skipped", Some("not a log harlens reads")));
        let json = parts.to_json().unwrap();
        assert!(
            json.contains("\"first_line\": 41") && json.contains("\"skipped\": \"not a log harlens reads\"")
        );
        assert!(!whole.to_json().unwrap().contains("\"members\""), "a plain input's report is unchanged");
        // Evidence from the log names its file and that file's own line in the text report.
        let text = crate::report::render_text(&parts);
        let line = parts.findings.iter().flat_map(|f| &f.evidence).find_map(|e| e.line.filter(|&l| l > 41));
        let line = line.expect("evidence from the log's second file");
        assert!(text.contains(&format!("line {line} (atlassian-jira.log, line {})", line - 40)), "{text}");
    }

    #[test]
    fn an_abandoned_har_keeps_its_entries_and_says_why() {
        let har = read("recording.har");
        let mut analyzer = Analyzer::new();
        analyzer.begin_input("recording.har");
        analyzer.set_source(Some("x.zip"), None);
        analyzer.begin_member("recording.har", None).unwrap();
        analyzer.push(&har[..har.len() / 2]).unwrap();
        analyzer.abandon_input("x.zip: recording.har: corrupt");
        analyzer.begin_input("next.har");
        analyzer.push(&har).unwrap();
        analyzer.end_input().unwrap();
        let report = analyzer.finish();
        assert_eq!(report.inputs.len(), 2);
        let first = &report.inputs[0];
        assert_eq!(first.error.as_deref(), Some("x.zip: recording.har: corrupt"));
        assert!(first.entries > 0 && first.entries < report.inputs[1].entries);
        assert_eq!(report.summary.entries, first.entries + report.inputs[1].entries);
    }
}
