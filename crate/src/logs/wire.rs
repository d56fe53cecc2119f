//! Crowd session calls recovered from Apache HttpClient wire DEBUG lines, and Crowd's own "untrusted proxies"
//! DEBUG line.
//!
//! With DEBUG on `org.apache.http`, every byte Jira's Crowd client sends and receives is logged as
//! `http-outgoing-N >> "..."` (sent) or `<< "..."` (received), one line per CRLF, with `[\r]`, `[\n]` and
//! `[0xNN]` escapes. Lines of concurrent requests interleave, so pieces are grouped by connection N (a pooled
//! connection carries one exchange at a time) and an exchange ends when that connection starts sending the next
//! request, or at the end of the log. Only calls to Crowd's session resource
//! (`/rest/usermanagement/1/session`) are kept: they carry the validation factors and Crowd's verdict
//! (domain.md sections 2 and 5). Tokens are secrets: only a short fingerprint of them is kept.

use std::collections::HashMap;

use serde::Serialize;

use super::app::{token_fingerprint, AppLine, Factors};
use super::time::LogTime;

/// Bytes kept per direction of one exchange. A session call is well under 2 KB; anything past this is a large
/// body of some other call, never read.
const MAX_EXCHANGE_BYTES: usize = 64 * 1024;

/// Open exchanges beyond this are flushed (only a log with thousands of pooled connections, or an old
/// HttpClient keyed by thread name, gets near it).
const MAX_OPEN_EXCHANGES: usize = 4096;

/// What a call to Crowd's session resource did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SessionOp {
    /// `POST /session`: log in (`validate-password=true`) or issue a token for a known user; binds the new
    /// token to the factors sent.
    Create,
    /// `POST /session/<token>`: validate the token against the factors sent.
    Validate,
    /// `GET /session/<token>`: look a token up without factors.
    Get,
    /// `DELETE /session/<token>`: log out (invalidates the token for every SSO app).
    Invalidate,
    /// `DELETE /session?username=`: invalidate all of a user's tokens.
    InvalidateAll,
    /// Any other method on the session resource.
    Other,
}

/// One call from the app to Crowd's session resource, as the wire lines show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CrowdValidation {
    /// Index of the log input it was read from (set when collected into [`super::ParsedLogs`]).
    pub input: usize,
    /// Line of the request line (`>> "POST /crowd/rest/usermanagement/1/session/..."`).
    pub first_line: u64,
    /// Last wire line of the exchange.
    pub last_line: u64,
    /// Time of the request line.
    pub time: LogTime,
    /// `http-outgoing-N` (or the thread name for HttpClient before 4.3, which logs no connection id).
    pub connection: Box<str>,
    pub thread: Box<str>,
    /// The Jira request (`X-AREQUESTID`) and session (`X-ASESSIONID`) that caused the call, from the line's MDC.
    pub request_id: Option<Box<str>>,
    pub asession_id: Option<Box<str>>,
    pub operation: SessionOp,
    /// Fingerprint of the token the call is about: the one validated, looked up or invalidated, or for a
    /// create the one Crowd issued. See [`token_fingerprint`].
    pub token: Option<Box<str>>,
    /// The validation factors sent (validate and create calls).
    pub factors: Factors,
    /// The `jira.request.ipaddr` of the app request that made the call: the addresses the app saw. Jira builds
    /// both from the same request, so for a call that sends factors (create, validate) a difference means
    /// something rewrote them in between (a valve, a filter).
    pub request_ipaddr: Factors,
    /// Crowd's HTTP status; `None` when the log has no response for the call.
    pub status: Option<u16>,
    /// Crowd's `<error><reason>`, e.g. `INVALID_SSO_TOKEN`: rules key on this, not on the status.
    pub reason: Option<Box<str>>,
    /// Crowd's `<error><message>`, e.g. `Token doesn't match the existing token.`
    pub message: Option<Box<str>>,
    /// The user: from Crowd's answer (`<user name=..>`), the login request, or the line's MDC (not `anonymous`).
    pub user: Option<Box<str>>,
}

