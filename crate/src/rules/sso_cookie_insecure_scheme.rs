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

use super::{evidence, indices, refs, strongest, Claim, Context, LossView, Rule, Won};
use crate::report::{Confidence, Finding, Severity};
use crate::signals::CookieKind;
use crate::timeline::Observation;

pub const RULE: Rule = Rule {
    id: "sso-cookie-insecure-scheme",
    title: "The SSO cookie is Secure but the application is used over plain HTTP",
    summary: "The SSO cookie is set with Secure on an http: URL, so the browser never sends it back.",
    severity: Severity::Error,
    symptom: false,
    claim,
    check,
};

fn secure_on_http(o: &Observation) -> bool {
    o.scheme.as_ref() == "http"
        && o.set.iter().any(|c| c.kind == CookieKind::CrowdToken && c.secure && !c.deletes)
}

/// The last SSO token set in this application up to the loss, when it was Secure on http:.
fn dropped_token<'a>(v: &LossView<'a>) -> Option<&'a Observation> {
    let obs = v.timeline.observations.get(..v.loss.at).unwrap_or_default();
    let last =
        obs.iter().rev().find(|o| o.set.iter().any(|c| c.kind == CookieKind::CrowdToken && !c.deletes))?;
    secure_on_http(last).then_some(last)
}

fn claim(ctx: &Context<'_>, v: &LossView<'_>) -> Option<Claim> {
    if let Some(dropped) = dropped_token(v) {
        let carried = dropped.token_set().is_some_and(|c| v.at.tokens_sent.contains(&c.value));
        if !carried {
            return Some(Claim::observed(Confidence::High));
        }
    }
    // A login loop on http: without cookies in the HAR: a Secure SSO cookie is one of two usual reasons.
    (v.at.scheme.as_ref() == "http" && super::sso_cookie_domain::login_loop_unseen(ctx, v))
        .then_some(Claim::inferred(Confidence::Low))
}

fn check(ctx: &Context<'_>, won: &[Won<'_>]) -> Vec<Finding> {
    let sso = ctx.sso_name;
    let seen = won.iter().find_map(|w| dropped_token(&w.view).map(|o| (Some(&w.view), o))).or_else(|| {
        ctx.timelines.iter().flat_map(|t| &t.observations).find(|o| secure_on_http(o)).map(|o| (None, o))
    });
    let Some((loss, o)) = seen else { return Vec::new() };
    let mut ev = vec![evidence(o, format!("Set-Cookie: {sso} with Secure on an http: URL"))];
    for w in won {
        ev.push(evidence(w.view.at, format!("the next request arrived without {sso} and was logged out")));
    }
    let origin = loss.map_or_else(|| format!("http://{}", o.host), |v| v.timeline.origin.clone());
    let explanation = format!(
        "The login on {origin} set the SSO cookie {sso} with the Secure attribute, but the application is \
         used over http:. Browsers only send (and modern ones only accept) Secure cookies over HTTPS, so the \
         token never comes back and the user is logged out again right after logging in."
    );
    let claim = match loss {
        Some(_) => strongest(won).unwrap_or(Claim::observed(Confidence::High)),
        None => Claim::observed(Confidence::Medium),
    };
    vec![Finding {
        losses: indices(won),
        evidence: ev,
        fix: vec![
            "Serve every application over HTTPS (and redirect http: to https:).".to_owned(),
            "Behind a proxy that terminates TLS, configure the Tomcat connector with scheme=\"https\" secure=\"true\" proxyName=\"<public host>\" proxyPort=\"443\" so the application knows it is served over HTTPS.".to_owned(),
            "Only if HTTPS is impossible: turn off the Secure SSO cookie in Crowd's session configuration.".to_owned(),
        ],
        confirm: vec![format!("In the browser's developer tools, the login response shows {sso} blocked because it is Secure on an insecure origin.")],
        references: vec![refs::TOMCAT_CONNECTOR.to_owned(), refs::SESSION_CONFIG.to_owned()],
        ..RULE.finding(claim, explanation)
    }]
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::{Story, Tester};

    #[test]
    fn explains_a_secure_sso_cookie_on_http() {
        let t = Tester::new("sso-cookie-insecure-scheme");
        let mut s = Story::new();
        s.sso_secure = true;
        let jira = s.app("http://jira.example.test/jira", true);
        s.login(jira).sent_to_login(jira);
        t.explains("Secure on http:", &s.report(true));
    }

    #[test]
    fn not_on_https_or_when_the_cookie_is_not_secure() {
        let t = Tester::new("sso-cookie-insecure-scheme");
        let mut s = Story::new();
        s.sso_secure = true;
        let jira = s.jira();
        s.login(jira).work_for(jira, 2, 2).rejected(jira);
        t.not("Secure on https:", &s.report(true));
        let mut s = Story::new();
        s.sso_domain = ".example.com".to_owned();
        let jira = s.app("http://jira.example.test/jira", true);
        s.login(jira).sent_to_login(jira);
        t.not("foreign domain on http:", &s.report(true));
    }
}
