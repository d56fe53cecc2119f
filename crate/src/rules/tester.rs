//! Stories for the rules' own tests (oxc's rule `Tester` is the model): a few lines write a small HAR the way
//! a browser records Jira or Confluence (logins, polls, page views, logouts, a proxy rejecting the SSO token),
//! and each rule file states which stories its cause must explain and which near misses it must not.
//!
//! The HAR is written as the browser would export it: every response carries the Atlassian headers
//! (`X-AUSERNAME`, `X-ASESSIONID`, `X-AREQUESTID`, ...), and cookies are in it unless the story asks for
//! Chrome's sanitized export.
#![cfg(test)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test support states its assumptions

use serde_json::{json, Value};

use crate::report::Report;
use crate::Analyzer;

const USER: &str = "v3ry8";
const MINUTE: i64 = 60_000;
/// 2026-10-19T14:00:00Z, the test bed's epoch.
const EPOCH: i64 = 1_792_418_400_000;

/// One application the story's user works in.
#[derive(Debug, Clone)]
pub struct App {
    /// `scheme://host[:port]` and the context path (`https://jira.example.test/jira`).
    pub base: String,
    pub jira: bool,
    session: u32,
    user: bool,
    node: Option<String>,
    counter: u64,
    ip: String,
}

/// A story: what the user did, and what the servers answered.
#[derive(Debug)]
pub struct Story {
    entries: Vec<Value>,
    now: i64,
    apps: Vec<App>,
    /// The SSO cookie's name (`crowd.token_key` unless renamed).
    sso: String,
    /// The SSO token the browser holds, if any.
    token: Option<u32>,
    /// The browser's session cookies: host name, path, value.
    jar: Vec<(String, String, String)>,
    tokens_issued: u32,
    /// The SSO cookie's Domain attribute.
    pub sso_domain: String,
    /// Set the SSO cookie with Secure.
    pub sso_secure: bool,
    /// One `JSESSIONID` for every application (Path=/ on one host name): each login replaces the others'.
    pub shared_session_cookie: bool,
    /// `X-Seraph-LoginReason` written `OUT, OK` on one line instead of two lines.
    pub joined_headers: bool,
}

pub type AppId = usize;

impl Default for Story {
    fn default() -> Self {
        Story {
            entries: Vec::new(),
            now: EPOCH,
            apps: Vec::new(),
            sso: "crowd.token_key".to_owned(),
            token: None,
            jar: Vec::new(),
            tokens_issued: 0,
            sso_domain: ".example.test".to_owned(),
            sso_secure: false,
            shared_session_cookie: false,
            joined_headers: false,
        }
    }
}

impl Story {
    pub fn new() -> Self {
        Self::default()
    }

    /// Renames the SSO cookie (Crowd's `cookie.tokenkey`).
    pub fn sso_cookie(mut self, name: &str) -> Self {
        self.sso = name.to_owned();
        self
    }

    /// A Jira (`jira: true`) or Confluence at `base` (`https://jira.example.test/jira`).
    pub fn app(&mut self, base: &str, jira: bool) -> AppId {
        self.apps.push(App {
            base: base.to_owned(),
            jira,
            session: 0,
            user: false,
            node: None,
            counter: 1000 + 100_000 * self.apps.len() as u64,
            ip: "192.0.2.10".to_owned(),
        });
        self.apps.len() - 1
    }

    pub fn jira(&mut self) -> AppId {
        self.app("https://jira.example.test/jira", true)
    }

    pub fn wiki(&mut self) -> AppId {
        self.app("https://wiki.example.test/wiki", false)
    }

    pub fn wait(&mut self, minutes: i64) -> &mut Self {
        self.now += minutes * MINUTE;
        self
    }

    /// The server address the browser connects to for `app` from now on.
    pub fn server_ip(&mut self, app: AppId, ip: &str) -> &mut Self {
        self.apps[app].ip = ip.to_owned();
        self
    }

    /// The Data Center node that answers `app` from now on.
    pub fn node(&mut self, app: AppId, node: &str) -> &mut Self {
        self.apps[app].node = Some(node.to_owned());
        self
    }

    fn context(&self, app: AppId) -> String {
        crate::url::path_of(&self.apps[app].base).to_owned()
    }

    fn session_value(&self, app: AppId) -> String {
        let a = &self.apps[app];
        let id = a.session;
        match &a.node {
            Some(node) => format!("S{id:04}.{node}"),
            None => format!("S{id:04}"),
        }
    }

    fn asession(&self, app: AppId) -> String {
        format!("a{}", self.session_value(app).to_ascii_lowercase().replace('.', ""))
    }

    fn cookie_path(&self, app: AppId) -> String {
        if self.shared_session_cookie {
            "/".to_owned()
        } else {
            let ctx = self.context(app);
            if ctx.is_empty() {
                "/".to_owned()
            } else {
                ctx
            }
        }
    }

