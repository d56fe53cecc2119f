//! Crowd's trusted-proxy list (`trusted.proxy.servers`), parsed and matched the way Crowd does.
//!
//! Entry formats (domain.md 2, from the atlassian-ip matcher): a full IPv4 or IPv6 address (an IPv6 zone id
//! is stripped); trailing-octet wildcards such as `192.168.*.*` (= `/16`); CIDR such as `192.168.10.1/16`
//! (host bits ignored: the same as `192.168.0.0/16`) or `2001:db8:85a3::/64`; anything else is a hostname.
//! An IPv4 pattern never matches an IPv6 address (not even an IPv4-mapped one). Octets with leading zeros are
//! rejected. Hostnames are resolved by Crowd with DNS; harlens never does DNS (it runs offline and in the
//! browser), so a hostname matches nothing here and says so in a warning.

use crate::escape::excerpt;

/// The longest piece of an entry a message quotes (control characters shown escaped).
const QUOTED: usize = 80;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net};
use serde::Serialize;

/// Where an entry sits in the list as the user wrote it (1-based; columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ListPosition {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for ListPosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// What a trusted-proxy entry matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Pattern {
    /// One address.
    Address { addr: IpAddr },
    /// Trailing-octet wildcard, as the network it stands for (`192.168.*.*` = `192.168.0.0/16`).
    Wildcard { net: Ipv4Net },
    /// CIDR range, host bits already cleared.
    Cidr { net: IpNet },
    /// A hostname: Crowd resolves it with DNS; here it matches nothing.
    Hostname { name: String },
}

impl Pattern {
    /// True when Crowd would trust `addr` through this pattern (hostnames: never, offline).
    pub fn matches(&self, addr: IpAddr) -> bool {
        match self {
            Pattern::Address { addr: a } => *a == addr,
            // ipnet's contains is false across families: an IPv4 pattern never matches an IPv6 address.
            Pattern::Wildcard { net } => IpNet::V4(*net).contains(&addr),
            Pattern::Cidr { net } => net.contains(&addr),
            Pattern::Hostname { .. } => false,
        }
    }

    /// What the pattern covers, in plain words: "192.0.2.10", "192.168.0.0/16 (65536 addresses)".
    pub fn describe(&self) -> String {
        match self {
            Pattern::Address { addr } => format!("address {addr}"),
            Pattern::Wildcard { net } => {
                format!("wildcard = {net} ({} addresses)", size_text(IpNet::V4(*net)))
            }
            Pattern::Cidr { net } => format!("range {net} ({} addresses)", size_text(*net)),
            Pattern::Hostname { name } => format!("hostname {name} (resolved by Crowd with DNS)"),
        }
    }
}

/// The number of addresses in a network, as text (an IPv6 /0 has 2^128, more than fits a u128).
pub(crate) fn size_text(net: IpNet) -> String {
    let host_bits = u32::from(net.max_prefix_len() - net.prefix_len());
    match 1u128.checked_shl(host_bits) {
        Some(n) => n.to_string(),
        None => "2^128".to_owned(),
    }
}

/// One entry of the list, as written and as understood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustedEntry {
    /// 0-based index among the list's non-empty entries.
    pub index: usize,
    /// The entry as written, trimmed.
    pub text: String,
    /// Where it was written; `None` for an entry harlens added (a suggestion).
    pub at: Option<ListPosition>,
    pub pattern: Pattern,
    /// Things worth telling the admin about this entry (a likely typo, a hostname, ignored host bits).
    pub warnings: Vec<String>,
}

impl TrustedEntry {
    /// "entry 2 `192.168.` (line 1, column 14)": how messages name an entry.
    pub fn name(&self) -> String {
        match self.at {
            Some(at) => format!("entry {} `{}` ({at})", self.index, excerpt(&self.text, QUOTED)),
            None => format!("entry {} `{}` (added)", self.index, excerpt(&self.text, QUOTED)),
        }
    }
}

