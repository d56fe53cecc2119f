//! Per-entry decoders: what one request/response pair says about the user's session (domain.md section 3).
//!
//! Everything here reads one entry and nothing else; the timeline puts the decoded signals in order. All
//! decoders work without cookies (Chrome 130+ exports HARs without Cookie and Set-Cookie by default), reading
//! Atlassian's response headers first and cookies when they are there.

mod cookies;

use std::borrow::Cow;
use std::net::IpAddr;

use crate::har::Entry;
use crate::url::{path_of, Url};

pub use cookies::{parse_cookie_header, parse_set_cookie, CookieKind, SetCookie};

/// Who the server says the request ran as (`X-AUSERNAME`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum User<'a> {
    Named(Cow<'a, str>),
    Anonymous,
}

/// `X-Seraph-LoginReason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginReason {
    Ok,
    Out,
    AuthenticatedFailed,
    AuthenticationDenied,
    AuthorisationFailed,
}

impl LoginReason {
    fn parse(value: &str) -> Option<Self> {
        Some(match value.trim().to_ascii_uppercase().as_str() {
            "OK" => LoginReason::Ok,
            "OUT" => LoginReason::Out,
            "AUTHENTICATED_FAILED" => LoginReason::AuthenticatedFailed,
            "AUTHENTICATION_DENIED" => LoginReason::AuthenticationDenied,
            "AUTHORISATION_FAILED" | "AUTHORIZATION_FAILED" => LoginReason::AuthorisationFailed,
            _ => return None,
        })
    }

    /// The server no longer treats the request as the user's.
    pub fn means_logged_out(self) -> bool {
        matches!(
            self,
            LoginReason::Out | LoginReason::AuthenticatedFailed | LoginReason::AuthenticationDenied
        )
    }
}

/// `X-AREQUESTID`: `MxNxC` = minute of day (server local) x requests since JVM start x concurrent requests.
/// Bitbucket prefixes it (`@1S969HQx1015x832x0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestId<'a> {
    pub prefix: Option<&'a str>,
    pub minute_of_day: u32,
    pub counter: u64,
    pub concurrent: u32,
}

impl<'a> RequestId<'a> {
    pub fn parse(value: &'a str) -> Option<Self> {
        let mut parts = value.trim().rsplitn(4, 'x');
        let concurrent = parts.next()?.parse().ok()?;
        let counter = parts.next()?.parse().ok()?;
        let minute_of_day: u32 = parts.next()?.parse().ok()?;
        let prefix = parts.next();
        if minute_of_day >= 24 * 60 || prefix.is_some_and(str::is_empty) {
            return None;
        }
        Some(RequestId { prefix, minute_of_day, counter, concurrent })
    }
}

/// What one entry says about the session, borrowed from the entry.
#[derive(Debug, Clone, Default)]
pub struct Signals<'a> {
    /// The request's URL, split once for every reader of the entry (the timeline, the table, the origins).
    pub url: Url<'a>,
    pub time_ms: Option<i64>,
    pub from_cache: bool,
    /// A static resource (`/s/`, `/download/resources/`, images, scripts, styles): its headers say little
    /// about the user's session and are often replayed from caches.
    pub static_resource: bool,
    pub user: Option<User<'a>>,
    pub asession_id: Option<&'a str>,
    pub request_id: Option<RequestId<'a>>,
    pub node_id: Option<&'a str>,
    pub login_reason: Option<LoginReason>,
    /// Seraph's reasons said the user was logged out and then in again within this response (`OUT, OK`, on
    /// one line or two): remember-me (or another authenticator) logged the user back in.
    pub reauthenticated: bool,
    /// `Location` of a redirect to a login page (Seraph's `login.jsp?permissionViolation=true&os_destination=`,
    /// Confluence's `login.action`).
    pub login_redirect: Option<&'a str>,
    /// The request is a logout (`/logout`, `/secure/Logout!default.jspa`, `/logout.action`, `/j_atl_security_logout`).
    pub logout_request: bool,
    /// A CORS preflight (`OPTIONS`): sent without cookies by every browser.
    pub preflight: bool,
    /// The request submits credentials: a POST to a login form or REST login (`/login.jsp`,
    /// `/dologin.action`, `/j_atl_security_check`, `/rest/auth/1/session`, ...), or Seraph's
    /// `os_username`/`os_password` parameters. Whether it succeeded is in the response.
    pub login_request: bool,
    /// The request carried cookies that the HAR shows (Cookie header or `request.cookies`).
    pub cookies_visible: bool,
    /// Cookies sent with the request, by kind (several values for one name are all kept).
    pub sent: Vec<(CookieKind, &'a str, &'a str)>,
    /// Cookies set by the response.
    pub set: Vec<SetCookie<'a>>,
    pub server_ip: Option<IpAddr>,
    /// Headers of intermediaries (`Via`, `X-Cache`, `CF-RAY`, `X-Amz-Cf-Id`, `X-Served-By`): name, value.
    pub intermediaries: Vec<(&'a str, &'a str)>,
}

