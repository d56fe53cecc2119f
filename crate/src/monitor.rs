//! The live monitor for the browser extension: fed one HAR entry at a time as the user browses, it answers
//! with an alert the moment a session is lost, with the most likely cause in plain words.
//!
//! It runs the very pipeline of [`crate::Analyzer`] (signals, timelines, the rule registry) on the entries
//! seen so far; the rules only run when an entry looks like a loss, so ordinary traffic costs one decode.
//! The history is bounded: a recorder left on for days keeps the newest observations only.

use serde::Serialize;

use crate::calendar::format_iso8601;
use crate::har::{Entry, HarError, Location};
use crate::net::TrustedProxies;
use crate::report::{Basis, Confidence};
use crate::rules;
use crate::timeline::{Observation, Timeline, TimelineBuilder};
use crate::url::path_of;

/// Observations kept for diagnosis: hours of Jira traffic (a poll a minute, a few page loads), plenty for
/// the rules, which look at the moments before a loss. A diagnosis walks all of them, so this bounds the
/// alert latency: the alerting push takes about 15 ms at this size (scripts/bench-monitor.mjs), where a
/// history of 20,000 took over 100 ms.
const HISTORY: usize = 4_000;

/// A session loss, as the extension shows it. One problem that repeats (a login loop, the same cause after
/// each new login) is one alert: its later losses come back with the same `id` and a higher `repeats`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    /// The problem this loss belongs to: the same id for each repeat of it.
    pub id: String,
    /// How many losses this problem has caused so far (1 for a new problem).
    pub repeats: u32,
    pub origin: String,
    /// Index of the entry (in the order the monitor was fed).
    pub entry: u64,
    pub at: Option<String>,
    pub url: String,
    pub status: Option<u16>,
    pub signals: Vec<String>,
    /// The cause that explains this loss (domain.md section 4), when a rule explains it.
    pub cause: Option<String>,
    /// For a symptom: the cause behind it.
    pub underlying_cause: Option<String>,
    pub basis: Option<Basis>,
    pub confidence: Option<Confidence>,
    pub title: Option<String>,
    pub explanation: Option<String>,
    pub fix: Vec<String>,
    /// Where the user logs in again: the loss's own login redirect (`Location`) when it has one, else the
    /// origin plus the product's login page (Jira `/login.jsp`, Confluence `/login.action`, Bitbucket
    /// `/login`). The extension's in-page banner offers it in a new tab, so a half-written form survives.
    pub login_url: String,
}

/// Watches a stream of entries for session losses.
#[derive(Debug, Default)]
pub struct Monitor {
    timelines: TimelineBuilder,
    entries: u64,
    /// Losses already alerted, by (origin, entry): each loss is announced once.
    alerted: Vec<(String, u64)>,
    /// Problems announced so far: (id, origin, cause, repeats).
    problems: Vec<Problem>,
    /// Applications (origin and context path as known when the entry came) where a logged-in user was seen
    /// since their last loss or logout: where a loss can happen.
    armed: Vec<String>,
    /// Between [`Monitor::begin_replay`] and [`Monitor::end_replay`]: entries rebuild the history only.
    replaying: bool,
    trusted: Option<TrustedProxies>,
    /// The newest login redirect: its entry index and absolute `Location` (a login redirect that is a loss is
    /// diagnosed as it arrives, so the newest is the one an alert needs).
    login_redirect: Option<(u64, String)>,
}

/// One cause of losses in one application, announced once and counted after.
#[derive(Debug, Clone)]
struct Problem {
    id: String,
    origin: String,
    cause: Option<String>,
    repeats: u32,
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

