//! The live monitor for the browser extension: fed one HAR entry at a time as the user browses, it answers
//! with an alert the moment a session is lost, with the most likely cause in plain words.
//!
//! It runs the very pipeline of [`crate::Analyzer`] (signals, timelines, the rule registry) on the entries
//! seen so far; the rules only run when an entry looks like a loss, so ordinary traffic costs one decode.
//! The history is bounded: a recorder left on for days keeps the newest observations only.

use serde::Serialize;

use crate::har::{Entry, HarError, Location};
use crate::net::TrustedProxies;
use crate::rules;
use crate::signals::format_iso8601;
use crate::timeline::{Observation, TimelineBuilder};

/// Observations kept for diagnosis: hours of Jira traffic (a poll a minute, a few page loads), plenty for
/// the rules, which look at the moments before a loss. A diagnosis walks all of them, so this bounds the
/// alert latency: the alerting push takes about 15 ms at this size (scripts/bench-monitor.mjs), where a
/// history of 20,000 took over 100 ms.
const HISTORY: usize = 4_000;

/// A session loss, as the extension shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    pub origin: String,
    /// Index of the entry (in the order the monitor was fed).
    pub entry: u64,
    pub at: Option<String>,
    pub url: String,
    pub status: Option<u16>,
    pub signals: Vec<String>,
    /// The most likely cause id (domain.md section 4), when a rule explains the loss.
    pub cause: Option<String>,
    pub title: Option<String>,
    pub explanation: Option<String>,
    pub fix: Vec<String>,
}

/// Watches a stream of entries for session losses.
#[derive(Debug, Default)]
pub struct Monitor {
    timelines: TimelineBuilder,
    entries: u64,
    /// Losses already alerted, by (origin, entry): each loss is announced once.
    alerted: Vec<(String, u64)>,
    /// Hosts where a logged-in user was seen since their last loss or logout: where a loss can happen.
    armed: Vec<Box<str>>,
    /// Between [`Monitor::begin_replay`] and [`Monitor::end_replay`]: entries rebuild the history only.
    replaying: bool,
    trusted: Option<TrustedProxies>,
}