impl Signals<'_> {
    /// The entry says something about the session: an Atlassian header, a session or SSO cookie, a login
    /// redirect, a logout, or a 401. The timeline keeps only these; the page's "auth-relevant" filter shows them.
    /// A CORS preflight never does: browsers send it without cookies, so the server answers it as anonymous
    /// whoever the user is.
    pub fn session_relevant(&self, status: Option<u16>) -> bool {
        !self.preflight && (self.session_signals() || status == Some(401))
    }

    fn session_signals(&self) -> bool {
        self.user.is_some()
            || self.asession_id.is_some()
            || self.request_id.is_some()
            || self.login_reason.is_some()
            || self.login_redirect.is_some()
            || self.logout_request
            || self.login_request
            || self.set.iter().any(|c| c.kind != CookieKind::Other)
            || self.sent.iter().any(|(k, _, _)| matches!(k, CookieKind::CrowdToken | CookieKind::Session))
    }
}

/// Decodes the session signals of one entry, with the SSO cookie recognised by its known names.
pub fn decode<'a>(entry: &'a Entry<'_>) -> Signals<'a> {
    decode_with(entry, None)
}

/// Decodes the session signals of one entry. `sso_cookie` names the SSO cookie when the user said which it is
/// (Crowd's `cookie.tokenkey` renames it); `None` recognises it by its known names.
pub fn decode_with<'a>(entry: &'a Entry<'_>, sso_cookie: Option<&str>) -> Signals<'a> {
    let mut s = Signals {
        time_ms: entry.started_date_time.as_str().and_then(crate::calendar::parse_iso8601),
        from_cache: entry.from_cache(),
        ..Signals::default()
    };
    let url = entry.request.url.or_empty();
    s.url = Url::parse(url);
    let path = s.url.path;
    let method = entry.request.method.or_empty();
    s.static_resource = is_static(path);
    s.logout_request = is_logout_path(path);
    s.login_request = is_login_request(method, url, path);
    s.preflight = method.eq_ignore_ascii_case("OPTIONS");
    s.server_ip = entry.server_ip_address.as_str().and_then(parse_ip);
    let kind = |name: &str| CookieKind::classify(name, sso_cookie);

    // A header sent on several lines means the same as one line with the values joined by commas (RFC 9110
    // section 5.3), so every line is split the same way; for the single-valued Atlassian headers the last
    // value is the server's last word.
    let mut location = None;
    for h in entry.response.headers.iter() {
        let (Some(name), Some(value)) = (h.name.as_str(), h.value.as_str()) else { continue };
        match response_header(name) {
            Some(ResponseHeader::User) => {
                if let Some(v) = last_item(value) {
                    s.user = Some(parse_user(v));
                }
            }
            Some(ResponseHeader::SessionId) => s.asession_id = last_item(value).or(s.asession_id),
            Some(ResponseHeader::RequestId) => {
                if let Some(v) = last_item(value) {
                    s.request_id = RequestId::parse(v);
                }
            }
            Some(ResponseHeader::NodeId) => s.node_id = last_item(value).or(s.node_id),
            Some(ResponseHeader::LoginReason) => {
                for r in value.split(',').filter_map(LoginReason::parse) {
                    if r == LoginReason::Ok && s.login_reason.is_some_and(LoginReason::means_logged_out) {
                        s.reauthenticated = true;
                    }
                    s.login_reason = Some(r);
                }
            }
            Some(ResponseHeader::Location) => location = Some(value),
            // Firefox joins several Set-Cookie lines into one header value with '\n'.
            Some(ResponseHeader::SetCookie) => {
                s.set.extend(value.split('\n').filter_map(parse_set_cookie).map(|c| c.classified(kind)))
            }
            Some(ResponseHeader::Intermediary) => s.intermediaries.push((name, value)),
            None => {}
        }
    }
    if s.set.is_empty() {
        // No Set-Cookie headers (sanitized export, or a tool that only fills the array): use the array.
        s.set.extend(
            entry.response.cookies.iter().filter_map(SetCookie::from_har).map(|c| c.classified(kind)),
        );
    }
    if let Some(loc) = location {
        let status = entry.response.status().unwrap_or(0);
        if (300..400).contains(&status) && is_login_location(loc) {
            s.login_redirect = Some(loc);
        }
    }

    let mut cookie_header = false;
    for h in entry.request.headers.iter() {
        if let (Some(name), Some(value)) = (h.name.as_str(), h.value.as_str()) {
            if eq_lower(name.as_bytes(), COOKIE.as_bytes()) {
                cookie_header = true;
                s.sent.extend(parse_cookie_header(value).map(|(n, v)| (kind(n), n, v)));
            }
        }
    }
    if !cookie_header {
        for c in entry.request.cookies.iter() {
            if let (Some(n), Some(v)) = (c.name.as_str(), c.value.as_str()) {
                s.sent.push((kind(n), n, v));
            }
        }
    }
    s.cookies_visible = cookie_header || !entry.request.cookies.items.is_empty();
    s
}

