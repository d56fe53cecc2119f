//! The application log (`atlassian-jira.log`, also `atlassian-crowd.log`), log4j with Jira's pattern:
//!
//! `%d %t %p %X{jira.username} %X{jira.request.id} %X{jira.request.assession.id} %X{jira.request.ipaddr} %X{jira.request.url} [%q{2}] %m%n`
//!
//! Splitting on spaces does not work: Jira renames request threads to `http-nio-8080-exec-6 url: /x; user: y`,
//! the ipaddr field is `XFF,remoteAddr` where XFF holds `, `, the level may be padded, and every MDC field is
//! empty outside a request. So the line is read by landmarks instead: the timestamp, the first level word after
//! the thread, the `[logger]` bracket, and inside the MDC part the request id's `NxNxN` shape. Crowd's own log
//! (`%d %t %-5p [%c] %m%n`) is the same shape with no MDC part. Confluence's `atlassian-confluence.log`
//! (`%d %p [%t] [%c{4}] %m%n`) is recognised by its level right after the timestamp.

use std::sync::Arc;

use serde::Serialize;

use super::time::{parse_log4j_time, LogTime};

/// Messages longer than this (a stack trace of a stack trace) are cut: rules read the first lines only.
pub const MAX_MESSAGE: usize = 64 * 1024;

/// The log level of an application-log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
}

impl Level {
    fn parse(s: &str) -> Option<Level> {
        Some(match s {
            "TRACE" => Level::Trace,
            "DEBUG" => Level::Debug,
            "INFO" => Level::Info,
            "WARN" => Level::Warn,
            "ERROR" => Level::Error,
            "FATAL" => Level::Fatal,
            _ => return None,
        })
    }
}

/// The two validation factors Crowd sees for a request (domain.md section 2): the TCP peer and the raw
/// `X-Forwarded-For` header. Both are text as logged: an entry need not be an IP address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Factors {
    pub remote_address: Option<Arc<str>>,
    /// The raw header (`client, proxy1, proxy2`), `None` when absent.
    pub xff: Option<Arc<str>>,
}

impl Factors {
    /// Splits Jira's `jira.request.ipaddr` (`XFF,remoteAddr`): the last comma-separated element is the remote
    /// address, everything before it the X-Forwarded-For header as received.
    pub fn from_ipaddr(ipaddr: &str) -> Factors {
        let ipaddr = ipaddr.trim();
        let (xff, remote) = match ipaddr.rsplit_once(',') {
            Some((xff, remote)) => (xff.trim(), remote.trim()),
            None => ("", ipaddr),
        };
        Factors { remote_address: non_empty(remote).map(Into::into), xff: non_empty(xff).map(Into::into) }
    }

    pub fn is_empty(&self) -> bool {
        self.remote_address.is_none() && self.xff.is_none()
    }
}

/// One application-log event: its first line and any continuation lines (stack traces) after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppLogRecord {
    /// 1-based line number of the event's first line.
    pub line: u64,
    pub time: LogTime,
    /// The thread name as written, including Jira's ` url: ...; user: ...` suffix.
    pub thread: Arc<str>,
    pub level: Level,
    /// `jira.username` (`anonymous` for anonymous requests, as Jira writes it).
    pub user: Option<Arc<str>>,
    /// `jira.request.id` = `X-AREQUESTID`.
    pub request_id: Option<Box<str>>,
    /// `jira.request.assession.id` = `X-ASESSIONID`.
    pub asession_id: Option<Arc<str>>,
    /// `jira.request.ipaddr` split into Crowd's two factors.
    pub ipaddr: Factors,
    /// `jira.request.url`: the request path.
    pub url: Option<Arc<str>>,
    /// The logger as written (abbreviated by `%q{2}`, e.g. `c.a.j.s.login.LoginLoggers`).
    pub logger: Arc<str>,
    /// The message, with continuation lines joined by `\n`; cut at [`MAX_MESSAGE`] bytes.
    pub message: String,
    /// Continuation lines after the first.
    pub extra_lines: u32,
    /// The message was longer than [`MAX_MESSAGE`] (or a line longer than the line limit) and was cut.
    pub truncated: bool,
}

