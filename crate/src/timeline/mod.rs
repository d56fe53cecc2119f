//! Per-origin session timelines: the decoded signals of each input's entries, per application (scheme, host,
//! port, context path), in time order, with the events a diagnosis reads (domain.md section 4): logins,
//! session, node and edge changes, JVM restarts, token events, logout requests, gaps, and session losses.
//!
//! Entries are observed as they stream by and kept only when they say something about the session (an
//! Atlassian header, a session cookie, a login redirect, a logout): the timeline of a 1 GB HAR is small.
//! Secrets never enter it: cookie and token values are kept as fingerprints, enough to tell "the same" from
//! "another".

mod origin;

use std::collections::HashMap;
use std::net::IpAddr;

use crate::har::Entry;
use crate::signals::{self, CookieKind, LoginReason, Signals, User};
use crate::url::{first_segment, host_of, path_of};

pub use origin::ContextPaths;

/// A pause at least this long is idle: Crowd's default session timeout. The rules read it as a possible idle
/// timeout, the plot draws it as a gap, and the timeline never folds a run across it.
pub const IDLE_MS: i64 = 30 * 60 * 1000;

/// A value's identity without the value: a 64-bit FNV-1a hash. Enough to compare tokens and session ids
/// across entries; useless to replay them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint(pub u64);

impl Fingerprint {
    pub fn of(value: &str) -> Self {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in value.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Fingerprint(h)
    }
}

/// A `JSESSIONID` as the timeline keeps it: its identity and its jvmRoute suffix (`.node1`), if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionCookie {
    pub id: Fingerprint,
    pub route: Option<Box<str>>,
}

impl SessionCookie {
    fn of(value: &str) -> Self {
        SessionCookie { id: Fingerprint::of(value), route: Self::route_of(value).map(Into::into) }
    }

    /// Whether `value` is this cookie ([`SessionCookie::of`] it is equal), without allocating its route.
    fn is(&self, value: &str) -> bool {
        self.id == Fingerprint::of(value) && self.route.as_deref() == Self::route_of(value)
    }

    fn route_of(value: &str) -> Option<&str> {
        value.rsplit_once('.').map(|(_, r)| r).filter(|r| !r.is_empty() && r.len() < 64)
    }
}

/// One cookie set by a response, kept for the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieSet {
    pub kind: CookieKind,
    pub name: Box<str>,
    pub value: Fingerprint,
    pub empty: bool,
    pub domain: Option<Box<str>>,
    pub path: Option<Box<str>>,
    pub secure: bool,
    pub deletes: bool,
    pub route: Option<Box<str>>,
}

/// What one entry said about the session, owned and compact.
#[derive(Debug, Clone)]
pub struct Observation {
    pub input: usize,
    pub entry: u64,
    pub time_ms: Option<i64>,
    pub method: Box<str>,
    /// The URL, cut to [`MAX_URL`] characters. A `String`: a run's last observation takes each next URL of
    /// the run in place.
    pub url: String,
    pub host: Box<str>,
    pub scheme: Box<str>,
    pub status: Option<u16>,
    pub user: Option<UserState>,
    pub asession_id: Option<Box<str>>,
    pub request_id: Option<(Option<Box<str>>, u32, u64)>,
    pub node_id: Option<Box<str>>,
    pub login_reason: Option<LoginReason>,
    /// Seraph logged the user out and in again within this response (see [`Signals::reauthenticated`]).
    pub reauthenticated: bool,
    pub login_redirect: bool,
    pub logout_request: bool,
    /// The request submitted credentials (a login form or REST login); see [`Observation::is_login`].
    pub login_request: bool,
    pub from_cache: bool,
    pub static_resource: bool,
    pub cookies_visible: bool,
    /// SSO token values sent (several when two environments share a parent domain).
    pub tokens_sent: Vec<Fingerprint>,
    /// Cookies that may be a renamed SSO cookie (set elsewhere with a `Domain`), sent with the request:
    /// name and value. Empty once the SSO cookie is known.
    pub candidates_sent: Vec<(Box<str>, Fingerprint)>,
    pub session_sent: Option<SessionCookie>,
    pub xsrf_logged_in: Option<bool>,
    pub lb_cookie_sent: bool,
    pub set: Vec<CookieSet>,
    pub server_ip: Option<IpAddr>,
    /// How many entries this observation stands for: itself and the ones folded into it (see
    /// [`TimelineBuilder::observe_decoded`]).
    pub weight: u32,
    /// This observation continues a run: the one before it in the file is the same state.
    pub continues_run: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserState {
    Named(Box<str>),
    Anonymous,
}

impl Observation {
    /// Becomes the observation of the next entry of its run (`entry`, decoded as `s`, at `url`): what
    /// [`folds`] lets differ within a run is taken from it, the rest is the same already.
    fn continue_with(&mut self, entry: &Entry<'_>, s: &Signals<'_>, url: &str) {
        self.entry = entry.index;
        self.time_ms = s.time_ms;
        let method = entry.request.method.or_empty();
        if *self.method != *method {
            self.method = method.into();
        }
        self.url.clear();
        push_short_url(&mut self.url, url);
        self.status = entry.response.status();
        if let (Some(kept), Some(id)) = (&mut self.request_id, s.request_id) {
            (kept.1, kept.2) = (id.minute_of_day, id.counter);
        }
        self.weight += 1;
    }