    /// One request and its response. `user`: the user the response is for (None: anonymous).
    #[allow(clippy::too_many_arguments)]
    fn entry(
        &mut self,
        app: AppId,
        method: &str,
        path: &str,
        status: u16,
        user: bool,
        extra: Vec<(&str, String)>,
        set_cookies: Vec<String>,
    ) {
        self.apps[app].counter += 1;
        let a = &self.apps[app];
        let minute = ((self.now / MINUTE) % (24 * 60)) as u64;
        let (host, context) = (host_name(&a.base), self.context(app));
        let mut sent: Vec<String> = self
            .jar
            .iter()
            .filter(|(h, p, _)| *h == host && (p == "/" || context.starts_with(p.as_str())))
            .map(|(_, _, v)| format!("JSESSIONID={v}"))
            .collect();
        if let Some(t) = self.token {
            sent.push(format!("{}=T{t:04}", self.sso));
        }
        let mut request_headers = vec![json!({"name": "Accept", "value": "*/*"})];
        if !sent.is_empty() {
            request_headers.push(json!({"name": "Cookie", "value": sent.join("; ")}));
        }
        let mut headers = vec![
            json!({"name": "X-AUSERNAME", "value": if user { USER } else { "anonymous" }}),
            json!({"name": "X-AREQUESTID", "value": format!("{minute}x{}x1", a.counter)}),
        ];
        if a.session > 0 {
            headers.push(json!({"name": "X-ASESSIONID", "value": self.asession(app)}));
        }
        if let Some(node) = &a.node {
            headers.push(json!({"name": "X-ANODEID", "value": node}));
        }
        for (name, value) in extra {
            headers.push(json!({"name": name, "value": value}));
        }
        for c in set_cookies {
            if let Some(rest) = c.strip_prefix("JSESSIONID=") {
                let value = rest.split(';').next().unwrap_or_default().to_owned();
                let path = rest.split("; Path=").nth(1).and_then(|p| p.split(';').next()).unwrap_or("/");
                self.jar.retain(|(h, p, _)| !(*h == host && p == path));
                self.jar.push((host.clone(), path.to_owned(), value));
            }
            headers.push(json!({"name": "Set-Cookie", "value": c}));
        }
        let url = format!("{}{}", a.base, path);
        self.entries.push(json!({
            "startedDateTime": crate::calendar::format_iso8601(self.now),
            "time": 40,
            "request": {"method": method, "url": url, "httpVersion": "HTTP/1.1", "headers": request_headers,
                        "cookies": [], "queryString": [], "headersSize": -1, "bodySize": 0},
            "response": {"status": status, "statusText": "", "httpVersion": "HTTP/1.1", "headers": headers,
                         "cookies": [], "content": {"size": 0, "mimeType": "application/json"},
                         "redirectURL": "", "headersSize": -1, "bodySize": 0},
            "cache": {},
            "timings": {"send": 1, "wait": 38, "receive": 1},
            "serverIPAddress": a.ip,
        }));
        self.now += 1000;
    }

    fn new_session(&mut self, app: AppId) -> String {
        // Session numbers are unique across applications, so that two applications never share one by chance.
        let next = self.apps.iter().map(|a| a.session).max().unwrap_or(0) + 1;
        self.apps[app].session = next;
        format!("JSESSIONID={}; Path={}; HttpOnly", self.session_value(app), self.cookie_path(app))
    }

    fn sso_cookie_line(&self, value: &str, delete: bool) -> String {
        let mut line = format!("{}={value}; Domain={}; Path=/; HttpOnly", self.sso, self.sso_domain);
        if self.sso_secure {
            line.push_str("; Secure");
        }
        if delete {
            line.push_str("; Max-Age=0");
        }
        line
    }

    /// The user logs in to `app` with the login form: a new HTTP session and a new SSO token.
    pub fn login(&mut self, app: AppId) -> &mut Self {
        let (form, home) = if self.apps[app].jira {
            ("/login.jsp", "/secure/Dashboard.jspa")
        } else {
            ("/dologin.action", "/dashboard.action")
        };
        self.tokens_issued += 1;
        let issued = self.tokens_issued;
        let mut set = vec![self.new_session(app)];
        set.push(self.sso_cookie_line(&format!("T{issued:04}"), false));
        self.apps[app].user = true;
        let location = format!("{}{home}", self.apps[app].base);
        self.entry(
            app,
            "POST",
            form,
            302,
            true,
            vec![("X-Seraph-LoginReason", "OK".to_owned()), ("Location", location)],
            set,
        );
        // The browser keeps the token unless it refuses it (domain, Secure on http:).
        let base = self.apps[app].base.clone();
        let host = host_name(&base);
        let domain = self.sso_domain.trim_start_matches('.');
        let domain_ok = host == domain || host.ends_with(&format!(".{domain}"));
        let secure_ok = !self.sso_secure || base.starts_with("https:");
        if domain_ok && secure_ok {
            self.token = Some(issued);
        }
        self
    }

