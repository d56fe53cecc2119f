// Small helpers shared by the simulated servers (Node's built-in http only).
import http from 'node:http';

export function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Cookie header -> ordered [name, value] pairs (a name can repeat: Chrome sends both). */
export function parseCookies(header) {
  if (!header) return [];
  return header
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const i = p.indexOf('=');
      return i < 0 ? [p, ''] : [p.slice(0, i), p.slice(i + 1)];
    });
}

export function cookie(pairs, name) {
  const hit = pairs.find(([n]) => n === name);
  return hit ? hit[1] : undefined;
}

/** Tomcat-style Set-Cookie value. */
export function setCookie(name, value, { path = '/', domain, maxAge, expires, httpOnly = true, secure = false } = {}) {
  let s = `${name}=${value}`;
  if (maxAge !== undefined) s += `; Max-Age=${maxAge}`;
  if (expires !== undefined) s += `; Expires=${new Date(expires).toUTCString().replace(/ GMT$/, ' GMT')}`;
  if (domain) s += `; Domain=${domain}`;
  s += `; Path=${path}`;
  if (secure) s += '; Secure';
  if (httpOnly) s += '; HttpOnly';
  return s;
}

/** IPv4-mapped IPv6 (::ffff:127.0.0.1) as the plain IPv4 address, like Tomcat reports it. */
export function peerAddress(socket) {
  const a = socket.remoteAddress || '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

/** Start an http.Server; resolves to {host, port}. */
export function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const a = server.address();
      resolve({ host, port: a.port });
    });
  });
}

export function closeServer(server) {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export function createServer(handler) {
  const server = http.createServer({ keepAliveTimeout: 5000 }, (req, res) => {
    Promise.resolve(handler(req, res)).catch((err) => {
      console.error('testbed server error', err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  return server;
}

export function httpDate(ms) {
  return new Date(ms).toUTCString();
}