    /// Whether this observation may move the session state at all: replayed cache hits and static resources
    /// carry headers of other moments.
    pub fn counts_for_session(&self) -> bool {
        !self.from_cache && !self.static_resource
    }

    /// The user this observation shows logged in: named, and not flagged by Seraph as logged out.
    pub fn confirmed_user(&self) -> Option<&str> {
        self.named_user().filter(|_| !self.login_reason.is_some_and(LoginReason::means_logged_out))
    }

    /// What in this observation says the server no longer knows the user (empty when nothing does). A loss
    /// is such an observation after a [`confirmed_user`](Self::confirmed_user) one of the same origin.
    pub fn loss_signals(&self) -> Vec<LossSignal> {
        let mut signals = Vec::new();
        if matches!(self.user, Some(UserState::Anonymous)) {
            signals.push(LossSignal::UserBecameAnonymous);
        }
        if self.login_reason.is_some_and(LoginReason::means_logged_out) {
            signals.push(LossSignal::SeraphLoggedOut);
        }
        if self.login_redirect {
            signals.push(LossSignal::LoginRedirect);
        }
        if self.status == Some(401) && self.user.is_none() {
            signals.push(LossSignal::Unauthorized);
        }
        signals
    }

    pub fn named_user(&self) -> Option<&str> {
        match &self.user {
            Some(UserState::Named(u)) => Some(u),
            _ => None,
        }
    }

    pub fn token_set(&self) -> Option<&CookieSet> {
        self.set.iter().find(|c| c.kind == CookieKind::CrowdToken && !c.deletes && !c.empty)
    }

    /// A successful login: a request that submitted credentials (a login form, a REST login) and was
    /// answered for a user, with a new SSO token, with Seraph's `OK`, or with a redirect away from the login
    /// page. Any other request is not a login, whatever it returned (a comment POST answered 201 is not).
    pub fn is_login(&self) -> bool {
        if !self.login_request || self.login_reason.is_some_and(LoginReason::means_logged_out) {
            return false;
        }
        self.confirmed_user().is_some()
            || self.token_set().is_some()
            || self.login_reason == Some(LoginReason::Ok)
            || (self.status.is_some_and(|s| (300..400).contains(&s)) && !self.login_redirect)
    }

    /// The response issued a new SSO token: a login, or remember-me logging the user in again.
    pub fn token_issued(&self) -> bool {
        self.token_set().is_some()
    }

    pub fn token_deleted(&self) -> bool {
        self.set.iter().any(|c| c.kind == CookieKind::CrowdToken && (c.deletes || c.empty))
    }
}

/// Why an entry counts as the session loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LossSignal {
    UserBecameAnonymous,
    SeraphLoggedOut,
    LoginRedirect,
    Unauthorized,
}

impl LossSignal {
    pub fn id(self) -> &'static str {
        match self {
            LossSignal::UserBecameAnonymous => "user-became-anonymous",
            LossSignal::SeraphLoggedOut => "seraph-login-reason-out",
            LossSignal::LoginRedirect => "login-redirect",
            LossSignal::Unauthorized => "unauthorized",
        }
    }
}

/// A point where the server stopped knowing a user it knew, with the observation index in the timeline.
#[derive(Debug, Clone)]
pub struct Loss {
    pub at: usize,
    /// The last observation before it where the user was known.
    pub last_known: usize,
    pub user: Box<str>,
    pub signals: Vec<LossSignal>,
}

/// A user's own logout, which ends a session on purpose: not a loss.
#[derive(Debug, Clone)]
pub struct Logout {
    pub request: usize,
    pub user: Option<Box<str>>,
}

/// The session history of one application in one input.
#[derive(Debug, Clone)]
pub struct Timeline {
    pub input: usize,
    /// `scheme://host[:port]` plus the context path (`https://jira.example.test/track`).
    pub origin: String,
    pub observations: Vec<Observation>,
    pub losses: Vec<Loss>,
    pub logouts: Vec<Logout>,
}