/// Crowd's `XForwardedForUtil` DEBUG line: `Proxies [a, b] are untrusted (for requestAddress=R and
/// xForwardedFor=X)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UntrustedProxies {
    /// Index of the log input it was read from (set when collected into [`super::ParsedLogs`]).
    pub input: usize,
    pub line: u64,
    pub time: LogTime,
    pub proxies: Vec<Box<str>>,
    pub request_address: Box<str>,
    pub xff: Option<Box<str>>,
}

/// Reads Crowd's untrusted-proxies message, if that is what `message` is.
pub fn parse_untrusted_proxies(line: u64, time: LogTime, message: &str) -> Option<UntrustedProxies> {
    let rest = message.strip_prefix("Proxies [")?;
    let (proxies, rest) = rest.split_once("] are untrusted (for requestAddress=")?;
    let (request_address, xff) = match rest.split_once(" and xForwardedFor=") {
        Some((addr, xff)) => (addr, Some(xff.strip_suffix(')').unwrap_or(xff))),
        None => (rest.strip_suffix(')').unwrap_or(rest), None),
    };
    Some(UntrustedProxies {
        input: 0,
        line,
        time,
        proxies: proxies.split(',').map(str::trim).filter(|p| !p.is_empty()).map(Into::into).collect(),
        request_address: request_address.trim().into(),
        xff: xff.map(str::trim).filter(|x| !x.is_empty() && *x != "null").map(Into::into),
    })
}

/// Whether a logger name is HttpClient's wire logger, full or abbreviated: HttpClient 4
/// (`org.apache.http.wire`, `o.apache.http.wire`, `o.a.h.wire`) or 5 (`org.apache.hc.client5.http.wire`).
pub fn is_wire_logger(logger: &str) -> bool {
    is_http_logger(logger, "wire")
}

/// HttpClient's header logger repeats what the wire logger shows; its lines are counted, not kept.
pub fn is_headers_logger(logger: &str) -> bool {
    is_http_logger(logger, "headers")
}

fn is_http_logger(logger: &str, last: &str) -> bool {
    if !logger.ends_with(last) {
        return false;
    }
    let prefix: &[&str] = match logger.split('.').count() {
        4 => &["org", "apache", "http"],
        6 => &["org", "apache", "hc", "client5", "http"],
        _ => return false,
    };
    let mut parts = logger.split('.');
    prefix.iter().all(|full| parts.next().is_some_and(|part| !part.is_empty() && full.starts_with(part)))
        && parts.next() == Some(last)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Sent,
    Received,
}

/// One wire line's message: `http-outgoing-N >> "payload"`.
fn parse_wire_message(message: &str) -> Option<(Option<&str>, Direction, &str)> {
    let (connection, rest) = match message.strip_prefix("http-outgoing-") {
        Some(_) => {
            let (conn, rest) = message.split_once(' ')?;
            (Some(conn), rest)
        }
        None => (None, message),
    };
    let (direction, rest) = if let Some(rest) = rest.strip_prefix(">> ") {
        (Direction::Sent, rest)
    } else if let Some(rest) = rest.strip_prefix("<< ") {
        (Direction::Received, rest)
    } else {
        return None;
    };
    let payload = rest.strip_prefix('"')?;
    // The payload itself may hold quotes (XML attributes): the closing one is the line's last byte. A cut line
    // has none; its payload is what there is.
    let payload = payload.strip_suffix('"').unwrap_or(payload);
    Some((connection, direction, payload))
}

/// Undoes HttpClient's `Wire` escaping: `[\r]`, `[\n]`, `[0xNN]` (bytes outside printable ASCII).
fn unescape_wire(payload: &str, out: &mut Vec<u8>) {
    let b = payload.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'[' {
            let rest = &b[i..];
            if rest.starts_with(b"[\\r]") {
                out.push(b'\r');
                i += 4;
                continue;
            }
            if rest.starts_with(b"[\\n]") {
                out.push(b'\n');
                i += 4;
                continue;
            }
            if rest.len() >= 6 && rest.starts_with(b"[0x") && rest[5] == b']' {
                if let Ok(v) = u8::from_str_radix(&payload[i + 3..i + 5], 16) {
                    out.push(v);
                    i += 6;
                    continue;
                }
            }
            // HttpClient 4.x writes multi-digit hex for some bytes (`[0xa]`).
            if rest.len() >= 5 && rest.starts_with(b"[0x") && rest[4] == b']' {
                if let Ok(v) = u8::from_str_radix(&payload[i + 3..i + 4], 16) {
                    out.push(v);
                    i += 5;
                    continue;
                }
            }
        }
        out.push(b[i]);
        i += 1;
    }
}

