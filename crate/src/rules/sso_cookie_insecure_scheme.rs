//! `sso-cookie-insecure-scheme`: a `Secure` SSO cookie on plain-HTTP URLs, or logins bouncing between
//! schemes, so the token is never sent back.
//!
//! ## Cause
//! With "Secure SSO cookie" on, Crowd sets `crowd.token_key` with `Secure`; browsers reject or never send it
//! over `http:`. An application reached over HTTP (or a proxy that terminates TLS without telling Tomcat)
//! then loses the token right after login.
//!
//! ## Evidence
//! `Set-Cookie: crowd.token_key ...; Secure` on an `http:` URL, followed by a loss; or a login over https
//! followed by requests over http to the same host.
//!
//! ## Fix
//! HTTPS everywhere; behind a TLS-terminating proxy, the connector `scheme="https" secure="true"
//! proxyPort="443"`.
//!
//! ## Sources
//! domain.md sections 3 and 4.5.

use super::{evidence, refs, Context, Rule};
use crate::report::{Confidence, Finding, Severity};
use crate::signals::CookieKind;

pub const RULE: Rule = Rule {
    id: "sso-cookie-insecure-scheme",
    title: "The SSO cookie is Secure but the application is used over plain HTTP",
    summary: "crowd.token_key is set with Secure on an http: URL, so the browser never sends it back.",
    symptom: false,
    check,
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    for t in ctx.timelines {
        for o in &t.observations {
            let secure_on_http = o.scheme.as_ref() == "http"
                && o.set.iter().any(|c| c.kind == CookieKind::CrowdToken && c.secure && !c.deletes);
            if !secure_on_http {
                continue;
            }
            let loss = ctx.losses().find(|v| std::ptr::eq(v.timeline, t) && v.at.time_ms >= o.time_ms);
            let mut ev = vec![evidence(o, "Set-Cookie: crowd.token_key with Secure on an http: URL")];
            if let Some(v) = &loss {
                ev.push(evidence(v.at, "the next request arrived without the SSO token and was logged out"));
            }
            return vec![Finding {
                cause: RULE.id.to_owned(),
                severity: Severity::Error,
                confidence: if loss.is_some() { Confidence::High } else { Confidence::Medium },
                title: RULE.title.to_owned(),
                explanation: format!(
                    "The login on {} set the SSO cookie crowd.token_key with the Secure attribute, but the \
                     application is used over http:. Browsers only send (and modern ones only accept) Secure \
                     cookies over HTTPS, so the token never comes back and the user is logged out again right \
                     after logging in.",
                    t.origin
                ),
                evidence: ev,
                fix: vec![
                    "Serve every application over HTTPS (and redirect http: to https:).".to_owned(),
                    "Behind a proxy that terminates TLS, configure the Tomcat connector with scheme=\"https\" secure=\"true\" proxyName=\"<public host>\" proxyPort=\"443\" so the application knows it is served over HTTPS.".to_owned(),
                    "Only if HTTPS is impossible: turn off the Secure SSO cookie in Crowd's session configuration.".to_owned(),
                ],
                confirm: vec!["In the browser's developer tools, the login response shows crowd.token_key blocked because it is Secure on an insecure origin.".to_owned()],
                references: vec![refs::TOMCAT_CONNECTOR.to_owned(), refs::SESSION_CONFIG.to_owned()],
            }];
        }
    }
    Vec::new()
}