/// The last non-empty value of a comma-separated header value.
fn last_item(value: &str) -> Option<&str> {
    value.rsplit(',').map(str::trim).find(|v| !v.is_empty())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ResponseHeader {
    User,
    SessionId,
    RequestId,
    NodeId,
    LoginReason,
    Location,
    SetCookie,
    Intermediary,
}

/// The response headers the decoders read, lower case.
const RESPONSE_HEADERS: [(&str, ResponseHeader); 13] = [
    ("x-ausername", ResponseHeader::User),
    ("x-asessionid", ResponseHeader::SessionId),
    ("x-arequestid", ResponseHeader::RequestId),
    ("x-anodeid", ResponseHeader::NodeId),
    // Confluence Data Center names the node that answered in its own header.
    ("x-confluence-cluster-node", ResponseHeader::NodeId),
    ("x-seraph-loginreason", ResponseHeader::LoginReason),
    ("location", ResponseHeader::Location),
    ("set-cookie", ResponseHeader::SetCookie),
    ("via", ResponseHeader::Intermediary),
    ("x-cache", ResponseHeader::Intermediary),
    ("cf-ray", ResponseHeader::Intermediary),
    ("x-amz-cf-id", ResponseHeader::Intermediary),
    ("x-served-by", ResponseHeader::Intermediary),
];

/// The one request header the decoders read.
const COOKIE: &str = "cookie";

/// Every header the decoders read (lower case): the response headers above and the request's `Cookie`. The
/// page marks them in an entry's detail.
pub fn headers_read() -> impl Iterator<Item = &'static str> {
    RESPONSE_HEADERS.iter().map(|(name, _)| *name).chain([COOKIE])
}

/// Recognizes the response headers the decoders read, in any case, without allocating: this runs for every
/// header of every entry, so a name is compared in full only with the names of its length and last byte.
fn response_header(name: &str) -> Option<ResponseHeader> {
    let b = name.as_bytes();
    let last = b.last()?.to_ascii_lowercase();
    RESPONSE_HEADERS
        .iter()
        .find(|(n, _)| n.len() == b.len() && n.as_bytes()[n.len() - 1] == last && eq_lower(b, n.as_bytes()))
        .map(|(_, h)| *h)
}

fn parse_user(value: &str) -> User<'_> {
    let value = value.trim();
    if value.is_empty() || value.eq_ignore_ascii_case("anonymous") {
        return User::Anonymous;
    }
    User::Named(percent_decode(value))
}