/// How the SSO cookie of a recording was identified, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoCookie {
    pub name: String,
    /// `option` (the user named it), `name` (a name Crowd uses: `crowd.token_key`, `*.tokenkey`) or
    /// `behaviour` (set with a `Domain` at the login and sent back).
    pub source: &'static str,
    /// Why, in a sentence.
    pub detail: String,
}

/// The session timelines of a recording, and the SSO cookie they were read with.
#[derive(Debug, Clone, Default)]
pub struct Timelines {
    pub timelines: Vec<Timeline>,
    pub sso_cookie: Option<SsoCookie>,
}

/// Collects observations while entries stream by; [`TimelineBuilder::finish`] orders them and finds losses.
#[derive(Debug, Default, Clone)]
pub struct TimelineBuilder {
    by_origin: HashMap<(usize, String), Vec<Observation>>,
    paths: ContextPaths,
    pending: Vec<Observation>,
    /// The SSO cookie's name when the user gave it (`--sso-cookie`).
    sso_cookie: Option<Box<str>>,
    /// Names of cookies set with a `Domain` that are not known ones: a renamed SSO cookie is among them.
    candidates: Vec<Box<str>>,
}

impl TimelineBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the SSO cookie under this name (Crowd's `cookie.tokenkey`) instead of recognising it; an empty
    /// name goes back to recognising it. Applies to the entries observed from now on.
    pub fn set_sso_cookie(&mut self, name: &str) {
        let name = name.trim();
        self.sso_cookie = (!name.is_empty()).then(|| name.into());
    }

    /// Observes one entry of input `input`. Returns the observation kept for it, if the entry says anything
    /// about the session, so that a live monitor can tell when to look again.
    pub fn observe(&mut self, input: usize, entry: &Entry<'_>) -> Option<&Observation> {
        if entry.unreadable {
            return None;
        }
        let s = self.decode(entry);
        self.observe_decoded(input, entry, &s)
    }

    /// An entry's signals as this timeline reads them (its SSO cookie name included).
    pub fn decode<'e>(&self, entry: &'e Entry<'_>) -> Signals<'e> {
        signals::decode_with(entry, self.sso_cookie.as_deref())
    }

    /// Observes one entry whose signals were decoded with [`TimelineBuilder::decode`] (the analysis decodes
    /// each entry once, for the timeline and the page's table).
    pub fn observe_decoded(
        &mut self,
        input: usize,
        entry: &Entry<'_>,
        s: &Signals<'_>,
    ) -> Option<&Observation> {
        let url = entry.request.url.or_empty();
        if self.sso_cookie.is_none() {
            for c in &s.set {
                if c.kind == CookieKind::Other
                    && c.domain.is_some()
                    && !c.deletes
                    && !self.candidates.iter().any(|n| **n == *c.name)
                {
                    self.candidates.push(c.name.into());
                }
            }
        }
        if !s.session_relevant(entry.response.status()) {
            return None;
        }
        let host = s.url.authority;
        if !host.is_empty() {
            self.learn_contexts(host, s.url.path, s);
        }
        // Healthy traffic repeats one state for hours: a run of requests of one application, for one user, with
        // nothing changing. The run keeps its first and its last observation (the last is the one a loss looks
        // back at); the ones between stand for nothing the rules read, and memory must not grow with them. The
        // common case, a run going on, builds no observation: the run's last one takes this entry's place.
        let fold =
            self.pending.last().is_some_and(|last| folds_decoded(last, input, s, url, &self.candidates));
        match self.pending.last_mut() {
            Some(last) if fold && last.continues_run => last.continue_with(entry, s, url),
            _ => {
                let mut o = observation(input, entry, s, url, &self.candidates);
                o.continues_run = fold;
                self.pending.push(o);
            }
        }
        self.pending.last()
    }

    /// What an application's response says about where it lives: its URL, its login redirect, the paths of
    /// its own cookies.
    fn learn_contexts(&mut self, host: &str, path: &str, s: &Signals<'_>) {
        self.paths.learn_url(host, path);
        if let Some(location) = s.login_redirect {
            self.paths.learn_url(host_of(location).unwrap_or(host), path_of(location));
        }
        for c in &s.set {
            if matches!(c.kind, CookieKind::Session | CookieKind::Xsrf | CookieKind::RememberMe) {
                if let Some(path) = c.path {
                    self.paths.learn(host, path);
                }
            }
        }
    }

    /// The application an observation belongs to, with what is known so far (the final grouping, at
    /// [`TimelineBuilder::finish`], knows every context path).
    pub fn origin_now(&self, o: &Observation) -> String {
        self.paths.origin_of(&o.scheme, &o.host, &o.url)
    }

    /// Observations kept so far.
    pub fn len(&self) -> usize {
        self.pending.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Forgets all but the newest `n` observations (a long-running recorder keeps a bounded history).
    pub fn keep_last(&mut self, n: usize) {
        let excess = self.pending.len().saturating_sub(n);
        self.pending.drain(..excess);
    }

    /// Orders each application's observations and derives its losses and logouts.
    pub fn finish(self) -> Timelines {
        let TimelineBuilder { mut by_origin, paths, mut pending, sso_cookie, .. } = self;
        let sso_cookie = match sso_cookie {
            Some(name) => Some(SsoCookie {
                detail: format!("{name}, as given (--sso-cookie)"),
                name: name.into(),
                source: "option",
            }),
            None => known_sso_cookie(&pending).or_else(|| sso_cookie_by_behaviour(&mut pending)),
        };
        // Context paths are known only once every response has been seen: group at the end.
        for o in pending {
            let origin = paths.origin_of(&o.scheme, &o.host, &o.url);
            by_origin.entry((o.input, origin)).or_default().push(o);
        }
        let mut timelines: Vec<Timeline> = by_origin
            .into_iter()
            .map(|((input, origin), mut observations)| {
                // Stable: entries with equal times keep the file's order.
                crate::sort::sort_by_key(&mut observations, |o| (o.time_ms.unwrap_or(i64::MIN), o.entry));
                let (losses, logouts) = find_losses(&observations);
                Timeline { input, origin, observations, losses, logouts }
            })
            .collect();
        crate::sort::sort_by(&mut timelines, |a, b| (a.input, &a.origin).cmp(&(b.input, &b.origin)));
        Timelines { timelines, sso_cookie }
    }
}

/// The SSO cookie under a name Crowd uses, when the recording shows one.
fn known_sso_cookie(observations: &[Observation]) -> Option<SsoCookie> {
    let name = observations
        .iter()
        .find_map(|o| o.set.iter().find(|c| c.kind == CookieKind::CrowdToken).map(|c| c.name.to_string()))?;
    let detail = if name == "crowd.token_key" {
        format!("{name}, Crowd's default SSO cookie")
    } else {
        format!("{name}, a name Crowd's cookie.tokenkey setting gives the SSO cookie")
    };
    Some(SsoCookie { name, source: "name", detail })
}

/// A renamed SSO cookie recognised by what it does: set with a `Domain` (shared by the applications) in the
/// answer to a login, then sent back. The observations then read it as the SSO token.
fn sso_cookie_by_behaviour(observations: &mut [Observation]) -> Option<SsoCookie> {
    let mut best: Option<(&str, usize, &Observation)> = None;
    for login in observations.iter().filter(|o| o.is_login()) {
        for c in login.set.iter().filter(|c| c.kind == CookieKind::Other && !c.deletes && c.domain.is_some())
        {
            let sent: usize = observations
                .iter()
                .filter(|o| o.candidates_sent.iter().any(|(n, v)| *n == c.name && *v == c.value))
                .map(|o| o.weight as usize)
                .sum();
            if sent > 0 && best.is_none_or(|(_, n, _)| sent > n) {
                best = Some((&c.name, sent, login));
            }
        }
    }
    let (name, sent, login) = best?;
    let name = name.to_string();
    let detail = format!(
        "{name}, found by its behaviour: set with Domain={} by the login at entry {} and sent back with {sent} \
         {}; give --sso-cookie to name it",
        login.set.iter().find(|c| *c.name == *name).and_then(|c| c.domain.as_deref()).unwrap_or("?"),
        login.entry,
        if sent == 1 { "request" } else { "requests" },
    );
    for o in observations.iter_mut() {
        for c in o.set.iter_mut().filter(|c| *c.name == *name) {
            c.kind = CookieKind::CrowdToken;
        }
        let sent = std::mem::take(&mut o.candidates_sent);
        o.tokens_sent.extend(sent.into_iter().filter(|(n, _)| **n == *name).map(|(_, v)| v));
    }
    Some(SsoCookie { name, source: "behaviour", detail })
}

/// URLs are kept cut to this many characters (an ellipsis marks the cut).
const MAX_URL: usize = 512;

/// Writes `url` cut to [`MAX_URL`] characters into `out`.
fn push_short_url(out: &mut String, url: &str) {
    // Where the character after the first MAX_URL starts, if there is one (fewer bytes than the limit are
    // fewer characters too: most URLs need no counting).
    let cut = if url.len() <= MAX_URL {
        None
    } else {
        // Characters start at the bytes that do not continue one (UTF-8).
        url.bytes().enumerate().filter(|(_, b)| b & 0xC0 != 0x80).nth(MAX_URL).map(|(i, _)| i)
    };
    match cut {
        Some(i) => {
            out.push_str(&url[..i]);
            out.push('…');
        }
        None => out.push_str(url),
    }
}

fn observation(
    input: usize,
    entry: &Entry<'_>,
    s: &Signals<'_>,
    url: &str,
    candidates: &[Box<str>],
) -> Observation {
    let mut short_url = String::new();
    push_short_url(&mut short_url, url);
    let scheme = s.url.scheme;
    let mut tokens_sent = Vec::new();
    let mut session_sent = None;
    let mut xsrf_logged_in = None;
    let mut lb_cookie_sent = false;
    let mut candidates_sent = Vec::new();
    let candidate = |name: &str| candidates.iter().any(|c| **c == *name);
    for (kind, name, value) in &s.sent {
        match kind {
            CookieKind::CrowdToken => tokens_sent.push(Fingerprint::of(value)),
            CookieKind::Other if candidate(name) => {
                candidates_sent.push(((*name).into(), Fingerprint::of(value)))
            }
            CookieKind::Session => session_sent = Some(SessionCookie::of(value)),
            CookieKind::Xsrf => xsrf_logged_in = xsrf_state(value),
            CookieKind::LoadBalancer => lb_cookie_sent = true,
            _ => {}
        }
    }
    Observation {
        input,
        entry: entry.index,
        time_ms: s.time_ms,
        method: entry.request.method.or_empty().into(),
        url: short_url,
        host: s.url.authority.to_ascii_lowercase().into(),
        scheme: scheme.to_ascii_lowercase().into(),
        status: entry.response.status(),
        user: s.user.as_ref().map(|u| match u {
            User::Named(n) => UserState::Named(n.as_ref().into()),
            User::Anonymous => UserState::Anonymous,
        }),
        asession_id: s.asession_id.map(Into::into),
        request_id: s.request_id.map(|r| (r.prefix.map(Into::into), r.minute_of_day, r.counter)),
        node_id: s.node_id.map(Into::into),
        login_reason: s.login_reason,
        reauthenticated: s.reauthenticated,
        login_redirect: s.login_redirect.is_some(),
        logout_request: s.logout_request,
        login_request: s.login_request,
        from_cache: s.from_cache,
        static_resource: s.static_resource,
        cookies_visible: s.cookies_visible,
        tokens_sent,
        candidates_sent,
        session_sent,
        xsrf_logged_in,
        lb_cookie_sent,
        set: s
            .set
            .iter()
            .filter(|c| c.kind != CookieKind::Other || (c.domain.is_some() && candidate(c.name)))
            .map(|c| CookieSet {
                kind: c.kind,
                name: c.name.into(),
                value: Fingerprint::of(c.value),
                empty: c.value.is_empty(),
                domain: c.domain.map(Into::into),
                path: c.path.map(Into::into),
                secure: c.secure,
                deletes: c.deletes,
                route: (c.kind == CookieKind::Session).then(|| SessionCookie::of(c.value).route).flatten(),
            })
            .collect(),
        server_ip: s.server_ip,
        weight: 1,
        continues_run: false,
    }
}

/// Whether `o` is `p` again ([`folds_decoded`] answers it without building `o`; the tests hold the two to the same
/// answer): the same application (input, scheme, host, first path segment), moments apart in
/// time order (never across an idle pause), the same user known, and nothing the rules or the plot read
/// changing: session, node, request-id prefix, server address, cookies sent and set, logins, logouts,
/// redirects. Only then may `o` stand in for `p` (see [`TimelineBuilder::observe_decoded`]).
#[cfg(test)]
fn folds(p: &Observation, o: &Observation) -> bool {
    let quiet = |x: &Observation| {
        x.set.is_empty() && !(x.login_request || x.logout_request || x.login_redirect || x.reauthenticated)
    };
    let in_order = matches!((p.time_ms, o.time_ms), (Some(a), Some(b)) if b >= a && b - a < IDLE_MS);
    in_order
        && quiet(p)
        && quiet(o)
        && !p.from_cache
        && !o.from_cache
        && p.confirmed_user().is_some()
        && p.user == o.user
        && p.login_reason == o.login_reason
        && p.input == o.input
        && p.scheme == o.scheme
        && p.host == o.host
        && p.static_resource == o.static_resource
        && p.asession_id == o.asession_id
        && p.node_id == o.node_id
        && p.request_id.as_ref().map(|r| &r.0) == o.request_id.as_ref().map(|r| &r.0)
        && p.server_ip == o.server_ip
        && p.tokens_sent == o.tokens_sent
        && p.candidates_sent == o.candidates_sent
        && p.session_sent == o.session_sent
        && p.xsrf_logged_in == o.xsrf_logged_in
        && p.lb_cookie_sent == o.lb_cookie_sent
        && p.cookies_visible == o.cookies_visible
        && first_segment(path_of(&p.url)) == first_segment(path_of(&o.url))
}

/// [`folds`]`(p, &observation(input, entry, s, url, candidates))`, read from the decoded signals without building
/// the observation: this runs for nearly every entry of healthy traffic.
fn folds_decoded(p: &Observation, input: usize, s: &Signals<'_>, url: &str, candidates: &[Box<str>]) -> bool {
    let candidate = |name: &str| candidates.iter().any(|c| **c == *name);
    let kept_set = |c: &crate::signals::SetCookie<'_>| {
        c.kind != CookieKind::Other || (c.domain.is_some() && candidate(c.name))
    };
    let quiet_p =
        p.set.is_empty() && !(p.login_request || p.logout_request || p.login_redirect || p.reauthenticated);
    let quiet_o = !(s.set.iter().any(kept_set)
        || s.login_request
        || s.logout_request
        || s.login_redirect.is_some()
        || s.reauthenticated);
    let in_order = matches!((p.time_ms, s.time_ms), (Some(a), Some(b)) if b >= a && b - a < IDLE_MS);
    let same_user = match (&p.user, &s.user) {
        (None, None) | (Some(UserState::Anonymous), Some(User::Anonymous)) => true,
        (Some(UserState::Named(a)), Some(User::Named(b))) => **a == **b,
        _ => false,
    };
    let same_request_prefix = match (&p.request_id, &s.request_id) {
        (None, None) => true,
        (Some((a, _, _)), Some(b)) => a.as_deref() == b.prefix,
        _ => false,
    };
    // The cookies sent, read as `observation` reads them, compared with the kept ones as they come.
    let (mut tokens, mut candidates_sent) = (p.tokens_sent.iter(), p.candidates_sent.iter());
    let (mut same_sent, mut session, mut xsrf, mut lb_cookie_sent) = (true, None, None, false);
    for (kind, name, value) in &s.sent {
        match kind {
            CookieKind::CrowdToken => same_sent &= tokens.next() == Some(&Fingerprint::of(value)),
            CookieKind::Other if candidate(name) => {
                same_sent &=
                    candidates_sent.next().is_some_and(|(n, v)| **n == **name && *v == Fingerprint::of(value))
            }
            CookieKind::Session => session = Some(*value),
            CookieKind::Xsrf => xsrf = xsrf_state(value),
            CookieKind::LoadBalancer => lb_cookie_sent = true,
            _ => {}
        }
    }
    same_sent &= tokens.next().is_none() && candidates_sent.next().is_none();
    let same_session = match (&p.session_sent, session) {
        (None, None) => true,
        (Some(a), Some(b)) => a.is(b),
        _ => false,
    };
    // The URL as the observation would keep it: cut when longer (rare: allocated then).
    let short;
    let path = if url.len() <= MAX_URL {
        s.url.path
    } else {
        short = {
            let mut cut = String::new();
            push_short_url(&mut cut, url);
            cut
        };
        path_of(&short)
    };
    in_order
        && quiet_p
        && quiet_o
        && !p.from_cache
        && !s.from_cache
        && p.confirmed_user().is_some()
        && same_user
        && p.login_reason == s.login_reason
        && p.input == input
        && p.scheme.eq_ignore_ascii_case(s.url.scheme)
        && p.host.eq_ignore_ascii_case(s.url.authority)
        && p.static_resource == s.static_resource
        && p.asession_id.as_deref() == s.asession_id
        && p.node_id.as_deref() == s.node_id
        && same_request_prefix
        && p.server_ip == s.server_ip
        && same_sent
        && same_session
        && p.xsrf_logged_in == xsrf
        && p.lb_cookie_sent == lb_cookie_sent
        && p.cookies_visible == s.cookies_visible
        && first_segment(path_of(&p.url)) == first_segment(path)
}

