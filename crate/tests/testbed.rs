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
