//! The JavaScript-facing API, and the only file that names wasm_bindgen (DESIGN.md, "The WASM API").
//!
//! Every method has the same shape: take plain values from JS, call the core, turn errors into a JS `Error`
//! carrying the same message the CLI prints. Reports cross as the JSON text of [`crate::Report::to_json`], so
//! the page gets the very bytes `harlens analyze --format json` writes.

use wasm_bindgen::prelude::*;

use crate::Analyzer;

/// The harlens version.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_owned()
}

/// Streams HAR inputs into the analysis: `beginInput(name)`, `push(chunk)` any number of times with chunks
/// of any size (straight from `File.stream()`), `endInput()`, then `finish()` for the JSON report.
#[wasm_bindgen]
#[derive(Debug, Default)]
pub struct StreamingAnalyzer {
    inner: Option<Analyzer>,
}

#[wasm_bindgen]
impl StreamingAnalyzer {
    #[wasm_bindgen(constructor)]
    pub fn new() -> StreamingAnalyzer {
        StreamingAnalyzer { inner: Some(Analyzer::new()) }
    }

    /// Starts an input; `name` appears in the report and in error messages.
    #[wasm_bindgen(js_name = beginInput)]
    pub fn begin_input(&mut self, name: &str) -> Result<(), JsError> {
        self.analyzer()?.begin_input(name);
        Ok(())
    }

    /// Starts a server-log input (Jira access log, atlassian-jira.log with HttpClient wire lines, ...): its
    /// format is detected. Fed with `push` and ended with `endInput` like a HAR.
    #[wasm_bindgen(js_name = beginLog)]
    pub fn begin_log(&mut self, name: &str) -> Result<(), JsError> {
        self.analyzer()?.begin_log(name);
        Ok(())
    }

    /// Gives Crowd's trusted-proxy list (commas or newlines); throws naming every unreadable entry.
    #[wasm_bindgen(js_name = setTrustedProxies)]
    pub fn set_trusted_proxies(&mut self, name: &str, list: &str) -> Result<(), JsError> {
        self.analyzer()?.set_trusted_proxies(name, list).map_err(into_error)
    }

    /// Names the SSO cookie (Crowd's `cookie.tokenkey`), before the first input; found by itself otherwise.
    #[wasm_bindgen(js_name = setSsoCookie)]
    pub fn set_sso_cookie(&mut self, name: &str) -> Result<(), JsError> {
        self.analyzer()?.set_sso_cookie(name);
        Ok(())
    }

    /// Feeds the next chunk of the current input.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), JsError> {
        self.analyzer()?.push(chunk).map_err(into_error)
    }

    /// Ends the current input, checking that it was a complete HAR.
    #[wasm_bindgen(js_name = endInput)]
    pub fn end_input(&mut self) -> Result<(), JsError> {
        self.analyzer()?.end_input().map_err(into_error)
    }

    /// Bytes pushed into the current input so far.
    #[wasm_bindgen(getter, js_name = bytesRead)]
    pub fn bytes_read(&self) -> f64 {
        self.inner.as_ref().map_or(0.0, |a| a.progress().bytes as f64)
    }

    /// Entries read from all inputs so far.
    #[wasm_bindgen(getter)]
    pub fn entries(&self) -> f64 {
        self.inner.as_ref().map_or(0.0, |a| a.progress().entries as f64)
    }

    /// The report (JSON text, schema `harlens.report/1`). The analyzer cannot be used afterwards.
    pub fn finish(&mut self) -> Result<String, JsError> {
        let analyzer = self.inner.take().ok_or_else(finished)?;
        analyzer.finish().to_json().map_err(into_error)
    }

    fn analyzer(&mut self) -> Result<&mut Analyzer, JsError> {
        self.inner.as_mut().ok_or_else(finished)
    }
}

fn finished() -> JsError {
    JsError::new("this analyzer has already finished; create a new one")
}

fn into_error(err: impl std::fmt::Display) -> JsError {
    JsError::new(&err.to_string())
}

/// Sanitizes HARs as they stream (the page's "download sanitized HAR", the extension's export), in two passes
/// per file: `collect(chunk)` the whole file and `endCollect()` (the first pass learns every value it will
/// replace and writes nothing), then `push(chunk)` it again, each call returning the output bytes ready so far,
/// and `finish()` for the last ones, then `summary()` and `warnings()`. The second pass replaces the values and
/// all their copies wherever they are in the file; a file pushed without being collected first loses only
/// the copies that come after the value. Several files: collect each, then push and finish each, with one
/// redactor (they share what is learnt, and placeholders). The output never sits whole in memory, so a 1 GB
/// HAR goes from `File.stream()` (read twice) straight to a download stream. `key`: random bytes drawn per
/// export (`crypto.getRandomValues(new Uint8Array(32))`) and never stored.
#[wasm_bindgen]
#[derive(Debug)]
pub struct StreamingRedactor {
    current: Option<crate::redact::Redactor>,
    phase: Phase,
    summary: crate::redact::Summary,
    warnings: Vec<crate::har::Warning>,
}

