//! The Jira access log (`atlassian-jira-http-access.log`), Tomcat AccessLogValve with Jira's pattern:
//!
//! `%a %{jira.request.id}r %{jira.request.username}r %t "%m %U%q %H" %s %b %D "%{Referer}i" "%{User-Agent}i" "%{jira.request.assession.id}r"`
//!
//! Its request id is the `X-AREQUESTID` and its session id the `X-ASESSIONID` a HAR shows, which is how the
//! rules join a browser recording to the server's view of the same request (domain.md section 5).
//!
//! Confluence's access log (`conf_access_log<date>.log`) is read into the same record, without ids.
//!
//! Bitbucket's access log (`atlassian-bitbucket-access.log`) is read into the same record:
//! `IP | PROTOCOL | REQUEST-ID | USER | TIME | "REQUEST" | "REFERER" "UA" | STATUS | READ | WRITTEN | LABELS |
//! MILLIS | SESSION |`, each request logged twice (request id prefixed `i` coming in, `o` going out).

use std::net::IpAddr;
use std::sync::Arc;

use serde::Serialize;

use super::time::{parse_access_time, parse_log4j_time, LogTime};

/// One request as the Jira access log recorded it. `-` fields are `None`. Fields that repeat from line to line
/// (addresses, users, agents, referers) are `Arc<str>` shared between records of one input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessRecord {
    /// 1-based line number in its input.
    pub line: u64,
    /// The TCP peer (`%a`) as written: kept as text because anonymised logs carry addresses that do not parse
    /// (the KB's `10.444.222.10`); see [`AccessRecord::peer_addr`].
    pub peer_ip: Arc<str>,
    /// `X-AREQUESTID`: `minute-of-day x counter x concurrent`, e.g. `716x107921x1`.
    pub request_id: Option<Box<str>>,
    /// The user Jira resolved for the request; `None` for anonymous (`-`).
    pub user: Option<Arc<str>>,
    pub time: LogTime,
    pub method: Option<Arc<str>>,
    /// Path and query (`%U%q`).
    pub url: Option<Box<str>>,
    pub protocol: Option<Arc<str>>,
    pub status: Option<u16>,
    /// Response body bytes (`%b`; `-` = none).
    pub bytes: Option<u64>,
    /// `%D`: milliseconds up to Tomcat 10.0, microseconds from Tomcat 10.1 (the log cannot tell which).
    pub duration: Option<u64>,
    pub referer: Option<Arc<str>>,
    pub user_agent: Option<Arc<str>>,
    /// `X-ASESSIONID`: base36(CRC32(SHA-1(JSESSIONID))).
    pub asession_id: Option<Arc<str>>,
}

impl AccessRecord {
    /// The peer as an IP address, when it is one.
    pub fn peer_addr(&self) -> Option<IpAddr> {
        self.peer_ip.parse().ok()
    }
}

/// Why a line is not an access-log line, for the warning.
pub type Reason = &'static str;

