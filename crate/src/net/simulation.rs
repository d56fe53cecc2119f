//! One request through Crowd's proxy logic, as a report: what `harlens proxies` prints and what the WASM
//! resolution simulator will return. Parsing the inputs is the caller's job, so each error can name its
//! source (a file, a command-line option, a form field).

use std::fmt::Write;

use serde::Serialize;

use super::resolve::{resolve, HopRole, Observation, Resolution, Rule};
use super::suggest::{suggest, Suggestion};
use super::trusted::TrustedProxies;

/// The schema id of [`Simulation`]'s JSON; bumped on any incompatible change.
pub const SCHEMA: &str = "harlens.proxies/1";

/// The trusted list as read, the request, Crowd's resolution of it and what to trust to reach the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Simulation {
    pub schema: &'static str,
    /// The harlens version that wrote it.
    pub generator: String,
    pub trusted: TrustedProxies,
    /// Every warning about the list, as "entry N `text` (line, column): message".
    pub warnings: Vec<String>,
    pub request: Observation,
    pub resolution: Resolution,
    /// The entries to add so that the documented rule resolves this request to the leftmost (client) entry.
    pub suggestion: Suggestion,
}

impl Simulation {
    pub fn new(trusted: TrustedProxies, request: Observation) -> Self {
        let resolution = resolve(&trusted, &request);
        let suggestion = suggest(&trusted, std::slice::from_ref(&request));
        Simulation {
            schema: SCHEMA,
            generator: format!("harlens {}", crate::VERSION),
            warnings: trusted.warnings(),
            trusted,
            request,
            resolution,
            suggestion,
        }
    }

