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
use crate::report::{InputReport, Loss, Report, SsoCookie, Summary, SCHEMA};
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

/// Streams inputs through the analysis. See the module documentation for the calling order.
#[derive(Debug, Default)]
pub struct Analyzer {
    inputs: Vec<InputReport>,
    current: Option<Current>,
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
        self.current = Some(Current::Har(Box::new(HarInput {
            name: name.to_owned(),
            bytes: 0,
            scanner: Scanner::new(),
            origins: HashSet::new(),
        })));
    }

    /// Starts a server-log input (Jira access log, atlassian-jira.log with HttpClient wire lines, ...; the
    /// format is recognised from its first lines). Fed with [`Analyzer::push`] like a HAR. Only with the `logs`
    /// feature: the page's first .wasm leaves the log readers out (see the crate's features).
    #[cfg(feature = "logs")]
    pub fn begin_log(&mut self, name: &str) {
        self.logs.begin_input(name);
        self.current = Some(Current::Log { name: name.to_owned(), bytes: 0 });
    }

    /// Feeds the next chunk of the current input; chunks may split the input anywhere.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), InputError> {
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
                let HarInput { name, scanner, origins, .. } = &mut **cur;
                let (all_origins, timelines, index) =
                    (&mut self.origins, &mut self.timelines, &mut self.entries);
                scanner
                    .feed(chunk, false, |entry| observe(input, entry, origins, all_origins, timelines, index))
                    .map_err(|error| InputError { input: name.clone(), error: error.into() })
            }
        }
    }

    /// Ends the current input; its summary joins the report.
    pub fn end_input(&mut self) -> Result<(), InputError> {
        match self.current.take() {
            None => Ok(()),
            #[cfg(feature = "logs")]
            Some(Current::Log { name, bytes }) => {
                self.logs.feed(&[], true).map_err(InputError::from)?;
                self.log_inputs.push(self.inputs.len());
                // Kind, lines and warnings are filled in from the collector at the end.
                self.inputs.push(InputReport::empty(name, "log", bytes));
                Ok(())
            }
            Some(Current::Har(cur)) => self.end_har(*cur),
        }
    }

    fn end_har(&mut self, mut cur: HarInput) -> Result<(), InputError> {
        let input = self.inputs.len();
        let HarInput { name, scanner, origins, .. } = &mut cur;
        let (all_origins, timelines, index) = (&mut self.origins, &mut self.timelines, &mut self.entries);
        scanner
            .feed(&[], true, |entry| observe(input, entry, origins, all_origins, timelines, index))
            .map_err(|error| InputError { input: name.clone(), error: error.into() })?;
        let entries = cur.scanner.entries();
        self.entries_done += entries;
        let (log, warnings) = cur.scanner.into_parts();
        self.inputs.push(InputReport {
            name: cur.name,
            kind: "har",
            bytes: cur.bytes,
            entries,
            creator: log.creator,
            browser: log.browser,
            har_version: log.version,
            pages: log.pages,
            origins: cur.origins.len() as u64,
            warnings: warnings.into_vec(),
        });
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

/// Everything one entry feeds: the origins counted, and its signals, decoded once for the timeline and the
/// page's table alike.
fn observe(
    input: usize,
    entry: &Entry<'_>,
    input_origins: &mut HashSet<Box<str>>,
    all_origins: &mut HashSet<Box<str>>,
    timelines: &mut TimelineBuilder,
    index: &mut Option<EntryIndex>,
) {
    // Once per entry for the count and the entries table (splitting URLs was a sixth of the time per entry).
    let origin = entry.request.url.as_str().and_then(crate::url::origin_of);
    count_origin(origin.as_deref(), input_origins, all_origins);
    let signals = (!entry.unreadable).then(|| timelines.decode(entry));
    if let Some(s) = &signals {
        timelines.observe_decoded(input, entry, s);
    }
    if let Some(index) = index.as_mut() {
        index.observe(input, entry, origin.as_deref(), signals.as_ref());
    }
}

fn count_origin(
    origin: Option<&str>,
    input_origins: &mut HashSet<Box<str>>,
    all_origins: &mut HashSet<Box<str>>,
) {
    let Some(origin) = origin else {
        return;
    };
    // Look up before inserting so the common case (an origin already seen) allocates nothing.
    if !input_origins.contains(origin) {
        input_origins.insert(origin.into());
    }
    if !all_origins.contains(origin) {
        all_origins.insert(origin.into());
    }
}
