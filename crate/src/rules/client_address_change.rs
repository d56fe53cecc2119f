//! `client-address-change`: the user's own address changed (VPN, NAT pool, IPv4/IPv6) with IP binding on.
//!
//! ## Cause
//! With every proxy trusted, Crowd takes the leftmost X-Forwarded-For entry: the user's own address. When it
//! changes (a VPN reconnect, a NAT pool, the browser switching between IPv6 and IPv4), the SSO token no
//! longer matches and the next validation logs the user out.
//!
//! ## Evidence
//! HAR: `serverIPAddress` of one host changes (above all IPv6 <-> IPv4) right before the loss, with the HTTP
//! session unchanged. Logs: the leftmost X-Forwarded-For entry changes between validations.
//!
//! ## Fix
//! Give users a stable address towards the applications (one address family, no rotating NAT pool, VPN split
//! tunnelling), or turn off "Require consistent client IP address".
//!
//! ## Sources
//! domain.md sections 2 and 4.3; Crowd's "Session configuration".

use super::validations::AddressChange;
use super::{describe, evidence, indices, refs, strongest, Claim, Context, LossView, Rule, Won};
use crate::net;
use crate::report::{Confidence, Finding, Severity};

pub const RULE: Rule = Rule {
    id: "client-address-change",
    title: "The user's own network address changed",
    summary: "The address the browser used for the application changed (IPv6/IPv4, VPN, NAT) right before the session was lost.",
    severity: Severity::Error,
    symptom: false,
    claim,
    check,
};

fn claim(ctx: &Context<'_>, v: &LossView<'_>) -> Option<Claim> {
    if v.session_changed() == Some(true) || v.node_change().is_some() {
        return None;
    }
    if let Some(change) = &ctx.address_change {
        return (change.client_changed() && !change.proxy_changed())
            .then_some(Claim::observed(Confidence::High));
    }
    let (from, to) = v.edge_change()?;
    // Switching address family changes the client's own address; another server address of the same
    // family may as well be another edge proxy (proxy-address-change).
    Some(if from.is_ipv4() != to.is_ipv4() {
        Claim::observed(Confidence::Medium)
    } else {
        Claim::inferred(Confidence::Low)
    })
}

fn check(ctx: &Context<'_>, won: &[Won<'_>]) -> Vec<Finding> {
    let Some(claim) = strongest(won) else { return Vec::new() };
    if let Some(change) = ctx.address_change.as_ref().filter(|c| c.client_changed() && !c.proxy_changed()) {
        return vec![confirmed(ctx, change, won)];
    }
    let Some((v, (from, to))) = won.iter().find_map(|w| w.view.edge_change().map(|e| (&w.view, e))) else {
        return Vec::new();
    };
    let family = from.is_ipv4() != to.is_ipv4();
    let explanation = format!(
        "Right before the loss at {} on {}, the browser reached the application at another address \
         ({from} before, {to} at the loss){}. Crowd binds the SSO token to the client's address; when \
         the address the servers see changes, the token stops validating and the user is logged out \
         while the HTTP session itself is intact.",
        describe(v.at),
        v.timeline.origin,
        if family { ": the connection switched between IPv6 and IPv4" } else { "" }
    );
    let mut ev = vec![
        evidence(v.before, format!("served from {from} while the user was logged in")),
        evidence(v.at, format!("served from {to}; the same HTTP session answered as anonymous")),
    ];
    for again in won.iter().skip(1) {
        ev.push(evidence(again.view.at, "again, after the address changed"));
    }
    vec![Finding {
        losses: indices(won),
        evidence: ev,
        fix: vec![
            "Give users one stable address towards the applications: a single address family (publish only A or only AAAA records for the host, or make both paths end at the same proxy), no rotating NAT pool, a VPN that keeps its address.".to_owned(),
            super::prose::IP_BINDING_OFF.to_owned(),
        ],
        confirm: vec!["In the application's DEBUG org.apache.http log, compare the leftmost X-Forwarded-For entry of the validations before and at the loss: it is the user's address and it changes.".to_owned()],
        references: vec![refs::SESSION_CONFIG.to_owned(), refs::TRUSTED_PROXIES.to_owned()],
        ..RULE.finding(claim, explanation)
    }]
}

/// The finding when the server logs show the user's own address (the leftmost X-Forwarded-For entry, or the
/// peer without proxies) changing between the token's creation and its refusal.
fn confirmed(ctx: &Context<'_>, change: &AddressChange<'_>, won: &[Won<'_>]) -> Finding {
    let clients: Vec<String> = change
        .suggestion
        .changing
        .iter()
        .filter(|c| matches!(c.role, net::PositionRole::Client | net::PositionRole::ClientOrProxy))
        .flat_map(|c| c.values.iter().cloned())
        .collect();
    let ev = super::validations::mismatch_evidence(ctx, change, won.first().map(|w| &w.view));
    let explanation = format!(
        "The server log confirms it: Crowd refused the SSO token (INVALID_SSO_TOKEN \"Token doesn't match the \
         existing token.\") because the user's own address changed: {}. Every proxy in the chain is trusted, \
         so Crowd binds the token to the user's address, and a new address (VPN, NAT pool, IPv6/IPv4 switch) \
         no longer matches.",
        clients.join(" then ")
    );
    Finding {
        losses: indices(won),
        evidence: ev,
        fix: vec![
            "Give users one stable address towards the applications: one address family, no rotating NAT pool, a VPN that keeps its address.".to_owned(),
            super::prose::IP_BINDING_OFF.to_owned(),
        ],
        references: vec![refs::SESSION_CONFIG.to_owned()],
        ..RULE.finding(Claim::observed(Confidence::High), explanation)
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::{Story, Tester};

    #[test]
    fn explains_a_switch_between_ipv6_and_ipv4() {
        let t = Tester::new("client-address-change");
        let mut s = Story::new();
        let jira = s.jira();
        s.server_ip(jira, "2001:db8::10").login(jira).work_for(jira, 2, 2);
        s.server_ip(jira, "192.0.2.10").rejected(jira);
        t.explains("v6 to v4", &s.report(true)).explains("v6 to v4, sanitized", &s.report(false));
    }

    #[test]
    fn not_when_the_address_stays_or_the_session_changed() {
        let t = Tester::new("client-address-change");
        let mut s = Story::new();
        let jira = s.jira();
        s.login(jira).work_for(jira, 2, 2).rejected(jira);
        t.not("same address", &s.report(false));
        let mut s = Story::new();
        let jira = s.jira();
        s.server_ip(jira, "2001:db8::10").login(jira).work(jira).wait(400);
        s.server_ip(jira, "192.0.2.10").session_gone(jira);
        t.not("idle, then another address", &s.report(false));
        // Another server address of the same family (another edge proxy) is only a weak hint.
        let mut s = Story::new();
        let jira = s.jira();
        s.login(jira).work_for(jira, 2, 2).server_ip(jira, "192.0.2.11").rejected(jira);
        let r = s.report(false);
        t.not("same family", &r);
        assert_eq!(r.losses[0].cause.as_deref(), Some("proxy-address-change"));
        assert!(r.losses[0].alternatives.contains(&"client-address-change".to_owned()), "{r:#?}");
    }
}
