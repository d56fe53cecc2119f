//! `no-session-affinity`: a Data Center cluster without sticky sessions sends the user to a node that does not
//! have their session.
//!
//! ## Cause
//! The load balancer spreads one user's requests over several nodes. The HTTP session lives on the node that
//! created it, so a request landing elsewhere finds no session and is anonymous.
//!
//! ## Evidence
//! `X-ANODEID` (or the `JSESSIONID` jvmRoute suffix) changes between the last good request and the loss; two
//! interleaved `X-AREQUESTID` counters; no load-balancer stickiness cookie sent.
//!
//! ## Fix
//! Cookie-based affinity on the `JSESSIONID` route, or a load-balancer cookie.
//!
//! ## Sources
//! domain.md sections 3 and 4.7.

use super::{describe, evidence, Context, Rule};
use crate::report::{Confidence, Finding, Severity};

pub const RULE: Rule = Rule {
    id: "no-session-affinity",
    title: "The load balancer does not keep the user on one node",
    summary: "X-ANODEID (or the JSESSIONID route) changed at the session loss: the request reached a node without the user's session.",
    symptom: false,
    check,
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let hits: Vec<_> = ctx.losses().filter_map(|v| v.node_change().map(|n| (v, n))).collect();
    let Some(&(v, (from, to))) = hits.first() else { return Vec::new() };
    let sticky = v.before.lb_cookie_sent || v.at.lb_cookie_sent;
    let mut ev = vec![
        evidence(v.before, format!("served by node {from} while the user was logged in")),
        evidence(v.at, format!("served by node {to}, which does not have the session: anonymous")),
    ];
    for (again, (a, b)) in hits.iter().skip(1) {
        ev.push(evidence(again.at, format!("again: node {a} -> {b}")));
    }
    vec![Finding {
        cause: RULE.id.to_owned(),
        severity: Severity::Error,
        confidence: if sticky { Confidence::Medium } else { Confidence::High },
        title: RULE.title.to_owned(),
        explanation: format!(
            "On {}, the request {} was served by node {to} while the user's session lives on node {from}. The \
             load balancer does not keep a user on the node that holds their session{}, so the request found no \
             session and the user appeared logged out.",
            v.timeline.origin,
            describe(v.at),
            if sticky { " (a stickiness cookie was sent but not honoured)" } else { " (no stickiness cookie was sent)" }
        ),
        evidence: ev,
        fix: vec![
            "Enable session affinity on the load balancer: route by the JSESSIONID jvmRoute suffix (each node's jvmRoute set in server.xml), or issue a load-balancer cookie (ROUTEID, AWSALB, BIGipServer...).".to_owned(),
            "Check that every node's jvmRoute is unique and matches the balancer's routes.".to_owned(),
        ],
        confirm: vec!["The access logs of the nodes show the same user's requests on several nodes within seconds.".to_owned()],
        references: Vec::new(),
    }]
}
