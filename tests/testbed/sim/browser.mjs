// A browser model that drives the test bed's servers without Chromium, fast and deterministically, and
// keeps a trace of every exchange for the HAR writers (har-export.mjs).
//
// What it does like Chrome and Firefox: one cookie jar for the profile (cookie-jar.mjs, RFC 6265, ports
// ignored), redirects followed hop by hop (each hop its own entry; POST becomes GET on 301/302/303),
// page loads that fetch the page's stylesheet and script in parallel and then run the page's script
// (the issue page's dev-status poll, Confluence's notification count), XHRs, form posts, several tabs,
// a memory cache per tab and a disk cache per profile that replay stored responses (with their old
// X-AUSERNAME), keep-alive connections (ids, reuse, a new connection after the server's keep-alive
// timeout), name resolution with IPv6 first and IPv4 when IPv6 refuses (happy eyeballs, simplified), and
// each request's timings.
//
// Every request is a real HTTP request over loopback to the world's edge proxy, from the client's real
// source address (127.0.0.1, or ::1): the servers decide, for their real reasons, who the user is. Time is
// the world's SteppedClock: the model sets it to each request's simulated arrival before sending, and
// sends requests one at a time in the order of their simulated start, so the servers' handling order is
// the HAR's entry order and the same seed gives the same bytes. Parallel requests (a page's subresources,
// concurrent XHRs) overlap in simulated time: a request's Cookie header is what the jar held at its start,
// and a response's Set-Cookie takes effect at its end, so a request started before an earlier one's
// answer arrived still carries the old cookies, as in a browser.
//
// Limits (see tests/testbed/README.md): HTTP/1.1 only, no TLS (an https: URL is sent as plain HTTP to the
// edge, which stands for the TLS terminator; cookies see the https: scheme), no HTTP cache revalidation
// (304), no service workers, no JavaScript beyond the pages' known behaviours.
import http from 'node:http';
import { CookieJar } from './cookie-jar.mjs';
import { SeededRandom } from '../rand.mjs';


/** Chrome and Firefox as they send requests over HTTP/1.1 (header order and casing as on the wire). */
export const PROFILES = {
  chrome: {
    name: 'chrome',
    ua: (v) => `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`,
    versions: [130, 131, 132, 134, 136],
    accept: {
      document: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7',
      stylesheet: 'text/css,*/*;q=0.1',
      script: '*/*',
      image: 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8',
      xhr: '*/*',
    },
    language: 'en-US,en;q=0.9',
    encoding: (https) => (https ? 'gzip, deflate, br, zstd' : 'gzip, deflate'),
  },
  firefox: {
    name: 'firefox',
    ua: (v) => `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`,
    versions: [115, 128, 131, 133],
    accept: {
      document: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      stylesheet: 'text/css,*/*;q=0.1',
      script: '*/*',
      image: 'image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5',
      xhr: '*/*',
    },
    language: 'en-US,en;q=0.5',
    encoding: (https) => (https ? 'gzip, deflate, br, zstd' : 'gzip, deflate'),
  },
};

const DEST = { document: 'document', stylesheet: 'style', script: 'script', image: 'image', xhr: 'empty' };

/**
 * Where public host names lead: `${host}:${port}` (the port the URL names, 443/80 when implicit) ->
 * {addresses: [ip, ...] (tried in order), port: () => the listening proxy's real port}.
 */
export class Network {
  constructor() {
    this.routes = new Map();
  }
  add(authority, addresses, port) {
    this.routes.set(authority, { addresses, port });
  }
  lookup(url) {
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    const r = this.routes.get(`${url.hostname}:${port}`);
    if (!r) throw new Error(`browser model: no route to ${url.hostname}:${port}`);
    return r;
  }
}

const decode = (s) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const attr = (tag, name) => {
  const m = tag.match(new RegExp(`\\s${name}="([^"]*)"`));
  return m ? decode(m[1]) : null;
};

