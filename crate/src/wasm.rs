//! The JavaScript-facing API, and the only file that names wasm_bindgen (DESIGN.md, "The WASM API").
//!
//! Every method has the same shape: take plain values from JS, call the core, turn errors into a JS `Error`
//! carrying the same message the CLI prints. Reports cross as the JSON text of [`crate::Report::to_json`], so
//! the page gets the very bytes `harlens analyze --format json` writes.

use wasm_bindgen::prelude::*;

use crate::{net, Analyzer};

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

/// How Crowd resolves one request's client address (`harlens proxies`): JSON text, schema
/// `harlens.proxies/1`. `xff` holds the X-Forwarded-For header lines (usually one).
#[wasm_bindgen(js_name = simulateProxies)]
pub fn simulate_proxies(trusted: &str, remote: &str, xff: Vec<String>) -> Result<String, JsError> {
    let trusted = net::TrustedProxies::parse(trusted).map_err(into_error)?;
    let remote = net::parse_remote_address(remote).map_err(into_error)?;
    let request = net::Observation { remote_address: remote, x_forwarded_for: xff };
    net::Simulation::new(trusted, request).to_json().map_err(into_error)
}

fn finished() -> JsError {
    JsError::new("this analyzer has already finished; create a new one")
}

fn into_error(err: impl std::fmt::Display) -> JsError {
    JsError::new(&err.to_string())
}

/// Sanitizes one HAR as it streams (the page's "download sanitized HAR", the extension's export):
/// `new(optionsJson, key)`, `push(chunk)` any number of times, each returning the output bytes ready so far,
/// `finish()` for the last ones, then `summary()`. The output never sits whole in memory, so a 1 GB HAR
/// goes from `File.stream()` straight to a download stream. `key`: random bytes drawn per export
/// (`crypto.getRandomValues(new Uint8Array(32))`) and never stored; files redacted with one key share
/// placeholders.
#[wasm_bindgen]
#[derive(Debug)]
pub struct StreamingRedactor {
    inner: Option<crate::redact::Redactor>,
    summary: crate::redact::Summary,
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
            serde_json::from_str(options_json)
                .map_err(|e| JsError::new(&format!("redaction options: {e}")))?
        };
        if key.len() < 16 {
            return Err(JsError::new("the redaction key must be at least 16 random bytes"));
        }
        Ok(StreamingRedactor {
            inner: Some(crate::redact::Redactor::new(options, key)),
            summary: crate::redact::Summary::default(),
        })
    }

    /// Feeds the next chunk; returns the sanitized bytes now ready (often empty for small chunks).
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<u8>, JsError> {
        let redactor = self.inner.as_mut().ok_or_else(redactor_finished)?;
        let mut out = Vec::new();
        redactor.push(chunk, &mut out).map_err(into_error)?;
        Ok(out)
    }

    /// Ends the input, checking it was a complete HAR; returns the last output bytes.
    pub fn finish(&mut self) -> Result<Vec<u8>, JsError> {
        let mut redactor = self.inner.take().ok_or_else(redactor_finished)?;
        let mut out = Vec::new();
        self.summary = redactor.finish(&mut out).map_err(into_error)?;
        Ok(out)
    }

    /// What was redacted (JSON: `{"entries": 23, "cookies": 106, "tokens": 22, ...}`), so far or in total.
    pub fn summary(&self) -> Result<String, JsError> {
        let summary = self.inner.as_ref().map_or(&self.summary, |r| r.summary());
        serde_json::to_string(summary).map_err(into_error)
    }

    /// Bytes read so far.
    #[wasm_bindgen(getter, js_name = bytesRead)]
    pub fn bytes_read(&self) -> f64 {
        self.inner.as_ref().map_or(0.0, |r| r.bytes_consumed() as f64)
    }

    /// Entries read so far.
    #[wasm_bindgen(getter)]
    pub fn entries(&self) -> f64 {
        self.inner.as_ref().map_or(self.summary.entries as f64, |r| r.entries() as f64)
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

    /// Feeds one finished entry; returns the alerts it raises as JSON text.
    pub fn push(&mut self, entry_json: &str) -> Result<String, JsError> {
        let alerts = self.inner.push_entry(entry_json.as_bytes()).map_err(into_error)?;
        serde_json::to_string(&alerts).map_err(into_error)
    }

    /// Entries seen so far.
    #[wasm_bindgen(getter)]
    pub fn entries(&self) -> f64 {
        self.inner.entries() as f64
    }
}
