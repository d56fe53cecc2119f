// A Jira or Confluence node: Tomcat sessions (jvmRoute), Seraph login/logout/remember-me, the Crowd
// SSO authenticator (token cookie, validation interval), Jira's XSRF token, the Atlassian response
// headers of domain.md section 3, and Jira's logs (section 5).
import { createServer, listen, closeServer, readBody, parseCookies, cookie, setCookie, peerAddress, httpDate } from './http-util.mjs';
import { asessionId, SeededRandom } from './rand.mjs';
import { accessLine, jiraLogLine, LogSink } from './logs.mjs';
import { CrowdClient, sessionUser, xmlTag } from './crowd-client.mjs';
import { MINUTE, sleep } from './clock.mjs';
import { page, loginForm, issueBody, xsrfBody, STATIC, CSS, JS } from './pages.mjs';

const YEAR_S = 31536000;

/**
 * State one application shares across its Data Center nodes and that the test bed uses as ground
 * truth: whether the app currently knows the (single) simulated user. A response that is anonymous
 * while the user was known, and is not the answer to a logout, is a session loss; the app marks it
 * with an internal `X-Testbed-Loss` header that record.mjs strips from the HAR after noting the entry.
 */
export class AppState {
  constructor() {
    this.userKnown = false;
    this.rememberMe = new Map(); // series id -> {user, hash}
    this.comments = [];
    this.access = new LogSink();
    this.log = new LogSink();
    this.events = [];
  }
}

