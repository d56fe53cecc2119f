//! `xsrf-after-session-loss`: the visible symptom "XSRF Security Token Missing" (a 403 on a form post) is the
//! consequence of a session that was lost just before.
//!
//! ## Cause
//! A form page carries an XSRF token generated for the logged-in session. If the session (or SSO token) is
//! lost while the page is open, the post arrives anonymous, its token no longer fits, and Jira answers 403
//! "XSRF Security Token Missing". The real cause is whatever ended the session.
//!
//! ## Evidence
//! The loss entry (or the one right after it) is a 403 on a POST, with the user anonymous and a new
//! `atlassian.xsrf.token` (`lout`).
//!
//! ## Fix
//! Fix the underlying session loss (the next finding); the XSRF error disappears with it.
//!
//! ## Sources
//! domain.md sections 3 and 4.11.

use super::{describe, evidence, proxy_address_change, Context, Rule};
use crate::report::{Confidence, Finding, Severity};

pub const RULE: Rule = Rule {
    id: "xsrf-after-session-loss",
    title: "\"XSRF Security Token Missing\" after the session was lost",
    summary: "A form post failed with 403 because the session behind its XSRF token was lost first.",
    symptom: true,
    check,
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    for v in ctx.losses() {
        let post_403 =
            |o: &crate::timeline::Observation| o.status == Some(403) && !o.method.eq_ignore_ascii_case("GET");
        if !post_403(v.at) {
            continue;
        }
        let underlying = if proxy_address_change::unexplained(&v) {
            "Nothing else changed in the browser's view (same HTTP session, node and server address), which points to the SSO token being rejected after a proxy address change (see proxy-address-change)."
        } else {
            "See the other findings for what ended the session."
        };
        return vec![Finding {
            cause: RULE.id.to_owned(),
            severity: Severity::Error,
            confidence: Confidence::High,
            title: RULE.title.to_owned(),
            explanation: format!(
                "The form post {} on {} failed with 403: the page's XSRF token belonged to the logged-in session, \
                 but by the time it was posted the server no longer knew the user. The XSRF error is the symptom; \
                 the session loss is the problem. {underlying}",
                describe(v.at),
                v.timeline.origin
            ),
            evidence: vec![
                evidence(v.before, "last request while the user was still logged in"),
                evidence(v.at, "the form post arrived anonymous and was refused with 403 (XSRF check)"),
            ],
            fix: vec![
                "Fix the underlying session loss (see the next finding); the XSRF error disappears with it.".to_owned(),
                "Users can copy their text, reload the page, log in and post again.".to_owned(),
            ],
            confirm: vec!["The response body of the failed post says \"XSRF Security Token Missing\"; the server log shows the session validation failing just before.".to_owned()],
            references: Vec::new(),
        }];
    }
    Vec::new()
}
