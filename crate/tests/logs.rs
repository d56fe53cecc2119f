//! Server logs read as the rules will see them: the KB's case written in the real formats, a scenario recorded
//! by the test bed, and the awkward inputs (a rotated log starting mid stack trace, broken lines, Bitbucket,
//! a file that is no log). Every fixture reads the same whatever the chunking and line endings.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests state their assumptions
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

use harlens::logs::{
    parse_bytes, token_fingerprint, Level, LogCollector, LogError, LogKind, LogReader, LogRecord, ParsedLogs,
    SessionOp, EXPECTED_FORMATS,
};

fn fixture(name: &str) -> (String, Vec<u8>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/logs").join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (name.to_owned(), bytes)
}

fn all_fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/logs");
    let mut files = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(dir).unwrap() {
            files.push(file.unwrap().path());
        }
    }
    files.sort();
    assert!(files.len() >= 8, "expected the log fixtures under {}", root.display());
    files
}

/// Reads `names` as one analysis, each input fed in chunks of `chunk` bytes.
fn read_chunked(
    inputs: &[(String, Vec<u8>)],
    chunk: usize,
) -> Result<ParsedLogs, harlens::logs::LogInputError> {
    let mut collector = LogCollector::new();
    for (name, bytes) in inputs {
        collector.begin_input(name);
        for part in bytes.chunks(chunk.max(1)) {
            collector.feed(part, false)?;
        }
        collector.feed(b"", true)?;
    }
    Ok(collector.finish())
}

fn read(names: &[&str]) -> ParsedLogs {
    let inputs: Vec<_> = names.iter().map(|n| fixture(n)).collect();
    read_chunked(&inputs, usize::MAX).unwrap()
}

#[test]
fn chunk_boundaries_never_change_what_is_read() {
    for path in all_fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        let inputs = vec![(path.display().to_string(), bytes.clone())];
        let whole = read_chunked(&inputs, bytes.len());
        for chunk in [1, 7, 4096] {
            assert_eq!(read_chunked(&inputs, chunk), whole, "{} in chunks of {chunk}", path.display());
        }
    }
}

#[test]
fn crlf_line_endings_and_a_missing_final_newline_read_the_same() {
    for name in [
        "kb-proxy-address-change/atlassian-jira.log",
        "kb-proxy-address-change/atlassian-jira-http-access.log",
    ] {
        let (_, lf) = fixture(name);
        let crlf = String::from_utf8(lf.clone()).unwrap().replace('\n', "\r\n").into_bytes();
        let unterminated = &lf[..lf.len() - 1];
        let want = parse_bytes(name, &lf).unwrap();
        for (variant, bytes) in [("crlf", &crlf[..]), ("no final newline", unterminated)] {
            let mut got = parse_bytes(name, bytes).unwrap();
            got.inputs[0].bytes = want.inputs[0].bytes;
            assert_eq!(got, want, "{name}: {variant}");
        }
    }
}

