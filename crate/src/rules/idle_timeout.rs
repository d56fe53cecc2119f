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
use super::{describe, evidence, indices, refs, strongest, Claim, Context, LossView, Rule, Won};
use crate::calendar::human_duration;
use crate::report::{Confidence, Finding, Severity};

pub const RULE: Rule = Rule {
    id: "idle-timeout",
    title: "The session expired while the user was idle",
    summary: "The loss came after a gap long enough for the HTTP session or the SSO token to expire.",
    severity: Severity::Warning,
    symptom: false,
    claim,
    check,
};

/// Jira's default HTTP session timeout.
const JIRA_SESSION_MS: i64 = 300 * 60 * 1000;

fn claim(_: &Context<'_>, v: &LossView<'_>) -> Option<Claim> {
    let idle = v.idle_before_ms().filter(|ms| *ms >= IDLE_MS)?;
    // Past Jira's own session timeout, or a new HTTP session after the gap: the session itself expired.
    let expired = idle >= JIRA_SESSION_MS || v.session_changed() == Some(true);
    Some(Claim::observed(if expired { Confidence::High } else { Confidence::Medium }))
}

fn check(_: &Context<'_>, won: &[Won<'_>]) -> Vec<Finding> {
    let Some(claim) = strongest(won) else { return Vec::new() };
    let Some((v, idle)) = won.iter().find_map(|w| w.view.idle_before_ms().map(|ms| (&w.view, ms))) else {
        return Vec::new();
    };
    let explanation = format!(
        "Before {} on {}, the user sent no request for {}: longer than {}. The session and the SSO token \
         expired in the meantime, so the next request was anonymous. This is usually the intended \
         behaviour, not a defect.",
        describe(v.at),
        v.timeline.origin,
        human_duration(idle),
        if idle >= JIRA_SESSION_MS {
            "Jira's default 300-minute session timeout"
        } else {
            "Crowd's default 30-minute session timeout"
        }
    );
    let mut ev = vec![
        evidence(v.before, "the last request while the user was logged in"),
        evidence(v.at, format!("first request after {} without any", human_duration(idle))),
    ];
    for w in won.iter().skip(1) {
        if let Some(ms) = w.view.idle_before_ms() {
            ev.push(evidence(w.view.at, format!("again, after {} without any request", human_duration(ms))));
        }
    }
    vec![Finding {
        losses: indices(won),
        evidence: ev,
        fix: vec![
            "Nothing to fix if the timeout is intended.".to_owned(),
            "To keep users logged in longer: raise Jira's session-timeout (WEB-INF/web.xml) and Crowd's session timeout (Session configuration), or let users choose \"Remember my login\".".to_owned(),
        ],
        confirm: vec!["Compare the gap with the configured timeouts (Jira web.xml session-timeout, Crowd session timeout).".to_owned()],
        references: vec![refs::SESSION_CONFIG.to_owned()],
        ..RULE.finding(claim, explanation)
    }]
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::{Story, Tester};

    #[test]
    fn explains_a_loss_after_a_long_gap() {
        let t = Tester::new("idle-timeout");
        let mut s = Story::new();
        let jira = s.jira();
        s.login(jira).work(jira).wait(360).session_gone(jira);
        t.explains("six hours", &s.report(true)).explains("six hours, sanitized", &s.report(false));
        let mut s = Story::new();
        let jira = s.jira();
        s.login(jira).work(jira).wait(69).rejected(jira);
        t.explains("69 minutes, token expired", &s.report(false));
    }

    #[test]
    fn not_for_short_gaps_or_gaps_that_keep_the_session() {
        let t = Tester::new("idle-timeout");
        let mut s = Story::new();
        let jira = s.jira();
        s.login(jira).work(jira).wait(25).work(jira).wait(3).rejected(jira);
        t.not("25 minutes, then lost later", &s.report(false));
        let mut s = Story::new();
        let jira = s.jira();
        s.login(jira).wait(90).work(jira);
        let r = s.report(false);
        assert!(r.losses.is_empty() && r.findings.is_empty(), "a gap without a loss is healthy");
    }
}