/** What the model reads from a page: meta tags, subresources, forms and links (the test bed's HTML only). */
export function parsePage(html) {
  const meta = {};
  for (const m of html.matchAll(/<meta name="([^"]*)" content="([^"]*)">/g)) meta[m[1]] = decode(m[2]);
  const stylesheets = [...html.matchAll(/<link [^>]*rel="stylesheet"[^>]*>/g)].map((m) => attr(m[0], 'href'));
  const scripts = [...html.matchAll(/<script [^>]*src="[^"]*"[^>]*>/g)].map((m) => attr(m[0], 'src'));
  const forms = {};
  for (const f of html.matchAll(/<form ([^>]*)>([\s\S]*?)<\/form>/g)) {
    const fields = [];
    for (const i of f[2].matchAll(/<(input|textarea) ([^>]*)>/g)) {
      const name = attr(` ${i[2]}`, 'name');
      const type = attr(` ${i[2]}`, 'type') || (i[1] === 'textarea' ? 'textarea' : 'text');
      if (name) fields.push({ name, type, id: attr(` ${i[2]}`, 'id'), value: attr(` ${i[2]}`, 'value') ?? '' });
    }
    forms[attr(` ${f[1]}`, 'id')] = { action: attr(` ${f[1]}`, 'action'), fields };
  }
  const links = {};
  for (const a of html.matchAll(/<a ([^>]*)>/g)) {
    const id = attr(` ${a[1]}`, 'id');
    if (id) links[id] = attr(` ${a[1]}`, 'href');
  }
  const title = (html.match(/<title>([^<]*)<\/title>/) || [])[1];
  return { meta, stylesheets, scripts, forms, links, title: title ? decode(title) : '' };
}

export class SimBrowser {
  /**
   * @param {object} o
   * @param {'chrome'|'firefox'} o.kind
   * @param {import('../clock.mjs').SteppedClock} o.clock
   * @param {Network} o.network
   * @param {string} o.seed            seeds timings, connection ids, the browser version
   * @param {{v4: string, v6: string}} [o.client] the user's source addresses
   * @param {number} [o.keepAliveMs]   how long an idle connection stays usable (the servers' timeout)
   */
  constructor({ kind, clock, network, seed, client = { v4: '127.0.0.1', v6: '::1' }, keepAliveMs = 15_000 }) {
    this.profile = PROFILES[kind];
    this.kind = kind;
    this.clock = clock;
    this.network = network;
    this.rng = new SeededRandom(`${seed}:browser`);
    this.version = this.profile.versions[this.rng.int(this.profile.versions.length)];
    this.ua = this.profile.ua(this.version);
    this.client = { ...client };
    this.keepAliveMs = keepAliveMs;
    this.jar = new CookieJar({ keepCreation: kind === 'chrome' ? 'same-value' : 'always' });
    this.diskCache = new Map();
    this.connections = new Map(); // authority -> [{id, address, freeAt}]
    this.dnsUntil = new Map(); // host -> virtual ms until which the lookup is cached
    this.connectionSeq = 100_000 + this.rng.int(800_000);
    this.pageSeq = 0;
    this.seq = 0;
    this.trace = []; // exchanges, in order of start
    this.pages = []; // {id, tab, url, title, start, onContentLoad, onLoad}
    this.tabs = [];
    this.pendingCookies = []; // [{at, lines, url}] Set-Cookie lines that apply when their response arrives
  }

  /** A random duration in [lo, hi) ms with microsecond digits, like DevTools' timings. */
  ms(lo, hi) {
    return lo + this.rng.int(Math.round((hi - lo) * 1000)) / 1000;
  }

  newTab() {
    const tab = new Tab(this, this.tabs.length + 1);
    this.tabs.push(tab);
    return tab;
  }

  /** The simulated present: after everything every tab has done. */
  now() {
    return Math.max(this.clock.now(), ...this.tabs.map((t) => t.cursor));
  }

  /** The user does nothing for `ms` (virtual): time jumps. */
  async wait(ms) {
    this.advance(this.now());
    this.applyCookiesUntil(Infinity);
    await this.clock.skip(ms);
  }

  applyCookiesUntil(t) {
    this.pendingCookies.sort((a, b) => a.at - b.at);
    while (this.pendingCookies.length && this.pendingCookies[0].at <= t) {
      const p = this.pendingCookies.shift();
      for (const line of p.lines) this.jar.set(line, p.url, p.at);
    }
  }

  /** Move the simulated "now" forward to at least `t` (time never goes back). */
  advance(t) {
    this.clock.advanceTo(Math.round(t));
  }

  /**
   * One request, sent at simulated time `start`. Returns the exchange recorded in the trace.
   * @param {object} r {tab, page, method, url, headers (page-set, in order), body, kind, initiator,
   *                    referrer, start, navigation (a document request), cache (may be answered from cache)}
   */
  async exchange(r) {
    const url = new URL(r.url);
    const https = url.protocol === 'https:';
    this.applyCookiesUntil(r.start);
    const cached = r.cache ? this.cacheLookup(r.tab, url.href, r.start) : null;
    const ex = {
      seq: this.seq++,
      tab: r.tab.id,
      pageId: r.page?.id ?? null,
      kind: r.kind,
      method: r.method,
      url: url.href,
      initiator: r.initiator,
      start: r.start,
      https,
      fromCache: cached ? cached.where : null,
      loss: false,
    };
    const cookies = this.jar.forRequest(url, r.start);
    ex.requestCookies = cookies.map((c) => ({ ...c }));
    ex.requestHeaders = this.requestHeaders({ url, https, kind: r.kind, method: r.method, extra: r.headers || [], referrer: r.referrer, body: r.body, cookies, navigation: r.navigation, origin: r.origin });
    ex.postData = r.body !== undefined && r.body !== null ? { mimeType: r.contentType, text: r.body } : null;
    if (cached) {
      const s = cached.stored;
      Object.assign(ex, { status: s.status, statusText: s.statusText, responseHeaders: s.responseHeaders, body: s.body, mimeType: s.mimeType, address: s.address, port: s.port });
      ex.timings = cached.where === 'memory' ? { blocked: this.ms(0.1, 0.6), dns: -1, connect: -1, ssl: -1, send: 0, wait: this.ms(0.2, 1), receive: this.ms(0.05, 0.4) } : { blocked: this.ms(0.5, 3), dns: -1, connect: -1, ssl: -1, send: 0, wait: this.ms(1, 6), receive: this.ms(0.2, 2) };
      ex.end = r.start + Object.values(ex.timings).reduce((a, b) => a + Math.max(b, 0), 0);
      ex.setCookies = [];
      this.trace.push(ex);
      return ex;
    }
    // Connection: reuse an idle keep-alive connection of this origin, else open one (DNS, connect, TLS).
    const route = this.network.lookup(url);
    const authority = `${url.hostname}:${url.port || (https ? 443 : 80)}`;
    const pool = this.connections.get(authority) || [];
    this.connections.set(authority, pool);
    let conn = pool.find((c) => c.freeAt <= r.start && r.start - c.freeAt < this.keepAliveMs);
    const t = { blocked: this.ms(0.4, 4), dns: -1, connect: -1, ssl: -1, send: this.ms(0.05, 0.6) };
    let reply;
    if (conn) {
      reply = await this.send(conn.address, route.port(), ex, url, r.body, r.start + t.blocked + t.send);
      if (reply.refused) {
        pool.splice(pool.indexOf(conn), 1); // the server closed it (stopped listening): open a new one
        conn = null;
      }
    }
    if (!conn) {
      const cachedDns = (this.dnsUntil.get(url.hostname) || 0) > r.start;
      t.dns = cachedDns ? 0 : this.ms(1, 18);
      this.dnsUntil.set(url.hostname, r.start + 60_000);
      t.connect = this.ms(1.5, 25);
      if (https) {
        t.ssl = this.ms(8, 45);
        t.connect += t.ssl;
      }
      for (const address of route.addresses) {
        reply = await this.send(address, route.port(), ex, url, r.body, r.start + t.blocked + t.dns + t.connect + t.send);
        if (!reply.refused) {
          conn = { id: this.connectionSeq++, address, freeAt: 0 };
          pool.push(conn);
          break;
        }
        t.connect += this.ms(0.3, 2); // a refused attempt costs a round trip before the next address
      }
      if (!conn) throw new Error(`browser model: ${url.host} refused on every address`);
    }
    ex.connectionId = conn.id;
    ex.address = conn.address;
    ex.port = url.port || (https ? '443' : '80');
    Object.assign(ex, reply);
    const size = Buffer.byteLength(reply.body);
    const waitRange = { document: [35, 420], xhr: [12, 180], stylesheet: [4, 40], script: [4, 45], image: [3, 35] }[r.kind] || [10, 100];
    ex.timings = { ...t, wait: this.ms(...waitRange), receive: this.ms(0.1, 1.5) + size / 4000 };
    ex.end = r.start + Object.values(ex.timings).reduce((a, b) => a + Math.max(b, 0), 0) - Math.max(t.ssl, 0); // ssl is inside connect
    conn.freeAt = ex.end;
    const setCookies = reply.responseHeaders.filter(([n]) => n.toLowerCase() === 'set-cookie').map(([, v]) => v);
    ex.setCookies = setCookies;
    if (setCookies.length) this.pendingCookies.push({ at: ex.end, lines: setCookies, url });
    this.cacheStore(r.tab, url.href, ex);
    this.trace.push(ex);
    return ex;
  }

  /**
   * The real HTTP request, one at a time. The clock is set to the request's arrival first, so the
   * servers stamp it with that time. Returns {refused} or the response as received.
   */
  send(address, port, ex, url, body, arrival) {
    this.advance(arrival);
    const family = address.includes(':') ? 6 : 4;
    const headers = ex.requestHeaders.flat();
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: address, port, family, localAddress: family === 6 ? this.client.v6 : this.client.v4, method: ex.method, path: url.pathname + url.search, headers, setHost: false, agent: false },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            req.destroy();
            const raw = [];
            let loss = false;
            for (let i = 0; i < res.rawHeaders.length; i += 2) {
              // The apps' ground truth (app.mjs): noted here, never shown to a HAR.
              if (res.rawHeaders[i].toLowerCase().startsWith('x-testbed-')) loss ||= res.rawHeaders[i].toLowerCase() === 'x-testbed-loss';
              else raw.push([res.rawHeaders[i], res.rawHeaders[i + 1]]);
            }
            const type = (raw.find(([n]) => n.toLowerCase() === 'content-type') || [])[1] || '';
            resolve({ refused: false, status: res.statusCode, statusText: res.statusMessage, responseHeaders: raw, body: Buffer.concat(chunks).toString('utf8'), mimeType: type, loss });
          });
          res.on('error', reject);
        },
      );
      req.on('error', (err) => (err.code === 'ECONNREFUSED' ? resolve({ refused: true }) : reject(err)));
      req.end(body ?? undefined);
    });
  }

  /** Request headers in the order and casing each browser sends over HTTP/1.1. */
  requestHeaders({ url, https, kind, method, extra, referrer, body, cookies, navigation, origin }) {
    const p = this.profile;
    const h = [];
    const add = (n, v) => v !== null && v !== undefined && h.push([n, String(v)]);
    const cookie = cookies.length ? cookies.map((c) => `${c.name}=${c.value}`).join('; ') : null;
    const length = body !== undefined && body !== null ? Buffer.byteLength(body) : null;
    const fetchMeta = () => {
      if (!https) return; // Fetch Metadata and client hints go to secure origins only
      add('Sec-Fetch-Dest', DEST[kind] || 'empty');
      add('Sec-Fetch-Mode', navigation ? 'navigate' : kind === 'xhr' ? 'cors' : 'no-cors');
      add('Sec-Fetch-Site', referrer ? 'same-origin' : 'none');
      if (navigation) add('Sec-Fetch-User', '?1');
    };
    if (p.name === 'chrome') {
      add('Host', url.host);
      add('Connection', 'keep-alive');
      if (length !== null) add('Content-Length', length);
      if (navigation && method === 'POST') add('Cache-Control', 'max-age=0');
      if (https) {
        add('sec-ch-ua', `"Chromium";v="${this.version}", "Google Chrome";v="${this.version}", "Not?A_Brand";v="99"`);
        add('sec-ch-ua-mobile', '?0');
        add('sec-ch-ua-platform', '"Windows"');
      }
      for (const [n, v] of extra) add(n, v);
      if (navigation) add('Upgrade-Insecure-Requests', '1');
      if (origin) add('Origin', origin);
      if (navigation && length !== null) add('Content-Type', 'application/x-www-form-urlencoded');
      add('User-Agent', this.ua);
      if (!extra.some(([n]) => n.toLowerCase() === 'accept')) add('Accept', p.accept[kind] || '*/*');
      fetchMeta();
      add('Referer', referrer);
      add('Accept-Encoding', p.encoding(https));
      add('Accept-Language', p.language);
      add('Cookie', cookie);
    } else {
      add('Host', url.host);
      add('User-Agent', this.ua);
      if (!extra.some(([n]) => n.toLowerCase() === 'accept')) add('Accept', p.accept[kind] || '*/*');
      add('Accept-Language', p.language);
      add('Accept-Encoding', p.encoding(https));
      for (const [n, v] of extra) if (n.toLowerCase() !== 'accept') add(n, v);
      if (navigation && length !== null) add('Content-Type', 'application/x-www-form-urlencoded');
      if (length !== null) add('Content-Length', length);
      if (origin) add('Origin', origin);
      add('Connection', 'keep-alive');
      add('Referer', referrer);
      add('Cookie', cookie);
      if (navigation) add('Upgrade-Insecure-Requests', '1');
      fetchMeta();
      add('Priority', navigation ? 'u=0, i' : kind === 'stylesheet' ? 'u=2' : kind === 'image' ? 'u=5, i' : kind === 'script' ? 'u=2' : 'u=4');
    }
    // Chrome lists page-set headers (X-Requested-With, Accept, ...) before User-Agent, Firefox after its
    // defaults; an Accept set by the page replaces the default in both.
    return h;
  }

  // ---- caches -----------------------------------------------------------------------------------

  /** Responses with Cache-Control max-age (the static batch resources) are kept: per tab and per profile. */
  cacheStore(tab, href, ex) {
    const cc = (ex.responseHeaders.find(([n]) => n.toLowerCase() === 'cache-control') || [])[1] || '';
    const m = cc.match(/max-age=(\d+)/);
    if (ex.status !== 200 || !m || /no-store|no-cache/.test(cc)) return;
    const stored = { status: ex.status, statusText: ex.statusText, responseHeaders: ex.responseHeaders, body: ex.body, mimeType: ex.mimeType, address: ex.address, port: ex.port, until: ex.end + Number(m[1]) * 1000 };
    tab.memoryCache.set(href, stored);
    this.diskCache.set(href, stored);
  }

  /** Chrome answers from the tab's memory cache first, then the disk cache; Firefox from its HTTP cache. */
  cacheLookup(tab, href, at) {
    const mem = tab.memoryCache.get(href);
    if (mem && mem.until > at) return { where: 'memory', stored: mem };
    const disk = this.diskCache.get(href);
    if (disk && disk.until > at) {
      tab.memoryCache.set(href, disk);
      return { where: 'disk', stored: disk };
    }
    return null;
  }

  newPage(tab, url, start) {
    const page = { id: ++this.pageSeq, tab: tab.id, url, title: url, start, onContentLoad: -1, onLoad: -1 };
    this.pages.push(page);
    return page;
  }
}

