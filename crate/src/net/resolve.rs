//! How Crowd turns one request's validation factors into "the client address" a token is bound to, under
//! both readings of Crowd's behaviour, and whether they disagree (domain.md 2 and 6).
//!
//! - The documented rule (Crowd 2.4+ docs): the chain is the X-Forwarded-For entries left to right, then
//!   remote_address; walk it from the right and take the first address that is not a trusted proxy (all
//!   trusted: the leftmost).
//! - The all-or-nothing rule of the shipped `XForwardedForUtil` (Crowd 2.2+ code): if every hop after the
//!   first XFF entry (remote_address included) is trusted, the first XFF entry; otherwise remote_address,
//!   logging `Proxies [...] are untrusted (for requestAddress=... and xForwardedFor=...)`.
//!
//! The KB case is the documented rule at work: a trusted app-facing proxy and an untrusted middle proxy make
//! the middle proxy "the client", so its address changes invalidate the token. Explanations prefer that rule.

use std::net::{IpAddr, Ipv6Addr};

use serde::Serialize;

use super::trusted::TrustedProxies;
use super::xff::{parse_xff_lines, Hop, HopForm};

/// One request as the app's Crowd client saw it: the TCP peer and the X-Forwarded-For header lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Observation {
    /// The TCP peer of the app (the app-facing proxy, or the user when there is none), zone id stripped.
    pub remote_address: IpAddr,
    /// The X-Forwarded-For header, one value per header line (empty: no header).
    pub x_forwarded_for: Vec<String>,
}

impl Observation {
    /// A request with at most one X-Forwarded-For line.
    pub fn new(remote_address: IpAddr, x_forwarded_for: Option<&str>) -> Self {
        Observation {
            remote_address,
            x_forwarded_for: x_forwarded_for.into_iter().map(str::to_owned).collect(),
        }
    }

    /// A request whose X-Forwarded-For header lines are the non-blank lines of `lines` (as a form holds them;
    /// none: no header).
    pub fn from_lines(remote_address: IpAddr, lines: &str) -> Self {
        let x_forwarded_for =
            lines.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
        Observation { remote_address, x_forwarded_for }
    }

    /// The header as Crowd reads it: the first line only (Servlet `getHeader`; domain.md 2, inferred).
    pub fn crowd_xff(&self) -> Option<&str> {
        self.x_forwarded_for.first().map(String::as_str)
    }

    /// The validation factors the app sends to Crowd for this request (domain.md 2): `remote_address`, and
    /// `X-Forwarded-For` (raw) only when present and different from remote_address.
    pub fn validation_factors(&self) -> Vec<ValidationFactor> {
        let remote = self.remote_address.to_string();
        let mut factors = vec![ValidationFactor { name: "remote_address", value: remote.clone() }];
        if let Some(xff) = self.crowd_xff().filter(|x| !x.is_empty() && *x != remote) {
            factors.push(ValidationFactor { name: "X-Forwarded-For", value: xff.to_owned() });
        }
        factors
    }
}

/// One validation factor as sent to Crowd (`<validation-factor><name>..</name><value>..</value>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationFactor {
    pub name: &'static str,
    pub value: String,
}

/// A remote address that is not an IP address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "remote address `{}` is not an IP address (expected the app's TCP peer, e.g. 192.0.2.10 or \
     2001:db8::10)",
    crate::escape::excerpt(.text, 80)
)]
pub struct RemoteAddressError {
    pub text: String,
}

/// Reads a remote address as the app's Crowd client reports it: an IPv4 or IPv6 address; brackets and an
/// IPv6 zone id (`fe80::1%eth0`) are stripped, as the client does.
pub fn parse_remote_address(text: &str) -> Result<IpAddr, RemoteAddressError> {
    let err = || RemoteAddressError { text: text.to_owned() };
    let trimmed = text.trim();
    let unbracketed = trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(trimmed);
    if let Ok(addr) = unbracketed.parse::<IpAddr>() {
        return Ok(addr);
    }
    match unbracketed.split_once('%') {
        Some((addr, zone)) if !zone.is_empty() => addr.parse::<Ipv6Addr>().map(IpAddr::V6).map_err(|_| err()),
        _ => Err(err()),
    }
}

