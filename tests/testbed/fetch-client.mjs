// A minimal browser stand-in for the checks that need no real browser: Node's fetch, manual
// redirects, and a cookie jar that applies Domain, Secure (on http: such cookies are refused, as
// Chromium does) and Max-Age=0 deletion. One host per client.
export class FetchClient {
  /** @param {string} origin e.g. http://127.0.0.1:4711 ; @param {string} host the name the user types */
  constructor(origin, host = 'jira.example.test') {
    this.origin = origin;
    this.host = host;
    this.jar = new Map();
  }

  store(setCookies) {
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      const a = Object.fromEntries(attrs.map((x) => x.split('=')).map(([k, v]) => [k.toLowerCase(), v ?? true]));
      if (a.secure) continue; // http: origin
      if (a.domain && !`.${this.host}`.endsWith(a.domain.startsWith('.') ? a.domain : `.${a.domain}`)) continue;
      if (a['max-age'] === '0') this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  /** One request; returns {status, headers, text, user}. Redirects are not followed. */
  async request(method, path, { form, json, headers = {} } = {}) {
    const h = { 'User-Agent': 'testbed-check', ...headers };
    if (this.jar.size) h.Cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body;
    if (form) {
      body = new URLSearchParams(form).toString();
      h['Content-Type'] = 'application/x-www-form-urlencoded';
    } else if (json) {
      body = JSON.stringify(json);
      h['Content-Type'] = 'application/json';
    }
    const res = await fetch(this.origin + path, { method, headers: h, body, redirect: 'manual' });
    this.store(res.headers.getSetCookie());
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, user: res.headers.get('x-ausername'), loss: res.headers.has('x-testbed-loss') };
  }

  get(path, o) {
    return this.request('GET', path, o);
  }

  /** Jira login form post. */
  login(ctx, user = 'v3ry8', password = 'Kangaroo-42', loginPath = '/login.jsp') {
    return this.request('POST', `${ctx}${loginPath}`, { form: { os_username: user, os_password: password, os_destination: '/browse/APS-3982' } });
  }
}