impl AppLogRecord {
    /// Appends a continuation line (a stack-trace frame, the rest of a multi-line message).
    pub fn push_continuation(&mut self, text: &str) {
        self.extra_lines = self.extra_lines.saturating_add(1);
        if self.message.len() + 1 + text.len() > MAX_MESSAGE {
            self.truncated = true;
            return;
        }
        self.message.push('\n');
        self.message.push_str(text);
    }
}

/// An application-log line read without copying; [`AppLine::to_record`] makes it owned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppLine<'a> {
    pub time: LogTime,
    pub thread: &'a str,
    pub level: Level,
    pub user: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub asession_id: Option<&'a str>,
    pub ipaddr: &'a str,
    pub url: Option<&'a str>,
    pub logger: &'a str,
    pub message: &'a str,
}

impl AppLine<'_> {
    pub fn to_record(self, line: u64) -> AppLogRecord {
        let mut message = redact_tokens(self.message);
        let truncated = message.len() > MAX_MESSAGE;
        if truncated {
            let mut end = MAX_MESSAGE;
            while !message.is_char_boundary(end) {
                end -= 1;
            }
            message.truncate(end);
        }
        AppLogRecord {
            line,
            time: self.time,
            thread: self.thread.into(),
            level: self.level,
            user: self.user.map(Into::into),
            request_id: self.request_id.map(Into::into),
            asession_id: self.asession_id.map(Into::into),
            ipaddr: Factors::from_ipaddr(self.ipaddr),
            url: self.url.map(Into::into),
            logger: self.logger.into(),
            message,
            extra_lines: 0,
            truncated,
        }
    }
}

/// Replaces SSO tokens quoted in a message (`Token <t> is no longer valid`, `crowd.token_key=<t>`) by their
/// fingerprint: a token is a live credential, and messages end up in reports. A token is recognised by what
/// precedes it and by its shape (16 or more base64url characters), so ordinary words after "token" stay.
pub fn redact_tokens(message: &str) -> String {
    const MARKERS: [&str; 3] = ["Token ", "token ", "token_key="];
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while !rest.is_empty() {
        let next = MARKERS.iter().filter_map(|m| rest.find(m).map(|i| (i, m.len()))).min();
        let Some((at, len)) = next else { break };
        let start = at + len;
        let quoted = rest[start..].starts_with('"');
        let value_start = start + usize::from(quoted);
        let value_len = rest[value_start..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'+' | b'/' | b'='))
            .count();
        out.push_str(&rest[..value_start]);
        if value_len >= 16 {
            let token = &rest[value_start..value_start + value_len];
            out.push_str("token:");
            out.push_str(&token_fingerprint(token));
        } else {
            out.push_str(&rest[value_start..value_start + value_len]);
        }
        rest = &rest[value_start + value_len..];
    }
    out.push_str(rest);
    out
}

/// What kind of line this is in an application log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppLineKind<'a> {
    /// The first line of an event.
    Event(AppLine<'a>),
    /// A line starting with a timestamp that is not an event line: unreadable.
    Broken(&'static str),
    /// Any other line: the continuation of the event before it.
    Continuation,
}

/// Classifies one application-log line.
pub fn classify_app_line(text: &str) -> AppLineKind<'_> {
    match parse_log4j_time(text) {
        None => AppLineKind::Continuation,
        Some((time, used)) => match parse_after_time(time, &text[used..]) {
            Ok(line) => AppLineKind::Event(line),
            Err(reason) => AppLineKind::Broken(reason),
        },
    }
}

