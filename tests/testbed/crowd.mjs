// A Crowd server speaking the usermanagement REST API the app-side Crowd client uses for SSO:
//   POST   /crowd/rest/usermanagement/1/session?validate-password=true|false   create a token
//   POST   /crowd/rest/usermanagement/1/session/<token>                        validate it
//   DELETE /crowd/rest/usermanagement/1/session/<token>                        invalidate (logout)
// Tokens are bound to the client address Crowd resolves from the validation factors
// (remote_address, X-Forwarded-For) and the trusted proxy list: domain.md section 2.
import { createServer, listen, closeServer, readBody, httpDate } from './http-util.mjs';
import { TrustedProxies, resolveClient } from './addresses.mjs';
import { LogSink, crowdLogLine } from './logs.mjs';
import { MINUTE } from './clock.mjs';

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
const BASE = '/crowd/rest/usermanagement/1/session';

export function factorsXml(factors) {
  return `<validation-factors>${factors
    .map((f) => `<validation-factor><name>${f.name}</name><value>${f.value}</value></validation-factor>`)
    .join('')}</validation-factors>`;
}

function parseFactors(xml) {
  const out = {};
  for (const m of xml.matchAll(/<validation-factor><name>([^<]*)<\/name><value>([^<]*)<\/value><\/validation-factor>/g)) out[m[1]] = m[2];
  return out;
}

const tag = (xml, name) => (xml.match(new RegExp(`<${name}>([^<]*)</${name}>`)) || [])[1];