/// `...|lin` / `..._lin` (generated for a logged-in request) or `lout`.
fn xsrf_state(value: &str) -> Option<bool> {
    if value.ends_with("lin") {
        Some(true)
    } else if value.ends_with("lout") {
        Some(false)
    } else {
        None
    }
}

/// Walks one application's observations: the user is known, then a response says the server does not know
/// them any more. A logout request by the user in between makes it a logout, not a loss.
fn find_losses(obs: &[Observation]) -> (Vec<Loss>, Vec<Logout>) {
    let mut losses = Vec::new();
    let mut logouts = Vec::new();
    let mut known: Option<(usize, Box<str>)> = None;
    let mut logout_pending: Option<usize> = None;
    for (i, o) in obs.iter().enumerate() {
        if o.logout_request {
            logout_pending = Some(i);
            logouts.push(Logout { request: i, user: known.as_ref().map(|(_, u)| u.clone()) });
        }
        if !o.counts_for_session() {
            continue;
        }
        if let Some(user) = o.confirmed_user() {
            known = Some((i, user.into()));
            logout_pending = None;
            continue;
        }
        let signals = o.loss_signals();
        if signals.is_empty() {
            continue;
        }
        if let Some((last, user)) = known.take() {
            if logout_pending.take().is_some() {
                continue;
            }
            losses.push(Loss { at: i, last_known: last, user, signals });
        }
    }
    (losses, logouts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::tester::Story;

    /// The timeline builder after every entry of a story's HAR (with cookies).
    fn built(story: &Story) -> TimelineBuilder {
        let har: serde_json::Value = serde_json::from_slice(&story.har(true)).unwrap();
        let mut b = TimelineBuilder::new();
        for (i, e) in har["log"]["entries"].as_array().unwrap().iter().enumerate() {
            let text = e.to_string();
            let mut entry: Entry<'_> = serde_json::from_str(&text).unwrap();
            entry.index = i as u64;
            b.observe(0, &entry);
        }
        b
    }

    /// Every `.har` under `dir`, recursively.
    fn hars_under(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                hars_under(&path, out);
            } else if path.extension().is_some_and(|e| e == "har") {
                out.push(path);
            }
        }
    }

    /// Polls of one user whose URLs and cookies differ in what a run may and may not differ in: the host's
    /// and the scheme's case, the first path segment and its case, URLs longer than the kept length, the
    /// method, the SSO token, the session and its route, the XSRF token's state, a cookie that may be a
    /// renamed SSO cookie.
    fn runs_of_one_user() -> Vec<u8> {
        let long = "a".repeat(MAX_URL);
        let urls = [
            "https://jira.example.test/track/rest/a".to_owned(),
            "https://jira.example.test/track/rest/b".to_owned(),
            "https://jira.example.test/track/rest/c".to_owned(),
            "https://JIRA.example.test/track/rest/d".to_owned(),
            "HTTPS://jira.example.test/track/x".to_owned(),
            "https://jira.example.test/wiki/rest/e".to_owned(),
            "https://jira.example.test/wiki/rest/f".to_owned(),
            "https://jira.example.test/wiki/rest/g".to_owned(),
            "https://jira.example.test/Wiki/rest/g".to_owned(),
            format!("https://jira.example.test/wiki/{long}"),
            format!("https://jira.example.test/wiki/{long}/b"),
            format!("https://jira.example.test/wi{long}"),
            format!("https://jira.example.test/wi{long}x"),
            "https://jira.example.test/wiki/h".to_owned(),
            "https://jira.example.test/wiki/i".to_owned(),
            "https://jira.example.test:8443/wiki/j".to_owned(),
            "http://jira.example.test:8443/wiki/k".to_owned(),
        ];
        let entries: Vec<serde_json::Value> = urls
            .iter()
            .enumerate()
            .map(|(i, url)| {
                serde_json::json!({
                    "startedDateTime": format!("2021-10-19T08:00:{i:02}.000Z"),
                    "time": 20,
                    "request": {"method": if i % 3 == 0 { "POST" } else { "GET" }, "url": url, "headers": [
                        // Each cookie changes where nothing else would end the run.
                        {"name": "Cookie", "value": format!(
                            "crowd.token_key=t{}; JSESSIONID=s{}.n1; atlassian.xsrf.token=x|l{}; acme.sso=a{}",
                            u8::from(i >= 2), u8::from(i >= 3), if i < 14 { "in" } else { "out" }, u8::from(i >= 10),
                        )},
                    ]},
                    "response": {"status": 200 + (i % 2) * 104, "headers": [
                        {"name": "X-AUSERNAME", "value": "v3ry8"},
                        {"name": "Set-Cookie", "value": if i == 0 { "acme.sso=a0; Domain=.example.test" } else { "" }},
                        {"name": "X-AREQUESTID", "value": format!("@P{}x{}x{i}x1", i / 7, 480 + i)},
                    ]},
                })
            })
            .collect();
        serde_json::to_vec(&serde_json::json!({"log": {"entries": entries}})).unwrap()
    }

    #[test]
    fn a_run_continued_in_place_is_the_run_built_by_folds() {
        let mut files = Vec::new();
        hars_under(
            std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures")),
            &mut files,
        );
        let mut s = Story::new();
        let (jira, wiki) = (s.jira(), s.wiki());
        s.login(jira).work(jira).work(jira).work(jira).wait(40).work(jira).work(jira);
        s.node(jira, "n2").work(jira).work(jira).sso_login(wiki).work(jira).work(jira);
        for app in [jira, wiki] {
            for _ in 0..200 {
                s.work(app);
            }
        }
        let mut hars: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
        hars.push(s.har(true));
        hars.push(s.har(false));
        hars.push(runs_of_one_user());
        let (mut compared, mut folded) = (0, 0);
        for har in &hars {
            let mut b = TimelineBuilder::new();
            // The observations as the rule "a run keeps its first and last" builds them, each entry's whole.
            let mut slow: Vec<Observation> = Vec::new();
            let mut scanner = crate::har::Scanner::new();
            let fed = scanner.feed(har, true, |entry| {
                if entry.unreadable {
                    return;
                }
                let s = b.decode(entry);
                let url = entry.request.url.or_empty();
                if let Some(last) = b.pending.last() {
                    let o = observation(0, entry, &s, url, &b.candidates);
                    let quick = folds_decoded(last, 0, &s, url, &b.candidates);
                    assert_eq!(quick, folds(last, &o), "entry {}", entry.index);
                    compared += 1;
                    folded += usize::from(quick);
                }
                b.observe_decoded(0, entry, &s);
                if !s.session_relevant(entry.response.status()) {
                    return;
                }
                let mut o = observation(0, entry, &s, url, &b.candidates);
                match slow.last_mut() {
                    Some(last) if folds(last, &o) && last.continues_run => {
                        o.continues_run = true;
                        o.weight = last.weight + 1;
                        *last = o;
                    }
                    Some(last) if folds(last, &o) => {
                        o.continues_run = true;
                        slow.push(o);
                    }
                    _ => slow.push(o),
                }
            });
            if fed.is_ok() {
                assert_eq!(format!("{:?}", b.pending), format!("{slow:?}"));
            }
        }
        assert!(compared > 1000 && folded > 400, "{compared} compared, {folded} folded");
    }

    #[test]
    fn urls_are_kept_to_their_first_characters() {
        let kept = |url: &str| {
            let mut out = String::new();
            push_short_url(&mut out, url);
            out
        };
        let long = format!("https://h/{}", "é".repeat(MAX_URL));
        assert_eq!(kept(&long), format!("https://h/{}…", "é".repeat(MAX_URL - 10)));
        assert_eq!(kept(&"a".repeat(MAX_URL)), "a".repeat(MAX_URL));
        assert_eq!(kept(&"é".repeat(MAX_URL)), "é".repeat(MAX_URL), "more bytes, as many characters");
    }

    #[test]
    fn healthy_traffic_keeps_a_bounded_history() {
        // Ten thousand polls of one known user: the run keeps its first and last observation only.
        let mut s = Story::new();
        let jira = s.jira();
        s.login(jira);
        for _ in 0..10_000 {
            s.work(jira);
        }
        let b = built(&s);
        assert_eq!(b.len(), 3, "the login, then the run's first and last poll");
        let timelines = b.finish().timelines;
        let weights: Vec<u32> = timelines[0].observations.iter().map(|o| o.weight).collect();
        assert_eq!(weights, [1, 1, 9_999]);
    }

    #[test]
    fn a_run_breaks_at_every_change_and_at_an_idle_pause() {
        let mut s = Story::new();
        let (jira, wiki) = (s.jira(), s.wiki());
        s.login(jira).work(jira).work(jira).work(jira); // one run
        s.wait(40).work(jira).work(jira); // an idle pause: a new run
        s.node(jira, "n2").work(jira).work(jira); // another node: a new run
        s.sso_login(wiki).work(jira).work(jira); // another application in between: a new run
        let b = built(&s);
        let kept: Vec<(u64, u32)> = b.pending.iter().map(|o| (o.entry, o.weight)).collect();
        assert_eq!(
            kept,
            [(0, 1), (1, 1), (3, 2), (4, 1), (5, 1), (6, 1), (7, 1), (8, 1), (9, 1), (10, 1)],
            "entry 2 folded into entry 3; nothing else folds"
        );
    }
}