fn parse_after_time(time: LogTime, rest: &str) -> Result<AppLine<'_>, &'static str> {
    let rest = rest.strip_prefix(' ').ok_or("no space after the timestamp")?;
    if let Some((first, after)) = rest.split_once(' ') {
        if let (Some(level), Some(body)) = (Level::parse(first), after.strip_prefix('[')) {
            return parse_confluence(time, level, body);
        }
    }
    // The level is the first level word after at least one thread word; Jira's thread suffix
    // `url: /x; user: NAME` is skipped first so that a user called `INFO` cannot pose as the level.
    let mut search_from = 0;
    if rest.split(' ').nth(1).is_some_and(|w| w.starts_with("url:")) {
        if let Some(i) = rest.find("; user: ") {
            let after_user = i + "; user: ".len();
            search_from = rest[after_user..].find(' ').map_or(rest.len(), |j| after_user + j);
        }
    }
    let mut level = None;
    let mut pos = 0;
    for word in rest.split(' ') {
        let start = pos;
        pos += word.len() + 1;
        if start == 0 || start < search_from {
            continue;
        }
        if let Some(l) = Level::parse(word) {
            level = Some((l, start, start + word.len()));
            break;
        }
    }
    let (level, level_start, level_end) =
        level.ok_or("no log level (TRACE, DEBUG, INFO, WARN, ERROR, FATAL)")?;
    let thread = rest[..level_start].trim_end();
    if thread.is_empty() {
        return Err("no thread name before the level");
    }
    let after = &rest[level_end..];
    let (open, close) = find_logger(after).ok_or("no `[logger]` after the level")?;
    let logger = &after[open + 1..close];
    let message = after.get(close + 2..).unwrap_or("");
    let mdc = parse_mdc(&after[..open]);
    Ok(AppLine {
        time,
        thread,
        level,
        user: mdc.user,
        request_id: mdc.request_id,
        asession_id: mdc.asession_id,
        ipaddr: mdc.ipaddr,
        url: mdc.url,
        logger,
        message,
    })
}

/// Confluence's `%d %p [%t] [%c{4}] %m%n`: no MDC columns, but WARN and worse (and lines with a throwable) end
/// with a context suffix ` -- url: /x | traceId: .. | userName: ben` from which the URL and user are taken.
fn parse_confluence(time: LogTime, level: Level, body: &str) -> Result<AppLine<'_>, &'static str> {
    // The thread may hold spaces (`http-nio-8090-exec-5 url: /x; user: y`): it ends at the `] [` before the
    // logger.
    let mut from = 0;
    while let Some(end) = body[from..].find("] [").map(|i| from + i) {
        let after = &body[end + 1..];
        if let Some((open, close)) = find_logger(after).filter(|&(open, _)| open == 1) {
            let message = after.get(close + 2..).unwrap_or("");
            let (url, user) = confluence_context(message);
            return Ok(AppLine {
                time,
                thread: &body[..end],
                level,
                user,
                request_id: None,
                asession_id: None,
                ipaddr: "",
                url,
                logger: &after[open + 1..close],
                message,
            });
        }
        from = end + 1;
    }
    Err("no `[thread] [logger]` after the level")
}

/// `url` and `userName` from Confluence's ` -- key: value | key: value` message suffix.
fn confluence_context(message: &str) -> (Option<&str>, Option<&str>) {
    let Some(i) = message.rfind(" -- ") else {
        return (None, None);
    };
    let (mut url, mut user) = (None, None);
    for pair in message[i + 4..].split(" | ") {
        match pair.trim().split_once(": ") {
            Some(("url", v)) => url = non_empty(v.trim()),
            Some(("userName", v)) => user = non_empty(v.trim()),
            _ => {}
        }
    }
    (url, user)
}

/// The first `[logger]` bracket that starts a word and is followed by a space or the end of the line. A
/// logger name has no `:` and no spaces, so a bracketed IPv6 address in the ipaddr field is not taken for it.
fn find_logger(s: &str) -> Option<(usize, usize)> {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'[', &b[from..]).map(|i| from + i) {
        from = i + 1;
        if i > 0 && b[i - 1] != b' ' {
            continue;
        }
        let len = b[i + 1..].iter().position(|&c| !is_logger_byte(c))?;
        let close = i + 1 + len;
        if len > 0 && b[close] == b']' && matches!(b.get(close + 1), None | Some(b' ')) {
            return Some((i, close));
        }
    }
    None
}