#[derive(Debug)]
struct Exchange {
    first_line: u64,
    last_line: u64,
    time: LogTime,
    connection: Box<str>,
    thread: Box<str>,
    user: Option<Box<str>>,
    request_id: Option<Box<str>>,
    asession_id: Option<Box<str>>,
    request_ipaddr: Factors,
    sent: Vec<u8>,
    received: Vec<u8>,
    /// `Some(false)` once the request line shows a call that is not to Crowd's session resource: its bytes are
    /// no longer kept.
    relevant: Option<bool>,
    /// Something was received (kept or not): the next piece sent starts a new exchange.
    answered: bool,
    /// The first piece seen was received: the log starts in the middle of this exchange.
    headless: bool,
}

/// `POST /crowd/rest/... HTTP/1.1[\r][\n]`: the first line of a request, as a wire payload.
fn looks_like_request_line(payload: &str) -> bool {
    let Some((method, rest)) = payload.split_once(' ') else {
        return false;
    };
    !method.is_empty()
        && method.bytes().all(|b| b.is_ascii_uppercase())
        && (rest.starts_with('/') || rest.starts_with("http"))
        && (rest.ends_with(" HTTP/1.1[\\r][\\n]") || rest.ends_with(" HTTP/1.0[\\r][\\n]"))
}

/// Whether what was received so far is only an interim `1xx` answer.
fn is_interim(received: &[u8]) -> bool {
    received.starts_with(b"HTTP/1.1 1") || received.starts_with(b"HTTP/1.0 1")
}

/// Something the wire assembler wants the reader to warn about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireNote {
    /// A response whose request is not in the log (it starts mid-exchange).
    NoRequest { line: u64 },
    /// A session call whose response body is compressed and cannot be read.
    Compressed { line: u64 },
    /// A session call with no response in the log.
    NoResponse { line: u64 },
}

/// Groups wire lines into exchanges and turns the session calls into [`CrowdValidation`]s.
#[derive(Debug, Default)]
pub struct WireAssembler {
    open: HashMap<Box<str>, Exchange>,
    scratch: Vec<u8>,
}

impl WireAssembler {
    /// Takes one wire line (already read as an application-log line). Returns `false` if its message is not
    /// wire data.
    pub fn push(
        &mut self,
        line: u64,
        app: &AppLine<'_>,
        out: &mut impl FnMut(CrowdValidation),
        notes: &mut impl FnMut(WireNote),
    ) -> bool {
        let Some((connection, direction, payload)) = parse_wire_message(app.message) else {
            return false;
        };
        if direction == Direction::Received && payload == "end of stream" {
            return true;
        }
        let key = connection.unwrap_or(app.thread);
        let request_line = direction == Direction::Sent && looks_like_request_line(payload);
        if let Some(ex) = self.open.get_mut(key) {
            // `100 Continue` is an interim answer: the request body and the real answer follow.
            if direction == Direction::Sent && ex.answered && is_interim(&ex.received) {
                ex.answered = false;
                ex.received.clear();
            }
        }
        let finished = self.open.get(key).is_some_and(|ex| {
            direction == Direction::Sent
                && (ex.headless
                    || ex.answered
                    // A new request on a connection whose last answer is missing from the log (the log level
                    // changed, the connection died): the old exchange ends without a response.
                    || (request_line && (ex.relevant == Some(false) || find(&ex.sent, b"\r\n\r\n").is_some())))
        });
        if finished {
            if let Some(ex) = self.open.remove(key) {
                finish_exchange(ex, out, notes);
            }
        }
        if !self.open.contains_key(key) {
            if self.open.len() >= MAX_OPEN_EXCHANGES {
                self.flush(out, notes);
            }
            let ex = Exchange {
                first_line: line,
                last_line: line,
                time: app.time,
                connection: key.into(),
                thread: app.thread.into(),
                user: app.user.filter(|u| *u != "anonymous").map(Into::into),
                request_id: app.request_id.map(Into::into),
                asession_id: app.asession_id.map(Into::into),
                request_ipaddr: Factors::from_ipaddr(app.ipaddr),
                sent: Vec::new(),
                received: Vec::new(),
                relevant: None,
                answered: false,
                headless: direction == Direction::Received,
            };
            if ex.headless {
                notes(WireNote::NoRequest { line });
            }
            self.open.insert(key.into(), ex);
        }
        let Some(ex) = self.open.get_mut(key) else {
            return true;
        };
        ex.last_line = line;
        ex.answered |= direction == Direction::Received;
        if ex.relevant == Some(false) || ex.headless {
            return true;
        }
        self.scratch.clear();
        unescape_wire(payload, &mut self.scratch);
        let buf = match direction {
            Direction::Sent => &mut ex.sent,
            Direction::Received => &mut ex.received,
        };
        let room = MAX_EXCHANGE_BYTES.saturating_sub(buf.len());
        buf.extend_from_slice(&self.scratch[..self.scratch.len().min(room)]);
        if ex.relevant.is_none() {
            if let Some(end) = find(&ex.sent, b"\r\n") {
                let request_line = String::from_utf8_lossy(&ex.sent[..end]);
                ex.relevant = Some(session_path(&request_line).is_some());
                if ex.relevant == Some(false) {
                    ex.sent = Vec::new();
                    ex.received = Vec::new();
                }
            }
        }
        true
    }

