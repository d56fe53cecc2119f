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

use super::{describe, evidence, indices, strongest, Claim, Context, LossView, Rule, Won};
use crate::logs::{CrowdValidation, SessionOp};
use crate::report::{Confidence, Finding, Severity};
use crate::signals::CookieKind;
use crate::timeline::{Observation, Timeline};

pub const RULE: Rule = Rule {
    id: "session-cookie-collision",
    title: "Two applications overwrite each other's session cookie",
    summary: "Two applications on one host set JSESSIONID with the same path (or two SSO tokens are sent), so each replaces the other's session.",
    severity: Severity::Error,
    symptom: false,
    claim,
    check,
};

fn host_name(o: &Observation) -> &str {
    crate::url::host_name(&o.host)
}

/// The first `JSESSIONID` this timeline set, with its path.
fn session_cookie(t: &Timeline) -> Option<(&Observation, &str)> {
    t.observations.iter().find_map(|o| {
        o.set
            .iter()
            .find(|c| c.kind == CookieKind::Session && !c.deletes)
            .map(|c| (o, c.path.as_deref().unwrap_or("/")))
    })
}

/// Two applications of one input on the same host name (cookies ignore ports) that set `JSESSIONID` for the
/// same path: the browser keeps one cookie for both.
fn colliding_pairs<'a>(ctx: &Context<'a>) -> Vec<(&'a Timeline, &'a Timeline)> {
    let mut pairs = Vec::new();
    for (i, a) in ctx.timelines.iter().enumerate() {
        let Some((oa, pa)) = session_cookie(a) else { continue };
        for b in ctx.timelines.iter().skip(i + 1).filter(|b| b.input == a.input) {
            let Some((ob, pb)) = session_cookie(b) else { continue };
            if host_name(oa) == host_name(ob) && pa.trim_end_matches('/') == pb.trim_end_matches('/') {
                pairs.push((a, b));
            }
        }
    }
    pairs
}

/// Another application on the same host name was used between the last good request and the loss, and the
/// HTTP session changed (or the HAR cannot tell): the browser shares one cookie jar between them.
pub(crate) fn shares_cookies_with_other_app(v: &LossView<'_>) -> bool {
    let host = host_name(v.at);
    v.session_changed() != Some(false)
        && v.elsewhere().any(|(t, o)| {
            host_name(o) == host
                && t.observations.iter().any(|x| x.asession_id.is_some() || x.session_sent.is_some())
        })
}

/// Two different SSO tokens in one Cookie header: environments sharing a parent domain.
fn two_tokens(o: &Observation) -> bool {
    o.tokens_sent.len() > 1 && o.tokens_sent.windows(2).any(|w| w[0] != w[1])
}

/// In the server logs, Crowd refused as unknown a token that this Crowd never issued (no creation or
/// successful validation of it in logs that do hold logins): the browser sent another environment's SSO
/// cookie, which shares the parent domain and the name.
fn foreign_token_refused<'a>(ctx: &Context<'a>) -> Option<&'a CrowdValidation> {
    let logs = ctx.logs?;
    let v = &logs.validations;
    v.iter().enumerate().find_map(|(i, call)| {
        let token = call.token.as_ref()?;
        let unknown = call.reason.as_deref() == Some("INVALID_SSO_TOKEN")
            && (call.status == Some(404)
                || call.message.as_deref().is_some_and(|m| m.contains("Failed to find entity")));
        let known_here = v.iter().any(|o| {
            o.token.as_ref() == Some(token)
                && o.reason.is_none()
                && matches!(o.operation, SessionOp::Create | SessionOp::Validate)
        });
        let logins_logged = v[..i].iter().any(|o| o.operation == SessionOp::Create && o.reason.is_none());
        (unknown && !known_here && logins_logged).then_some(call)
    })
}

fn claim(ctx: &Context<'_>, v: &LossView<'_>) -> Option<Claim> {
    if two_tokens(v.at) {
        return Some(Claim::observed(Confidence::High));
    }
    if v.right_after_login() && foreign_token_refused(ctx).is_some() {
        return Some(Claim::observed(Confidence::High));
    }
    let visited_other = |other: &Timeline| v.elsewhere().any(|(t, _)| std::ptr::eq(t, other));
    let configured = colliding_pairs(ctx).into_iter().any(|(a, b)| {
        (std::ptr::eq(a, v.timeline) && visited_other(b)) || (std::ptr::eq(b, v.timeline) && visited_other(a))
    });
    if configured {
        return Some(Claim::observed(Confidence::High));
    }
    if !shares_cookies_with_other_app(v) || v.at.cookies_visible {
        return None;
    }
    // No cookies in the HAR: the HTTP session changed right after the user worked in the other application,
    // or logged in there (a login always sets a new session cookie).
    let host = host_name(v.at);
    let login_there = v.elsewhere().any(|(_, o)| host_name(o) == host && o.is_login());
    Some(Claim::inferred(if v.session_changed() == Some(true) || login_there {
        Confidence::Medium
    } else {
        Confidence::Low
    }))
}

