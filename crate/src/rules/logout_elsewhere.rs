//! `logout-elsewhere`: the user logged out of another SSO application, which ends the SSO session for all.
//!
//! ## Cause
//! An explicit logout in any Crowd SSO application invalidates the token for every application: the others
//! log the user out at their next validation.
//!
//! ## Evidence
//! A logout URL (`/logout`, `/secure/Logout!default.jspa`, `/logout.action`, `/j_atl_security_logout`) on
//! another application, or a `crowd.token_key` deletion there, between the last good request and the loss.
//!
//! ## Fix
//! Nothing to fix: it is how SSO works. Tell the user.
//!
//! ## Sources
//! domain.md sections 2 and 4.10.

use super::{describe, evidence, Context, Rule};
use crate::report::{Confidence, Finding, Severity};

pub const RULE: Rule = Rule {
    id: "logout-elsewhere",
    title: "The user logged out of another application",
    summary: "A logout in another SSO application ended the SSO session shortly before this one lost it.",
    symptom: false,
    check,
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    for v in ctx.losses() {
        let Some((other, logout)) = v.elsewhere().find(|(_, o)| o.logout_request || o.token_deleted()) else {
            continue;
        };
        return vec![Finding {
            cause: RULE.id.to_owned(),
            severity: Severity::Warning,
            confidence: if logout.logout_request && logout.token_deleted() { Confidence::High } else { Confidence::Medium },
            title: RULE.title.to_owned(),
            explanation: format!(
                "The user logged out of {} ({}) before {} lost the session ({}). With Crowd SSO, a logout in any \
                 application ends the SSO session in all of them. This is expected behaviour.",
                other.origin,
                describe(logout),
                v.timeline.origin,
                describe(v.at)
            ),
            evidence: vec![
                evidence(logout, format!("logout in {}{}", other.origin, if logout.token_deleted() { ": crowd.token_key deleted" } else { "" })),
                evidence(v.at, "the next request here was logged out"),
            ],
            fix: vec!["Nothing to fix: logging out of one SSO application logs out of all. Users who want to stay in one application should close the other one's tab instead of logging out.".to_owned()],
            confirm: vec!["Ask the user whether they clicked \"Log out\" in the other application at that time.".to_owned()],
            references: Vec::new(),
        }];
    }
    Vec::new()
}