/// Which of Crowd's two behaviours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// Crowd 2.4+ docs: the first untrusted address from the right.
    Documented,
    /// Crowd 2.2+ `XForwardedForUtil`: the leftmost entry if every later hop is trusted, else remote_address.
    AllOrNothing,
}

impl Rule {
    pub fn title(self) -> &'static str {
        match self {
            Rule::Documented => "documented rule (Crowd 2.4+ docs)",
            Rule::AllOrNothing => "all-or-nothing rule (XForwardedForUtil, Crowd 2.2+ code)",
        }
    }
}

/// What a hop is in the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HopRole {
    /// The leftmost X-Forwarded-For entry: the user's address, as far as the edge proxy knows.
    Client,
    /// A later X-Forwarded-For entry: a proxy that forwarded the request.
    Proxy,
    /// The app's TCP peer: the app-facing proxy (or the user, without X-Forwarded-For).
    RemoteAddress,
}

/// The trusted-proxy entry that matched a hop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustedBy {
    pub index: usize,
    pub text: String,
}

/// One hop of the chain with its verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainHop {
    /// 0-based position: the X-Forwarded-For entries left to right, then remote_address last.
    pub position: usize,
    pub role: HopRole,
    /// The text Crowd compares and would take as the client address.
    pub raw: String,
    pub form: HopForm,
    /// The entry that trusts it, when one does.
    pub trusted_by: Option<TrustedBy>,
    /// Why it is not trusted, when it is not.
    pub untrusted_because: Option<String>,
}

impl ChainHop {
    pub fn is_trusted(&self) -> bool {
        self.trusted_by.is_some()
    }

    fn plain_ip_missing(&self) -> bool {
        !matches!(self.form, HopForm::Ip { .. })
    }

    /// "XFF entry 2 (198.51.100.20)" or "remote_address (192.0.2.10)".
    pub fn label(&self) -> String {
        match self.role {
            HopRole::RemoteAddress => format!("remote_address ({})", self.raw),
            _ => format!("XFF entry {} ({})", self.position, self.raw),
        }
    }
}

/// The client address under one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolved {
    /// Index into [`Resolution::hops`].
    pub position: usize,
    pub role: HopRole,
    /// The address as Crowd would take it (the hop's text).
    pub address: String,
    /// Why this hop, in plain words.
    pub why: String,
}

/// Crowd's view of one request under both rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolution {
    pub validation_factors: Vec<ValidationFactor>,
    /// The chain Crowd sees: X-Forwarded-For entries (first header line), then remote_address.
    pub hops: Vec<ChainHop>,
    /// X-Forwarded-For entries on later header lines, which Crowd never sees.
    pub ignored_xff_hops: Vec<String>,
    pub documented: Resolved,
    pub all_or_nothing: Resolved,
    /// True when the two rules name different client addresses.
    pub disagree: bool,
    /// The proxies (every hop after the first XFF entry) that are not trusted.
    pub untrusted_proxies: Vec<String>,
    /// The DEBUG line XForwardedForUtil writes when it falls back to remote_address.
    pub crowd_log: Option<String>,
    /// Plain-words account, one sentence or two per item, documented rule first.
    pub explanation: Vec<String>,
}

impl Resolution {
    /// The client address under `rule`.
    pub fn resolved(&self, rule: Rule) -> &Resolved {
        match rule {
            Rule::Documented => &self.documented,
            Rule::AllOrNothing => &self.all_or_nothing,
        }
    }
}