    /// The user is logged in to `app` through SSO without a login form (the token is valid there).
    pub fn sso_login(&mut self, app: AppId) -> &mut Self {
        let set = vec![self.new_session(app)];
        self.apps[app].user = true;
        self.entry(app, "GET", "/secure/Dashboard.jspa", 200, true, Vec::new(), set);
        self
    }

    /// An ordinary request while the server knows the user (a poll, a page, a REST call).
    pub fn work(&mut self, app: AppId) -> &mut Self {
        let path = if self.apps[app].jira {
            "/rest/dev-status/1.0/issue/summary?issueId=314447"
        } else {
            "/rest/mywork/latest/status/notification/count"
        };
        self.entry(app, "GET", path, 200, true, Vec::new(), Vec::new());
        self
    }

    /// Works `n` times a few minutes apart.
    pub fn work_for(&mut self, app: AppId, n: usize, every_minutes: i64) -> &mut Self {
        for _ in 0..n {
            self.work(app).wait(every_minutes);
        }
        self
    }

    /// The server stops knowing the user on a poll: same HTTP session, `X-Seraph-LoginReason: OUT`, 400
    /// anonymous (the token was rejected).
    pub fn rejected(&mut self, app: AppId) -> &mut Self {
        self.apps[app].user = false;
        let path = if self.apps[app].jira {
            "/rest/dev-status/1.0/issue/summary?issueId=314447"
        } else {
            "/rest/mywork/latest/status/notification/count"
        };
        let status = if self.apps[app].jira { 400 } else { 401 };
        self.entry(
            app,
            "GET",
            path,
            status,
            false,
            vec![("X-Seraph-LoginReason", "OUT".to_owned())],
            Vec::new(),
        );
        self
    }

    /// A page view the server answers with a redirect to its login page: the session is gone.
    pub fn sent_to_login(&mut self, app: AppId) -> &mut Self {
        self.apps[app].user = false;
        let (path, login) = if self.apps[app].jira {
            ("/browse/APS-3982", "/login.jsp?permissionViolation=true&os_destination=%2Fbrowse%2FAPS-3982")
        } else {
            ("/display/DOC/Home", "/login.action?os_destination=%2Fdisplay%2FDOC%2FHome")
        };
        let location = format!("{}{login}", self.apps[app].base);
        self.entry(app, "GET", path, 302, false, vec![("Location", location)], Vec::new());
        self
    }

    /// The session expired on the server: the next page view gets a new, anonymous session and a redirect.
    pub fn session_gone(&mut self, app: AppId) -> &mut Self {
        let set = vec![self.new_session(app)];
        self.apps[app].user = false;
        let (path, login) = if self.apps[app].jira {
            ("/browse/APS-3982", "/login.jsp?permissionViolation=true&os_destination=%2Fbrowse%2FAPS-3982")
        } else {
            ("/display/DOC/Home", "/login.action?os_destination=%2Fdisplay%2FDOC%2FHome")
        };
        let location = format!("{}{login}", self.apps[app].base);
        self.entry(app, "GET", path, 302, false, vec![("Location", location)], set);
        self
    }

    /// A form post refused by the XSRF check: 403, anonymous.
    pub fn form_refused(&mut self, app: AppId) -> &mut Self {
        self.apps[app].user = false;
        self.entry(app, "POST", "/secure/AddComment.jspa", 403, false, Vec::new(), Vec::new());
        self
    }

    /// A REST POST that succeeds (a comment): 201 for the user, with Seraph's `OK`.
    pub fn comment(&mut self, app: AppId) -> &mut Self {
        self.entry(
            app,
            "POST",
            "/rest/api/2/issue/APS-3982/comment",
            201,
            true,
            vec![("X-Seraph-LoginReason", "OK".to_owned())],
            Vec::new(),
        );
        self
    }

    /// The user logs out of `app`: the logout request deletes the SSO cookie.
    pub fn logout(&mut self, app: AppId) -> &mut Self {
        let path = if self.apps[app].jira { "/secure/Logout!default.jspa" } else { "/logout.action" };
        self.apps[app].user = false;
        self.token = None;
        let set = vec![self.sso_cookie_line("", true)];
        self.entry(app, "GET", path, 200, false, vec![("X-Seraph-LoginReason", "OUT".to_owned())], set);
        self
    }