    /// Reads the SSO cookie under this name (Crowd's `cookie.tokenkey`); empty: recognise it by itself.
    pub fn set_sso_cookie(&mut self, name: &str) {
        self.timelines.set_sso_cookie(name);
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
            for t in self.timelines.clone().finish().timelines {
                for loss in &t.losses {
                    if let Some(o) = t.observations.get(loss.at) {
                        self.announce_once(&t.origin, o);
                    }
                }
            }
        }
    }

    /// Records the loss at `o` as announced; false if it already was. The application then needs a
    /// logged-in user again before another loss there is possible.
    fn announce_once(&mut self, origin: &str, o: &Observation) -> bool {
        if self.alerted.iter().any(|(known, entry)| known == origin && *entry == o.entry) {
            return false;
        }
        self.alerted.push((origin.to_owned(), o.entry));
        let app = self.timelines.origin_now(o);
        self.armed.retain(|a| *a != app);
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
            let o = o.clone();
            let app = self.timelines.origin_now(&o);
            if o.counts_for_session() {
                if o.confirmed_user().is_some() {
                    if !self.armed.contains(&app) {
                        self.armed.push(app.clone());
                    }
                } else {
                    suspicious = !o.loss_signals().is_empty() && self.armed.contains(&app);
                }
            }
            if o.logout_request {
                self.armed.retain(|a| *a != app);
            }
            if o.login_redirect {
                self.login_redirect = location_of(&entry)
                    .and_then(|l| absolute_url(&o.scheme, &o.host, l))
                    .map(|u| (o.entry, u));
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
        let finished = self.timelines.clone().finish();
        let sso_name = finished.sso_cookie.as_ref().map_or("crowd.token_key", |c| c.name.as_str());
        // Lent to the rules for this diagnosis (the monitor is updated while they read it).
        let trusted = self.trusted.take();
        let ctx = rules::Context::new(&finished.timelines, None, &[], trusted.as_ref(), sso_name);
        let fresh: Vec<usize> = (0..ctx.losses.len())
            .filter(|&i| self.announce_once(&ctx.losses[i].timeline.origin, ctx.losses[i].at))
            .collect();
        // Each loss carries its own explanation: the verdict on that loss, not the recording's top finding.
        let diagnosis = if fresh.is_empty() { rules::Diagnosis::default() } else { rules::diagnose(&ctx) };
        let mut alerts = Vec::new();
        for i in fresh {
            let (Some(v), Some(verdict)) = (ctx.losses.get(i), diagnosis.losses.get(i)) else { continue };
            let finding = verdict.finding.and_then(|f| diagnosis.findings.get(f));
            let cause = verdict.cause.map(str::to_owned);
            let origin = v.timeline.origin.clone();
            let problem = match self.problems.iter_mut().find(|p| p.origin == origin && p.cause == cause) {
                Some(p) => {
                    p.repeats += 1;
                    p.clone()
                }
                None => {
                    let p = Problem {
                        id: format!("{origin}#{}", v.at.entry),
                        origin: origin.clone(),
                        cause: cause.clone(),
                        repeats: 1,
                    };
                    self.problems.push(p.clone());
                    p
                }
            };
            alerts.push(Alert {
                id: problem.id,
                repeats: problem.repeats,
                origin,
                entry: v.at.entry,
                at: v.at.time_ms.map(format_iso8601),
                url: v.at.url.to_string(),
                status: v.at.status,
                signals: v.loss.signals.iter().map(|s| s.id().to_owned()).collect(),
                cause,
                underlying_cause: verdict.underlying.map(str::to_owned),
                basis: verdict.claim.map(|c| c.basis),
                confidence: verdict.claim.map(|c| c.confidence),
                title: finding.map(|f| f.title.clone()),
                explanation: finding.map(|f| f.explanation.clone()),
                fix: finding.map(|f| f.fix.clone()).unwrap_or_default(),
                login_url: match &self.login_redirect {
                    Some((entry, url)) if *entry == v.at.entry => url.clone(),
                    _ => v.timeline.origin.clone() + login_path(v.timeline),
                },
            });
        }
        drop(ctx);
        self.trusted = trusted;
        alerts
    }
}

/// The `Location` header of an entry's response.
fn location_of<'e>(entry: &'e Entry<'_>) -> Option<&'e str> {
    entry.response.headers.iter().find_map(|h| {
        let name = h.name.as_str()?;
        name.eq_ignore_ascii_case("location").then(|| h.value.as_str()).flatten()
    })
}

