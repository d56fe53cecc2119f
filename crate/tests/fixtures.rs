//! Every public fixture (real exports from Chrome, Firefox, Safari, IE, Fiddler, Charles, Insomnia, mitmproxy,
//! Firebug) reads with the entry count a JSON parser finds, whatever the chunking; broken ones fail with a
//! located error. Each fixture's report is a snapshot: a reviewer reads what harlens made of it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests state their assumptions
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{analyze, analyze_chunked, fixture_name, public_fixtures};
use harlens::har::HarError;
use harlens::InputProblem;

/// The fixtures that are not JSON at all.
const BROKEN: [&str; 2] = ["harviewer/not-json.har", "mitmproxy/brokenfile.har"];

/// What a plain JSON parser says the entry count is (after the BOM and JSONP wrapper HAR tools accept).
fn json_entry_count(bytes: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).trim();
    let text = if text.starts_with('{') { text } else { &text[text.find('(')? + 1..text.rfind(')')?] };
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    Some(value["log"]["entries"].as_array().map_or(0, Vec::len))
}

#[test]
fn every_valid_fixture_reads_with_the_json_entry_count() {
    for path in public_fixtures() {
        let name = fixture_name(&path);
        if BROKEN.contains(&name.as_str()) {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let expected = json_entry_count(&bytes).unwrap_or_else(|| panic!("{name} should be valid JSON"));
        let report = analyze(&name, &bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(report.inputs[0].entries as usize, expected, "{name}");
        assert_eq!(report.summary.entries as usize, expected, "{name}");
        assert_eq!(report.inputs[0].bytes as usize, bytes.len(), "{name}");
    }
}

#[test]
fn chunk_boundaries_do_not_change_the_report() {
    for path in public_fixtures() {
        let name = fixture_name(&path);
        let bytes = std::fs::read(&path).unwrap();
        let whole = analyze(&name, &bytes).map(|r| r.to_json().unwrap()).map_err(|e| e.to_string());
        for chunk in [1, 7, 64 * 1024] {
            let chunked = analyze_chunked(&name, &bytes, chunk)
                .map(|r| r.to_json().unwrap())
                .map_err(|e| e.to_string());
            assert_eq!(whole, chunked, "{name} in {chunk}-byte chunks");
        }
    }
}

#[test]
fn fixture_reports_match_their_snapshots() {
    for path in public_fixtures() {
        let name = fixture_name(&path);
        let bytes = std::fs::read(&path).unwrap();
        let out = match analyze(&name, &bytes) {
            Ok(report) => report.to_json().unwrap(),
            Err(err) => format!("error: {err}\n"),
        };
        insta::assert_snapshot!(name.replace('/', "__"), out);
    }
}

#[test]
fn not_json_fails_with_the_place_and_what_was_expected() {
    let bytes = std::fs::read(common_path("harviewer/not-json.har")).unwrap();
    let err = analyze("not-json.har", &bytes).unwrap_err();
    assert_eq!(
        err.to_string(),
        "not-json.har: line 8, column 5 (byte 110): expected `,` or `}` in `log`, found `x`"
    );
    let at = err.error.location().unwrap();
    assert_eq!((at.line, at.column, at.offset), (8, 5, 110));
}

#[test]
fn brokenfile_is_not_a_har() {
    let bytes = std::fs::read(common_path("mitmproxy/brokenfile.har")).unwrap();
    let err = analyze("brokenfile.har", &bytes).unwrap_err();
    assert!(matches!(err.error, InputProblem::Har(HarError::NotHar { .. })), "{err}");
    assert_eq!(
        err.to_string(),
        "brokenfile.har: line 2, column 1 (byte 8): not a HAR file: `log` is not an object"
    );
}

#[test]
fn a_log_without_entries_reads_as_empty_with_a_warning() {
    let bytes = std::fs::read(common_path("harviewer/not-valid.har")).unwrap();
    let report = analyze("not-valid.har", &bytes).unwrap();
    assert_eq!(report.inputs[0].entries, 0);
    assert!(
        report.inputs[0].warnings.iter().any(|w| w.code == "no-entries"),
        "{:?}",
        report.inputs[0].warnings
    );
}

#[test]
fn quirks_become_warnings() {
    let cases = [
        ("mitmproxy/with-bom.har", "bom"),
        ("harviewer/jsonp.har", "jsonp"),
        ("harviewer/issue-61-ie11.har", "cookies-object"),
        ("harviewer/noPages.har", "string-boolean"),
        ("harviewer/har-viewer-1.1.har", "har-version"),
        ("mitmproxy/charles.har", "null-redirect-url"),
    ];
    for (name, code) in cases {
        let bytes = std::fs::read(common_path(name)).unwrap();
        let report = analyze(name, &bytes).unwrap();
        let codes: Vec<_> = report.inputs[0].warnings.iter().map(|w| w.code).collect();
        assert!(codes.contains(&code), "{name}: expected warning {code}, got {codes:?}");
    }
}

#[test]
fn every_truncation_of_a_fixture_is_an_error_never_a_panic() {
    let bytes = std::fs::read(common_path("mitmproxy/chrome.har")).unwrap();
    let complete = bytes.trim_ascii_end().len();
    for cut in (0..complete).step_by(97) {
        let err = analyze("chrome.har", &bytes[..cut]).expect_err(&format!("cut at {cut}"));
        let at = err.error.location().unwrap();
        assert!(at.offset <= cut as u64, "cut at {cut}: error at {}", at.offset);
    }
}

#[test]
fn mutated_fixtures_never_panic() {
    // A deterministic xorshift: reproducible failures, no extra dependency.
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for name in [
        "mitmproxy/chrome.har",
        "harviewer/jsonp.har",
        "mitmproxy/websocket.har",
        "harviewer/issue-61-ie11.fiddler.har",
    ] {
        let original = std::fs::read(common_path(name)).unwrap();
        for _ in 0..60 {
            let mut bytes = original.clone();
            for _ in 0..(next() % 8 + 1) {
                let i = (next() as usize) % bytes.len();
                bytes[i] = (next() & 0xFF) as u8;
            }
            let chunk = (next() % 5000 + 1) as usize;
            // Either outcome is fine; what is not fine is a panic or a located error past the input.
            if let Err(err) = analyze_chunked(name, &bytes, chunk) {
                if let Some(at) = err.error.location() {
                    assert!(at.offset <= bytes.len() as u64);
                }
            }
        }
    }
}

fn common_path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/public").join(name)
}
