// A reverse proxy hop: forwards to an upstream over a new loopback connection from a chosen local
// address (127.0.0.0/8 all routes to lo on Linux), appending the peer it saw to X-Forwarded-For,
// as Apache/nginx/LBs do. `setLocalAddress` makes the hop "get a new IP" between requests: the
// KB case (domain.md section 1).
import http from 'node:http';
import { createServer, listen, closeServer, peerAddress } from './http-util.mjs';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

export class ReverseProxy {
  /**
   * @param {object} o
   * @param {string} o.name
   * @param {string} [o.host] listen address
   * @param {number} [o.port]
   * @param {(req) => {host: string, port: number}} o.upstream  where to send a request
   * @param {string} o.localAddress  source address of upstream connections
   * @param {string} [o.via]  Via header value to add (only edges that really add one)
   * @param {boolean} [o.foldRepeated] combine repeated response header lines into one comma-separated
   *                            line (RFC 9110 section 5.3 allows it, Set-Cookie excepted), as proxies that
   *                            keep headers in a map do: X-Seraph-LoginReason "OUT" and "OK" become "OUT, OK"
   */
  constructor({ name, host = '127.0.0.1', port = 0, upstream, localAddress, via, hosts = [host], foldRepeated = false }) {
    Object.assign(this, { name, host, port, upstream, localAddress, via, hosts, foldRepeated });
    this.servers = hosts.map(() => createServer((req, res) => this.forward(req, res)));
    this.seen = []; // {peer, xffOut} per request, for the checks
  }

  async start() {
    for (let i = 0; i < this.servers.length; i++) {
      const a = await listen(this.servers[i], this.port, this.hosts[i]);
      this.port = a.port;
    }
    return { host: this.host, port: this.port };
  }

  close() {
    return Promise.all(this.servers.map(closeServer));
  }

  /** Stop answering on one listen address (e.g. the user's IPv6 path breaks), dropping open connections. */
  async stopListening(host) {
    const i = this.hosts.indexOf(host);
    await closeServer(this.servers[i]);
  }

  async resumeListening(host) {
    const i = this.hosts.indexOf(host);
    this.servers[i] = createServer((req, res) => this.forward(req, res));
    await listen(this.servers[i], this.port, host);
  }

  /** Drop kept-alive browser connections so the next request opens a new one. */
  dropConnections() {
    for (const s of this.servers) s.closeIdleConnections();
  }

  setLocalAddress(addr) {
    this.localAddress = addr;
  }

  forward(req, res) {
    const peer = peerAddress(req.socket);
    const headers = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k)) headers[k] = v;
    headers['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${req.headers['x-forwarded-for']}, ${peer}` : peer;
    if (this.via) headers.via = req.headers.via ? `${req.headers.via}, ${this.via}` : this.via;
    const target = this.upstream(req);
    this.seen.push({ peer, xffOut: headers['x-forwarded-for'], localAddress: this.localAddress, target: target.port });
    const up = http.request({ host: target.host, port: target.port, method: req.method, path: req.url, headers, localAddress: this.localAddress, agent: false }, (ur) => {
      const out = [];
      for (let i = 0; i < ur.rawHeaders.length; i += 2) if (!HOP_BY_HOP.has(ur.rawHeaders[i].toLowerCase())) out.push(ur.rawHeaders[i], ur.rawHeaders[i + 1]);
      res.writeHead(ur.statusCode, this.foldRepeated ? fold(out) : out);
      ur.pipe(res);
    });
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end('Bad Gateway');
    });
    req.pipe(up);
  }
}

/** Raw header list [name, value, ...] with repeated names (except Set-Cookie) joined into the first line. */
function fold(raw) {
  const out = [];
  const at = new Map();
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i].toLowerCase();
    if (key !== 'set-cookie' && at.has(key)) out[at.get(key) + 1] += `, ${raw[i + 1]}`;
    else {
      at.set(key, out.length);
      out.push(raw[i], raw[i + 1]);
    }
  }
  return out;
}
