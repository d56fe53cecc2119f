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

use super::{describe, evidence, indices, strongest, Claim, Context, LossView, Rule, Won};
use crate::report::{Confidence, Finding, Severity};

pub const RULE: Rule = Rule {
    id: "no-session-affinity",
    title: "The load balancer does not keep the user on one node",
    summary: "X-ANODEID (or the JSESSIONID route) changed at the session loss: the request reached a node without the user's session.",
    severity: Severity::Error,
    symptom: false,
    claim,
    check,
};

/// The node before and at the loss: `X-ANODEID`, or else the jvmRoute of the session cookie sent.
fn node_change<'a>(v: &LossView<'a>) -> Option<(&'a str, &'a str)> {
    v.node_change().or_else(|| {
        let route =
            |o: &'a crate::timeline::Observation| o.session_sent.as_ref().and_then(|s| s.route.as_deref());
        let set_route = |o: &'a crate::timeline::Observation| {
            o.set.iter().filter(|c| !c.deletes).find_map(|c| c.route.as_deref())
        };
        match (route(v.before), set_route(v.at)) {
            (Some(a), Some(b)) if a != b => Some((a, b)),
            _ => None,
        }
    })
}

fn sticky(v: &LossView<'_>) -> bool {
    v.before.lb_cookie_sent || v.at.lb_cookie_sent
}

fn claim(_: &Context<'_>, v: &LossView<'_>) -> Option<Claim> {
    node_change(v)?;
    // A stickiness cookie that was sent but not honoured is odder than none at all: less sure.
    Some(Claim::observed(if sticky(v) { Confidence::Medium } else { Confidence::High }))
}

fn check(_: &Context<'_>, won: &[Won<'_>]) -> Vec<Finding> {
    let Some(claim) = strongest(won) else { return Vec::new() };
    let hits: Vec<_> = won.iter().filter_map(|w| node_change(&w.view).map(|n| (&w.view, n))).collect();
    let Some(&(v, (from, to))) = hits.first() else { return Vec::new() };
    let sticky = sticky(v);
    let mut ev = vec![
        evidence(v.before, format!("served by node {from} while the user was logged in")),
        evidence(v.at, format!("served by node {to}, which does not have the session: anonymous")),
    ];
    for (again, (a, b)) in hits.iter().skip(1) {
        ev.push(evidence(again.at, format!("again: node {a} -> {b}")));
    }
    let explanation = format!(
        "On {}, the request {} was served by node {to} while the user's session lives on node {from}. The \
         load balancer does not keep a user on the node that holds their session{}, so the request found no \
         session and the user appeared logged out.",
        v.timeline.origin,
        describe(v.at),
        if sticky {
            " (a stickiness cookie was sent but not honoured)"
        } else {
            " (no stickiness cookie was sent)"
        }
    );
    vec![Finding {
        losses: indices(won),
        evidence: ev,
        fix: vec![
            "Enable session affinity on the load balancer: route by the JSESSIONID jvmRoute suffix (each node's jvmRoute set in server.xml), or issue a load-balancer cookie (ROUTEID, AWSALB, BIGipServer...).".to_owned(),
            "Check that every node's jvmRoute is unique and matches the balancer's routes.".to_owned(),
        ],
        confirm: vec!["The access logs of the nodes show the same user's requests on several nodes within seconds.".to_owned()],
        ..RULE.finding(claim, explanation)
    }]
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::{Story, Tester};

    #[test]
    fn explains_a_request_on_another_node() {
        let t = Tester::new("no-session-affinity");
        let mut s = Story::new();
        let jira = s.jira();
        s.node(jira, "node1").login(jira).work_for(jira, 2, 1).node(jira, "node2").rejected(jira);
        t.explains("node change", &s.report(true)).explains("node change, sanitized", &s.report(false));
    }

    #[test]
    fn not_when_the_node_stays() {
        let t = Tester::new("no-session-affinity");
        let mut s = Story::new();
        let jira = s.jira();
        s.node(jira, "node1").login(jira).work_for(jira, 2, 1).wait(50).session_gone(jira);
        t.not("idle on one node", &s.report(false));
        let mut s = Story::new();
        let jira = s.jira();
        s.node(jira, "node1").login(jira).work(jira).node(jira, "node2").work(jira);
        let r = s.report(false);
        assert!(r.findings.is_empty(), "a node change without a loss (replicated sessions) is fine: {r:#?}");
    }
}