    /// The JSON form, pretty-printed, ending with a newline.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        let mut json = serde_json::to_string_pretty(self)?;
        json.push('\n');
        Ok(json)
    }

    /// The terminal form: the list as read, the chain hop by hop, the client address under each rule, why,
    /// and what to trust.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let entries = &self.trusted.entries;
        let _ = writeln!(
            out,
            "Trusted proxies: {} {}",
            entries.len(),
            if entries.len() == 1 { "entry" } else { "entries" }
        );
        let width = entries.iter().map(|e| e.text.chars().count()).max().unwrap_or(0);
        for e in entries {
            let _ = writeln!(out, "  {:>2}  {:<width$}  {}", e.index, e.text, e.pattern.describe());
        }
        for w in &self.warnings {
            let _ = writeln!(out, "warning: {w}");
        }

        let r = &self.resolution;
        let _ =
            writeln!(out, "\nChain as Crowd sees it (X-Forwarded-For left to right, then remote_address):");
        let width = r.hops.iter().map(|h| h.raw.chars().count()).max().unwrap_or(0);
        for hop in &r.hops {
            let (place, role) = match hop.role {
                HopRole::Client => (format!("XFF {}", hop.position), "client"),
                HopRole::Proxy => (format!("XFF {}", hop.position), "proxy"),
                HopRole::RemoteAddress => ("remote".to_owned(), "remote_address"),
            };
            let verdict = match (&hop.trusted_by, &hop.untrusted_because) {
                (Some(by), _) => format!("trusted by entry {} `{}`", by.index, by.text),
                (None, Some(why)) => format!("untrusted: {why}"),
                (None, None) => "untrusted".to_owned(),
            };
            let _ = writeln!(out, "  {place:<7} {:<width$}  {role:<14}  {verdict}", hop.raw);
        }
        for ignored in &r.ignored_xff_hops {
            let _ = writeln!(out, "  (ignored: {ignored}, on a later X-Forwarded-For line)");
        }
        let factors: Vec<String> =
            r.validation_factors.iter().map(|f| format!("{}={}", f.name, f.value)).collect();
        let _ = writeln!(out, "\nValidation factors sent to Crowd: {}", factors.join("; "));

        let _ = writeln!(out, "\nClient address:");
        let width = Rule::AllOrNothing.title().len().max(Rule::Documented.title().len()) + 1;
        for rule in [Rule::Documented, Rule::AllOrNothing] {
            let resolved = r.resolved(rule);
            let place = match resolved.role {
                HopRole::Client => format!("XFF entry {}, the client", resolved.position),
                HopRole::Proxy => format!("XFF entry {}, a proxy", resolved.position),
                HopRole::RemoteAddress => "remote_address".to_owned(),
            };
            let _ =
                writeln!(out, "  {:<width$} {} ({place})", format!("{}:", rule.title()), resolved.address);
        }
        let _ = writeln!(out, "  {}", if r.disagree { "The rules disagree." } else { "The rules agree." });
        if let Some(log) = &r.crowd_log {
            let _ = writeln!(out, "  XForwardedForUtil's DEBUG line: {log}");
        }

        let _ = writeln!(out, "\nWhy:");
        for line in &r.explanation {
            let _ = writeln!(out, "  - {line}");
        }

        let s = &self.suggestion;
        if !s.add.is_empty() || !s.untrustable.is_empty() {
            let _ = writeln!(out, "\nTo make the documented rule reach the user's address:");
            if !s.add.is_empty() {
                let add: Vec<&str> = s.add.iter().map(|a| a.entry.as_str()).collect();
                let _ = writeln!(out, "  add to the trusted proxies: {}", add.join(", "));
            }
            for u in &s.untrustable {
                let _ = writeln!(out, "  fix the proxy that sends {} `{}`: {}", u.label, u.raw, u.reason);
            }
            if let Some(after) = s.after.documented.first() {
                let _ = writeln!(out, "  then the documented rule resolves to {after}");
            }
        }
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::net::{parse_forwarded, parse_remote_address, parse_xff};

    /// Headers and lists are untrusted text: multi-byte characters, control characters and odd punctuation
    /// must come out as findings, never as a panic (a panic in WASM kills the page).
    #[test]
    fn hostile_text_never_panics() {
        let nasty = [
            "",
            ",",
            " , ,",
            "é",
            "fé=1",
            "for=",
            "for=\"",
            "\"\\",
            "[",
            "[]",
            "[é]:",
            "]:",
            "_",
            "_é",
            "1.2.3.4:",
            ":::",
            "::ffff:1.2.3.4%",
            "%",
            "*",
            "*.*",
            "1.2.3.4/",
            "/",
            "/999",
            "1.2.3.4/é",
            "0.0.0.0/0",
            "::/0",
            "999.999.999.999",
            "1..2.3",
            ".",
            "..",
            "-",
            "a..b",
            "\u{0}",
            "\t192.0.2.1",
            "🦀.example",
            "192.168.é.*",
            "1.2.3.",
            "1.2.3.4.",
            "1.2.3.4.5.",
        ];
        for text in nasty {
            let chain = parse_xff(text);
            let _ = chain.crowd_hops();
            let _ = parse_forwarded(text);
            let _ = parse_remote_address(text);
            let (list, _) = TrustedProxies::parse_lenient(text);
            let _ = list.warnings();
            for remote in ["192.0.2.10", "::ffff:192.0.2.10", "2001:db8::1"] {
                let sim =
                    Simulation::new(list.clone(), Observation::new(remote.parse().unwrap(), Some(text)));
                let _ = sim.render_text();
                let _ = sim.to_json().unwrap();
            }
        }
    }

    #[test]
    fn kb_request_renders_the_chain_the_rules_and_the_fix() {
        let trusted = TrustedProxies::parse("192.0.2.10, 192.168.").unwrap();
        let request =
            Observation::new("192.0.2.10".parse().unwrap(), Some("203.0.113.7, 192.0.2.10, 198.51.100.20"));
        let sim = Simulation::new(trusted, request);
        let text = sim.render_text();
        assert!(
            text.starts_with("Trusted proxies: 2 entries\n   0  192.0.2.10  address 192.0.2.10\n"),
            "{text}"
        );
        let typo = "warning: entry 1 `192.168.` (line 1, column 13): `192.168.` is likely a typo";
        assert!(text.contains(typo), "{text}");
        assert!(
            text.contains("  XFF 2   198.51.100.20  proxy           untrusted: no trusted-proxy entry"),
            "{text}"
        );
        assert!(
            text.contains("  remote  192.0.2.10     remote_address  trusted by entry 0 `192.0.2.10`"),
            "{text}"
        );
        assert!(text.contains("198.51.100.20 (XFF entry 2, a proxy)"), "{text}");
        assert!(text.contains("192.0.2.10 (remote_address)\n  The rules disagree.\n"), "{text}");
        assert!(text.contains("  add to the trusted proxies: 198.51.100.20\n"), "{text}");
        assert!(text.contains("  then the documented rule resolves to 203.0.113.7\n"), "{text}");
        let json: serde_json::Value = serde_json::from_str(&sim.to_json().unwrap()).unwrap();
        assert_eq!(json["schema"], SCHEMA);
        assert_eq!(json["resolution"]["documented"]["address"], "198.51.100.20");
    }
}