fn is_logger_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'$' | b'-')
}

#[derive(Debug, Default)]
struct Mdc<'a> {
    user: Option<&'a str>,
    request_id: Option<&'a str>,
    asession_id: Option<&'a str>,
    ipaddr: &'a str,
    url: Option<&'a str>,
}

/// Reads ` USER REQUEST-ID ASESSION-ID IPADDR URL ` (any of them empty). The request id is found by its shape;
/// the user is what comes before it (level padding trimmed), the session id the word after it, the URL the last
/// word, and the ipaddr (which may hold `, `) what is left between.
fn parse_mdc(mdc: &str) -> Mdc<'_> {
    let mut pos = 0;
    let mut id = None;
    for word in mdc.split(' ') {
        if is_request_id(word) {
            id = Some((pos, pos + word.len()));
            break;
        }
        pos += word.len() + 1;
    }
    let Some((id_start, id_end)) = id else {
        // Outside a request: usually nothing, sometimes only a user (`ServiceRunner`) or a URL.
        let mut words = mdc.split_whitespace();
        let first = words.next();
        let last = words.next_back().or(first);
        return Mdc {
            user: first.filter(|w| !w.starts_with('/')),
            url: last.filter(|w| w.starts_with('/')),
            ..Mdc::default()
        };
    };
    let user = non_empty(mdc[..id_start].trim());
    let after = mdc[id_end..].strip_prefix(' ').unwrap_or(&mdc[id_end..]);
    let (session, rest) = after.split_once(' ').unwrap_or((after, ""));
    let rest = rest.trim_end_matches(' ');
    let (ipaddr, url) = match rest.rsplit_once(' ') {
        Some((ip, url)) => (ip, url),
        None if rest.starts_with('/') => ("", rest),
        None => (rest, ""),
    };
    Mdc {
        user,
        request_id: Some(&mdc[id_start..id_end]),
        asession_id: non_empty(session),
        ipaddr: ipaddr.trim(),
        url: non_empty(url),
    }
}