/// Why an entry cannot be read. Crowd's administration page refuses these, so a list that contains one was
/// probably copied wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryProblem {
    #[error("octet `{}` has a leading zero; Crowd rejects it (write it without the zero)", excerpt(.0, QUOTED))]
    LeadingZero(String),
    #[error("octet `{}` is not a number from 0 to 255", excerpt(.0, QUOTED))]
    BadOctet(String),
    #[error("expected four octets separated by dots (e.g. 192.168.1.10), found {0}")]
    OctetCount(usize),
    #[error("a `*` may only replace trailing octets (e.g. 192.168.*.*), and only as a whole octet")]
    WildcardNotTrailing,
    #[error("a wildcard is for IPv4 only; use CIDR for IPv6 (e.g. 2001:db8:85a3::/64)")]
    WildcardIpv6,
    #[error("`{}` before the `/` is not an IP address", excerpt(.0, QUOTED))]
    CidrAddress(String),
    #[error("prefix `/{}` is not a number from 0 to {max}", excerpt(.prefix, QUOTED))]
    CidrPrefix { prefix: String, max: u8 },
    #[error("not a valid IPv6 address")]
    BadIpv6,
    #[error("a trusted proxy is an address without a port (write `{}`)", excerpt(.0, QUOTED))]
    Port(String),
    #[error("IPv6 addresses are written without brackets here (write `{}`)", excerpt(.0, QUOTED))]
    Brackets(String),
    #[error("entries are separated by commas or newlines, not spaces")]
    Space,
    #[error("expected an IP address, a wildcard (192.168.*.*), a CIDR range (192.168.0.0/16) or a hostname")]
    Unrecognized,
}

/// An entry that cannot be read, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("entry {index} `{}` ({at}): {problem}", excerpt(.text, QUOTED))]
pub struct EntryError {
    pub index: usize,
    pub text: String,
    pub at: ListPosition,
    pub problem: EntryProblem,
}

/// A list with unreadable entries: every one of them, in order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", display_errors(.errors))]
pub struct TrustedListError {
    pub errors: Vec<EntryError>,
}

