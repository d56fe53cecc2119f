// HAR files from the browser model's trace, written the way the real tools write them:
//
// - `chrome`: Chrome DevTools' "Export HAR (with sensitive data)", after devtools-frontend's
//   front_end/models/har/Log.ts and Writer.ts: creator WebInspector, entries sorted by start, pages
//   `page_N` (one per main-frame navigation, titled with its URL), `_initiator`, `_priority`,
//   `_resourceType`, `connection` (the remote port) and `_connectionId`, `_fromCache` "memory"/"disk",
//   HTTP/1.1 headers as sent and received (order and casing), request and response cookie objects with
//   their attributes, `_transferSize`, `_error`, timings with `_blocked_queueing` and the service-worker
//   fields, two-space indentation.
// - `chrome-sanitized`: the same export with Chrome 130+'s default "Export HAR (sanitized)": no Cookie,
//   Set-Cookie or Authorization headers and empty cookie arrays (post data stays, as in Chrome).
// - `firefox`: Firefox's netmonitor "Save All As HAR", after devtools/client/netmonitor/src/har/
//   har-builder.js: creator and browser Firefox, one page, startedDateTime in local time with the zone
//   offset, cookies as name/value pairs, integer timings with 0 (not -1) for unused phases, cache hits with
//   zero timings and no serverIPAddress, `cache.afterRequest` only for 304s, `_securityState`, repeated
//   headers (several Set-Cookie) one entry per line, MIME types without parameters.
//
// A DevTools export holds the requests of the tab where DevTools was open: `tab` (default 1). Requests of
// other tabs reached the servers but are not in the file.

const BODY_LIMIT = 4096;

const PRIORITY = { document: 'VeryHigh', stylesheet: 'VeryHigh', script: 'High', xhr: 'High', image: 'Low' };
const FF_PRIORITY = { document: 'Highest', stylesheet: 'Highest', script: 'Low', xhr: 'Normal', image: 'Low' };

const hdrs = (list) => list.map(([name, value]) => ({ name, value }));
const mimeOf = (type) => (type ? type.split(';')[0].trim() : '');
const bytes = (s) => Buffer.byteLength(s || '');
const round3 = (n) => Math.round(n * 1000) / 1000;

function queryString(url) {
  const out = [];
  for (const [name, value] of new URL(url).searchParams) out.push({ name, value });
  return out;
}

