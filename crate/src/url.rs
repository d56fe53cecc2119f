//! URLs as the analysis reads them: one splitter for scheme, host, port, path and query, used by every reader
//! (the timeline, the signals, the rules, the report), so that "the same application" and "the same path"
//! mean the same thing everywhere.
//!
//! HAR URLs are absolute (`https://jira.example.test:8443/jira/browse/X-1?a=b#c`); redirect targets may be
//! relative (`/jira/login.jsp?...`). Nothing here allocates unless an origin must be lower-cased.

use std::borrow::Cow;

/// The parts of a URL, borrowed from it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Url<'a> {
    /// `https`, as written (empty for a relative URL).
    pub scheme: &'a str,
    /// `user:password` before an `@` in the authority, when there is one.
    pub userinfo: Option<&'a str>,
    /// `host[:port]` without user information (empty for a relative URL).
    pub authority: &'a str,
    /// The path, without query or fragment (empty when the URL has none).
    pub path: &'a str,
    /// The query, without `?` (None when the URL has no `?`; it may be empty).
    pub query: Option<&'a str>,
    /// The fragment, without `#` (None when the URL has no `#`).
    pub fragment: Option<&'a str>,
}

impl<'a> Url<'a> {
    /// Splits `url` (this runs for every entry: finding `://` with a substring search was most of its cost).
    pub fn parse(url: &'a str) -> Self {
        // A scheme is letters, digits, `+`, `-` and `.` (RFC 3986 section 3.1) followed by `://`; anything
        // else before the first `://` (a path or a query that contains one) is not.
        let scheme_len =
            url.bytes().position(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')));
        let (scheme, rest) = match scheme_len {
            Some(n) if n > 0 && url[n..].starts_with("://") => (&url[..n], &url[n + 3..]),
            _ => ("", url),
        };
        // Byte loops: the delimiters are ASCII, which never occurs inside a multi-byte character, and URLs are
        // short (memchr's searchers cost more code in the .wasm than they save here).
        let (authority, tail) = if scheme.is_empty() {
            ("", rest)
        } else {
            rest.split_at(rest.bytes().position(|c| matches!(c, b'/' | b'?' | b'#')).unwrap_or(rest.len()))
        };
        let (userinfo, authority) = match authority.bytes().rposition(|c| c == b'@') {
            Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
            None => (None, authority),
        };
        // The first `?` or `#` ends the path; a `?` after the `#` belongs to the fragment.
        let (path, query, fragment) = match tail.bytes().position(|c| matches!(c, b'?' | b'#')) {
            Some(q) if tail.as_bytes()[q] == b'?' => {
                let rest = &tail[q + 1..];
                match rest.bytes().position(|c| c == b'#') {
                    Some(f) => (&tail[..q], Some(&rest[..f]), Some(&rest[f + 1..])),
                    None => (&tail[..q], Some(rest), None),
                }
            }
            Some(f) => (&tail[..f], None, Some(&tail[f + 1..])),
            None => (tail, None, None),
        };
        Url { scheme, userinfo, authority, path, query, fragment }
    }

    /// The first segment of the path (`track` of `/track/rest/x`; empty for `/` or no path).
    pub fn first_segment(&self) -> &'a str {
        first_segment(self.path)
    }

    /// The origin of this URL (see [`origin_of`]); `url` is the text it was parsed from, which the origin
    /// borrows from when it is already canonical.
    pub fn origin(&self, url: &'a str) -> Option<Cow<'a, str>> {
        let u = self;
        if !is_web_scheme(u.scheme) || u.authority.is_empty() {
            return None;
        }
        let host_port = strip_default_port(u.scheme, u.authority);
        let end = u.scheme.len() + 3 + host_port.len();
        // Borrowed when the URL already starts with its canonical origin (the common case: nothing to allocate).
        let prefix = url.get(..end).filter(|p| {
            p.starts_with(u.scheme)
                && p[u.scheme.len()..].starts_with("://")
                && p.ends_with(host_port)
                && !p.bytes().any(|b| b.is_ascii_uppercase())
        });
        Some(match prefix {
            Some(prefix) => Cow::Borrowed(prefix),
            None => {
                let mut origin = [u.scheme, "://", host_port].concat();
                origin.make_ascii_lowercase();
                Cow::Owned(origin)
            }
        })
    }

    /// The host without its port: `jira.example.test`, `[2001:db8::1]`.
    pub fn host(&self) -> &'a str {
        host_name(self.authority)
    }
}

/// The path of a URL (without query or fragment); "" for URLs without one.
pub fn path_of(url: &str) -> &str {
    Url::parse(url).path
}

/// The host with its port (`jira.example.test:8443`) of an absolute URL.
pub fn host_of(url: &str) -> Option<&str> {
    Some(Url::parse(url).authority).filter(|a| !a.is_empty())
}

/// A host without its port (`host:port` -> `host`), IPv6 literals kept whole (`[::1]:8080` -> `[::1]`).
/// Cookies ignore ports, so this is the unit the browser's cookie jar shares.
pub fn host_name(host_port: &str) -> &str {
    if host_port.starts_with('[') {
        return host_port.find(']').map_or(host_port, |end| &host_port[..=end]);
    }
    host_port.split(':').next().unwrap_or(host_port)
}

/// `host` without the scheme's default port (`h:443` for https is `h`).
pub fn strip_default_port<'h>(scheme: &str, host: &'h str) -> &'h str {
    let is = |s: &str| scheme.eq_ignore_ascii_case(s);
    let default = if is("http") || is("ws") {
        "80"
    } else if is("https") || is("wss") {
        "443"
    } else {
        return host;
    };
    match host.rsplit_once(':') {
        // `]` guards against cutting an IPv6 literal without a port.
        Some((h, port)) if port == default && !port.contains(']') => h,
        _ => host,
    }
}

