//! `proxy-path-mismatch`: the applications are reached through different proxy paths, so logging into one
//! issues an SSO token the other rejects ("ping-pong").
//!
//! ## Cause
//! App B sees the user through another chain of proxies than app A. Logging into B creates a new
//! `crowd.token_key` bound to B's view of the client address; the browser sends it to A, A asks Crowd to
//! validate it with A's factors, Crowd answers `INVALID_SSO_TOKEN`, and A logs the user out. Logging into A
//! again does the same to B.
//!
//! ## Evidence
//! A `Set-Cookie: crowd.token_key` (or a login) on another host between the last good request and the loss;
//! the loss request carries that new token when cookies are in the HAR; repeated in both directions.
//!
//! ## Fix
//! Trust every proxy of both paths in Crowd (so that both resolve the same client), or put all applications
//! behind one proxy tier.
//!
//! ## Sources
//! domain.md sections 2 and 4.2.

use super::{describe, evidence, refs, Context, Rule};
use crate::report::{Confidence, Finding, Severity};

pub const RULE: Rule = Rule {
    id: "proxy-path-mismatch",
    title: "Logging into another application replaced the SSO token",
    summary:
        "A login in one application issued a new crowd.token_key that the other application then rejected.",
    symptom: false,
    check,
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut hits = Vec::new();
    for v in ctx.losses() {
        let Some((other, issued)) = v.elsewhere().filter(|(_, o)| o.is_login()).last() else { continue };
        if v.node_change().is_some() || super::session_cookie_collision::shares_cookies_with_other_app(&v) {
            continue;
        }
        let carried = issued.token_set().map(|c| c.value).is_some_and(|t| v.at.tokens_sent.contains(&t));
        hits.push((v, other, issued, carried));
    }
    let Some(&(v, other, issued, carried)) = hits.first() else { return Vec::new() };
    let mut ev = vec![
        evidence(v.before, format!("last request while logged in to {}", v.timeline.origin)),
        evidence(
            issued,
            if issued.token_set().is_some() {
                format!("{} issued a new crowd.token_key ({})", other.origin, describe(issued))
            } else {
                format!("the user logged in to {}, which issues a new SSO token", other.origin)
            },
        ),
        evidence(
            v.at,
            if carried {
                "this request carried the token from the other application and was logged out".to_owned()
            } else {
                "the next request here was logged out".to_owned()
            },
        ),
    ];
    for (again, other, _, _) in hits.iter().skip(1) {
        ev.push(evidence(again.at, format!("again, after a login to {}", other.origin)));
    }
    vec![Finding {
        cause: RULE.id.to_owned(),
        severity: Severity::Error,
        confidence: if carried || hits.len() > 1 { Confidence::High } else { Confidence::Medium },
        title: RULE.title.to_owned(),
        explanation: format!(
            "The user was logged out of {} at {} right after logging in to {} ({}), which issued a new SSO token. \
             The applications see the user through different proxy paths, so Crowd binds the token to a client \
             address that only the application where it was created agrees with; the other one fails to \
             validate it (INVALID_SSO_TOKEN) and logs the user out.{}",
            v.timeline.origin,
            describe(v.at),
            other.origin,
            describe(issued),
            if hits.len() > 1 { format!(" This ping-pong happened {} times.", hits.len()) } else { String::new() }
        ),
        evidence: ev,
        fix: vec![
            "Add every proxy on the path to each application to Crowd's trusted proxy servers, so that all applications resolve the same client address.".to_owned(),
            "Or serve all applications through the same proxy tier.".to_owned(),
            "Then ask users to clear crowd.token_key and log in again.".to_owned(),
        ],
        confirm: vec!["With DEBUG org.apache.http logs of both applications, compare the validation factors each sends for the same token: remote_address or X-Forwarded-For differ.".to_owned()],
        references: vec![refs::TRUSTED_PROXIES.to_owned(), refs::DEBUG_SSO_PROXIES.to_owned()],
    }]
}