fn check(ctx: &Context<'_>, won: &[Won<'_>]) -> Vec<Finding> {
    if let Some(w) = won.iter().find(|w| two_tokens(w.view.at)) {
        return vec![two_tokens_finding(ctx, w.view.timeline, w.view.at, won)];
    }
    if let (Some(call), Some(w)) =
        (foreign_token_refused(ctx), won.iter().find(|w| w.view.right_after_login()))
    {
        return vec![foreign_token_finding(ctx, call, &w.view, won)];
    }
    if let Some(&(a, b)) = colliding_pairs(ctx).first() {
        let (Some((oa, pa)), Some((ob, pb))) = (session_cookie(a), session_cookie(b)) else {
            return Vec::new();
        };
        let mut ev = vec![
            evidence(oa, format!("{} sets JSESSIONID with Path={pa}", a.origin)),
            evidence(ob, format!("{} sets JSESSIONID with Path={pb} on the same host name", b.origin)),
        ];
        for w in won {
            ev.push(evidence(w.view.at, format!("back on {}, the session is gone", w.view.timeline.origin)));
        }
        let explanation = format!(
            "{} and {} run on the same host name and both set the session cookie JSESSIONID for the path \
             {pa}. Browsers keep one cookie per name, host and path (ports do not count), so each \
             application replaces the other's session cookie and the user is logged out at every switch.",
            a.origin, b.origin
        );
        let claim = strongest(won).unwrap_or(Claim::observed(Confidence::Medium));
        return vec![Finding {
            losses: indices(won),
            evidence: ev,
            fix: vec![
                "Give each application its own host name (jira.example.com, wiki.example.com), or its own context path with the session cookie limited to it (/jira, /wiki), or its own session cookie name (Tomcat <Context sessionCookieName=\"JSESSIONID_WIKI\">).".to_owned(),
                "Ask users to clear the host's cookies once the change is made.".to_owned(),
            ],
            confirm: vec!["In the browser's developer tools, watch JSESSIONID for the host while switching applications: its value changes at every switch.".to_owned()],
            ..RULE.finding(claim, explanation)
        }];
    }
    if let Some((t, o)) =
        ctx.timelines.iter().find_map(|t| t.observations.iter().find(|o| two_tokens(o)).map(|o| (t, o)))
    {
        return vec![two_tokens_finding(ctx, t, o, won)];
    }
    let Some(claim) = strongest(won) else { return Vec::new() };
    let v = &won[0].view;
    let host = host_name(v.at).to_owned();
    let mut ev = Vec::new();
    if let Some((t, o)) = v.elsewhere().find(|(_, o)| host_name(o) == host) {
        ev.push(evidence(o, format!("the user worked in {} on the same host name", t.origin)));
    }
    ev.push(evidence(v.at, "back here, the HTTP session was gone"));
    let explanation = format!(
        "{} lost the session at {} right after the user used another application on the same host name \
         {host}. Browsers share cookies between the ports and paths of one host name, so two applications \
         that both use the JSESSIONID cookie for the same path overwrite each other's session. The HAR has \
         no cookies to show it directly; a HAR with cookies would.",
        v.timeline.origin,
        describe(v.at)
    );
    vec![Finding {
        losses: indices(won),
        evidence: ev,
        fix: vec!["Give each application its own host name, context path or session cookie name (Tomcat <Context sessionCookieName=...>).".to_owned()],
        confirm: vec![super::prose::record_with_cookies("JSESSIONID, set by each application for the same host name and path, shows the collision")],
        ..RULE.finding(claim, explanation)
    }]
}