    /// Remember-me logs the user in again on an ordinary request: a new SSO token, same user.
    pub fn remember_me(&mut self, app: AppId) -> &mut Self {
        self.tokens_issued += 1;
        let issued = self.tokens_issued;
        let set = vec![self.sso_cookie_line(&format!("T{issued:04}"), false)];
        self.token = Some(issued);
        let header = if self.joined_headers {
            vec![("X-Seraph-LoginReason", "OUT, OK".to_owned())]
        } else {
            vec![("X-Seraph-LoginReason", "OUT".to_owned()), ("X-Seraph-LoginReason", "OK".to_owned())]
        };
        self.entry(app, "GET", "/rest/api/2/myself", 200, true, header, set);
        self
    }

    /// A CORS preflight from another application's page: no cookies, so answered as anonymous.
    pub fn preflight(&mut self, app: AppId) -> &mut Self {
        let token = self.token.take();
        let jar = std::mem::take(&mut self.jar);
        self.entry(app, "OPTIONS", "/rest/api/2/myself", 200, false, Vec::new(), Vec::new());
        self.token = token;
        self.jar = jar;
        self
    }

    /// A request that fails for its own reasons (a missing avatar, a permission check): not a loss.
    pub fn unrelated_error(&mut self, app: AppId, status: u16) -> &mut Self {
        self.entry(app, "GET", "/rest/api/2/issue/APS-1/watchers", status, true, Vec::new(), Vec::new());
        self
    }

    /// The HAR with cookies, or as Chrome's sanitized export (no Cookie, Set-Cookie).
    pub fn har(&self, cookies: bool) -> Vec<u8> {
        let mut entries = self.entries.clone();
        if !cookies {
            for e in &mut entries {
                for side in ["request", "response"] {
                    if let Some(headers) = e[side]["headers"].as_array_mut() {
                        headers.retain(|h| {
                            let name = h["name"].as_str().unwrap_or_default().to_ascii_lowercase();
                            name != "cookie" && name != "set-cookie"
                        });
                    }
                }
            }
        }
        serde_json::to_vec(
            &json!({"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"},
            "pages": [], "entries": entries}}),
        )
        .unwrap()
    }

    /// The report on this story's HAR.
    pub fn report(&self, cookies: bool) -> Report {
        self.report_with(cookies, |_| {})
    }

    /// The report and the page's session plot of this story's HAR.
    pub fn report_and_plots(&self, cookies: bool) -> (Report, Vec<crate::view::Plot>) {
        let mut analyzer = Analyzer::new();
        analyzer.add_input("story.har", &self.har(cookies)).unwrap();
        analyzer.finish_with_plots()
    }

    pub fn report_with(&self, cookies: bool, setup: impl FnOnce(&mut Analyzer)) -> Report {
        let mut analyzer = Analyzer::new();
        setup(&mut analyzer);
        analyzer.add_input("story.har", &self.har(cookies)).unwrap();
        analyzer.finish()
    }
}

/// The host name of a URL, without port.
fn host_name(url: &str) -> String {
    crate::url::Url::parse(url).host().to_owned()
}

/// What a rule's tests check: `cause` explains the first loss (and is the primary cause), or it explains
/// nothing at all.
#[derive(Debug)]
pub struct Tester {
    cause: &'static str,
}

impl Tester {
    pub fn new(cause: &'static str) -> Self {
        Tester { cause }
    }

    /// The cause explains the first loss and is the report's primary cause.
    pub fn explains(&self, name: &str, report: &Report) -> &Self {
        let first = report.losses.first().unwrap_or_else(|| panic!("{name}: no loss found"));
        assert_eq!(
            first.cause.as_deref(),
            Some(self.cause),
            "{name}: first loss: {first:#?}\n{}",
            summary(report)
        );
        assert_eq!(report.summary.primary_cause.as_deref(), Some(self.cause), "{name}: {}", summary(report));
        self
    }

    /// The cause is named (a finding), whether or not it explains a loss.
    pub fn names(&self, name: &str, report: &Report) -> &Self {
        assert!(report.findings.iter().any(|f| f.cause == self.cause), "{name}: {}", summary(report));
        self
    }

    /// The cause explains no loss and is not the primary cause (a near miss of another cause).
    pub fn not(&self, name: &str, report: &Report) -> &Self {
        assert!(
            report.losses.iter().all(|l| l.cause.as_deref() != Some(self.cause)),
            "{name}: {}",
            summary(report)
        );
        assert_ne!(report.summary.primary_cause.as_deref(), Some(self.cause), "{name}: {}", summary(report));
        self
    }
}

/// The causes a report names, for failure messages.
pub fn summary(report: &Report) -> String {
    let losses: Vec<String> =
        report.losses.iter().map(|l| format!("entry {} -> {:?}", l.entry, l.cause)).collect();
    let findings: Vec<String> =
        report.findings.iter().map(|f| format!("{} ({:?}, {:?})", f.cause, f.basis, f.confidence)).collect();
    format!("primary {:?}; losses {losses:?}; findings {findings:?}", report.summary.primary_cause)
}
