//! What is secret in one HAR entry and how it is replaced, field by field (domain.md section 3 says which
//! parts carry the diagnosis; they keep their shape: jvmRoute, xsrf `lin`/`lout`, deletions, attributes).

use crate::url::Url;
use std::borrow::Cow;
use std::collections::HashSet;
use std::net::IpAddr;

use super::copies::{Copies, Shape};
use super::pseudo::{b64url_decode, b64url_encode, Pseudonyms};
use super::{Options, Summary};
use crate::har::json::{self, Json, Notes};
use crate::signals::{parse_ip, percent_decode, CookieKind};

/// Header and parameter names that carry credentials (matched anywhere in the name, any case).
const TOKEN_WORDS: [&str; 12] = [
    "token", "secret", "password", "passwd", "key", "session", "auth", "sig", "code", "csrf", "ticket",
    "saml",
];
/// Names that match a token word but carry no secret, and whose value the reader of a HAR needs.
const NOT_SECRET: [&str; 3] = ["www-authenticate", "x-atlassian-token", "content-security-policy"];
/// Name endings that match a token word but name Jira and Confluence objects (`issueKey=APS-1`,
/// `spaceKey=DOC`): replacing them would only make the HAR harder to read.
const OBJECT_KEYS: [&str; 3] = ["issuekey", "projectkey", "spacekey"];
/// Crowd's session resource, whose next path segment is an SSO token.
const CROWD_SESSIONS: &str = "/usermanagement/";
/// Query and form parameters that name a user.
const USER_PARAMS: [&str; 7] =
    ["username", "user", "os_username", "name", "username[]", "accountid", "owner"];
/// Response bodies of these types are kept: media carry no session secrets and are often what a page needs.
const MEDIA: [&str; 4] = ["image/", "font/", "audio/", "video/"];

/// Everything one redaction needs; `users` grows as `X-AUSERNAME` values are seen, so later URLs naming the
/// user lose the name too.
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    pub options: &'a Options,
    pub names: &'a Pseudonyms,
    pub summary: &'a mut Summary,
    pub users: &'a mut HashSet<String>,
    /// Every value replaced, so that its copies elsewhere get the same replacement.
    pub copies: &'a mut Copies,
    /// Deviations met while decoding a kept response body.
    pub notes: &'a mut Notes,
}

fn token_like(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    TOKEN_WORDS.iter().any(|w| name.contains(w))
        && !NOT_SECRET.contains(&name.as_str())
        && !OBJECT_KEYS.iter().any(|k| name.ends_with(k))
}

fn user_param(name: &str) -> bool {
    USER_PARAMS.iter().any(|n| n.eq_ignore_ascii_case(name))
}

fn set_str(slot: &mut Json<'_>, value: String) {
    *slot = Json::Str(Cow::Owned(value));
}

