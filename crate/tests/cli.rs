//! The `harlens` command as users and scripts meet it: formats, output file, standard input, exit statuses
//! and located error messages.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests state their assumptions
#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn harlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_harlens")).args(args).output().unwrap()
}

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/public").join(name);
    path.to_string_lossy().into_owned()
}

#[test]
fn json_report_follows_the_contract_and_exits_0() {
    let out = harlens(&[
        "analyze",
        "--format",
        "json",
        &fixture("mitmproxy/chrome.har"),
        &fixture("harviewer/jsonp.har"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["schema"], "harlens.report/1");
    assert_eq!(report["inputs"][0]["name"], "chrome.har");
    assert_eq!(report["inputs"][0]["kind"], "har");
    assert_eq!(report["inputs"][0]["entries"], 3);
    assert_eq!(report["inputs"][0]["creator"], "WebInspector 537.36");
    assert_eq!(report["inputs"][1]["name"], "jsonp.har");
    assert_eq!(report["summary"]["entries"], 4);
    assert_eq!(report["summary"]["session_losses"], 0);
    assert!(report["summary"]["primary_cause"].is_null());
    assert_eq!(report["losses"], serde_json::json!([]));
    assert_eq!(report["findings"], serde_json::json!([]));
}

#[test]
fn text_is_the_default_format() {
    let out = harlens(&["analyze", &fixture("harviewer/issue-61-ie11.har")]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("issue-61-ie11.har\n  1.1 MB, 25 entries, 1 origin, HAR 1.1"), "{text}");
    assert!(text.contains("warning: entry 0: `request.cookies` is a single object"), "{text}");
}

#[test]
fn markdown_goes_to_the_output_file() {
    let dir = std::env::temp_dir().join(format!("harlens-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("report.md");
    let out = harlens(&[
        "analyze",
        "--format",
        "markdown",
        "-o",
        path.to_str().unwrap(),
        &fixture("mitmproxy/chrome.har"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let md = std::fs::read_to_string(&path).unwrap();
    assert!(md.starts_with("# harlens report\n"), "{md}");
    assert!(md.contains("| chrome.har | 66 KB | 3 | 2 | 1.2 | WebInspector 537.36 | 0 |"), "{md}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_harlens"))
        .args(["analyze", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let bytes = std::fs::read(fixture("mitmproxy/websocket.har")).unwrap();
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["inputs"][0]["name"], "<stdin>");
    assert_eq!(report["inputs"][0]["entries"], 3);
}

#[test]
fn broken_input_exits_2_with_the_place_on_stderr() {
    let out = harlens(&["analyze", &fixture("mitmproxy/chrome.har"), &fixture("harviewer/not-json.har")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "harlens: not-json.har: line 8, column 5 (byte 110): expected `,` or `}` in `log`, found `x`\n"
    );
}

#[test]
fn a_missing_file_exits_2() {
    let out = harlens(&["analyze", "/nonexistent/x.har"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("harlens: /nonexistent/x.har: cannot open: "), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(harlens(&["analyze"]).status.code(), Some(2));
    assert_eq!(harlens(&["analyze", "--format", "yaml", "x.har"]).status.code(), Some(2));
    assert_eq!(harlens(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn truncated_gzip_input_says_so() {
    // gzip is read since issue 16 (crate/tests/archives.rs); a cut one is an error naming the file.
    let dir = std::env::temp_dir().join(format!("harlens-gz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("x.har.gz");
    std::fs::write(&path, b"\x1f\x8b\x08\x00\x00\x00\x00\x00").unwrap();
    let out = harlens(&["analyze", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("x.har.gz: truncated"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn rules_lists_the_twelve_causes() {
    let out = harlens(&["rules", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let rules: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = rules.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "proxy-address-change",
            "proxy-path-mismatch",
            "client-address-change",
            "sso-cookie-domain",
            "sso-cookie-insecure-scheme",
            "session-cookie-collision",
            "no-session-affinity",
            "idle-timeout",
            "remember-me-churn",
            "logout-elsewhere",
            "xsrf-after-session-loss",
            "user-logout",
        ]
    );
    let text = String::from_utf8(harlens(&["rules"]).stdout).unwrap();
    assert!(
        text.starts_with(
            "proxy-address-change         A proxy that Crowd does not trust changed its address\n"
        ),
        "{text}"
    );
}

fn testbed(scenario: &str, file: &str) -> String {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/testbed").join(scenario).join(file);
    path.to_string_lossy().into_owned()
}

#[test]
fn a_session_loss_exits_1_and_the_logs_name_the_entries_to_trust() {
    let trusted = format!("@{}", testbed("proxy-address-change", "trusted-proxies.txt"));
    let out = harlens(&[
        "analyze",
        "--format",
        "json",
        "--log",
        &testbed("proxy-address-change", "atlassian-jira.log"),
        "--trusted-proxies",
        &trusted,
        &testbed("proxy-address-change", "recording.har"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["primary_cause"], "proxy-address-change");
    let kinds: Vec<&str> =
        report["inputs"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["trusted-proxies", "har", "application"]);
    let fix = report["findings"][0]["fix"][0].as_str().unwrap();
    assert!(fix.contains("add: 127.0.0.21, 127.0.0.22"), "{fix}");
}

#[test]
fn healthy_use_exits_0() {
    let out = harlens(&["analyze", &testbed("healthy-long-use", "recording.har")]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn a_bad_trusted_list_or_log_exits_2_with_the_place() {
    let har = testbed("healthy-long-use", "recording.har");
    let out = harlens(&["analyze", "--trusted-proxies", "10.0.0.1, *.168.1.0", &har]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("harlens: trusted proxies: entry 1 `*.168.1.0` (line 1, column 11)"), "{err}");
    let out = harlens(&["analyze", "--log", &har, &har]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("harlens: recording.har: "), "{err}");
}

/// Text that would act on a terminal or a Markdown viewer: OSC 52 (writes the clipboard), OSC 0 (the window
/// title), CSI (clears the screen), a bidi override; raw HTML, a javascript: link, a plain http link.
const HOSTILE: &str = "\u{1b}]52;c;cHduZWQ=\u{7}\u{1b}]0;pwned\u{1b}\\\u{1b}[2J\u{202e}<img src=x onerror=alert(1)>[x](javascript:alert(1)) http://evil.test/x";

/// The test-bed recording of the KB case with the hostile text as the user name, the creator and a URL.
fn hostile_recording(dir: &std::path::Path) -> PathBuf {
    let text = std::fs::read_to_string(testbed("proxy-address-change", "recording.har")).unwrap();
    let json = serde_json::to_string(HOSTILE).unwrap();
    let inner = &json[1..json.len() - 1];
    let text = text.replace("v3ry8", inner).replacen("\"name\": \"", &format!("\"name\": \"{inner}"), 1);
    let path = dir.join(format!("session{}.har", "\u{1b}]0;file\u{7}"));
    std::fs::write(&path, text).unwrap();
    path
}

/// Markdown without its code spans (a backtick fence to the next fence of the same length), where nothing
/// is markup.
fn outside_code_spans(md: &str) -> String {
    let mut out = String::new();
    let mut rest = md;
    while let Some(start) = rest.find('`') {
        out.push_str(&rest[..start]);
        let fence = rest[start..].chars().take_while(|&c| c == '`').count();
        let after = &rest[start + fence..];
        let close = "`".repeat(fence);
        match after.find(&close) {
            Some(end) => rest = &after[end + fence..],
            None => {
                rest = after;
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// No byte that a terminal acts on: C0 controls but the line break, DEL, C1 controls, bidi overrides.
fn assert_inert(what: &str, text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c))
        .collect();
    assert!(bad.is_empty(), "{what} carries {bad:?}:\n{text}");
}

#[test]
fn hostile_text_in_a_har_or_a_log_never_reaches_the_terminal_or_the_markdown_live() {
    let dir = std::env::temp_dir().join(format!("harlens-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let har = hostile_recording(&dir);
    let har = har.to_str().unwrap();
    let text = harlens(&["analyze", har]);
    assert_eq!(text.status.code(), Some(1), "{}", String::from_utf8_lossy(&text.stderr));
    let stdout = String::from_utf8(text.stdout).unwrap();
    assert!(stdout.contains("\\x1b]52;c;cHduZWQ=\\x07"), "the user name is shown, escaped:\n{stdout}");
    assert_inert("the text report", &stdout);
    let md = harlens(&["analyze", "--format", "markdown", har]);
    let md = String::from_utf8(md.stdout).unwrap();
    assert_inert("the Markdown report", &md);
    // Outside code spans, no tag can open, no link text can close, no bare link stays: all escaped.
    let live = outside_code_spans(&md);
    for (i, c) in live.char_indices() {
        if matches!(c, '<' | ']' | '[') {
            assert_eq!(live[..i].chars().last(), Some('\\'), "unescaped `{c}` at {i}: {live}");
        }
    }
    assert!(!live.contains("http://evil") && !live.contains("javascript:"), "{live}");
    assert!(md.contains("`http://evil.test/x"), "{md}");
    // A log whose first line is hostile, and a HAR whose broken part is: the messages quote them inertly.
    let log = dir.join("x.log");
    std::fs::write(&log, format!("{HOSTILE}\nmore\n")).unwrap();
    let out =
        harlens(&["analyze", "--log", log.to_str().unwrap(), &testbed("healthy-long-use", "recording.har")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("the first line is `\\x1b]52;c;"), "{stderr}");
    assert_inert("the log error", &stderr);
    let broken = dir.join("broken.har");
    std::fs::write(
        &broken,
        format!("{{\"log\": {{\"entries\": [\"{}\"], \"version\": 1e{}}}}}", "\\u001b[2J", "x".repeat(5000)),
    )
    .unwrap();
    let out = harlens(&["analyze", broken.to_str().unwrap()]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_inert("the HAR error", &stderr);
    assert!(stderr.len() < 400, "the message quotes a short excerpt: {stderr}");
    // The file name itself, in errors and in the redact summary.
    let out = harlens(&["redact", "-o", "-", har]);
    assert!(out.status.success());
    assert_inert("the redact summary", &String::from_utf8(out.stderr).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The test bed's KB recording with its SSO cookie renamed (Crowd's `cookie.tokenkey`), in a temporary file.
fn renamed_kb(name: &str) -> PathBuf {
    let kb = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/testbed/proxy-address-change/recording.har");
    let text = std::fs::read_to_string(kb).unwrap().replace("crowd.token_key", name);
    let dir = std::env::temp_dir().join(format!("harlens-cli-sso-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.har"));
    std::fs::write(&path, text).unwrap();
    path
}

fn json_report(args: &[&str]) -> serde_json::Value {
    let out = harlens(args);
    assert!(out.status.code() == Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_renamed_sso_cookie_is_found_by_itself_or_given_with_sso_cookie() {
    let kb = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/testbed/proxy-address-change/recording.har");
    let original = json_report(&["analyze", "--format", "json", kb.to_str().unwrap()]);
    let same = |r: &serde_json::Value| {
        assert_eq!(r["summary"]["primary_cause"], original["summary"]["primary_cause"]);
        assert_eq!(r["losses"], original["losses"]);
        assert_eq!(r["findings"][0]["confidence"], original["findings"][0]["confidence"]);
    };
    for name in ["acme.tokenkey", "mycorp_sso"] {
        let path = renamed_kb(name);
        let found = json_report(&["analyze", "--format", "json", path.to_str().unwrap()]);
        same(&found);
        assert_eq!(found["sso_cookie"]["name"], name);
        assert_eq!(
            found["sso_cookie"]["source"],
            if name.ends_with(".tokenkey") { "name" } else { "behaviour" }
        );
        let given =
            json_report(&["analyze", "--format", "json", "--sso-cookie", name, path.to_str().unwrap()]);
        same(&given);
        assert_eq!(given["sso_cookie"]["source"], "option");
        let text = String::from_utf8(harlens(&["analyze", path.to_str().unwrap()]).stdout).unwrap();
        assert!(text.contains(&format!("SSO cookie: {name}")), "{text}");
    }
    let out = harlens(&["analyze", "--sso-cookie", "a=b", kb.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--sso-cookie: `a=b` is not a cookie name"));
}