fn display_errors(errors: &[EntryError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

/// A parsed trusted-proxy list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TrustedProxies {
    pub entries: Vec<TrustedEntry>,
}

impl TrustedProxies {
    /// Parses a list (comma- or newline-separated, blank entries skipped); any unreadable entry is an error,
    /// and the error lists all of them.
    pub fn parse(list: &str) -> Result<Self, TrustedListError> {
        let (proxies, errors) = Self::parse_lenient(list);
        if errors.is_empty() {
            Ok(proxies)
        } else {
            Err(TrustedListError { errors })
        }
    }

    /// Parses a list, keeping the readable entries and returning the unreadable ones beside them: for
    /// analyses that should go on with what can be understood. Indices count every non-empty entry, so they
    /// stay those of the list as written.
    pub fn parse_lenient(list: &str) -> (Self, Vec<EntryError>) {
        let mut proxies = TrustedProxies::default();
        let mut errors = Vec::new();
        let mut index = 0;
        for (line_no, line) in list.lines().enumerate() {
            let mut column = 1;
            for piece in line.split(',') {
                let text = piece.trim();
                if !text.is_empty() {
                    let lead = piece.chars().take_while(|c| c.is_whitespace()).count();
                    let at = ListPosition { line: line_no + 1, column: column + lead };
                    match parse_entry(text) {
                        Ok((pattern, warnings)) => proxies.entries.push(TrustedEntry {
                            index,
                            text: text.to_owned(),
                            at: Some(at),
                            pattern,
                            warnings,
                        }),
                        Err(problem) => errors.push(EntryError { index, text: text.to_owned(), at, problem }),
                    }
                    index += 1;
                }
                column += piece.chars().count() + 1;
            }
        }
        (proxies, errors)
    }

    /// Adds an entry harlens suggests (it has no place in the written list).
    pub fn add(&mut self, pattern: Pattern) {
        let text = match &pattern {
            Pattern::Address { addr } => addr.to_string(),
            Pattern::Wildcard { net } => net.to_string(),
            Pattern::Cidr { net } => net.to_string(),
            Pattern::Hostname { name } => name.clone(),
        };
        let index = self.entries.last().map_or(0, |e| e.index + 1);
        self.entries.push(TrustedEntry { index, text, at: None, pattern, warnings: Vec::new() });
    }

    /// The first entry that trusts `addr`, if any.
    pub fn trusting(&self, addr: IpAddr) -> Option<&TrustedEntry> {
        self.entries.iter().find(|e| e.pattern.matches(addr))
    }

    /// True when some entry is a hostname: harlens cannot tell what it covers.
    pub fn has_hostnames(&self) -> bool {
        self.entries.iter().any(|e| matches!(e.pattern, Pattern::Hostname { .. }))
    }

    /// Every warning of every entry, as "entry N `text` (line, column): message".
    pub fn warnings(&self) -> Vec<String> {
        self.entries
            .iter()
            .flat_map(|e| e.warnings.iter().map(move |w| format!("{}: {w}", e.name())))
            .collect()
    }
}

/// One entry of a list as the user types it, for a form that checks the list as it is typed: whether Crowd
/// accepts it, what it covers or why not, with its place and its warnings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckedEntry {
    /// 0-based index among the list's non-empty entries.
    pub index: usize,
    pub text: String,
    pub ok: bool,
    pub at: Option<ListPosition>,
    /// What it covers ([`Pattern::describe`]), when it is readable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub covers: Option<String>,
    /// Why it is not readable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// The whole message naming the entry, when it is not readable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub warnings: Vec<String>,
}

/// Every entry of `list`, readable or not, in the list's order. Never fails: this is for validation.
pub fn check_list(list: &str) -> Vec<CheckedEntry> {
    let (proxies, errors) = TrustedProxies::parse_lenient(list);
    let mut entries: Vec<CheckedEntry> = proxies
        .entries
        .into_iter()
        .map(|e| CheckedEntry {
            index: e.index,
            covers: Some(e.pattern.describe()),
            text: e.text,
            ok: true,
            at: e.at,
            problem: None,
            message: None,
            warnings: e.warnings,
        })
        .collect();
    entries.extend(errors.into_iter().map(|e| CheckedEntry {
        index: e.index,
        message: Some(e.to_string()),
        problem: Some(e.problem.to_string()),
        text: e.text,
        ok: false,
        at: Some(e.at),
        covers: None,
        warnings: Vec::new(),
    }));
    crate::sort::sort_by_key(&mut entries, |c| c.index);
    entries
}