/** The registrable domain of a URL (the last two labels: enough for the test bed's names). */
const site = (href) => new URL(href).hostname.split('.').slice(-2).join('.');

/** One tab: its current page, its memory cache, and the user's actions on it. */
export class Tab {
  constructor(browser, id) {
    this.browser = browser;
    this.id = id;
    this.memoryCache = new Map();
    this.page = null; // {id, url, doc: parsePage(...), nonce}
    this.cursor = 0; // simulated time at which this tab is next free
  }

  get b() {
    return this.browser;
  }

  /** When the tab's next action starts: after what it did, and not before now, plus the user's think time. */
  startAt(think = [300, 2500]) {
    return this.b.now() + this.b.ms(...think);
  }

  /**
   * A navigation: the document request and its redirects (each hop an entry), then the page's
   * subresources and its script's XHRs. Returns the final document exchange.
   */
  async navigate(href, { method = 'GET', body = null, referrer = null, think } = {}) {
    const b = this.b;
    let start = this.startAt(think);
    // Another site gets another renderer process: Chrome's memory cache stays behind (the disk cache
    // answers on the way back).
    if (this.page && site(this.page.url) !== site(href)) this.memoryCache.clear();
    const page = b.newPage(this, href, start);
    let url = new URL(href);
    let origin = method === 'POST' ? url.origin : null;
    let ex;
    for (let hop = 0; hop < 20; hop++) {
      ex = await b.exchange({ tab: this, page, method, url: url.href, body, contentType: body !== null ? 'application/x-www-form-urlencoded' : null, kind: 'document', initiator: { type: 'other' }, referrer, start, navigation: true, origin });
      const location = (ex.responseHeaders.find(([n]) => n.toLowerCase() === 'location') || [])[1];
      if (!(ex.status >= 300 && ex.status < 400 && location)) break;
      const next = new URL(location, url);
      if (ex.status !== 307 && ex.status !== 308) {
        method = 'GET';
        body = null;
        origin = null;
      }
      url = next;
      start = ex.end + b.ms(0.5, 3);
    }
    page.url = ex.url;
    const doc = /html/.test(ex.mimeType) ? parsePage(ex.body) : parsePage('');
    page.title = ex.url;
    this.page = { ...page, doc, nonce: Number(doc.meta['ajs-start-nonce'] || 0), url: ex.url };
    this.cursor = ex.end;
    // Subresources, in parallel, from the parser.
    const base = new URL(ex.url);
    const parsed = ex.end + b.ms(2, 15);
    const subs = [
      ...doc.stylesheets.map((h, i) => ({ href: new URL(h, base).href, kind: 'stylesheet', line: 5 + i })),
      ...doc.scripts.map((h, i) => ({ href: new URL(h, base).href, kind: 'script', line: 6 + doc.stylesheets.length + i })),
      ...(this.extraImages?.(this.page) || []).map((h, i) => ({ href: new URL(h, base).href, kind: 'image', line: 12 + i })),
    ];
    let end = parsed;
    if (subs.length) {
      const got = await this.parallel(
        subs.map((s, i) => ({ method: 'GET', url: s.href, kind: s.kind, cache: true, offset: i * b.ms(0.2, 2), initiator: { type: 'parser', url: ex.url, lineNumber: s.line } })),
        parsed,
      );
      end = Math.max(...got.map((g) => g.end));
    }
    page.onContentLoad = end - page.start + b.ms(1, 12);
    page.onLoad = page.onContentLoad + b.ms(0.5, 6);
    this.cursor = page.start + page.onLoad;
    // The page's script: its first poll on DOMContentLoaded (pages.mjs AJS.ready), plus what the page also
    // fetches at that moment (the matrix's noise: more XHRs in parallel).
    await this.pageScript();
    return ex;
  }