/// Where a [`StreamingRedactor`] is in its passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Between inputs or passes.
    Ready,
    Collecting,
    Writing,
}

#[wasm_bindgen]
impl StreamingRedactor {
    /// `optionsJson`: `""` or a JSON object of [`crate::redact::Options`] fields to change
    /// (`{"usernames": true, "ips": true, "hostnames": true, "postBodies": false, "responseBodies": false}`).
    #[wasm_bindgen(constructor)]
    pub fn new(options_json: &str, key: &[u8]) -> Result<StreamingRedactor, JsError> {
        let options = if options_json.trim().is_empty() {
            crate::redact::Options::default()
        } else {
            // from_slice, as every other JSON the core reads: one serde_json reader in the .wasm, not two.
            serde_json::from_slice(options_json.as_bytes())
                .map_err(|e| JsError::new(&format!("redaction options: {e}")))?
        };
        if key.len() < 16 {
            return Err(JsError::new("the redaction key must be at least 16 random bytes"));
        }
        Ok(StreamingRedactor {
            current: Some(crate::redact::Redactor::first_pass(options, key)),
            phase: Phase::Ready,
            summary: crate::redact::Summary::default(),
            warnings: Vec::new(),
        })
    }

    /// The first pass: feeds the next chunk of the file, which writes nothing.
    pub fn collect(&mut self, chunk: &[u8]) -> Result<(), JsError> {
        let redactor = self.enter(Phase::Collecting)?;
        redactor.feed(chunk, false, &mut Vec::new()).map_err(into_error)
    }

    /// Ends the first pass over the file, checking it was a complete HAR.
    #[wasm_bindgen(js_name = endCollect)]
    pub fn end_collect(&mut self) -> Result<(), JsError> {
        if self.phase != Phase::Collecting {
            return Err(JsError::new("endCollect without collect"));
        }
        self.phase = Phase::Ready;
        let redactor = self.current.as_mut().ok_or_else(redactor_finished)?;
        redactor.feed(&[], true, &mut Vec::new()).map_err(into_error)
    }

    /// The second pass: feeds the next chunk; returns the sanitized bytes now ready (often empty for small
    /// chunks).
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<u8>, JsError> {
        let redactor = self.enter(Phase::Writing)?;
        let mut out = Vec::new();
        redactor.feed(chunk, false, &mut out).map_err(into_error)?;
        Ok(out)
    }

    /// Ends the file, checking it was a complete HAR; returns the last output bytes.
    pub fn finish(&mut self) -> Result<Vec<u8>, JsError> {
        let redactor = self.enter(Phase::Writing)?;
        let mut out = Vec::new();
        redactor.feed(&[], true, &mut out).map_err(into_error)?;
        let (warnings, summary) = (redactor.warnings(), *redactor.summary());
        self.warnings = warnings;
        self.summary = summary;
        self.phase = Phase::Ready;
        Ok(out)
    }

    /// What was redacted in the file being written, or in the last one (JSON: `{"entries": 23, "cookies":
    /// 106, "tokens": 22, ...}`).
    pub fn summary(&self) -> Result<String, JsError> {
        let summary = match (&self.current, self.phase) {
            (Some(r), Phase::Writing) => r.summary(),
            _ => &self.summary,
        };
        serde_json::to_string(summary).map_err(into_error)
    }

    /// What the last file written does that JSON or HAR does not (JSON: `[{"code", "message", "count"}]`),
    /// tolerated as the analysis tolerates it.
    pub fn warnings(&self) -> Result<String, JsError> {
        // Pretty, as the report writes the same warnings: one serializer for both in the .wasm.
        serde_json::to_string_pretty(&self.warnings).map_err(into_error)
    }

    /// Bytes read so far in the current pass.
    #[wasm_bindgen(getter, js_name = bytesRead)]
    pub fn bytes_read(&self) -> f64 {
        self.current.as_ref().map_or(0.0, |r| r.bytes_consumed() as f64)
    }

    /// Entries read so far in the current pass.
    #[wasm_bindgen(getter)]
    pub fn entries(&self) -> f64 {
        self.current.as_ref().map_or(self.summary.entries as f64, |r| r.entries() as f64)
    }