/// `location` as an absolute URL: as sent when it is one, else on the request's `scheme://host` when it is an
/// absolute path (Seraph's and Confluence's login redirects are one or the other); None for anything else.
fn absolute_url(scheme: &str, host: &str, location: &str) -> Option<String> {
    let location = location.trim();
    let starts_with = |p: &str| location.get(..p.len()).is_some_and(|s| s.eq_ignore_ascii_case(p));
    if starts_with("http://") || starts_with("https://") {
        Some(location.to_owned())
    } else if location.starts_with('/') && !location.starts_with("//") && matches!(scheme, "http" | "https") {
        Some(format!("{scheme}://{host}{location}"))
    } else {
        None
    }
}

/// The login page of the product a timeline's URLs show (paths under its context path), Jira's when unsure.
fn login_path(t: &Timeline) -> &'static str {
    let context = path_of(&t.origin);
    let (mut jira, mut confluence, mut bitbucket) = (0, 0, 0);
    for o in &t.observations {
        let path = path_of(&o.url);
        let path = path.strip_prefix(context).unwrap_or(path);
        if path.ends_with(".action")
            || ["/display/", "/pages/", "/spaces/"].iter().any(|p| path.starts_with(p))
        {
            confluence += 1;
        } else if path.ends_with(".jsp")
            || path.ends_with(".jspa")
            || ["/browse/", "/secure/", "/rest/api/2/", "/rest/dev-status/"]
                .iter()
                .any(|p| path.starts_with(p))
        {
            jira += 1;
        } else if ["/projects/", "/scm/", "/users/", "/rest/api/1.0/", "/mvc/"]
            .iter()
            .any(|p| path.starts_with(p))
        {
            bitbucket += 1;
        }
    }
    if confluence > jira && confluence >= bitbucket {
        "/login.action"
    } else if bitbucket > jira && bitbucket > confluence {
        "/login"
    } else {
        "/login.jsp"
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

    /// Feeds a story's entries one by one; returns every alert (new problems and repeats).
    fn alerts_of_story(story: &crate::rules::tester::Story) -> Vec<Alert> {
        let har: serde_json::Value = serde_json::from_slice(&story.har(true)).unwrap();
        let mut monitor = Monitor::new();
        har["log"]["entries"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|e| monitor.push_entry(e.to_string().as_bytes()).unwrap())
            .collect()
    }

    #[test]
    fn each_alert_carries_its_own_losss_cause() {
        use crate::rules::tester::Story;
        // Two applications under one host: Jira loses its session to a rejected token, much later
        // Confluence to a node change. Each alert names its own cause, not the recording's top finding.
        let mut s = Story::new();
        let jira = s.app("https://apps.example.test/jira", true);
        let wiki = s.app("https://apps.example.test/wiki", false);
        s.node(wiki, "node1").login(jira).work_for(jira, 3, 2).sso_login(wiki).work(wiki);
        s.rejected(jira).wait(3).login(jira).work(jira).work(wiki).node(wiki, "node2").rejected(wiki);
        let alerts = alerts_of_story(&s);
        let got: Vec<_> = alerts.iter().map(|a| (a.origin.as_str(), a.cause.as_deref(), a.repeats)).collect();
        assert_eq!(
            got,
            [
                ("https://apps.example.test/jira", Some("proxy-address-change"), 1),
                ("https://apps.example.test/wiki", Some("no-session-affinity"), 1),
            ]
        );
        assert!(alerts[1].title.as_deref().is_some_and(|t| t.contains("load balancer")), "{alerts:#?}");
    }

    #[test]
    fn a_first_visit_is_never_a_loss_and_a_login_loop_is_one_alert() {
        use crate::rules::tester::Story;
        let mut s = Story::new();
        s.sso_domain = ".example.com".to_owned();
        let jira = s.app("https://apps.example.test/jira", true);
        let wiki = s.app("https://apps.example.test/wiki", false);
        for _ in 0..9 {
            s.login(jira).sent_to_login(jira).wait(1);
        }
        s.sent_to_login(wiki);
        let alerts = alerts_of_story(&s);
        assert_eq!(alerts.len(), 9, "every loop is reported, as a repeat: {alerts:#?}");
        assert!(alerts
            .iter()
            .all(|a| a.id == alerts[0].id && a.cause.as_deref() == Some("sso-cookie-domain")));
        assert_eq!(alerts.iter().map(|a| a.repeats).collect::<Vec<_>>(), (1..=9).collect::<Vec<_>>());
        assert!(alerts.iter().all(|a| a.origin.ends_with("/jira")), "the wiki's first visit is no loss");
    }

    /// A minimal entry: `X-AUSERNAME` (the user, or `anonymous`) and an optional `Location`.
    fn entry(second: u32, url: &str, status: u16, user: &str, location: Option<&str>) -> String {
        let mut headers = vec![serde_json::json!({"name": "X-AUSERNAME", "value": user})];
        if let Some(l) = location {
            headers.push(serde_json::json!({"name": "Location", "value": l}));
        }
        serde_json::json!({
            "startedDateTime": format!("2026-10-19T14:00:{second:02}.000Z"),
            "request": {"method": "GET", "url": url, "headers": []},
            "response": {"status": status, "headers": headers},
        })
        .to_string()
    }

    fn login_urls(entries: &[String]) -> Vec<String> {
        let mut monitor = Monitor::new();
        entries.iter().flat_map(|e| monitor.push_entry(e.as_bytes()).unwrap()).map(|a| a.login_url).collect()
    }

    #[test]
    fn an_alert_says_where_to_log_in() {
        // No redirect (the KB's 400 poll): Jira's login page under the context path.
        assert_eq!(
            alerts_of("proxy-address-change")[0].login_url,
            "http://jira.example.test:18080/track/login.jsp"
        );
        // The loss is a login redirect: its own Location, with the way back to the page.
        assert_eq!(
            alerts_of("idle-timeout")[0].login_url,
            "http://jira.example.test:18080/jira/login.jsp?permissionViolation=true&os_destination=%2Fbrowse%2FAPS-3982&page_caps=&user_role="
        );
        // Confluence and Bitbucket, known by their paths.
        let wiki = "https://apps.example.test/wiki";
        assert_eq!(
            login_urls(&[
                entry(1, &format!("{wiki}/display/DOC/Home"), 200, "v3ry8", None),
                entry(
                    2,
                    &format!("{wiki}/rest/mywork/latest/status/notification/count"),
                    401,
                    "anonymous",
                    None
                ),
            ]),
            ["https://apps.example.test/wiki/login.action"]
        );
        let git = "https://git.example.test";
        assert_eq!(
            login_urls(&[
                entry(1, &format!("{git}/projects/APS/repos/core/browse"), 200, "v3ry8", None),
                entry(2, &format!("{git}/rest/api/1.0/projects/APS/repos"), 401, "anonymous", None),
            ]),
            ["https://git.example.test/login"]
        );
        // A Location that is neither an absolute URL nor an absolute path: the product's login page instead.
        let jira = "https://jira.example.test/jira";
        assert_eq!(
            login_urls(&[
                entry(1, &format!("{jira}/browse/APS-1"), 200, "v3ry8", None),
                entry(
                    2,
                    &format!("{jira}/secure/Dashboard.jspa"),
                    302,
                    "anonymous",
                    Some("login.jsp?os_destination=x")
                ),
            ]),
            ["https://jira.example.test/jira/login.jsp"]
        );
    }

    #[test]
    fn only_web_locations_are_login_urls() {
        assert_eq!(absolute_url("https", "h", "/login.jsp").as_deref(), Some("https://h/login.jsp"));
        assert_eq!(absolute_url("https", "h", "HTTPS://idp/login").as_deref(), Some("HTTPS://idp/login"));
        assert_eq!(absolute_url("https", "h", "javascript:alert(1)"), None);
        assert_eq!(absolute_url("https", "h", "//idp.example.test/login"), None);
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
