//! What to add to Crowd's trusted-proxy list, from several observed validations of one user's requests
//! (server logs over time): the fix of the KB case (domain.md 2 and 4.1), checked by simulation.
//!
//! Every hop after the leftmost X-Forwarded-For entry (remote_address included) is a proxy and must be
//! trusted for the documented rule to reach the user's own address. The suggestion is the smallest set of
//! exact addresses that does it: one entry per untrusted proxy address seen. Where one position of the chain
//! took several addresses (a pool), the covering CIDR is offered as an alternative that also covers addresses
//! not seen yet, with how much more it trusts. Then the suggestion is applied and every validation resolved
//! again, so the report can show that the client address no longer changes (or say why it still does).

use std::net::IpAddr;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use serde::Serialize;

use super::resolve::{join_and, resolve, ChainHop, HopRole, Observation, Resolution, Rule};
use super::trusted::{size_text, Pattern, TrustedProxies};

/// A CIDR wider than this (IPv4 prefix, IPv6 prefix) is too broad to offer as a pool alternative.
const NARROWEST_POOL_PREFIX: (u8, u8) = (16, 48);

/// What one position of the chain is, across validations (chains are aligned from the right).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PositionRole {
    Client,
    Proxy,
    RemoteAddress,
    /// Chains of different lengths: the client in some validations, a proxy in others.
    ClientOrProxy,
}

/// A position of the chain whose address was not the same in every validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangingPosition {
    /// "remote_address", "XFF entry 2", or "hop 3 from the right" when chains differ in length.
    pub label: String,
    /// 0 = remote_address, 1 = the rightmost XFF entry, and so on.
    pub from_right: usize,
    pub role: PositionRole,
    /// The distinct values seen, in order of first appearance.
    pub values: Vec<String>,
}

/// One entry to add to the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuggestedEntry {
    /// The text to type into Crowd's administration page.
    pub entry: String,
    pub addr: IpAddr,
    /// Where it was seen: "XFF entry 2 in validation 0".
    pub seen_as: Vec<String>,
}

/// A proxy hop that no entry can trust (not a plain IP): the proxy itself has to be fixed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UntrustableHop {
    pub validation: usize,
    pub label: String,
    pub raw: String,
    pub reason: String,
}

/// A changing position that looks like a pool, and the CIDR covering every address it took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PoolAlternative {
    pub label: String,
    pub addresses: Vec<IpAddr>,
    pub cidr: IpNet,
    /// How many addresses the CIDR trusts (text: an IPv6 range can exceed any integer type).
    pub size: String,
    /// False when the range is too broad to recommend (wider than /16 for IPv4, /48 for IPv6).
    pub reasonable: bool,
}

/// The client address of each validation under each rule, and whether it stayed the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub documented: Vec<String>,
    pub all_or_nothing: Vec<String>,
    pub documented_stable: bool,
    pub all_or_nothing_stable: bool,
}

impl Outcome {
    fn of(resolutions: &[Resolution]) -> Self {
        let documented: Vec<String> = resolutions.iter().map(|r| r.documented.address.clone()).collect();
        let all_or_nothing: Vec<String> =
            resolutions.iter().map(|r| r.all_or_nothing.address.clone()).collect();
        Outcome {
            documented_stable: distinct(&documented).len() <= 1,
            all_or_nothing_stable: distinct(&all_or_nothing).len() <= 1,
            documented,
            all_or_nothing,
        }
    }

    /// The addresses under `rule`.
    pub fn addresses(&self, rule: Rule) -> &[String] {
        match rule {
            Rule::Documented => &self.documented,
            Rule::AllOrNothing => &self.all_or_nothing,
        }
    }
}

/// What to trust, and what it changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// How many validations were compared.
    pub validations: usize,
    /// Positions whose address differed between validations.
    pub changing: Vec<ChangingPosition>,
    /// Entries to add: exact addresses, in order of first appearance. Empty when every proxy is trusted.
    pub add: Vec<SuggestedEntry>,
    /// Proxy hops no entry can trust.
    pub untrustable: Vec<UntrustableHop>,
    /// Pool alternatives (a CIDR instead of a changing position's exact addresses).
    pub pools: Vec<PoolAlternative>,
    /// With the list as given.
    pub before: Outcome,
    /// With the suggested entries added.
    pub after: Outcome,
    /// Plain-words account, in the order an admin would act on it.
    pub explanation: Vec<String>,
}

