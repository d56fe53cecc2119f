// The recorder: webRequest events over the watched sites become HAR 1.2 entries. Requests in flight live in
// memory (a service worker stopped mid-request loses only those); each finished one is handed to `onEntry`.
// Observing only: no listener blocks or changes a request. Credentials are replaced before an entry exists.

/** `extraHeaders` exists in Chromium only; without it Chromium hides Cookie and Set-Cookie. */
function extraHeaders(options) {
  return options && Object.values(options).includes('extraHeaders') ? ['extraHeaders'] : [];
}

/** Firefox joins several Set-Cookie headers into one value with `\n`; HAR wants one header each. */
function splitHeaders(headers = []) {
  const out = [];
  for (const { name, value = '' } of headers) {
    if (name.toLowerCase() === 'set-cookie' && value.includes('\n')) {
      for (const v of value.split('\n')) out.push({ name, value: v });
    } else {
      out.push({ name, value });
    }
  }
  return out;
}

const header = (headers, name) => headers.find((h) => h.name.toLowerCase() === name)?.value;

function requestCookies(headers) {
  const value = header(headers, 'cookie');
  if (!value) return [];
  return value.split(';').flatMap((part) => {
    const i = part.indexOf('=');
    if (i < 0) return [];
    return [{ name: part.slice(0, i).trim(), value: part.slice(i + 1).trim() }];
  });
}

function responseCookies(headers) {
  return headers
    .filter((h) => h.name.toLowerCase() === 'set-cookie')
    .flatMap(({ value }) => {
      const [pair, ...attrs] = value.split(';');
      const i = pair.indexOf('=');
      if (i < 0) return [];
      const cookie = { name: pair.slice(0, i).trim(), value: pair.slice(i + 1).trim() };
      for (const attr of attrs) {
        const [k, ...rest] = attr.split('=');
        const key = k.trim().toLowerCase();
        const v = rest.join('=').trim();
        if (key === 'path') cookie.path = v;
        else if (key === 'domain') cookie.domain = v;
        else if (key === 'expires') {
          const d = new Date(v);
          if (!Number.isNaN(d.getTime())) cookie.expires = d.toISOString();
        } else if (key === 'httponly') cookie.httpOnly = true;
        else if (key === 'secure') cookie.secure = true;
        else if (key === 'samesite') cookie.sameSite = v;
      }
      return [cookie];
    });
}

// Credentials are never stored, not even in the raw recording: the diagnosis reads none of them, and a
// recording (or a raw export) must not hand anyone the user's password. Request bodies are never recorded
// (see `listen`), so what remains is replaced as each entry is recorded:
/** query parameters that carry a password (Jira accepts `os_password` in the URL), */
const PASSWORD_PARAM = /pass|pwd|secret/i;
/** and the credentials of `Authorization` and `Proxy-Authorization` (the scheme stays). */
const AUTHORIZATION = /^(proxy-)?authorization$/i;
export const REDACTED = 'redacted';

function redactHeaders(headers) {
  return headers.map(({ name, value }) => (AUTHORIZATION.test(name) ? { name, value: value.replace(/^(\S+\s+)?.*$/s, (_, scheme = '') => `${scheme}${REDACTED}`) } : { name, value }));
}

/** The URL with password parameters' values replaced, and its query; one parse, none without a query. */
function urlAndQuery(url) {
  if (!url.includes('?')) return { url, queryString: [] };
  let u;
  try {
    u = new URL(url);
  } catch {
    return { url, queryString: [] };
  }
  let changed = false;
  for (const [k] of [...u.searchParams]) {
    if (PASSWORD_PARAM.test(k)) {
      u.searchParams.set(k, REDACTED);
      changed = true;
    }
  }
  return { url: changed ? u.href : url, queryString: [...u.searchParams].map(([name, value]) => ({ name, value })) };
}

function statusParts(statusLine, statusCode) {
  // "HTTP/1.1 400 Bad Request"
  const m = /^(\S+)\s+\d+\s*(.*)$/.exec(statusLine ?? '');
  return { httpVersion: m ? m[1] : 'HTTP/1.1', statusText: m ? m[2] : '', status: statusCode ?? 0 };
}

/**
 * Static resources, by the browser's request type: style sheets, scripts, fonts, media. The diagnosis reads
 * their responses (who answered, when, Set-Cookie: replayed from caches, they count as activity) but nothing
 * of their requests, so their request headers are not listened to: one event less for each of the many a
 * page loads on a cold cache. Images are not among them: avatars and thumbnails pass the applications'
 * login filters, and the first response that shows a session lost may be one, with its Cookie header read.
 */
const STATIC_TYPES = ['stylesheet', 'script', 'font', 'media'];

/**
 * The request types to listen to in full, for the browser's `webRequest.ResourceType` (every type but the
 * static ones), or undefined when the browser does not list its types (then every type is listened to in
 * full: a filter naming a type the browser does not know is an error).
 */
function fullTypes(webRequest) {
  const known = Object.values(webRequest.ResourceType ?? {});
  return known.length ? known.filter((t) => !STATIC_TYPES.includes(t)) : undefined;
}

const ms = (x) => Math.max(0, Math.round(x * 1000) / 1000);

