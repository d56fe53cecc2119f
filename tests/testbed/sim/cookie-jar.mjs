// The browser model's cookie store, after RFC 6265 section 5 as Chrome and Firefox apply it: host-only and
// domain cookies, default-path, Path matching and the Cookie header's order (longer paths first, then
// older cookies first), Max-Age over Expires, deletion by a past expiry, replacement keeping the creation
// time (RFC 6265 5.3 and Firefox's CookieStorage: "preserve creation time of cookie for ordering
// purposes"; Chromium's CookieMonster only when the value is unchanged, which the recordings in
// tests/fixtures/testbed show), Secure cookies refused from http: origins (both browsers' "strict secure
// cookies"). Ports are not
// part of a cookie's identity: two apps on one host with different ports share one jar, which is what
// makes the port form of session-cookie-collision real.
import net from 'node:net';

/** One parsed Set-Cookie line: {name, value, attrs: {expires?, maxAge?, domain?, path?, secure, httpOnly, sameSite?}}. */
export function parseSetCookie(line) {
  const parts = line.split(';');
  const pair = parts.shift();
  const eq = pair.indexOf('=');
  if (eq < 0) return null; // RFC 6265 5.2 step 2: no "=": ignore the line
  const name = pair.slice(0, eq).trim();
  const value = pair.slice(eq + 1).trim();
  if (!name) return null;
  const attrs = { secure: false, httpOnly: false };
  for (const raw of parts) {
    const i = raw.indexOf('=');
    const key = (i < 0 ? raw : raw.slice(0, i)).trim().toLowerCase();
    const val = i < 0 ? '' : raw.slice(i + 1).trim();
    if (key === 'expires') {
      const t = Date.parse(val);
      if (!Number.isNaN(t)) attrs.expires = t;
    } else if (key === 'max-age') {
      if (/^-?\d+$/.test(val)) attrs.maxAge = Number(val);
    } else if (key === 'domain') {
      if (val) attrs.domain = val.replace(/^\./, '').toLowerCase();
    } else if (key === 'path') {
      attrs.path = val.startsWith('/') ? val : undefined;
    } else if (key === 'secure') attrs.secure = true;
    else if (key === 'httponly') attrs.httpOnly = true;
    else if (key === 'samesite') attrs.sameSite = val;
  }
  return { name, value, attrs };
}

/** RFC 6265 5.1.3: `host` domain-matches `domain`. */
export function domainMatch(host, domain) {
  if (host === domain) return true;
  return !net.isIP(host) && host.endsWith(`.${domain}`);
}

/** RFC 6265 5.1.4: the default path of a request path. */
export function defaultPath(path) {
  if (!path.startsWith('/')) return '/';
  const last = path.lastIndexOf('/');
  return last <= 0 ? '/' : path.slice(0, last);
}

/** RFC 6265 5.1.4: `reqPath` path-matches `cookiePath`. */
export function pathMatch(reqPath, cookiePath) {
  if (reqPath === cookiePath) return true;
  if (!reqPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || reqPath[cookiePath.length] === '/';
}

export class CookieJar {
  /**
   * @param {object} [o]
   * @param {'always'|'same-value'} [o.keepCreation] when a replaced cookie's creation time (its place in the
   *        Cookie header among cookies of the same path length) carries over: 'always' (RFC 6265, Firefox)
   *        or only for an unchanged value ('same-value', Chrome: a new session id moves to the end)
   */
  constructor({ keepCreation = 'always' } = {}) {
    this.cookies = []; // {name, value, domain, path, hostOnly, secure, httpOnly, sameSite, expiry|null, created, seq}
    this.seq = 0;
    this.keepCreation = keepCreation;
  }

  /**
   * Apply one Set-Cookie line received from `url` at virtual time `now`. Returns {stored, reason}: the
   * reason says why a cookie was refused ("domain", "secure") or deleted ("expired").
   */
  set(line, url, now) {
    const c = parseSetCookie(line);
    if (!c) return { stored: false, reason: 'unparsable' };
    const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
    const secureOrigin = url.protocol === 'https:';
    let domain = host;
    let hostOnly = true;
    if (c.attrs.domain) {
      if (!domainMatch(host, c.attrs.domain)) return { stored: false, reason: 'domain', cookie: c };
      domain = c.attrs.domain;
      hostOnly = false;
    }
    if (c.attrs.secure && !secureOrigin) return { stored: false, reason: 'secure', cookie: c };
    const path = c.attrs.path || defaultPath(url.pathname);
    let expiry = null;
    if (c.attrs.maxAge !== undefined) expiry = c.attrs.maxAge <= 0 ? -Infinity : now + c.attrs.maxAge * 1000;
    else if (c.attrs.expires !== undefined) expiry = c.attrs.expires;
    const same = (x) => x.name === c.name && x.domain === domain && x.path === path;
    const old = this.cookies.find(same);
    // An http: origin may not overwrite a Secure cookie (RFC 6265bis "Leave Secure Cookies Alone").
    if (old && old.secure && !secureOrigin) return { stored: false, reason: 'secure', cookie: c };
    this.cookies = this.cookies.filter((x) => !same(x));
    if (expiry !== null && expiry <= now) return { stored: false, reason: 'expired', cookie: c };
    const inherit = old && (this.keepCreation === 'always' || old.value === c.value);
    this.cookies.push({
      name: c.name,
      value: c.value,
      domain,
      path,
      hostOnly,
      secure: c.attrs.secure,
      httpOnly: c.attrs.httpOnly,
      sameSite: c.attrs.sameSite,
      expiry,
      created: inherit ? old.created : now,
      seq: inherit ? old.seq : this.seq++,
    });
    return { stored: true, cookie: c };
  }

  /** The cookies a request to `url` carries at `now`, in the Cookie header's order (RFC 6265 5.4). */
  forRequest(url, now) {
    const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
    const secure = url.protocol === 'https:';
    this.cookies = this.cookies.filter((c) => c.expiry === null || c.expiry > now);
    return this.cookies
      .filter((c) => (c.hostOnly ? host === c.domain : domainMatch(host, c.domain)) && pathMatch(url.pathname, c.path) && (!c.secure || secure))
      .sort((a, b) => b.path.length - a.path.length || a.created - b.created || a.seq - b.seq);
  }

  header(url, now) {
    const list = this.forRequest(url, now);
    return list.length ? list.map((c) => `${c.name}=${c.value}`).join('; ') : null;
  }
}
