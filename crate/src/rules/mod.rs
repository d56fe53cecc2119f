//! The causes harlens can name (domain.md section 4): one file per cause, one registry table.
//!
//! Causes compete per loss. For each session loss every rule says whether its cause can explain it and how
//! well ([`Claim`]: observed, when the HAR or a log shows the cause itself, or inferred by elimination; and a
//! confidence); [`diagnose`] gives each loss to the best supported cause (a symptom, the XSRF refusal, names
//! the cause behind it). Then each rule writes its findings: one for the losses it won, with their evidence
//! pointing at entries and log lines, and any about the recording as a whole (a cookie setting, token churn, a
//! logout). Findings are ranked by the same measure; the first is the report's `primary_cause`.
//!
//! The registry is the single list the CLI's `harlens rules`, the docs and the page show, so they cannot drift.

mod client_address_change;
mod facts;
mod idle_timeout;
mod logout_elsewhere;
mod no_session_affinity;
mod prose;
mod proxy_address_change;
mod proxy_path_mismatch;
mod remember_me_churn;
mod session_cookie_collision;
mod sso_cookie_domain;
mod sso_cookie_insecure_scheme;
#[cfg(test)]
pub(crate) mod tester;
mod user_logout;
mod validations;
mod xsrf_after_session_loss;

use serde::Serialize;

use crate::calendar::format_iso8601;
use crate::logs::ParsedLogs;
use crate::net::TrustedProxies;
use crate::report::{Basis, Confidence, Evidence, Finding, Severity};
use crate::timeline::{Observation, Timeline};

pub use facts::{LossView, IDLE_MS};
pub use validations::AddressChange;

/// What the rules read.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    pub timelines: &'a [Timeline],
    /// Server logs, when given.
    pub logs: Option<&'a ParsedLogs>,
    /// The report's input index of each log input (`ParsedLogs` numbers them among logs only).
    pub log_inputs: &'a [usize],
    /// Crowd's trusted-proxy list, when given.
    pub trusted: Option<&'a TrustedProxies>,
    /// The SSO cookie's name in this recording (`crowd.token_key` unless renamed), for the prose.
    pub sso_name: &'a str,
    /// Every session loss with the facts around it, in the report's order (input, time, entry): a loss's
    /// position here is its index in the report's `losses`.
    pub losses: Vec<LossView<'a>>,
    /// What the server logs say about the client address the SSO token was bound to, computed once.
    pub address_change: Option<AddressChange<'a>>,
}

impl<'a> Context<'a> {
    pub fn new(
        timelines: &'a [Timeline],
        logs: Option<&'a ParsedLogs>,
        log_inputs: &'a [usize],
        trusted: Option<&'a TrustedProxies>,
        sso_name: &'a str,
    ) -> Self {
        let mut losses: Vec<LossView<'a>> = timelines
            .iter()
            .flat_map(|t| t.losses.iter().filter_map(move |loss| LossView::new(timelines, t, loss)))
            .collect();
        crate::sort::sort_by(&mut losses, |a, b| {
            (a.timeline.input, a.at.time_ms, a.at.entry).cmp(&(b.timeline.input, b.at.time_ms, b.at.entry))
        });
        for (i, v) in losses.iter_mut().enumerate() {
            v.index = i;
        }
        let mut ctx =
            Context { timelines, logs, log_inputs, trusted, sso_name, losses, address_change: None };
        ctx.address_change = validations::address_change(&ctx);
        ctx
    }

    /// Whether the HAR of `input` shows cookies at all (a sanitized export shows none): prose about a
    /// missing cookie must not claim the export hid it when it did not.
    pub fn cookies_exported(&self, input: usize) -> bool {
        self.timelines
            .iter()
            .filter(|t| t.input == input)
            .flat_map(|t| &t.observations)
            .any(|o| o.cookies_visible || !o.set.is_empty())
    }
}

