//! Which application a URL belongs to: scheme, host, port and context path (`/track`, `/wiki`, or none).
//!
//! Two apps often share a host (`/jira` and `/wiki` behind one proxy), and their sessions are separate, so the
//! context path is part of the origin. The best evidence is the `Path` of the `JSESSIONID` Tomcat sets: it is
//! the context path. Without it (sanitized HARs), a first path segment that is not one of the applications'
//! own top-level resources is taken as the context path.

use std::collections::{HashMap, HashSet};

use crate::signals::path_of;

/// Top-level path segments of Jira, Confluence and Bitbucket served at the root context: a URL starting with
/// one of these has no context path.
const ROOT_SEGMENTS: &[&str] = &[
    "rest",
    "secure",
    "browse",
    "s",
    "plugins",
    "images",
    "login.jsp",
    "logout",
    "issues",
    "projects",
    "download",
    "servicedesk",
    "display",
    "pages",
    "spaces",
    "dashboard.jspa",
    "includes",
    "static",
    "styles",
    "favicon.ico",
    "login.action",
    "dologin.action",
    "logout.action",
    "j_atl_security_check",
    "j_atl_security_logout",
    "status",
    "gadgets",
    "sr",
    "osd.jsp",
    "plugin",
    "projectconfig",
    "admin",
    "users",
    "mvc",
    "scm",
    "git",
    "dashboard",
    "account",
    "login",
    "favicon.png",
    "robots.txt",
];

/// Context paths learnt from `JSESSIONID` cookies, per host.
#[derive(Debug, Default, Clone)]
pub struct ContextPaths {
    learnt: HashMap<Box<str>, HashSet<Box<str>>>,
}

impl ContextPaths {
    /// Records the `Path` of a `JSESSIONID` set by `host`.
    pub fn learn(&mut self, host: &str, path: &str) {
        let path = path.trim_end_matches('/');
        let set = self.learnt.entry(host.to_ascii_lowercase().into()).or_default();
        if !set.contains(path) {
            set.insert(path.into());
        }
    }

    /// `scheme://host[:port]` plus the context path of `url`.
    pub fn origin_of(&self, scheme: &str, host: &str, url: &str) -> String {
        let path = path_of(url);
        let context = self.context_of(host, path);
        let host = strip_default_port(scheme, host);
        format!("{scheme}://{host}{context}")
    }

    fn context_of<'p>(&self, host: &str, path: &'p str) -> &'p str {
        if let Some(known) = self.learnt.get(host) {
            // The longest learnt context path that prefixes the path, on a segment boundary.
            let best = known
                .iter()
                .filter(|c| !c.is_empty())
                .filter(|c| {
                    path.starts_with(c.as_ref()) && matches!(path.as_bytes().get(c.len()), None | Some(b'/'))
                })
                .map(|c| c.len())
                .max();
            if let Some(len) = best {
                return &path[..len];
            }
            if known.contains("") {
                return "";
            }
        }
        let first = path.trim_start_matches('/').split('/').next().unwrap_or_default();
        let lower = first.to_ascii_lowercase();
        if first.is_empty() || ROOT_SEGMENTS.contains(&lower.as_str()) || first.contains('.') {
            ""
        } else {
            &path[..first.len() + 1]
        }
    }
}

fn strip_default_port<'h>(scheme: &str, host: &'h str) -> &'h str {
    match (scheme, host.rsplit_once(':')) {
        ("https", Some((h, "443"))) | ("http", Some((h, "80"))) => h,
        _ => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_paths_from_cookies_then_heuristics() {
        let mut paths = ContextPaths::default();
        assert_eq!(
            paths.origin_of(
                "https",
                "jira.example.test",
                "https://jira.example.test/track/rest/api/2/issue/X-1"
            ),
            "https://jira.example.test/track"
        );
        assert_eq!(
            paths.origin_of("https", "jira.example.test", "https://jira.example.test/rest/api/2/issue/X-1"),
            "https://jira.example.test"
        );
        assert_eq!(paths.origin_of("https", "h:443", "https://h:443/login.jsp"), "https://h");
        paths.learn("apps.example.test", "/jira");
        paths.learn("apps.example.test", "/wiki/");
        assert_eq!(
            paths.origin_of("http", "apps.example.test", "http://apps.example.test/wiki/display/X"),
            "http://apps.example.test/wiki"
        );
        assert_eq!(
            paths.origin_of("http", "apps.example.test", "http://apps.example.test/jira"),
            "http://apps.example.test/jira"
        );
        paths.learn("root.example.test", "/");
        assert_eq!(
            paths.origin_of("http", "root.example.test", "http://root.example.test/projects/X"),
            "http://root.example.test"
        );
    }
}
