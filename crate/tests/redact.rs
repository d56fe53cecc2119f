//! The sanitizer against every real HAR we have: canary secrets planted in every place the issue lists never
//! survive, the output is a HAR with the same entries, and on every test-bed recording the redacted HAR gets
//! the same diagnosis (losses and primary cause) as the original.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests state their assumptions
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::{Path, PathBuf};

use common::{analyze, fixture_name, public_fixtures};
use harlens::redact::{redact, Options, Redactor};
use serde_json::{json, Value};

const KEY: &[u8] = b"redact.rs test key";

fn testbed_recordings() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/testbed");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|d| d.unwrap().path())
        .filter(|p| p.join("expected.json").is_file())
        .flat_map(|dir| [dir.join("recording.har"), dir.join("recording.nocookies.har")])
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(files.len() >= 26, "expected the test-bed recordings, found {}", files.len());
    files
}

fn all_inputs() -> Vec<PathBuf> {
    public_fixtures().into_iter().chain(testbed_recordings()).collect()
}

fn b64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// The JWT planted in URLs and headers: its claims and signature must not survive.
fn canary_jwt() -> (String, Vec<String>) {
    let header = b64url(br#"{"alg":"HS256","typ":"JWT"}"#);
    let claims = b64url(br#"{"sub":"CANARY_JWT_SUB","exp":1700000000}"#);
    let jwt = format!("{header}.{claims}.CANARY_JWT_SIG");
    (jwt, vec![claims, "CANARY_JWT_SIG".to_owned()])
}

fn push(list: &mut Value, item: Value) {
    if !list.is_array() {
        *list = json!([]);
    }
    list.as_array_mut().unwrap().push(item);
}

/// Plants a canary in every place the issue lists, in the first entries of `har`; returns what must vanish.
fn plant(har: &mut Value) -> Vec<String> {
    let (jwt, mut canaries) = canary_jwt();
    canaries.extend(
        [
            "CANARY_COOKIE_HEADER",
            "CANARY_CROWD",
            "CANARY_JSESSION",
            "CANARY_XSRF",
            "CANARY_REMEMBER",
            "CANARY_LB",
            "CANARY_BIGIP",
            "CANARY_H2_PATH",
            "CANARY_CROWD_PATH",
            "CANARY_WEIRD_NAME",
            "CANARY_REQ_COOKIE",
            "CANARY_SET_COOKIE",
            "CANARY_SET_COOKIE_2",
            "CANARY_RESP_COOKIE",
            "CANARY_AUTH",
            "CANARY_PROXY_AUTH",
            "CANARY_TOKEN_HEADER",
            "CANARY_API_KEY",
            "CANARY_QUERY",
            "CANARY_QS_ARRAY",
            "CANARY_URL_PASSWORD",
            "CANARY_FORM",
            "CANARY_FORM_PARAM",
            "CANARY_JSON_POST",
            "CANARY_BODY",
            "CANARY_JSON_BODY",
            "canaryuser",
            "canary-host",
            "203.0.113.77",
            "2001:db8:cafe::77",
        ]
        .map(str::to_owned),
    );
    let Some(entries) = har["log"]["entries"].as_array_mut() else { return Vec::new() };
    for (i, entry) in entries.iter_mut().take(3).enumerate() {
        if !entry.is_object() {
            continue;
        }
        if !entry["request"].is_object() {
            entry["request"] = json!({});
        }
        if !entry["response"].is_object() {
            entry["response"] = json!({});
        }
        let req = &mut entry["request"];
        req["url"] = json!(format!(
            "https://user:CANARY_URL_PASSWORD@canary-host.example.test/display/~canaryuser?access_token=CANARY_QUERY&jwt={jwt}&name=canaryuser"
        ));
        push(
            &mut req["headers"],
            json!({"name": "Cookie", "value": "a=CANARY_COOKIE_HEADER; crowd.token_key=CANARY_CROWD; JSESSIONID=CANARY_JSESSION.node7; atlassian.xsrf.token=BWP3|CANARY_XSRF|lin; seraph.rememberme.cookie=1%3ACANARY_REMEMBER; AWSALB=CANARY_LB; BIGipServerpool_jira=CANARY_BIGIP; we!rd(n@me)=CANARY_WEIRD_NAME"}),
        );
        push(&mut req["headers"], json!({"name": "authorization", "value": "Bearer CANARY_AUTH"}));
        push(&mut req["headers"], json!({"name": ":path", "value": "/track/x?atl_token=CANARY_H2_PATH"}));
        push(
            &mut req["headers"],
            json!({"name": "Referer", "value": "https://c.example.test/crowd/rest/usermanagement/1/session/CANARY_CROWD_PATH"}),
        );
        push(&mut req["headers"], json!({"name": "Proxy-Authorization", "value": "Basic CANARY_PROXY_AUTH"}));
        push(&mut req["headers"], json!({"name": "X-Auth-Token", "value": "CANARY_TOKEN_HEADER"}));
        push(&mut req["headers"], json!({"name": "X-Thing", "value": format!("v={jwt}")}));
        push(&mut req["headers"], json!({"name": "X-Api-Key", "value": "CANARY_API_KEY"}));
        push(&mut req["headers"], json!({"name": "X-Forwarded-For", "value": "203.0.113.77, 10.0.0.1"}));
        push(&mut req["cookies"], json!({"name": "crowd.token_key", "value": "CANARY_REQ_COOKIE"}));
        push(&mut req["queryString"], json!({"name": "api_key", "value": "CANARY_QS_ARRAY"}));
        req["postData"] = if i == 1 {
            json!({"mimeType": "application/json", "text": "{\"user\":{\"password\":\"CANARY_JSON_POST\"}}"})
        } else {
            json!({"mimeType": "application/x-www-form-urlencoded", "text": "os_username=canaryuser&os_password=CANARY_FORM",
                   "params": [{"name": "os_password", "value": "CANARY_FORM_PARAM"}]})
        };
        let res = &mut entry["response"];
        push(
            &mut res["headers"],
            json!({"name": "Set-Cookie", "value": "crowd.token_key=CANARY_SET_COOKIE; Path=/; HttpOnly\nJSESSIONID=CANARY_SET_COOKIE_2.node1; Path=/"}),
        );
        push(&mut res["headers"], json!({"name": "X-AUSERNAME", "value": "canaryuser"}));
        push(
            &mut res["cookies"],
            json!({"name": "JSESSIONID", "value": "CANARY_RESP_COOKIE.node1", "domain": "canary-host.example.test"}),
        );
        res["content"] = if i == 1 {
            json!({"size": 30, "mimeType": "application/json", "text": "{\"secret\":\"CANARY_JSON_BODY\"}"})
        } else {
            json!({"size": 30, "mimeType": "text/html; charset=utf-8", "text": "<p>CANARY_BODY</p>"})
        };
        entry["serverIPAddress"] = json!(if i == 2 { "[2001:db8:cafe::77]" } else { "203.0.113.77" });
    }
    canaries
}

/// Redacts in chunks of `chunk` bytes, as the CLI and the page do.
fn redact_chunked(input: &[u8], options: Options, chunk: usize) -> Result<Vec<u8>, harlens::har::HarError> {
    let mut r = Redactor::new(options, KEY);
    let mut out = Vec::new();
    for part in input.chunks(chunk) {
        r.feed(part, false, &mut out)?;
    }
    r.feed(&[], true, &mut out)?;
    Ok(out)
}

fn entry_count(har: &[u8]) -> usize {
    let v: Value = serde_json::from_slice(har).unwrap_or_else(|e| panic!("output is not JSON: {e}"));
    assert!(v["log"].is_object(), "output has no log");
    v["log"]["entries"].as_array().map_or(0, Vec::len)
}

#[test]
fn no_canary_survives_in_any_fixture() {
    let mut planted = 0;
    for path in all_inputs() {
        let name = fixture_name(&path);
        let bytes = std::fs::read(&path).unwrap();
        let Ok(mut har) = serde_json::from_slice::<Value>(&bytes) else { continue };
        let canaries = plant(&mut har);
        if canaries.is_empty() {
            continue;
        }
        planted += 1;
        let input = serde_json::to_vec_pretty(&har).unwrap();
        let out = redact_chunked(&input, Options::all(), 64 * 1024).unwrap_or_else(|e| panic!("{name}: {e}"));
        let text = String::from_utf8(out.clone()).unwrap();
        for canary in &canaries {
            assert!(!text.contains(canary.as_str()), "{name}: `{canary}` survived redaction");
        }
        assert_eq!(entry_count(&out), har["log"]["entries"].as_array().unwrap().len(), "{name}");
        // The defaults keep users, addresses and hosts but nothing else of the canaries.
        let (out, _) = redact(&input, Options::default(), KEY).unwrap();
        let text = String::from_utf8(out).unwrap();
        for canary in canaries.iter().filter(|c| c.starts_with("CANARY") || c.len() > 30) {
            assert!(!text.contains(canary.as_str()), "{name}: `{canary}` survived default redaction");
        }
    }
    assert!(planted >= 35, "canaries planted in only {planted} files");
}

#[test]
fn every_readable_input_gives_a_har_with_the_same_entries() {
    for path in all_inputs() {
        let name = fixture_name(&path);
        let bytes = std::fs::read(&path).unwrap();
        let report = analyze(&name, &bytes);
        let redacted = redact_chunked(&bytes, Options::default(), 4096);
        match (report, redacted) {
            (Ok(report), Ok(out)) => {
                let entries = report.inputs[0].entries;
                assert_eq!(entry_count(&out) as u64, entries, "{name}: entry count");
                let again = analyze(&name, &out).unwrap_or_else(|e| panic!("{name}: redacted output: {e}"));
                assert_eq!(again.inputs[0].entries, entries, "{name}");
                // Redacting twice changes nothing more than redacting once (placeholders are not secrets).
                assert_eq!(again.summary.session_losses, report.summary.session_losses, "{name}");
            }
            (Err(a), Err(r)) => {
                assert_eq!(a.error, harlens::InputProblem::Har(r), "{name}: the same located error")
            }
            (a, r) => panic!("{name}: analysis {:?} but redaction {:?}", a.map(|_| ()), r.map(|_| ())),
        }
    }
}

#[test]
fn redacted_recordings_get_the_same_diagnosis() {
    for path in testbed_recordings() {
        let name = path.strip_prefix(path.parent().unwrap().parent().unwrap()).unwrap().display().to_string();
        let bytes = std::fs::read(&path).unwrap();
        let (out, summary) = redact(&bytes, Options::default(), KEY).unwrap();
        let before = analyze(&name, &bytes).unwrap();
        let after = analyze(&name, &out).unwrap();
        assert_eq!(after.summary.primary_cause, before.summary.primary_cause, "{name}: primary cause");
        assert_eq!(after.losses.len(), before.losses.len(), "{name}: losses");
        for (a, b) in after.losses.iter().zip(&before.losses) {
            // The URL keeps its path; a token-like query parameter would show as a placeholder.
            let path = |u: &str| u.split('?').next().unwrap_or_default().to_owned();
            assert_eq!(
                (&a.origin, a.input, a.entry, &a.at, a.status, &a.signals, path(&a.url)),
                (&b.origin, b.input, b.entry, &b.at, b.status, &b.signals, path(&b.url)),
                "{name}"
            );
        }
        let causes = |r: &harlens::Report| r.findings.iter().map(|f| f.cause.clone()).collect::<Vec<_>>();
        assert_eq!(causes(&after), causes(&before), "{name}: findings");
        if name.ends_with("recording.har") {
            assert!(summary.cookies > 0, "{name}: {summary:?}");
        }
    }
}

#[test]
fn files_redacted_together_share_placeholders() {
    let input = br#"{"log":{"entries":[{"request":{"url":"https://h/","headers":[{"name":"Cookie","value":"crowd.token_key=T1"}]}}]}}"#;
    let (a, _) = redact(input, Options::default(), KEY).unwrap();
    let (b, _) = redact(input, Options::default(), KEY).unwrap();
    let (c, _) = redact(input, Options::default(), b"another export").unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
}

fn harlens(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_harlens")).args(args).output().unwrap()
}

#[test]
fn cli_writes_name_redacted_har_next_to_the_input_and_a_summary() {
    let dir = std::env::temp_dir().join(format!("harlens-redact-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/testbed/proxy-address-change/recording.har");
    let input = dir.join("session.har");
    std::fs::copy(&src, &input).unwrap();
    let out = harlens(&["redact", "--usernames", input.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("session.redacted.har: 23 entries; redacted "), "{stderr}");
    assert!(stderr.contains(" cookie values") && stderr.contains(" user names"), "{stderr}");
    let redacted = std::fs::read(dir.join("session.redacted.har")).unwrap();
    assert_eq!(entry_count(&redacted), 23);
    // `-o -` writes to standard output.
    let out = harlens(&["redact", "-o", "-", input.to_str().unwrap()]);
    assert!(out.status.success());
    assert_eq!(entry_count(&out.stdout), 23);
    // Broken input: exit 2, a located message, and no half-written file.
    let broken = dir.join("broken.har");
    std::fs::write(&broken, br#"{"log":{"entries":[{"a":1},{"b":tru}]}}"#).unwrap();
    let out = harlens(&["redact", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("broken.har: line 1, column 36 (byte 35), in entry 1: invalid literal"),
        "{stderr}"
    );
    assert!(!dir.join("broken.redacted.har").exists());
    // The output never overwrites the input.
    let out = harlens(&["redact", "-o", input.to_str().unwrap(), input.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn with_every_option_the_recordings_keep_their_cause() {
    // Users, addresses and hosts become placeholders too; the origins change names, the diagnosis does not.
    for path in testbed_recordings() {
        let name = path.display().to_string();
        let bytes = std::fs::read(&path).unwrap();
        let (out, _) = redact(&bytes, Options::all(), KEY).unwrap();
        let before = analyze(&name, &bytes).unwrap();
        let after = analyze(&name, &out).unwrap();
        assert_eq!(after.summary.primary_cause, before.summary.primary_cause, "{name}: primary cause");
        let entries =
            |r: &harlens::Report| r.losses.iter().map(|l| (l.entry, l.signals.clone())).collect::<Vec<_>>();
        assert_eq!(entries(&after), entries(&before), "{name}: losses");
    }
}

/// Redacts in two passes as the CLI does; returns the output and what was replaced.
fn redact_two_passes(input: &[u8], options: Options) -> (Vec<u8>, harlens::redact::Learnt) {
    let mut first = Redactor::first_pass(options, KEY);
    let mut out = Vec::new();
    first.feed(input, true, &mut out).unwrap();
    assert!(out.is_empty(), "the first pass writes nothing");
    let mut second = Redactor::new(options, KEY).with_learnt(first.into_learnt());
    for part in input.chunks(64 * 1024) {
        second.feed(part, false, &mut out).unwrap();
    }
    second.feed(&[], true, &mut out).unwrap();
    (out, second.into_learnt())
}

/// The four forms of a value, computed here independently of the sanitizer: as it is, percent-encoded
/// (`encodeURIComponent`), JSON-escaped, base64 (standard, padded).
fn four_forms(value: &str) -> Vec<String> {
    let percent: String = value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let json = serde_json::to_string(value).unwrap();
    let mut base64 = b64url(value.as_bytes()).replace('-', "+").replace('_', "/");
    while base64.len() % 4 != 0 {
        base64.push('=');
    }
    vec![value.to_owned(), percent, json[1..json.len() - 1].to_owned(), base64]
}

/// Every string (members' names included) and number of a JSON value.
fn texts(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Number(n) => out.push(n.to_string()),
        Value::Array(items) => items.iter().for_each(|v| texts(v, out)),
        Value::Object(members) => {
            for (k, v) in members {
                out.push(k.clone());
                texts(v, out);
            }
        }
        _ => {}
    }
}

#[test]
fn no_replaced_value_survives_anywhere_in_any_of_four_forms() {
    use harlens::redact::Shape;
    let joins = |shape: Shape, b: Option<u8>| match shape {
        Shape::Secret => false,
        Shape::Word => b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'),
        Shape::Address => b.is_some_and(|b| b.is_ascii_hexdigit() || b == b'.' || b == b':'),
    };
    let (mut files, mut values) = (0, 0);
    for path in all_inputs() {
        let name = fixture_name(&path);
        let bytes = std::fs::read(&path).unwrap();
        if analyze(&name, &bytes).is_err() {
            continue;
        }
        for options in [Options::default(), Options::all()] {
            let (out, learnt) = redact_two_passes(&bytes, options);
            let output: Value = serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{name}: {e}"));
            let mut strings = Vec::new();
            texts(&output, &mut strings);
            for (value, shape) in learnt.copies().values() {
                values += 1;
                for form in four_forms(value) {
                    for text in &strings {
                        for (at, _) in text.match_indices(form.as_str()) {
                            let before = at.checked_sub(1).map(|i| text.as_bytes()[i]);
                            let after = text.as_bytes().get(at + form.len()).copied();
                            assert!(
                                joins(shape, before) || joins(shape, after),
                                "{name}: `{value}` ({shape:?}) survives as `{form}` in `{text}`"
                            );
                        }
                    }
                }
            }
        }
        files += 1;
    }
    assert!(files >= 50 && values > 500, "{files} files, {values} values checked");
}

#[test]
fn standard_input_is_read_twice_through_a_temporary_copy_that_is_not_left_behind() {
    use std::io::Write;
    let utma = "987654321.1700000000.1.1";
    let input = format!(
        r#"{{"log":{{"entries":[{{"request":{{"url":"https://ga.example.test/__utm.gif?utmcc=__utma%3D{utma}%3B"}}}},
             {{"request":{{"url":"https://h.example.test/","headers":[{{"name":"Cookie","value":"__utma={utma}"}}]}}}}]}}}}"#
    );
    let tmp = std::env::temp_dir().join(format!("harlens-spool-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_harlens"))
        .args(["redact", "-"])
        .env("TMPDIR", &tmp)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains(utma), "the copy before the cookie survived: {text}");
    assert_eq!(entry_count(text.as_bytes()), 2);
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0, "a temporary file was left in TMPDIR");
    std::fs::remove_dir_all(&tmp).unwrap();
}