/// The origin (`scheme://host[:port]`, lower-case, default port dropped) of an http(s) or ws(s) URL.
pub fn origin_of(url: &str) -> Option<Cow<'_, str>> {
    Url::parse(url).origin(url)
}

/// `http`, `https`, `ws` or `wss`, in any case.
fn is_web_scheme(scheme: &str) -> bool {
    ["http", "https", "ws", "wss"].iter().any(|s| s.eq_ignore_ascii_case(scheme))
}

/// The first segment of a path (`track` of `/track/rest/x`): what the timeline tells runs of one application
/// apart by.
pub fn first_segment(path: &str) -> &str {
    let path = path.trim_start_matches('/');
    &path[..path.bytes().position(|c| c == b'/').unwrap_or(path.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_of_absolute_and_relative_urls() {
        let u = Url::parse("https://user:pw@Jira.example.test:8443/jira/browse/X-1?a=b&c#frag");
        assert_eq!(
            (u.scheme, u.userinfo, u.authority, u.path, u.query, u.fragment, u.host()),
            (
                "https",
                Some("user:pw"),
                "Jira.example.test:8443",
                "/jira/browse/X-1",
                Some("a=b&c"),
                Some("frag"),
                "Jira.example.test"
            )
        );
        let rel = Url::parse("/jira/login.jsp?os_destination=%2Fbrowse%2FX-1");
        assert_eq!(
            (rel.scheme, rel.authority, rel.path, rel.query, rel.fragment),
            ("", "", "/jira/login.jsp", Some("os_destination=%2Fbrowse%2FX-1"), None)
        );
        assert_eq!(Url::parse("https://h/x?").query, Some(""));
        assert_eq!(Url::parse("/a?b=https://h/c").path, "/a");
        assert_eq!(Url::parse("://h/x").scheme, "");
        assert_eq!(Url::parse("a b://h/x").path, "a b://h/x");
        let odd = Url::parse("svn+ssh.x-1://u@v@h:1#f?q");
        assert_eq!(
            (odd.scheme, odd.userinfo, odd.authority, odd.path, odd.query, odd.fragment),
            ("svn+ssh.x-1", Some("u@v"), "h:1", "", None, Some("f?q"))
        );
        assert_eq!(Url::parse("https://h/a/b?c#d").first_segment(), "a");
        assert_eq!(Url::parse("https://h").first_segment(), "");
        assert_eq!(path_of("https://h/track/rest/x?y=1#z"), "/track/rest/x");
        assert_eq!(path_of("https://h?x"), "");
        assert_eq!(path_of("https://h#x"), "");
        assert_eq!(host_of("https://h:1/x"), Some("h:1"));
        assert_eq!(host_of("/relative"), None);
        assert_eq!(host_name("[2001:db8::1]:8443"), "[2001:db8::1]");
        assert_eq!(host_name("tools.example.test:8080"), "tools.example.test");
    }

    /// What [`Url::parse`] means, written with the standard library's string splitting.
    fn parse_by_definition(url: &str) -> Url<'_> {
        let scheme_len =
            url.bytes().position(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')));
        let (scheme, rest) = match scheme_len {
            Some(n) if n > 0 && url[n..].starts_with("://") => (&url[..n], &url[n + 3..]),
            _ => ("", url),
        };
        let (authority, tail) = if scheme.is_empty() {
            ("", rest)
        } else {
            rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()))
        };
        let (userinfo, authority) =
            authority.rsplit_once('@').map_or((None, authority), |(u, h)| (Some(u), h));
        let (tail, fragment) = tail.split_once('#').map_or((tail, None), |(t, f)| (t, Some(f)));
        let (path, query) = tail.split_once('?').map_or((tail, None), |(p, q)| (p, Some(q)));
        Url { scheme, userinfo, authority, path, query, fragment }
    }

    #[test]
    fn urls_are_split_as_defined() {
        let parts = ["https://", "h", "/", "?", "#", "@", ":", "\u{e9}", "a=b", "//", "x:", "/p"];
        let mut url = String::new();
        for a in parts {
            for b in parts {
                for c in parts {
                    for d in parts {
                        for e in ["", "?", "#", "@", "/"] {
                            url.clear();
                            url.extend([a, b, c, d, e]);
                            assert_eq!(Url::parse(&url), parse_by_definition(&url), "{url}");
                            assert_eq!(
                                first_segment(&url),
                                url.trim_start_matches('/').split('/').next().unwrap()
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn origins_are_canonical() {
        let cases = [
            ("https://jira.example.test/track/browse/X-1", Some("https://jira.example.test")),
            ("HTTPS://Jira.Example.TEST:443/x", Some("https://jira.example.test")),
            ("http://jira.example.test:8080?x=1", Some("http://jira.example.test:8080")),
            ("http://user:pw@jira.example.test/x", Some("http://jira.example.test")),
            ("https://[2001:db8::1]:8443/x", Some("https://[2001:db8::1]:8443")),
            ("https://[2001:db8::1]/x", Some("https://[2001:db8::1]")),
            ("https://jira.example.test:443", Some("https://jira.example.test")),
            ("data:image/png;base64,xyz", None),
            ("about:blank", None),
        ];
        for (url, want) in cases {
            assert_eq!(origin_of(url).as_deref(), want, "{url}");
        }
        assert!(matches!(origin_of("https://jira.example.test/x"), Some(Cow::Borrowed(_))));
    }
}
