//! Which application a URL belongs to: scheme, host, port and context path (`/track`, `/wiki`, or none).
//!
//! Two apps often share a host (`/jira` and `/wiki` behind one proxy), and their sessions are separate, so the
//! context path is part of the origin. It is learnt from what the traffic shows: URLs where a first segment
//! is followed by one of the applications' own top-level resources (`/wiki/rest/...`, `/jira/browse/...`),
//! login redirects (`/jira/login.jsp?...`), and the `Path` of the applications' cookies when it is not `/`.
//! A `JSESSIONID` with `Path=/` says nothing: two apps under context paths that both set it are exactly the
//! session-cookie collision, and must stay two applications.

use std::collections::{HashMap, HashSet};

use crate::url::{path_of, strip_default_port};

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
    "x",
    "label",
    "synchrony",
    "collector",
];

/// Context paths learnt per host (with port), and hosts where an application is served at the root.
#[derive(Debug, Default, Clone)]
pub struct ContextPaths {
    learnt: HashMap<Box<str>, HashSet<Box<str>>>,
    root: HashSet<Box<str>>,
    /// The host and the path's first two segments [`ContextPaths::learn_url`] learnt from last: all it reads
    /// of a URL, mostly the same from one entry to the next, and then there is nothing new to learn.
    last_url: (String, String),
}

impl ContextPaths {
    /// Learns from one URL path of `host` that an application answered (an Atlassian header, a session
    /// cookie, a login redirect's target): `/jira/rest/...` says `/jira` is a context path, `/rest/...` that
    /// an application runs at the root.
    pub fn learn_url(&mut self, host: &str, path: &str) {
        let rest = path.trim_start_matches('/');
        let mut segments = rest.split('/');
        let Some(first) = segments.next().filter(|s| !s.is_empty()) else { return };
        let lead = path.len() - rest.len();
        let read = &path[..lead + first.len() + segments.clone().next().map_or(0, |s| s.len() + 1)];
        if self.last_url.0 == host && self.last_url.1 == read {
            return;
        }
        self.last_url.0.clear();
        self.last_url.0.push_str(host);
        self.last_url.1.clear();
        self.last_url.1.push_str(read);
        if is_root_segment(first) {
            if !self.root.contains(host) {
                self.root.insert(host.to_ascii_lowercase().into());
            }
            return;
        }
        // A relative path (a redirect to `jira/login.jsp`) names no context path.
        if lead > 0 && segments.next().is_some_and(is_root_segment) {
            self.learn(host, &path[lead - 1..lead + first.len()]);
        }
    }

    /// Records the `Path` of an application's cookie set by `host`: a path other than `/` is its context
    /// path.
    pub fn learn(&mut self, host: &str, path: &str) {
        let path = path.trim_end_matches('/');
        if path.is_empty() || !path.starts_with('/') {
            return;
        }
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
        [scheme, "://", host, context].concat()
    }

    fn context_of<'p>(&self, host: &str, path: &'p str) -> &'p str {
        if let Some(known) = self.learnt.get(host) {
            // The longest learnt context path that prefixes the path, on a segment boundary.
            let best = known
                .iter()
                .filter(|c| {
                    path.starts_with(c.as_ref()) && matches!(path.as_bytes().get(c.len()), None | Some(b'/'))
                })
                .map(|c| c.len())
                .max();
            if let Some(len) = best {
                return &path[..len];
            }
        }
        let first = path.trim_start_matches('/').split('/').next().unwrap_or_default();
        if first.is_empty() || is_root_segment(first) || first.contains('.') || self.root.contains(host) {
            // Served at the root, or a resource of the application the host serves at its root.
            ""
        } else {
            &path[..first.len() + 1]
        }
    }
}

fn is_root_segment(segment: &str) -> bool {
    ROOT_SEGMENTS.iter().any(|root| root.eq_ignore_ascii_case(segment))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_paths_from_urls_cookies_then_heuristics() {
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
        // A Path=/ cookie is no evidence of a root application: /jira and /wiki stay apart.
        paths.learn("apps.example.test", "/");
        assert_eq!(
            paths.origin_of("http", "apps.example.test", "http://apps.example.test/wiki/x/AbC"),
            "http://apps.example.test/wiki"
        );
        // Learnt from URLs alone (a sanitized HAR has no cookies).
        let mut paths = ContextPaths::default();
        paths.learn_url("one.example.test", "/confluence/display/DOC/Home");
        paths.learn_url("one.example.test", "/jira/secure/Dashboard.jspa");
        assert_eq!(
            paths.origin_of("https", "one.example.test", "https://one.example.test/confluence"),
            "https://one.example.test/confluence"
        );
        assert_eq!(
            paths.origin_of("https", "one.example.test", "https://one.example.test/jira/x"),
            "https://one.example.test/jira"
        );
        // A relative redirect target says nothing (and is no reason to stop).
        paths.learn_url("one.example.test", "wiki/login.jsp");
        assert_eq!(
            paths.origin_of("https", "one.example.test", "https://one.example.test/wiki/x"),
            "https://one.example.test/wiki"
        );
        // A host with an application at its root: unknown first segments are its resources.
        paths.learn_url("root.example.test", "/rest/api/2/myself");
        assert_eq!(
            paths.origin_of("http", "root.example.test", "http://root.example.test/ViewProfile/x"),
            "http://root.example.test"
        );
    }
}