fn two_tokens_finding(ctx: &Context<'_>, t: &Timeline, o: &Observation, won: &[Won<'_>]) -> Finding {
    let sso = ctx.sso_name;
    let explanation = format!(
        "A request to {} carried two different {sso} cookies: two SSO environments share a parent domain and \
         cookie name, and the application validates the first one, which its Crowd does not know.",
        t.origin
    );
    let claim = strongest(won).unwrap_or(Claim::observed(Confidence::Medium));
    let mut ev = vec![evidence(o, format!("{} {sso} values in one Cookie header", o.tokens_sent.len()))];
    for w in won.iter().filter(|w| !std::ptr::eq(w.view.at, o)) {
        ev.push(evidence(w.view.at, "again two SSO tokens, logged out"));
    }
    Finding {
        losses: indices(won),
        evidence: ev,
        fix: vec!["Give each SSO environment its own SSO domain or cookie name (Crowd session configuration, cookie.tokenkey).".to_owned()],
        confirm: vec![format!("List the cookies of the parent domain in the browser: two {sso} cookies with different domains or paths.")],
        ..RULE.finding(claim, explanation)
    }
}

fn foreign_token_finding(
    ctx: &Context<'_>,
    call: &CrowdValidation,
    v: &LossView<'_>,
    won: &[Won<'_>],
) -> Finding {
    let sso = ctx.sso_name;
    let explanation = format!(
        "Right after the login at {} on {}, the application sent Crowd an SSO token that this Crowd never \
         issued, and Crowd answered that it does not exist: the browser sent another SSO environment's \
         {sso} cookie (one that shares the parent domain and the cookie name, such as a staging \
         environment), and the application read it instead of the one its own login set.",
        describe(v.before),
        v.timeline.origin
    );
    let mut ev = vec![
        evidence(v.before, "the login succeeded"),
        super::validations::evidence(
            ctx,
            call,
            format!(
                "Crowd refused a token it never issued: {} {}",
                call.reason.as_deref().unwrap_or_default(),
                call.message.as_deref().unwrap_or_default()
            ),
        ),
    ];
    for w in won {
        ev.push(evidence(w.view.at, "the next request was logged out"));
    }
    Finding {
        losses: indices(won),
        evidence: ev,
        fix: vec![format!("Give each SSO environment its own SSO domain or its own cookie name (Crowd session configuration, cookie.tokenkey), so that their {sso} cookies never meet in one browser.")],
        confirm: vec![format!("List the cookies of the parent domain in the browser: two {sso} cookies with different domains or paths.")],
        ..RULE.finding(Claim::observed(Confidence::High), explanation)
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::{Story, Tester};

    /// Two applications on one host name, both with `JSESSIONID; Path=/`, no SSO between them.
    fn collide(jira_base: &str, wiki_base: &str) -> Story {
        let mut s = Story::new();
        s.shared_session_cookie = true;
        let jira = s.app(jira_base, true);
        let wiki = s.app(wiki_base, false);
        s.login(jira).work(jira).login(wiki).work(wiki).wait(1).session_gone(jira);
        s
    }

    #[test]
    fn explains_two_applications_sharing_one_session_cookie() {
        let t = Tester::new("session-cookie-collision");
        let ports = collide("https://tools.example.test:8443", "https://tools.example.test:9443");
        t.explains("ports", &ports.report(true)).explains("ports, sanitized", &ports.report(false));
        // Jira under /jira and Confluence under /wiki behind one proxy, both setting Path=/: two
        // applications, and the first loss is the first one.
        let paths = collide("https://apps.example.test/jira", "https://apps.example.test/wiki");
        let r = paths.report(true);
        t.explains("context paths", &r);
        assert_eq!(r.summary.origins, 1);
        assert_eq!(r.losses[0].origin, "https://apps.example.test/jira");
        t.explains("context paths, sanitized", &paths.report(false));
    }

    #[test]
    fn not_for_applications_with_their_own_cookie_paths() {
        let t = Tester::new("session-cookie-collision");
        let mut s = Story::new();
        let jira = s.app("https://apps.example.test/jira", true);
        let wiki = s.app("https://apps.example.test/wiki", false);
        s.login(jira).work(jira).sso_login(wiki).work(wiki).work(jira).wait(2).rejected(jira);
        let r = s.report(true);
        t.not("separate paths", &r);
        assert_eq!(r.losses.len(), 1);
        // The first visit to the other application is never a loss.
        let mut s = Story::new();
        let jira = s.app("https://apps.example.test/jira", true);
        let wiki = s.app("https://apps.example.test/wiki", false);
        s.login(jira).work(jira).sent_to_login(wiki).login(wiki).work(jira);
        let r = s.report(false);
        assert!(r.losses.is_empty(), "{}", crate::rules::tester::summary(&r));
    }
}