#[test]
fn the_kb_case_access_log() {
    let logs = read(&["kb-proxy-address-change/atlassian-jira-http-access.log"]);
    let input = &logs.inputs[0];
    assert_eq!((input.kind, input.lines, input.access.len()), (LogKind::JiraAccess, 4, 4));
    assert!(input.warnings.is_empty(), "{:?}", input.warnings);
    let lost = &input.access[2];
    assert_eq!((lost.line, lost.status, lost.user.as_deref()), (3, Some(400), None));
    assert_eq!(&*lost.peer_ip, "10.444.222.10");
    assert_eq!(lost.peer_addr(), None, "an anonymised address stays text and the record stays usable");
    assert_eq!(lost.request_id.as_deref(), Some("716x107921x1"));
    assert_eq!(lost.asession_id.as_deref(), Some("xxxxxx"));
    assert_eq!(lost.time.to_utc_string().as_deref(), Some("2021-10-19T16:56:47.000Z"));
    assert_eq!(lost.time.to_string(), "2021-10-19T11:56:47.000-05:00");
    assert_eq!(input.access[0].user.as_deref(), Some("v3ry8"));
    assert_eq!(input.access[1].user_agent.as_deref(), Some(r#"Mozilla/5.0 (X11; "quoted") ..."#));
}

#[test]
fn the_kb_case_application_log_with_wire_lines() {
    let logs = read(&["kb-proxy-address-change/atlassian-jira.log"]);
    let input = &logs.inputs[0];
    assert_eq!((input.kind, input.lines, input.wire_lines), (LogKind::Application, 36, 30));
    assert!(input.warnings.is_empty(), "{:?}", input.warnings);

    // Wire lines are not kept as events; the other three are, a stack trace attached to its event.
    let levels: Vec<Level> = input.app.iter().map(|r| r.level).collect();
    assert_eq!(levels, [Level::Info, Level::Error, Level::Info]);
    let error = &input.app[1];
    assert_eq!((error.line, error.extra_lines), (17, 3));
    assert!(error.message.ends_with("\tat java.base/java.lang.Thread.run(Thread.java:829)"));
    assert_eq!(error.ipaddr.remote_address.as_deref(), Some("10.444.222.10"));
    assert_eq!(error.ipaddr.xff.as_deref(), Some("10.777.11.252, 10.444.222.10, 10.444.44.178"));
    assert_eq!(input.app[0].thread.as_ref(), "Caesium-1-3");
    assert_eq!(input.app[0].request_id, None);

    // Two validations of one token over one pooled connection: accepted through proxy .888, then rejected
    // through .178, answered INVALID_SSO_TOKEN (domain.md section 1).
    let [ok, rejected] = &logs.validations[..] else { panic!("{:#?}", logs.validations) };
    for v in [ok, rejected] {
        assert_eq!((v.operation, &*v.connection), (SessionOp::Validate, "http-outgoing-7"));
        assert_eq!(v.token, Some(token_fingerprint("Zm9vYmFyYmF6cXV4cXV1eAAAAAAAAIABdjNyeTg")));
        assert_eq!(v.factors.remote_address.as_deref(), Some("10.444.222.10"));
        assert_eq!(v.user.as_deref(), Some("v3ry8"));
    }
    assert_eq!((ok.first_line, ok.status, ok.reason.as_deref()), (1, Some(200), None));
    assert_eq!(ok.factors.xff.as_deref(), Some("10.777.11.252, 10.444.222.10, 10.444.44.888"));
    assert_eq!(rejected.first_line, 21);
    assert_eq!(rejected.status, Some(400));
    assert_eq!(rejected.reason.as_deref(), Some("INVALID_SSO_TOKEN"));
    assert_eq!(rejected.message.as_deref(), Some("Token doesn't match the existing token."));
    assert_eq!(rejected.factors.xff.as_deref(), Some("10.777.11.252, 10.444.222.10, 10.444.44.178"));
    assert_eq!(rejected.request_id.as_deref(), Some("716x107921x1"));
    assert_eq!(rejected.time.to_utc_string().as_deref(), Some("2021-10-19T16:56:47.301Z"));
}

#[test]
fn the_kb_case_joins_by_request_id_across_logs() {
    let logs = read(&[
        "kb-proxy-address-change/atlassian-jira-http-access.log",
        "kb-proxy-address-change/atlassian-jira.log",
    ]);
    let rejected = logs.validations.iter().find(|v| v.reason.is_some()).unwrap();
    assert_eq!(rejected.input, 1);
    let request = logs.inputs[0].access.iter().find(|r| r.request_id == rejected.request_id).unwrap();
    assert_eq!(
        (request.status, request.url.as_deref().map(|u| u.starts_with("/track/rest/dev-status"))),
        (Some(400), Some(true))
    );
}

#[test]
fn a_test_bed_scenario_reads_whole() {
    let logs = read(&[
        "proxy-address-change/atlassian-jira-http-access.log",
        "proxy-address-change/atlassian-jira.log",
        "proxy-address-change/atlassian-crowd.log",
    ]);
    let kinds: Vec<LogKind> = logs.inputs.iter().map(|i| i.kind).collect();
    assert_eq!(kinds, [LogKind::JiraAccess, LogKind::Application, LogKind::Application]);
    for input in &logs.inputs {
        assert!(input.warnings.is_empty(), "{}: {:?}", input.name, input.warnings);
    }
    assert_eq!(logs.inputs[0].access.len() as u64, logs.inputs[0].lines);

    // The login binds the token to the chain through proxy .21; validations through .22 are refused; the
    // remember-me login binds a new token to .22, and the next validation through .21 is refused again.
    let ops: Vec<(SessionOp, Option<&str>)> =
        logs.validations.iter().map(|v| (v.operation, v.reason.as_deref())).collect();
    let bad = Some("INVALID_SSO_TOKEN");
    assert_eq!(
        ops,
        [
            (SessionOp::Create, None),
            (SessionOp::Validate, bad),
            (SessionOp::Validate, bad),
            (SessionOp::Validate, bad),
            (SessionOp::Validate, bad),
            (SessionOp::Validate, bad),
            (SessionOp::Create, None),
            (SessionOp::Validate, bad),
        ]
    );
    let hop = |i: usize| logs.validations[i].factors.xff.as_deref().unwrap().rsplit(", ").next().unwrap();
    assert_eq!((hop(0), hop(1), hop(6), hop(7)), ("127.0.0.21", "127.0.0.22", "127.0.0.22", "127.0.0.21"));
    assert_eq!(logs.validations[0].token, logs.validations[1].token);
    assert_ne!(logs.validations[0].token, logs.validations[6].token);
    assert_eq!(logs.validations[7].token, logs.validations[6].token);
    assert!(logs.validations.windows(2).all(|w| w[0].time.sort_key() <= w[1].time.sort_key()));

    // Crowd's own view of the same requests.
    assert_eq!(logs.untrusted_proxies.len(), 8);
    let first = &logs.untrusted_proxies[0];
    assert_eq!((first.input, first.line), (2, 1));
    assert_eq!(first.proxies, vec!["127.0.0.21".into()]);
    assert_eq!(&*first.request_address, "127.0.0.10");
    assert_eq!(first.xff.as_deref(), Some("127.0.0.1, 127.0.0.10, 127.0.0.21"));

    // Each failed validation belongs to a request of the access log.
    for v in logs.validations.iter().filter(|v| v.reason.is_some()) {
        assert!(
            logs.inputs[0].access.iter().any(|r| r.request_id == v.request_id),
            "validation at line {} has no access-log request {:?}",
            v.first_line,
            v.request_id
        );
    }
}

#[test]
fn secrets_never_reach_the_records() {
    for path in all_fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(logs) = parse_bytes("x", &bytes) else { continue };
        let json = serde_json::to_string(&logs).unwrap();
        // The fixtures' tokens all end in the same directory id and user name (`...AAAAAAAAIABdjNyeTg`).
        for secret in ["Kangaroo-42", "AAAAAAAAIABdjNyeTg"] {
            assert!(!json.contains(secret), "{}: {secret} in {json}", path.display());
        }
    }
}

#[test]
fn a_rotated_log_starting_mid_stack_trace() {
    let logs = read(&["rotated-mid-stack-trace/atlassian-jira.log.1"]);
    let input = &logs.inputs[0];
    assert_eq!((input.kind, input.lines, input.app.len()), (LogKind::Application, 6, 2));
    let codes: Vec<(&str, u64, u64)> =
        input.warnings.iter().map(|w| (w.code, w.count, w.first_line)).collect();
    assert_eq!(codes, [("orphan-continuation", 2, 1), ("unparseable-line", 1, 5)]);
    assert_eq!(
        input.warnings[1].message,
        "line 5 is not an application-log line (no log level (TRACE, DEBUG, INFO, WARN, ERROR, FATAL)); it was skipped"
    );
    assert_eq!(input.app[0].user.as_deref(), Some("ServiceRunner"));
    assert_eq!((input.app[1].line, input.app[1].message.as_str()), (6, "still here"));
}

#[test]
fn unreadable_access_lines_are_counted_with_the_first_line_number() {
    let logs = read(&["access-unparseable-lines/atlassian-jira-http-access.log"]);
    let input = &logs.inputs[0];
    assert_eq!((input.lines, input.access.len()), (5, 2));
    assert_eq!(input.access[1].line, 5);
    let w = &input.warnings[..];
    assert_eq!(w.len(), 1);
    assert_eq!((w[0].code, w[0].count, w[0].first_line), ("unparseable-line", 2, 2));
    assert_eq!(w[0].message, "line 2 is not a Jira access-log line (no `[time]`); it was skipped");
}

#[test]
fn bitbucket_access_log() {
    let logs = read(&["bitbucket/atlassian-bitbucket-access.log"]);
    let input = &logs.inputs[0];
    assert_eq!((input.kind, input.lines, input.access.len()), (LogKind::BitbucketAccess, 2, 1));
    let r = &input.access[0];
    assert_eq!((r.line, r.request_id.as_deref(), r.status), (2, Some("@1S969HQx1015x832x0"), Some(200)));
}

#[test]
fn a_file_that_is_no_log_names_its_first_line_and_the_formats() {
    let (name, bytes) = fixture("not-a-log/recording.har");
    let err = parse_bytes(&name, &bytes).unwrap_err();
    assert_eq!(err.input, "not-a-log/recording.har");
    assert_eq!(
        err.error,
        LogError::UnknownFormat {
            line: 1,
            first_line: r#"{"log": {"version": "1.2", "entries": []}}"#.to_owned(),
            expected: EXPECTED_FORMATS
        }
    );
    assert!(err.to_string().starts_with("not-a-log/recording.har: line 1: not a server log harlens reads"));
    assert!(err.to_string().contains("atlassian-jira.log"));

    // Blank lines first: the error points at the first line with text.
    let err = parse_bytes("x.txt", b"\n\n  \nhello\n").unwrap_err();
    assert_eq!(err.error.line(), Some(4));
    let err = parse_bytes("empty.log", b"\n \n").unwrap_err();
    assert_eq!(err.error, LogError::Empty { expected: EXPECTED_FORMATS });
}

#[test]
fn a_long_unknown_file_fails_early_and_shortens_the_line() {
    let mut reader = LogReader::new();
    let junk = format!("{}\n{}", "z".repeat(500), "x\n".repeat(20_000));
    let err = reader.feed(junk.as_bytes(), false, |_| {}).unwrap_err();
    let LogError::UnknownFormat { line, first_line, .. } = &err else { panic!("{err}") };
    assert_eq!((*line, first_line.len()), (1, 203));
    assert!(reader.feed(b"more", true, |_| {}).is_err());
}

#[test]
fn reader_memory_stays_bounded_by_the_longest_line() {
    let (_, bytes) = fixture("proxy-address-change/atlassian-jira.log");
    let longest = bytes.split(|&b| b == b'\n').map(<[u8]>::len).max().unwrap();
    let mut reader = LogReader::new();
    let mut records = 0;
    for _ in 0..50 {
        for part in bytes.chunks(1000) {
            reader.feed(part, false, |_| records += 1).unwrap();
            assert!(reader.buffered() <= longest + 1000, "{} buffered", reader.buffered());
        }
    }
    reader.feed(b"", true, |_| records += 1).unwrap();
    assert_eq!(reader.lines(), 50 * 186);
    assert!(records > 50 * 16);
}

#[test]
fn records_stream_in_log_order() {
    let (_, bytes) = fixture("kb-proxy-address-change/atlassian-jira.log");
    let mut reader = LogReader::new();
    let mut seen = Vec::new();
    let mut tag = |r: LogRecord| {
        seen.push(match r {
            LogRecord::App(a) => format!("app {}", a.line),
            LogRecord::Validation(v) => format!("validation {}", v.first_line),
            other => panic!("{other:?}"),
        })
    };
    reader.feed(&bytes, true, &mut tag).unwrap();
    // The first validation ends when its connection starts the next request; the last one at the end.
    assert_eq!(seen, ["app 16", "app 17", "validation 1", "app 36", "validation 21"]);
    assert_eq!(reader.kind(), Some(LogKind::Application));
}

#[test]
fn confluence_logs_give_validations_and_the_user_it_served() {
    let logs = read(&["confluence/conf_access_log.2021-10-19.log", "confluence/atlassian-confluence.log"]);
    let kinds: Vec<LogKind> = logs.inputs.iter().map(|i| i.kind).collect();
    assert_eq!(kinds, [LogKind::ConfluenceAccess, LogKind::Application]);
    let access = &logs.inputs[0].access;
    assert_eq!(access.iter().map(|r| r.user.as_deref()).collect::<Vec<_>>(), [Some("v3ry8"), None]);
    assert_eq!((access[1].status, access[1].request_id.as_deref()), (Some(302), None));

    let app = &logs.inputs[1];
    assert!(app.warnings.is_empty(), "{:?}", app.warnings);
    assert_eq!((app.wire_lines, app.app.len()), (8, 2));
    assert_eq!(app.app[0].user.as_deref(), Some("v3ry8"));
    assert_eq!(app.app[0].url.as_deref(), Some("/wiki/rest/quickreload/latest/2129924"));
    assert_eq!((app.app[1].level, app.app[1].extra_lines), (Level::Error, 2));
    let [v] = &logs.validations[..] else { panic!("{:#?}", logs.validations) };
    assert_eq!(
        (v.operation, v.status, v.reason.as_deref()),
        (SessionOp::Validate, Some(400), Some("INVALID_SSO_TOKEN"))
    );
    assert_eq!(v.factors.xff.as_deref(), Some("10.777.11.252, 10.444.222.10, 10.444.44.888"));
    assert_eq!(
        v.thread.as_ref(),
        "http-nio-8090-exec-4 url: /wiki/rest/quickreload/latest/2129924; user: v3ry8"
    );
    assert_eq!(v.time.utc_ms(), None, "Confluence's %d has no offset: the time stays local");
}

#[test]
fn a_retain_predicate_keeps_memory_to_what_matters() {
    let (name, bytes) = fixture("proxy-address-change/atlassian-jira-http-access.log");
    let (app_name, app_bytes) = fixture("proxy-address-change/atlassian-jira.log");
    let mut collector = LogCollector::new().retain(|record| match record {
        LogRecord::Access(r) => r.status.is_some_and(|s| s >= 400),
        LogRecord::Validation(v) => v.reason.is_some(),
        _ => false,
    });
    collector.add_input(&name, &bytes).unwrap();
    collector.add_input(&app_name, &app_bytes).unwrap();
    let logs = collector.finish();
    let access = &logs.inputs[0];
    assert!(access.access.iter().all(|r| r.status >= Some(400)));
    assert_eq!(access.access.len() as u64 + access.not_retained, access.lines);
    assert_eq!(logs.validations.len(), 6);
    assert_eq!(logs.inputs[1].app.len(), 0);
    assert_eq!(logs.inputs[1].not_retained, 16 + 2);
}

/// Each fixture folder read as one analysis: a reviewer reads what harlens made of the logs.
#[test]
fn fixture_folders_match_their_snapshots() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/logs");
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(&root).unwrap().map(|d| d.unwrap().path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    for dir in dirs {
        let folder = dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|f| f.unwrap().path()).collect();
        files.sort();
        let inputs: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|f| {
                (format!("{folder}/{}", f.file_name().unwrap().to_string_lossy()), std::fs::read(f).unwrap())
            })
            .collect();
        let out = match read_chunked(&inputs, usize::MAX) {
            Ok(logs) => serde_json::to_string_pretty(&logs).unwrap() + "\n",
            Err(err) => format!("error: {err}\n"),
        };
        insta::assert_snapshot!(folder.as_str(), out);
    }
}

