//! `X-Forwarded-For` and RFC 7239 `Forwarded` headers, split into hops as Crowd would see them.
//!
//! Every hop keeps the text it was written with (what Crowd compares and logs) and a parsed form that says
//! whether it is a plain IP. Only a plain IP can ever match a trusted-proxy entry: a hop with a port, in
//! brackets, `unknown`, obfuscated or otherwise malformed counts as an untrusted hop for Crowd (domain.md 2).
//! Parsing never fails: malformed text becomes a [`HopForm::Invalid`] hop with the reason, because that is
//! exactly the kind of mangling a diagnosis has to point at.

use crate::escape::excerpt;

/// The longest piece of a header a message quotes (control characters shown escaped).
const QUOTED: usize = 80;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::Serialize;

/// One address in a forwarding chain, as written and as understood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hop {
    /// The text of the hop, trimmed, exactly as it appears in the header (quotes included for `Forwarded`).
    pub raw: String,
    /// 0-based header line the hop came from, when the header was repeated.
    pub line: usize,
    /// What the text is.
    pub form: HopForm,
}

/// The shape of a hop's text. Only [`HopForm::Ip`] is an address Crowd can trust.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum HopForm {
    /// A plain IPv4 or IPv6 address, e.g. `192.0.2.43` or `2001:db8::17`.
    Ip { addr: IpAddr },
    /// An IPv4 address with a port, e.g. `192.0.2.43:4711` (the port may be an obfuscated `_id` in
    /// `Forwarded`).
    IpWithPort { addr: IpAddr, port: String },
    /// An IPv6 address in brackets, with or without a port, e.g. `[2001:db8:cafe::17]:4711`.
    BracketedIpv6 { addr: Ipv6Addr, port: Option<String> },
    /// `unknown`: the proxy did not know or would not tell the address (RFC 7239 section 6.2).
    Unknown,
    /// An obfuscated identifier such as `_hidden` (RFC 7239 section 6.3).
    Obfuscated { id: String },
    /// Anything else, with what is wrong with it.
    Invalid { reason: String },
}

impl Hop {
    fn new(raw: &str, line: usize, form: HopForm) -> Self {
        Hop { raw: raw.to_owned(), line, form }
    }

    /// The address when the hop is a plain IP: the only case where a trusted-proxy entry can match it.
    pub fn plain_ip(&self) -> Option<IpAddr> {
        match self.form {
            HopForm::Ip { addr } => Some(addr),
            _ => None,
        }
    }

    /// The address the hop names, even when it is not a plain IP (`ip:port`, `[v6]`): what a fixed proxy
    /// configuration would send.
    pub fn address(&self) -> Option<IpAddr> {
        match self.form {
            HopForm::Ip { addr } | HopForm::IpWithPort { addr, .. } => Some(addr),
            HopForm::BracketedIpv6 { addr, .. } => Some(IpAddr::V6(addr)),
            _ => None,
        }
    }

    /// Why Crowd cannot trust this hop whatever its list says, or `None` for a plain IP.
    pub fn untrustable_reason(&self) -> Option<String> {
        match &self.form {
            HopForm::Ip { .. } => None,
            HopForm::IpWithPort { .. } => {
                Some("it carries a port; Crowd compares plain addresses only".into())
            }
            HopForm::BracketedIpv6 { .. } => {
                Some("it is a bracketed IPv6 address; Crowd compares plain addresses only".into())
            }
            HopForm::Unknown => Some("`unknown` is not an address".into()),
            HopForm::Obfuscated { .. } => Some("an obfuscated identifier is not an address".into()),
            HopForm::Invalid { reason } => Some(reason.clone()),
        }
    }
}

/// The hops of an `X-Forwarded-For` header, with what Crowd sees of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct XffChain {
    /// Every hop of every header line, left (client) to right (last proxy): the one list several lines mean.
    pub hops: Vec<Hop>,
    /// How many header lines there were.
    pub lines: usize,
}

