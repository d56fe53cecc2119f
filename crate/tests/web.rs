//! The WASM boundary, run in headless Chromium by `wasm-pack test --headless --chrome`: a fixture fed through
//! the JS-facing streaming analyzer in odd-sized chunks gives exactly the report the native build gives (the
//! committed snapshot that `tests/fixtures.rs` checks natively).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests state their assumptions
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The part of an insta snapshot after its front matter.
fn snapshot_body(snap: &str) -> &str {
    let after_open = snap.strip_prefix("---\n").unwrap_or(snap);
    after_open.split_once("\n---\n").map_or(snap, |(_, body)| body).trim_end()
}

fn wasm_report(name: &str, bytes: &[u8], chunk: usize) -> Result<String, String> {
    let mut analyzer = harlens::StreamingAnalyzer::new();
    let run = |a: &mut harlens::StreamingAnalyzer| -> Result<String, wasm_bindgen::JsError> {
        a.begin_input(name)?;
        for part in bytes.chunks(chunk) {
            a.push(part)?;
        }
        a.end_input()?;
        a.finish()
    };
    run(&mut analyzer).map_err(|e| format!("{:?}", wasm_bindgen::JsValue::from(e)))
}

#[wasm_bindgen_test]
fn streaming_analyzer_matches_the_native_report() {
    let cases: [(&str, &[u8], &str); 4] = [
        (
            // A test-bed recording of the KB case: the diagnosis itself must match, not only the reading.
            "recording.har",
            include_bytes!("../../tests/fixtures/testbed/proxy-address-change/recording.har"),
            include_str!("snapshots/testbed__proxy-address-change__recording.snap"),
        ),
        (
            "mitmproxy/chrome.har",
            include_bytes!("../../tests/fixtures/public/mitmproxy/chrome.har"),
            include_str!("snapshots/fixtures__mitmproxy__chrome.har.snap"),
        ),
        (
            "harviewer/jsonp.har",
            include_bytes!("../../tests/fixtures/public/harviewer/jsonp.har"),
            include_str!("snapshots/fixtures__harviewer__jsonp.har.snap"),
        ),
        (
            "harviewer/issue-61-ie11.fiddler.har",
            include_bytes!("../../tests/fixtures/public/harviewer/issue-61-ie11.fiddler.har"),
            include_str!("snapshots/fixtures__harviewer__issue-61-ie11.fiddler.har.snap"),
        ),
    ];
    for (name, bytes, snap) in cases {
        for chunk in [1, 7, 4093, 65536] {
            let report = wasm_report(name, bytes, chunk).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(report.trim_end(), snapshot_body(snap), "{name} in {chunk}-byte chunks");
        }
    }
}