    /// The redactor for `phase`, starting the next pass or input when it changes.
    fn enter(&mut self, phase: Phase) -> Result<&mut crate::redact::Redactor, JsError> {
        if self.phase != phase {
            if self.phase != Phase::Ready {
                return Err(JsError::new("a pass is still open: endCollect or finish it first"));
            }
            let redactor = self.current.take().ok_or_else(redactor_finished)?;
            self.current = Some(redactor.next(phase == Phase::Collecting));
            self.phase = phase;
        }
        self.current.as_mut().ok_or_else(redactor_finished)
    }
}

fn redactor_finished() -> JsError {
    JsError::new("this redactor has already finished; create a new one")
}

/// The extension's live monitor: `push(entryJson)` with each finished HAR entry (a JSON string or bytes),
/// answered with a JSON array of alerts (usually `[]`); see [`crate::monitor::Alert`].
#[wasm_bindgen]
#[derive(Debug, Default)]
pub struct LiveMonitor {
    inner: crate::monitor::Monitor,
}

#[wasm_bindgen]
impl LiveMonitor {
    #[wasm_bindgen(constructor)]
    pub fn new() -> LiveMonitor {
        LiveMonitor::default()
    }

    /// Crowd's trusted-proxy list (commas or newlines); throws naming every unreadable entry.
    #[wasm_bindgen(js_name = setTrustedProxies)]
    pub fn set_trusted_proxies(&mut self, list: &str) -> Result<(), JsError> {
        self.inner.set_trusted_proxies(list).map_err(into_error)
    }

    /// Names the SSO cookie (Crowd's `cookie.tokenkey`); `""` goes back to finding it by itself.
    #[wasm_bindgen(js_name = setSsoCookie)]
    pub fn set_sso_cookie(&mut self, name: &str) {
        self.inner.set_sso_cookie(name);
    }

    /// Feeds one finished entry; returns the alerts it raises as JSON text.
    pub fn push(&mut self, entry_json: &str) -> Result<String, JsError> {
        let alerts = self.inner.push_entry(entry_json.as_bytes()).map_err(into_error)?;
        serde_json::to_string(&alerts).map_err(into_error)
    }

    /// Starts replaying a stored recording: `push` then rebuilds the history and raises nothing.
    #[wasm_bindgen(js_name = beginReplay)]
    pub fn begin_replay(&mut self) {
        self.inner.begin_replay();
    }

    /// Ends the replay: losses already in the history are not announced again.
    #[wasm_bindgen(js_name = endReplay)]
    pub fn end_replay(&mut self) {
        self.inner.end_replay();
    }

    /// Entries seen so far.
    #[wasm_bindgen(getter)]
    pub fn entries(&self) -> f64 {
        self.inner.entries() as f64
    }
}

// ---- Added for the analyzer page (www/): the registry, the trusted-proxy field, the entries table. ----

/// The causes harlens can name, from the core's registry: `[{"id", "title", "summary"}]` (JSON text).
#[wasm_bindgen]
pub fn rules() -> String {
    #[derive(serde::Serialize)]
    struct RuleInfo {
        id: &'static str,
        title: &'static str,
        summary: &'static str,
    }
    let list: Vec<RuleInfo> = crate::rules::REGISTRY
        .iter()
        .map(|r| RuleInfo { id: r.id, title: r.title, summary: r.summary })
        .collect();
    // Plain structs of strings always serialize.
    serde_json::to_string(&list).unwrap_or_default()
}

/// Reads a Crowd trusted-proxy list as the user types it: every entry with its position, whether Crowd
/// accepts it, what it covers or why not, and its warnings (JSON text). Never throws: this is for validation.
#[wasm_bindgen(js_name = checkTrustedProxies)]
pub fn check_trusted_proxies(list: &str) -> String {
    // Derived structs rather than `serde_json::Value`: the dynamic value type alone weighs kilobytes of .wasm.
    #[derive(serde::Serialize)]
    struct At {
        line: usize,
        column: usize,
    }
    #[derive(serde::Serialize)]
    struct Checked {
        index: usize,
        text: String,
        ok: bool,
        at: Option<At>,
        #[serde(skip_serializing_if = "Option::is_none")]
        covers: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        problem: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        message: Option<String>,
        warnings: Vec<String>,
    }
    let (proxies, errors) = crate::net::TrustedProxies::parse_lenient(list);
    let mut entries: Vec<Checked> = proxies
        .entries
        .iter()
        .map(|e| Checked {
            index: e.index,
            text: e.text.to_string(),
            ok: true,
            at: e.at.map(|at| At { line: at.line, column: at.column }),
            covers: Some(e.pattern.describe()),
            problem: None,
            message: None,
            warnings: e.warnings.iter().map(ToString::to_string).collect(),
        })
        .collect();
    entries.extend(errors.iter().map(|e| Checked {
        index: e.index,
        text: e.text.to_string(),
        ok: false,
        at: Some(At { line: e.at.line, column: e.at.column }),
        covers: None,
        problem: Some(e.problem.to_string()),
        message: Some(e.to_string()),
        warnings: Vec::new(),
    }));
    entries.sort_by_key(|c| c.index);
    serde_json::to_string(&entries).unwrap_or_default()
}

