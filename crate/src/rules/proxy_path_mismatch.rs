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

use super::{describe, evidence, indices, refs, strongest, Claim, Context, LossView, Rule, Won};
use crate::report::{Confidence, Finding, Severity};
use crate::timeline::{Observation, Timeline};

pub const RULE: Rule = Rule {
    id: "proxy-path-mismatch",
    title: "Logging into another application replaced the SSO token",
    summary: "A login in one application issued a new SSO token that the other application then rejected.",
    severity: Severity::Error,
    symptom: false,
    claim,
    check,
};

/// The last login in another application after the last request this one knew the user on. An
/// application validates a token it has not seen at once, so a login elsewhere before that request left a
/// token this application accepted.
fn login_elsewhere<'a>(v: &LossView<'a>) -> Option<(&'a Timeline, &'a Observation)> {
    v.elsewhere().filter(|(_, o)| o.is_login()).last()
}

/// The loss request carried the token that the other application's login issued.
fn carried(v: &LossView<'_>, issued: &Observation) -> bool {
    issued.token_set().map(|c| c.value).is_some_and(|t| v.at.tokens_sent.contains(&t))
}

fn claim(ctx: &Context<'_>, v: &LossView<'_>) -> Option<Claim> {
    let (_, issued) = ppm_login(v)?;
    if carried(v, issued) {
        return Some(Claim::observed(Confidence::High));
    }
    if v.at.cookies_visible && issued.token_set().is_some() {
        // The cookies are in the HAR and the new token did not reach this request: it did not replace ours.
        return Some(Claim::inferred(Confidence::Low));
    }
    // Seen again and again (the ping-pong), the pattern is hard to explain otherwise.
    let repeated = ctx.losses.iter().filter(|l| ppm_login(l).is_some()).count() > 1;
    Some(Claim::inferred(if repeated { Confidence::High } else { Confidence::Medium }))
}

/// A login elsewhere that can have replaced the token this loss was rejected for.
fn ppm_login<'a>(v: &LossView<'a>) -> Option<(&'a Timeline, &'a Observation)> {
    let (other, issued) = login_elsewhere(v)?;
    if v.node_change().is_some() || v.session_changed() == Some(true) {
        return None;
    }
    // On the same host name both applications share one cookie jar: a login there that replaced this
    // application's session cookie is session-cookie-collision. Only a session that demonstrably survived
    // (or the new token seen arriving) leaves the token to blame.
    let host = |o: &Observation| crate::url::host_name(&o.host).to_owned();
    if host(issued) == host(v.at) && v.session_changed() != Some(false) && !carried(v, issued) {
        return None;
    }
    Some((other, issued))
}

