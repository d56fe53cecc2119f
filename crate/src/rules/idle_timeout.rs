//! `idle-timeout`: the user was idle longer than the session (or SSO token) lives.
//!
//! ## Cause
//! Jira's HTTP session expires after 300 idle minutes by default, Crowd's SSO session after its session
//! timeout (30 minutes by default). A request after a longer gap finds neither. Often expected, not a defect.
//!
//! ## Evidence
//! A gap before the loss at least as long as a plausible timeout; a new session after it.
//!
//! ## Fix
//! None needed if the timeout is intended; otherwise raise the session timeout (Jira's web.xml
//! `session-timeout`, Crowd's session configuration).
//!
//! ## Sources
//! domain.md sections 3 and 4.8.

use super::facts::IDLE_MS;
use super::{describe, evidence, human_duration, refs, Context, Rule};
use crate::report::{Confidence, Finding, Severity};

pub const RULE: Rule = Rule {
    id: "idle-timeout",
    title: "The session expired while the user was idle",
    summary: "The loss came after a gap long enough for the HTTP session or the SSO token to expire.",
    symptom: false,
    check,
};

/// Jira's default HTTP session timeout.
const JIRA_SESSION_MS: i64 = 300 * 60 * 1000;

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let Some((v, idle)) =
        ctx.losses().find_map(|v| v.idle_before_ms().filter(|ms| *ms >= IDLE_MS).map(|ms| (v, ms)))
    else {
        return Vec::new();
    };
    vec![Finding {
        cause: RULE.id.to_owned(),
        severity: Severity::Warning,
        confidence: if idle >= JIRA_SESSION_MS { Confidence::High } else { Confidence::Medium },
        title: RULE.title.to_owned(),
        explanation: format!(
            "Before {} on {}, the user sent no request for {}: longer than {}. The session and the SSO token \
             expired in the meantime, so the next request was anonymous. This is usually the intended \
             behaviour, not a defect.",
            describe(v.at),
            v.timeline.origin,
            human_duration(idle),
            if idle >= JIRA_SESSION_MS { "Jira's default 300-minute session timeout" } else { "Crowd's default 30-minute session timeout" }
        ),
        evidence: vec![evidence(v.at, format!("first request after {} without any", human_duration(idle)))],
        fix: vec![
            "Nothing to fix if the timeout is intended.".to_owned(),
            "To keep users logged in longer: raise Jira's session-timeout (WEB-INF/web.xml) and Crowd's session timeout (Session configuration), or let users choose \"Remember my login\".".to_owned(),
        ],
        confirm: vec!["Compare the gap with the configured timeouts (Jira web.xml session-timeout, Crowd session timeout).".to_owned()],
        references: vec![refs::SESSION_CONFIG.to_owned()],
    }]
}
