//! The diagnosis judged against the test bed: HARs a real browser recorded from the loopback Jira,
//! Confluence and Crowd of tests/testbed/, one scenario per cause (tests/fixtures/testbed/<scenario>/, with
//! the scenario's expected.json). Every scenario's cause comes out first, with and without cookies where the
//! cause is visible without them; healthy recordings raise nothing. Each report is a snapshot a reviewer
//! reads next to the HAR.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests state their assumptions
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::{Path, PathBuf};

use common::analyze;
use harlens::report::Severity;

/// Scenarios whose cause only cookies reveal: without them the report must still see the loss (and explain
/// it somehow), but cannot be expected to name the cause.
const NEEDS_COOKIES: [&str; 4] =
    ["sso-cookie-domain", "sso-cookie-insecure-scheme", "remember-me-churn", "sso-cookie-shared-parent"];

fn scenarios() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/testbed");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|d| d.unwrap().path())
        .filter(|p| p.join("expected.json").is_file())
        .collect();
    dirs.sort();
    // Twelve causes (the last, user-logout, is also a healthy recording) and long normal use.
    assert!(dirs.len() >= 13, "expected 12 causes and a healthy scenario, found {}", dirs.len());
    dirs
}

struct Expected {
    name: String,
    cause: Option<String>,
    loss_entry: Option<u64>,
}

fn expected(dir: &Path) -> Expected {
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    Expected {
        name: dir.file_name().unwrap().to_string_lossy().into_owned(),
        cause: json["cause"].as_str().map(str::to_owned),
        loss_entry: json["loss_entry"].as_u64(),
    }
}

