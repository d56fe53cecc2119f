#!/usr/bin/env node
// Writes an entry-heavy HAR as Chrome exports it without bodies ("Export HAR (sanitized)" or a recording of
// XHRs whose content Chrome did not keep): tens of thousands of small entries that are all headers, cookies,
// `_initiator` stacks and timings, pretty-printed with Chrome's indentation. The shape the body-heavy
// generator (gen-har.mjs) does not test: per-entry costs (serde's field matching, allocations, the
// scanner's structure) rather than string scanning. A Jira user browsing issues for a working day, with
// the issue page polling its REST resources; deterministic (the same arguments give the same bytes).
// Nothing here is committed; bench.mjs calls it and caches the output in target/bench/. With
// --huge-header-mb N it writes a few such entries instead, one of them with a single N MB header value.
//
//   node scripts/gen-headers.mjs --entries 30000 --out target/bench/30k-headers.har
//   node scripts/gen-headers.mjs --huge-header-mb 100 --out target/bench/100MB-header.har
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

// xorshift32: reproducible output without a dependency.
let seed = 0x9e3779b9;
function rand() {
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed / 0x100000000;
}
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const HEX = '0123456789abcdef';
const hex = (n) => Array.from({ length: n }, () => HEX[int(0, 15)]).join('');
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const b64 = (n) => Array.from({ length: n }, () => B64[int(0, 63)]).join('');

const ORIGIN = 'https://jira.example.test';
const CTX = '/track';
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const JSESSIONID = '8C3F2B1A9D7E6F5A4B3C2D1E0F9A8B7C.node1';
const TOKEN = 'Y2hlc3RudXQtdG9rZW4tZm9yLWJlbmNobWFya3MAAAAAAAAAAQ';
const XSRF = `BWP3-NZB2-6EDY-6C7K_${'a1b2c3d4e5f6'.repeat(3)}_lin`;
// Analytics and load-balancer cookies a real Jira session carries besides its own: most of a Cookie header.
const THIRD_PARTY = [
  ['_ga', `GA1.2.${int(1e8, 9e8)}.${int(1.6e9, 1.7e9)}`],
  ['_gid', `GA1.2.${int(1e8, 9e8)}.${int(1.6e9, 1.7e9)}`],
  ['AWSALB', b64(140)],
];
const SCRIPTS = ['batch.js', 'jira.webresources:jira-global.js', 'issue-view.js', 'dev-status.js', 'analytics.js'];
const FUNCTIONS = ['send', 'ajax', 'fetchIssue', 'poll', 'refresh', 'n', 'e', '', 'request', 'then', 'dispatch'];

function cookieObject(name, value, extra = {}) {
  return { name, value, path: '/', domain: 'jira.example.test', expires: '2026-10-19T16:00:00.000Z', httpOnly: false, secure: true, ...extra };
}

function callFrames(n) {
  return Array.from({ length: n }, () => {
    const script = pick(SCRIPTS);
    return {
      functionName: pick(FUNCTIONS),
      scriptId: String(int(10, 400)),
      url: `${ORIGIN}${CTX}/s/${hex(8)}-CDN/820010/_/download/batch/${script}`,
      lineNumber: int(0, 9000),
      columnNumber: int(0, 120000),
    };
  });
}

/** Chrome's `_initiator` of an XHR: the script's stack, and the async stacks it was scheduled from. */
function initiator() {
  const stack = { callFrames: callFrames(int(1, 3)) };
  let at = stack;
  for (let depth = int(0, 7) >> 2; depth > 0; depth--) {
    at.parent = { description: pick(['Promise.then', 'setTimeout', 'XMLHttpRequest.send', 'await']), callFrames: callFrames(int(1, 2)) };
    at = at.parent;
  }
  return { type: 'script', stack };
}

const headers = (obj) => Object.entries(obj).map(([name, value]) => ({ name, value: String(value) }));