  /** Requests started together (offsets in ms from `at`); each is answered in its own time. */
  async parallel(specs, at = this.startAt([0, 0])) {
    const b = this.b;
    const out = [];
    const sorted = specs.map((s, i) => ({ ...s, start: at + (s.offset || 0), i })).sort((x, y) => x.start - y.start || x.i - y.i);
    for (const s of sorted) {
      out.push(await b.exchange({ tab: this, page: this.page, referrer: this.page?.url, ...s }));
    }
    this.cursor = Math.max(this.cursor, ...out.map((e) => e.end));
    return out;
  }

  /** The page script's XHRs at load: the poll (if the page has one) and any extra calls noise adds. */
  async pageScript() {
    const calls = [];
    const poll = this.pollSpec();
    if (poll) calls.push(poll);
    for (const extra of this.extraXhrs?.(this.page) || []) calls.push(this.xhrSpec(extra));
    if (!calls.length) return [];
    const at = this.cursor + this.b.ms(1, 20);
    return this.parallel(calls.map((c, i) => ({ ...c, offset: i ? this.b.ms(0.1, 4) * i : 0 })), at);
  }

  jsUrl() {
    return this.page?.doc.scripts[0] ? new URL(this.page.doc.scripts[0], this.page.url).href : this.page?.url;
  }