impl XffChain {
    /// The hops Crowd sees: only the first header line, because the app's Crowd client reads the header with
    /// Servlet `getHeader`, which returns the first of repeated lines (domain.md 2, inferred).
    pub fn crowd_hops(&self) -> &[Hop] {
        let first_line = self.hops.iter().take_while(|h| h.line == 0).count();
        &self.hops[..first_line]
    }

    /// True when later header lines add hops that Crowd never sees.
    pub fn has_hidden_lines(&self) -> bool {
        self.hops.iter().any(|h| h.line > 0)
    }
}

/// Parses one `X-Forwarded-For` header value.
pub fn parse_xff(value: &str) -> XffChain {
    parse_xff_lines([value])
}

/// Parses a repeated `X-Forwarded-For` header, one value per line, in the order they were received.
pub fn parse_xff_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> XffChain {
    let mut hops = Vec::new();
    let mut count = 0;
    for (line, value) in lines.into_iter().enumerate() {
        count += 1;
        hops.extend(split_xff(value).map(|raw| Hop::new(raw, line, classify_xff(raw))));
    }
    XffChain { hops, lines: count }
}

/// The tokens of one XFF value the way Crowd splits it: on commas and spaces, empty tokens dropped
/// (`StringUtils.split(xff, ", ")` in XForwardedForUtil). So `a b` is two hops, `a,,b` is two hops.
pub fn split_xff(value: &str) -> impl Iterator<Item = &str> {
    value.split([',', ' ']).filter(|t| !t.is_empty())
}

/// What one XFF token is. XFF has no grammar; proxies write `ip`, sometimes `ip:port`, `[v6]:port`, `unknown`
/// or even RFC 7239 syntax, and each has to be named for what it is.
fn classify_xff(token: &str) -> HopForm {
    if token.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("for=")) {
        return HopForm::Invalid {
            reason: "RFC 7239 `Forwarded` syntax (`for=`) in X-Forwarded-For; Crowd reads it as text".into(),
        };
    }
    if token.starts_with('"') {
        return HopForm::Invalid { reason: "quoted; X-Forwarded-For entries are bare addresses".into() };
    }
    classify_node(token)
}

/// Classifies a node in RFC 7239 syntax (`nodename [":" node-port]`), which also covers every bare XFF form.
fn classify_node(text: &str) -> HopForm {
    if text.eq_ignore_ascii_case("unknown") {
        return HopForm::Unknown;
    }
    if let Some(id) = text.strip_prefix('_') {
        return if !id.is_empty() && id.bytes().all(is_obfuscated_char) {
            HopForm::Obfuscated { id: text.to_owned() }
        } else {
            HopForm::Invalid {
                reason: "an obfuscated identifier may hold only letters, digits, `.`, `_` and `-`".into(),
            }
        };
    }
    if let Some(rest) = text.strip_prefix('[') {
        let Some((inside, after)) = rest.split_once(']') else {
            return HopForm::Invalid { reason: "`[` without a closing `]`".into() };
        };
        let Ok(addr) = inside.parse::<Ipv6Addr>() else {
            let inside = excerpt(inside, QUOTED);
            return HopForm::Invalid { reason: format!("`{inside}` in brackets is not an IPv6 address") };
        };
        return match after {
            "" => HopForm::BracketedIpv6 { addr, port: None },
            _ => match after.strip_prefix(':').filter(|p| is_port(p)) {
                Some(port) => HopForm::BracketedIpv6 { addr, port: Some(port.to_owned()) },
                None => {
                    let after = excerpt(after, QUOTED);
                    HopForm::Invalid { reason: format!("expected `:port` after `]`, found `{after}`") }
                }
            },
        };
    }
    if let Ok(addr) = text.parse::<IpAddr>() {
        return HopForm::Ip { addr };
    }
    if let Some((host, port)) = text.split_once(':') {
        if let Ok(addr) = host.parse::<Ipv4Addr>() {
            return if is_port(port) {
                HopForm::IpWithPort { addr: IpAddr::V4(addr), port: port.to_owned() }
            } else {
                HopForm::Invalid {
                    reason: format!("`{}` after the address is not a port", excerpt(port, QUOTED)),
                }
            };
        }
    }
    if let Some((addr, _)) = text.split_once('%') {
        if addr.parse::<Ipv6Addr>().is_ok() {
            return HopForm::Invalid { reason: "an IPv6 address with a zone id (`%...`)".into() };
        }
    }
    if text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return HopForm::Invalid {
            reason: "not a valid IPv4 address (four octets 0-255, no leading zeros)".into(),
        };
    }
    HopForm::Invalid { reason: "not an IP address".into() }
}