/// Simulates Crowd's resolution of one request's client address with the given trusted-proxy list.
pub fn resolve(trusted: &TrustedProxies, observation: &Observation) -> Resolution {
    let chain = parse_xff_lines(observation.x_forwarded_for.iter().map(String::as_str));
    let xff_hops = chain.crowd_hops();
    let remote = Hop {
        raw: observation.remote_address.to_string(),
        line: 0,
        form: HopForm::Ip { addr: observation.remote_address },
    };
    let hops: Vec<ChainHop> = xff_hops
        .iter()
        .enumerate()
        .map(|(i, h)| (i, h, if i == 0 { HopRole::Client } else { HopRole::Proxy }))
        .chain(std::iter::once((xff_hops.len(), &remote, HopRole::RemoteAddress)))
        .map(|(position, hop, role)| judge(trusted, position, hop, role))
        .collect();
    let ignored_xff_hops = chain.hops[xff_hops.len()..].iter().map(|h| h.raw.clone()).collect();
    // `hops` always ends with remote_address, so it is never empty.
    let last = hops.len() - 1;

    let documented = match hops.iter().rposition(|h| !h.is_trusted()) {
        Some(p) => Resolved {
            position: p,
            role: hops[p].role,
            address: hops[p].raw.clone(),
            why: format!("{} is the first hop from the right that is not trusted", hops[p].label()),
        },
        None => Resolved {
            position: 0,
            role: hops[0].role,
            address: hops[0].raw.clone(),
            why: "every hop is trusted, so the leftmost one is the client".to_owned(),
        },
    };

    let untrusted: Vec<&ChainHop> = hops.iter().skip(1).filter(|h| !h.is_trusted()).collect();
    let untrusted_proxies: Vec<String> = untrusted.iter().map(|h| h.raw.clone()).collect();
    let xff_text = observation.crowd_xff().filter(|x| !x.trim().is_empty());
    let (all_or_nothing, crowd_log) = if xff_text.is_none() || hops.len() == 1 {
        let why = "there is no X-Forwarded-For, so the client is remote_address".to_owned();
        (
            Resolved { position: last, role: HopRole::RemoteAddress, address: hops[last].raw.clone(), why },
            None,
        )
    } else if untrusted.is_empty() {
        let why =
            "every hop after the first X-Forwarded-For entry is trusted, so the first entry is the client"
                .to_owned();
        (Resolved { position: 0, role: hops[0].role, address: hops[0].raw.clone(), why }, None)
    } else {
        let why = format!(
            "{} not trusted, so it falls back to remote_address",
            join_and(untrusted.iter().map(|h| h.label())) + if untrusted.len() == 1 { " is" } else { " are" }
        );
        let log = format!(
            "Proxies [{}] are untrusted (for requestAddress={} and xForwardedFor={})",
            untrusted_proxies.join(", "),
            hops[last].raw,
            xff_text.unwrap_or_default()
        );
        (
            Resolved { position: last, role: HopRole::RemoteAddress, address: hops[last].raw.clone(), why },
            Some(log),
        )
    };

    let disagree = documented.address != all_or_nothing.address;
    let mut resolution = Resolution {
        validation_factors: observation.validation_factors(),
        hops,
        ignored_xff_hops,
        documented,
        all_or_nothing,
        disagree,
        untrusted_proxies,
        crowd_log,
        explanation: Vec::new(),
    };
    resolution.explanation = explain(&resolution, trusted);
    resolution
}

fn judge(trusted: &TrustedProxies, position: usize, hop: &Hop, role: HopRole) -> ChainHop {
    let (trusted_by, untrusted_because) = match hop.plain_ip() {
        Some(addr) => match trusted.trusting(addr) {
            Some(entry) => (Some(TrustedBy { index: entry.index, text: entry.text.clone() }), None),
            None => (None, Some(no_match_reason(trusted, addr))),
        },
        None => (
            None,
            Some(format!(
                "it is not a plain IP address ({}), so no trusted-proxy entry can match it",
                hop.untrustable_reason().unwrap_or_default()
            )),
        ),
    };
    ChainHop { position, role, raw: hop.raw.clone(), form: hop.form.clone(), trusted_by, untrusted_because }
}

/// Why no entry matches a plain address; an IPv4-mapped IPv6 address (`::ffff:192.0.2.10`, what a dual-stack
/// socket reports) is worth naming, because Crowd's IPv4 patterns never match it.
fn no_match_reason(trusted: &TrustedProxies, addr: IpAddr) -> String {
    let mapped = match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped(),
        IpAddr::V4(_) => None,
    };
    match mapped.and_then(|v4| trusted.trusting(IpAddr::V4(v4)).map(|e| (v4, e))) {
        Some((v4, entry)) => format!(
            "no trusted-proxy entry matches it: it is an IPv6 address; {} would match its IPv4 form {v4}, \
             but an IPv4 pattern never matches an IPv6 address (add `{addr}`)",
            entry.name()
        ),
        None => "no trusted-proxy entry matches it".to_owned(),
    }
}

