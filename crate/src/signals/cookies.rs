//! Cookie and Set-Cookie as RFC 6265 writes them, and the cookies that matter to an Atlassian session.

use crate::har::{Cookie, LenientBool};

/// The cookies a session diagnosis looks at (domain.md section 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieKind {
    /// The Crowd SSO token: `crowd.token_key` by default, renamed by Crowd's `cookie.tokenkey`
    /// (`studio.crowd.tokenkey` on hosted setups, `<company>.tokenkey`).
    CrowdToken,
    /// `JSESSIONID`: the Tomcat session; a `.node1` suffix (jvmRoute) names the node that created it.
    Session,
    /// `atlassian.xsrf.token`: `...|lin` when generated for a logged-in request, `...|lout` otherwise.
    Xsrf,
    /// `seraph.rememberme.cookie`.
    RememberMe,
    /// Load-balancer stickiness: `ROUTEID`, `AWSALB`, `AWSALBCORS`, `BIGipServer*`, `SERVERID`.
    LoadBalancer,
    Other,
}

impl CookieKind {
    /// The kind of a cookie by its name, the SSO cookie by its known names and patterns.
    pub fn of(name: &str) -> Self {
        match name {
            "crowd.token_key" => CookieKind::CrowdToken,
            n if is_sso_name(n) => CookieKind::CrowdToken,
            "JSESSIONID" => CookieKind::Session,
            "atlassian.xsrf.token" => CookieKind::Xsrf,
            "seraph.rememberme.cookie" => CookieKind::RememberMe,
            "ROUTEID" | "AWSALB" | "AWSALBCORS" | "SERVERID" => CookieKind::LoadBalancer,
            n if n.starts_with("BIGipServer") => CookieKind::LoadBalancer,
            _ => CookieKind::Other,
        }
    }

    /// The kind of a cookie when the user named the SSO cookie (`--sso-cookie`): that name, and no other,
    /// is the SSO token. `None`: by known names ([`CookieKind::of`]).
    pub fn classify(name: &str, sso_cookie: Option<&str>) -> Self {
        match (sso_cookie, CookieKind::of(name)) {
            (Some(sso), _) if sso == name => CookieKind::CrowdToken,
            (Some(_), CookieKind::CrowdToken) => CookieKind::Other,
            (_, kind) => kind,
        }
    }
}

/// Names Crowd's `cookie.tokenkey` setting gives the SSO cookie: `crowd.token_key` in any case, and
/// `*.tokenkey` (`studio.crowd.tokenkey`, `acme.tokenkey`).
pub fn is_sso_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "crowd.token_key" || (lower.ends_with(".tokenkey") && lower.len() > ".tokenkey".len())
}

/// One `Set-Cookie`, borrowed from the header (or the HAR's `response.cookies`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCookie<'a> {
    pub kind: CookieKind,
    pub name: &'a str,
    pub value: &'a str,
    pub domain: Option<&'a str>,
    pub path: Option<&'a str>,
    pub secure: bool,
    pub http_only: bool,
    /// `Max-Age<=0` or an `Expires` in the distant past (1970, as Seraph and Crowd write it): a deletion.
    pub deletes: bool,
}

impl<'a> SetCookie<'a> {
    /// The same cookie with its kind decided by `kind` (the SSO cookie may have been named by the user).
    pub(crate) fn classified(mut self, kind: impl Fn(&str) -> CookieKind) -> Self {
        self.kind = kind(self.name);
        self
    }

    pub(crate) fn from_har(c: &'a Cookie<'_>) -> Option<Self> {
        let name = c.name.as_str()?;
        let flag = |b: &LenientBool| b.value.unwrap_or(false);
        let expires = c.expires.as_str().unwrap_or_default();
        Some(SetCookie {
            kind: CookieKind::of(name),
            name,
            value: c.value.or_empty(),
            domain: c.domain.as_str().filter(|d| !d.is_empty()),
            path: c.path.as_str().filter(|p| !p.is_empty()),
            secure: flag(&c.secure),
            http_only: flag(&c.http_only),
            deletes: expired(expires),
        })
    }
}

