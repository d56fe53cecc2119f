// The app-side Crowd REST client (what Jira's embedded Crowd SSO client does), over real HTTP on
// loopback, writing Apache HttpClient wire DEBUG lines (domain.md section 5) to the app's log.
import http from 'node:http';
import { factorsXml } from './crowd.mjs';
import { wireEscape } from './logs.mjs';

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

export class CrowdClient {
  /**
   * @param {object} o
   * @param {() => string} o.baseUrl  e.g. http://127.0.0.1:8095 (a function: Crowd may start later)
   * @param {string} o.hostHeader      what the wire log shows as Host (crowd.example.test:8095)
   * @param {string} o.appName         application name/password Crowd knows the app by
   */
  constructor({ baseUrl, hostHeader, appName, appPassword = 'app-secret' }) {
    Object.assign(this, { baseUrl, hostHeader, appName, appPassword });
    this.connections = 0;
  }

  /** The two validation factors the client sends (domain.md section 2). */
  static factors(remote, xff) {
    const f = [{ name: 'remote_address', value: remote }];
    if (xff && xff !== remote) f.push({ name: 'X-Forwarded-For', value: xff });
    return f;
  }

  authenticate(user, password, factors, log) {
    const withPassword = password !== null;
    const body = `${XML_HEAD}<authentication-context><username>${user}</username><password>${withPassword ? password : ''}</password>${factorsXml(factors)}</authentication-context>`;
    return this.call('POST', `/crowd/rest/usermanagement/1/session?validate-password=${withPassword}&expand=user`, body, log);
  }

  validate(token, factors, log) {
    return this.call('POST', `/crowd/rest/usermanagement/1/session/${token}?expand=user`, `${XML_HEAD}${factorsXml(factors)}`, log);
  }

  invalidate(token, log) {
    return this.call('DELETE', `/crowd/rest/usermanagement/1/session/${token}`, null, log);
  }

  /** One request on a new connection, logged as HttpClient logs it. Resolves {status, body}. */
  call(method, path, body, log) {
    const n = this.connections++;
    const wire = (dir, text) => log('DEBUG', 'o.apache.http.wire', `http-outgoing-${n} ${dir} "${wireEscape(text)}"`);
    const url = new URL(path, this.baseUrl());
    const headers = {
      Accept: 'application/xml',
      ...(body ? { 'Content-Type': 'application/xml; charset=UTF-8', 'Content-Length': Buffer.byteLength(body) } : {}),
      Host: this.hostHeader,
      Connection: 'Keep-Alive',
      'User-Agent': 'Apache-HttpClient/4.5.13 (Java/11.0.11)',
      'Accept-Encoding': 'gzip,deflate',
      Authorization: 'Basic ' + Buffer.from(`${this.appName}:${this.appPassword}`).toString('base64'),
    };
    log('DEBUG', 'o.a.h.c.protocol.RequestAddCookies', 'CookieSpec selected: default');
    wire('>>', `${method} ${url.pathname}${url.search} HTTP/1.1\r\n`);
    for (const [k, v] of Object.entries(headers)) wire('>>', `${k}: ${v}\r\n`);
    wire('>>', '\r\n');
    if (body) wire('>>', body);
    return new Promise((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers, agent: false }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          wire('<<', `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`);
          for (let i = 0; i < res.rawHeaders.length; i += 2) wire('<<', `${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`);
          wire('<<', '\r\n');
          if (text) wire('<<', text);
          resolve({ status: res.statusCode, body: text });
        });
      });
      req.on('error', reject);
      req.end(body || undefined);
    });
  }
}

export const xmlTag = (xml, name) => (xml.match(new RegExp(`<${name}>([^<]*)</${name}>`)) || [])[1];
export const sessionUser = (xml) => (xml.match(/<user name="([^"]*)"/) || [])[1];
