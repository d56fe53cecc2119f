// Print a recording as a one-line-per-entry timeline, for reviewing a scenario next to its
// expected.json: node tests/testbed/dump.mjs tests/fixtures/testbed/<scenario>/recording.har
import { readFileSync } from 'node:fs';

const har = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const h = (hs, n) => hs.filter((x) => x.name.toLowerCase() === n).map((x) => x.value);
har.log.entries.forEach((e, i) => {
  const r = e.response.headers;
  const u = new URL(e.request.url);
  const setc = h(r, 'set-cookie').map((c) => c.split(';')[0].split('=')[0] + (/Max-Age=0/.test(c) ? '(del)' : '')).join(',');
  const sent = h(e.request.headers, 'cookie').join('; ').includes('crowd.token_key=') ? 'T' : '-';
  console.log(
    [String(i).padStart(3), e.startedDateTime.slice(11, 19), e.serverIPAddress, e.request.method.padEnd(4), `${u.host}${u.pathname}`.slice(0, 62).padEnd(62), e.response.status,
      h(r, 'x-ausername')[0] || '', h(r, 'x-asessionid')[0] || '', h(r, 'x-arequestid')[0] || '', h(r, 'x-anodeid')[0] || '', h(r, 'x-seraph-loginreason')[0] || '', sent, setc, e._fromCache ? 'cache' : ''].join(' '),
  );
});
