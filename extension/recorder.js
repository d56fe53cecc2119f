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
// recording (or a raw export) must not hand anyone the user's password. Replaced as each entry is recorded:
/** form fields and JSON members of posted bodies whose names look like credentials (`os_password`, `token`), */
const CREDENTIAL_FIELD = /pass|pwd|secret|token|otp|credential|api[-_]?key/i;
/** query parameters that carry a password (Jira accepts `os_password` in the URL), */
const PASSWORD_PARAM = /pass|pwd|secret/i;
/** and the credentials of `Authorization` and `Proxy-Authorization` (the scheme stays). */
const AUTHORIZATION = /^(proxy-)?authorization$/i;
export const REDACTED = 'redacted';

function redactHeaders(headers) {
  return headers.map(({ name, value }) => (AUTHORIZATION.test(name) ? { name, value: value.replace(/^(\S+\s+)?.*$/s, (_, scheme = '') => `${scheme}${REDACTED}`) } : { name, value }));
}

/** The URL with password parameters' values replaced (unchanged when it has none). */
function redactUrl(url) {
  if (!url.includes('?')) return url;
  let u;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  let changed = false;
  for (const [k] of [...u.searchParams]) {
    if (PASSWORD_PARAM.test(k)) {
      u.searchParams.set(k, REDACTED);
      changed = true;
    }
  }
  return changed ? u.href : url;
}

function redactJson(value) {
  if (Array.isArray(value)) return value.map(redactJson);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, CREDENTIAL_FIELD.test(k) && (typeof v === 'string' || typeof v === 'number') ? REDACTED : redactJson(v)]));
  }
  return value;
}

function formPostData(mimeType, params) {
  const safe = params.map(({ name, value }) => ({ name, value: CREDENTIAL_FIELD.test(name) ? REDACTED : value }));
  return { mimeType, params: safe, text: new URLSearchParams(safe.map((p) => [p.name, p.value])).toString() };
}

/** A raw body, its credentials replaced when it is a form or JSON (other bodies are kept as they are). */
function redactRaw(mimeType, text) {
  if (/application\/x-www-form-urlencoded/i.test(mimeType)) {
    return formPostData(mimeType, [...new URLSearchParams(text)].map(([name, value]) => ({ name, value })));
  }
  if (/json/i.test(mimeType) || /^\s*[[{]/.test(text)) {
    try {
      return { mimeType, text: JSON.stringify(redactJson(JSON.parse(text))) };
    } catch {
      // not JSON after all: kept as sent
    }
  }
  return { mimeType, text };
}

function queryString(url) {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

function postData(body, headers) {
  if (!body) return undefined;
  const mimeType = header(headers, 'content-type') ?? '';
  if (body.formData) {
    const params = Object.entries(body.formData).flatMap(([name, values]) => values.map((value) => ({ name, value })));
    return formPostData(mimeType || 'application/x-www-form-urlencoded', params);
  }
  if (body.raw) {
    const decoder = new TextDecoder('utf-8', { fatal: false });
    const text = body.raw.map((part) => (part.bytes ? decoder.decode(part.bytes, { stream: true }) : '')).join('') + decoder.decode();
    return redactRaw(mimeType, text);
  }
  return undefined;
}

function statusParts(statusLine, statusCode) {
  // "HTTP/1.1 400 Bad Request"
  const m = /^(\S+)\s+\d+\s*(.*)$/.exec(statusLine ?? '');
  return { httpVersion: m ? m[1] : 'HTTP/1.1', statusText: m ? m[2] : '', status: statusCode ?? 0 };
}

/** The kinds of request that carry bodies worth keeping: form posts (documents, frames) and API calls. */
const BODY_TYPES = ['main_frame', 'sub_frame', 'xmlhttprequest', 'other'];

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
   * As few as the HAR needs, because every event of every request costs page-load time (measured by
   * scripts/bench-extension.mjs): no onHeadersReceived (onCompleted carries the same status and headers; the
   * whole wait goes into `wait`), and request bodies only for the requests that post forms and API calls.
   */
  listen(webRequest, wrap = (fn) => fn) {
    const filter = { urls: ['http://*/*', 'https://*/*'] };
    const reqExtra = extraHeaders(webRequest.OnSendHeadersOptions);
    const resExtra = extraHeaders(webRequest.OnHeadersReceivedOptions);
    webRequest.onBeforeRequest.addListener(wrap((d) => this.begin(d)), { ...filter, types: BODY_TYPES }, ['requestBody']);
    webRequest.onSendHeaders.addListener(wrap((d) => this.sendHeaders(d)), filter, ['requestHeaders', ...reqExtra]);
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
    const r = { site, url: d.url, method: d.method, type: d.type, start: d.timeStamp, body: null, requestHeaders: [], sent: d.timeStamp };
    this.inflight.set(d.requestId, r);
    return r;
  }

  begin(d) {
    const r = this.record(d);
    if (r) r.body = d.requestBody;
  }

  sendHeaders(d) {
    const r = this.record(d);
    if (!r) return;
    r.requestHeaders = d.requestHeaders ?? [];
    r.sent = d.timeStamp;
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
    const url = redactUrl(r.url);
    const { httpVersion, statusText, status } = error ? { httpVersion: '', statusText: '', status: 0 } : statusParts(d.statusLine, d.statusCode);
    const timings = {
      blocked: ms(r.sent - r.start),
      dns: -1,
      connect: -1,
      ssl: -1,
      send: 0,
      wait: ms(end - r.sent),
      receive: 0,
    };
    const length = Number(header(responseHeaders, 'content-length'));
    const entry = {
      startedDateTime: new Date(r.start).toISOString(),
      time: ms(timings.blocked + timings.wait + timings.receive),
      request: {
        method: r.method,
        url,
        httpVersion: httpVersion || 'HTTP/1.1',
        cookies: requestCookies(requestHeaders),
        headers: requestHeaders,
        queryString: queryString(url),
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
    const post = postData(r.body, requestHeaders);
    if (post) entry.request.postData = post;
    if (d.ip) entry.serverIPAddress = d.ip;
    if (d.fromCache) entry._fromCache = 'disk';
    if (error) entry._error = error;
    this.onEntry(r.site, entry, end);
  }
}