/// Compares several validations and suggests the trusted-proxy entries that make the documented rule resolve
/// each of them to the user's own address.
pub fn suggest(trusted: &TrustedProxies, validations: &[Observation]) -> Suggestion {
    let before: Vec<Resolution> = validations.iter().map(|v| resolve(trusted, v)).collect();
    let changing = changing_positions(&before);

    let mut add: Vec<SuggestedEntry> = Vec::new();
    let mut untrustable = Vec::new();
    for (validation, r) in before.iter().enumerate() {
        // Position 0 is the client (the leftmost XFF entry, or remote_address without XFF): never a proxy.
        for hop in r.hops.iter().skip(1).filter(|h| !h.is_trusted()) {
            let seen = format!("{} in validation {validation}", position_name(hop));
            match plain_ip(hop) {
                Some(addr) => match add.iter_mut().find(|s| s.addr == addr) {
                    Some(existing) => existing.seen_as.push(seen),
                    None => add.push(SuggestedEntry { entry: addr.to_string(), addr, seen_as: vec![seen] }),
                },
                None => untrustable.push(UntrustableHop {
                    validation,
                    label: position_name(hop),
                    raw: hop.raw.clone(),
                    reason: hop.untrusted_because.clone().unwrap_or_default(),
                }),
            }
        }
    }

    let pools = changing
        .iter()
        .filter(|c| c.role != PositionRole::Client)
        .filter_map(|c| pool_for(c, &add))
        .collect::<Vec<_>>();

    let mut extended = trusted.clone();
    for s in &add {
        extended.add(Pattern::Address { addr: s.addr });
    }
    let after: Vec<Resolution> = validations.iter().map(|v| resolve(&extended, v)).collect();

    let mut suggestion = Suggestion {
        validations: validations.len(),
        changing,
        add,
        untrustable,
        pools,
        before: Outcome::of(&before),
        after: Outcome::of(&after),
        explanation: Vec::new(),
    };
    suggestion.explanation = explain(&suggestion, &after, trusted);
    suggestion
}

fn plain_ip(hop: &ChainHop) -> Option<IpAddr> {
    match hop.form {
        super::xff::HopForm::Ip { addr } => Some(addr),
        _ => None,
    }
}

fn position_name(hop: &ChainHop) -> String {
    match hop.role {
        HopRole::RemoteAddress => "remote_address".to_owned(),
        _ => format!("XFF entry {}", hop.position),
    }
}

/// Aligns the chains from the right (remote_address with remote_address) and keeps the positions that took
/// more than one value. Aligning from the right keeps the proxies in place when the client side differs.
fn changing_positions(resolutions: &[Resolution]) -> Vec<ChangingPosition> {
    let longest = resolutions.iter().map(|r| r.hops.len()).max().unwrap_or(0);
    let mut out = Vec::new();
    for from_right in 0..longest {
        let hops: Vec<&ChainHop> =
            resolutions.iter().filter_map(|r| r.hops.iter().rev().nth(from_right)).collect();
        let values = distinct(hops.iter().map(|h| h.raw.clone()));
        if values.len() < 2 {
            continue;
        }
        // The same position in every chain (a BTreeSet here cost the .wasm a sort instance of its own).
        let one_position = hops.windows(2).all(|w| w[0].position == w[1].position);
        let label = match (from_right, one_position) {
            (0, _) => "remote_address".to_owned(),
            (_, true) => format!("XFF entry {}", hops[0].position),
            _ => format!("hop {from_right} from the right"),
        };
        let clients = hops.iter().filter(|h| h.position == 0).count();
        let role = match (from_right, clients) {
            (0, 0) => PositionRole::RemoteAddress,
            (_, 0) => PositionRole::Proxy,
            (_, n) if n == hops.len() => PositionRole::Client,
            _ => PositionRole::ClientOrProxy,
        };
        out.push(ChangingPosition { label, from_right, role, values });
    }
    // Left to right reads like the chain.
    out.reverse();
    out
}

