// Another application the user has open in the recorded tab (the matrix's noise): a company portal with
// its own session cookie, cached static files, a JSON feed and an API that answers 401 for its own
// reasons. Nothing here is Atlassian: a diagnosis must not read its 401s and cookies as a lost session.
import { createServer, listen, closeServer, readBody, httpDate } from '../http-util.mjs';

const CSS = 'body{font:14px sans-serif}.tile{display:inline-block;margin:8px}\n';
const JS = '(function(){var x=new XMLHttpRequest();x.open("GET","/api/news");x.send();})();\n';

export class OtherSite {
  constructor({ clock, rng, host = '127.0.1.50', port = 0 }) {
    Object.assign(this, { clock, rng, host, port });
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

  async handle(req, res) {
    await readBody(req);
    const url = new URL(req.url, 'http://portal');
    const headers = [['Date', httpDate(this.clock.now())], ['Server', 'nginx'], ['X-Request-Id', this.rng.hex(16)]];
    const send = (status, type, body, extra = []) => {
      const b = Buffer.from(body);
      res.writeHead(status, [...headers, ...extra, ...(type ? [['Content-Type', type]] : []), ['Content-Length', String(b.length)]].flat());
      res.end(b);
    };
    if (url.pathname === '/' || url.pathname === '/home') {
      const hasSession = /PORTALSESSION=/.test(req.headers.cookie || '');
      const extra = [['Cache-Control', 'no-store']];
      if (!hasSession) extra.push(['Set-Cookie', `PORTALSESSION=${this.rng.hex(24)}; Path=/; Secure; HttpOnly; SameSite=Lax`]);
      return send(200, 'text/html; charset=utf-8', '<!DOCTYPE html><html><head><title>Portal</title><link rel="stylesheet" href="/static/portal.css"><script src="/static/portal.js"></script></head><body><div class="tile">News</div></body></html>', extra);
    }
    if (url.pathname === '/static/portal.css') return send(200, 'text/css', CSS, [['Cache-Control', 'public, max-age=86400']]);
    if (url.pathname === '/static/portal.js') return send(200, 'application/javascript', JS, [['Cache-Control', 'public, max-age=86400']]);
    if (url.pathname === '/api/news') return send(200, 'application/json', JSON.stringify({ items: [{ id: 1, title: 'Canteen closed on Friday' }] }), [['Cache-Control', 'no-cache']]);
    if (url.pathname === '/api/me') return send(401, 'application/json', '{"error":"unauthorized","message":"token expired"}', [['WWW-Authenticate', 'Bearer realm="portal", error="invalid_token"']]);
    return send(404, 'text/html', '<html><body>Not found</body></html>');
  }
}