export class AtlassianApp {
  /**
   * @param {object} o
   * @param {'jira'|'confluence'} o.product
   * @param {string} o.contextPath   '' or '/track', '/jira', '/wiki'
   * @param {AppState} o.state       shared by the nodes of one app
   * @param {string|null} [o.nodeId] Data Center node id (X-ANODEID); also the jvmRoute
   * @param {object|null} [o.sso]    {crowd: CrowdClient, cookieDomain, secure, validationIntervalMs}
   * @param {object|null} [o.serverTimeMs] real milliseconds spent per request before answering, by kind:
   *                                 {page, rest, static}. Zero by default (recordings and checks want speed);
   *                                 the extension's page-load benchmark sets a real Jira's to weigh its cost.
   * @param {string|null} [o.sessionCookiePath] Path of JSESSIONID; default the context path. "/" for an app
   *                                 under a context path is Tomcat's sessionCookiePath="/" (or a proxy that
   *                                 rewrites cookie paths): two such apps on one host overwrite each other.
   * @param {'last'|'all'} [o.seraphHeaders] how X-Seraph-LoginReason is written when one request is both
   *                                 logged out and logged in again (a new SSO token, remember-me): 'last'
   *                                 keeps only the final reason (the test bed's recorded scenarios); 'all'
   *                                 adds one header line per reason, OUT then OK, as public HARs of Jira show
   *                                 (Seraph stamps each LoginReason with addHeader). In 'all', a session whose
   *                                 SSO cookie now holds another valid token is logged out and in again.
   */
  constructor({ product, contextPath = '', state, clock, rng, users, nodeId = null, jvmRoute = nodeId, sso = null, sessionTimeoutMs = 300 * MINUTE, secureCookies = false, serverId = 'BWP3-NZB2-6EDY-6C7K', counterStart = 107900, host = '127.0.0.1', port = 0, tomcatPort = 8080, serverTimeMs = null, sessionCookiePath = null, seraphHeaders = 'last' }) {
    Object.assign(this, { product, ctx: contextPath, state, clock, rng, users, nodeId, jvmRoute, sso, sessionTimeoutMs, secureCookies, serverId, host, port, tomcatPort, serverTimeMs, seraphHeaders });
    this.sessionCookiePath = sessionCookiePath || contextPath || '/';
    this.sessions = new Map();
    this.counter = counterStart;
    this.inFlight = 0;
    this.threadNo = 0;
    // The page's XHR cache-buster starts from "Date.now()" at page load, like jQuery's. Taken as the
    // virtual minute plus seeded milliseconds, so that re-recordings give the same URLs.
    this.nonceRng = new SeededRandom(`${rng.seed}:nonce:${product}:${nodeId}`);
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async start() {
    const a = await listen(this.server, this.port, this.host);
    this.port = a.port;
    return a;
  }

  close() {
    return closeServer(this.server);
  }

  // ---- sessions ---------------------------------------------------------------------------------

  newSession(rq) {
    const id = this.rng.hex(32).toUpperCase() + (this.jvmRoute ? `.${this.jvmRoute}` : '');
    const s = { id, user: null, token: null, validatedAt: 0, lastAccess: this.clock.now() };
    this.sessions.set(id, s);
    rq.setCookies.push(setCookie('JSESSIONID', id, { path: this.sessionCookiePath, secure: this.secureCookies }));
    rq.session = s;
    rq.asession = asessionId(id);
    return s;
  }

  findSession(rq) {
    const id = cookie(rq.cookies, 'JSESSIONID');
    const s = id && this.sessions.get(id);
    if (!s) return null;
    if (this.clock.now() - s.lastAccess > this.sessionTimeoutMs) {
      this.sessions.delete(id); // Tomcat's idle expiry
      return null;
    }
    s.lastAccess = this.clock.now();
    return s;
  }

  // ---- authentication (Seraph + Crowd SSO authenticator) -----------------------------------------

  log(rq, level, category, message) {
    const ctx = { thread: rq.thread, path: rq.path, user: rq.user || rq.session?.user, requestId: rq.requestId, asessionId: rq.asession, remote: rq.remote, xff: rq.xff };
    this.state.log.push(jiraLogLine(this.clock.now(), ctx, level, category, message));
  }

  factors(rq) {
    return CrowdClient.factors(rq.remote, rq.xff);
  }

  /** Seraph's X-Seraph-LoginReason stamp for this response (see seraphHeaders). */
  stamp(rq, reason) {
    if (this.seraphHeaders === 'all') rq.loginReasons.push(reason);
    else rq.loginReasons = [reason];
  }

  /** A login on a request that was just logged out: 'all' adds OK after OUT, 'last' keeps no reason. */
  stampRelogin(rq) {
    if (this.seraphHeaders === 'all') rq.loginReasons.push('OK');
    else rq.loginReasons = [];
  }

  ssoCookie(value, maxAge) {
    return setCookie(this.sso.cookieName, value, { path: '/', domain: this.sso.cookieDomain, secure: this.sso.secure, maxAge, expires: maxAge === 0 ? 0 : undefined });
  }

  async validateToken(rq, token) {
    const r = await this.sso.crowd.validate(token, this.factors(rq), (l, c, m) => this.log(rq, l, c, m));
    const ok = r.status === 200;
    this.state.events.push({ at: this.clock.now(), node: this.nodeId, op: 'validate', ok, path: rq.path, reason: ok ? null : xmlTag(r.body, 'reason') });
    if (!ok) this.log(rq, 'INFO', 'c.a.c.i.seraph.CrowdSSOAuthenticator', `Token ${token} is no longer valid: ${xmlTag(r.body, 'reason')} ${xmlTag(r.body, 'message')}`);
    return ok ? sessionUser(r.body) : null;
  }

  logUserIn(rq, user, token) {
    const s = rq.session || this.newSession(rq);
    Object.assign(s, { user, token, validatedAt: this.clock.now() });
    rq.user = user;
  }

  async authenticate(rq) {
    const s = rq.session;
    const token = this.sso ? cookie(rq.cookies, this.sso.cookieName) : undefined;
    let failedToken = null;
    let loggedOut = false;
    if (s?.user) {
      if (!this.sso) {
        rq.user = s.user;
      } else if (!token) {
        // No SSO cookie while the session has a user: another app logged the user out (or the
        // cookie never came back). The authenticator logs the user out of this app too.
        this.log(rq, 'INFO', 'c.a.c.i.seraph.CrowdSSOAuthenticator', `No SSO token cookie for session user ${s.user}: logging out`);
        s.user = null;
        this.stamp(rq, 'OUT');
      } else if (token !== s.token && this.seraphHeaders === 'all') {
        // The cookie holds another token than the one this session signed on with (another app issued
        // it): Crowd's authenticator logs the session's user out, then signs on with the cookie below.
        this.log(rq, 'INFO', 'c.a.c.i.seraph.CrowdSSOAuthenticator', `SSO token changed for session user ${s.user}: logging out, then in with the new token`);
        s.user = null;
        s.token = null;
        loggedOut = true;
        this.stamp(rq, 'OUT');
      } else if (token !== s.token || this.clock.now() - s.validatedAt >= this.sso.validationIntervalMs) {
        const user = await this.validateToken(rq, token);
        if (user === s.user) {
          Object.assign(s, { token, validatedAt: this.clock.now() });
          rq.user = user;
        } else {
          failedToken = token;
          s.user = null;
          s.token = null;
          this.stamp(rq, 'OUT');
        }
      } else {
        rq.user = s.user;
      }
    }
    if (!rq.user && token && token !== failedToken) {
      // A token but no logged-in session: single sign-on from another app (or a stale token,
      // which the client keeps sending: it never deletes the cookie on failure).
      const user = await this.validateToken(rq, token);
      if (user) {
        this.logUserIn(rq, user, token);
        if (loggedOut) this.stampRelogin(rq);
      }
    }
    if (!rq.user) await this.rememberMeLogin(rq);
  }

  async rememberMeLogin(rq) {
    const raw = cookie(rq.cookies, 'seraph.rememberme.cookie');
    if (!raw) return;
    const [id, hash] = decodeURIComponent(raw).split(':');
    const entry = this.state.rememberMe.get(id);
    if (!entry || entry.hash !== hash) return;
    let token = null;
    if (this.sso) {
      // Remember-me issues a NEW token bound to the current factors (domain.md section 2).
      const r = await this.sso.crowd.authenticate(entry.user, null, this.factors(rq), (l, c, m) => this.log(rq, l, c, m));
      if (r.status !== 201) return;
      token = xmlTag(r.body, 'token');
      rq.setCookies.push(this.ssoCookie(token));
    }
    this.log(rq, 'INFO', 'c.a.j.s.login.JiraSeraphAuthenticator', `User ${entry.user} logged in with remember-me cookie`);
    this.state.events.push({ at: this.clock.now(), node: this.nodeId, op: 'remember-me', user: entry.user });
    this.stampRelogin(rq);
    this.logUserIn(rq, entry.user, token);
  }

  async login(rq, user, password, remember) {
    let token = null;
    if (this.sso) {
      const r = await this.sso.crowd.authenticate(user, password, this.factors(rq), (l, c, m) => this.log(rq, l, c, m));
      if (r.status !== 201) return false;
      token = xmlTag(r.body, 'token');
      rq.setCookies.push(this.ssoCookie(token));
    } else if (this.users[user] !== password) {
      return false;
    }
    // Session fixation protection: a fresh session id at login.
    if (rq.session) this.sessions.delete(rq.session.id);
    rq.session = null;
    this.newSession(rq);
    this.logUserIn(rq, user, token);
    if (remember) {
      const id = String(10000 + this.state.rememberMe.size + 1);
      const hash = this.rng.hex(40);
      this.state.rememberMe.set(id, { user, hash });
      rq.setCookies.push(setCookie('seraph.rememberme.cookie', `${id}%3A${hash}`, { path: this.ctx || '/', maxAge: 1209600, secure: this.secureCookies }));
    }
    this.log(rq, 'INFO', 'c.a.j.s.login.LoginLoggers', `login : '${user}' tried to login and they succeeded`);
    this.state.events.push({ at: this.clock.now(), node: this.nodeId, op: 'login', user });
    return true;
  }

  async logout(rq) {
    const token = this.sso ? cookie(rq.cookies, this.sso.cookieName) : undefined;
    if (token) await this.sso.crowd.invalidate(token, (l, c, m) => this.log(rq, l, c, m));
    if (rq.session) this.sessions.delete(rq.session.id);
    rq.session = null;
    rq.asession = undefined;
    rq.user = null;
    rq.isLogout = true;
    this.stamp(rq, 'OUT');
    if (this.sso) rq.setCookies.push(this.ssoCookie('', 0));
    const rm = cookie(rq.cookies, 'seraph.rememberme.cookie');
    if (rm) {
      this.state.rememberMe.delete(decodeURIComponent(rm).split(':')[0]);
      rq.setCookies.push(setCookie('seraph.rememberme.cookie', '', { path: this.ctx || '/', maxAge: 0, expires: 0 }));
    }
    this.state.events.push({ at: this.clock.now(), node: this.nodeId, op: 'logout' });
  }

  // ---- XSRF (Jira): serverId|random|lin or |lout, reissued when the login state changes --------

  xsrfToken(rq) {
    if (this.product !== 'jira') return '';
    const state = rq.user ? 'lin' : 'lout';
    const current = cookie(rq.cookies, 'atlassian.xsrf.token');
    if (rq.newXsrf) return rq.newXsrf;
    if (current && current.endsWith(`|${state}`) && !rq.isLogout) return current;
    rq.newXsrf = `${this.serverId}|${this.rng.hex(40)}|${state}`;
    return rq.newXsrf;
  }

  xsrfValid(rq, formToken) {
    const current = cookie(rq.cookies, 'atlassian.xsrf.token');
    return !!formToken && formToken === current && current.endsWith(rq.user ? '|lin' : '|lout');
  }

  // ---- request handling ---------------------------------------------------------------------------

  async handle(req, res) {
    const url = new URL(req.url, 'http://app');
    if (url.pathname !== this.ctx && !url.pathname.startsWith(`${this.ctx}/`)) {
      // Outside Jira's context (e.g. /favicon.ico): another webapp's 404, no Jira headers, no
      // request id, no log line.
      req.resume();
      res.writeHead(404, { Date: httpDate(this.clock.now()), 'Content-Type': 'text/plain', 'Content-Length': 9 });
      return res.end('Not Found');
    }
    const startReal = this.clock.realNow();
    const start = this.clock.now();
    this.counter++;
    this.inFlight++;
    const d = new Date(start);
    const rq = {
      req,
      url,
      path: url.pathname,
      rel: url.pathname.slice(this.ctx.length) || '/',
      requestId: `${d.getUTCHours() * 60 + d.getUTCMinutes()}x${this.counter}x${this.inFlight}`,
      thread: `http-nio-${this.tomcatPort}-exec-${(this.threadNo++ % 25) + 1}`,
      remote: peerAddress(req.socket),
      xff: req.headers['x-forwarded-for'],
      cookies: parseCookies(req.headers.cookie),
      setCookies: [],
      loginReasons: [],
      user: null,
    };
    const body = await readBody(req);
    let out;
    if (rq.rel.startsWith('/s/')) {
      // Static batch resources pass Jira's filters too (session touched, X-AUSERNAME from the
      // session) but never trigger an SSO validation. Their cached copies replay these headers.
      rq.session = this.findSession(rq);
      if (rq.session) rq.asession = asessionId(rq.session.id);
      rq.user = rq.session?.user || null;
      out = { ...this.staticResource(rq), passive: true };
    } else {
      rq.session = this.findSession(rq);
      if (rq.session) rq.asession = asessionId(rq.session.id);
      await this.authenticate(rq);
      out = await this.route(rq, req.method, body);
    }
    const work = this.serverTimeMs?.[out.passive ? 'static' : rq.rel.startsWith('/rest/') ? 'rest' : 'page'];
    if (work) await sleep(work);
    this.inFlight--;
    this.respond(rq, res, out, start, startReal);
  }

  staticResource(rq) {
    const s = STATIC[this.product];
    if (rq.rel === s.css) return { status: 200, type: 'text/css;charset=UTF-8', body: CSS, cache: true };
    if (rq.rel === s.js) return { status: 200, type: 'application/javascript;charset=UTF-8', body: JS, cache: true };
    return { status: 404, type: 'text/plain', body: 'Not Found' };
  }

  respond(rq, res, out, start, startReal) {
    const user = rq.user;
    const headers = [['Date', httpDate(this.clock.now())]];
    if (this.product === 'jira') headers.push(['X-AREQUESTID', rq.requestId]);
    if (this.nodeId) headers.push([this.product === 'jira' ? 'X-ANODEID' : 'X-Confluence-Cluster-Node', this.nodeId]);
    headers.push(['X-XSS-Protection', '1; mode=block'], ['X-Content-Type-Options', 'nosniff'], ['X-Frame-Options', 'SAMEORIGIN'], ['Content-Security-Policy', "frame-ancestors 'self'"]);
    for (const reason of rq.loginReasons) headers.push(['X-Seraph-LoginReason', reason]);
    if (rq.asession) headers.push(['X-ASESSIONID', rq.asession]);
    headers.push(['X-AUSERNAME', user ? encodeURIComponent(user) : 'anonymous']);
    if (this.product === 'confluence' && !out.passive) headers.push(['X-Confluence-Request-Time', String(start)]);
    if (!out.passive) {
      const x = this.xsrfToken(rq);
      if (rq.newXsrf) rq.setCookies.push(setCookie('atlassian.xsrf.token', x, { path: this.ctx || '/', httpOnly: false, secure: this.secureCookies }));
    }
    for (const c of rq.setCookies) headers.push(['Set-Cookie', c]);
    if (out.cache) headers.push(['Cache-Control', `max-age=${YEAR_S}, public`], ['Last-Modified', 'Tue, 11 May 2021 10:00:00 GMT']);
    else headers.push(['Cache-Control', 'no-cache, no-store, must-revalidate'], ['Pragma', 'no-cache'], ['Expires', 'Thu, 01 Jan 1970 00:00:00 GMT']);
    if (out.location) headers.push(['Location', out.location]);
    const body = Buffer.from(out.body || '');
    if (out.type) headers.push(['Content-Type', out.type]);
    headers.push(['Content-Length', String(body.length)]);
    // Ground truth for expected.json (stripped from the HAR): the first response after the app lost
    // a user it knew, unless the user asked to log out.
    // Static resources and paths outside the context run no authentication: they never count.
    if (!out.passive && this.state.userKnown && !user && !rq.isLogout) {
      headers.push(['X-Testbed-Loss', this.product]);
      this.state.events.push({ at: this.clock.now(), node: this.nodeId, op: 'loss', path: rq.path });
    }
    if (!out.passive) this.state.userKnown = !!user;
    res.writeHead(out.status, headers.flat());
    res.end(body);
    this.state.access.push(
      accessLine({
        peer: rq.remote,
        requestId: rq.requestId,
        user,
        startMs: start,
        method: rq.req.method,
        url: rq.url.pathname + rq.url.search,
        protocol: `HTTP/${rq.req.httpVersion}`,
        status: out.status,
        bytes: body.length,
        millis: this.clock.realNow() - startReal,
        referer: rq.req.headers.referer,
        userAgent: rq.req.headers['user-agent'],
        asessionId: rq.asession,
      }),
    );
  }

  // ---- pages and REST ---------------------------------------------------------------------------

  html(rq, title, body, meta = {}) {
    if (!rq.session) this.newSession(rq); // Jira creates a session for every page view
    return { status: 200, type: 'text/html;charset=UTF-8', body: page({ product: this.product, ctx: this.ctx, title, user: rq.user, xsrf: this.xsrfToken(rq), nonce: Math.floor(this.clock.now() / MINUTE) * MINUTE + this.nonceRng.int(60000), meta, body }) };
  }

  json(status, obj) {
    return { status, type: 'application/json;charset=UTF-8', body: JSON.stringify(obj) };
  }

  redirect(path) {
    return { status: 302, location: path, body: '' };
  }

  toLogin(rq) {
    const dest = rq.url.pathname.slice(this.ctx.length) + rq.url.search;
    return this.product === 'jira'
      ? this.redirect(`${this.ctx}/login.jsp?permissionViolation=true&os_destination=${encodeURIComponent(dest)}&page_caps=&user_role=`)
      : this.redirect(`${this.ctx}/login.action?os_destination=${encodeURIComponent(dest)}&permissionViolation=true`);
  }

  async route(rq, method, body) {
    const r = rq.rel;
    const jira = this.product === 'jira';
    const form = method === 'POST' ? new URLSearchParams(body) : null;
    const loginPath = jira ? '/login.jsp' : '/login.action';
    const home = jira ? '/secure/Dashboard.jspa' : '/dashboard.action';

    if (r === '/') return this.redirect(`${this.ctx}${home}`);
    if (r === loginPath && method === 'GET') {
      return this.html(rq, 'Log in', loginForm({ action: `${this.ctx}${jira ? '/login.jsp' : '/dologin.action'}`, destination: rq.url.searchParams.get('os_destination') }));
    }
    if ((jira && r === '/login.jsp' && method === 'POST') || (!jira && r === '/dologin.action' && method === 'POST')) {
      const ok = await this.login(rq, form.get('os_username'), form.get('os_password'), form.get('os_cookie') === 'true');
      if (!ok) {
        this.stamp(rq, 'AUTHENTICATED_FAILED');
        return this.html(rq, 'Log in', loginForm({ action: `${this.ctx}${r}`, destination: form.get('os_destination'), failed: true }));
      }
      this.stamp(rq, 'OK');
      const dest = form.get('os_destination');
      return this.redirect(`${this.ctx}${dest && dest.startsWith('/') ? dest : home}`);
    }
    if ((jira && r === '/secure/Logout!default.jspa') || (!jira && r === '/logout.action')) {
      await this.logout(rq);
      return this.html(rq, 'Logout', `<div class="aui-message">You are now logged out. Any automatic login has also been stopped.</div><a href="${this.ctx}${loginPath}">Log in again</a>`);
    }
    if (r === home) {
      if (!rq.user) return this.toLogin(rq);
      return this.html(rq, jira ? 'System Dashboard - Jira' : 'Dashboard - Confluence', '<div id="dashboard">Assigned to me: APS-3982</div>');
    }
    if (jira && r.startsWith('/browse/')) {
      if (!rq.user) return this.toLogin(rq);
      const key = r.slice('/browse/'.length);
      const xsrf = this.xsrfToken(rq);
      return this.html(rq, `[${key}] Users are logged out - Jira`, issueBody({ ctx: this.ctx, key, summary: 'Users are logged out', xsrf, comments: this.state.comments }), { 'ajs-issue-key': key, 'ajs-issue-id': '314447' });
    }
    if (!jira && r.startsWith('/display/')) {
      if (!rq.user) return this.toLogin(rq);
      return this.html(rq, 'Home - Documentation - Confluence', '<div id="main-content">Release notes</div>', { 'ajs-page-id': '65538' });
    }
    if (jira && r === '/rest/dev-status/1.0/issue/summary') {
      // An anonymous caller gets a 400 here, as in the KB's access log (domain.md section 1).
      if (!rq.user) return this.json(400, { errorMessages: ['You do not have permission to view this issue.'] });
      return this.json(200, { errors: [], configErrors: [], summary: { pullrequest: { overall: { count: 0 } }, repository: { overall: { count: 2 } } } });
    }
    if (!jira && r === '/rest/mywork/latest/status/notification/count') {
      if (!rq.user) return this.json(401, { message: 'Client must be authenticated to access this resource.', 'status-code': 401 });
      return this.json(200, { count: 0, timeout: 30 });
    }
    if (jira && /^\/rest\/api\/2\/issue\/[A-Z]+-\d+\/comment$/.test(r) && method === 'POST') {
      const okHeader = rq.req.headers['x-atlassian-token'] === 'no-check' || /json/.test(rq.req.headers['content-type'] || '');
      if (!okHeader) return this.json(403, { message: 'XSRF check failed', 'status-code': 403 });
      if (!rq.user) return this.json(401, { errorMessages: ['You are not authenticated. Authentication required to perform this operation.'], errors: {} });
      this.state.comments.push(JSON.parse(body || '{}').body || '');
      return this.json(201, { id: String(10000 + this.state.comments.length - 1), body: this.state.comments.at(-1) });
    }
    if (jira && /^\/rest\/api\/2\/issue\/[A-Z]+-\d+$/.test(r)) {
      if (!rq.user) return this.json(401, { errorMessages: ['You are not authenticated. Authentication required to perform this operation.'], errors: {} });
      return this.json(200, { id: '314447', key: r.split('/').pop(), fields: { summary: 'Users are logged out' } });
    }
    if (jira && r === '/secure/AddComment.jspa' && method === 'POST') {
      if (!this.xsrfValid(rq, form.get('atl_token'))) {
        this.log(rq, 'WARN', 'c.a.j.s.xsrf.XsrfVulnerabilityDetectionSQLInterceptor', 'XSRF token check failed for /secure/AddComment.jspa');
        const out = this.html(rq, 'XSRF Security Token Missing', xsrfBody());
        return { ...out, status: 403 };
      }
      if (!rq.user) return this.toLogin(rq);
      this.state.comments.push(form.get('comment') || '');
      const id = 10000 + this.state.comments.length - 1;
      return this.redirect(`${this.ctx}/browse/${form.get('id')}?focusedCommentId=${id}#comment-${id}`);
    }
    // Answers that are 4xx for a known user and mean no session loss (the matrix's noise).
    if (jira && r === '/rest/api/2/group/member') {
      // Permission-checked: the user is not an administrator.
      if (!rq.user) return this.json(401, { errorMessages: ['You are not authenticated. Authentication required to perform this operation.'], errors: {} });
      return this.json(403, { errorMessages: ['You do not have the permission to see the specified group.'], errors: {} });
    }
    if (jira && r.startsWith('/rest/api/2/universal_avatar/view/type/user/avatar/')) {
      return this.json(404, { errorMessages: ['Avatar not found.'], errors: {} }); // a deleted avatar
    }
    if (!jira && r.startsWith('/rest/api/content/')) {
      return this.json(404, { statusCode: 404, data: { authorized: !!rq.user, valid: true, errors: [], successful: false }, message: `No content found with id: ContentId{id=${r.split('/').pop()}}` });
    }
    return { status: 404, type: 'text/plain', body: 'Not Found' };
  }
}