function requestHead(ex) {
  const u = new URL(ex.url);
  return `${ex.method} ${u.pathname}${u.search} HTTP/1.1\r\n${ex.requestHeaders.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
}

function responseHead(ex) {
  return `HTTP/1.1 ${ex.status} ${ex.statusText}\r\n${ex.responseHeaders.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
}

/** Set-Cookie line -> Chrome's cookie object (DevTools' CookieParser: attributes as written). */
function chromeSetCookie(line, ex) {
  const parts = line.split(';').map((s) => s.trim());
  const [pair, ...attrs] = parts;
  const eq = pair.indexOf('=');
  const c = { name: pair.slice(0, eq), value: pair.slice(eq + 1), path: '', domain: '', expires: null, httpOnly: false, secure: false };
  for (const a of attrs) {
    const i = a.indexOf('=');
    const k = (i < 0 ? a : a.slice(0, i)).toLowerCase();
    const v = i < 0 ? '' : a.slice(i + 1);
    if (k === 'path') c.path = v;
    else if (k === 'domain') c.domain = v;
    else if (k === 'max-age') c.expires = new Date(ex.end + Number(v) * 1000).toISOString();
    else if (k === 'expires' && c.expires === null) c.expires = new Date(Date.parse(v)).toISOString();
    else if (k === 'httponly') c.httpOnly = true;
    else if (k === 'secure') c.secure = true;
    else if (k === 'samesite') c.sameSite = v;
  }
  return c;
}

function chromeRequestCookie(c) {
  const out = { name: c.name, value: c.value, path: c.path, domain: c.hostOnly ? c.domain : `.${c.domain}`, expires: c.expiry === null ? null : new Date(c.expiry).toISOString(), httpOnly: c.httpOnly, secure: c.secure };
  if (c.sameSite) out.sameSite = c.sameSite;
  return out;
}

function postData(ex, { params }) {
  if (!ex.postData) return undefined;
  const out = { mimeType: ex.postData.mimeType, text: ex.postData.text };
  if (params && /x-www-form-urlencoded/.test(ex.postData.mimeType)) out.params = [...new URLSearchParams(ex.postData.text)].map(([name, value]) => ({ name, value }));
  return out;
}

/** Chrome DevTools' export of tab `tab`; `sanitized` = Chrome 130+'s default export. */
export function chromeHar(browser, { sanitized = false, tab = 1 } = {}) {
  const entries = browser.trace.filter((ex) => ex.tab === tab).sort((a, b) => a.start - b.start || a.seq - b.seq);
  const used = new Set(entries.map((ex) => ex.pageId));
  const pages = browser.pages
    .filter((p) => used.has(p.id))
    .sort((a, b) => a.start - b.start)
    .map((p) => ({ startedDateTime: new Date(p.start).toISOString(), id: `page_${p.id}`, title: p.title, pageTimings: { onContentLoad: round3(p.onContentLoad), onLoad: round3(p.onLoad) } }));
  const out = entries.map((ex) => chromeEntry(ex, sanitized));
  return { log: { version: '1.2', creator: { name: 'WebInspector', version: '537.36' }, pages, entries: out } };
}

function chromeEntry(ex, sanitized) {
  const memory = ex.fromCache === 'memory';
  const cached = !!ex.fromCache;
  // A cache hit sends nothing: DevTools shows the provisional headers, without a head to measure.
  const reqHeaders = cached ? ex.requestHeaders.filter(([n]) => /^(referer|user-agent|x-requested-with|accept|sec-ch-ua.*|upgrade-insecure-requests)$/i.test(n)) : ex.requestHeaders;
  const reqHead = cached ? null : requestHead(ex);
  const resHead = cached ? null : responseHead(ex);
  const bodyBytes = bytes(ex.body);
  const t = ex.timings;
  const timings = { blocked: round3(t.blocked), dns: round3(t.dns), ssl: round3(t.ssl), connect: round3(t.connect), send: round3(t.send), wait: round3(t.wait), receive: round3(t.receive), _blocked_queueing: round3(t.blocked * 0.8) };
  if (!memory) Object.assign(timings, { _workerStart: -1, _workerReady: -1, _workerFetchStart: -1, _workerRespondWithSettled: -1 });
  const time = round3(['blocked', 'dns', 'connect', 'send', 'wait', 'receive'].reduce((s, k) => s + Math.max(timings[k], 0), 0));
  const request = {
    method: ex.method,
    url: ex.url.split('#')[0],
    httpVersion: cached ? '' : 'HTTP/1.1',
    headers: hdrs(reqHeaders),
    queryString: queryString(ex.url),
    cookies: cached ? [] : ex.requestCookies.map(chromeRequestCookie),
    headersSize: reqHead ? reqHead.length : -1,
    bodySize: ex.postData ? bytes(ex.postData.text) : 0,
    postData: postData(ex, { params: true }),
  };
  const location = (ex.responseHeaders.find(([n]) => n.toLowerCase() === 'location') || [])[1];
  const content = { size: bodyBytes, mimeType: mimeOf(ex.mimeType) || 'x-unknown' };
  if (!cached) content.compression = 0;
  if (bodyBytes && bodyBytes <= BODY_LIMIT) content.text = ex.body;
  const response = {
    status: ex.status,
    statusText: ex.statusText,
    httpVersion: memory ? '' : 'HTTP/1.1',
    headers: hdrs(ex.responseHeaders),
    cookies: ex.setCookies.map((l) => chromeSetCookie(l, ex)),
    content,
    redirectURL: location || '',
    headersSize: resHead ? resHead.length : -1,
    bodySize: cached ? 0 : bodyBytes,
    _transferSize: cached ? 0 : resHead.length + bodyBytes,
    _error: null,
    _fetchedViaServiceWorker: false,
  };
  if (sanitized) {
    request.cookies = [];
    request.headers = request.headers.filter(({ name }) => !['authorization', 'cookie'].includes(name.toLowerCase()));
    response.cookies = [];
    response.headers = response.headers.filter(({ name }) => name.toLowerCase() !== 'set-cookie');
  }
  const address = memory ? '' : ex.address.includes(':') ? `[${ex.address}]` : ex.address;
  const entry = {
    _initiator: ex.initiator,
    _priority: PRIORITY[ex.kind] || 'High',
    _resourceType: ex.kind,
    cache: {},
    connection: memory ? undefined : String(ex.port),
    request,
    response,
    serverIPAddress: address,
    startedDateTime: new Date(ex.start).toISOString(),
    time,
    timings,
  };
  if (cached) entry._fromCache = ex.fromCache;
  if (!cached) entry._connectionId = String(ex.connectionId);
  if (ex.pageId !== null) entry.pageref = `page_${ex.pageId}`;
  return entry;
}

/** Firefox's local-time timestamp: 2026-10-19T16:00:01.264+02:00 for a user at UTC+2. */
export function firefoxDate(ms, offsetMinutes) {
  const d = new Date(ms + offsetMinutes * 60_000);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const o = Math.abs(offsetMinutes);
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}${sign}${p(Math.floor(o / 60))}:${p(o % 60)}`;
}

/** Firefox netmonitor's export of tab `tab` for a user whose clock is `offsetMinutes` from UTC. */
export function firefoxHar(browser, { tab = 1, offsetMinutes = 120 } = {}) {
  const entries = browser.trace.filter((ex) => ex.tab === tab).sort((a, b) => a.start - b.start || a.seq - b.seq);
  const first = entries[0];
  const lastPage = browser.pages.filter((p) => p.tab === tab).at(-1);
  const page = {
    id: 'page_1',
    pageTimings: { onContentLoad: Math.round(lastPage?.onContentLoad ?? -1), onLoad: Math.round(lastPage?.onLoad ?? -1) },
    startedDateTime: firefoxDate(first ? first.start : 0, offsetMinutes),
    title: lastPage ? lastPage.url : '',
  };
  const version = `${browser.version}.0`;
  return {
    log: {
      version: '1.2',
      creator: { name: 'Firefox', version },
      browser: { name: 'Firefox', version },
      pages: [page],
      entries: entries.map((ex) => firefoxEntry(ex, offsetMinutes)),
    },
  };
}

function firefoxEntry(ex, offsetMinutes) {
  const cached = !!ex.fromCache;
  const t = ex.timings;
  const int = (v) => (v < 0 ? 0 : Math.round(v));
  const timings = cached ? { blocked: 0, dns: 0, connect: 0, ssl: 0, send: 0, wait: 0, receive: 0 } : { blocked: int(t.blocked), dns: int(t.dns), connect: int(t.connect), ssl: int(t.ssl), send: int(t.send), wait: int(t.wait), receive: int(t.receive) };
  const reqHead = requestHead(ex);
  const resHead = responseHead(ex);
  const request = { bodySize: 0, method: ex.method, url: ex.url, httpVersion: 'HTTP/1.1', headers: hdrs(ex.requestHeaders), cookies: ex.requestCookies.map((c) => ({ name: c.name, value: c.value })), queryString: queryString(ex.url), headersSize: cached ? null : reqHead.length };
  if (ex.postData) {
    const isForm = /x-www-form-urlencoded/.test(ex.postData.mimeType);
    request.postData = { mimeType: isForm ? 'application/x-www-form-urlencoded' : ex.postData.mimeType, params: isForm ? [...new URLSearchParams(ex.postData.text)].map(([name, value]) => ({ name, value })) : [], text: ex.postData.text };
    request.bodySize = ex.postData.text.length;
  }
  const location = (ex.responseHeaders.find(([n]) => n.toLowerCase() === 'location') || [])[1];
  const content = { mimeType: mimeOf(ex.mimeType), size: bytes(ex.body) };
  if (ex.body && bytes(ex.body) <= BODY_LIMIT) content.text = ex.body;
  const response = {
    status: ex.status,
    statusText: ex.statusText,
    httpVersion: 'HTTP/1.1',
    headers: hdrs(ex.responseHeaders),
    cookies: ex.setCookies.map((l) => {
      const pair = l.split(';')[0];
      const i = pair.indexOf('=');
      return { name: pair.slice(0, i).trim(), value: pair.slice(i + 1).trim() };
    }),
    content,
    redirectURL: location || '',
    headersSize: cached ? 0 : resHead.length,
    bodySize: bytes(ex.body),
  };
  const entry = {
    startedDateTime: firefoxDate(ex.start, offsetMinutes),
    request,
    response,
    cache: {},
    timings,
    time: Object.values(timings).reduce((s, v) => s + v, 0),
    _securityState: ex.https ? 'secure' : 'insecure',
    _priority: FF_PRIORITY[ex.kind] || 'Normal',
  };
  if (!cached) {
    entry.serverIPAddress = ex.address;
    entry.connection = String(ex.port);
  }
  entry.pageref = 'page_1';
  return entry;
}

/** The three exports the matrix uses, by name. */
export const EXPORTS = {
  chrome: (b, o) => chromeHar(b, { ...o, sanitized: false }),
  'chrome-sanitized': (b, o) => chromeHar(b, { ...o, sanitized: true }),
  firefox: (b, o) => firefoxHar(b, o),
};

/** The recorded tab's exchanges in the export's entry order (for ground truth: loss entries). */
export function recordedEntries(browser, tab = 1) {
  return browser.trace.filter((ex) => ex.tab === tab).sort((a, b) => a.start - b.start || a.seq - b.seq);
}
