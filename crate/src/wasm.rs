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
