//! `proxy-address-change`: an untrusted proxy in the chain changed its address, so Crowd saw "another client"
//! and rejected the SSO token (the KB case).
//!
//! ## Cause
//! The SSO token is bound to validation factors: `remote_address` and `X-Forwarded-For`. With a proxy in the
//! chain missing from Crowd's trusted-proxy list, Crowd's documented right-to-left rule resolves the client to
//! that proxy; when it gets a new address, the next validation (every `session.validationinterval` minutes)
//! fails with `INVALID_SSO_TOKEN` "Token doesn't match the existing token." and Seraph logs the user out.
//!
//! ## Evidence
//! From a HAR alone this is an inference by elimination: logged-in responses, then a logout event minutes
//! later during active use with no change of HTTP session (`X-ASESSIONID`/`JSESSIONID`), node, JVM or edge,
//! no idle gap, no logout or login elsewhere; the stale `crowd.token_key` still sent; repeating after
//! re-login. The server logs confirm it: validation factors whose hops differ between validations.
//!
//! ## Fix
//! Add every proxy hop and the app-facing proxy to Crowd's trusted proxies (Crowd administration > Trusted
//! proxy servers; no restart), then clear the session cookies; or turn off "Require consistent client IP
//! address" (less secure).
//!
//! ## Sources
//! domain.md sections 1, 2 and 4.1; the Atlassian KB "Users being logged out from JIRA"; Crowd's
//! "Configuring trusted proxy servers".

use super::facts::IDLE_MS;
use super::validations::AddressChange;
use super::{describe, evidence, indices, refs, strongest, Claim, Context, LossView, Rule, Won};
use crate::net;
use crate::report::{Confidence, Finding, Severity};

pub const RULE: Rule = Rule {
    id: "proxy-address-change",
    title: "A proxy that Crowd does not trust changed its address",
    summary: "The session was lost during active use with nothing else changing: Crowd rejected the SSO token because a proxy hop's address changed.",
    severity: Severity::Error,
    symptom: false,
    claim,
    check,
};

/// Whether nothing the browser can see explains this loss: the shape of a rejected SSO token. Shared with
/// the rules that point back to this cause.
pub(crate) fn unexplained(v: &LossView<'_>) -> bool {
    v.session_changed() != Some(true)
        && v.node_change().is_none()
        && !v.jvm_restart()
        && v.edge_change().is_none_or(|(a, b)| a.is_ipv4() == b.is_ipv4())
        && v.idle_before_ms().is_none_or(|ms| ms < IDLE_MS)
        && !v.before.logout_request
        // A logout elsewhere counts since this application's token was issued (it re-validates only now and
        // then); a new token elsewhere only after the last request here (a token it has not seen is validated
        // at once, so one it already accepted explains nothing).
        && !v.elsewhere_since_token().any(|(_, o)| o.logout_request || o.token_deleted())
        && !v.elsewhere().any(|(_, o)| o.is_login() || o.token_issued())
        && !super::session_cookie_collision::shares_cookies_with_other_app(v)
        && (!v.at.cookies_visible || !v.at.tokens_sent.is_empty())
        && !v.right_after_login()
}

fn claim(ctx: &Context<'_>, v: &LossView<'_>) -> Option<Claim> {
    if let Some(change) = &ctx.address_change {
        // The logs hold the refusal and its factors: a proxy's address changed, or (client-address-change)
        // the user's own.
        return (change.proxy_changed() && contradiction_free(v))
            .then_some(Claim::observed(Confidence::High));
    }
    if ctx.logs.is_some_and(super::validations::logs_show_validations) {
        // The logs hold the Crowd calls and none was refused for its factors: ruled out.
        return None;
    }
    if !unexplained(v) {
        return None;
    }
    let repeated = ctx.losses.iter().filter(|l| unexplained(l)).count() > 1;
    Some(Claim::inferred(if repeated { Confidence::Medium } else { Confidence::Low }))
}

/// Nothing in the browser's view contradicts a rejected token (the logs say it was rejected).
fn contradiction_free(v: &LossView<'_>) -> bool {
    v.session_changed() != Some(true) && v.node_change().is_none() && !v.jvm_restart()
}