function entry(i, t0) {
  const started = new Date(t0 + i * 900 + int(0, 800));
  const issue = `APS-${3982 + (i % 40)}`;
  const kind = rand();
  const [path, mime] = kind < 0.5
    ? [`/rest/dev-status/1.0/issue/summary?issueId=${314447 + (i % 50)}&_=${started.getTime()}`, 'application/json;charset=UTF-8']
    : kind < 0.75
      ? [`/rest/api/2/issue/${issue}?expand=renderedFields,names,schema,transitions,operations,editmeta,changelog`, 'application/json;charset=UTF-8']
      : kind < 0.9
        ? [`/rest/analytics/1.0/publish/bulk`, 'text/plain']
        : [`/secure/projectavatar?size=xsmall&avatarId=${int(10000, 10500)}`, 'image/svg+xml'];
  const url = `${ORIGIN}${CTX}${path}`;
  const post = path.includes('publish');
  const cookieHeader = [['JSESSIONID', JSESSIONID], ['crowd.token_key', TOKEN], ['atlassian.xsrf.token', XSRF], ...THIRD_PARTY]
    .map(([n, v]) => `${n}=${v}`).join('; ');
  const status = i % 1499 === 700 ? 401 : i % 331 === 5 ? 404 : post ? 204 : 200;
  const requestId = `${started.getUTCHours() * 60 + started.getUTCMinutes()}x${107921 + i}x1`;
  const wait = Math.round(rand() * 40000) / 100;
  const size = status === 204 ? 0 : int(200, 60000);
  const responseHeaders = {
    'cache-control': 'no-cache, no-store, no-transform', 'content-encoding': 'gzip', 'content-type': mime,
    date: started.toUTCString(), 'referrer-policy': 'strict-origin-when-cross-origin', server: 'nginx',
    'strict-transport-security': 'max-age=31536000; includeSubDomains', 'timing-allow-origin': '*', vary: 'Accept-Encoding, User-Agent',
    'x-anodeid': 'node1', 'x-arequestid': requestId, 'x-asen': 'SEN-L1234567', 'x-asessionid': hex(6),
    'x-ausername': status === 401 ? 'anonymous' : 'v3ry8', 'x-content-type-options': 'nosniff',
    'x-frame-options': 'SAMEORIGIN', 'x-seraph-loginreason': status === 401 ? 'AUTHENTICATED_FAILED' : 'OK',
    'x-xss-protection': '1; mode=block', 'atl-traceid': hex(16),
  };
  const responseCookies = [];
  if (i % 97 === 0) {
    responseHeaders['set-cookie'] = `atlassian.xsrf.token=${XSRF}; Path=/track; Secure; SameSite=None`;
    responseCookies.push(cookieObject('atlassian.xsrf.token', XSRF, { path: '/track', expires: null, sameSite: 'None' }));
  }
  return {
    _initiator: initiator(),
    _priority: post ? 'Low' : 'High',
    _resourceType: mime.startsWith('image') ? 'image' : post ? 'ping' : 'xhr',
    cache: {},
    connection: String(int(100000, 200000)),
    pageref: `page_${Math.floor(i / 150)}`,
    request: {
      method: post ? 'POST' : 'GET',
      url,
      httpVersion: 'http/2.0',
      headers: headers({
        ':authority': 'jira.example.test', ':method': post ? 'POST' : 'GET', ':path': `${CTX}${path}`, ':scheme': 'https',
        accept: 'application/json, text/javascript, */*; q=0.01', 'accept-encoding': 'gzip, deflate, br, zstd',
        'accept-language': 'en-US,en;q=0.9,de;q=0.8', cookie: cookieHeader, priority: 'u=1, i',
        referer: `${ORIGIN}${CTX}/browse/${issue}`, 'sec-ch-ua': '"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"',
        'sec-ch-ua-mobile': '?0', 'sec-ch-ua-platform': '"Windows"', 'sec-fetch-dest': 'empty',
        'sec-fetch-mode': 'cors', 'sec-fetch-site': 'same-origin', 'user-agent': UA,
        'x-atlassian-token': 'no-check', 'x-requested-with': 'XMLHttpRequest',
        ...(post ? { 'content-type': 'text/plain;charset=UTF-8', 'content-length': String(int(300, 3000)) } : {}),
      }),
      queryString: path.includes('?')
        ? path.slice(path.indexOf('?') + 1).split('&').map((kv) => ({ name: kv.split('=')[0], value: kv.split('=')[1] ?? '' }))
        : [],
      cookies: [
        cookieObject('JSESSIONID', JSESSIONID, { path: '/track', expires: null, httpOnly: true }),
        cookieObject('crowd.token_key', TOKEN, { domain: '.example.test', expires: null, httpOnly: true }),
        cookieObject('atlassian.xsrf.token', XSRF, { path: '/track', expires: null, sameSite: 'None' }),
      ],
      headersSize: -1,
      bodySize: post ? int(300, 3000) : 0,
      ...(post ? { postData: { mimeType: 'text/plain;charset=UTF-8', text: `[{"name":"jira.issue.view","properties":{"issueId":${314447 + (i % 50)}}}]` } } : {}),
    },
    response: {
      status,
      statusText: '',
      httpVersion: 'http/2.0',
      headers: headers(responseHeaders),
      cookies: responseCookies,
      content: { size, mimeType: mime, compression: size ? int(0, size) : 0 },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
      _transferSize: int(400, 20000),
      _error: null,
      _fetchedViaServiceWorker: false,
    },
    serverIPAddress: '203.0.113.10',
    startedDateTime: started.toISOString(),
    time: wait + 14.5,
    timings: {
      blocked: 1.236, dns: -1, ssl: -1, connect: -1, send: 0.114, wait, receive: 13.15,
      _blocked_queueing: 0.892, _workerStart: -1, _workerReady: -1, _workerFetchStart: -1, _workerRespondWithSettled: -1,
    },
  };
}