/// The CIDR covering a changing position's addresses, when at least one of them needs trusting and they are
/// all plain IPs of one family.
fn pool_for(position: &ChangingPosition, add: &[SuggestedEntry]) -> Option<PoolAlternative> {
    let addresses: Vec<IpAddr> = position.values.iter().filter_map(|v| v.parse().ok()).collect();
    if addresses.len() != position.values.len() || !addresses.iter().any(|a| add.iter().any(|s| s.addr == *a))
    {
        return None;
    }
    let cidr = covering_net(&addresses)?;
    let max = match cidr {
        IpNet::V4(_) => NARROWEST_POOL_PREFIX.0,
        IpNet::V6(_) => NARROWEST_POOL_PREFIX.1,
    };
    Some(PoolAlternative {
        label: position.label.clone(),
        size: size_text(cidr),
        reasonable: cidr.prefix_len() >= max,
        addresses,
        cidr,
    })
}

/// The smallest network containing every address (all of one family), or `None` for mixed families.
pub fn covering_net(addresses: &[IpAddr]) -> Option<IpNet> {
    let (first, rest) = addresses.split_first()?;
    match first {
        IpAddr::V4(a) => {
            let base = u32::from(*a);
            let mut prefix = 32;
            for other in rest {
                let IpAddr::V4(b) = other else { return None };
                prefix = prefix.min((base ^ u32::from(*b)).leading_zeros());
            }
            Ipv4Net::new(*a, prefix as u8).ok().map(|n| IpNet::V4(n.trunc()))
        }
        IpAddr::V6(a) => {
            let base = u128::from(*a);
            let mut prefix = 128;
            for other in rest {
                let IpAddr::V6(b) = other else { return None };
                prefix = prefix.min((base ^ u128::from(*b)).leading_zeros());
            }
            Ipv6Net::new(*a, prefix as u8).ok().map(|n| IpNet::V6(n.trunc()))
        }
    }
}

fn distinct(values: impl IntoIterator<Item = impl AsRef<str>>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if !out.iter().any(|o| o == v.as_ref()) {
            out.push(v.as_ref().to_owned());
        }
    }
    out
}