/// Parses one `Set-Cookie` value: `name=value; Path=/; Domain=.example.com; Secure; HttpOnly; Max-Age=0`.
pub fn parse_set_cookie(line: &str) -> Option<SetCookie<'_>> {
    let mut parts = line.split(';');
    let (name, value) = parts.next()?.split_once('=')?;
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let mut c = SetCookie {
        kind: CookieKind::of(name),
        name,
        value: value.trim().trim_matches('"'),
        domain: None,
        path: None,
        secure: false,
        http_only: false,
        deletes: false,
    };
    for attr in parts {
        let (key, val) = attr.split_once('=').map_or((attr.trim(), ""), |(k, v)| (k.trim(), v.trim()));
        if key.eq_ignore_ascii_case("domain") {
            c.domain = Some(val).filter(|v| !v.is_empty());
        } else if key.eq_ignore_ascii_case("path") {
            c.path = Some(val).filter(|v| !v.is_empty());
        } else if key.eq_ignore_ascii_case("secure") {
            c.secure = true;
        } else if key.eq_ignore_ascii_case("httponly") {
            c.http_only = true;
        } else if key.eq_ignore_ascii_case("max-age") {
            c.deletes |= val.parse::<i64>().is_ok_and(|s| s <= 0);
        } else if key.eq_ignore_ascii_case("expires") {
            c.deletes |= expired(val);
        }
    }
    Some(c)
}

/// The pairs of a `Cookie` request header: `a=1; b=2`.
pub fn parse_cookie_header(value: &str) -> impl Iterator<Item = (&str, &str)> {
    value.split(';').filter_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        let name = name.trim();
        (!name.is_empty()).then(|| (name, value.trim().trim_matches('"')))
    })
}

/// An `Expires` date before 2000 is a deletion: Tomcat, Seraph and Crowd delete with `Thu, 01-Jan-1970 ...`.
/// (A date in the recent past would also delete, but needs the response time to judge; the rules do that.)
fn expired(expires: &str) -> bool {
    // Years appear as the only 4-digit number in the RFC 1123 / RFC 850 / ISO forms exporters write.
    expires
        .split(|c: char| !c.is_ascii_digit())
        .filter(|t| t.len() == 4)
        .filter_map(|t| t.parse::<u32>().ok())
        .any(|year| year < 2000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crowd_token_set_and_deleted() {
        let set =
            parse_set_cookie("crowd.token_key=6WwM4b1F; Domain=.example.test; Path=/; Secure; HttpOnly")
                .unwrap();
        assert_eq!(set.kind, CookieKind::CrowdToken);
        assert_eq!(
            (set.value, set.domain, set.path, set.secure, set.http_only, set.deletes),
            ("6WwM4b1F", Some(".example.test"), Some("/"), true, true, false)
        );
        let del =
            parse_set_cookie("crowd.token_key=\"\"; Expires=Thu, 01-Jan-1970 00:00:10 GMT; Path=/").unwrap();
        assert!(del.deletes);
        assert!(parse_set_cookie("seraph.rememberme.cookie=; Max-Age=0").unwrap().deletes);
        assert!(
            !parse_set_cookie("JSESSIONID=A0F5.node1; Path=/track; Expires=Wed, 21 Oct 2026 07:28:00 GMT")
                .unwrap()
                .deletes
        );
        assert_eq!(parse_set_cookie("=x"), None);
        assert_eq!(parse_set_cookie("novalue"), None);
    }

    #[test]
    fn cookie_header_pairs() {
        let pairs: Vec<_> =
            parse_cookie_header("JSESSIONID=A.node1; crowd.token_key=t1; crowd.token_key=t2; junk").collect();
        assert_eq!(pairs, [("JSESSIONID", "A.node1"), ("crowd.token_key", "t1"), ("crowd.token_key", "t2")]);
        assert_eq!(CookieKind::of("BIGipServerpool_jira"), CookieKind::LoadBalancer);
    }
}