    /// Ends every open exchange (at the end of the input).
    pub fn flush(&mut self, out: &mut impl FnMut(CrowdValidation), notes: &mut impl FnMut(WireNote)) {
        let mut open: Vec<Exchange> = self.open.drain().map(|(_, ex)| ex).collect();
        // HashMap order is arbitrary; emit in log order so that output does not depend on it.
        open.sort_by_key(|ex| ex.first_line);
        for ex in open {
            finish_exchange(ex, out, notes);
        }
    }
}

/// The part of a request line's path after `/rest/usermanagement/<version>/session`, if it names that resource.
fn session_path(request_line: &str) -> Option<(&str, &str)> {
    let (method, rest) = request_line.split_once(' ')?;
    let target = rest.split(' ').next()?;
    let i = target.find("/rest/usermanagement/")?;
    let after = &target[i + "/rest/usermanagement/".len()..];
    let (_version, after) = after.split_once('/')?;
    let after = after.strip_prefix("session")?;
    matches!(after.as_bytes().first(), None | Some(b'/' | b'?')).then_some((method, after))
}

fn finish_exchange(ex: Exchange, out: &mut impl FnMut(CrowdValidation), notes: &mut impl FnMut(WireNote)) {
    if ex.headless || ex.relevant != Some(true) {
        return;
    }
    let (head, body) = split_message(&ex.sent);
    let head = String::from_utf8_lossy(head);
    let body = String::from_utf8_lossy(body);
    let request_line = head.lines().next().unwrap_or_default();
    let Some((method, after)) = session_path(request_line) else {
        return;
    };
    let path_token = after.strip_prefix('/').map(|t| t.split(['?', '/']).next().unwrap_or_default());
    let path_token = path_token.filter(|t| !t.is_empty());
    let operation = match (method, path_token.is_some()) {
        ("POST", true) => SessionOp::Validate,
        ("POST", false) => SessionOp::Create,
        ("GET", true) => SessionOp::Get,
        ("DELETE", true) => SessionOp::Invalidate,
        ("DELETE", false) => SessionOp::InvalidateAll,
        _ => SessionOp::Other,
    };
    let mut factors = Factors::default();
    for factor in body.split("<validation-factor>").skip(1) {
        let (Some(name), Some(value)) = (tag_text(factor, "name"), tag_text(factor, "value")) else {
            continue;
        };
        match name.as_str() {
            "remote_address" => factors.remote_address = Some(value.into()),
            "X-Forwarded-For" => factors.xff = Some(value.into()),
            _ => {}
        }
    }
    let request_user = tag_text(&body, "username");

    let mut status = None;
    let (mut reason, mut message, mut response_user, mut issued) = (None, None, None, None);
    if ex.received.is_empty() {
        notes(WireNote::NoResponse { line: ex.first_line });
    } else {
        let (rhead, rbody) = split_message(&ex.received);
        let rhead = String::from_utf8_lossy(rhead);
        let mut head_lines = rhead.lines();
        status = head_lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse::<u16>().ok());
        let mut chunked = false;
        let mut compressed = false;
        for header in head_lines {
            let Some((name, value)) = header.split_once(':') else { continue };
            let value = value.trim().to_ascii_lowercase();
            if name.eq_ignore_ascii_case("transfer-encoding") && value.contains("chunked") {
                chunked = true;
            }
            if name.eq_ignore_ascii_case("content-encoding") && value != "identity" {
                compressed = true;
            }
        }
        let rbody = if chunked { dechunk(rbody) } else { rbody.to_vec() };
        if compressed && !rbody.is_empty() {
            notes(WireNote::Compressed { line: ex.first_line });
        }
        let rbody = String::from_utf8_lossy(&rbody);
        if rbody.trim_start().starts_with('{') {
            reason = json_string(&rbody, "reason");
            message = json_string(&rbody, "message");
        } else {
            let error = rbody.find("<error").map_or("", |i| &rbody[i..]);
            reason = tag_text(error, "reason");
            message = tag_text(error, "message");
            response_user = attr_after(&rbody, "<user ", "name");
            issued = tag_text(&rbody, "token");
        }
    }
    let token = match operation {
        SessionOp::Create => issued.as_deref().map(token_fingerprint),
        _ => path_token.map(token_fingerprint),
    };
    // Crowd quotes the token in some answers ("Failed to find entity ... with identifier [<token>]"): the
    // secret is replaced by its fingerprint there too.
    if let (Some(secret), Some(fingerprint), Some(text)) =
        (path_token.or(issued.as_deref()), &token, &mut message)
    {
        if !secret.is_empty() && text.contains(secret) {
            *text = text.replace(secret, &format!("token:{fingerprint}"));
        }
    }
    out(CrowdValidation {
        input: 0,
        first_line: ex.first_line,
        last_line: ex.last_line,
        time: ex.time,
        connection: ex.connection,
        thread: ex.thread,
        request_id: ex.request_id,
        asession_id: ex.asession_id,
        operation,
        token,
        factors,
        request_ipaddr: ex.request_ipaddr,
        status,
        reason: reason.map(Into::into),
        message: message.map(Into::into),
        user: response_user.or(request_user).map(Into::into).or(ex.user),
    });
}