/** A file written piece by piece: `write(text)`, then `close()`, which returns its size in bytes. */
function output(out) {
  mkdirSync(dirname(out), { recursive: true });
  const fd = openSync(out, 'w');
  let written = 0;
  return {
    write(text) {
      const buf = Buffer.from(text);
      writeSync(fd, buf);
      written += buf.length;
    },
    close() {
      closeSync(fd);
      return written;
    },
  };
}

/** Writes `count` entries to `out`; returns the file's size in bytes. */
export function generateHeaders(out, count = 30_000) {
  const { write, close } = output(out);
  write('{\n  "log": {\n    "version": "1.2",\n    "creator": {\n      "name": "WebInspector",\n      "version": "537.36"\n    },\n');
  write('    "pages": [\n      {\n        "startedDateTime": "2021-10-19T08:00:00.000Z",\n        "id": "page_0",\n        "title": "https://jira.example.test/track/browse/APS-3982",\n        "pageTimings": {\n          "onContentLoad": 812.4,\n          "onLoad": 1203.9\n        }\n      }\n    ],\n');
  write('    "entries": [\n');
  const t0 = Date.UTC(2021, 9, 19, 8, 0, 0);
  let pending = [];
  for (let i = 0; i < count; i++) {
    pending.push(JSON.stringify(entry(i, t0), null, 2).replace(/^/gm, '      '));
    if (pending.length === 2000 || i === count - 1) {
      write(pending.join(',\n') + (i === count - 1 ? '\n' : ',\n'));
      pending = [];
    }
  }
  write('    ]\n  }\n}\n');
  return close();
}

/**
 * Writes a small HAR of `count` entries whose middle entry carries one response header of `megabytes` MB (a
 * debugging header gone wrong, a cookie bomb): the input that shows what a single huge value costs. Returns
 * the file's size in bytes.
 */
export function generateHugeHeader(out, megabytes, count = 5) {
  const { write, close } = output(out);
  const t0 = Date.UTC(2021, 9, 19, 8, 0, 0);
  write('{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries":[\n');
  for (let i = 0; i < count; i++) {
    const json = JSON.stringify(entry(i, t0));
    if (i !== Math.floor(count / 2)) {
      write(json + (i === count - 1 ? '\n' : ',\n'));
      continue;
    }
    // The huge value goes first among the response's headers, written a megabyte at a time.
    const at = json.indexOf('"headers":[', json.indexOf('"response":')) + '"headers":['.length;
    write(json.slice(0, at) + '{"name":"x-debug-trace","value":"');
    const piece = b64(1 << 20);
    for (let left = Math.round(megabytes * 1e6); left > 0; left -= piece.length) write(piece.slice(0, left));
    write('"},' + json.slice(at) + ',\n');
  }
  write(']}}\n');
  return close();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : null);
  const out = opt('--out');
  if (!out) throw new Error('usage: gen-headers.mjs [--entries N] [--huge-header-mb N] --out FILE');
  const huge = opt('--huge-header-mb');
  const count = Number(opt('--entries') ?? (huge ? 5 : 30_000));
  const bytes = huge ? generateHugeHeader(out, Number(huge), count) : generateHeaders(out, count);
  process.stderr.write(`gen-headers: wrote ${out}: ${(bytes / 1e6).toFixed(1)} MB, ${count} entries\n`);
}