export class CrowdServer {
  /**
   * @param {object} o
   * @param {import('./clock.mjs').VirtualClock} o.clock
   * @param {import('./rand.mjs').SeededRandom} o.rng
   * @param {Record<string,string>} o.users username -> password
   * @param {string|string[]} [o.trustedProxies]
   * @param {'documented'|'all-or-nothing'} [o.rule]
   * @param {boolean} [o.includeIpAddress] "Require consistent client IP address"
   * @param {number} [o.sessionTimeoutMs] Crowd session (token) idle timeout, virtual ms
   * @param {string} [o.publicUrl] the base URL Crowd writes into its answers (links, Location), e.g.
   *                               http://crowd.example.test:8095; default the URL it listens on
   */
  constructor({ clock, rng, users, trustedProxies = [], rule = 'documented', includeIpAddress = true, sessionTimeoutMs = 30 * MINUTE, host = '127.0.0.1', port = 0, publicUrl = null }) {
    Object.assign(this, { clock, rng, users, rule, includeIpAddress, sessionTimeoutMs, host, port, publicUrl });
    this.trusted = new TrustedProxies(trustedProxies);
    this.tokens = new Map(); // token -> {user, address, lastAccess}
    this.log = new LogSink();
    this.threadNo = 0;
    this.events = []; // machine-readable record of validations, for the checks
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async start() {
    const a = await listen(this.server, this.port, this.host);
    this.port = a.port;
    this.url = `http://${this.host}:${a.port}`;
    return a;
  }

  close() {
    return closeServer(this.server);
  }

  /** The address a token is bound to ("" when IP binding is off). */
  clientAddress(factors, thread) {
    if (!this.includeIpAddress) return '';
    const remote = factors.remote_address;
    const xff = factors['X-Forwarded-For'];
    const r = resolveClient(this.trusted, remote, xff, this.rule);
    if (r.untrusted.length) {
      this.logLine(thread, 'DEBUG', 'crowd.manager.validation.XForwardedForUtil', `Proxies [${r.untrusted.join(', ')}] are untrusted (for requestAddress=${remote} and xForwardedFor=${xff})`);
    }
    return r.address;
  }

  logLine(thread, level, category, message) {
    this.log.push(crowdLogLine(this.clock.now(), thread, level, category, message));
  }

  newToken(user) {
    // Newer Crowd tokens: base64url(16 random bytes + 8-byte directory id + username).
    const dir = Buffer.alloc(8);
    dir.writeBigUInt64BE(32769n);
    return Buffer.concat([this.rng.bytes(16), dir, Buffer.from(user)]).toString('base64url');
  }

  send(res, status, body, extra = {}) {
    const headers = { Date: httpDate(this.clock.now()), 'X-Embedded-Crowd-Version': 'Crowd/4.4.0', 'X-Crowd-User-Management-Version': '1.4', ...extra };
    if (body) {
      headers['Content-Type'] = 'application/xml';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    res.writeHead(status, headers);
    res.end(body || undefined);
  }

  error(res, status, reason, message) {
    this.send(res, status, `${XML_HEAD}<error><reason>${reason}</reason><message>${message}</message></error>`);
  }

  sessionXml(token, t) {
    const now = this.clock.now();
    return `${XML_HEAD}<session expand="user"><token>${token}</token><user name="${t.user}"><link rel="self" href="${this.publicUrl || this.url}/crowd/rest/usermanagement/1/user?username=${t.user}"/></user><created-date>${new Date(t.created).toISOString()}</created-date><expiry-date>${new Date(now + this.sessionTimeoutMs).toISOString()}</expiry-date></session>`;
  }

  expired(t) {
    return this.clock.now() - t.lastAccess > this.sessionTimeoutMs;
  }

  async handle(req, res) {
    const thread = `http-nio-8095-exec-${(this.threadNo++ % 25) + 1}`;
    const body = await readBody(req);
    const url = new URL(req.url, 'http://crowd');
    if (!url.pathname.startsWith(BASE)) return this.error(res, 404, 'NOT_FOUND', 'Not found');
    const token = decodeURIComponent(url.pathname.slice(BASE.length + 1));
    const now = this.clock.now();

    if (req.method === 'POST' && !token) {
      const user = tag(body, 'username');
      const checkPassword = url.searchParams.get('validate-password') !== 'false';
      if (!this.users[user] || (checkPassword && this.users[user] !== tag(body, 'password'))) {
        this.events.push({ at: now, op: 'create', user, ok: false });
        return this.error(res, 400, 'INVALID_USER_AUTHENTICATION', 'Account with name <' + user + '> failed to authenticate');
      }
      const address = this.clientAddress(parseFactors(body), thread);
      const t = this.newToken(user);
      this.tokens.set(t, { user, address, created: now, lastAccess: now });
      this.events.push({ at: now, op: 'create', user, address, ok: true, token: t });
      this.logLine(thread, 'INFO', 'crowd.manager.token.TokenAuthenticationManagerImpl', `Created token for user <${user}> bound to client address <${address}>`);
      return this.send(res, 201, this.sessionXml(t, this.tokens.get(t)), { Location: `${this.publicUrl || this.url}${BASE}/${t}` });
    }

    const t = this.tokens.get(token);
    if (req.method === 'DELETE') {
      this.tokens.delete(token);
      this.events.push({ at: now, op: 'invalidate', user: t?.user, ok: true });
      return this.send(res, 204);
    }
    if (req.method === 'POST') {
      if (!t || this.expired(t)) {
        if (t) this.tokens.delete(token);
        this.events.push({ at: now, op: 'validate', user: t?.user, ok: false, reason: t ? 'expired' : 'unknown' });
        return this.error(res, 404, 'INVALID_SSO_TOKEN', `Failed to find entity of type [com.atlassian.crowd.model.token.Token] with identifier [${token}]`);
      }
      const address = this.clientAddress(parseFactors(body), thread);
      if (address !== t.address) {
        this.events.push({ at: now, op: 'validate', user: t.user, ok: false, reason: 'mismatch', address, boundTo: t.address });
        return this.error(res, 400, 'INVALID_SSO_TOKEN', "Token doesn't match the existing token.");
      }
      t.lastAccess = now;
      this.events.push({ at: now, op: 'validate', user: t.user, ok: true, address });
      return this.send(res, 200, this.sessionXml(token, t));
    }
    return this.error(res, 405, 'UNSUPPORTED_OPERATION', 'Method not allowed');
  }
}
