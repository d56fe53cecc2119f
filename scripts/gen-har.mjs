#!/usr/bin/env node
// Writes a large, realistic HAR of Jira traffic for benchmarks: a user browsing issues while the issue page
// polls /rest/dev-status/1.0/issue/summary, with Jira's real response headers and cookies, REST JSON bodies
// (full of escaped quotes, as Chrome writes them), base64 images and large JS bundles of varied sizes.
// Deterministic: the same size gives the same bytes. Nothing here is committed; bench.mjs calls it.
//
//   node scripts/gen-har.mjs --size 200MB --out target/bench/200MB.har

import { openSync, writeSync, closeSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

function parseArgs(argv) {
  const args = { size: '200MB', out: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--size') args.size = argv[++i];
    else if (argv[i] === '--out') args.out = argv[++i];
    else throw new Error(`unknown argument ${argv[i]} (expected --size N[KB|MB|GB] --out FILE)`);
  }
  const m = /^(\d+(?:\.\d+)?)\s*(KB|MB|GB)?$/i.exec(args.size);
  if (!m || !args.out) throw new Error('usage: gen-har.mjs --size N[KB|MB|GB] --out FILE');
  const unit = { KB: 1e3, MB: 1e6, GB: 1e9 }[(m[2] || '').toUpperCase()] || 1;
  return { bytes: Math.round(Number(m[1]) * unit), out: args.out };
}

// xorshift32: reproducible output without a dependency.
let seed = 0x2545f491;
function rand() {
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed / 0x100000000;
}
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function base64(n) {
  let s = '';
  while (s.length < n) s += B64[int(0, 63)] + B64[int(0, 63)] + B64[int(0, 63)] + B64[int(0, 63)];
  return s.slice(0, n);
}
const WORDS = ['issue', 'summary', 'status', 'assignee', 'sprint', 'board', 'filter', 'comment', 'worklog', 'epic'];
function restJson(n) {
  const parts = [];
  let len = 0;
  while (len < n) {
    const p = `{"id":"${int(10000, 99999)}","key":"APS-${int(1, 9999)}","fields":{"${pick(WORDS)}":"${pick(WORDS)} ${pick(WORDS)}","updated":"2021-10-19T11:${int(10, 59)}:00.000-0500"}}`;
    parts.push(p);
    len += p.length;
  }
  return `{"total":${parts.length},"issues":[${parts.join(',')}]}`;
}
function jsBundle(n) {
  const line = 'define("jira/issue/view",["require","jquery"],function(e){"use strict";var t=e("jquery");return {init:function(){t(".issue-body").addClass("loaded")}}});\n';
  return line.repeat(Math.ceil(n / line.length)).slice(0, n);
}

const ORIGIN = 'https://jira.example.test';
const CTX = '/track';
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const JSESSIONID = '8C3F2B1A9D7E6F5A4B3C2D1E0F9A8B7C.node1';
const TOKEN = 'Y2hlc3RudXQtdG9rZW4tZm9yLWJlbmNobWFya3MAAAAAAAAAAQ';

function headers(obj) {
  return Object.entries(obj).map(([name, value]) => ({ name, value: String(value) }));
}

function entry(i, t0) {
  const started = new Date(t0 + i * 850);
  const kind = rand();
  let url, mime, text, encoding, status = 200;
  if (kind < 0.45) {
    url = `${ORIGIN}${CTX}/rest/dev-status/1.0/issue/summary?issueId=${314447 + (i % 50)}&_=${started.getTime()}`;
    mime = 'application/json;charset=UTF-8';
    text = restJson(int(200, 20000));
  } else if (kind < 0.65) {
    url = `${ORIGIN}${CTX}/rest/api/2/issue/APS-${3982 + (i % 40)}`;
    mime = 'application/json;charset=UTF-8';
    text = restJson(int(1000, 30000));
  } else if (kind < 0.85) {
    url = `${ORIGIN}${CTX}/s/d41d8cd98f00b204e9800998ecf8427e-CDN/-1c3s9z/820010/images/icon-${i % 300}.png`;
    mime = 'image/png';
    text = base64(int(800, 30000));
    encoding = 'base64';
  } else if (kind < 0.93) {
    url = `${ORIGIN}${CTX}/s/batch/_/download/contextbatch/js/jira.view.issue/batch-${i % 30}.js`;
    mime = 'application/javascript;charset=UTF-8';
    text = jsBundle(int(10000, 250000));
  } else {
    url = `${ORIGIN}${CTX}/browse/APS-${3982 + (i % 40)}`;
    mime = 'text/html;charset=UTF-8';
    text = `<!DOCTYPE html><html><head><title>[APS-${3982 + (i % 40)}] Issue</title></head><body>${jsBundle(int(5000, 80000))}</body></html>`;
  }
  const requestId = `${started.getUTCHours() * 60 + started.getUTCMinutes()}x${107921 + i}x1`;
  const content = { size: text.length, mimeType: mime, text };
  if (encoding) content.encoding = encoding;
  const wait = int(5, 400);
  return {
    _initiator: { type: 'script', stack: { callFrames: [{ functionName: 'poll', scriptId: '42', url: `${ORIGIN}${CTX}/s/batch.js`, lineNumber: int(1, 9000), columnNumber: int(1, 200) }] } },
    _priority: 'High',
    _resourceType: encoding ? 'image' : 'xhr',
    cache: {},
    connection: String(int(100000, 200000)),
    pageref: `page_${Math.floor(i / 200)}`,
    request: {
      method: 'GET',
      url,
      httpVersion: 'http/2.0',
      headers: headers({
        ':authority': 'jira.example.test', ':method': 'GET', ':path': url.slice(ORIGIN.length), ':scheme': 'https',
        accept: 'application/json, text/javascript, */*; q=0.01', 'accept-encoding': 'gzip, deflate, br, zstd',
        'accept-language': 'en-US,en;q=0.9', cookie: `JSESSIONID=${JSESSIONID}; crowd.token_key=${TOKEN}; atlassian.xsrf.token=BWP3-NZB2-6EDY-6C7K_${'a1b2c3d4e5f6'.repeat(3)}_lin`,
        referer: `${ORIGIN}${CTX}/browse/APS-3982`, 'sec-ch-ua': '"Chromium";v="131", "Not_A Brand";v="24"',
        'sec-fetch-dest': 'empty', 'sec-fetch-mode': 'cors', 'sec-fetch-site': 'same-origin', 'user-agent': UA,
        'x-requested-with': 'XMLHttpRequest',
      }),
      queryString: [],
      cookies: [
        { name: 'JSESSIONID', value: JSESSIONID, path: '/track', domain: 'jira.example.test', expires: null, httpOnly: true, secure: true },
        { name: 'crowd.token_key', value: TOKEN, path: '/', domain: '.example.test', expires: null, httpOnly: true, secure: true },
      ],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status,
      statusText: '',
      httpVersion: 'http/2.0',
      headers: headers({
        'cache-control': 'no-cache, no-store, no-transform', 'content-encoding': 'gzip', 'content-type': mime,
        date: started.toUTCString(), 'referrer-policy': 'strict-origin-when-cross-origin',
        'strict-transport-security': 'max-age=31536000', vary: 'User-Agent', 'x-anodeid': 'node1',
        'x-arequestid': requestId, 'x-asen': 'SEN-L1234567', 'x-asessionid': '1a2b3c', 'x-ausername': 'v3ry8',
        'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN', 'x-seraph-loginreason': 'OK',
        'x-xss-protection': '1; mode=block',
      }),
      cookies: [],
      content,
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
      _transferSize: Math.round(text.length / 3),
      _error: null,
    },
    serverIPAddress: '203.0.113.10',
    startedDateTime: started.toISOString(),
    time: wait + 12.5,
    timings: { blocked: 1.2, dns: -1, ssl: -1, connect: -1, send: 0.1, wait, receive: 11.2, _blocked_queueing: 0.8 },
  };
}

function main() {
  const { bytes, out } = parseArgs(process.argv.slice(2));
  mkdirSync(dirname(out), { recursive: true });
  const fd = openSync(out, 'w');
  const t0 = Date.UTC(2021, 9, 19, 16, 0, 0);
  let written = 0;
  let pending = [];
  let pendingLen = 0;
  const emit = (s) => {
    pending.push(s);
    pendingLen += s.length;
    if (pendingLen > 8e6) flush();
  };
  const flush = () => {
    const buf = Buffer.from(pending.join(''));
    writeSync(fd, buf);
    written += buf.length;
    pending = [];
    pendingLen = 0;
  };
  emit('{\n  "log": {\n    "version": "1.2",\n    "creator": {"name": "WebInspector", "version": "537.36"},\n');
  emit('    "pages": [{"startedDateTime": "2021-10-19T16:00:00.000Z", "id": "page_0", "title": "https://jira.example.test/track/browse/APS-3982", "pageTimings": {"onContentLoad": 812, "onLoad": 1203}}],\n');
  emit('    "entries": [\n');
  let i = 0;
  while (written + pendingLen < bytes - 1000) {
    emit((i ? ',\n' : '') + JSON.stringify(entry(i, t0), null, 2).replace(/^/gm, '      '));
    i++;
  }
  emit('\n    ]\n  }\n}\n');
  flush();
  closeSync(fd);
  process.stderr.write(`gen-har: wrote ${out}: ${(written / 1e6).toFixed(1)} MB, ${i} entries\n`);
}

main();