/// Decodes `%XX` escapes (X-AUSERNAME is URL-encoded); invalid escapes are kept as written.
pub fn percent_decode(text: &str) -> Cow<'_, str> {
    if !text.contains('%') && !text.contains('+') {
        return Cow::Borrowed(text);
    }
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// A static resource: the path's extension (after its last `.`) is a script's, a style's, an image's or a
/// font's, or a segment starts one of Atlassian's static directories (`/s/`, `/download/resources/`, ...).
/// One look at the extension and one pass over the `/`: this runs for every entry.
fn is_static(path: &str) -> bool {
    const EXTS: [&[u8]; 12] =
        [b"js", b"css", b"png", b"gif", b"jpg", b"jpeg", b"svg", b"woff", b"woff2", b"ttf", b"ico", b"map"];
    // After each `/`, lower case; "s/" stands alone, the others all follow "download/".
    const DOWNLOADS: [&[u8]; 3] = [b"resources/", b"batch/", b"contextbatch/"];
    let b = path.as_bytes();
    if b.iter().rposition(|&c| c == b'.').is_some_and(|dot| EXTS.iter().any(|e| eq_lower(&b[dot + 1..], e))) {
        return true;
    }
    memchr::memchr_iter(b'/', b).any(|slash| {
        let after = &b[slash + 1..];
        starts_with_lower(after, b"s/")
            || (starts_with_lower(after, b"download/")
                && DOWNLOADS.iter().any(|d| starts_with_lower(&after[b"download/".len()..], d)))
    })
}

fn is_logout_path(path: &str) -> bool {
    ["/logout", "/secure/logout!default.jspa", "/logout.action", "/j_atl_security_logout", "/logout.jsp"]
        .iter()
        .any(|end| ends_with_ignore_case(path, end))
}

fn is_login_request(method: &str, url: &str, path: &str) -> bool {
    const FORMS: [&str; 7] = [
        "/login.jsp",
        "/login.action",
        "/dologin.action",
        "/j_atl_security_check",
        "/rest/auth/1/session",
        "/rest/gadget/1.0/login",
        "/login",
    ];
    let posted = method.eq_ignore_ascii_case("POST") && FORMS.iter().any(|f| ends_with_ignore_case(path, f));
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let seraph_params = query.split('&').any(|p| p.starts_with("os_username="))
        && query.split('&').any(|p| p.starts_with("os_password="));
    posted || seraph_params
}

/// `text` equals `lower` (lower case) in any ASCII case. An inlined loop: the standard library's
/// `eq_ignore_ascii_case` is a call per comparison, and these comparisons run for every entry.
fn eq_lower(text: &[u8], lower: &[u8]) -> bool {
    text.len() == lower.len() && text.iter().zip(lower).all(|(t, l)| t.to_ascii_lowercase() == *l)
}

/// `text` starts with `start` (lower case) in any ASCII case.
fn starts_with_lower(text: &[u8], start: &[u8]) -> bool {
    text.get(..start.len()).is_some_and(|t| eq_lower(t, start))
}

/// `text` ends with `end` (lower case) in any ASCII case: these tests run for every entry, without
/// allocating a lower-case copy.
fn ends_with_ignore_case(text: &str, end: &str) -> bool {
    let t = text.as_bytes();
    t.len() >= end.len() && eq_lower(&t[t.len() - end.len()..], end.as_bytes())
}

fn is_login_location(location: &str) -> bool {
    let path = path_of(location);
    ["/login.jsp", "/login.action", "/login"].iter().any(|end| ends_with_ignore_case(path, end))
}

