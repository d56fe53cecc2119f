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

use super::{evidence, no_claim, Claim, Context, Rule, Won};
use crate::report::{Confidence, Finding, Severity};

pub const RULE: Rule = Rule {
    id: "user-logout",
    title: "The user logged out",
    summary: "A logout request in the application itself: the session ended on purpose.",
    severity: Severity::Info,
    symptom: false,
    claim: no_claim,
    check,
};

fn check(ctx: &Context<'_>, _: &[Won<'_>]) -> Vec<Finding> {
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
    let explanation =
        format!("The user logged out of {origin} on purpose; the anonymous responses after it are expected.");
    vec![Finding {
        evidence: ev,
        fix: vec!["Nothing to fix.".to_owned()],
        ..RULE.finding(Claim::observed(Confidence::High), explanation)
    }]
}

#[cfg(test)]
mod tests {
    use crate::report::Severity;
    use crate::rules::tester::{Story, Tester};

    #[test]
    fn names_the_users_own_logout_as_information() {
        let mut s = Story::new();
        let jira = s.jira();
        s.login(jira).work(jira).logout(jira).sent_to_login(jira);
        let r = s.report(false);
        Tester::new("user-logout").names("own logout", &r);
        assert!(r.losses.is_empty() && r.summary.primary_cause.is_none());
        assert!(r.findings.iter().all(|f| f.severity == Severity::Info));
    }

    #[test]
    fn not_for_a_logout_in_another_application() {
        let mut s = Story::new();
        let (jira, wiki) = (s.jira(), s.wiki());
        s.login(jira).sso_login(wiki).logout(wiki).sent_to_login(jira);
        let r = s.report(false);
        Tester::new("user-logout").not("logout elsewhere", &r);
        assert_ne!(r.findings[0].cause, "user-logout", "information comes last");
    }
}