/// How well a cause explains one session loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    /// Observed: the HAR or a log shows the cause itself (a logout request, an idle gap, a node change, a
    /// refused token with its factors). Inferred: the cause is what remains once the others are ruled out.
    pub basis: Basis,
    pub confidence: Confidence,
}

impl Claim {
    pub const fn observed(confidence: Confidence) -> Self {
        Claim { basis: Basis::Observed, confidence }
    }

    pub const fn inferred(confidence: Confidence) -> Self {
        Claim { basis: Basis::Inferred, confidence }
    }
}

/// A loss a cause explains best, with how well, and (for a symptom) the cause behind it.
#[derive(Debug, Clone)]
pub struct Won<'a> {
    pub view: LossView<'a>,
    pub claim: Claim,
    /// For a symptom rule: the best cause among the others, if one explains the loss.
    pub underlying: Option<&'static str>,
}

/// One cause harlens can name. It serializes as what `harlens rules --format json` and the page list: `id`,
/// `title` and `summary`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    /// The stable cause id of domain.md section 4 (part of the report contract).
    pub id: &'static str,
    /// The cause in a few words.
    pub title: &'static str,
    /// What the rule looks for, in one sentence.
    pub summary: &'static str,
    /// How bad the cause is: it says nothing about how likely it is.
    #[serde(skip)]
    pub severity: Severity,
    /// The cause is the visible symptom of another one (an XSRF refusal): when it explains a loss, the best
    /// other cause of that loss is reported as the one behind it.
    #[serde(skip)]
    pub symptom: bool,
    /// Whether this cause can explain one loss, and how well (`None`: it cannot).
    #[serde(skip)]
    pub claim: fn(&Context<'_>, &LossView<'_>) -> Option<Claim>,
    /// The rule's findings: one about the losses it explains best (`won`, in report order; empty when it
    /// explains none), and any about the recording as a whole (cookie settings, churn, logouts).
    #[serde(skip)]
    pub check: fn(&Context<'_>, &[Won<'_>]) -> Vec<Finding>,
}

impl Rule {
    /// A finding of this rule: what is common to all of them comes from the rule, the rest is the caller's
    /// (`Finding { evidence, fix, .., ..RULE.finding(claim, explanation) }`).
    pub fn finding(&self, claim: Claim, explanation: String) -> Finding {
        Finding {
            cause: self.id.to_owned(),
            severity: self.severity,
            basis: claim.basis,
            confidence: claim.confidence,
            title: self.title.to_owned(),
            explanation,
            losses: Vec::new(),
            evidence: Vec::new(),
            fix: Vec::new(),
            trusted_proxies_to_add: Vec::new(),
            confirm: Vec::new(),
            references: Vec::new(),
        }
    }
}

/// A rule that explains no single loss.
pub(crate) fn no_claim(_: &Context<'_>, _: &LossView<'_>) -> Option<Claim> {
    None
}

/// Every rule, in domain.md's order. The order also breaks ties between equally supported causes: more
/// specific causes come before the ones inferred by elimination.
pub const REGISTRY: &[Rule] = &[
    proxy_address_change::RULE,
    proxy_path_mismatch::RULE,
    client_address_change::RULE,
    sso_cookie_domain::RULE,
    sso_cookie_insecure_scheme::RULE,
    session_cookie_collision::RULE,
    no_session_affinity::RULE,
    idle_timeout::RULE,
    remember_me_churn::RULE,
    logout_elsewhere::RULE,
    xsrf_after_session_loss::RULE,
    user_logout::RULE,
];

/// The verdict on one session loss.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LossVerdict {
    /// The cause that explains the loss best, if any does.
    pub cause: Option<&'static str>,
    /// For a symptom: the cause behind it.
    pub underlying: Option<&'static str>,
    pub claim: Option<Claim>,
    /// The other causes that could explain it, best first.
    pub alternatives: Vec<&'static str>,
    /// The finding (index into [`Diagnosis::findings`]) that explains it.
    pub finding: Option<usize>,
}

