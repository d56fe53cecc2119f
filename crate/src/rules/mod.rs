//! The causes harlens can name (domain.md section 4): one file per cause, one registry table.
//!
//! Each rule reads the session timelines (and, when given, server logs and the trusted-proxy list) and
//! returns findings with evidence that points at entries. Most rules explain one session loss; a few look at
//! the whole recording (cookie settings, token churn, logouts). [`diagnose`] runs them all and ranks the
//! findings: the first is the most likely cause, and the report's `primary_cause`.
//!
//! The registry is the single list the CLI's `harlens rules`, the docs and the page show, so they cannot drift.

mod client_address_change;
mod facts;
mod idle_timeout;
mod logout_elsewhere;
mod no_session_affinity;
mod proxy_address_change;
mod proxy_path_mismatch;
mod remember_me_churn;
mod session_cookie_collision;
mod sso_cookie_domain;
mod sso_cookie_insecure_scheme;
mod user_logout;
mod validations;
mod xsrf_after_session_loss;

use crate::logs::ParsedLogs;
use crate::net::TrustedProxies;
use crate::report::{Confidence, Evidence, Finding, Severity};
use crate::signals::format_iso8601;
use crate::timeline::{Observation, Timeline};

pub use facts::LossView;

/// What the rules read.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub timelines: &'a [Timeline],
    /// Server logs, when given.
    pub logs: Option<&'a ParsedLogs>,
    /// The report's input index of each log input (`ParsedLogs` numbers them among logs only).
    pub log_inputs: &'a [usize],
    /// Crowd's trusted-proxy list, when given.
    pub trusted: Option<&'a TrustedProxies>,
}

impl<'a> Context<'a> {
    /// Every session loss, with the facts around it.
    pub fn losses(&self) -> impl Iterator<Item = LossView<'a>> + 'a {
        let timelines = self.timelines;
        timelines
            .iter()
            .flat_map(move |t| t.losses.iter().filter_map(move |loss| LossView::new(timelines, t, loss)))
    }
}

/// One cause harlens can name.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The stable cause id of domain.md section 4 (part of the report contract).
    pub id: &'static str,
    /// The cause in a few words.
    pub title: &'static str,
    /// What the rule looks for, in one sentence.
    pub summary: &'static str,
    /// The cause is the visible symptom of another one (reported next to it): listed first, so the report
    /// opens with what the user saw and goes on to why.
    pub symptom: bool,
    pub check: fn(&Context<'_>) -> Vec<Finding>,
}

/// Every rule, in domain.md's order. The order also breaks ties when ranking findings: more specific causes
/// are not listed after the ones they refine, so elimination-based ones must check for the others themselves.
pub const REGISTRY: &[Rule] = &[
    proxy_address_change::RULE,
    proxy_path_mismatch::RULE,
    client_address_change::RULE,
    sso_cookie_domain::RULE,
    sso_cookie_insecure_scheme::RULE,
    session_cookie_collision::RULE,
    no_session_affinity::RULE,
    idle_timeout::RULE,
    remember_me_churn::RULE,
    logout_elsewhere::RULE,
    xsrf_after_session_loss::RULE,
    user_logout::RULE,
];

/// Runs every rule and ranks the findings: errors before warnings before information, symptoms before their
/// causes, then by confidence, then by registry order.
pub fn diagnose(ctx: &Context<'_>) -> Vec<Finding> {
    let mut ranked: Vec<(usize, bool, Finding)> = REGISTRY
        .iter()
        .enumerate()
        .flat_map(|(order, rule)| (rule.check)(ctx).into_iter().map(move |f| (order, rule.symptom, f)))
        .collect();
    ranked.sort_by_key(|(order, symptom, f)| {
        (severity_rank(f.severity), !symptom, confidence_rank(f.confidence), *order)
    });
    ranked.into_iter().map(|(_, _, f)| f).collect()
}

fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

fn confidence_rank(c: Confidence) -> u8 {
    match c {
        Confidence::High => 0,
        Confidence::Medium => 1,
        Confidence::Low => 2,
    }
}

/// Evidence pointing at one observed entry.
pub(crate) fn evidence(o: &Observation, detail: impl Into<String>) -> Evidence {
    Evidence {
        input: o.input,
        entry: Some(o.entry),
        line: None,
        at: o.time_ms.map(format_iso8601),
        detail: detail.into(),
    }
}

/// "entry 17 (GET …/issue/summary, 400)": how evidence names a request in prose.
pub(crate) fn describe(o: &Observation) -> String {
    let status = o.status.map_or_else(|| "no response".to_owned(), |s| s.to_string());
    format!("entry {} ({} {}, {status})", o.entry, o.method, short_path(&o.url))
}

fn short_path(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    path.split('?').next().unwrap_or(path)
}

/// A duration for people: "7 minutes", "6.0 hours".
pub(crate) fn human_duration(ms: i64) -> String {
    let minutes = ms as f64 / 60_000.0;
    if minutes < 1.0 {
        format!("{} seconds", ms / 1000)
    } else if minutes < 120.0 {
        format!("{:.0} minutes", minutes)
    } else {
        format!("{:.1} hours", minutes / 60.0)
    }
}

/// Public pages a finding can cite.
pub(crate) mod refs {
    pub const TRUSTED_PROXIES: &str =
        "https://confluence.atlassian.com/crowd/configuring-trusted-proxy-servers-158107219.html";
    pub const SESSION_CONFIG: &str =
        "https://confluence.atlassian.com/crowd/session-configuration-17956967.html";
    pub const DEBUG_SSO_PROXIES: &str =
        "https://confluence.atlassian.com/crowd/debugging-sso-in-environments-with-proxy-servers-179444217.html";
    pub const TOMCAT_CONNECTOR: &str = "https://tomcat.apache.org/tomcat-9.0-doc/config/http.html";
}
