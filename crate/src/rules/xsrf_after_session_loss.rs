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

use super::{describe, evidence, indices, Claim, Context, LossView, Rule, Won};
use crate::report::{Confidence, Finding, Severity};

pub const RULE: Rule = Rule {
    id: "xsrf-after-session-loss",
    title: "\"XSRF Security Token Missing\" after the session was lost",
    summary: "A form post failed with 403 because the session behind its XSRF token was lost first.",
    severity: Severity::Error,
    symptom: true,
    claim,
    check,
};

fn claim(_: &Context<'_>, v: &LossView<'_>) -> Option<Claim> {
    let refused = v.at.status == Some(403) && !v.at.method.eq_ignore_ascii_case("GET");
    refused.then_some(Claim::observed(Confidence::High))
}

fn check(_: &Context<'_>, won: &[Won<'_>]) -> Vec<Finding> {
    let Some(w) = won.first() else { return Vec::new() };
    let v = &w.view;
    let underlying = match w.underlying {
        Some(cause) => format!("The session loss itself is explained by {cause} (see that finding)."),
        None => "Nothing in the recording shows what ended the session; see the loss for what to collect."
            .to_owned(),
    };
    let explanation = format!(
        "The form post {} on {} failed with 403: the page's XSRF token belonged to the logged-in session, \
         but by the time it was posted the server no longer knew the user. The XSRF error is the symptom; \
         the session loss is the problem. {underlying}",
        describe(v.at),
        v.timeline.origin
    );
    let mut ev = vec![
        evidence(v.before, "last request while the user was still logged in"),
        evidence(v.at, "the form post arrived anonymous and was refused with 403 (XSRF check)"),
    ];
    for again in won.iter().skip(1) {
        ev.push(evidence(again.view.at, "another form post refused the same way"));
    }
    vec![Finding {
        losses: indices(won),
        evidence: ev,
        fix: vec![
            "Fix the underlying session loss; the XSRF error disappears with it.".to_owned(),
            "Users can copy their text, reload the page, log in and post again.".to_owned(),
        ],
        confirm: vec!["The response body of the failed post says \"XSRF Security Token Missing\"; the server log shows the session validation failing just before.".to_owned()],
        ..RULE.finding(w.claim, explanation)
    }]
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::{Story, Tester};

    #[test]
    fn a_refused_form_post_names_the_symptom_and_the_cause_behind_it() {
        let t = Tester::new("xsrf-after-session-loss");
        // Chrome's sanitized export, a 69-minute gap, then the form post.
        let mut s = Story::new();
        let jira = s.jira();
        s.login(jira).work(jira).wait(69).form_refused(jira);
        let r = s.report(false);
        t.explains("idle then post", &r);
        assert_eq!(r.losses[0].underlying_cause.as_deref(), Some("idle-timeout"));
        assert!(r.findings.iter().any(|f| f.cause == "idle-timeout" && f.losses == [0]), "{r:#?}");
        let mut s = Story::new();
        let jira = s.jira();
        s.login(jira).work_for(jira, 3, 2).form_refused(jira);
        let r = s.report(true);
        t.explains("active use then post", &r);
        assert_eq!(r.losses[0].underlying_cause.as_deref(), Some("proxy-address-change"));
    }

    #[test]
    fn not_for_a_get_or_a_refusal_while_known() {
        let t = Tester::new("xsrf-after-session-loss");
        let mut s = Story::new();
        let jira = s.jira();
        s.login(jira).work_for(jira, 2, 2).rejected(jira);
        t.not("a poll", &s.report(false));
        let mut s = Story::new();
        let jira = s.jira();
        s.login(jira).work(jira).unrelated_error(jira, 403).work(jira);
        let r = s.report(false);
        t.not("a 403 for the user", &r);
        assert!(r.losses.is_empty());
    }
}