/// The rules' conclusions: ranked findings, and each loss's own explanation.
#[derive(Debug, Clone, Default)]
pub struct Diagnosis {
    pub findings: Vec<Finding>,
    /// One per loss, in the order of [`Context::losses`].
    pub losses: Vec<LossVerdict>,
}

impl Diagnosis {
    /// The cause of the first finding, when a loss was found and that finding is a problem (not the user's
    /// own logout): the report's `primary_cause`.
    pub fn primary_cause(&self) -> Option<&str> {
        if self.losses.is_empty() {
            return None;
        }
        self.findings.first().filter(|f| f.severity != Severity::Info).map(|f| f.cause.as_str())
    }
}

/// Every rule proposes, for each loss, whether and how well its cause explains it; the best supported wins
/// the loss (observed before inferred, then confidence; severity says how bad a cause is, not how likely).
/// Then each rule writes its findings for the losses it won, and the findings are ranked the same way.
pub fn diagnose(ctx: &Context<'_>) -> Diagnosis {
    let mut won: Vec<Vec<Won<'_>>> = vec![Vec::new(); REGISTRY.len()];
    let mut verdicts = Vec::with_capacity(ctx.losses.len());
    for v in &ctx.losses {
        let mut claims: Vec<(usize, Claim)> = REGISTRY
            .iter()
            .enumerate()
            .filter_map(|(order, rule)| (rule.claim)(ctx, v).map(|c| (order, c)))
            .collect();
        crate::sort::sort_by_key(&mut claims, |&(order, c)| claim_rank(c, REGISTRY[order].symptom, order));
        let Some(&(best, claim)) = claims.first() else {
            verdicts.push(LossVerdict::default());
            continue;
        };
        let underlying = if REGISTRY[best].symptom {
            claims.iter().find(|(order, _)| !REGISTRY[*order].symptom).copied()
        } else {
            None
        };
        if let Some((order, c)) = underlying {
            won[order].push(Won { view: *v, claim: c, underlying: None });
        }
        let underlying_id = underlying.map(|(order, _)| REGISTRY[order].id);
        won[best].push(Won { view: *v, claim, underlying: underlying_id });
        verdicts.push(LossVerdict {
            cause: Some(REGISTRY[best].id),
            underlying: underlying_id,
            claim: Some(claim),
            alternatives: claims
                .iter()
                .skip(1)
                .map(|(order, _)| REGISTRY[*order].id)
                .filter(|id| Some(*id) != underlying_id)
                .collect(),
            finding: None,
        });
    }
    let mut ranked: Vec<(usize, Finding)> = REGISTRY
        .iter()
        .zip(&won)
        .enumerate()
        .flat_map(|(order, (rule, won))| (rule.check)(ctx, won).into_iter().map(move |f| (order, f)))
        .collect();
    crate::sort::sort_by_key(&mut ranked, |(order, f)| finding_rank(f, *order));
    let findings: Vec<Finding> = ranked.into_iter().map(|(_, f)| f).collect();
    for (i, verdict) in verdicts.iter_mut().enumerate() {
        verdict.finding = verdict
            .cause
            .and_then(|cause| findings.iter().position(|f| f.cause == cause && f.losses.contains(&i)));
    }
    Diagnosis { findings, losses: verdicts }
}

fn claim_rank(c: Claim, symptom: bool, order: usize) -> (u8, u8, bool, usize) {
    (basis_rank(c.basis), confidence_rank(c.confidence), !symptom, order)
}

/// Findings by how well they are supported, then those that explain a loss before those about the
/// recording as a whole, symptoms before their causes, then by how bad, then registry order. The user's own
/// logout (information) always comes last.
fn finding_rank(f: &Finding, order: usize) -> (bool, u8, u8, bool, bool, u8, usize) {
    let symptom = REGISTRY.get(order).is_some_and(|r| r.symptom);
    (
        f.severity == Severity::Info,
        basis_rank(f.basis),
        confidence_rank(f.confidence),
        f.losses.is_empty(),
        !symptom,
        severity_rank(f.severity),
        order,
    )
}