#[test]
fn a_rotated_log_may_start_with_a_very_long_stack_trace() {
    let frames = "\tat com.atlassian.Example.frame(Example.java:1)\n".repeat(5000);
    let event = "2021-10-19 12:00:00,000-0500 main WARN [c.a.X] after the trace\n";
    for input in [format!("{frames}{event}"), format!("Caused by: x\n{frames}{event}")] {
        let logs = parse_bytes("atlassian-jira.log.3", input.as_bytes()).unwrap();
        let app = &logs.inputs[0];
        assert_eq!(app.app.len(), 1);
        let [w] = &app.warnings[..] else { panic!("{:?}", app.warnings) };
        assert_eq!((w.code, w.first_line), ("orphan-continuation", 1));
        assert_eq!(w.count, app.lines - 1);
    }
}

/// Mutated and truncated logs are read or refused, never a panic (a panic in WASM kills the page).
#[test]
fn mutated_logs_never_panic() {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let inserts: [&[u8]; 8] = [b"\xC3\xA9", b"\xE2\x82\xAC", b"\xFF", b"\"", b"[", b"]", b" ", b"\n"];
    for path in all_fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        for _ in 0..150 {
            let mut mutated = bytes.clone();
            for _ in 0..(1 + next() % 8) {
                let at = (next() as usize) % mutated.len().max(1);
                let insert = inserts[(next() as usize) % inserts.len()];
                let end = (at + (next() as usize % 3)).min(mutated.len());
                mutated.splice(at..end, insert.iter().copied());
            }
            let cut = (next() as usize) % (mutated.len() + 1);
            for input in [&mutated[..], &mutated[..cut]] {
                let _ = parse_bytes("mutated", input);
            }
        }
    }
}

#[test]
fn compressed_and_utf16_logs_say_what_to_do() {
    let cases: [(&[u8], &str); 3] = [
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xad\x92\n\x01", "gzip-compressed"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "ZIP archive"),
        (b"\xFF\xFE2\x000\x002\x001\x00", "UTF-16"),
    ];
    for (bytes, hint) in cases {
        let err = parse_bytes("atlassian-jira.log.1.gz", bytes).unwrap_err();
        let LogError::NotText { line: 1, hint: got } = err.error else { panic!("{err}") };
        assert!(got.contains(hint), "{got}");
        assert!(err.to_string().starts_with("atlassian-jira.log.1.gz: line 1: this "), "{err}");
    }
}