fn check(ctx: &Context<'_>, won: &[Won<'_>]) -> Vec<Finding> {
    let Some(claim) = strongest(won) else { return Vec::new() };
    if let Some(change) = ctx.address_change.as_ref().filter(|c| c.proxy_changed()) {
        return vec![confirmed(ctx, change, won)];
    }
    let first = &won[0].view;
    let sso = ctx.sso_name;
    let mut ev = vec![
        evidence(first.before, format!("the server still knew the user ({}) with HTTP session {}", first.loss.user, first.before.asession_id.as_deref().unwrap_or("?"))),
        evidence(
            first.at,
            format!(
                "the same HTTP session ({}) answered as anonymous{}: the SSO token was rejected, the session itself was not lost",
                first.at.asession_id.as_deref().unwrap_or("unchanged"),
                first.at.status.map(|s| format!(" with {s}")).unwrap_or_default()
            ),
        ),
    ];
    if first.at.cookies_visible && !first.at.tokens_sent.is_empty() {
        ev.push(evidence(
            first.at,
            format!("the browser still sent its {sso}: the token was not deleted, it stopped validating"),
        ));
    }
    for again in won.iter().skip(1) {
        ev.push(evidence(again.view.at, "the same loss again after logging in anew"));
    }
    let idle =
        first.idle_before_ms().map(crate::calendar::human_duration).unwrap_or_else(|| "unknown".to_owned());
    let explanation = format!(
        "The user was logged out at {} on {} while working (last request {idle} before), and nothing in the \
         browser's view changed: same HTTP session, same node, same server address, no logout or login in \
         another application. That is what happens when Crowd stops accepting the SSO token because a \
         validation factor (the client address it derives from remote_address and X-Forwarded-For) changed: \
         typically a proxy in the chain that is not in Crowd's trusted-proxy list got a new address. The \
         server re-validates the token only every few minutes, so the loss shows up minutes after the change.{}",
        describe(first.at),
        first.timeline.origin,
        if won.len() > 1 {
            format!(" It happened {} times in this recording, each time after a fresh login.", won.len())
        } else {
            String::new()
        }
    );
    vec![Finding {
        losses: indices(won),
        evidence: ev,
        fix: vec![
            "In Crowd administration > Trusted proxy servers, add every proxy between the users and the applications (the app-facing load balancer and every HTTP server or proxy in between; their addresses or their subnet in CIDR form). No restart is needed.".to_owned(),
            format!("Ask the affected users to clear the session cookies ({sso}, JSESSIONID) or log in again."),
            super::prose::IP_BINDING_OFF.to_owned(),
        ],
        confirm: vec![
            "Enable DEBUG logging for org.apache.http (and com.atlassian.crowd) in the application and reproduce: compare the validation factors (remote_address, X-Forwarded-For) between a successful validation and the INVALID_SSO_TOKEN one; the hop whose address differs is the proxy to trust. Give harlens that log with --log.".to_owned(),
            "Collect Crowd's trusted proxy list (Crowd administration > Trusted proxy servers) and give it with --trusted-proxies.".to_owned(),
        ],
        references: vec![refs::TRUSTED_PROXIES.to_owned(), refs::DEBUG_SSO_PROXIES.to_owned(), refs::SESSION_CONFIG.to_owned()],
        ..RULE.finding(claim, explanation)
    }]
}

