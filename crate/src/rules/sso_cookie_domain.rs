//! `sso-cookie-domain`: the SSO cookie is set for a domain the host is not in, so the browser drops it and
//! the login loops.
//!
//! ## Cause
//! Crowd's SSO domain (or `cookie.domain`) does not domain-match the application's host: the browser rejects
//! `Set-Cookie: crowd.token_key=...; Domain=.example.com` from `jira.example.test`, the next request arrives
//! without the token, and Seraph logs the user out right after a successful login.
//!
//! ## Evidence
//! A `Set-Cookie: crowd.token_key` whose `Domain` does not domain-match the host that set it, followed by a
//! loss on the next request (needs the cookies in the HAR).
//!
//! ## Fix
//! Set the SSO domain to the common parent of the applications' hosts (`.example.com`).
//!
//! ## Sources
//! domain.md sections 3 and 4.4; RFC 6265 section 5.1.3 (domain matching).

use super::{evidence, indices, refs, strongest, Claim, Context, LossView, Rule, Won};
use crate::report::{Confidence, Finding, Severity};
use crate::signals::CookieKind;
use crate::timeline::{CookieSet, Observation};

pub const RULE: Rule = Rule {
    id: "sso-cookie-domain",
    title: "The SSO cookie's domain does not match the application's host",
    summary:
        "The SSO cookie is set with a Domain the host is not part of, so the browser never sends it back.",
    severity: Severity::Error,
    symptom: false,
    claim,
    check,
};

/// RFC 6265 domain matching: the host equals the domain or ends with "." + domain.
pub(crate) fn domain_matches(host: &str, domain: &str) -> bool {
    let host = crate::url::host_name(host).trim_end_matches('.').to_ascii_lowercase();
    let domain = domain.trim_start_matches('.').trim_end_matches('.').to_ascii_lowercase();
    host == domain || host.ends_with(&format!(".{domain}"))
}

/// An SSO token set for a domain its host is not in: the browser drops it.
fn foreign_domain(o: &Observation) -> Option<&CookieSet> {
    o.set.iter().find(|c| {
        c.kind == CookieKind::CrowdToken
            && !c.deletes
            && c.domain.as_deref().is_some_and(|d| !domain_matches(&o.host, d))
    })
}

/// The last SSO token set in this application up to the loss, when the browser had to drop it.
fn dropped_token<'a>(v: &LossView<'a>) -> Option<&'a Observation> {
    let obs = v.timeline.observations.get(..v.loss.at).unwrap_or_default();
    let last =
        obs.iter().rev().find(|o| o.set.iter().any(|c| c.kind == CookieKind::CrowdToken && !c.deletes))?;
    foreign_domain(last).map(|_| last)
}

/// A login that does not stick, in a HAR without cookies: the session is lost on the very first request
/// after a successful login.
pub(crate) fn login_loop_unseen(ctx: &Context<'_>, v: &LossView<'_>) -> bool {
    v.right_after_login() && !ctx.cookies_exported(v.timeline.input)
}

fn claim(ctx: &Context<'_>, v: &LossView<'_>) -> Option<Claim> {
    if let Some(dropped) = dropped_token(v) {
        let carried = dropped.token_set().is_some_and(|c| v.at.tokens_sent.contains(&c.value));
        if !carried {
            return Some(Claim::observed(Confidence::High));
        }
    }
    // Without cookies the Set-Cookie that would show why is missing: the domain is the usual reason.
    login_loop_unseen(ctx, v).then_some(Claim::inferred(Confidence::Low))
}

fn check(ctx: &Context<'_>, won: &[Won<'_>]) -> Vec<Finding> {
    let sso = ctx.sso_name;
    let seen = won.iter().find_map(|w| dropped_token(&w.view).map(|o| (Some(&w.view), o))).or_else(|| {
        ctx.timelines
            .iter()
            .flat_map(|t| &t.observations)
            .find(|o| foreign_domain(o).is_some())
            .map(|o| (None, o))
    });
    if let Some((loss, o)) = seen {
        let Some(cookie) = foreign_domain(o) else { return Vec::new() };
        let domain = cookie.domain.as_deref().unwrap_or_default();
        let host = crate::url::host_name(&o.host).to_owned();
        let mut ev = vec![evidence(
            o,
            format!("Set-Cookie: {sso} with Domain={domain} from host {host}: the browser rejects it"),
        )];
        for w in won {
            ev.push(evidence(
                w.view.at,
                format!("the next request arrived without {sso} and was logged out"),
            ));
        }
        let parent = host.split_once('.').map_or(host.as_str(), |(_, p)| p).to_owned();
        let origin = loss.map_or_else(|| o.host.to_string(), |v| v.timeline.origin.clone());
        let explanation = format!(
            "The login on {origin} set the SSO cookie {sso} for the domain {domain}, but the host is {host}, \
             which is not in that domain. Browsers drop such cookies, so the token never comes back and every \
             login ends in a logout: a login loop."
        );
        let claim = match loss {
            Some(_) => strongest(won).unwrap_or(Claim::observed(Confidence::High)),
            // The setting is wrong, but no loss in this recording shows its effect.
            None => Claim::observed(Confidence::Medium),
        };
        return vec![Finding {
            losses: indices(won),
            evidence: ev,
            fix: vec![
                format!("Set Crowd's SSO domain (Crowd administration > Session configuration / cookie.domain in crowd.properties) to the common parent domain of all applications, e.g. .{parent}."),
                "Restart the application if its crowd.properties changed, then ask users to log in again.".to_owned(),
            ],
            confirm: vec![format!("In the browser's developer tools, the login response shows {sso} blocked because of its Domain attribute.")],
            references: vec![refs::SESSION_CONFIG.to_owned()],
            ..RULE.finding(claim, explanation)
        }];
    }
    login_loop(ctx, won)
}