fn explain(s: &Suggestion, after: &[Resolution], trusted: &TrustedProxies) -> Vec<String> {
    let mut out = Vec::new();
    if s.validations > 1 {
        if s.changing.is_empty() {
            out.push(format!("No hop changed between the {} validations.", s.validations));
        } else {
            out.push(format!(
                "Between the {} validations, {} changed.",
                s.validations,
                join_and(s.changing.iter().map(|c| format!("{} ({})", c.label, c.values.join(", "))))
            ));
        }
    }
    let before = distinct(&s.before.documented);
    if before.len() > 1 {
        out.push(format!(
            "Before: the documented rule resolves the validations to {}: the client address Crowd binds the \
             token to changes, so a token created in one validation is rejected in another \
             (INVALID_SSO_TOKEN).",
            join_and(before)
        ));
    } else {
        out.push(format!("Before: the documented rule resolves to {}.", join_and(before)));
    }
    if s.add.is_empty() {
        out.push("Every proxy hop that is a plain IP is already trusted: nothing to add.".to_owned());
    } else {
        out.push(format!(
            "Add to Crowd's trusted proxy servers (Crowd administration, no restart needed), then clear the \
             session cookies: {}.",
            join_and(s.add.iter().map(|a| a.entry.clone()))
        ));
    }
    for pool in &s.pools {
        if pool.reasonable {
            out.push(format!(
                "{} looks like a pool ({} addresses seen): {} would also cover addresses it has not used \
                 yet, but trusts {} addresses instead of {}; use it only if the whole range is your proxies.",
                pool.label,
                pool.addresses.len(),
                pool.cidr,
                pool.size,
                pool.addresses.len()
            ));
        } else {
            out.push(format!(
                "{} changed across a wide range: the smallest CIDR covering it, {}, trusts {} addresses: too \
                 broad to recommend; ask the network team for the pool's range.",
                pool.label, pool.cidr, pool.size
            ));
        }
    }
    for u in &s.untrustable {
        out.push(format!(
            "{} `{}` in validation {} cannot be trusted by any entry ({}); fix that proxy to send plain \
             addresses.",
            u.label, u.raw, u.validation, u.reason
        ));
    }
    let after_distinct = distinct(&s.after.documented);
    if s.after.documented_stable {
        let client = after.first().is_some_and(|r| r.documented.role == HopRole::Client);
        out.push(format!(
            "After: the documented rule resolves every validation to {}{}.",
            join_and(after_distinct),
            if client { ", the user's own address" } else { "" }
        ));
    } else {
        let mut text = format!(
            "After: the documented rule still resolves the validations to {}",
            join_and(after_distinct)
        );
        let client_changed = s.changing.iter().any(|c| c.role == PositionRole::Client);
        if !s.untrustable.is_empty() {
            text.push_str(": the untrustable hops above stop the walk");
        } else if client_changed {
            text.push_str(
                ": the user's own address changed (VPN, NAT pool, IPv4/IPv6), which trusting proxies cannot \
                 fix (client-address-change)",
            );
        }
        text.push('.');
        out.push(text);
    }
    out.push(format!(
        "All-or-nothing rule: before {}; after {}.",
        join_and(distinct(&s.before.all_or_nothing)),
        join_and(distinct(&s.after.all_or_nothing))
    ));
    if trusted.has_hostnames() && !s.add.is_empty() {
        out.push(
            "The list has hostnames harlens cannot resolve: some suggested addresses may already be trusted \
             through them."
                .to_owned(),
        );
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn obs(remote: &str, xff: &str) -> Observation {
        Observation::new(ip(remote), Some(xff))
    }

    fn kb() -> Vec<Observation> {
        vec![
            obs("192.0.2.10", "203.0.113.7, 192.0.2.10, 198.51.100.20"),
            obs("192.0.2.10", "203.0.113.7, 192.0.2.10, 198.51.100.88"),
        ]
    }

    #[test]
    fn kb_case_suggests_the_changing_middle_proxy_and_fixes_the_resolution() {
        let trusted = TrustedProxies::parse("192.0.2.10").unwrap();
        let s = suggest(&trusted, &kb());
        assert_eq!(s.changing.len(), 1);
        assert_eq!(s.changing[0].label, "XFF entry 2");
        assert_eq!(s.changing[0].role, PositionRole::Proxy);
        assert_eq!(s.changing[0].values, ["198.51.100.20", "198.51.100.88"]);
        let entries: Vec<&str> = s.add.iter().map(|a| a.entry.as_str()).collect();
        assert_eq!(entries, ["198.51.100.20", "198.51.100.88"]);
        assert_eq!(s.add[0].seen_as, ["XFF entry 2 in validation 0"]);
        assert_eq!(s.before.documented, ["198.51.100.20", "198.51.100.88"]);
        assert!(!s.before.documented_stable);
        assert_eq!(s.after.documented, ["203.0.113.7", "203.0.113.7"]);
        assert!(s.after.documented_stable);
        // The all-or-nothing rule is stable before (remote_address) and after (the client).
        assert_eq!(s.before.all_or_nothing, ["192.0.2.10", "192.0.2.10"]);
        assert_eq!(s.after.all_or_nothing, ["203.0.113.7", "203.0.113.7"]);
        assert_eq!(s.pools.len(), 1);
        assert_eq!(s.pools[0].cidr, "198.51.100.0/25".parse::<IpNet>().unwrap());
        assert_eq!(s.pools[0].size, "128");
        assert!(s.pools[0].reasonable);
        let text = s.explanation.join("\n");
        assert!(text.contains("XFF entry 2 (198.51.100.20, 198.51.100.88) changed"), "{text}");
        assert!(text.contains("then clear the session cookies: 198.51.100.20 and 198.51.100.88."), "{text}");
        assert!(text.contains("trusts 128 addresses instead of 2"), "{text}");
        assert!(text.contains("resolves every validation to 203.0.113.7, the user's own address"), "{text}");
    }

    #[test]
    fn untrusted_app_facing_proxy_is_suggested_too() {
        let s = suggest(&TrustedProxies::default(), &kb());
        let entries: Vec<&str> = s.add.iter().map(|a| a.entry.as_str()).collect();
        // 192.0.2.10 appears as XFF entry 1 and as remote_address: one entry, seen twice per validation.
        assert_eq!(entries, ["192.0.2.10", "198.51.100.20", "198.51.100.88"]);
        assert_eq!(s.add[0].seen_as.len(), 4);
        assert!(s.after.documented_stable);
    }

    #[test]
    fn existing_ranges_are_reused() {
        let trusted = TrustedProxies::parse("192.0.2.0/24, 198.51.100.*").unwrap();
        let s = suggest(&trusted, &kb());
        assert!(s.add.is_empty());
        assert!(s.pools.is_empty());
        assert!(s.before.documented_stable);
        assert!(s.explanation.iter().any(|e| e.contains("nothing to add")));
    }

    #[test]
    fn a_changing_client_is_not_a_proxy_problem() {
        let trusted = TrustedProxies::parse("192.0.2.10").unwrap();
        let s = suggest(&trusted, &[obs("192.0.2.10", "203.0.113.7"), obs("192.0.2.10", "203.0.113.99")]);
        assert!(s.add.is_empty());
        assert_eq!(s.changing[0].role, PositionRole::Client);
        assert!(s.pools.is_empty());
        assert!(!s.after.documented_stable);
        assert!(s.explanation.iter().any(|e| e.contains("client-address-change")), "{:?}", s.explanation);
    }

    #[test]
    fn a_pool_in_front_of_the_app_changes_remote_address() {
        let s = suggest(
            &TrustedProxies::default(),
            &[obs("192.0.2.10", "203.0.113.7"), obs("192.0.2.11", "203.0.113.7")],
        );
        assert_eq!(s.changing[0].label, "remote_address");
        assert_eq!(s.changing[0].role, PositionRole::RemoteAddress);
        assert_eq!(s.before.documented, ["192.0.2.10", "192.0.2.11"]);
        assert_eq!(s.pools[0].cidr, "192.0.2.10/31".parse::<IpNet>().unwrap());
        assert_eq!(s.after.documented, ["203.0.113.7", "203.0.113.7"]);
    }

    #[test]
    fn hops_with_ports_cannot_be_fixed_by_the_list() {
        let s = suggest(
            &TrustedProxies::parse("192.0.2.10").unwrap(),
            &[obs("192.0.2.10", "203.0.113.7, 198.51.100.20:4711")],
        );
        assert!(s.add.is_empty());
        assert_eq!(s.untrustable.len(), 1);
        assert_eq!(s.untrustable[0].raw, "198.51.100.20:4711");
        assert_eq!(s.after.documented, ["198.51.100.20:4711"]);
        assert!(s.explanation.iter().any(|e| e.contains("cannot be trusted by any entry")));
    }

    #[test]
    fn chains_of_different_lengths_align_from_the_right() {
        let s = suggest(
            &TrustedProxies::parse("192.0.2.10").unwrap(),
            &[obs("192.0.2.10", "203.0.113.7, 198.51.100.20"), obs("192.0.2.10", "198.51.100.21")],
        );
        // The client of the longer chain has no counterpart: only the position both chains have changed.
        assert_eq!(s.changing.len(), 1);
        assert_eq!(s.changing[0].label, "hop 1 from the right");
        assert_eq!(s.changing[0].role, PositionRole::ClientOrProxy);
        assert_eq!(s.add.iter().map(|a| a.entry.as_str()).collect::<Vec<_>>(), ["198.51.100.20"]);
    }

    #[test]
    fn covering_nets() {
        let net = |v: &[&str]| covering_net(&v.iter().map(|s| ip(s)).collect::<Vec<_>>());
        assert_eq!(net(&["10.0.0.1"]), Some("10.0.0.1/32".parse().unwrap()));
        assert_eq!(net(&["10.0.0.1", "10.0.0.2"]), Some("10.0.0.0/30".parse().unwrap()));
        assert_eq!(net(&["10.0.0.1", "11.0.0.1"]), Some("10.0.0.0/7".parse().unwrap()));
        assert_eq!(net(&["2001:db8::1", "2001:db8::ff"]), Some("2001:db8::/120".parse().unwrap()));
        assert_eq!(net(&["10.0.0.1", "2001:db8::1"]), None);
        assert_eq!(net(&[]), None);
    }

    #[test]
    fn wide_pools_are_not_recommended() {
        let s = suggest(
            &TrustedProxies::default(),
            &[obs("192.0.2.10", "203.0.113.7, 10.0.0.1"), obs("192.0.2.10", "203.0.113.7, 172.16.0.1")],
        );
        let pool = s.pools.iter().find(|p| p.label == "XFF entry 1").unwrap();
        assert!(!pool.reasonable);
        assert!(s.explanation.iter().any(|e| e.contains("too broad")));
    }
}