fn basis_rank(b: Basis) -> u8 {
    match b {
        Basis::Observed => 0,
        Basis::Inferred => 1,
    }
}

fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

fn confidence_rank(c: Confidence) -> u8 {
    match c {
        Confidence::High => 0,
        Confidence::Medium => 1,
        Confidence::Low => 2,
    }
}

/// What to collect to explain a loss that no rule explains (or to be sure of an inferred cause).
pub fn to_collect(ctx: &Context<'_>, v: &LossView<'_>) -> Vec<String> {
    let at = v.at.time_ms.map(format_iso8601).unwrap_or_else(|| "the time of the loss".to_owned());
    let mut collect = Vec::new();
    if ctx.logs.is_none() {
        collect.push(format!(
            "The application's log (atlassian-jira.log, atlassian-confluence.log) around {at}, with DEBUG \
             logging for org.apache.http and com.atlassian.crowd: it shows whether Crowd refused the SSO token \
             and with which validation factors (give it with --log)."
        ));
        collect.push(
            "The access logs of every node behind the load balancer for the same minutes (node changes, \
             restarts; --log)."
                .to_owned(),
        );
    }
    if !ctx.cookies_exported(v.timeline.input) {
        collect.push(prose::record_with_cookies(&format!(
            "the Cookie and Set-Cookie headers show what happened to JSESSIONID and {}",
            ctx.sso_name
        )));
    }
    if ctx.trusted.is_none() {
        collect.push(
            "Crowd's trusted proxy list (Crowd administration > Trusted proxy servers; --trusted-proxies)."
                .to_owned(),
        );
    }
    collect
}