fn explain(r: &Resolution, trusted: &TrustedProxies) -> Vec<String> {
    let mut out = Vec::new();
    let d = &r.documented;
    let mut walk = format!("Documented rule: {}, so Crowd binds the token to {}", d.why, d.address);
    match d.role {
        HopRole::Proxy => walk.push_str(
            ". That is a proxy, not the user's machine: whenever its address changes (a pool, a restart, \
             DHCP), the client address changes and Crowd rejects the token (INVALID_SSO_TOKEN, \"Token \
             doesn't match the existing token.\"). Trusting it moves the resolution left, towards the user.",
        ),
        HopRole::RemoteAddress if r.hops.len() > 1 => walk.push_str(
            ". That is the app-facing proxy: the token breaks whenever it changes (a pool of proxies in \
             front of the app). Trusting it moves the resolution left, towards the user.",
        ),
        HopRole::RemoteAddress => walk.push_str(", the only address there is."),
        HopRole::Client => walk.push_str(
            ", the user's own address as the edge proxy saw it: stable as long as the user's address is.",
        ),
    }
    out.push(walk);
    out.push(format!("All-or-nothing rule: {} ({}).", r.all_or_nothing.why, r.all_or_nothing.address));
    if r.disagree {
        let mut s = format!("The rules disagree ({} vs {}).", r.documented.address, r.all_or_nothing.address);
        if r.documented.role == HopRole::Proxy && r.all_or_nothing.role == HopRole::RemoteAddress {
            s.push_str(
                " Under the all-or-nothing rule a changing middle proxy would not matter (the client would \
                 be the stable remote_address), which would not explain a logout; the documented rule does: \
                 it is the KB case.",
            );
        }
        out.push(s);
    }
    for hop in r.hops.iter().filter(|h| h.plain_ip_missing()) {
        out.push(format!(
            "{} is not a plain IP address ({}): no entry can trust it; make that proxy send plain addresses.",
            hop.label(),
            form_words(&hop.form)
        ));
    }
    if !r.ignored_xff_hops.is_empty() {
        out.push(format!(
            "X-Forwarded-For came in several header lines; Crowd reads only the first (Servlet getHeader, \
             inferred), so it never sees {}. Make the proxies append to one line.",
            r.ignored_xff_hops.join(", ")
        ));
    }
    if trusted.has_hostnames() && r.hops.iter().any(|h| !h.is_trusted()) {
        out.push(
            "The trusted list has hostnames, which harlens cannot resolve: a hop shown as untrusted may be \
             trusted by one of them."
                .to_owned(),
        );
    }
    out
}

fn form_words(form: &HopForm) -> &'static str {
    match form {
        HopForm::Ip { .. } => "a plain IP",
        HopForm::IpWithPort { .. } => "it carries a port",
        HopForm::BracketedIpv6 { .. } => "a bracketed IPv6 address",
        HopForm::Unknown => "`unknown`",
        HopForm::Obfuscated { .. } => "an obfuscated identifier",
        HopForm::Invalid { .. } => "malformed",
    }
}