fn is_obfuscated_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')
}

/// A decimal port of 1-5 digits, or an obfuscated port (`_abc`, RFC 7239 section 6.3).
fn is_port(text: &str) -> bool {
    match text.strip_prefix('_') {
        Some(id) => !id.is_empty() && id.bytes().all(is_obfuscated_char),
        None => !text.is_empty() && text.len() <= 5 && text.bytes().all(|b| b.is_ascii_digit()),
    }
}

/// One element of a `Forwarded` header: one proxy's account of the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForwardedElement {
    /// The `for=` node, when the element has one (its `raw` is the value as written, quotes included).
    pub for_hop: Option<Hop>,
    /// Every `name=value` pair, names lowercased, values unquoted, in order.
    pub params: Vec<(String, String)>,
    /// Problems with the element's syntax (the element is still read as far as possible).
    pub problems: Vec<String>,
}

/// Parses one `Forwarded` header value.
pub fn parse_forwarded(value: &str) -> Vec<ForwardedElement> {
    parse_forwarded_lines([value])
}

/// Parses a repeated `Forwarded` header: several lines are one comma-joined list (RFC 7239 section 4).
pub fn parse_forwarded_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<ForwardedElement> {
    let mut elements = Vec::new();
    for (line, value) in lines.into_iter().enumerate() {
        for element in split_outside_quotes(value, ',') {
            let element = element.trim();
            if !element.is_empty() {
                elements.push(parse_element(element, line));
            }
        }
    }
    elements
}

/// The hops of a `Forwarded` header, client first: the `for=` of each element, or an invalid hop for an
/// element without one.
pub fn forwarded_hops(elements: &[ForwardedElement]) -> Vec<Hop> {
    elements
        .iter()
        .map(|e| {
            e.for_hop.clone().unwrap_or_else(|| {
                Hop::new("", 0, HopForm::Invalid { reason: "element without a `for=` parameter".into() })
            })
        })
        .collect()
}

fn parse_element(element: &str, line: usize) -> ForwardedElement {
    let mut out = ForwardedElement { for_hop: None, params: Vec::new(), problems: Vec::new() };
    for pair in split_outside_quotes(element, ';') {
        let pair = pair.trim();
        if pair.is_empty() {
            continue;
        }
        let Some((name, raw_value)) = pair.split_once('=') else {
            out.problems.push(format!("`{}` is not a `name=value` pair", excerpt(pair, QUOTED)));
            continue;
        };
        let name = name.trim().to_ascii_lowercase();
        let raw_value = raw_value.trim();
        let value = match unquote(raw_value) {
            Ok(Some(v)) => v,
            Ok(None) => raw_value.to_owned(),
            Err(problem) => {
                out.problems.push(format!("`{}`: {problem}", excerpt(&name, QUOTED)));
                raw_value.trim_matches('"').to_owned()
            }
        };
        if name == "for" {
            if out.for_hop.is_some() {
                out.problems.push("more than one `for=` in one element; the first is used".into());
            } else {
                let mut form = classify_node(&value);
                // IPv6 and ports need quotes (`:` and `[` are not token characters); proxies that forget them
                // are common enough to read anyway, but it is a deviation worth naming.
                if !raw_value.starts_with('"') && value.contains([':', '[']) {
                    out.problems.push(format!("`for={raw_value}` should be quoted"));
                }
                if value.is_empty() {
                    form = HopForm::Invalid { reason: "empty `for=`".into() };
                }
                out.for_hop = Some(Hop::new(raw_value, line, form));
            }
        }
        out.params.push((name, value));
    }
    out
}