/// The finding for login loops in a HAR exported without cookies: the domain is the usual reason, a Secure
/// cookie on http: the other, and the HAR cannot tell them apart.
fn login_loop(ctx: &Context<'_>, won: &[Won<'_>]) -> Vec<Finding> {
    let Some(claim) = strongest(won) else { return Vec::new() };
    let v = &won[0].view;
    let http = v.at.scheme.as_ref() == "http";
    let explanation = format!(
        "On {}, the login at {} succeeded, but the very next request, {}, was anonymous{}. The browser did \
         not send back the SSO cookie set at login. The usual reason is an SSO domain that does not match \
         the host{}. This HAR was exported without cookies, so it lacks the Set-Cookie header that would tell \
         which.",
        v.timeline.origin,
        super::describe(v.before),
        super::describe(v.at),
        if won.len() > 1 { format!("; this happened {} times", won.len()) } else { String::new() },
        if http { "; another is a Secure cookie on this http: site (see sso-cookie-insecure-scheme)" } else { "" }
    );
    vec![Finding {
        title: "The login does not stick: the SSO cookie never comes back".to_owned(),
        losses: indices(won),
        evidence: won
            .iter()
            .flat_map(|w| {
                [
                    evidence(w.view.before, "login succeeded"),
                    evidence(w.view.at, "the next request was logged out"),
                ]
            })
            .collect(),
        fix: vec![
            "Set Crowd's SSO domain to the common parent domain of all applications.".to_owned(),
            "If the site is served over http:, serve it over HTTPS (or turn off the Secure SSO cookie)."
                .to_owned(),
        ],
        confirm: vec![super::prose::record_with_cookies(&format!(
            "the login's Set-Cookie: {} shows its Domain and Secure attributes",
            ctx.sso_name
        ))],
        references: vec![refs::SESSION_CONFIG.to_owned()],
        ..RULE.finding(claim, explanation)
    }]
}

#[cfg(test)]
mod tests {
    use super::domain_matches;
    use crate::report::{Basis, Confidence};
    use crate::rules::tester::{Story, Tester};

    #[test]
    fn explains_a_login_loop_from_a_foreign_cookie_domain() {
        let t = Tester::new("sso-cookie-domain");
        let mut s = Story::new();
        s.sso_domain = ".example.com".to_owned();
        let jira = s.jira();
        s.login(jira).sent_to_login(jira).login(jira).sent_to_login(jira);
        let r = s.report(true);
        t.explains("foreign domain", &r);
        assert_eq!((r.findings[0].basis, r.findings[0].confidence), (Basis::Observed, Confidence::High));
        assert_eq!(r.findings[0].losses, [0, 1]);
        // Without cookies the same loop is only a guess, and the report says what would tell.
        let r = s.report(false);
        t.explains("login loop, sanitized", &r);
        assert_eq!(r.findings[0].basis, Basis::Inferred);
        assert!(r.findings[0].explanation.contains("exported without cookies"));
    }

    #[test]
    fn not_for_a_matching_domain_or_a_loop_the_cookies_do_not_explain() {
        let t = Tester::new("sso-cookie-domain");
        let mut s = Story::new();
        let jira = s.jira();
        s.login(jira).work_for(jira, 2, 2).rejected(jira);
        t.not("matching domain", &s.report(true));
        // A HAR with cookies where the login set no foreign domain: never "exported without cookies".
        let mut s = Story::new();
        let jira = s.jira();
        s.login(jira).sent_to_login(jira);
        let r = s.report(true);
        t.not("loop with a good cookie", &r);
        assert!(r.findings.iter().all(|f| !f.explanation.contains("without cookies")), "{r:#?}");
    }

    #[test]
    fn rfc_6265_domain_matching() {
        assert!(domain_matches("jira.example.com", ".example.com"));
        assert!(domain_matches("jira.example.com:8443", "example.com"));
        assert!(domain_matches("example.com", ".example.com"));
        assert!(!domain_matches("jira.example.test", ".example.com"));
        assert!(!domain_matches("badexample.com", "example.com"));
    }
}