/// The finding when the server logs show the factor mismatch: the hops that changed and the exact entries.
fn confirmed(ctx: &Context<'_>, change: &AddressChange<'_>, won: &[Won<'_>]) -> Finding {
    let s = &change.suggestion;
    let changed: Vec<String> = s
        .changing
        .iter()
        .filter(|c| !matches!(c.role, net::PositionRole::Client))
        .map(|c| format!("{} took the addresses {}", c.label, c.values.join(", ")))
        .collect();
    let to_add: Vec<&str> = s.add.iter().map(|a| a.entry.as_str()).collect();
    let clients = dedup(&s.before.documented);
    let ev = super::validations::mismatch_evidence(ctx, change, won.first().map(|w| &w.view));

    let mut fix = Vec::new();
    if to_add.is_empty() {
        fix.push("Every proxy in these chains is already trusted; check that the list the applications' Crowd uses is the one given.".to_owned());
    } else {
        fix.push(format!(
            "In Crowd administration > Trusted proxy servers, add: {} (keep the existing entries). No restart is needed.",
            to_add.join(", ")
        ));
    }
    for p in s.pools.iter().filter(|p| p.reasonable) {
        fix.push(format!(
            "If {} is a pool whose addresses keep changing, add the range {} instead ({} addresses).",
            p.label, p.cidr, p.size
        ));
    }
    fix.push(format!("Then ask the affected users to log in again (or clear {}).", ctx.sso_name));
    fix.push(super::prose::IP_BINDING_OFF.to_owned());
    let after = dedup(&s.after.documented);
    let explanation = format!(
            "The server log confirms it: Crowd refused the SSO token with INVALID_SSO_TOKEN \"Token doesn't match \
             the existing token.\" because the validation factors changed between the token's creation and its \
             validation: {}. Under Crowd's documented rule, {} the client address was {}{}.{}",
            changed.join("; "),
            if ctx.trusted.is_some() { "with the trusted-proxy list given," } else { "with no trusted-proxy list given," },
            clients.join(" then "),
            if clients.len() > 1 { ", so the token stopped matching" } else { "" },
            if to_add.is_empty() {
                String::new()
            } else {
                format!(" Trusting {} makes every validation resolve to {}.", to_add.join(", "), after.join(", "))
            }
        );
    Finding {
        losses: indices(won),
        evidence: ev,
        fix,
        trusted_proxies_to_add: to_add.iter().map(|&e| e.to_owned()).collect(),
        confirm: if ctx.trusted.is_some() {
            Vec::new()
        } else {
            vec!["Give harlens Crowd's trusted proxy list (--trusted-proxies) to check the suggestion against the entries already there.".to_owned()]
        },
        references: vec![refs::TRUSTED_PROXIES.to_owned(), refs::DEBUG_SSO_PROXIES.to_owned()],
        ..RULE.finding(Claim::observed(Confidence::High), explanation)
    }
}

fn dedup(values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::{Story, Tester};

    fn kb(story: &mut Story) -> usize {
        let jira = story.jira();
        story.login(jira).work_for(jira, 3, 2).rejected(jira);
        jira
    }

    #[test]
    fn explains_a_rejected_token_during_active_use() {
        let t = Tester::new("proxy-address-change");
        let mut once = Story::new();
        kb(&mut once);
        t.explains("kb", &once.report(true)).explains("kb, sanitized", &once.report(false));
        let mut twice = Story::new();
        let jira = kb(&mut twice);
        twice.login(jira).work_for(jira, 2, 3).rejected(jira);
        let r = twice.report(false);
        t.explains("kb twice", &r);
        assert_eq!(r.findings[0].losses, [0, 1]);
        assert_eq!(r.findings[0].confidence, crate::report::Confidence::Medium);
        // Unrelated errors and another application used meanwhile change nothing.
        let mut noisy = Story::new();
        let jira = noisy.jira();
        let wiki = noisy.wiki();
        noisy.login(jira).sso_login(wiki).work(jira).unrelated_error(jira, 404).work(wiki).wait(3);
        noisy.unrelated_error(jira, 403).work(jira).wait(2).rejected(jira);
        t.explains("kb with noise", &noisy.report(true))
            .explains("kb with noise, sanitized", &noisy.report(false));
    }

    #[test]
    fn never_explains_what_the_har_shows_otherwise() {
        let t = Tester::new("proxy-address-change");
        let mut idle = Story::new();
        let jira = idle.jira();
        idle.login(jira).work(jira).wait(45).rejected(jira);
        t.not("idle gap", &idle.report(true));
        let mut logout = Story::new();
        let (jira, wiki) = (logout.jira(), logout.wiki());
        logout.login(jira).sso_login(wiki).work(jira).logout(wiki).wait(1).rejected(jira);
        t.not("logout in the other application", &logout.report(true))
            .not("same, sanitized", &logout.report(false));
        let mut node = Story::new();
        let jira = node.jira();
        node.node(jira, "node1").login(jira).work_for(jira, 2, 2).node(jira, "node2").rejected(jira);
        t.not("node change", &node.report(false));
        let mut expired = Story::new();
        let jira = expired.jira();
        expired.login(jira).work_for(jira, 2, 2).session_gone(jira);
        t.not("new HTTP session", &expired.report(false));
        let mut family = Story::new();
        let jira = family.jira();
        family
            .server_ip(jira, "2001:db8::10")
            .login(jira)
            .work(jira)
            .server_ip(jira, "192.0.2.10")
            .rejected(jira);
        t.not("IPv6 to IPv4", &family.report(false));
    }
}