/// `716x107921x1`: minute of day, request counter, concurrent requests.
pub fn is_request_id(word: &str) -> bool {
    let mut parts = word.split('x');
    let ok = |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    ok(parts.next()) && ok(parts.next()) && ok(parts.next()) && parts.next().is_none()
}

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// A short, stable stand-in for a Crowd SSO token (`crowd.token_key`): 8 hex digits of its FNV-1a hash. The
/// same function applied to a HAR's cookie value joins the two without anyone keeping the secret.
pub fn token_fingerprint(token: &str) -> Box<str> {
    let mut hash: u32 = 0x811c_9dc5;
    for b in token.bytes() {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    format!("{hash:08x}").into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(text: &str) -> AppLine<'_> {
        match classify_app_line(text) {
            AppLineKind::Event(line) => line,
            other => panic!("not an event: {other:?}: {text}"),
        }
    }

    #[test]
    fn a_request_line_with_jira_thread_padding_and_xff() {
        let text = "2021-10-19 11:56:47,306-0500 http-nio-8080-exec-6 url: /track/login.jsp; user: v3ry8 INFO  v3ry8 716x107921x1 1pymib8 10.777.11.252, 10.444.222.10, 10.444.44.178,10.444.222.10 /track/login.jsp [c.a.j.s.login.LoginLoggers] login : 'v3ry8' tried to login";
        let l = event(text);
        assert_eq!(l.thread, "http-nio-8080-exec-6 url: /track/login.jsp; user: v3ry8");
        assert_eq!(l.level, Level::Info);
        assert_eq!(l.user, Some("v3ry8"));
        assert_eq!(l.request_id, Some("716x107921x1"));
        assert_eq!(l.asession_id, Some("1pymib8"));
        assert_eq!(l.url, Some("/track/login.jsp"));
        assert_eq!(l.logger, "c.a.j.s.login.LoginLoggers");
        assert_eq!(l.message, "login : 'v3ry8' tried to login");
        let r = l.to_record(3);
        assert_eq!(r.ipaddr.remote_address.as_deref(), Some("10.444.222.10"));
        assert_eq!(r.ipaddr.xff.as_deref(), Some("10.777.11.252, 10.444.222.10, 10.444.44.178"));
        assert_eq!(r.time.to_utc_string().as_deref(), Some("2021-10-19T16:56:47.306Z"));
    }

    #[test]
    fn unpadded_level_empty_fields_and_background_threads() {
        let l = event("2021-10-19 11:56:47,306-0500 http-nio-8080-exec-1 url: /rest/x; user: anonymous DEBUG anonymous 716x1x1  10.0.0.1 /rest/x [o.apache.http.wire] http-outgoing-0 >> \"x\"");
        assert_eq!(
            (l.user, l.asession_id, l.ipaddr, l.url),
            (Some("anonymous"), None, "10.0.0.1", Some("/rest/x"))
        );
        let l = event(
            "2021-10-19 11:56:47,306-0500 Caesium-1-3 INFO      [c.a.j.p.h.s.ping.HealthCheckPingJob] ping",
        );
        assert_eq!((l.thread, l.user, l.request_id, l.url), ("Caesium-1-3", None, None, None));
        assert_eq!(l.message, "ping");
        let l = event("2021-10-19 11:56:47,306-0500 Caesium-1-4 INFO ServiceRunner     [c.a.j.s.Svc] ran");
        assert_eq!(l.user, Some("ServiceRunner"));
        let l = event("2021-10-19 11:56:47,306 localhost-startStop-1 WARN [c.a.jira.startup.X]");
        assert_eq!((l.time.utc_ms(), l.message), (None, ""));
    }

    #[test]
    fn crowd_log_lines_have_no_mdc() {
        let l = event("2026-10-19 14:00:02,067+0000 http-nio-8095-exec-1 DEBUG [crowd.manager.validation.XForwardedForUtil] Proxies [127.0.0.21] are untrusted (for requestAddress=127.0.0.10 and xForwardedFor=127.0.0.1, 127.0.0.21)");
        assert_eq!((l.thread, l.level, l.user), ("http-nio-8095-exec-1", Level::Debug, None));
        assert_eq!(l.logger, "crowd.manager.validation.XForwardedForUtil");
        assert!(l.message.starts_with("Proxies [127.0.0.21]"));
    }

    #[test]
    fn bracketed_ipv6_in_ipaddr_is_not_the_logger() {
        let l = event(
            "2021-10-19 11:56:47,306+0000 t url: /x; user: u WARN u 1x2x3 s [2001:db8::1],::1 /x [c.a.X] m",
        );
        assert_eq!(l.logger, "c.a.X");
        assert_eq!(l.ipaddr, "[2001:db8::1],::1");
        let f = Factors::from_ipaddr(l.ipaddr);
        assert_eq!((f.xff.as_deref(), f.remote_address.as_deref()), (Some("[2001:db8::1]"), Some("::1")));
    }

    #[test]
    fn factors_from_ipaddr() {
        let f = Factors::from_ipaddr("10.0.0.9");
        assert_eq!((f.xff, f.remote_address.as_deref()), (None, Some("10.0.0.9")));
        assert!(Factors::from_ipaddr("").is_empty());
        let f = Factors::from_ipaddr("unknown, 1.2.3.4:5555,10.0.0.9");
        assert_eq!(f.xff.as_deref(), Some("unknown, 1.2.3.4:5555"));
    }

    #[test]
    fn continuation_and_broken_lines() {
        assert_eq!(classify_app_line("\tat com.atlassian.X.y(X.java:1)"), AppLineKind::Continuation);
        assert_eq!(classify_app_line(""), AppLineKind::Continuation);
        assert_eq!(
            classify_app_line("2021-10-19 11:56:47,306-0500 main no level here [x]"),
            AppLineKind::Broken("no log level (TRACE, DEBUG, INFO, WARN, ERROR, FATAL)")
        );
        assert_eq!(
            classify_app_line("2021-10-19 11:56:47,306-0500 main INFO no logger"),
            AppLineKind::Broken("no `[logger]` after the level")
        );
        let mut r = event("2021-10-19 11:56:47,306-0500 main ERROR [c.X] boom").to_record(1);
        r.push_continuation("java.lang.IllegalStateException: x");
        r.push_continuation("\tat a.b(C.java:1)");
        assert_eq!(r.message, "boom\njava.lang.IllegalStateException: x\n\tat a.b(C.java:1)");
        assert_eq!(r.extra_lines, 2);
    }

    #[test]
    fn confluence_lines_with_and_without_context() {
        let l = event("2021-10-19 11:56:47,306 ERROR [http-nio-8090-exec-5 url: /rest/api/x; user: ben] [atlassian.renderer.v2.V2Renderer] render failed -- url: /pages/doexportpage.action | traceId: 5c0e | userName: ben | action: doexportpage");
        assert_eq!((l.level, l.thread), (Level::Error, "http-nio-8090-exec-5 url: /rest/api/x; user: ben"));
        assert_eq!(l.logger, "atlassian.renderer.v2.V2Renderer");
        assert_eq!((l.url, l.user, l.request_id), (Some("/pages/doexportpage.action"), Some("ben"), None));
        assert!(l.message.starts_with("render failed -- url:"));
        let l = event("2021-10-19 11:56:47,306 DEBUG [http-nio-8090-exec-1] [org.apache.http.wire] http-outgoing-2 >> \"GET / HTTP/1.1[\\r][\\n]\"");
        assert_eq!((l.thread, l.logger, l.user), ("http-nio-8090-exec-1", "org.apache.http.wire", None));
        assert_eq!(
            classify_app_line("2021-10-19 11:56:47,306 WARN [main] no logger"),
            AppLineKind::Broken("no `[thread] [logger]` after the level")
        );
    }

    #[test]
    fn a_message_mentioning_user_does_not_hide_the_level() {
        let l = event("2021-10-19 11:56:47,306+0000 Caesium-1-1 INFO      [c.a.X] sync; user: bob done");
        assert_eq!((l.level, l.message), (Level::Info, "sync; user: bob done"));
    }

    #[test]
    fn tokens_in_messages_become_fingerprints() {
        let fp = crate::logs::token_fingerprint("dsywE0WzbEGb1cMEylgjuAAAAAAAAIABdjNyeTg");
        assert_eq!(
            redact_tokens("Token dsywE0WzbEGb1cMEylgjuAAAAAAAAIABdjNyeTg is no longer valid: INVALID_SSO_TOKEN Token doesn't match the existing token."),
            format!("Token token:{fp} is no longer valid: INVALID_SSO_TOKEN Token doesn't match the existing token.")
        );
        assert_eq!(
            redact_tokens(
                "Cookie accepted [crowd.token_key=\"dsywE0WzbEGb1cMEylgjuAAAAAAAAIABdjNyeTg\", version:0]"
            ),
            format!("Cookie accepted [crowd.token_key=\"token:{fp}\", version:0]")
        );
        assert_eq!(redact_tokens("no token here"), "no token here");
        assert_eq!(redact_tokens("Token "), "Token ");
    }

    #[test]
    fn request_id_shape() {
        assert!(is_request_id("716x107921x1"));
        for no in ["716x107921", "x1x1", "1x1x1x1", "abc", "", "@1S969HQx1015x832x0"] {
            assert!(!is_request_id(no), "{no}");
        }
    }
}
