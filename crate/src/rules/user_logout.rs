//! `user-logout`: the user logged out on purpose. Informational, not a problem.
//!
//! ## Cause
//! The user chose "Log out" in this application.
//!
//! ## Evidence
//! A logout request (`/logout`, `/secure/Logout!default.jspa`, `/logout.action`, `/j_atl_security_logout`)
//! in the same application, followed by anonymous responses.
//!
//! ## Fix
//! None.
//!
//! ## Sources
//! domain.md section 4.12.

use super::{evidence, Context, Rule};
use crate::report::{Confidence, Finding, Severity};

pub const RULE: Rule = Rule {
    id: "user-logout",
    title: "The user logged out",
    summary: "A logout request in the application itself: the session ended on purpose.",
    symptom: false,
    check,
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut ev = Vec::new();
    let mut origin = None;
    for t in ctx.timelines {
        for logout in &t.logouts {
            if let Some(o) = t.observations.get(logout.request) {
                ev.push(evidence(o, format!("logout request in {}", t.origin)));
                origin.get_or_insert_with(|| t.origin.clone());
            }
        }
    }
    let Some(origin) = origin else { return Vec::new() };
    vec![Finding {
        cause: RULE.id.to_owned(),
        severity: Severity::Info,
        confidence: Confidence::High,
        title: RULE.title.to_owned(),
        explanation: format!(
            "The user logged out of {origin} on purpose; the anonymous responses after it are expected."
        ),
        evidence: ev,
        fix: vec!["Nothing to fix.".to_owned()],
        confirm: Vec::new(),
        references: Vec::new(),
    }]
}