/// Splits on `sep` outside double-quoted strings (which may contain backslash escapes).
fn split_outside_quotes(text: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
        } else if quoted && c == '\\' {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        } else if c == sep && !quoted {
            parts.push(&text[start..i]);
            start = i + c.len_utf8();
        }
    }
    parts.push(&text[start..]);
    parts
}

/// The content of a quoted string, `None` when `text` is not quoted, an error when the quotes are unbalanced.
fn unquote(text: &str) -> Result<Option<String>, &'static str> {
    let Some(inner) = text.strip_prefix('"') else {
        return Ok(None);
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e) => out.push(e),
                None => return Err("quoted string ends with a lone `\\`"),
            },
            '"' => {
                return if chars.as_str().is_empty() {
                    Ok(Some(out))
                } else {
                    Err("text after the closing quote")
                };
            }
            _ => out.push(c),
        }
    }
    Err("quoted string without its closing quote")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn forms(value: &str) -> Vec<HopForm> {
        parse_xff(value).hops.into_iter().map(|h| h.form).collect()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn plain_chain_keeps_order_and_raw_text() {
        let chain = parse_xff("203.0.113.7, 192.0.2.10,198.51.100.20");
        let raw: Vec<_> = chain.hops.iter().map(|h| h.raw.as_str()).collect();
        assert_eq!(raw, ["203.0.113.7", "192.0.2.10", "198.51.100.20"]);
        assert!(chain.hops.iter().all(|h| h.plain_ip().is_some()));
        assert_eq!(chain.hops[2].plain_ip(), Some(ip("198.51.100.20")));
    }

    #[test]
    fn splits_like_crowd_on_commas_and_spaces_dropping_empty_tokens() {
        let raw: Vec<_> = split_xff(" 203.0.113.7,,192.0.2.10  198.51.100.20, ").collect();
        assert_eq!(raw, ["203.0.113.7", "192.0.2.10", "198.51.100.20"]);
    }

    #[test]
    fn ports_brackets_unknown_and_obfuscated_are_not_plain_ips() {
        assert_eq!(
            forms("192.0.2.43:4711, [2001:db8:cafe::17]:4711, [2001:db8::1], unknown, _hidden, 2001:db8::2"),
            [
                HopForm::IpWithPort { addr: ip("192.0.2.43"), port: "4711".into() },
                HopForm::BracketedIpv6 {
                    addr: "2001:db8:cafe::17".parse().unwrap(),
                    port: Some("4711".into())
                },
                HopForm::BracketedIpv6 { addr: "2001:db8::1".parse().unwrap(), port: None },
                HopForm::Unknown,
                HopForm::Obfuscated { id: "_hidden".into() },
                HopForm::Ip { addr: ip("2001:db8::2") },
            ]
        );
        let chain = parse_xff("192.0.2.43:4711");
        assert_eq!(chain.hops[0].plain_ip(), None);
        assert_eq!(chain.hops[0].address(), Some(ip("192.0.2.43")));
        assert!(chain.hops[0].untrustable_reason().unwrap().contains("port"));
    }

    #[test]
    fn malformed_entries_say_what_is_wrong() {
        let reason = |v: &str| match &forms(v)[0] {
            HopForm::Invalid { reason } => reason.clone(),
            other => panic!("{v}: expected invalid, got {other:?}"),
        };
        assert!(reason("010.0.0.1").contains("leading zeros"));
        assert!(reason("10.444.222.10").contains("0-255"));
        assert!(reason("for=192.0.2.43").contains("RFC 7239"));
        assert!(reason("\"192.0.2.43\"").contains("quoted"));
        assert!(reason("fe80::1%eth0").contains("zone id"));
        assert!(reason("[2001:db8::1").contains("closing"));
        assert!(reason("[2001:db8::1]x").contains(":port"));
        assert!(reason("[192.0.2.1]").contains("not an IPv6"));
        assert!(reason("192.0.2.1:http").contains("not a port"));
        assert!(reason("proxy.example.com").contains("not an IP"));
        assert!(reason("_").contains("obfuscated"));
    }

    #[test]
    fn repeated_lines_are_one_list_but_crowd_sees_the_first() {
        let chain = parse_xff_lines(["203.0.113.7, 192.0.2.10", "198.51.100.20"]);
        assert_eq!(chain.lines, 2);
        assert_eq!(chain.hops.len(), 3);
        assert_eq!(chain.hops[2].line, 1);
        assert_eq!(chain.crowd_hops().len(), 2);
        assert!(chain.has_hidden_lines());
        assert!(!parse_xff("203.0.113.7").has_hidden_lines());
        // An empty first line hides everything after it from Crowd.
        assert!(parse_xff_lines(["", "203.0.113.7"]).crowd_hops().is_empty());
    }

    #[test]
    fn forwarded_reads_for_nodes_with_quotes_brackets_and_ports() {
        let elements = parse_forwarded("for=192.0.2.43;proto=https, for=\"[2001:db8:cafe::17]:4711\"");
        assert_eq!(elements.len(), 2);
        assert!(elements.iter().all(|e| e.problems.is_empty()), "{elements:?}");
        assert_eq!(elements[0].params[1], ("proto".into(), "https".into()));
        let hops = forwarded_hops(&elements);
        assert_eq!(hops[0].form, HopForm::Ip { addr: ip("192.0.2.43") });
        assert_eq!(hops[1].raw, "\"[2001:db8:cafe::17]:4711\"");
        assert_eq!(
            hops[1].form,
            HopForm::BracketedIpv6 { addr: "2001:db8:cafe::17".parse().unwrap(), port: Some("4711".into()) }
        );
    }

    #[test]
    fn forwarded_unknown_obfuscated_case_and_several_lines() {
        let elements = parse_forwarded_lines([
            "For=unknown;By=_proxy1",
            "for=\"_gazonk\", for=\"192.0.2.60:_port\";proto=http",
        ]);
        let hops = forwarded_hops(&elements);
        assert_eq!(hops.len(), 3);
        assert_eq!(hops[0].form, HopForm::Unknown);
        assert_eq!(elements[0].params[1], ("by".into(), "_proxy1".into()));
        assert_eq!(hops[1].form, HopForm::Obfuscated { id: "_gazonk".into() });
        assert_eq!(hops[1].line, 1);
        assert_eq!(hops[2].form, HopForm::IpWithPort { addr: ip("192.0.2.60"), port: "_port".into() });
    }

    #[test]
    fn forwarded_deviations_are_named_not_fatal() {
        let e = &parse_forwarded("for=[2001:db8::1];proto=https")[0];
        assert_eq!(e.problems, ["`for=[2001:db8::1]` should be quoted"]);
        assert_eq!(e.for_hop.as_ref().unwrap().address(), Some(ip("2001:db8::1")));

        let e = &parse_forwarded("proto=https;host")[0];
        assert!(e.for_hop.is_none());
        assert_eq!(e.problems, ["`host` is not a `name=value` pair"]);
        assert!(matches!(forwarded_hops(std::slice::from_ref(e))[0].form, HopForm::Invalid { .. }));

        let e = &parse_forwarded("for=\"192.0.2.1")[0];
        assert!(e.problems[0].contains("closing quote"), "{:?}", e.problems);

        // A comma inside quotes does not split elements.
        let e = parse_forwarded("for=\"a,b\";proto=https");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].params[0].1, "a,b");
    }
}