#[wasm_bindgen]
impl StreamingAnalyzer {
    /// Also builds the entries index for the page's table and plot; call before the first `push`.
    #[wasm_bindgen(js_name = indexEntries)]
    pub fn index_entries(&mut self) -> Result<(), JsError> {
        self.analyzer()?.index_entries();
        Ok(())
    }

    /// The entries index, taken out of the analyzer: call after the last `endInput` and before `finish`.
    #[wasm_bindgen(js_name = takeEntries)]
    pub fn take_entries(&mut self) -> Result<EntryTable, JsError> {
        Ok(EntryTable { index: self.analyzer()?.take_entries() })
    }

    /// Like `finish`, but returns `[json, markdown]`: the JSON report and the same report as Markdown for a
    /// support ticket. The analyzer cannot be used afterwards.
    #[wasm_bindgen(js_name = finishWithMarkdown)]
    pub fn finish_with_markdown(&mut self) -> Result<Vec<String>, JsError> {
        let analyzer = self.inner.take().ok_or_else(finished)?;
        let report = analyzer.finish();
        let json = report.to_json().map_err(into_error)?;
        Ok(vec![json, crate::report::render_markdown(&report)])
    }
}

/// One compact row per entry (see `report::entries`), kept in the worker; the page fetches the rows it shows.
#[wasm_bindgen]
#[derive(Debug)]
pub struct EntryTable {
    index: crate::report::entries::EntryIndex,
}

#[wasm_bindgen]
impl EntryTable {
    /// Rows indexed.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> u32 {
        self.index.len() as u32
    }

    /// Entries not indexed because the index was full.
    #[wasm_bindgen(getter)]
    pub fn dropped(&self) -> f64 {
        self.index.dropped() as f64
    }

    /// Approximate bytes held by the index.
    #[wasm_bindgen(getter, js_name = heapBytes)]
    pub fn heap_bytes(&self) -> f64 {
        self.index.heap_bytes() as f64
    }

    /// `[{"id", "origin", "entries"}]` (JSON text).
    pub fn origins(&self) -> String {
        self.index.origins_json()
    }

    /// Applies a filter (`{"origin": id, "status": "4xx", "text": "...", "auth": true}`, JSON text); returns
    /// how many rows match.
    pub fn filter(&mut self, filter_json: &str) -> Result<u32, JsError> {
        let filter: crate::report::entries::Filter =
            serde_json::from_slice(filter_json.as_bytes()).map_err(into_error)?;
        Ok(self.index.filter(&filter) as u32)
    }

    /// Rows shown by the current filter.
    #[wasm_bindgen(getter)]
    pub fn shown(&self) -> u32 {
        self.index.shown() as u32
    }

    /// Rows `start..start+count` of the current filter (JSON array).
    pub fn rows(&self, start: u32, count: u32) -> String {
        self.index.rows_json(start as usize, count as usize)
    }

    /// The position of an entry in the current filter, or -1 when it is filtered out or not indexed.
    #[wasm_bindgen(js_name = positionOf)]
    pub fn position_of(&self, input: u32, entry: f64) -> i32 {
        self.index.position_of(input as usize, entry as u64).map_or(-1, |p| p as i32)
    }

    /// One entry's row (JSON, `null` when not indexed).
    pub fn row(&self, input: u32, entry: f64) -> String {
        self.index.row_json(input as usize, entry as u64)
    }

    /// The timeline plot's data per input and origin (JSON array).
    pub fn plot(&self) -> String {
        self.index.plot_json()
    }
}

/// How Crowd resolves one request's client address (what `harlens proxies --format json` prints, schema
/// `harlens.proxies/1`): `trusted` is the trusted-proxy list, `remote` the app's TCP peer, `xff` the
/// X-Forwarded-For header lines separated by newlines (empty: no header). Throws on an unreadable input, naming it.
#[wasm_bindgen(js_name = simulateProxies)]
pub fn simulate_proxies(trusted: &str, remote: &str, xff: &str) -> Result<String, JsError> {
    let trusted = crate::net::TrustedProxies::parse(trusted)
        .map_err(|e| JsError::new(&format!("trusted proxies: {e}")))?;
    // The error already names the remote address.
    let remote = crate::net::parse_remote_address(remote).map_err(into_error)?;
    let x_forwarded_for = xff.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
    let request = crate::net::Observation { remote_address: remote, x_forwarded_for };
    crate::net::Simulation::new(trusted, request).to_json().map_err(into_error)
}
