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

use super::{evidence, human_duration, refs, Context, Rule};
use crate::report::{Confidence, Finding, Severity};
use crate::timeline::Observation;

pub const RULE: Rule = Rule {
    id: "remember-me-churn",
    title: "The SSO token keeps being re-issued while the user stays logged in",
    summary: "crowd.token_key is replaced on ordinary requests every few minutes: remember-me is hiding a token that stops validating.",
    symptom: false,
    check,
};

/// An ordinary request (not a login) that came back with a new SSO token for a logged-in user.
fn reissue(o: &Observation) -> bool {
    o.token_set().is_some()
        && o.named_user().is_some()
        && !o.method.eq_ignore_ascii_case("POST")
        && !o.login_redirect
}

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    for t in ctx.timelines {
        let reissues: Vec<&Observation> =
            t.observations.iter().filter(|o| o.counts_for_session() && reissue(o)).collect();
        if reissues.len() < 2 {
            continue;
        }
        let span = match (reissues.first().and_then(|o| o.time_ms), reissues.last().and_then(|o| o.time_ms)) {
            (Some(a), Some(b)) => Some(b - a),
            _ => None,
        };
        let every = span.map(|s| human_duration(s / (reissues.len() as i64 - 1).max(1)));
        return vec![Finding {
            cause: RULE.id.to_owned(),
            severity: Severity::Warning,
            confidence: if reissues.len() >= 3 { Confidence::High } else { Confidence::Medium },
            title: RULE.title.to_owned(),
            explanation: format!(
                "On {}, the SSO token crowd.token_key was replaced {} times on ordinary requests while the user \
                 stayed logged in{}. That is Seraph's remember-me logging the user back in after the token \
                 stopped validating: the user does not notice here, but each new token is bound to the current \
                 client address and logs them out of the other SSO applications. The underlying cause is usually \
                 an untrusted proxy whose address changes (proxy-address-change).",
                t.origin,
                reissues.len(),
                every.map(|e| format!(", about every {e}")).unwrap_or_default()
            ),
            evidence: reissues.iter().map(|o| evidence(o, "new crowd.token_key on an ordinary request, user still logged in")).collect(),
            fix: vec![
                "Fix the underlying cause: add every proxy between users and applications to Crowd's trusted proxy servers.".to_owned(),
                "Then ask users to log in again.".to_owned(),
            ],
            confirm: vec!["The DEBUG org.apache.http log shows INVALID_SSO_TOKEN validations right before each re-issue, with different remote_address or X-Forwarded-For hops.".to_owned()],
            references: vec![refs::TRUSTED_PROXIES.to_owned(), refs::DEBUG_SSO_PROXIES.to_owned()],
        }];
    }
    Vec::new()
}