/// Splits an HTTP message into its head (request/status line and headers) and its body.
fn split_message(bytes: &[u8]) -> (&[u8], &[u8]) {
    match find(bytes, b"\r\n\r\n") {
        Some(i) => (&bytes[..i], &bytes[i + 4..]),
        None => (bytes, &[]),
    }
}

/// Decodes a `Transfer-Encoding: chunked` body; what cannot be decoded is returned as it is.
fn dechunk(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = body;
    loop {
        let Some(eol) = find(rest, b"\r\n") else { return body.to_vec() };
        let size_text = String::from_utf8_lossy(&rest[..eol]);
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let Ok(size) = usize::from_str_radix(size_text, 16) else { return body.to_vec() };
        if size == 0 {
            return out;
        }
        rest = &rest[eol + 2..];
        let Some(chunk) = rest.get(..size) else {
            // The log cut the body short: keep what there is.
            out.extend_from_slice(rest);
            return out;
        };
        out.extend_from_slice(chunk);
        rest = rest.get(size + 2..).unwrap_or_default();
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// The text of the first `<tag>...</tag>` in `xml`, entities decoded.
fn tag_text(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = xml.find(&open)? + open.len();
    let len = xml[start..].find(&close)?;
    Some(decode_entities(&xml[start..start + len]))
}

/// The value of attribute `attr` in the first element that starts with `element_start` (e.g. `<user `).
fn attr_after(xml: &str, element_start: &str, attr: &str) -> Option<String> {
    let start = xml.find(element_start)? + element_start.len();
    let tag_end = xml[start..].find('>').map_or(xml.len(), |i| start + i);
    let element = &xml[start..tag_end];
    let needle = format!("{attr}=\"");
    let value_start = element.find(&needle)? + needle.len();
    let len = element[value_start..].find('"')?;
    Some(decode_entities(&element[value_start..value_start + len]))
}

/// The string value of the first `"key": "..."` in a JSON text (Crowd's JSON error bodies are flat).
fn json_string(json: &str, key: &str) -> Option<String> {
    let needle = format!("\"{key}\"");
    let after = &json[json.find(&needle)? + needle.len()..];
    let after = after.trim_start().strip_prefix(':')?.trim_start();
    let mut de = serde_json::Deserializer::from_str(after).into_iter::<String>();
    de.next()?.ok()
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse::<u32>))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::app::{classify_app_line, AppLineKind};

    fn run(lines: &[&str]) -> (Vec<CrowdValidation>, Vec<WireNote>) {
        let mut wire = WireAssembler::default();
        let (mut out, mut notes) = (Vec::new(), Vec::new());
        for (i, text) in lines.iter().enumerate() {
            let AppLineKind::Event(app) = classify_app_line(text) else { panic!("not an event: {text}") };
            assert!(wire.push(i as u64 + 1, &app, &mut |v| out.push(v), &mut |n| notes.push(n)));
        }
        wire.flush(&mut |v| out.push(v), &mut |n| notes.push(n));
        (out, notes)
    }

    const HEAD: &str = "2021-10-19 11:56:47,306-0500 http-nio-8080-exec-6 url: /track/x; user: v3ry8 DEBUG v3ry8 716x107921x1 1pymib8 10.777.11.252, 10.444.222.10, 10.444.44.178,10.444.222.10 /track/x [o.apache.http.wire]";

    fn wire(conn: u32, dir: &str, payload: &str) -> String {
        format!("{HEAD} http-outgoing-{conn} {dir} \"{payload}\"")
    }

    const CHUNK1: &str = "<error><reason>INVALID_SSO_TOKEN</reason><message>Token doesn&apos;t ";
    const CHUNK2: &str = "match the existing token.</message></error>";

    #[test]
    fn the_kb_validation_split_over_lines_and_interleaved() {
        let lines = [
            wire(3, ">>", "POST /crowd/rest/usermanagement/1/session/SECRETtoken123?validate-password=false HTTP/1.1[\\r][\\n]"),
            wire(3, ">>", "Content-Type: application/xml; charset=UTF-8[\\r][\\n]"),
            wire(4, ">>", "GET /crowd/rest/usermanagement/1/user?username=v3ry8 HTTP/1.1[\\r][\\n]"),
            wire(3, ">>", "[\\r][\\n]"),
            wire(3, ">>", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><validation-factors><validation-factor><name>remote_address</name><value>10.444.222.10</value></validation-factor>[\\n]"),
            wire(3, ">>", "<validation-factor><name>X-Forwarded-For</name><value>10.777.11.252, 10.444.222.10, 10.444.44.178</value></validation-factor></validation-factors>"),
            wire(4, "<<", "HTTP/1.1 200 OK[\\r][\\n]"),
            wire(3, "<<", "HTTP/1.1 400 Bad Request[\\r][\\n]"),
            wire(3, "<<", "Transfer-Encoding: chunked[\\r][\\n]"),
            wire(3, "<<", "[\\r][\\n]"),
            wire(3, "<<", &format!("{:x}[\\r][\\n]", CHUNK1.len())),
            wire(3, "<<", &format!("{CHUNK1}[\\r][\\n]")),
            wire(3, "<<", &format!("{:x}[\\r][\\n]", CHUNK2.len())),
            wire(3, "<<", &format!("{CHUNK2}[\\r][\\n]")),
            wire(3, "<<", "0[\\r][\\n]"),
            wire(3, "<<", "end of stream"),
        ];
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let (out, notes) = run(&lines);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(out.len(), 1, "the user lookup on connection 4 is not a session call");
        let v = &out[0];
        assert_eq!((v.first_line, v.last_line, &*v.connection), (1, 15, "http-outgoing-3"));
        assert_eq!(v.operation, SessionOp::Validate);
        assert_eq!(v.token, Some(token_fingerprint("SECRETtoken123")));
        assert_eq!(v.factors.remote_address.as_deref(), Some("10.444.222.10"));
        assert_eq!(v.factors.xff.as_deref(), Some("10.777.11.252, 10.444.222.10, 10.444.44.178"));
        assert_eq!(v.status, Some(400));
        assert_eq!(v.reason.as_deref(), Some("INVALID_SSO_TOKEN"));
        assert_eq!(v.message.as_deref(), Some("Token doesn't match the existing token."));
        assert_eq!(v.user.as_deref(), Some("v3ry8"));
        assert_eq!(v.request_id.as_deref(), Some("716x107921x1"));
        assert_eq!(v.request_ipaddr, v.factors, "the MDC ipaddr holds the same two factors");
        let json = serde_json::to_string(v).unwrap();
        assert!(!json.contains("SECRETtoken123"), "the token never leaves the parser: {json}");
    }

    #[test]
    fn create_keeps_the_issued_token_and_user_but_never_the_password() {
        let lines = [
            wire(0, ">>", "POST /crowd/rest/usermanagement/1/session?validate-password=true&expand=user HTTP/1.1[\\r][\\n]"),
            wire(0, ">>", "[\\r][\\n]"),
            wire(0, ">>", "<authentication-context><username>v3ry8</username><password>Kangaroo-42</password><validation-factors><validation-factor><name>remote_address</name><value>127.0.0.10</value></validation-factor></validation-factors></authentication-context>"),
            wire(0, "<<", "HTTP/1.1 201 Created[\\r][\\n]"),
            wire(0, "<<", "[\\r][\\n]"),
            wire(0, "<<", "<session expand=\"user\"><token>NEWtoken</token><user name=\"v3ry8\"><link/></user></session>"),
            wire(0, ">>", "DELETE /crowd/rest/usermanagement/1/session/NEWtoken HTTP/1.1[\\r][\\n]"),
            wire(0, ">>", "[\\r][\\n]"),
            wire(0, "<<", "HTTP/1.1 204 No Content[\\r][\\n]"),
        ];
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let (out, _) = run(&lines);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].operation, SessionOp::Create);
        assert_eq!(out[0].token, Some(token_fingerprint("NEWtoken")));
        assert_eq!((out[0].status, out[0].reason.as_deref()), (Some(201), None));
        assert_eq!(out[0].factors.xff, None);
        assert_eq!(out[1].operation, SessionOp::Invalidate);
        assert_eq!(out[1].token, out[0].token);
        assert_eq!(out[1].status, Some(204));
        assert!(!format!("{out:?}").contains("Kangaroo"));
    }

    #[test]
    fn a_token_quoted_in_crowds_answer_is_replaced_by_its_fingerprint() {
        let lines = [
            wire(1, ">>", "POST /crowd/rest/usermanagement/1/session/72suS-tysJ?expand=user HTTP/1.1[\\r][\\n]"),
            wire(1, ">>", "[\\r][\\n]"),
            wire(1, "<<", "HTTP/1.1 404 Not Found[\\r][\\n]"),
            wire(1, "<<", "[\\r][\\n]"),
            wire(1, "<<", "<error><reason>INVALID_SSO_TOKEN</reason><message>Failed to find entity of type [com.atlassian.crowd.model.token.Token] with identifier [72suS-tysJ]</message></error>"),
        ];
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let (out, _) = run(&lines);
        let fingerprint = token_fingerprint("72suS-tysJ");
        assert_eq!(out[0].reason.as_deref(), Some("INVALID_SSO_TOKEN"));
        assert_eq!(
            out[0].message.as_deref(),
            Some(format!("Failed to find entity of type [com.atlassian.crowd.model.token.Token] with identifier [token:{fingerprint}]").as_str())
        );
    }

    #[test]
    fn orphans_and_unanswered_calls_are_noted() {
        let lines = [
            wire(1, "<<", "HTTP/1.1 200 OK[\\r][\\n]"),
            wire(2, ">>", "POST /crowd/rest/usermanagement/1/session/t HTTP/1.1[\\r][\\n]"),
        ];
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let (out, notes) = run(&lines);
        assert_eq!(notes, vec![WireNote::NoRequest { line: 1 }, WireNote::NoResponse { line: 2 }]);
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].status, out[0].operation), (None, SessionOp::Validate));
    }

    #[test]
    fn a_reused_connection_a_missing_answer_and_100_continue() {
        let lines = [
            wire(5, ">>", "GET /crowd/rest/usermanagement/1/user?username=v3ry8 HTTP/1.1[\\r][\\n]"),
            wire(5, ">>", "[\\r][\\n]"),
            wire(5, "<<", "HTTP/1.1 200 [\\r][\\n]"),
            wire(5, ">>", "POST /crowd/rest/usermanagement/1/session/tokenA HTTP/1.1[\\r][\\n]"),
            wire(5, ">>", "Expect: 100-continue[\\r][\\n]"),
            wire(5, ">>", "[\\r][\\n]"),
            wire(5, "<<", "HTTP/1.1 100 Continue[\\r][\\n]"),
            wire(5, "<<", "[\\r][\\n]"),
            wire(5, ">>", "<validation-factors><validation-factor><name>remote_address</name><value>10.0.0.1</value></validation-factor></validation-factors>"),
            wire(5, "<<", "HTTP/1.1 200 [\\r][\\n]"),
            wire(5, ">>", "POST /crowd/rest/usermanagement/1/session/tokenB HTTP/1.1[\\r][\\n]"),
            wire(5, ">>", "[\\r][\\n]"),
            wire(5, ">>", "POST /crowd/rest/usermanagement/1/session/tokenC HTTP/1.1[\\r][\\n]"),
            wire(5, ">>", "[\\r][\\n]"),
            wire(5, "<<", "HTTP/1.1 404 [\\r][\\n]"),
        ];
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let (out, notes) = run(&lines);
        let got: Vec<_> = out
            .iter()
            .map(|v| (v.first_line, v.status, v.token.clone(), v.factors.remote_address.as_deref()))
            .collect();
        let fingerprint = |t: &str| Some(token_fingerprint(t));
        assert_eq!(
            got,
            [
                (4, Some(200), fingerprint("tokenA"), Some("10.0.0.1")),
                (11, None, fingerprint("tokenB"), None),
                (13, Some(404), fingerprint("tokenC"), None),
            ]
        );
        assert_eq!(notes, [WireNote::NoResponse { line: 11 }]);
    }

    #[test]
    fn json_errors_and_escapes() {
        assert_eq!(
            json_string(r#"{"reason" : "INVALID_SSO_TOKEN","message":"a \"b\""}"#, "message").as_deref(),
            Some("a \"b\"")
        );
        let mut out = Vec::new();
        unescape_wire("a[\\r][\\n][0xc3][0xa9][0xa][x]", &mut out);
        assert_eq!(out, b"a\r\n\xc3\xa9\n[x]");
        assert_eq!(decode_entities("a &amp; b &lt;c&gt; &#39;&#x41; & &bogus;"), "a & b <c> 'A & &bogus;");
    }

    #[test]
    fn wire_logger_names() {
        for yes in
            ["org.apache.http.wire", "o.apache.http.wire", "o.a.h.wire", "o.a.http.wire", "o.a.h.c.http.wire"]
        {
            assert!(is_wire_logger(yes), "{yes}");
        }
        for no in
            ["o.a.h.c.protocol.RequestAddCookies", "org.apache.http.headers", "wire", "x.apache.http.wire"]
        {
            assert!(!is_wire_logger(no), "{no}");
        }
        assert!(is_headers_logger("o.apache.http.headers"));
    }

    #[test]
    fn untrusted_proxies_line() {
        let t = crate::logs::time::parse_log4j_time("2026-10-19 14:00:02,067+0000").unwrap().0;
        let u = parse_untrusted_proxies(
            4,
            t,
            "Proxies [127.0.0.21, 10.0.0.1] are untrusted (for requestAddress=127.0.0.10 and xForwardedFor=127.0.0.1, 127.0.0.10, 127.0.0.21)",
        )
        .unwrap();
        assert_eq!(u.proxies, vec!["127.0.0.21".into(), "10.0.0.1".into()]);
        assert_eq!(&*u.request_address, "127.0.0.10");
        assert_eq!(u.xff.as_deref(), Some("127.0.0.1, 127.0.0.10, 127.0.0.21"));
        assert!(parse_untrusted_proxies(4, t, "Proxies are fine").is_none());
    }

    #[test]
    fn fingerprints_are_short_and_stable() {
        assert_eq!(&*token_fingerprint(""), "811c9dc5");
        assert_eq!(token_fingerprint("abc").len(), 8);
        assert_ne!(token_fingerprint("abc"), token_fingerprint("abd"));
    }
}
