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

use super::{evidence, refs, Context, Rule};
use crate::report::{Confidence, Finding, Severity};
use crate::signals::CookieKind;

pub const RULE: Rule = Rule {
    id: "sso-cookie-domain",
    title: "The SSO cookie's domain does not match the application's host",
    summary:
        "crowd.token_key is set with a Domain the host is not part of, so the browser never sends it back.",
    symptom: false,
    check,
};

/// RFC 6265 domain matching: the host equals the domain or ends with "." + domain.
pub(crate) fn domain_matches(host: &str, domain: &str) -> bool {
    let host = host.split(':').next().unwrap_or(host).trim_end_matches('.').to_ascii_lowercase();
    let domain = domain.trim_start_matches('.').trim_end_matches('.').to_ascii_lowercase();
    host == domain || host.ends_with(&format!(".{domain}"))
}

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    for t in ctx.timelines {
        for o in &t.observations {
            for c in &o.set {
                let Some(domain) = c.domain.as_deref() else { continue };
                if c.kind != CookieKind::CrowdToken || c.deletes || domain_matches(&o.host, domain) {
                    continue;
                }
                let host = o.host.split(':').next().unwrap_or(&o.host).to_owned();
                let loss = ctx.losses().find(|v| std::ptr::eq(v.timeline, t) && v.at.time_ms >= o.time_ms);
                let mut ev = vec![evidence(o, format!("Set-Cookie: crowd.token_key with Domain={domain} from host {host}: the browser rejects it"))];
                if let Some(v) = &loss {
                    ev.push(evidence(
                        v.at,
                        "the next request arrived without the SSO token and was logged out",
                    ));
                }
                let parent = host.split_once('.').map_or(host.as_str(), |(_, p)| p).to_owned();
                return vec![Finding {
                    cause: RULE.id.to_owned(),
                    severity: Severity::Error,
                    confidence: if loss.is_some() { Confidence::High } else { Confidence::Medium },
                    title: RULE.title.to_owned(),
                    explanation: format!(
                        "The login on {} set the SSO cookie crowd.token_key for the domain {domain}, but the host is \
                         {host}, which is not in that domain. Browsers drop such cookies, so the token never comes \
                         back and every login ends in a logout: a login loop.",
                        t.origin
                    ),
                    evidence: ev,
                    fix: vec![
                        format!("Set Crowd's SSO domain (Crowd administration > Session configuration / cookie.domain in crowd.properties) to the common parent domain of all applications, e.g. .{parent}."),
                        "Restart the application if its crowd.properties changed, then ask users to log in again.".to_owned(),
                    ],
                    confirm: vec!["In the browser's developer tools, the login response shows crowd.token_key blocked because of its Domain attribute.".to_owned()],
                    references: vec![refs::SESSION_CONFIG.to_owned()],
                }];
            }
        }
    }
    login_loop_without_cookies(ctx)
}

/// Without cookies in the HAR, a session lost on the very first request after a successful login is the
/// trace of an SSO cookie the browser refused; its domain is the most common reason, a Secure flag on http:
/// the other.
fn login_loop_without_cookies(ctx: &Context<'_>) -> Vec<Finding> {
    let loops: Vec<_> = ctx.losses().filter(|v| v.right_after_login() && !v.at.cookies_visible).collect();
    let Some(v) = loops.first() else { return Vec::new() };
    let http = v.at.scheme.as_ref() == "http";
    vec![Finding {
        cause: RULE.id.to_owned(),
        severity: Severity::Error,
        confidence: Confidence::Low,
        title: "The login does not stick: the SSO cookie never comes back".to_owned(),
        explanation: format!(
            "On {}, the login succeeded ({}), but the very next request was anonymous ({}){}. The browser did not              send back the SSO cookie set at login. The usual reason is an SSO domain that does not match the              host{}. This HAR was exported without cookies, so the Set-Cookie header that would show which one is              missing.",
            v.timeline.origin,
            super::describe(v.before),
            super::describe(v.at),
            if loops.len() > 1 { format!(", {} times", loops.len()) } else { String::new() },
            if http { "; another is a Secure cookie on this http: site (see sso-cookie-insecure-scheme)" } else { "" }
        ),
        evidence: loops.iter().flat_map(|l| [evidence(l.before, "login succeeded"), evidence(l.at, "the next request was logged out")]).collect(),
        fix: vec![
            "Set Crowd's SSO domain to the common parent domain of all applications.".to_owned(),
            "If the site is served over http:, serve it over HTTPS (or turn off the Secure SSO cookie).".to_owned(),
        ],
        confirm: vec!["Record the HAR with cookies (Chrome DevTools settings: \"Allow to generate HAR with sensitive data\") and analyze it again: the login's Set-Cookie: crowd.token_key shows its Domain and Secure attributes.".to_owned()],
        references: vec![refs::SESSION_CONFIG.to_owned()],
    }]
}

#[cfg(test)]
mod tests {
    use super::domain_matches;

    #[test]
    fn rfc_6265_domain_matching() {
        assert!(domain_matches("jira.example.com", ".example.com"));
        assert!(domain_matches("jira.example.com:8443", "example.com"));
        assert!(domain_matches("example.com", ".example.com"));
        assert!(!domain_matches("jira.example.test", ".example.com"));
        assert!(!domain_matches("badexample.com", "example.com"));
    }
}