fn report(dir: &Path, file: &str) -> harlens::Report {
    let bytes = std::fs::read(dir.join(file)).unwrap();
    analyze(file, &bytes).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

#[test]
fn each_scenario_names_its_cause_first() {
    for dir in scenarios() {
        let exp = expected(&dir);
        for (file, with_cookies) in [("recording.har", true), ("recording.nocookies.har", false)] {
            let r = report(&dir, file);
            let what = format!("{} ({file})", exp.name);
            let first_loss = r.losses.first().map(|l| l.entry);
            assert_eq!(first_loss, exp.loss_entry, "{what}: first loss");
            let causes: Vec<&str> = r.findings.iter().map(|f| f.cause.as_str()).collect();
            match (&exp.cause, exp.loss_entry) {
                // A real loss: its cause is the primary one (when the HAR can show it).
                (Some(cause), Some(_)) => {
                    if with_cookies || !NEEDS_COOKIES.contains(&exp.name.as_str()) {
                        assert_eq!(
                            r.summary.primary_cause.as_deref(),
                            Some(cause.as_str()),
                            "{what}: {causes:?}"
                        );
                    } else {
                        assert!(
                            r.summary.primary_cause.is_some(),
                            "{what}: a loss must get some explanation"
                        );
                    }
                }
                // No loss in this app (remember-me churn, a user's own logout): named, but not primary.
                (Some(cause), None) => {
                    assert_eq!(r.summary.primary_cause, None, "{what}");
                    if with_cookies || !NEEDS_COOKIES.contains(&exp.name.as_str()) {
                        assert!(causes.contains(&cause.as_str()), "{what}: {causes:?}");
                    }
                }
                (None, _) => {
                    assert_eq!(r.summary.primary_cause, None, "{what}");
                    assert!(r.findings.is_empty(), "{what}: {causes:?}");
                }
            }
        }
    }
}

#[test]
fn healthy_use_and_own_logout_raise_no_error_and_exit_0() {
    for name in ["healthy-long-use", "user-logout"] {
        let dir = scenarios().into_iter().find(|d| d.ends_with(name)).unwrap();
        for file in ["recording.har", "recording.nocookies.har"] {
            let r = report(&dir, file);
            assert!(!r.has_problem(), "{name} {file}");
            assert!(r.findings.iter().all(|f| f.severity != Severity::Error), "{name} {file}");
        }
    }
}

#[test]
fn reports_match_their_snapshots() {
    for dir in scenarios() {
        let name = expected(&dir).name;
        for file in ["recording.har", "recording.nocookies.har"] {
            let json = report(&dir, file).to_json().unwrap();
            insta::assert_snapshot!(
                format!("{name}__{}", file.trim_end_matches(".har").replace('.', "-")),
                json
            );
        }
    }
}

/// The scenario analyzed with its server logs and Crowd's trusted-proxy list, as support would run it.
fn report_with_logs(dir: &Path) -> harlens::Report {
    let mut analyzer = harlens::Analyzer::new();
    let trusted = std::fs::read_to_string(dir.join("trusted-proxies.txt")).unwrap_or_default();
    if !trusted.trim().is_empty() {
        analyzer.set_trusted_proxies("trusted-proxies.txt", &trusted).unwrap();
    }
    analyzer.add_input("recording.har", &std::fs::read(dir.join("recording.har")).unwrap()).unwrap();
    for log in ["atlassian-jira.log", "atlassian-jira-http-access.log"] {
        if let Ok(bytes) = std::fs::read(dir.join(log)) {
            analyzer.begin_log(log);
            analyzer.push(&bytes).unwrap();
            analyzer.end_input().unwrap();
        }
    }
    analyzer.finish()
}

#[test]
fn with_the_logs_the_cause_stays_first_and_the_changing_hops_are_named() {
    for dir in scenarios() {
        let exp = expected(&dir);
        let r = report_with_logs(&dir);
        let causes: Vec<&str> = r.findings.iter().map(|f| f.cause.as_str()).collect();
        if let (Some(cause), Some(_)) = (&exp.cause, exp.loss_entry) {
            assert_eq!(r.summary.primary_cause.as_deref(), Some(cause.as_str()), "{}: {causes:?}", exp.name);
        }
        if exp.name == "proxy-address-change" {
            let json: serde_json::Value =
                serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
            let finding = &r.findings[0];
            assert_eq!(finding.confidence, harlens::report::Confidence::High, "confirmed by the logs");
            for hop in json["changing_hops"].as_array().unwrap() {
                let hop = hop.as_str().unwrap();
                assert!(finding.fix[0].contains(hop), "the fix names {hop}: {}", finding.fix[0]);
                assert!(finding.explanation.contains(hop), "{}", finding.explanation);
                assert!(
                    finding.trusted_proxies_to_add.iter().any(|e| e == hop),
                    "the entries to add name {hop} as data: {:?}",
                    finding.trusted_proxies_to_add
                );
            }
            assert!(finding.evidence.iter().any(|e| e.line.is_some()), "evidence points at log lines");
        }
    }
}

#[test]
fn entries_to_trust_are_given_as_data_wherever_a_fix_names_them() {
    for dir in scenarios() {
        let name = expected(&dir).name;
        let with_logs = report_with_logs(&dir);
        for f in &with_logs.findings {
            for entry in &f.trusted_proxies_to_add {
                assert!(
                    f.fix.iter().any(|step| step.contains(entry.as_str())),
                    "{name}: {entry} not in {:?}",
                    f.fix
                );
            }
        }
        // A HAR alone never shows the proxies' addresses, so no fix names one and the field is absent.
        for file in ["recording.har", "recording.nocookies.har"] {
            let r = report(&dir, file);
            assert!(r.findings.iter().all(|f| f.trusted_proxies_to_add.is_empty()), "{name} {file}");
            assert!(!r.to_json().unwrap().contains("trusted_proxies_to_add"), "{name} {file}");
        }
    }
}

#[test]
fn the_kb_case_with_logs_is_a_snapshot() {
    let dir = scenarios().into_iter().find(|d| d.ends_with("proxy-address-change")).unwrap();
    insta::assert_snapshot!("proxy-address-change__with-logs", report_with_logs(&dir).to_json().unwrap());
}

/// Every sentence of a report: explanations, evidence, fixes, what to confirm and to collect.
fn sentences(r: &harlens::Report) -> Vec<String> {
    let mut out = Vec::new();
    for f in &r.findings {
        out.push(f.title.clone());
        out.push(f.explanation.clone());
        out.extend(f.evidence.iter().map(|e| e.detail.clone()));
        out.extend(f.fix.iter().cloned());
        out.extend(f.confirm.iter().cloned());
    }
    for l in &r.losses {
        out.extend(l.collect.iter().cloned());
    }
    out
}

#[test]
fn prose_is_clean_and_never_contradicts_the_har() {
    for dir in scenarios() {
        let name = expected(&dir).name;
        for (file, cookies) in [("recording.har", true), ("recording.nocookies.har", false)] {
            let r = report(&dir, file);
            for s in sentences(&r).iter().chain(&sentences(&report_with_logs(&dir))) {
                assert!(!s.contains("  "), "{name} {file}: a run of spaces in {s:?}");
                assert!(!s.contains(" ,") && !s.ends_with(' '), "{name} {file}: {s:?}");
            }
            if cookies {
                for s in sentences(&r) {
                    assert!(!s.contains("without cookies"), "{name} {file}: the HAR has cookies: {s:?}");
                }
            }
            // A login is a login request: evidence that names one points at a request to a login form.
            for f in &r.findings {
                for e in f.evidence.iter().filter(|e| e.detail.contains("login succeeded")) {
                    let har: serde_json::Value =
                        serde_json::from_slice(&std::fs::read(dir.join(file)).unwrap()).unwrap();
                    let url =
                        har["log"]["entries"][e.entry.unwrap() as usize]["request"]["url"].as_str().unwrap();
                    assert!(url.contains("login") || url.contains("j_atl_security_check"), "{name}: {url}");
                }
            }
        }
    }
}