#[wasm_bindgen_test]
fn broken_input_is_a_js_error_with_the_cli_message() {
    let bytes = include_bytes!("../../tests/fixtures/public/harviewer/not-json.har");
    let err = wasm_report("harviewer/not-json.har", bytes, 13).unwrap_err();
    assert!(
        err.contains(
            "harviewer/not-json.har: line 8, column 5 (byte 110): expected `,` or `}` in `log`, found `x`"
        ),
        "{err}"
    );
}

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    assert_eq!(harlens::version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn logs_and_trusted_proxies_give_the_native_report() {
    let har: &[u8] = include_bytes!("../../tests/fixtures/testbed/proxy-address-change/recording.har");
    let app_log: &[u8] =
        include_bytes!("../../tests/fixtures/testbed/proxy-address-change/atlassian-jira.log");
    let access_log: &[u8] =
        include_bytes!("../../tests/fixtures/testbed/proxy-address-change/atlassian-jira-http-access.log");
    let trusted = include_str!("../../tests/fixtures/testbed/proxy-address-change/trusted-proxies.txt");
    let mut a = harlens::StreamingAnalyzer::new();
    a.set_trusted_proxies("trusted-proxies.txt", trusted).unwrap();
    a.begin_input("recording.har").unwrap();
    for part in har.chunks(4093) {
        a.push(part).unwrap();
    }
    a.end_input().unwrap();
    for (name, bytes) in [("atlassian-jira.log", app_log), ("atlassian-jira-http-access.log", access_log)] {
        a.begin_log(name).unwrap();
        for part in bytes.chunks(777) {
            a.push(part).unwrap();
        }
        a.end_input().unwrap();
    }
    let report = a.finish().unwrap();
    let snap = include_str!("snapshots/testbed__proxy-address-change__with-logs.snap");
    assert_eq!(report.trim_end(), snapshot_body(snap));
}

#[wasm_bindgen_test]
fn the_proxy_simulator_resolves_the_kb_chain() {
    let json =
        harlens::simulate_proxies("192.0.2.10", "192.0.2.10", "203.0.113.7, 192.0.2.10, 198.51.100.20")
            .unwrap();
    assert!(json.contains("\"schema\": \"harlens.proxies/1\""), "{json}");
    assert!(json.contains("198.51.100.20"), "{json}");
}

#[wasm_bindgen_test]
fn streaming_redactor_gives_the_library_bytes_in_any_chunks() {
    let bytes = include_bytes!("../../tests/fixtures/testbed/proxy-address-change/recording.har");
    let key = [7u8; 32];
    let options = r#"{"usernames": true}"#;
    let (want, summary) =
        harlens::redact::redact(bytes, serde_json::from_str(options).unwrap(), &key).unwrap();
    for chunk in [1, 4093, 65536] {
        let mut r = harlens::StreamingRedactor::new(options, &key).unwrap();
        for part in bytes.chunks(chunk) {
            r.collect(part, false).unwrap();
        }
        r.collect(&[], true).unwrap();
        let mut out = Vec::new();
        for part in bytes.chunks(chunk) {
            out.extend(r.write(part, false).unwrap());
        }
        out.extend(r.write(&[], true).unwrap());
        assert_eq!(out, want, "{chunk}-byte chunks");
        assert_eq!(r.summary().unwrap(), serde_json::to_string(&summary).unwrap());
        assert_eq!(r.describe(), summary.describe());
        assert_eq!(r.warnings().unwrap(), "[]");
    }
    assert!(harlens::StreamingRedactor::new(r#"{"nope": 1}"#, &key).is_err());
    assert!(harlens::StreamingRedactor::new("", &[1, 2]).is_err());
}

#[wasm_bindgen_test]
fn files_collected_first_lose_every_copy_even_in_another_file() {
    let key = [9u8; 32];
    let beacon = br#"{"log":{"entries":[{"request":{"url":"https://ga.example.test/b?utmcc=__utma%3D111222333.44%3B"}}]}}"#;
    let cookie = br#"{"log":{"entries":[{"request":{"url":"https://h.example.test/","headers":[{"name":"Cookie","value":"__utma=111222333.44"}]}}]}}"#;
    let mut r = harlens::StreamingRedactor::new("", &key).unwrap();
    for file in [&beacon[..], &cookie[..]] {
        r.collect(file, true).unwrap();
    }
    for file in [&beacon[..], &cookie[..]] {
        let out = r.write(file, true).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains("111222333"), "{text}");
        assert!(r.summary().unwrap().contains("\"entries\":1"));
    }
    // Without the first pass (a single write), the copy before the value stays: the reason for two passes.
    let mut once = harlens::StreamingRedactor::new("", &key).unwrap();
    let out = once.write(beacon, true).unwrap();
    assert!(String::from_utf8(out).unwrap().contains("111222333"));
    // The passes of a file do not interleave.
    once.collect(&beacon[..9], false).unwrap();
    assert!(once.write(beacon, true).is_err());
}

#[wasm_bindgen_test]
fn the_page_asks_the_core_what_an_input_is() {
    assert_eq!(harlens::input_kind_head(), 4096);
    for (head, kind) in [
        (&b"\xEF\xBB\xBF\n{\"log\": {}}"[..], "har"),
        (b"onInputData({\"log\": {}})", "har"),
        (b"127.0.0.1 1x1x1 - [19/Oct/2021:11:56:47 -0500] \"GET / HTTP/1.1\" 200", "log"),
        (b"\x1f\x8b\x08\x00", "gzip"),
        (b"PK\x03\x04\x14\x00", "zip"),
        (b"\x89PNG\r\n\x1a\n", "binary"),
    ] {
        assert_eq!(harlens::input_kind(head), kind, "{head:?}");
    }
}

#[wasm_bindgen_test]
fn flags_headers_rules_and_proxy_entries_are_the_cores_data() {
    let flags: serde_json::Value = serde_json::from_str(&harlens::entry_flags().unwrap()).unwrap();
    assert_eq!(flags[0], serde_json::json!({"bit": 4, "name": "redirect to the login page"}));
    let headers: Vec<String> = serde_json::from_str(&harlens::signal_headers().unwrap()).unwrap();
    assert!(
        headers.iter().any(|h| h == "x-ausername") && headers.iter().any(|h| h == "cookie"),
        "{headers:?}"
    );
    let rules: serde_json::Value = serde_json::from_str(&harlens::rule_list().unwrap()).unwrap();
    assert_eq!(rules[0]["id"], "proxy-address-change");
    assert_eq!(rules[0].as_object().map(|o| o.len()), Some(3), "id, title and summary: {}", rules[0]);
    let checked: serde_json::Value =
        serde_json::from_str(&harlens::check_trusted_proxies("192.0.2.10, 192.168.01.1").unwrap()).unwrap();
    assert_eq!((checked[0]["ok"].as_bool(), checked[1]["ok"].as_bool()), (Some(true), Some(false)));
    assert_eq!(checked[1]["at"], serde_json::json!({"line": 1, "column": 13}));
}

#[wasm_bindgen_test]
fn the_resolution_form_names_its_unreadable_field() {
    let err = harlens::simulate_proxies("192.168.01.1", "192.0.2.10", "").unwrap_err();
    let message = format!("{:?}", wasm_bindgen::JsValue::from(err));
    assert!(message.contains("trusted proxies: entry 0 `192.168.01.1` (line 1, column 1)"), "{message}");
    let err = harlens::simulate_proxies("192.0.2.10", "nonsense", "").unwrap_err();
    let message = format!("{:?}", wasm_bindgen::JsValue::from(err));
    assert!(message.contains("remote address `nonsense` is not an IP address"), "{message}");
}