export class Recorder {
  /**
   * @param {(url: string) => string|null} watch  the watched site a URL belongs to, or null
   * @param {(site: string, entry: object, finishedAt: number) => void} onEntry  each finished entry
   * @param {(details: object, outcome: {redirectURL: string, error?: string}) => void} [onDocument]  each
   *   top-level document's redirect, completion or error, recorded or not (a submitted form's fate)
   */
  constructor(watch, onEntry, onDocument = () => {}) {
    this.watch = watch;
    this.onEntry = onEntry;
    this.onDocument = onDocument;
    /** requestId -> in-flight record */
    this.inflight = new Map();
  }

  /**
   * Registers the listeners; call synchronously at the service worker's top level (events wake it).
   *
   * As few as the diagnosis needs, because every event of every request costs page-load time (measured by
   * scripts/bench-extension.mjs): the request's headers as sent (onSendHeaders) and its response
   * (onCompleted, or the redirect or the error that ends it). Left out:
   *   - request bodies: onBeforeRequest, the only event that has them, runs before the browser may start the
   *     request (on every document's and API call's way), and the diagnosis reads no body. So no form field,
   *     comment or password a user posts is ever in the recording;
   *   - onHeadersReceived: onCompleted carries the same status and headers (the whole wait is `wait`);
   *   - the request headers of static resources (STATIC_TYPES): their entries start when they complete.
   */
  listen(webRequest, wrap = (fn) => fn) {
    const filter = { urls: ['http://*/*', 'https://*/*'] };
    const types = fullTypes(webRequest);
    const reqExtra = extraHeaders(webRequest.OnSendHeadersOptions);
    const resExtra = extraHeaders(webRequest.OnHeadersReceivedOptions);
    webRequest.onSendHeaders.addListener(wrap((d) => this.sendHeaders(d)), { ...filter, ...(types && { types }) }, ['requestHeaders', ...reqExtra]);
    webRequest.onBeforeRedirect.addListener(wrap((d) => this.redirect(d)), filter, ['responseHeaders', ...resExtra]);
    webRequest.onCompleted.addListener(wrap((d) => this.completed(d)), filter, ['responseHeaders', ...resExtra]);
    webRequest.onErrorOccurred.addListener(wrap((d) => this.error(d)), filter);
  }

  /** The record of a request in flight, made by its first event (a cache hit may have no other). */
  record(d) {
    const known = this.inflight.get(d.requestId);
    if (known) return known;
    // The extension's own requests (tabId -1 with an extension initiator) are never recorded.
    if (d.initiator?.startsWith('chrome-extension:') || d.originUrl?.startsWith('moz-extension:')) return null;
    const site = this.watch(d.url);
    if (!site) return null;
    const r = { site, url: d.url, method: d.method, type: d.type, start: d.timeStamp, requestHeaders: [] };
    this.inflight.set(d.requestId, r);
    return r;
  }

  sendHeaders(d) {
    const r = this.record(d);
    if (r) r.requestHeaders = d.requestHeaders ?? [];
  }

  redirect(d) {
    // The redirect response ends this entry; the browser's next event for the same requestId starts the
    // entry for the new URL.
    this.finish(d, { redirectURL: d.redirectUrl });
  }

  completed(d) {
    this.finish(d, {});
  }

  error(d) {
    this.finish(d, { error: d.error });
  }

  finish(d, { redirectURL = '', error }) {
    if (d.type === 'main_frame') this.onDocument(d, { redirectURL, error });
    const r = this.record(d);
    if (!r) return;
    this.inflight.delete(d.requestId);
    const end = d.timeStamp;
    const responseHeaders = splitHeaders(d.responseHeaders);
    const requestHeaders = redactHeaders(splitHeaders(r.requestHeaders));
    const { url, queryString } = urlAndQuery(r.url);
    const { httpVersion, statusText, status } = error ? { httpVersion: '', statusText: '', status: 0 } : statusParts(d.statusLine, d.statusCode);
    // From the request's headers (or, for a static resource, its completion) to its end: all of it `wait`.
    const timings = { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: ms(end - r.start), receive: 0 };
    const length = Number(header(responseHeaders, 'content-length'));
    const entry = {
      startedDateTime: new Date(r.start).toISOString(),
      time: timings.wait,
      request: {
        method: r.method,
        url,
        httpVersion: httpVersion || 'HTTP/1.1',
        cookies: requestCookies(requestHeaders),
        headers: requestHeaders,
        queryString,
        headersSize: -1,
        bodySize: -1,
      },
      response: {
        status,
        statusText,
        httpVersion,
        cookies: responseCookies(responseHeaders),
        headers: responseHeaders,
        content: { size: Number.isFinite(length) ? length : 0, mimeType: header(responseHeaders, 'content-type') ?? '' },
        redirectURL,
        headersSize: -1,
        bodySize: Number.isFinite(length) ? length : -1,
      },
      cache: {},
      timings,
      _resourceType: r.type,
    };
    if (d.ip) entry.serverIPAddress = d.ip;
    if (d.fromCache) entry._fromCache = 'disk';
    if (error) entry._error = error;
    this.onEntry(r.site, entry, end);
  }
}