/// Reads one entry (already trimmed, not empty) into its pattern and its warnings.
fn parse_entry(text: &str) -> Result<(Pattern, Vec<String>), EntryProblem> {
    let mut warnings = Vec::new();
    // Three mistakes of people copying addresses from logs and URLs, named so the fix is obvious.
    if text.contains(char::is_whitespace) {
        return Err(EntryProblem::Space);
    }
    if let Some(inner) = text.strip_prefix('[') {
        let addr = inner.split(']').next().unwrap_or_default();
        return Err(EntryProblem::Brackets(addr.to_owned()));
    }
    if let Some((addr, port)) = text.split_once(':') {
        if parse_ipv4(addr).is_ok() && !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) {
            return Err(EntryProblem::Port(addr.to_owned()));
        }
    }
    if let Some((addr, prefix)) = text.split_once('/') {
        let addr = parse_address(addr).map_err(|_| EntryProblem::CidrAddress(addr.to_owned()))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let bad_prefix = || EntryProblem::CidrPrefix { prefix: prefix.to_owned(), max };
        if prefix.is_empty() || prefix.len() > 3 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad_prefix());
        }
        let len: u8 = prefix.parse().map_err(|_| bad_prefix())?;
        let net = IpNet::new(addr, len).map_err(|_| bad_prefix())?;
        let network = net.trunc();
        if network.addr() != addr {
            warnings.push(format!(
                "host bits are ignored: this trusts all of {network} ({} addresses), not only {addr}",
                size_text(network)
            ));
        }
        if len == 0 {
            warnings
                .push(format!("`/0` trusts every {} address", if addr.is_ipv4() { "IPv4" } else { "IPv6" }));
        }
        return Ok((Pattern::Cidr { net: network }, warnings));
    }
    if text.contains('*') {
        if text.contains(':') {
            return Err(EntryProblem::WildcardIpv6);
        }
        let net = parse_wildcard(text)?;
        if net.prefix_len() == 0 {
            warnings.push("`*.*.*.*` trusts every IPv4 address".to_owned());
        }
        return Ok((Pattern::Wildcard { net }, warnings));
    }
    if let Some(stem) = text.strip_suffix('.') {
        // The KB writes `192.168.`; Crowd documents no such form. Read it as the wildcard it most likely
        // meant, and say so, because Crowd may well read it as a hostname that never resolves.
        if !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            let octets = stem.split('.').count();
            if octets < 4 {
                let wildcard = format!("{stem}{}", ".*".repeat(4 - octets));
                let net = parse_wildcard(&wildcard)?;
                warnings.push(format!(
                    "`{text}` is likely a typo for `{wildcard}`; read as {net}, but Crowd may not: write \
                     `{wildcard}`"
                ));
                return Ok((Pattern::Wildcard { net }, warnings));
            }
        }
    }
    if text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Ok((Pattern::Address { addr: IpAddr::V4(parse_ipv4(text)?) }, warnings));
    }
    if text.contains(':') {
        let (addr, zone) = match text.split_once('%') {
            Some((addr, zone)) => (addr, Some(zone)),
            None => (text, None),
        };
        let addr: Ipv6Addr = addr.parse().map_err(|_| EntryProblem::BadIpv6)?;
        if let Some(zone) = zone {
            warnings.push(format!("zone id `%{zone}` ignored: Crowd compares addresses without it"));
        }
        return Ok((Pattern::Address { addr: IpAddr::V6(addr) }, warnings));
    }
    if is_hostname(text) {
        warnings.push(
            "hostname: Crowd resolves it with DNS (a look-up per check); harlens cannot resolve it offline, \
             so here it matches nothing"
                .to_owned(),
        );
        return Ok((Pattern::Hostname { name: text.to_owned() }, warnings));
    }
    Err(EntryProblem::Unrecognized)
}

/// An IPv4 address (strict octets) or an IPv6 address without a zone id.
fn parse_address(text: &str) -> Result<IpAddr, EntryProblem> {
    if text.contains(':') {
        text.parse::<Ipv6Addr>().map(IpAddr::V6).map_err(|_| EntryProblem::BadIpv6)
    } else {
        parse_ipv4(text).map(IpAddr::V4)
    }
}

/// Four decimal octets 0-255 without leading zeros (Crowd rejects `010`, which some parsers read as octal).
fn parse_ipv4(text: &str) -> Result<Ipv4Addr, EntryProblem> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() != 4 {
        return Err(EntryProblem::OctetCount(parts.len()));
    }
    let mut octets = [0u8; 4];
    for (slot, part) in octets.iter_mut().zip(&parts) {
        *slot = parse_octet(part)?;
    }
    Ok(Ipv4Addr::from(octets))
}

fn parse_octet(part: &str) -> Result<u8, EntryProblem> {
    if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
        return Err(EntryProblem::BadOctet(part.to_owned()));
    }
    if part.len() > 1 && part.starts_with('0') {
        return Err(EntryProblem::LeadingZero(part.to_owned()));
    }
    part.parse().map_err(|_| EntryProblem::BadOctet(part.to_owned()))
}