/// "a", "a and b", "a, b and c".
pub(crate) fn join_and(items: impl IntoIterator<Item = String>) -> String {
    let items: Vec<String> = items.into_iter().collect();
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn run(trusted: &str, remote: &str, xff: Option<&str>) -> Resolution {
        resolve(&TrustedProxies::parse(trusted).unwrap(), &Observation::new(ip(remote), xff))
    }

    const KB_FIRST: &str = "203.0.113.7, 192.0.2.10, 198.51.100.20";
    const KB_LATER: &str = "203.0.113.7, 192.0.2.10, 198.51.100.88";

    #[test]
    fn a_form_gives_header_lines_one_per_line() {
        let one = Observation::from_lines(ip("192.0.2.10"), &format!("  {KB_FIRST}\r\n\n"));
        assert_eq!(one, Observation::new(ip("192.0.2.10"), Some(KB_FIRST)));
        let two = Observation::from_lines(ip("192.0.2.10"), &format!("{KB_FIRST}\n{KB_LATER}"));
        assert_eq!(two.x_forwarded_for, [KB_FIRST, KB_LATER]);
        assert!(Observation::from_lines(ip("192.0.2.10"), " \n").x_forwarded_for.is_empty());
    }

    #[test]
    fn kb_case_documented_rule_resolves_to_the_changing_middle_proxy() {
        let first = run("192.0.2.10", "192.0.2.10", Some(KB_FIRST));
        let later = run("192.0.2.10", "192.0.2.10", Some(KB_LATER));
        assert_eq!(first.documented.address, "198.51.100.20");
        assert_eq!(first.documented.role, HopRole::Proxy);
        assert_eq!(later.documented.address, "198.51.100.88");
        // The all-or-nothing rule falls back to the stable remote_address: it would not explain the KB.
        assert_eq!(first.all_or_nothing.address, "192.0.2.10");
        assert_eq!(later.all_or_nothing.address, "192.0.2.10");
        assert!(first.disagree);
        assert_eq!(
            first.crowd_log.as_deref(),
            Some(
                "Proxies [198.51.100.20] are untrusted (for requestAddress=192.0.2.10 and \
                 xForwardedFor=203.0.113.7, 192.0.2.10, 198.51.100.20)"
            )
        );
        assert!(first.explanation.iter().any(|e| e.contains("the KB case")), "{:?}", first.explanation);
    }

    #[test]
    fn kb_case_trusting_the_middle_proxy_resolves_to_the_client() {
        for xff in [KB_FIRST, KB_LATER] {
            let r = run("192.0.2.10, 198.51.100.20, 198.51.100.88", "192.0.2.10", Some(xff));
            assert_eq!(r.documented.address, "203.0.113.7");
            assert_eq!(r.documented.role, HopRole::Client);
            assert_eq!(r.all_or_nothing.address, "203.0.113.7");
            assert!(!r.disagree);
            assert!(r.crowd_log.is_none());
        }
    }

    #[test]
    fn hops_say_which_entry_trusts_them() {
        let r = run("198.51.100.0/24, 192.0.2.10", "192.0.2.10", Some(KB_FIRST));
        assert_eq!(r.hops.len(), 4);
        assert_eq!(r.hops[0].role, HopRole::Client);
        assert!(r.hops[0].trusted_by.is_none());
        assert_eq!(r.hops[1].trusted_by, Some(TrustedBy { index: 1, text: "192.0.2.10".into() }));
        assert_eq!(r.hops[2].trusted_by, Some(TrustedBy { index: 0, text: "198.51.100.0/24".into() }));
        assert_eq!(r.hops[3].role, HopRole::RemoteAddress);
        assert_eq!(r.hops[3].label(), "remote_address (192.0.2.10)");
    }

    #[test]
    fn without_xff_both_rules_take_remote_address() {
        let r = run("192.0.2.10", "203.0.113.7", None);
        assert_eq!(r.hops.len(), 1);
        assert_eq!(r.documented.address, "203.0.113.7");
        assert_eq!(r.all_or_nothing.address, "203.0.113.7");
        assert!(!r.disagree);
        assert_eq!(r.validation_factors.len(), 1);
        // A trusted peer without XFF is still the client: there is nothing to its left.
        let r = run("203.0.113.7", "203.0.113.7", Some(""));
        assert_eq!(r.documented.address, "203.0.113.7");
        assert_eq!(r.all_or_nothing.address, "203.0.113.7");
    }

    #[test]
    fn untrusted_app_facing_proxy_is_the_client_under_both_rules() {
        let r = run("", "192.0.2.10", Some("203.0.113.7"));
        assert_eq!(r.documented.address, "192.0.2.10");
        assert_eq!(r.all_or_nothing.address, "192.0.2.10");
        assert!(r.explanation[0].contains("app-facing proxy"));
    }

    #[test]
    fn a_hop_with_a_port_is_untrusted_whatever_the_list_says() {
        let r = run("192.0.2.0/24, 198.51.100.0/24", "192.0.2.10", Some("203.0.113.7, 198.51.100.20:4711"));
        assert!(!r.hops[1].is_trusted());
        assert!(r.hops[1].untrusted_because.as_deref().unwrap().contains("not a plain IP"));
        assert_eq!(r.documented.address, "198.51.100.20:4711");
        assert_eq!(r.all_or_nothing.address, "192.0.2.10");
        assert!(r.explanation.iter().any(|e| e.contains("carries a port")), "{:?}", r.explanation);
    }

    #[test]
    fn a_malformed_client_entry_is_taken_as_is_when_everything_else_is_trusted() {
        let r = run("192.0.2.10", "192.0.2.10", Some("unknown"));
        assert_eq!(r.documented.address, "unknown");
        assert_eq!(r.all_or_nothing.address, "unknown");
    }

    #[test]
    fn only_the_first_xff_line_reaches_crowd() {
        let obs = Observation {
            remote_address: ip("192.0.2.10"),
            x_forwarded_for: vec!["203.0.113.7".into(), "198.51.100.20".into()],
        };
        let r = resolve(&TrustedProxies::parse("192.0.2.10").unwrap(), &obs);
        assert_eq!(r.hops.len(), 2);
        assert_eq!(r.ignored_xff_hops, ["198.51.100.20"]);
        assert_eq!(r.documented.address, "203.0.113.7");
        assert_eq!(r.validation_factors[1].value, "203.0.113.7");
        assert!(r.explanation.iter().any(|e| e.contains("several header lines")));
    }

    #[test]
    fn validation_factors_skip_an_xff_equal_to_remote_address() {
        let factors = Observation::new(ip("192.0.2.10"), Some("192.0.2.10")).validation_factors();
        assert_eq!(factors, [ValidationFactor { name: "remote_address", value: "192.0.2.10".into() }]);
        let factors = Observation::new(ip("192.0.2.10"), Some(KB_FIRST)).validation_factors();
        assert_eq!(factors[1], ValidationFactor { name: "X-Forwarded-For", value: KB_FIRST.into() });
    }

    #[test]
    fn remote_addresses_lose_brackets_and_zone_ids() {
        assert_eq!(parse_remote_address(" 192.0.2.10 ").unwrap(), ip("192.0.2.10"));
        assert_eq!(parse_remote_address("fe80::1%eth0").unwrap(), ip("fe80::1"));
        assert_eq!(parse_remote_address("[2001:db8::1]").unwrap(), ip("2001:db8::1"));
        let err = parse_remote_address("10.444.222.10").unwrap_err();
        assert!(err.to_string().starts_with("remote address `10.444.222.10` is not an IP address"));
        assert!(parse_remote_address("192.0.2.1%eth0").is_err());
    }

    #[test]
    fn an_ipv4_mapped_peer_is_not_matched_by_ipv4_patterns_and_says_so() {
        let r = run("192.0.2.0/24", "::ffff:192.0.2.10", Some("203.0.113.7"));
        assert!(!r.hops[1].is_trusted());
        let why = r.hops[1].untrusted_because.as_deref().unwrap();
        assert!(
            why.contains("entry 0 `192.0.2.0/24` (line 1, column 1) would match its IPv4 form 192.0.2.10"),
            "{why}"
        );
        assert!(why.contains("(add `::ffff:192.0.2.10`)"), "{why}");
        assert_eq!(r.documented.address, "::ffff:192.0.2.10");
    }

    #[test]
    fn hostnames_in_the_list_are_mentioned_when_a_hop_is_untrusted() {
        let r = run("proxy.example.com, 192.0.2.10", "192.0.2.10", Some(KB_FIRST));
        assert!(r.explanation.iter().any(|e| e.contains("hostnames")));
    }

    #[test]
    fn join_and_reads_like_a_sentence() {
        assert_eq!(join_and(Vec::<String>::new()), "");
        assert_eq!(join_and(["a".to_owned()]), "a");
        assert_eq!(join_and(["a".to_owned(), "b".to_owned(), "c".to_owned()]), "a, b and c");
    }
}