impl Monitor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Crowd's trusted-proxy list, if the user gave it (used by the rules' explanations).
    pub fn set_trusted_proxies(&mut self, list: &str) -> Result<(), crate::net::TrustedListError> {
        self.trusted = Some(TrustedProxies::parse(list)?);
        Ok(())
    }

    /// Starts replaying a stored recording (a restarted extension worker): the entries that follow rebuild the
    /// history without diagnosing anything, since their losses were announced when they happened.
    pub fn begin_replay(&mut self) {
        self.replaying = true;
    }

    /// Ends the replay: the losses in the rebuilt history count as announced, so only new ones alert. One
    /// diagnosis for the whole replay, instead of one per loss in it.
    pub fn end_replay(&mut self) {
        if std::mem::take(&mut self.replaying) {
            for t in self.timelines.clone().finish() {
                for loss in &t.losses {
                    if let Some(o) = t.observations.get(loss.at) {
                        self.announce_once(&t.origin, o);
                    }
                }
            }
        }
    }

    /// Records the loss at `o` as announced; false if it already was. The host then needs a logged-in user
    /// again before another loss there is possible.
    fn announce_once(&mut self, origin: &str, o: &Observation) -> bool {
        if self.alerted.iter().any(|(known, entry)| known == origin && *entry == o.entry) {
            return false;
        }
        self.alerted.push((origin.to_owned(), o.entry));
        self.armed.retain(|h| *h != o.host);
        true
    }

    /// Entries seen so far.
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// Feeds one entry (a HAR 1.2 entry object as JSON); returns the alerts it raises (usually none).
    pub fn push_entry(&mut self, json: &[u8]) -> Result<Vec<Alert>, HarError> {
        let at = |offset: u64, line: u64, column: u64| Location {
            offset,
            line,
            column,
            entry: Some(self.entries),
        };
        // What serde_json refuses is read with the tolerance of the analysis (har::json) before it is refused.
        let normalized;
        let mut entry: Entry<'_> = match serde_json::from_slice(json) {
            Ok(entry) => entry,
            Err(_) => {
                normalized = crate::har::json::normalize(json)
                    .map_err(|e| {
                        let before = &json[..e.offset.min(json.len())];
                        let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
                        let column = before.iter().rev().take_while(|&&b| b != b'\n').count() as u64 + 1;
                        HarError::Syntax {
                            at: at(e.offset as u64, line, column),
                            message: format!("not a HAR entry: {}", e.message),
                        }
                    })?
                    .0;
                serde_json::from_slice(&normalized).map_err(|e| HarError::Syntax {
                    at: at(0, e.line() as u64, e.column() as u64),
                    message: format!("not a HAR entry: {}", crate::escape::excerpt(&e.to_string(), 200)),
                })?
            }
        };
        entry.index = self.entries;
        self.entries += 1;
        // Diagnosing looks at the whole history, so it runs only when this entry can be a new loss: one that
        // shows the server no longer knows the user, on a host where a logged-in user was seen since the
        // last loss or logout there. Anonymous browsing, or a session already lost, costs one decode per
        // entry, not a diagnosis each.
        let mut suspicious = false;
        if let Some(o) = self.timelines.observe(0, &entry) {
            let host = &o.host;
            if o.counts_for_session() {
                if o.confirmed_user().is_some() {
                    if !self.armed.iter().any(|h| h == host) {
                        self.armed.push(host.clone());
                    }
                } else {
                    suspicious = !o.loss_signals().is_empty() && self.armed.iter().any(|h| h == host);
                }
            }
            if o.logout_request {
                self.armed.retain(|h| h != host);
            }
        }
        if self.timelines.len() > HISTORY + HISTORY / 4 {
            self.timelines.keep_last(HISTORY);
        }
        if !suspicious || self.replaying {
            return Ok(Vec::new());
        }
        Ok(self.new_alerts())
    }

    fn new_alerts(&mut self) -> Vec<Alert> {
        let timelines = self.timelines.clone().finish();
        let mut fresh = Vec::new();
        for t in &timelines {
            for loss in &t.losses {
                let Some(o) = t.observations.get(loss.at) else { continue };
                if self.announce_once(&t.origin, o) {
                    fresh.push((t, o, loss));
                }
            }
        }
        if fresh.is_empty() {
            return Vec::new();
        }
        let ctx = rules::Context {
            timelines: &timelines,
            logs: None,
            log_inputs: &[],
            trusted: self.trusted.as_ref(),
        };
        let findings = rules::diagnose(&ctx);
        let primary = findings.first();
        fresh
            .into_iter()
            .map(|(t, o, loss)| Alert {
                origin: t.origin.clone(),
                entry: o.entry,
                at: o.time_ms.map(format_iso8601),
                url: o.url.to_string(),
                status: o.status,
                signals: loss.signals.iter().map(|s| s.id().to_owned()).collect(),
                cause: primary.map(|f| f.cause.clone()),
                title: primary.map(|f| f.title.clone()),
                explanation: primary.map(|f| f.explanation.clone()),
                fix: primary.map(|f| f.fix.clone()).unwrap_or_default(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds a test-bed recording entry by entry, as the extension would.
    fn alerts_of(scenario: &str) -> Vec<Alert> {
        let path =
            format!("{}/../tests/fixtures/testbed/{scenario}/recording.har", env!("CARGO_MANIFEST_DIR"));
        let har: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let mut monitor = Monitor::new();
        let mut alerts = Vec::new();
        for e in har["log"]["entries"].as_array().unwrap() {
            alerts.extend(monitor.push_entry(e.to_string().as_bytes()).unwrap());
        }
        alerts
    }

    #[test]
    fn the_kb_case_alerts_at_the_loss_with_its_cause() {
        let alerts = alerts_of("proxy-address-change");
        assert_eq!(alerts.iter().map(|a| a.entry).collect::<Vec<_>>(), [11, 22]);
        assert_eq!(alerts[0].cause.as_deref(), Some("proxy-address-change"));
        assert_eq!(alerts[0].status, Some(400));
    }

    #[test]
    fn healthy_browsing_and_a_logout_raise_nothing() {
        assert!(alerts_of("healthy-long-use").is_empty());
        assert!(alerts_of("user-logout").is_empty());
    }

    #[test]
    fn a_replayed_history_does_not_alert_again_but_a_new_loss_does() {
        let path = format!(
            "{}/../tests/fixtures/testbed/proxy-address-change/recording.har",
            env!("CARGO_MANIFEST_DIR")
        );
        let har: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let entries: Vec<String> =
            har["log"]["entries"].as_array().unwrap().iter().map(|e| e.to_string()).collect();
        // The worker restarts after entry 15 (the first loss, entry 11, is in the stored part).
        let mut monitor = Monitor::new();
        monitor.begin_replay();
        for e in &entries[..15] {
            assert!(monitor.push_entry(e.as_bytes()).unwrap().is_empty());
        }
        monitor.end_replay();
        let live: Vec<u64> = entries[15..]
            .iter()
            .flat_map(|e| monitor.push_entry(e.as_bytes()).unwrap())
            .map(|a| a.entry)
            .collect();
        assert_eq!(live, [22]);
    }

    #[test]
    fn not_an_entry_is_an_error() {
        assert!(Monitor::new().push_entry(b"[1, 2").is_err());
    }

    #[test]
    fn an_entry_the_analysis_tolerates_is_read_not_refused() {
        // JSON.stringify writes a lone surrogate as `\ud800`; serde_json refuses it, the analysis reads it.
        let mut monitor = Monitor::new();
        let entry =
            r#"{"request":{"url":"https://h/","headers":[{"name":"X","value":"a\ud800"}]},"time":1e999}"#;
        assert!(monitor.push_entry(entry.as_bytes()).is_ok());
        assert_eq!(monitor.entries(), 1);
        let err = monitor.push_entry(b"{\"request\":\n tru}").unwrap_err().to_string();
        assert_eq!(err, "line 2, column 5 (byte 16), in entry 1: not a HAR entry: invalid literal: expected `true`, `false` or `null`");
    }
}