/// Reads one access-log line.
pub fn parse_access_line(line: u64, text: &str) -> Result<AccessRecord, Reason> {
    let mut cur = Cursor { rest: text };
    let peer_ip = cur.token().ok_or("no peer address")?;
    let request_id = cur.token().ok_or("no request id")?;
    // The user name is everything up to the bracketed time: Jira does not escape it, so it may hold spaces.
    let open = cur.rest.find(" [").ok_or("no `[time]`")?;
    let user = &cur.rest[..open];
    cur.rest = &cur.rest[open + 2..];
    let close = cur.rest.find(']').ok_or("the `[time]` is not closed")?;
    let time = parse_access_time(&cur.rest[..close]).ok_or("the time is not `dd/Mon/yyyy:HH:mm:ss +hhmm`")?;
    cur.rest = &cur.rest[close + 1..];
    let request = cur.quoted().ok_or("no quoted request line after the time")?;
    let status = cur.token().ok_or("no status")?;
    let status =
        dash(status).map(|s| s.parse::<u16>()).transpose().map_err(|_| "the status is not a number")?;
    let bytes = cur.token().map(number).transpose().map_err(|()| "the byte count is not a number")?.flatten();
    let duration =
        cur.token().map(number).transpose().map_err(|()| "the duration is not a number")?.flatten();
    // Older and customised patterns end earlier: referer, user agent and session id are optional.
    let referer = cur.quoted();
    let user_agent = cur.quoted();
    let asession_id = cur.quoted();
    let (method, url, protocol) = split_request(&request);
    Ok(AccessRecord {
        line,
        peer_ip: peer_ip.into(),
        request_id: dash(request_id).map(Into::into),
        user: dash(user.trim()).map(Into::into),
        time,
        method: method.map(Into::into),
        url: url.map(Into::into),
        protocol: protocol.map(Into::into),
        status,
        bytes,
        duration,
        referer: referer.as_deref().and_then(dash).map(Into::into),
        user_agent: user_agent.as_deref().and_then(dash).map(Into::into),
        asession_id: asession_id.as_deref().and_then(dash).map(Into::into),
    })
}

/// Reads one Confluence access-log line (`conf_access_log<date>.log`, Tomcat pattern
/// `%t %{X-AUSERNAME}o %I %h %r %s %Dms %b %{Referer}i %{User-Agent}i`). It has no request or session id, but its
/// user column is the `X-AUSERNAME` the browser saw, which the rules can compare with a HAR.
pub fn parse_confluence_access_line(line: u64, text: &str) -> Result<AccessRecord, Reason> {
    let rest = text.strip_prefix('[').ok_or("no `[time]` at the start")?;
    let (time, rest) = rest.split_once("] ").ok_or("the `[time]` is not closed")?;
    let time = parse_access_time(time).ok_or("the time is not `dd/Mon/yyyy:HH:mm:ss +hhmm`")?;
    let mut cur = Cursor { rest };
    let user = cur.token().ok_or("no user")?;
    let _thread = cur.token().ok_or("no thread")?;
    let host = cur.token().ok_or("no remote host")?;
    let method = cur.token().ok_or("no request method")?;
    let url = cur.token().ok_or("no request URL")?;
    let protocol =
        cur.token().filter(|p| p.starts_with("HTTP/")).ok_or("no `HTTP/` protocol after the URL")?;
    let status = cur.token().and_then(|s| s.parse::<u16>().ok()).ok_or("the status is not a number")?;
    let duration = cur.token().and_then(|d| d.strip_suffix("ms")).ok_or("the duration is not `<N>ms`")?;
    let duration = number(duration).map_err(|()| "the duration is not `<N>ms`")?;
    let bytes = cur.token().map(number).transpose().map_err(|()| "the byte count is not a number")?.flatten();
    let referer = cur.token();
    let user_agent = cur.rest.trim();
    Ok(AccessRecord {
        line,
        peer_ip: host.into(),
        request_id: None,
        user: dash(user).map(Into::into),
        time,
        method: Some(method.into()),
        url: dash(url).map(Into::into),
        protocol: Some(protocol.into()),
        status: Some(status),
        bytes,
        duration,
        referer: referer.and_then(dash).map(Into::into),
        user_agent: dash(user_agent).map(Into::into),
        asession_id: None,
    })
}