impl Ctx<'_> {
    /// The placeholder of a secret, remembered so that its copies get it too. URLs are not chased: a URL
    /// replaced whole (a claim, a posted value) is an address the rest of the file needs, not a credential.
    fn secret(&mut self, value: &str) -> String {
        let new = self.names.secret(value);
        if !value.starts_with("http://") && !value.starts_with("https://") {
            self.copies.track(value, &new, Shape::Secret);
        }
        new
    }

    fn user(&mut self, name: &str) -> String {
        let new = self.names.user(name);
        self.copies.track(name, &new, Shape::Word);
        new
    }

    fn ip(&mut self, ip: IpAddr, text: &str) -> IpAddr {
        let new = self.names.ip(ip);
        self.copies.track(text, &new.to_string(), Shape::Address);
        new
    }

    /// Every string of a value (its members' names too) with the copies of replaced values replaced, and a
    /// number that is a replaced value written as its replacement.
    pub(crate) fn replace_copies(&mut self, value: &mut Json<'_>) {
        match value {
            Json::Str(s) => {
                if let Some(new) = self.copies.replace_in(s) {
                    *s = Cow::Owned(new);
                }
            }
            Json::Num(n) => {
                if let Some(new) = self.copies.replacement_of(n) {
                    *value = Json::Str(Cow::Owned(new.to_owned()));
                }
            }
            Json::Arr(items) => items.iter_mut().for_each(|v| self.replace_copies(v)),
            Json::Obj(members) => {
                for (key, v) in members.iter_mut() {
                    if let Some(new) = self.copies.replace_in(key) {
                        *key = Cow::Owned(new);
                    }
                    self.replace_copies(v);
                }
            }
            Json::Null | Json::Bool(_) | Json::Raw(_) => {}
        }
    }

    pub(crate) fn entry(&mut self, entry: &mut Json<'_>) {
        self.summary.entries += 1;
        let Json::Obj(members) = entry else {
            self.generic(entry);
            return;
        };
        if self.options.usernames {
            self.learn_users(members);
        }
        for (key, value) in members.iter_mut() {
            match key.as_ref() {
                "request" => self.request(value),
                "response" => self.response(value),
                "serverIPAddress" => {
                    if self.options.ips {
                        self.ip_field(value);
                    }
                }
                "startedDateTime" | "time" | "timings" | "pageref" | "connection" | "cache" => {}
                "_webSocketMessages" => self.websocket(value),
                _ => self.generic(value),
            }
        }
    }

    /// `X-AUSERNAME` values of this entry join the known users before its URLs are scrubbed.
    fn learn_users(&mut self, members: &[(Cow<'_, str>, Json<'_>)]) {
        let Some((_, response)) = members.iter().find(|(k, _)| k == "response") else { return };
        let Some(Json::Arr(headers)) = response.get("headers") else { return };
        for h in headers {
            let (Some(name), Some(value)) =
                (h.get("name").and_then(Json::as_str), h.get("value").and_then(Json::as_str))
            else {
                continue;
            };
            if name.eq_ignore_ascii_case("x-ausername") {
                let user = percent_decode(value.trim());
                if !user.is_empty()
                    && !user.eq_ignore_ascii_case("anonymous")
                    && !self.users.contains(user.as_ref())
                {
                    self.users.insert(user.into_owned());
                }
            }
        }
    }

    fn request(&mut self, request: &mut Json<'_>) {
        let Json::Obj(members) = request else { return };
        for (key, value) in members.iter_mut() {
            match key.as_ref() {
                "url" => self.url_field(value),
                "headers" => self.headers(value),
                "cookies" => self.cookies(value),
                "queryString" => self.params(value, false),
                "postData" => self.post_data(value),
                "method" | "httpVersion" | "headersSize" | "bodySize" => {}
                _ => self.generic(value),
            }
        }
    }

    fn response(&mut self, response: &mut Json<'_>) {
        let Json::Obj(members) = response else { return };
        for (key, value) in members.iter_mut() {
            match key.as_ref() {
                "headers" => self.headers(value),
                "cookies" => self.cookies(value),
                "content" => self.content(value),
                "redirectURL" => self.url_field(value),
                "status" | "statusText" | "httpVersion" | "headersSize" | "bodySize" => {}
                _ => self.generic(value),
            }
        }
    }

    /// Any other value: URLs lose their secrets, JWTs their signature and claims' values.
    pub(crate) fn generic(&mut self, value: &mut Json<'_>) {
        match value {
            Json::Str(s) => {
                let scrubbed = if s.starts_with("http://") || s.starts_with("https://") || s.starts_with("ws")
                {
                    self.url(s)
                } else {
                    self.jwts(s)
                };
                if let Some(new) = scrubbed {
                    *s = Cow::Owned(new);
                }
            }
            Json::Arr(items) => items.iter_mut().for_each(|v| self.generic(v)),
            Json::Obj(members) => members.iter_mut().for_each(|(_, v)| self.generic(v)),
            _ => {}
        }
    }

    fn url_field(&mut self, value: &mut Json<'_>) {
        if let Some(new) = value.as_str().and_then(|u| self.url(u)) {
            set_str(value, new);
        }
    }

    fn ip_field(&mut self, value: &mut Json<'_>) {
        let Some(ip) = value.as_str().and_then(parse_ip) else { return };
        self.summary.ips += 1;
        let new = self.ip(ip, value.as_str().unwrap_or_default()).to_string();
        set_str(value, new);
    }

    fn headers(&mut self, headers: &mut Json<'_>) {
        let Json::Arr(items) = headers else {
            self.generic(headers);
            return;
        };
        for h in items {
            let Json::Obj(members) = h else {
                self.generic(h);
                continue;
            };
            let name =
                members.iter().find(|(k, _)| k == "name").and_then(|(_, v)| v.as_str()).map(str::to_owned);
            for (key, value) in members.iter_mut() {
                match (key.as_ref(), &name) {
                    ("name", Some(_)) => {}
                    ("value", Some(name)) => self.scrub(value, &mut |ctx, v| ctx.header(name, v)),
                    // A header without a name cannot be told harmless: every value in it is a secret.
                    (_, None) => self.scrub(value, &mut |ctx, v| ctx.unnamed(v)),
                    _ => self.generic(value),
                }
            }
        }
    }

    /// Applies `rewrite` to the string `value`, or to every string inside it, and to the text of numbers and
    /// booleans (a value of the wrong type under a secret name is no less secret; it becomes a string).
    fn scrub(&mut self, value: &mut Json<'_>, rewrite: &mut dyn FnMut(&mut Self, &str) -> Option<String>) {
        let new = match value {
            Json::Str(s) => rewrite(self, s),
            Json::Num(n) => rewrite(self, n),
            Json::Bool(b) => rewrite(self, if *b { "true" } else { "false" }),
            Json::Arr(items) => {
                items.iter_mut().for_each(|v| self.scrub(v, rewrite));
                None
            }
            Json::Obj(members) => {
                members.iter_mut().for_each(|(_, v)| self.scrub(v, rewrite));
                None
            }
            Json::Null | Json::Raw(_) => None,
        };
        if let Some(new) = new {
            set_str(value, new);
        }
    }

    /// A value in a header or parameter without a name.
    fn unnamed(&mut self, value: &str) -> Option<String> {
        if !self.options.tokens || value.is_empty() {
            return self.jwts(value);
        }
        self.summary.tokens += 1;
        Some(self.secret(value))
    }

    /// One header's new value, `None` to keep it.
    fn header(&mut self, name: &str, value: &str) -> Option<String> {
        let o = self.options;
        // One lower-case copy and a `match`: far less code than a case-insensitive test per name.
        match name.to_ascii_lowercase().as_str() {
            "cookie" => o.cookies.then(|| self.cookie_header(value)).flatten(),
            "set-cookie" => o.cookies.then(|| self.set_cookie_header(value)).flatten(),
            "authorization" | "proxy-authorization" => {
                if !o.authorization || value.is_empty() {
                    return None;
                }
                self.summary.authorization += 1;
                Some(match value.trim().split_once(' ') {
                    Some((scheme, credentials)) => format!("{scheme} {}", self.secret(credentials.trim())),
                    None => self.secret(value),
                })
            }
            "x-ausername" => {
                let user = percent_decode(value.trim());
                if !o.usernames || user.is_empty() || user.eq_ignore_ascii_case("anonymous") {
                    return None;
                }
                self.summary.usernames += 1;
                Some(self.user(&user))
            }
            // `:path` is HTTP/2's request line: path and query, tokens included.
            "location" | "referer" | "content-location" | "origin" | ":path" => self.url(value),
            "host" | ":authority" => o.hostnames.then(|| self.host(value)).flatten(),
            "x-forwarded-for" | "x-real-ip" | "forwarded" | "x-client-ip" | "true-client-ip"
            | "cf-connecting-ip" => o.ips.then(|| self.ips_in(value)).flatten(),
            _ if o.tokens && token_like(name) && !value.is_empty() => {
                self.summary.tokens += 1;
                Some(self.secret(value))
            }
            // Any other header holding a URL (Access-Control-Allow-Origin, Content-Location-like custom ones).
            _ if value.starts_with("https://") || value.starts_with("http://") => self.url(value),
            _ => self.jwts(value),
        }
    }

    /// A cookie value, keeping what the diagnosis reads: the jvmRoute of `JSESSIONID`, the `lin`/`lout` of
    /// the xsrf token, emptiness (a deletion), and the quotes.
    fn cookie_value(&mut self, name: &str, value: &str) -> Option<String> {
        let (quoted, inner) = match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
            Some(inner) => (true, inner),
            None => (false, value),
        };
        if inner.trim().is_empty() {
            return None;
        }
        self.summary.cookies += 1;
        let keep = match CookieKind::of(name.trim()) {
            CookieKind::Session => inner
                .rsplit_once('.')
                .map(|(_, r)| r)
                .filter(|r| !r.is_empty() && r.len() < 64)
                .map(|r| format!(".{r}")),
            CookieKind::Xsrf => ["|lin", "_lin", "|lout", "_lout", "lin", "lout"]
                .iter()
                .find(|s| inner.ends_with(*s))
                .map(|s| (*s).to_owned()),
            _ => None,
        };
        let mut out = self.names.secret(inner);
        if let Some(keep) = keep {
            out.push_str(&keep);
        }
        // A copy of the whole value gets the whole replacement, the jvmRoute or `lin` kept.
        self.copies.track(inner, &out, Shape::Secret);
        Some(if quoted { format!("\"{out}\"") } else { out })
    }

    /// `a=1; b=2`: every value replaced, names and separators kept.
    fn cookie_header(&mut self, value: &str) -> Option<String> {
        let mut out = String::with_capacity(value.len());
        let mut changed = false;
        for (i, pair) in value.split(';').enumerate() {
            if i > 0 {
                out.push(';');
            }
            match pair.split_once('=') {
                Some((name, v)) => {
                    out.push_str(name);
                    out.push('=');
                    let lead = &v[..v.len() - v.trim_start().len()];
                    match self.cookie_value(name, v.trim()) {
                        Some(new) => {
                            changed = true;
                            out.push_str(lead);
                            out.push_str(&new);
                        }
                        None => out.push_str(v),
                    }
                }
                // A bare value (`Cookie: abc`) is a value without a name.
                None if !pair.trim().is_empty() => {
                    changed = true;
                    self.summary.cookies += 1;
                    let lead = &pair[..pair.len() - pair.trim_start().len()];
                    out.push_str(lead);
                    let new = self.secret(pair.trim());
                    out.push_str(&new);
                }
                None => out.push_str(pair),
            }
        }
        changed.then_some(out)
    }

    /// `Set-Cookie` lines (Firefox joins several with `\n`): the value replaced, attributes kept (the Domain
    /// pseudonymized with the hostnames).
    fn set_cookie_header(&mut self, value: &str) -> Option<String> {
        let mut out = String::with_capacity(value.len());
        let mut changed = false;
        for (l, line) in value.split('\n').enumerate() {
            if l > 0 {
                out.push('\n');
            }
            for (i, part) in line.split(';').enumerate() {
                if i > 0 {
                    out.push(';');
                }
                let Some((name, v)) = part.split_once('=') else {
                    out.push_str(part);
                    continue;
                };
                let new = if i == 0 {
                    self.cookie_value(name, v.trim())
                } else if self.options.hostnames && name.trim().eq_ignore_ascii_case("domain") {
                    self.host(v.trim())
                } else {
                    None
                };
                out.push_str(name);
                out.push('=');
                match new {
                    Some(new) => {
                        changed = true;
                        out.push_str(&v[..v.len() - v.trim_start().len()]);
                        out.push_str(&new);
                    }
                    None => out.push_str(v),
                }
            }
        }
        changed.then_some(out)
    }

    /// `request.cookies` / `response.cookies` (an array, or IE's single object).
    fn cookies(&mut self, cookies: &mut Json<'_>) {
        match cookies {
            Json::Arr(items) => items.iter_mut().for_each(|c| self.cookie_object(c)),
            Json::Obj(_) => self.cookie_object(cookies),
            _ => {}
        }
    }

    fn cookie_object(&mut self, cookie: &mut Json<'_>) {
        let Json::Obj(members) = cookie else { return };
        let name =
            members.iter().find(|(k, _)| k == "name").and_then(|(_, v)| v.as_str()).unwrap_or("").to_owned();
        for (key, value) in members.iter_mut() {
            match key.as_ref() {
                "value" if self.options.cookies => {
                    self.scrub(value, &mut |ctx, v| ctx.cookie_value(&name, v))
                }
                "domain" if self.options.hostnames => {
                    if let Some(new) = value.as_str().and_then(|d| self.host(d)) {
                        set_str(value, new);
                    }
                }
                "name" | "value" | "domain" | "path" | "expires" | "httpOnly" | "secure" | "sameSite" => {}
                _ => self.generic(value),
            }
        }
    }

    /// `queryString` or `postData.params`: `[{name, value}]`. `all`: every value is secret (form posts).
    fn params(&mut self, params: &mut Json<'_>, all: bool) {
        let Json::Arr(items) = params else {
            self.generic(params);
            return;
        };
        for p in items {
            let Json::Obj(members) = p else {
                self.generic(p);
                continue;
            };
            let name =
                members.iter().find(|(k, _)| k == "name").and_then(|(_, v)| v.as_str()).map(str::to_owned);
            for (key, value) in members.iter_mut() {
                match (key.as_ref(), &name) {
                    ("name", Some(_)) => {}
                    ("value", Some(name)) => self.scrub(value, &mut |ctx, v| ctx.param(name, v, all)),
                    (_, None) if all => self.scrub(value, &mut |ctx, v| ctx.param("", v, true)),
                    (_, None) => self.scrub(value, &mut |ctx, v| ctx.unnamed(v)),
                    _ => self.generic(value),
                }
            }
        }
    }

    /// One parameter's new value (`value` as decoded text), `None` to keep it.
    fn param(&mut self, name: &str, value: &str, all: bool) -> Option<String> {
        if value.is_empty() {
            return None;
        }
        // A posted form's values all go, but only credentials are chased elsewhere: `en` or `true` would
        // match all over the file.
        if all && !token_like(name) {
            return Some(self.names.secret(value));
        }
        if all || (self.options.tokens && token_like(name)) {
            self.summary.tokens += u64::from(!all);
            return Some(self.secret(value));
        }
        if self.options.usernames && user_param(name) {
            self.summary.usernames += 1;
            return Some(self.user(value));
        }
        self.jwts(value)
    }

    /// A URL without its secrets: credentials in the authority, token-like query and fragment parameters,
    /// JWTs anywhere; with the options, usernames in the path and query, the host, an IP host.
    pub(crate) fn url(&mut self, url: &str) -> Option<String> {
        let o = self.options;
        let quick = !url.contains(['?', '#', '@']) && !url.contains("eyJ") && !url.contains(CROWD_SESSIONS);
        let users_matter = o.usernames && (!self.users.is_empty() || url.contains('~'));
        if quick && !o.hostnames && !o.ips && !users_matter {
            return None;
        }
        let Url { scheme, userinfo, authority: host, path, query, fragment } = Url::parse(url);
        let mut out = String::with_capacity(url.len() + 16);
        if !scheme.is_empty() {
            out.push_str(scheme);
            out.push_str("://");
            if let Some(u) = userinfo {
                if o.tokens {
                    self.summary.tokens += 1;
                    let new = self.secret(u);
                    let decoded = percent_decode(u);
                    self.copies.track(&decoded, &new, Shape::Secret);
                    out.push_str(&new);
                } else {
                    out.push_str(u);
                }
                out.push('@');
            }
            match self.host(host) {
                Some(h) => out.push_str(&h),
                None => out.push_str(host),
            }
        }
        self.path(path, &mut out);
        if let Some(q) = query {
            out.push('?');
            self.query(q, &mut out);
        }
        if let Some(f) = fragment {
            out.push('#');
            if f.contains('=') {
                self.query(f, &mut out);
            } else {
                out.push_str(&self.jwts(f).unwrap_or_else(|| f.to_owned()));
            }
        }
        (out != url).then_some(out)
    }

    fn path(&mut self, path: &str, out: &mut String) {
        let crowd = self.options.tokens && path.contains(CROWD_SESSIONS);
        let mut after_session = false;
        for (i, seg) in path.split('/').enumerate() {
            if i > 0 {
                out.push('/');
            }
            // Crowd's REST API names the SSO token in the path: `/rest/usermanagement/1/session/<token>`.
            if std::mem::replace(&mut after_session, crowd && seg == "session") && !seg.is_empty() {
                self.summary.tokens += 1;
                let new = self.secret(seg);
                out.push_str(&new);
                continue;
            }
            if self.options.usernames && !seg.is_empty() {
                let decoded = percent_decode(seg);
                let name = decoded.strip_prefix('~').unwrap_or(&decoded);
                if seg.starts_with('~') || self.users.contains(name) {
                    self.summary.usernames += 1;
                    if seg.starts_with('~') {
                        out.push('~');
                    }
                    let new = self.user(name);
                    out.push_str(&new);
                    continue;
                }
            }
            match self.jwts(seg) {
                Some(new) => out.push_str(&new),
                None => out.push_str(seg),
            }
        }
    }

    fn query(&mut self, query: &str, out: &mut String) {
        for (i, pair) in query.split('&').enumerate() {
            if i > 0 {
                out.push('&');
            }
            let Some((name, value)) = pair.split_once('=') else {
                out.push_str(&self.jwts(pair).unwrap_or_else(|| pair.to_owned()));
                continue;
            };
            out.push_str(name);
            out.push('=');
            // Placeholders hash the decoded value, as `queryString` holds it: one value, one placeholder.
            let decoded = percent_decode(value);
            let known_user = self.options.usernames && self.users.contains(decoded.as_ref());
            let name = percent_decode(name);
            match self.param(&name, &decoded, false) {
                Some(new) => {
                    // The value as written is a copy too (`%7C` for `|`, `+` for a space, ...).
                    if self.options.tokens && token_like(&name) {
                        self.copies.track(value, &new, Shape::Secret);
                    }
                    out.push_str(&new);
                }
                None if known_user => {
                    self.summary.usernames += 1;
                    let new = self.user(&decoded);
                    out.push_str(&new);
                }
                None => out.push_str(value),
            }
        }
    }

    /// A host (`name[:port]`, `[v6]:port`, a cookie Domain with its leading dot), with the options: every
    /// DNS label but the top-level one replaced (so `.example.test` still domain-matches
    /// `jira.example.test`), an IP literal replaced by one of the same family.
    fn host(&mut self, host: &str) -> Option<String> {
        let (name, port) = match host.rsplit_once(':') {
            Some((h, p))
                if p.bytes().all(|b| b.is_ascii_digit()) && (h.ends_with(']') || !h.contains(':')) =>
            {
                (h, Some(p))
            }
            _ => (host, None),
        };
        let new = if let Some(ip) = parse_ip(name).filter(|_| !name.is_empty()) {
            if !self.options.ips {
                return None;
            }
            self.summary.ips += 1;
            let bare = name.trim_start_matches('[').trim_end_matches(']');
            match self.ip(ip, bare) {
                IpAddr::V6(v6) if name.starts_with('[') => format!("[{v6}]"),
                other => other.to_string(),
            }
        } else {
            if !self.options.hostnames || name.is_empty() || name.eq_ignore_ascii_case("localhost") {
                return None;
            }
            self.summary.hostnames += 1;
            let labels: Vec<&str> = name.split('.').collect();
            let last = labels.len() - 1;
            let new = labels
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    if l.is_empty() || (i == last && last > 0) {
                        (*l).to_owned()
                    } else {
                        self.names.label(l)
                    }
                })
                .collect::<Vec<_>>()
                .join(".");
            // Label by label, so a copy of a parent domain (`.example.test`) is replaced consistently.
            self.copies.track(name.trim_start_matches('.'), new.trim_start_matches('.'), Shape::Word);
            new
        };
        Some(match port {
            Some(p) => format!("{new}:{p}"),
            None => new,
        })
    }

    /// Every IP address in a header such as X-Forwarded-For or Forwarded.
    fn ips_in(&mut self, text: &str) -> Option<String> {
        let mut out = String::with_capacity(text.len());
        let mut changed = false;
        let mut rest = text;
        while !rest.is_empty() {
            let end =
                rest.find(|c: char| !(c.is_ascii_hexdigit() || c == ':' || c == '.')).unwrap_or(rest.len());
            if end == 0 {
                // A separator (or any other character, however many bytes it takes) is copied as it is.
                let len = rest.chars().next().map_or(1, char::len_utf8);
                out.push_str(&rest[..len]);
                rest = &rest[len..];
                continue;
            }
            let (token, after) = rest.split_at(end);
            // `ip:port` for IPv4.
            let (ip_text, port) = match token.split_once(':') {
                Some((a, p)) if !p.contains(':') && a.parse::<std::net::Ipv4Addr>().is_ok() => (a, Some(p)),
                _ => (token, None),
            };
            match ip_text.parse::<IpAddr>() {
                Ok(ip) => {
                    changed = true;
                    self.summary.ips += 1;
                    let new = self.ip(ip, ip_text);
                    out.push_str(&new.to_string());
                    if let Some(p) = port {
                        out.push(':');
                        out.push_str(p);
                    }
                }
                Err(_) => out.push_str(token),
            }
            rest = after;
        }
        changed.then_some(out)
    }

    /// Every JWT in a text keeps its header and its claims' names; claim strings become placeholders and the
    /// signature is dropped.
    fn jwts(&mut self, text: &str) -> Option<String> {
        if !self.options.tokens || !text.contains("eyJ") {
            return None;
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        let mut changed = false;
        while let Some(at) = rest.find("eyJ") {
            out.push_str(&rest[..at]);
            let tail = &rest[at..];
            let len = tail
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
                .unwrap_or(tail.len());
            let token = &tail[..len];
            match self.jwt(token) {
                Some(new) => {
                    changed = true;
                    out.push_str(&new);
                }
                None => out.push_str(token),
            }
            rest = &tail[len..];
        }
        out.push_str(rest);
        changed.then_some(out)
    }

    fn jwt(&mut self, token: &str) -> Option<String> {
        let mut parts = token.splitn(3, '.');
        let header = parts.next()?;
        let payload = parts.next()?;
        let header_json = b64url_decode(header)?;
        if !header_json.starts_with(b"{") {
            return None;
        }
        self.summary.jwts += 1;
        let claims = b64url_decode(payload).and_then(|bytes| {
            let (mut claims, len, _) = json::parse(&bytes, true).ok()?;
            if !bytes[len..].iter().all(u8::is_ascii_whitespace) {
                return None;
            }
            self.claims(&mut claims);
            Some(claims.to_vec())
        });
        Some(match claims {
            Some(claims) => {
                let new = format!("{header}.{}.redacted", b64url_encode(&claims));
                self.copies.track(token, &new, Shape::Secret);
                new
            }
            None => self.secret(token),
        })
    }

    fn claims(&mut self, value: &mut Json<'_>) {
        match value {
            Json::Str(s) => *s = Cow::Owned(self.secret(s)),
            Json::Arr(items) => items.iter_mut().for_each(|v| self.claims(v)),
            Json::Obj(members) => members.iter_mut().for_each(|(_, v)| self.claims(v)),
            _ => {}
        }
    }

    fn post_data(&mut self, post: &mut Json<'_>) {
        if !self.options.post_bodies {
            self.generic(post);
            return;
        }
        let Json::Obj(members) = post else { return };
        let mime = members
            .iter()
            .find(|(k, _)| k == "mimeType")
            .and_then(|(_, v)| v.as_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let mut redacted = false;
        for (key, value) in members.iter_mut() {
            match key.as_ref() {
                "text" => {
                    let Some(text) = value.as_str().filter(|t| !t.is_empty()) else { continue };
                    let new = self.body(&mime, text);
                    redacted = true;
                    set_str(value, new);
                }
                "params" => {
                    if matches!(value, Json::Arr(items) if !items.is_empty()) {
                        redacted = true;
                    }
                    self.params(value, true);
                }
                "mimeType" => {}
                _ => self.generic(value),
            }
        }
        if redacted {
            self.summary.post_bodies += 1;
        }
    }

    /// A posted body: form and JSON values replaced (names kept), anything else replaced whole.
    fn body(&mut self, mime: &str, text: &str) -> String {
        let trimmed = text.trim_start();
        if mime.contains("json") || trimmed.starts_with('{') || trimmed.starts_with('[') {
            if let Ok((mut json, len, _)) = json::parse(text.as_bytes(), true) {
                if text[len..].trim().is_empty() {
                    self.json_values(&mut json, false);
                    // Written from a `&str` and strings: always UTF-8.
                    return String::from_utf8_lossy(&json.to_vec()).into_owned();
                }
            }
        }
        let form_like = !text.contains(char::is_whitespace) && text.contains('=');
        if mime.contains("x-www-form-urlencoded") || (mime.is_empty() && form_like) {
            return text
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((name, value)) if !value.is_empty() => {
                        let decoded = percent_decode(value);
                        let new = if token_like(&percent_decode(name)) {
                            let new = self.secret(&decoded);
                            self.copies.track(value, &new, Shape::Secret);
                            new
                        } else {
                            self.names.secret(&decoded)
                        };
                        format!("{name}={new}")
                    }
                    _ => pair.to_owned(),
                })
                .collect::<Vec<_>>()
                .join("&");
        }
        format!("[{} bytes redacted: {}]", text.len(), self.names.secret(text))
    }

    /// Every string of a posted JSON value replaced; those under a credential's name (`password`,
    /// `token`, ...) are also chased elsewhere.
    fn json_values(&mut self, value: &mut Json<'_>, secret: bool) {
        match value {
            Json::Str(s) if !s.is_empty() => {
                *s = Cow::Owned(if secret { self.secret(s) } else { self.names.secret(s) });
            }
            Json::Arr(items) => items.iter_mut().for_each(|v| self.json_values(v, secret)),
            Json::Obj(members) => {
                for (key, v) in members.iter_mut() {
                    let secret = secret || token_like(key);
                    self.json_values(v, secret);
                }
            }
            _ => {}
        }
    }

    /// `response.content`: the text of non-media bodies dropped (the size stays).
    fn content(&mut self, content: &mut Json<'_>) {
        let Json::Obj(members) = content else {
            self.generic(content);
            return;
        };
        if !self.options.response_bodies {
            for (key, value) in members.iter_mut() {
                if key == "text" {
                    // Kept: read now, so that what it holds is written back as valid JSON.
                    *value = std::mem::replace(value, Json::Null).decode_raw(self.notes);
                } else {
                    self.generic(value);
                }
            }
            return;
        }
        let mime = members
            .iter()
            .find(|(k, _)| k == "mimeType")
            .and_then(|(_, v)| v.as_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let media = MEDIA.iter().any(|m| mime.starts_with(m)) && !mime.contains("svg");
        let has_text = members.iter().any(|(k, v)| {
            k == "text"
                && match v {
                    Json::Str(t) => !t.is_empty(),
                    Json::Raw(raw) => *raw != b"\"\"",
                    _ => false,
                }
        });
        if has_text && !media {
            members.retain(|(k, _)| k != "text" && k != "encoding");
            self.summary.response_bodies += 1;
        }
        for (key, value) in members.iter_mut() {
            if key == "text" {
                *value = std::mem::replace(value, Json::Null).decode_raw(self.notes);
            }
        }
    }

    /// Websocket frames are bodies: their data goes with the response bodies (the count stays).
    fn websocket(&mut self, messages: &mut Json<'_>) {
        let Json::Arr(items) = messages else { return };
        for m in items {
            let Some(data) = m.get_mut("data") else {
                self.generic(m);
                continue;
            };
            if self.options.response_bodies {
                let empty = matches!(data, Json::Null) || data.as_str().is_some_and(str::is_empty);
                if !empty {
                    self.summary.response_bodies += 1;
                    set_str(data, String::new());
                }
            } else {
                self.generic(data);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::token_like;

    #[test]
    fn names_that_carry_credentials() {
        for name in [
            "access_token",
            "X-Auth-Token",
            "api_key",
            "os_password",
            "X-ASESSIONID",
            "code",
            "Signature",
            "atl_token",
        ] {
            assert!(token_like(name), "{name}");
        }
        for name in [
            "issueKey",
            "currentIssueKey",
            "projectKey",
            "spaceKey",
            "X-AREQUESTID",
            "Accept",
            "WWW-Authenticate",
            "X-Atlassian-Token",
        ] {
            assert!(!token_like(name), "{name}");
        }
    }
}