/// `a.b.*.*` and the like: literal octets first, then only whole-octet `*`s.
fn parse_wildcard(text: &str) -> Result<Ipv4Net, EntryProblem> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() != 4 {
        return Err(EntryProblem::OctetCount(parts.len()));
    }
    let literal = parts.iter().take_while(|p| **p != "*").count();
    if parts[literal..].iter().any(|p| *p != "*") {
        return Err(EntryProblem::WildcardNotTrailing);
    }
    let mut octets = [0u8; 4];
    for (slot, part) in octets.iter_mut().zip(&parts[..literal]) {
        if part.contains('*') {
            return Err(EntryProblem::WildcardNotTrailing);
        }
        *slot = parse_octet(part)?;
    }
    // literal <= 4, so the prefix is at most 32 and always valid.
    Ipv4Net::new(Ipv4Addr::from(octets), (literal * 8) as u8).map_err(|_| EntryProblem::WildcardNotTrailing)
}

/// Letters, digits, `-` and `.`, labels not empty: what a DNS name can be.
fn is_hostname(text: &str) -> bool {
    text.len() <= 253
        && text.bytes().any(|b| b.is_ascii_alphabetic())
        && text.trim_end_matches('.').split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn one(entry: &str) -> TrustedEntry {
        let list = TrustedProxies::parse(entry).unwrap_or_else(|e| panic!("{entry}: {e}"));
        assert_eq!(list.entries.len(), 1);
        list.entries.into_iter().next().unwrap()
    }

    fn problem(entry: &str) -> EntryProblem {
        match TrustedProxies::parse(entry) {
            Ok(list) => panic!("{entry}: expected an error, got {list:?}"),
            Err(e) => e.errors[0].problem.clone(),
        }
    }

    #[test]
    fn a_list_is_checked_entry_by_entry_in_its_order() {
        let checked = check_list("192.0.2.10, 192.168.01.1\n  proxy.example.test");
        let summary: Vec<(usize, &str, bool)> =
            checked.iter().map(|c| (c.index, c.text.as_str(), c.ok)).collect();
        assert_eq!(
            summary,
            [(0, "192.0.2.10", true), (1, "192.168.01.1", false), (2, "proxy.example.test", true)]
        );
        assert_eq!(checked[0].covers.as_deref(), Some("address 192.0.2.10"));
        assert_eq!(checked[1].at, Some(ListPosition { line: 1, column: 13 }));
        assert!(checked[1].problem.as_deref().is_some_and(|p| p.contains("leading zero")));
        assert!(checked[1]
            .message
            .as_deref()
            .is_some_and(|m| m.starts_with("entry 1 `192.168.01.1` (line 1, column 13)")));
        assert_eq!(checked[2].at, Some(ListPosition { line: 2, column: 3 }));
        assert!(!checked[2].warnings.is_empty(), "a hostname is resolved by Crowd, not here");
        let json = serde_json::to_value(&checked[0]).unwrap();
        assert_eq!(json["at"], serde_json::json!({"line": 1, "column": 1}));
        assert!(json.get("problem").is_none());
    }

    #[test]
    fn full_addresses_match_only_themselves() {
        let e = one("192.0.2.10");
        assert_eq!(e.pattern, Pattern::Address { addr: ip("192.0.2.10") });
        assert!(e.pattern.matches(ip("192.0.2.10")));
        assert!(!e.pattern.matches(ip("192.0.2.11")));
        assert!(one("2001:db8::1").pattern.matches(ip("2001:db8::1")));
        assert!(e.warnings.is_empty());
    }

    #[test]
    fn trailing_wildcards_are_networks() {
        let e = one("192.168.*.*");
        assert_eq!(e.pattern, Pattern::Wildcard { net: "192.168.0.0/16".parse().unwrap() });
        assert!(e.pattern.matches(ip("192.168.200.3")));
        assert!(!e.pattern.matches(ip("192.169.0.1")));
        assert_eq!(one("10.1.2.*").pattern, Pattern::Wildcard { net: "10.1.2.0/24".parse().unwrap() });
        assert!(one("*.*.*.*").warnings[0].contains("every IPv4"));
    }

    #[test]
    fn leading_wildcards_and_partial_stars_are_invalid() {
        assert_eq!(problem("*.168.1.0"), EntryProblem::WildcardNotTrailing);
        assert_eq!(problem("192.*.1.*"), EntryProblem::WildcardNotTrailing);
        assert_eq!(problem("192.168.1*.*"), EntryProblem::WildcardNotTrailing);
        assert_eq!(problem("192.168.*"), EntryProblem::OctetCount(3));
        assert_eq!(problem("2001:db8::*"), EntryProblem::WildcardIpv6);
    }

    #[test]
    fn the_kb_trailing_dot_form_is_read_as_a_wildcard_with_a_warning() {
        let e = one("192.168.");
        assert_eq!(e.pattern, Pattern::Wildcard { net: "192.168.0.0/16".parse().unwrap() });
        assert_eq!(e.warnings.len(), 1);
        assert!(e.warnings[0].contains("likely a typo for `192.168.*.*`"), "{:?}", e.warnings);
        assert_eq!(one("10.").pattern, Pattern::Wildcard { net: "10.0.0.0/8".parse().unwrap() });
    }

    #[test]
    fn cidr_host_bits_are_ignored_with_a_warning() {
        let e = one("192.168.10.1/16");
        assert_eq!(e.pattern, Pattern::Cidr { net: "192.168.0.0/16".parse().unwrap() });
        assert!(e.pattern.matches(ip("192.168.99.1")));
        assert!(e.warnings[0].contains("all of 192.168.0.0/16 (65536 addresses)"), "{:?}", e.warnings);
        assert!(one("192.168.0.0/16").warnings.is_empty());
        let v6 = one("2001:db8:85a3::/64");
        assert!(v6.pattern.matches(ip("2001:db8:85a3::8a2e:370:7334")));
        assert!(!v6.pattern.matches(ip("2001:db8:85a4::1")));
        assert_eq!(problem("192.168.0.0/33"), EntryProblem::CidrPrefix { prefix: "33".into(), max: 32 });
        assert_eq!(problem("192.168.0.0/"), EntryProblem::CidrPrefix { prefix: "".into(), max: 32 });
        assert_eq!(problem("proxy/24"), EntryProblem::CidrAddress("proxy".into()));
    }

    #[test]
    fn ipv4_patterns_never_match_ipv6_addresses() {
        for entry in ["192.0.2.1", "192.0.2.*", "192.0.2.0/24", "0.0.0.0/0"] {
            let e = one(entry);
            assert!(!e.pattern.matches(ip("::ffff:192.0.2.1")), "{entry}");
            assert!(!e.pattern.matches(ip("2001:db8::1")), "{entry}");
        }
        assert!(!one("::/0").pattern.matches(ip("192.0.2.1")));
    }

    #[test]
    fn leading_zeros_and_bad_octets_are_rejected() {
        assert_eq!(problem("192.168.01.1"), EntryProblem::LeadingZero("01".into()));
        assert_eq!(problem("010.0.0.0/8"), EntryProblem::CidrAddress("010.0.0.0".into()));
        assert_eq!(problem("10.444.222.10"), EntryProblem::BadOctet("444".into()));
        assert_eq!(problem("10.0.0"), EntryProblem::OctetCount(3));
        assert_eq!(problem("192.168.01.*"), EntryProblem::LeadingZero("01".into()));
        assert!(one("10.0.0.0").pattern.matches(ip("10.0.0.0")));
    }

    #[test]
    fn zone_ids_are_stripped() {
        let e = one("fe80::1%eth0");
        assert_eq!(e.pattern, Pattern::Address { addr: ip("fe80::1") });
        assert!(e.warnings[0].contains("zone id `%eth0`"));
    }

    #[test]
    fn hostnames_match_nothing_and_say_why() {
        let e = one("proxy-1.example.com");
        assert_eq!(e.pattern, Pattern::Hostname { name: "proxy-1.example.com".into() });
        assert!(!e.pattern.matches(ip("192.0.2.1")));
        assert!(e.warnings[0].contains("cannot resolve it offline"));
        assert_eq!(problem("proxy_1!"), EntryProblem::Unrecognized);
        assert_eq!(problem("192.0.2.10:8080"), EntryProblem::Port("192.0.2.10".into()));
        assert_eq!(problem("[2001:db8::1]"), EntryProblem::Brackets("2001:db8::1".into()));
        assert_eq!(problem("192.0.2.10 192.0.2.11"), EntryProblem::Space);
        assert_eq!(problem("-proxy.example.com"), EntryProblem::Unrecognized);
    }

    #[test]
    fn lists_split_on_commas_and_newlines_with_positions() {
        let list = TrustedProxies::parse("192.0.2.10, 198.51.100.*\r\n\n  proxy.example.com,\n2001:db8::/32")
            .unwrap();
        let got: Vec<_> = list.entries.iter().map(|e| (e.index, e.text.as_str(), e.at.unwrap())).collect();
        assert_eq!(
            got,
            [
                (0, "192.0.2.10", ListPosition { line: 1, column: 1 }),
                (1, "198.51.100.*", ListPosition { line: 1, column: 13 }),
                (2, "proxy.example.com", ListPosition { line: 3, column: 3 }),
                (3, "2001:db8::/32", ListPosition { line: 4, column: 1 }),
            ]
        );
        assert_eq!(list.trusting(ip("198.51.100.7")).unwrap().index, 1);
        assert!(list.trusting(ip("203.0.113.7")).is_none());
        assert!(list.has_hostnames());
        assert_eq!(list.warnings().len(), 1);
        assert!(list.warnings()[0].starts_with("entry 2 `proxy.example.com` (line 3, column 3): hostname"));
    }

    #[test]
    fn every_bad_entry_is_reported_with_its_index_and_place() {
        let err = TrustedProxies::parse("192.0.2.10,*.168.1.0, 192.168.01.1").unwrap_err();
        assert_eq!(err.errors.len(), 2);
        assert_eq!(err.errors[0].index, 1);
        assert_eq!(err.errors[1].at, ListPosition { line: 1, column: 23 });
        let message = err.to_string();
        assert!(
            message.starts_with("entry 1 `*.168.1.0` (line 1, column 12): a `*` may only replace"),
            "{message}"
        );
        assert!(
            message.contains("\nentry 2 `192.168.01.1` (line 1, column 23): octet `01` has a leading zero")
        );
        let (lenient, errors) = TrustedProxies::parse_lenient("192.0.2.10,*.168.1.0, 192.0.2.11");
        assert_eq!(errors.len(), 1);
        assert_eq!(lenient.entries.iter().map(|e| e.index).collect::<Vec<_>>(), [0, 2]);
    }

    #[test]
    fn added_entries_continue_the_numbering() {
        let mut list = TrustedProxies::parse("192.0.2.10").unwrap();
        list.add(Pattern::Address { addr: ip("198.51.100.20") });
        list.add(Pattern::Cidr { net: "2001:db8::/48".parse().unwrap() });
        assert_eq!(list.entries[1].name(), "entry 1 `198.51.100.20` (added)");
        assert_eq!(list.entries[2].text, "2001:db8::/48");
        assert!(list.trusting(ip("2001:db8::5")).is_some());
    }
}
