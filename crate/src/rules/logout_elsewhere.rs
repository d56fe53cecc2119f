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

use super::{describe, evidence, indices, strongest, Claim, Context, LossView, Rule, Won};
use crate::report::{Confidence, Finding, Severity};
use crate::timeline::{Observation, Timeline};

pub const RULE: Rule = Rule {
    id: "logout-elsewhere",
    title: "The user logged out of another application",
    summary: "A logout in another SSO application ended the SSO session shortly before this one lost it.",
    severity: Severity::Warning,
    symptom: false,
    claim,
    check,
};

/// The last logout (a logout request, or the SSO cookie deleted) in another application since this one's
/// token was issued: the application re-validates the token only every few minutes, so the logout may come
/// before requests on which it still knew the user.
fn logout_elsewhere<'a>(v: &LossView<'a>) -> Option<(&'a Timeline, &'a Observation)> {
    v.elsewhere_since_token().filter(|(_, o)| o.logout_request || o.token_deleted()).last()
}

/// The SSO cookie the last known request carried is gone from the loss request, and no response in the
/// recording deleted it: a logout in a tab or application the HAR did not record deleted it.
fn token_vanished(v: &LossView<'_>) -> bool {
    v.at.cookies_visible
        && v.at.tokens_sent.is_empty()
        && !v.before.tokens_sent.is_empty()
        && !v.timeline.observations[v.loss.last_known..v.loss.at].iter().any(|o| o.token_deleted())
        && !v.elsewhere().any(|(_, o)| o.token_deleted())
}

fn claim(_: &Context<'_>, v: &LossView<'_>) -> Option<Claim> {
    match logout_elsewhere(v) {
        // A logout request is the user's act itself; a deleted SSO cookie alone may be another application
        // logging the user out after its own loss.
        Some((_, logout)) => {
            Some(Claim::observed(if logout.logout_request { Confidence::High } else { Confidence::Medium }))
        }
        None => token_vanished(v).then_some(Claim::observed(Confidence::Medium)),
    }
}

fn check(ctx: &Context<'_>, won: &[Won<'_>]) -> Vec<Finding> {
    let Some(claim) = strongest(won) else { return Vec::new() };
    let sso = ctx.sso_name;
    let Some((v, other, logout)) =
        won.iter().find_map(|w| logout_elsewhere(&w.view).map(|(t, o)| (&w.view, t, o)))
    else {
        return won.first().map(|w| vanished(ctx, won, &w.view, claim)).into_iter().collect();
    };
    let explanation = format!(
        "The user logged out of {} ({}) before {} lost the session ({}). With Crowd SSO, a logout in any \
         application ends the SSO session in all of them. This is expected behaviour.",
        other.origin,
        describe(logout),
        v.timeline.origin,
        describe(v.at)
    );
    let what = match (logout.logout_request, logout.token_deleted()) {
        (true, true) => format!("logout in {}: {sso} deleted", other.origin),
        (true, false) => format!("logout in {}", other.origin),
        _ => format!("{} deleted {sso}", other.origin),
    };
    let mut ev = vec![evidence(logout, what), evidence(v.at, "the next request here was logged out")];
    for w in won.iter().skip(1) {
        ev.push(evidence(w.view.at, "logged out here too"));
    }
    vec![Finding {
        losses: indices(won),
        evidence: ev,
        fix: vec![super::prose::SSO_LOGOUT_IS_GLOBAL.to_owned()],
        confirm: vec![
            "Ask the user whether they clicked \"Log out\" in the other application at that time.".to_owned()
        ],
        ..RULE.finding(claim, explanation)
    }]
}

/// The finding when the recording shows the SSO cookie gone but not the logout that deleted it.
fn vanished(ctx: &Context<'_>, won: &[Won<'_>], v: &LossView<'_>, claim: Claim) -> Finding {
    let sso = ctx.sso_name;
    let explanation = format!(
        "Until {}, every request to {} carried the SSO cookie {sso}; at {} it was gone, and no response in this \
         recording deleted it. A logout in another tab or another SSO application (not recorded here) deletes \
         it and ends the SSO session in all applications, so this one logged the user out. This is expected \
         behaviour.",
        describe(v.before),
        v.timeline.origin,
        describe(v.at)
    );
    let mut ev = vec![
        evidence(v.before, format!("the last request with {sso}")),
        evidence(v.at, format!("no {sso} any more: logged out")),
    ];
    for w in won.iter().skip(1) {
        ev.push(evidence(w.view.at, format!("again without {sso}")));
    }
    Finding {
        losses: indices(won),
        evidence: ev,
        fix: vec![super::prose::SSO_LOGOUT_IS_GLOBAL.to_owned()],
        confirm: vec![
            "Ask the user whether they logged out in another tab or application at that time.".to_owned(),
            "The access logs of the other applications show the logout request (/logout, /secure/Logout!default.jspa, /logout.action).".to_owned(),
        ],
        ..RULE.finding(claim, explanation)
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::{Story, Tester};

    #[test]
    fn explains_a_logout_in_another_application() {
        let t = Tester::new("logout-elsewhere");
        let mut s = Story::new();
        let (jira, wiki) = (s.jira(), s.wiki());
        s.login(jira).sso_login(wiki).work(jira).logout(wiki).wait(1).sent_to_login(jira);
        t.explains("logout", &s.report(true)).explains("logout, sanitized", &s.report(false));
        // The application re-validates only every few minutes: it knew the user after the logout.
        let mut s = Story::new();
        let (jira, wiki) = (s.jira(), s.wiki());
        s.login(jira).sso_login(wiki).logout(wiki).work(jira).wait(4).rejected(jira);
        t.explains("validated later", &s.report(false));
        // Logged out, logged in again there, then this application lost the session: the logout, observed,
        // outranks an inferred ping-pong.
        let mut s = Story::new();
        let (jira, wiki) = (s.jira(), s.wiki());
        s.login(jira).sso_login(wiki).work(jira).logout(wiki).login(wiki).wait(1).rejected(jira);
        t.explains("logout then login elsewhere", &s.report(false));
    }

    #[test]
    fn not_for_the_users_own_logout_or_an_earlier_session() {
        let t = Tester::new("logout-elsewhere");
        let mut s = Story::new();
        let jira = s.jira();
        s.login(jira).work(jira).logout(jira).sent_to_login(jira);
        let r = s.report(true);
        t.not("own logout", &r);
        assert!(r.losses.is_empty(), "a logout is not a loss");
        // A logout elsewhere before this application's own login says nothing about a later loss.
        let mut s = Story::new();
        let (jira, wiki) = (s.jira(), s.wiki());
        s.login(wiki).logout(wiki).login(jira).work_for(jira, 3, 2).rejected(jira);
        t.not("logout before our login", &s.report(true));
    }
}