  /** An XHR as pages.mjs's AJS.xhr sends it (X-Requested-With, jQuery's Accept). */
  xhrSpec({ method = 'GET', path, json, headers = [], bust = method === 'GET', image = false }) {
    const ctx = this.page.doc.meta['ajs-context-path'] ?? '';
    let url = new URL(ctx + path, this.page.url).href;
    if (image) return { method: 'GET', url, kind: 'image', cache: true, initiator: { type: 'parser', url: this.page.url, lineNumber: 14 } };
    if (bust) url += `${url.includes('?') ? '&' : '?'}_=${this.page.nonce++}`;
    const h = [['X-Requested-With', 'XMLHttpRequest'], ['Accept', 'application/json, text/javascript, */*; q=0.01'], ...headers];
    const body = json === undefined ? null : JSON.stringify(json);
    if (body !== null && !h.some(([n]) => n.toLowerCase() === 'content-type')) h.push(['Content-Type', 'application/json']);
    const line = method === 'GET' ? 5 : 10;
    return {
      method,
      url,
      kind: 'xhr',
      body,
      contentType: body !== null ? 'application/json' : null,
      headers: h,
      origin: method === 'GET' ? null : new URL(this.page.url).origin,
      initiator: { type: 'script', stack: { callFrames: [{ functionName: '', scriptId: String(20 + this.id), url: this.jsUrl(), lineNumber: line, columnNumber: 173 }] } },
    };
  }

