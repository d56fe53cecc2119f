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

use super::validations::{self, AddressChange};
use super::{describe, evidence, refs, Context, Rule};
use crate::net;
use crate::report::{Confidence, Finding, Severity};

pub const RULE: Rule = Rule {
    id: "client-address-change",
    title: "The user's own network address changed",
    summary: "The address the browser used for the application changed (IPv6/IPv4, VPN, NAT) right before the session was lost.",
    symptom: false,
    check,
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    if let Some(change) = validations::address_change(ctx) {
        if change.client_changed() && !change.proxy_changed() {
            return vec![confirmed(ctx, &change)];
        }
    }
    let mut findings = Vec::new();
    for v in ctx.losses() {
        let Some((from, to)) = v.edge_change() else { continue };
        if v.session_changed() == Some(true) || v.node_change().is_some() {
            continue;
        }
        let family = from.is_ipv4() != to.is_ipv4();
        findings.push(Finding {
            cause: RULE.id.to_owned(),
            severity: Severity::Error,
            confidence: if family { Confidence::Medium } else { Confidence::Low },
            title: RULE.title.to_owned(),
            explanation: format!(
                "Right before the loss at {} on {}, the browser reached the application at another address \
                 ({from} before, {to} at the loss){}. Crowd binds the SSO token to the client's address; when \
                 the address the servers see changes, the token stops validating and the user is logged out \
                 while the HTTP session itself is intact.",
                describe(v.at),
                v.timeline.origin,
                if family { ": the connection switched between IPv6 and IPv4" } else { "" }
            ),
            evidence: vec![
                evidence(v.before, format!("served from {from} while the user was logged in")),
                evidence(v.at, format!("served from {to}; the same HTTP session answered as anonymous")),
            ],
            fix: vec![
                "Give users one stable address towards the applications: a single address family (publish only A or only AAAA records for the host, or make both paths end at the same proxy), no rotating NAT pool, a VPN that keeps its address.".to_owned(),
                "Or turn off \"Require consistent client IP address\" in Crowd's session configuration (less secure).".to_owned(),
            ],
            confirm: vec!["In the application's DEBUG org.apache.http log, compare the leftmost X-Forwarded-For entry of the validations before and at the loss: it is the user's address and it changes.".to_owned()],
            references: vec![refs::SESSION_CONFIG.to_owned(), refs::TRUSTED_PROXIES.to_owned()],
        });
    }
    findings.truncate(1);
    findings
}

/// The finding when the server logs show the user's own address (the leftmost X-Forwarded-For entry, or the
/// peer without proxies) changing between the token's creation and its refusal.
fn confirmed(ctx: &Context<'_>, change: &AddressChange<'_>) -> Finding {
    let clients: Vec<String> = change
        .suggestion
        .changing
        .iter()
        .filter(|c| matches!(c.role, net::PositionRole::Client | net::PositionRole::ClientOrProxy))
        .flat_map(|c| c.values.iter().cloned())
        .collect();
    let ev = validations::mismatch_evidence(ctx, change);
    Finding {
        cause: RULE.id.to_owned(),
        severity: Severity::Error,
        confidence: Confidence::High,
        title: RULE.title.to_owned(),
        explanation: format!(
            "The server log confirms it: Crowd refused the SSO token (INVALID_SSO_TOKEN \"Token doesn't match the \
             existing token.\") because the user's own address changed: {}. Every proxy in the chain is trusted, \
             so Crowd binds the token to the user's address, and a new address (VPN, NAT pool, IPv6/IPv4 switch) \
             no longer matches.",
            clients.join(" then ")
        ),
        evidence: ev,
        fix: vec![
            "Give users one stable address towards the applications: one address family, no rotating NAT pool, a VPN that keeps its address.".to_owned(),
            "Or turn off \"Require consistent client IP address\" in Crowd's session configuration (less secure).".to_owned(),
        ],
        confirm: Vec::new(),
        references: vec![refs::SESSION_CONFIG.to_owned()],
    }
}
