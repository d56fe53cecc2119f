#!/usr/bin/env node
// Writes an entry-heavy HAR: a long session of small polls on one Jira, the user lost once in the middle (five
// anonymous 400s), a 404 now and then. For the page's 100k-entry test and its benchmark; deterministic, cached
// by the callers in target/.
//
//   node scripts/gen-entries.mjs --entries 100000 --out target/page/100k-entries.har
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Writes `count` entries to `out`. */
export function generateEntries(out, count = 100_000) {
  mkdirSync(dirname(out), { recursive: true });
  const fd = openSync(out, 'w');
  writeSync(fd, '{"log":{"version":"1.2","creator":{"name":"gen-entries","version":"1"},"entries":[\n');
  const t0 = Date.UTC(2021, 9, 19, 8, 0, 0);
  let chunk = [];
  for (let i = 0; i < count; i++) {
    const anonymous = i >= count / 2 && i < count / 2 + 5;
    const status = anonymous ? 400 : i % 997 === 0 ? 404 : 200;
    chunk.push(JSON.stringify({
      startedDateTime: new Date(t0 + i * 250).toISOString(), time: 20,
      request: { method: i % 10 ? 'GET' : 'POST', url: `https://jira.example.test/track/rest/api/2/issue/APS-${i}?poll=${i}`, httpVersion: 'HTTP/1.1', headers: [], cookies: [], queryString: [], headersSize: -1, bodySize: 0 },
      response: { status, statusText: '', httpVersion: 'HTTP/1.1', headers: [{ name: 'X-AUSERNAME', value: anonymous ? 'anonymous' : 'v3ry8' }, { name: 'X-ASESSIONID', value: 'abc123' }], cookies: [], content: { size: 2, mimeType: 'application/json', text: '{}' }, redirectURL: '', headersSize: -1, bodySize: 2 },
      cache: {}, timings: { send: 1, wait: 18, receive: 1 }, serverIPAddress: '192.0.2.10',
    }));
    if (chunk.length === 5000 || i === count - 1) {
      writeSync(fd, chunk.join(',\n') + (i === count - 1 ? '\n' : ',\n'));
      chunk = [];
    }
  }
  writeSync(fd, ']}}\n');
  closeSync(fd);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : null);
  const out = opt('--out');
  if (!out) throw new Error('usage: gen-entries.mjs [--entries N] --out FILE');
  generateEntries(out, Number(opt('--entries') ?? 100_000));
}