  pollSpec() {
    const m = this.page?.doc.meta || {};
    if (m['ajs-issue-id']) return this.xhrSpec({ path: `/rest/dev-status/1.0/issue/summary?issueId=${m['ajs-issue-id']}` });
    if (m['ajs-page-id']) return this.xhrSpec({ path: '/rest/mywork/latest/status/notification/count' });
    return null;
  }

  /** The page's poll (pages.mjs AJS.poll), with the noise's extra calls when it asks for them. */
  async poll({ extras = [] } = {}) {
    const calls = [];
    const p = this.pollSpec();
    if (p) calls.push(p);
    for (const e of extras) calls.push(this.xhrSpec(e));
    if (!calls.length) return [];
    return this.parallel(calls.map((c, i) => ({ ...c, offset: i ? this.b.ms(0.1, 4) * i : 0 })), this.startAt([50, 1500]));
  }

  /** One XHR from the page's script (REST calls, noise). */
  async xhr(spec) {
    const [ex] = await this.parallel([this.xhrSpec(spec)], this.startAt([100, 3000]));
    return ex;
  }

  async open(url) {
    return this.navigate(url, { referrer: null });
  }

  onLoginPage() {
    return /\/login\.(jsp|action)/.test(this.page?.url || '');
  }

  /** Fill and post a form of the current page (fields by name), as the browser encodes it. */
  async submitForm(formId, values, { think = [2000, 9000] } = {}) {
    const form = this.page.doc.forms[formId];
    if (!form) throw new Error(`browser model: no form #${formId} on ${this.page.url}`);
    const params = new URLSearchParams();
    for (const f of form.fields) {
      if (f.type === 'submit') continue;
      if (f.type === 'checkbox') {
        if (values[f.name]) params.append(f.name, f.value);
        continue;
      }
      params.append(f.name, values[f.name] ?? f.value);
    }
    const action = new URL(form.action, this.page.url).href;
    return this.navigate(action, { method: 'POST', body: params.toString(), referrer: this.page.url, think });
  }

  async submitLogin({ remember = false, user = 'v3ry8', password = 'Kangaroo-42' } = {}) {
    return this.submitForm('login-form', { os_username: user, os_password: password, os_cookie: remember });
  }

  async loginIfAsked(opts) {
    if (this.onLoginPage()) return this.submitLogin(opts);
    return null;
  }

  async commentRest(text) {
    const key = this.page.doc.meta['ajs-issue-key'];
    return this.xhr({ method: 'POST', path: `/rest/api/2/issue/${key}/comment`, json: { body: text }, headers: [['Content-Type', 'application/json'], ['X-Atlassian-Token', 'no-check']], bust: false });
  }

  async commentForm(text, opts) {
    return this.submitForm('issue-comment-add', { comment: text }, opts);
  }

  async clickLink(id) {
    const href = this.page.doc.links[id];
    if (!href) throw new Error(`browser model: no link #${id} on ${this.page.url}`);
    return this.navigate(new URL(href, this.page.url).href, { referrer: this.page.url });
  }
}