fn check(ctx: &Context<'_>, won: &[Won<'_>]) -> Vec<Finding> {
    let Some(claim) = strongest(won) else { return Vec::new() };
    let hits: Vec<(&LossView<'_>, &Timeline, &Observation)> =
        won.iter().filter_map(|w| login_elsewhere(&w.view).map(|(t, o)| (&w.view, t, o))).collect();
    let Some(&(v, other, issued)) = hits.first() else { return Vec::new() };
    let sso = ctx.sso_name;
    let was_carried = carried(v, issued);
    let mut ev = vec![
        evidence(v.before, format!("last request while logged in to {}", v.timeline.origin)),
        evidence(
            issued,
            if issued.token_set().is_some() {
                format!("the login to {} issued a new {sso} ({})", other.origin, describe(issued))
            } else {
                format!(
                    "the user logged in to {} ({}), which issues a new SSO token",
                    other.origin,
                    describe(issued)
                )
            },
        ),
        evidence(
            v.at,
            if was_carried {
                "this request carried the token from the other application and was logged out".to_owned()
            } else {
                "the next request here was logged out".to_owned()
            },
        ),
    ];
    for (again, other, _) in hits.iter().skip(1) {
        ev.push(evidence(again.at, format!("again, after a login to {}", other.origin)));
    }
    let explanation = format!(
        "The user was logged out of {} at {} right after logging in to {} ({}), which issued a new SSO token. \
         The applications see the user through different proxy paths, so Crowd binds the token to a client \
         address that only the application where it was created agrees with; the other one fails to \
         validate it (INVALID_SSO_TOKEN) and logs the user out.{}",
        v.timeline.origin,
        describe(v.at),
        other.origin,
        describe(issued),
        if hits.len() > 1 { format!(" This ping-pong happened {} times.", hits.len()) } else { String::new() }
    );
    vec![Finding {
        losses: indices(won),
        evidence: ev,
        fix: vec![
            "Add every proxy on the path to each application to Crowd's trusted proxy servers, so that all applications resolve the same client address.".to_owned(),
            "Or serve all applications through the same proxy tier.".to_owned(),
            format!("Then ask users to clear {sso} and log in again."),
        ],
        confirm: vec!["With DEBUG org.apache.http logs of both applications, compare the validation factors each sends for the same token: remote_address or X-Forwarded-For differ.".to_owned()],
        references: vec![refs::TRUSTED_PROXIES.to_owned(), refs::DEBUG_SSO_PROXIES.to_owned()],
        ..RULE.finding(claim, explanation)
    }]
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::{Story, Tester};

    #[test]
    fn explains_a_login_elsewhere_that_replaced_the_token() {
        let t = Tester::new("proxy-path-mismatch");
        let mut s = Story::new();
        let (jira, wiki) = (s.jira(), s.wiki());
        s.login(jira).work_for(jira, 2, 2).login(wiki).work(wiki).rejected(jira);
        t.explains("ping-pong", &s.report(true)).explains("ping-pong, sanitized", &s.report(false));
        s.login(jira).work(jira).rejected(wiki);
        let r = s.report(true);
        t.explains("both ways", &r);
        assert_eq!(r.findings[0].losses, [0, 1]);
    }

    #[test]
    fn a_comment_is_not_a_login_and_a_logout_is_not_a_ping_pong() {
        let t = Tester::new("proxy-path-mismatch");
        // A REST POST answered 201 with Seraph's OK is not a login.
        let mut s = Story::new();
        let (jira, wiki) = (s.jira(), s.wiki());
        s.login(jira).sso_login(wiki).work(jira).comment(wiki).wait(2).rejected(jira);
        t.not("comment elsewhere", &s.report(false));
        // Logged out of the other application, then in again there, in a HAR without cookies: the logout,
        // observed, explains the loss. (With cookies, the loss request carrying the new token would prove
        // the ping-pong: the new token is valid, only its factors can fail.)
        let mut s = Story::new();
        let (jira, wiki) = (s.jira(), s.wiki());
        s.login(jira).sso_login(wiki).work(jira).logout(wiki).login(wiki).rejected(jira);
        t.not("logout then login elsewhere, sanitized", &s.report(false));
        t.explains("logout then login elsewhere, the new token carried", &s.report(true));
        // On the same host name (ports differ), a login there replacing the session is a collision.
        let mut s = Story::new();
        let jira = s.app("https://tools.example.test:8443", true);
        let wiki = s.app("https://tools.example.test:9443", false);
        s.shared_session_cookie = true;
        s.login(jira).work(jira).login(wiki).work(wiki).session_gone(jira);
        t.not("same host name", &s.report(false));
        // A login elsewhere whose token this application then accepted explains nothing later: here the
        // loss, hours later, is the idle timeout.
        let mut s = Story::new();
        let (jira, wiki) = (s.jira(), s.wiki());
        s.login(jira)
            .sso_login(wiki)
            .work(wiki)
            .login(jira)
            .work(wiki)
            .work(jira)
            .wait(360)
            .sent_to_login(wiki);
        t.not("token accepted, then idle", &s.report(true)).not("same, sanitized", &s.report(false));
        Tester::new("idle-timeout").explains("idle", &s.report(true));
    }
}