/// The indices (in the report's `losses`) of the losses a finding explains.
pub(crate) fn indices(won: &[Won<'_>]) -> Vec<usize> {
    won.iter().map(|w| w.view.index).collect()
}

/// The strongest claim among those won (the finding's own support).
pub(crate) fn strongest(won: &[Won<'_>]) -> Option<Claim> {
    won.iter().map(|w| w.claim).min_by_key(|c| (basis_rank(c.basis), confidence_rank(c.confidence)))
}

/// Evidence pointing at one observed entry.
pub(crate) fn evidence(o: &Observation, detail: impl Into<String>) -> Evidence {
    Evidence {
        input: o.input,
        entry: Some(o.entry),
        line: None,
        at: o.time_ms.map(format_iso8601),
        detail: detail.into(),
    }
}

/// "entry 17 (GET …/issue/summary, 400)": how evidence names a request in prose.
pub(crate) fn describe(o: &Observation) -> String {
    let status = o.status.map_or_else(|| "no response".to_owned(), |s| s.to_string());
    let path = crate::url::path_of(&o.url);
    format!("entry {} ({} {}, {status})", o.entry, o.method, if path.is_empty() { "/" } else { path })
}

/// Public pages a finding can cite.
pub(crate) mod refs {
    pub const TRUSTED_PROXIES: &str =
        "https://confluence.atlassian.com/crowd/configuring-trusted-proxy-servers-158107219.html";
    pub const SESSION_CONFIG: &str =
        "https://confluence.atlassian.com/crowd/session-configuration-17956967.html";
    pub const DEBUG_SSO_PROXIES: &str =
        "https://confluence.atlassian.com/crowd/debugging-sso-in-environments-with-proxy-servers-179444217.html";
    pub const TOMCAT_CONNECTOR: &str = "https://tomcat.apache.org/tomcat-9.0-doc/config/http.html";
}

#[cfg(test)]
mod tests {
    use super::tester::{summary, Story, Tester};
    use crate::report::Report;

    /// The findings and losses of a report, without what depends on the bytes of the file.
    fn verdict(r: &Report) -> String {
        serde_json::to_string(&(&r.summary, &r.sso_cookie, &r.losses, &r.findings)).unwrap()
    }

    /// Proxy-path ping-pong with remember-me in between: SSO cookies on every side.
    fn ping_pong(s: &mut Story) {
        let (jira, wiki) = (s.jira(), s.wiki());
        s.login(jira).work(jira).remember_me(jira).work_for(jira, 2, 2).login(wiki).work(wiki).rejected(jira);
    }

    #[test]
    fn a_header_on_several_lines_means_the_same_as_one_joined_line() {
        let mut lines = Story::new();
        ping_pong(&mut lines);
        let mut joined = Story::new();
        joined.joined_headers = true;
        ping_pong(&mut joined);
        assert_ne!(lines.har(true), joined.har(true));
        for cookies in [true, false] {
            let (a, b) = (lines.report(cookies), joined.report(cookies));
            assert_eq!(verdict(&a), verdict(&b));
            // The server's last word (OK) decides: remember-me logged the user in, no loss there.
            assert_eq!(a.losses.len(), 1, "{}", summary(&a));
        }
    }

    #[test]
    fn a_renamed_sso_cookie_diagnoses_like_crowd_token_key() {
        let mut standard = Story::new();
        ping_pong(&mut standard);
        let expected = standard.report(true);
        Tester::new("proxy-path-mismatch").explains("crowd.token_key", &expected);
        for name in ["studio.crowd.tokenkey", "acme.tokenkey", "SSO_SESSION"] {
            let mut renamed = Story::new().sso_cookie(name);
            ping_pong(&mut renamed);
            let found = renamed.report(true);
            let given = renamed.report_with(true, |a| a.set_sso_cookie(name));
            for (how, r) in [("found", &found), ("given", &given)] {
                assert_eq!(r.sso_cookie.as_ref().map(|c| c.name.as_str()), Some(name), "{name} {how}");
                assert_eq!(r.losses, expected.losses, "{name} {how}");
                let causes = |r: &Report| {
                    r.findings.iter().map(|f| (f.cause.clone(), f.confidence)).collect::<Vec<_>>()
                };
                assert_eq!(causes(r), causes(&expected), "{name} {how}");
                assert!(
                    r.findings[0].explanation.contains(name)
                        || r.findings[0].evidence.iter().any(|e| e.detail.contains(name)),
                    "{name} {how}: the prose names the cookie"
                );
            }
            assert_eq!(given.sso_cookie.as_ref().unwrap().source, "option");
        }
        assert_eq!(expected.sso_cookie.as_ref().unwrap().source, "name");
    }

    #[test]
    fn noise_that_is_no_loss() {
        // CORS preflights (sent without cookies), unrelated errors for the user, another application's first
        // visit: none of them is a loss.
        let mut s = Story::new();
        let (jira, wiki) = (s.jira(), s.wiki());
        s.login(jira).work(jira).preflight(jira).unrelated_error(jira, 404).unrelated_error(jira, 403);
        s.sent_to_login(wiki).login(wiki).work(wiki).preflight(jira).work(jira);
        for cookies in [true, false] {
            let r = s.report(cookies);
            assert!(r.losses.is_empty() && r.findings.is_empty(), "{}", summary(&r));
        }
    }

    #[test]
    fn a_loss_no_rule_explains_is_reported_with_what_to_collect() {
        // The HTTP session changed during active use, with nothing else to show why.
        let mut s = Story::new();
        let jira = s.jira();
        s.login(jira).work_for(jira, 3, 2).session_gone(jira);
        let r = s.report(false);
        assert_eq!(r.losses.len(), 1);
        assert_eq!(r.losses[0].cause, None, "{}", summary(&r));
        assert_eq!(r.summary.primary_cause, None);
        assert!(r.has_problem());
        assert!(r.losses[0].collect.iter().any(|c| c.contains("org.apache.http")));
        let text = crate::report::render_text(&r);
        assert!(text.contains("unexplained"), "{text}");
        let md = crate::report::render_markdown(&r);
        assert!(md.contains("unexplained"), "{md}");
    }
}