/// Reads one Bitbucket access-log line: `Ok(None)` for the incoming half of a request (its outgoing half,
/// logged when the response is sent, has everything the incoming one has and more).
pub fn parse_bitbucket_line(line: u64, text: &str) -> Result<Option<AccessRecord>, Reason> {
    let mut fields = text.split(" | ").map(str::trim);
    let mut next = |what: Reason| fields.next().ok_or(what);
    let peer_ip = next("no ` | ` separated fields")?;
    let _protocol = next("no protocol field")?;
    let id = next("no request id field")?;
    let (direction, request_id) = match id.split_at_checked(1) {
        Some(("i" | "o", rest)) if rest.starts_with('@') || rest.starts_with('*') => (&id[..1], rest),
        _ => return Err("the request id has no `i` or `o` prefix"),
    };
    let user = next("no user field")?;
    let (time, _) =
        parse_log4j_time(next("no time field")?).ok_or("the time is not `yyyy-MM-dd HH:mm:ss,SSS`")?;
    let request = next("no request field")?;
    if direction == "i" {
        return Ok(None);
    }
    let mut quoted = Cursor { rest: next("no referer and user-agent field")? };
    let referer = quoted.quoted();
    let user_agent = quoted.quoted();
    let status = next("no status field")?;
    let status = dash(status).map(str::parse::<u16>).transpose().map_err(|_| "the status is not a number")?;
    let _read = next("no bytes-read field")?;
    let written = number(next("no bytes-written field")?).map_err(|()| "the byte count is not a number")?;
    let _labels = next("no labels field")?;
    let duration = number(next("no duration field")?).map_err(|()| "the duration is not a number")?;
    let session = fields.next().map(|s| s.trim_end_matches('|').trim());
    let request = Cursor { rest: request }.quoted().unwrap_or_else(|| request.to_owned());
    let (method, url, protocol) = split_request(&request);
    Ok(Some(AccessRecord {
        line,
        peer_ip: peer_ip.into(),
        request_id: dash(request_id).map(Into::into),
        user: dash(user).map(Into::into),
        time,
        method: method.map(Into::into),
        url: url.map(Into::into),
        protocol: protocol.map(Into::into),
        status,
        bytes: written,
        duration,
        referer: referer.as_deref().and_then(dash).map(Into::into),
        user_agent: user_agent.as_deref().and_then(dash).map(Into::into),
        asession_id: session.and_then(dash).map(Into::into),
    }))
}

fn dash(s: &str) -> Option<&str> {
    (!s.is_empty() && s != "-").then_some(s)
}

fn number(s: &str) -> Result<Option<u64>, ()> {
    dash(s).map(|s| s.parse::<u64>().map_err(|_| ())).transpose()
}

/// `GET /path?q HTTP/1.1`; a malformed request line (`-`, a bare method, binary junk) keeps what there is.
fn split_request(request: &str) -> (Option<&str>, Option<&str>, Option<&str>) {
    let request = request.trim();
    if request.is_empty() || request == "-" {
        return (None, None, None);
    }
    let (method, rest) = request.split_once(' ').unwrap_or((request, ""));
    let (url, protocol) = match rest.rsplit_once(' ') {
        Some((url, proto)) if proto.starts_with("HTTP/") => (url, Some(proto)),
        _ => (rest, None),
    };
    (Some(method), dash(url), protocol)
}

struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    /// The next space-separated token.
    fn token(&mut self) -> Option<&'a str> {
        let s = self.rest.trim_start_matches(' ');
        if s.is_empty() {
            return None;
        }
        let end = s.find(' ').unwrap_or(s.len());
        self.rest = &s[end..];
        Some(&s[..end])
    }

    /// The next `"..."` field, unescaped. Tomcat escapes `"` as `\"` since 8.5; older versions wrote it raw,
    /// so a quote closes the field only when a space or the end of the line follows it.
    fn quoted(&mut self) -> Option<String> {
        let s = self.rest.trim_start_matches(' ');
        let body = s.strip_prefix('"')?;
        let mut out = String::new();
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, '"')) => out.push('"'),
                    Some((_, '\\')) => out.push('\\'),
                    Some((_, other)) => {
                        out.push('\\');
                        out.push(other);
                    }
                    None => out.push('\\'),
                },
                '"' if body[i + 1..].is_empty() || body[i + 1..].starts_with(' ') => {
                    self.rest = &body[i + 1..];
                    return Some(out);
                }
                c => out.push(c),
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KB_LINE: &str = r#"10.444.222.10 716x107921x1 - [19/Oct/2021:11:56:47 -0500] "GET /track/rest/dev-status/1.0/issue/summary?issueId=314447&_=1634662178331 HTTP/1.0" 400 71 147 "https://xxx.com/track/projects/APS/issues/APS-3982?filter=allopenissues" "Mozilla/5.0 ..." "xxxxxx""#;

    #[test]
    fn the_kb_line_reads_whole() {
        let r = parse_access_line(7, KB_LINE).unwrap();
        assert_eq!(r.line, 7);
        assert_eq!(&*r.peer_ip, "10.444.222.10");
        assert_eq!(r.peer_addr(), None, "the KB's anonymised octets are kept as text");
        assert_eq!(r.request_id.as_deref(), Some("716x107921x1"));
        assert_eq!(r.user, None);
        assert_eq!(r.time.to_utc_string().as_deref(), Some("2021-10-19T16:56:47.000Z"));
        assert_eq!(r.time.offset_minutes(), Some(-300));
        assert_eq!(r.method.as_deref(), Some("GET"));
        assert_eq!(
            r.url.as_deref(),
            Some("/track/rest/dev-status/1.0/issue/summary?issueId=314447&_=1634662178331")
        );
        assert_eq!(r.protocol.as_deref(), Some("HTTP/1.0"));
        assert_eq!((r.status, r.bytes, r.duration), (Some(400), Some(71), Some(147)));
        assert_eq!(
            r.referer.as_deref(),
            Some("https://xxx.com/track/projects/APS/issues/APS-3982?filter=allopenissues")
        );
        assert_eq!(r.user_agent.as_deref(), Some("Mozilla/5.0 ..."));
        assert_eq!(r.asession_id.as_deref(), Some("xxxxxx"));
    }

    #[test]
    fn dashes_escapes_and_short_patterns() {
        let line = r#"127.0.0.1 840x1x1 v3ry8 [19/Oct/2026:14:00:00 +0000] "GET /x HTTP/1.1" 302 - 8 "-" "a \"quoted\" agent" "-""#;
        let r = parse_access_line(1, line).unwrap();
        assert_eq!(r.user.as_deref(), Some("v3ry8"));
        assert_eq!(r.bytes, None);
        assert_eq!(r.referer, None);
        assert_eq!(r.user_agent.as_deref(), Some(r#"a "quoted" agent"#));
        assert_eq!(r.asession_id, None);
        assert_eq!(r.peer_addr(), Some("127.0.0.1".parse().unwrap()));

        let short = r#"::1 - - [19/Oct/2026:14:00:00 +0000] "-" 400 - -"#;
        let r = parse_access_line(2, short).unwrap();
        assert_eq!((r.request_id, r.method, r.url, r.status), (None, None, None, Some(400)));
        assert_eq!(r.user_agent, None);

        let spaced_user = r#"1.2.3.4 1x2x3 John Smith [19/Oct/2026:14:00:00 +0000] "GET /x HTTP/1.1" 200 5 1 "-" "ua" "abc""#;
        assert_eq!(parse_access_line(3, spaced_user).unwrap().user.as_deref(), Some("John Smith"));
    }

    #[test]
    fn bitbucket_lines_keep_the_outgoing_half() {
        let incoming = r#"63.246.22.196,172.16.1.187 | https | i@1S969HQx1015x832x0 | - | 2019-01-31 16:55:45,557 | "GET /scm/p/r.git/info/refs HTTP/1.1" | "" "git/1.8.3.1" | - | - | - | - | - | - |"#;
        assert_eq!(parse_bitbucket_line(1, incoming), Ok(None));
        let outgoing = r#"63.246.22.196,172.16.1.187 | https | o@1S969HQx1015x832x0 | admin | 2019-01-31 16:55:46,012 | "GET /scm/p/r.git/info/refs HTTP/1.1" | "" "git/1.8.3.1" | 200 | 0 | 1234 | refs, ssh | 455 | 1xyz1ab |"#;
        let r = parse_bitbucket_line(2, outgoing).unwrap().unwrap();
        assert_eq!(r.request_id.as_deref(), Some("@1S969HQx1015x832x0"));
        assert_eq!(&*r.peer_ip, "63.246.22.196,172.16.1.187");
        assert_eq!(
            (r.user.as_deref(), r.status, r.bytes, r.duration),
            (Some("admin"), Some(200), Some(1234), Some(455))
        );
        assert_eq!((r.referer, r.user_agent.as_deref()), (None, Some("git/1.8.3.1")));
        assert_eq!(r.url.as_deref(), Some("/scm/p/r.git/info/refs"));
        assert_eq!(r.asession_id.as_deref(), Some("1xyz1ab"));
        assert_eq!(r.time.utc_ms(), None, "Bitbucket writes local time without an offset");
        assert!(parse_bitbucket_line(
            3,
            "1.2.3.4 | https | x@1 | - | 2019-01-31 16:55:46,012 | \"GET / HTTP/1.1\""
        )
        .is_err());
        assert!(parse_bitbucket_line(4, KB_LINE).is_err());
    }

    #[test]
    fn confluence_access_lines() {
        let line = "[18/Dec/2020:12:57:26 +1100] testuser http-nio-8090-exec-6 0:0:0:0:0:0:0:1 GET /index.action HTTP/1.1 200 1020ms 7881 http://localhost:8090/login.action?os_destination=%2Findex.action&permissionViolation=true Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_6) Chrome/87.0.4280.88";
        let r = parse_confluence_access_line(1, line).unwrap();
        assert_eq!(
            (r.user.as_deref(), &*r.peer_ip, r.method.as_deref()),
            (Some("testuser"), "0:0:0:0:0:0:0:1", Some("GET"))
        );
        assert_eq!(
            (r.url.as_deref(), r.status, r.duration, r.bytes),
            (Some("/index.action"), Some(200), Some(1020), Some(7881))
        );
        assert_eq!(r.time.to_utc_string().as_deref(), Some("2020-12-18T01:57:26.000Z"));
        assert_eq!(
            r.user_agent.as_deref(),
            Some("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_6) Chrome/87.0.4280.88")
        );
        assert_eq!(
            r.referer.as_deref().map(|r| r.starts_with("http://localhost:8090/login.action")),
            Some(true)
        );
        let anonymous =
            "[18/Dec/2020:12:57:26 +1100] - http-nio-8090-exec-1 10.0.0.1 GET /x HTTP/1.1 302 3ms - - -";
        let r = parse_confluence_access_line(2, anonymous).unwrap();
        assert_eq!((r.user, r.bytes, r.referer, r.user_agent), (None, None, None, None));
        assert!(parse_confluence_access_line(3, KB_LINE).is_err());
    }

    #[test]
    fn broken_lines_say_why() {
        let cases = [
            ("", "no peer address"),
            ("1.2.3.4 1x1x1 - 19/Oct/2021", "no `[time]`"),
            (
                "1.2.3.4 1x1x1 - [yesterday] \"GET / HTTP/1.1\" 200 1 1",
                "the time is not `dd/Mon/yyyy:HH:mm:ss +hhmm`",
            ),
            (
                "1.2.3.4 1x1x1 - [19/Oct/2021:11:56:47 -0500] GET / 200",
                "no quoted request line after the time",
            ),
            ("1.2.3.4 1x1x1 - [19/Oct/2021:11:56:47 -0500] \"GET /\" OK 1 1", "the status is not a number"),
        ];
        for (line, why) in cases {
            assert_eq!(parse_access_line(1, line).unwrap_err(), why, "{line}");
        }
    }
}
