//! `session-cookie-collision`: two applications on one host share the `JSESSIONID` cookie (or two SSO tokens
//! share one name), so each overwrites the other's session.
//!
//! ## Cause
//! Cookies ignore ports. Two applications on the same host (different ports, or the same context path) both
//! set `JSESSIONID` with `Path=/`; every visit to one replaces the other's session cookie, and switching
//! back finds the session gone. Environments sharing a parent domain do the same with `crowd.token_key`.
//!
//! ## Evidence
//! Two applications on one host name setting `JSESSIONID` with the same path; `X-ASESSIONID` changing at
//! each switch; or two `crowd.token_key` values in one Cookie header.
//!
//! ## Fix
//! Distinct host names, distinct context paths, or distinct session cookie names.
//!
//! ## Sources
//! domain.md section 4.6; RFC 6265 section 8.5 (cookies do not provide isolation by port).

use super::{describe, evidence, Context, LossView, Rule};
use crate::report::{Confidence, Finding, Severity};
use crate::signals::CookieKind;
use crate::timeline::{Observation, Timeline};

pub const RULE: Rule = Rule {
    id: "session-cookie-collision",
    title: "Two applications overwrite each other's session cookie",
    summary: "Two applications on one host set JSESSIONID with the same path (or two crowd.token_key values are sent), so each replaces the other's session.",
    symptom: false,
    check,
};

fn host_name(o: &Observation) -> &str {
    o.host.split(':').next().unwrap_or(&o.host)
}

/// The first `JSESSIONID` this timeline set with its path.
fn session_cookie(t: &Timeline) -> Option<(&Observation, &str)> {
    t.observations.iter().find_map(|o| {
        o.set
            .iter()
            .find(|c| c.kind == CookieKind::Session && !c.deletes)
            .map(|c| (o, c.path.as_deref().unwrap_or("/")))
    })
}

/// Another application of the recording runs on the same host name (cookies ignore ports) and was used
/// between the last good request and the loss: the browser shares one cookie jar between them.
pub(crate) fn shares_cookies_with_other_app(v: &LossView<'_>) -> bool {
    let host = host_name(v.at);
    v.elsewhere().any(|(t, o)| {
        host_name(o) == host
            && !o.host.eq(&v.at.host)
            && t.observations.iter().any(|x| x.asession_id.is_some())
    })
}

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let timelines = ctx.timelines;
    for (i, a) in timelines.iter().enumerate() {
        let Some((oa, pa)) = session_cookie(a) else { continue };
        for b in timelines.iter().skip(i + 1).filter(|b| b.input == a.input) {
            let Some((ob, pb)) = session_cookie(b) else { continue };
            if host_name(oa) != host_name(ob) || pa.trim_end_matches('/') != pb.trim_end_matches('/') {
                continue;
            }
            let mut ev = vec![
                evidence(oa, format!("{} sets JSESSIONID with Path={pa}", a.origin)),
                evidence(ob, format!("{} sets JSESSIONID with Path={pb} on the same host name", b.origin)),
            ];
            let losses: Vec<_> =
                ctx.losses().filter(|v| std::ptr::eq(v.timeline, a) || std::ptr::eq(v.timeline, b)).collect();
            for v in &losses {
                ev.push(evidence(v.at, format!("back on {}, the session is gone", v.timeline.origin)));
            }
            return vec![Finding {
                cause: RULE.id.to_owned(),
                severity: Severity::Error,
                confidence: if losses.is_empty() { Confidence::Medium } else { Confidence::High },
                title: RULE.title.to_owned(),
                explanation: format!(
                    "{} and {} run on the same host name and both set the session cookie JSESSIONID for the path \
                     {pa}. Browsers keep one cookie per name, host and path (ports do not count), so each \
                     application replaces the other's session cookie and the user is logged out at every switch.",
                    a.origin, b.origin
                ),
                evidence: ev,
                fix: vec![
                    "Give each application its own host name (jira.example.com, wiki.example.com), or its own context path (/jira, /wiki), or its own session cookie name (Tomcat <Context sessionCookieName=\"JSESSIONID_WIKI\">).".to_owned(),
                    "Ask users to clear the host's cookies once the change is made.".to_owned(),
                ],
                confirm: vec!["In the browser's developer tools, watch JSESSIONID for the host while switching applications: its value changes at every switch.".to_owned()],
                references: Vec::new(),
            }];
        }
    }
    if let Some(v) = ctx.losses().find(shares_cookies_with_other_app) {
        let host = host_name(v.at).to_owned();
        let visited = v.elsewhere().find(|(_, o)| host_name(o) == host);
        let mut ev = Vec::new();
        if let Some((t, o)) = visited {
            ev.push(evidence(o, format!("the user worked in {} on the same host name", t.origin)));
        }
        ev.push(evidence(v.at, "back here, the session was gone"));
        return vec![Finding {
            cause: RULE.id.to_owned(),
            severity: Severity::Error,
            confidence: Confidence::Medium,
            title: RULE.title.to_owned(),
            explanation: format!(
                "{} lost the session ({}) right after the user used another application on the same host name                  {host} (on another port). Browsers share cookies between ports, so two applications that both                  use the JSESSIONID cookie for the same path overwrite each other's session. The HAR has no                  cookies to show it directly; a HAR with cookies would.",
                v.timeline.origin,
                describe(v.at)
            ),
            evidence: ev,
            fix: vec!["Give each application its own host name, context path or session cookie name (Tomcat <Context sessionCookieName=...>).".to_owned()],
            confirm: vec!["Record a HAR with cookies (Chrome: enable \"Allow to generate HAR with sensitive data\" in DevTools settings) or watch JSESSIONID in the browser while switching applications.".to_owned()],
            references: Vec::new(),
        }];
    }
    for t in timelines {
        if let Some(o) = t
            .observations
            .iter()
            .find(|o| o.tokens_sent.len() > 1 && o.tokens_sent.windows(2).any(|w| w[0] != w[1]))
        {
            return vec![Finding {
                cause: RULE.id.to_owned(),
                severity: Severity::Error,
                confidence: Confidence::Medium,
                title: RULE.title.to_owned(),
                explanation: format!(
                    "A request to {} carried two different crowd.token_key cookies: two SSO environments share a \
                     parent domain and cookie name, and the application may validate the wrong one.",
                    t.origin
                ),
                evidence: vec![evidence(o, format!("{} crowd.token_key values in one Cookie header", o.tokens_sent.len()))],
                fix: vec!["Give each SSO environment its own SSO domain or cookie name (Crowd session configuration, cookie.tokenkey).".to_owned()],
                confirm: vec!["List the cookies of the parent domain in the browser: two crowd.token_key cookies with different domains or paths.".to_owned()],
                references: Vec::new(),
            }];
        }
    }
    Vec::new()
}