/// An address as HAR tools write `serverIPAddress` (`[2001:db8::1]`, `::ffff:127.0.0.1`, `1.2.3.4`).
pub fn parse_ip(text: &str) -> Option<IpAddr> {
    let t = text.trim().trim_start_matches('[').trim_end_matches(']');
    let t = t.split('%').next().unwrap_or(t);
    t.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_headers_read_are_the_ones_decoded() {
        let read: Vec<&str> = headers_read().collect();
        assert!(
            read.contains(&"x-ausername")
                && read.contains(&"x-confluence-cluster-node")
                && read.contains(&"cookie")
        );
        for name in &read {
            assert_eq!(name.to_ascii_lowercase(), *name);
            assert!(*name == COOKIE || response_header(&name.to_ascii_uppercase()).is_some(), "{name}");
        }
        assert_eq!(response_header("x-forwarded-for"), None, "read by the log readers, not from a HAR");
    }

    #[test]
    fn header_names_are_recognized_as_by_a_plain_comparison() {
        let plain =
            |name: &str| RESPONSE_HEADERS.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, h)| *h);
        let mut names: Vec<String> =
            ["", "content-type", "date", "x-cachE", "x-cachf", "vib", "Set-Cookie2", "x-ausernamE\r", "ß"]
                .map(String::from)
                .into();
        for (n, _) in RESPONSE_HEADERS {
            names.extend([n.to_string(), n.to_ascii_uppercase(), n[..n.len() - 1].to_string()]);
            // Each byte changed in case, to a neighbour, and to the byte a case-folding trick would confuse it with.
            for i in 0..n.len() {
                for f in [|c: u8| c ^ 0x20, |c: u8| c + 1, |c: u8| c & !0x20] {
                    let mut b = n.as_bytes().to_vec();
                    b[i] = f(b[i]);
                    names.extend(String::from_utf8(b));
                }
            }
        }
        for name in &names {
            assert_eq!(response_header(name), plain(name), "{name:?}");
        }
    }

    /// What `is_static` means, written as sixteen separate tests on a lower-case copy.
    fn is_static_by_definition(path: &str) -> bool {
        let lower = path.to_ascii_lowercase();
        ["/s/", "/download/resources/", "/download/batch/", "/download/contextbatch/"]
            .iter()
            .any(|d| lower.contains(d))
            || [
                ".js", ".css", ".png", ".gif", ".jpg", ".jpeg", ".svg", ".woff", ".woff2", ".ttf", ".ico",
                ".map",
            ]
            .iter()
            .any(|e| lower.ends_with(e))
    }

    #[test]
    fn static_paths_are_the_defined_ones() {
        let parts = [
            "/",
            "s",
            "S/",
            "/s/",
            ".",
            "js",
            ".JS",
            "download/",
            "/Download/",
            "Batch/",
            "resources/",
            "contextbatch/",
            "x",
            ".woff2",
            ".woff",
            "\u{e9}",
            ".map/",
            "2",
            "/download/batch",
        ];
        for a in parts {
            for b in parts {
                for c in parts {
                    for d in parts {
                        let path = format!("{a}{b}{c}{d}");
                        assert_eq!(is_static(&path), is_static_by_definition(&path), "{path}");
                    }
                }
            }
        }
    }

    #[test]
    fn request_ids_of_jira_and_bitbucket() {
        assert_eq!(
            RequestId::parse("716x107921x1"),
            Some(RequestId { prefix: None, minute_of_day: 716, counter: 107921, concurrent: 1 })
        );
        assert_eq!(
            RequestId::parse("@1S969HQx1015x832x0"),
            Some(RequestId { prefix: Some("@1S969HQ"), minute_of_day: 1015, counter: 832, concurrent: 0 })
        );
        assert_eq!(RequestId::parse("1440x1x1"), None);
        assert_eq!(RequestId::parse("nonsense"), None);
    }

    #[test]
    fn users_are_url_decoded() {
        assert_eq!(parse_user("j%C3%BCrgen.m%40example"), User::Named(Cow::Owned("jürgen.m@example".into())));
        assert_eq!(parse_user("anonymous"), User::Anonymous);
        assert_eq!(parse_user("v3ry8"), User::Named(Cow::Borrowed("v3ry8")));
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("a%2"), "a%2");
    }

    #[test]
    fn paths_and_kinds_of_requests() {
        assert!(is_static("/track/s/d41d8/-1c3s9z/820010/_/download/batch/x.js"));
        assert!(!is_static("/track/rest/dev-status/1.0/issue/summary"));
        assert!(is_logout_path("/wiki/logout.action"));
        assert!(is_logout_path("/track/secure/Logout!default.jspa"));
        // Any case, without a lower-case copy.
        assert!(is_static("/TRACK/S/x") && is_static("/a/B.WOFF2") && !is_static("/a/s") && !is_static("js"));
        assert!(is_logout_path("/WIKI/Logout.Action") && !is_logout_path("logout"));
        assert!(is_login_request("post", "https://h/track/Login.JSP", "/track/Login.JSP"));
        assert!(!is_login_request("GET", "https://h/track/login.jsp", "/track/login.jsp"));
        assert!(is_login_location(
            "https://h/track/login.jsp?permissionViolation=true&os_destination=%2Fbrowse%2FX-1"
        ));
        // Any case, in the path only.
        assert!(is_login_location("HTTPS://H/Wiki/LOGIN.Action#x") && is_login_location("/LOGIN"));
        assert!(
            !is_login_location("https://h/x?next=/login") && !is_login_location("https://h/login.jsp.bak")
        );
        assert_eq!(parse_ip("[2001:db8::1]"), "2001:db8::1".parse().ok());
        assert_eq!(parse_ip("fe80::1%eth0"), "fe80::1".parse().ok());
    }
}
