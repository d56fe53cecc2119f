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

// ---- Added for the analyzer page (www/): the registry, the trusted-proxy field, the entries table. ----

/// The causes harlens can name, from the core's registry: `[{"id", "title", "summary"}]` (JSON text).
#[wasm_bindgen]
pub fn rules() -> String {
    let list: Vec<serde_json::Value> = crate::rules::REGISTRY
        .iter()
        .map(|r| serde_json::json!({ "id": r.id, "title": r.title, "summary": r.summary }))
        .collect();
    serde_json::Value::Array(list).to_string()
}

/// Reads a Crowd trusted-proxy list as the user types it: every entry with its position, whether Crowd
/// accepts it, what it covers or why not, and its warnings (JSON text). Never throws: this is for validation.
#[wasm_bindgen(js_name = checkTrustedProxies)]
pub fn check_trusted_proxies(list: &str) -> String {
    let (proxies, errors) = crate::net::TrustedProxies::parse_lenient(list);
    let mut entries: Vec<(usize, serde_json::Value)> = proxies
        .entries
        .iter()
        .map(|e| {
            let at = e.at.map(|at| serde_json::json!({ "line": at.line, "column": at.column }));
            (
                e.index,
                serde_json::json!({ "index": e.index, "text": e.text, "at": at, "ok": true,
                    "covers": e.pattern.describe(), "warnings": e.warnings }),
            )
        })
        .collect();
    entries.extend(errors.iter().map(|e| {
        (
            e.index,
            serde_json::json!({ "index": e.index, "text": e.text, "ok": false,
                "at": { "line": e.at.line, "column": e.at.column }, "problem": e.problem.to_string(),
                "message": e.to_string(), "warnings": [] }),
        )
    }));
    entries.sort_by_key(|(i, _)| *i);
    serde_json::Value::Array(entries.into_iter().map(|(_, v)| v).collect()).to_string()
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
        let filter: crate::report::entries::Filter = serde_json::from_str(filter_json).map_err(into_error)?;
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
