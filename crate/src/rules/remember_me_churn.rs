//! `remember-me-churn`: the SSO token is re-issued every few minutes while the user stays logged in.
//!
//! ## Cause
//! When the token stops validating (a changed validation factor), Seraph's remember-me logs the user back in
//! silently with a new token bound to the current factors. The user sees nothing here, but the new token logs
//! them out of the other SSO applications. It hides `proxy-address-change` or `proxy-path-mismatch`.
//!
//! ## Evidence
//! `Set-Cookie: crowd.token_key` with a new value on ordinary requests (not logins), several times, while
//! `X-AUSERNAME` stays the same user.
//!
//! ## Fix
//! The underlying cause's fix: trust every proxy hop in Crowd.
//!
//! ## Sources
//! domain.md sections 2 and 4.9.

use super::{evidence, indices, refs, Claim, Context, LossView, Rule, Won};
use crate::calendar::human_duration;
use crate::report::{Confidence, Finding, Severity};
use crate::timeline::{Observation, Timeline};

pub const RULE: Rule = Rule {
    id: "remember-me-churn",
    title: "The SSO token keeps being re-issued while the user stays logged in",
    summary: "The SSO token is replaced on ordinary requests every few minutes: remember-me is hiding a token that stops validating.",
    severity: Severity::Warning,
    symptom: false,
    claim,
    check,
};

/// An ordinary request (not a login) on which the user was logged in again: a new SSO token for a logged-in
/// user, or (without cookies in the HAR) Seraph saying `OUT` then `OK` in one response.
fn reissue(o: &Observation) -> bool {
    o.counts_for_session()
        && (o.token_issued() || o.reauthenticated)
        && o.named_user().is_some()
        && !o.is_login()
        && !o.login_redirect
}

/// A token re-issued in another application after the last request here that knew the user, which this loss
/// request carried: the churn logged the user out here. (A token this application had already accepted
/// explains nothing.)
fn reissued_elsewhere<'a>(v: &LossView<'a>) -> Option<(&'a Timeline, &'a Observation)> {
    v.elsewhere().filter(|(_, o)| reissue(o)).last()
}

fn claim(_: &Context<'_>, v: &LossView<'_>) -> Option<Claim> {
    let (_, o) = reissued_elsewhere(v)?;
    let carried = o.token_set().is_some_and(|c| v.at.tokens_sent.contains(&c.value));
    carried.then_some(Claim::observed(Confidence::High))
}

fn check(ctx: &Context<'_>, won: &[Won<'_>]) -> Vec<Finding> {
    let sso = ctx.sso_name;
    let churning = ctx.timelines.iter().find_map(|t| {
        let reissues: Vec<&Observation> = t.observations.iter().filter(|o| reissue(o)).collect();
        (reissues.len() >= 2).then_some((t, reissues))
    });
    let Some((t, reissues)) = churning.or_else(|| {
        let (t, o) = won.first().and_then(|w| reissued_elsewhere(&w.view))?;
        Some((t, vec![o]))
    }) else {
        return Vec::new();
    };
    let span = match (reissues.first().and_then(|o| o.time_ms), reissues.last().and_then(|o| o.time_ms)) {
        (Some(a), Some(b)) if reissues.len() > 1 => Some(b - a),
        _ => None,
    };
    let every = span.map(|s| human_duration(s / (reissues.len() as i64 - 1).max(1)));
    let mut explanation = format!(
        "On {}, the user was logged in again {} on ordinary requests{}, each time with a new SSO token \
         ({sso}), without ever seeing a login page. That is Seraph's remember-me logging the user back in \
         after the token stopped validating: the user \
         does not notice here, but each new token is bound to the current client address and logs them out \
         of the other SSO applications. The underlying cause is usually an untrusted proxy whose address \
         changes (proxy-address-change).",
        t.origin,
        match reissues.len() {
            1 => "once".to_owned(),
            n => format!("{n} times"),
        },
        every.map(|e| format!(", about every {e}")).unwrap_or_default()
    );
    let mut ev: Vec<_> = reissues
        .iter()
        .map(|o| {
            evidence(
                o,
                if o.token_issued() {
                    format!("new {sso} on an ordinary request, user still logged in")
                } else {
                    "Seraph logged the user out and in again on an ordinary request (X-Seraph-LoginReason OUT, then OK)"
                        .to_owned()
                },
            )
        })
        .collect();
    for w in won {
        ev.push(evidence(
            w.view.at,
            format!("{} received the re-issued token and logged the user out", w.view.timeline.origin),
        ));
    }
    if let Some(w) = won.first() {
        explanation.push_str(&format!(
            " Here it logged the user out of {} ({}).",
            w.view.timeline.origin,
            super::describe(w.view.at)
        ));
    }
    let claim = Claim::observed(if reissues.len() >= 3 || !won.is_empty() {
        Confidence::High
    } else {
        Confidence::Medium
    });
    vec![Finding {
        losses: indices(won),
        evidence: ev,
        fix: vec![
            "Fix the underlying cause: add every proxy between users and applications to Crowd's trusted proxy servers.".to_owned(),
            "Then ask users to log in again.".to_owned(),
        ],
        confirm: vec!["The DEBUG org.apache.http log shows INVALID_SSO_TOKEN validations right before each re-issue, with different remote_address or X-Forwarded-For hops.".to_owned()],
        references: vec![refs::TRUSTED_PROXIES.to_owned(), refs::DEBUG_SSO_PROXIES.to_owned()],
        ..RULE.finding(claim, explanation)
    }]
}

#[cfg(test)]
mod tests {
    use crate::report::Basis;
    use crate::rules::tester::{Story, Tester};

    #[test]
    fn names_a_token_re_issued_on_ordinary_requests() {
        let t = Tester::new("remember-me-churn");
        let mut s = Story::new();
        let jira = s.jira();
        s.login(jira)
            .work(jira)
            .wait(5)
            .remember_me(jira)
            .wait(5)
            .remember_me(jira)
            .wait(5)
            .remember_me(jira);
        let r = s.report(true);
        t.names("churn", &r);
        assert!(r.losses.is_empty(), "remember-me hides the loss here");
        assert_eq!(r.findings[0].cause, "remember-me-churn");
        assert_eq!(r.findings[0].basis, Basis::Observed);
        // Without cookies, Seraph's reasons (OUT, then OK) on ordinary requests show the same.
        let r = s.report(false);
        t.names("churn, sanitized", &r);
        assert_eq!(r.findings[0].cause, "remember-me-churn");
    }

    #[test]
    fn explains_the_other_application_losing_the_session_to_a_re_issued_token() {
        let t = Tester::new("remember-me-churn");
        let mut s = Story::new();
        let (jira, wiki) = (s.jira(), s.wiki());
        s.login(jira).sso_login(wiki).work(wiki).wait(5).remember_me(jira).work(jira).rejected(wiki);
        t.explains("churn logs out the other application", &s.report(true));
    }

    #[test]
    fn not_for_logins_or_a_single_re_issue() {
        let t = Tester::new("remember-me-churn");
        let mut s = Story::new();
        let jira = s.jira();
        s.login(jira).work(jira).login(jira).work(jira).login(jira);
        t.not("logins", &s.report(true));
        assert!(s.report(true).findings.is_empty());
        let mut s = Story::new();
        let jira = s.jira();
        s.login(jira).work(jira).remember_me(jira).work(jira);
        assert!(s.report(true).findings.is_empty(), "one re-issue is no churn");
    }
}
