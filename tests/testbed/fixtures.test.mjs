// The committed recordings (tests/fixtures/testbed) are complete and consistent with their
// expected.json: what a reviewer reads next to each HAR holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENARIOS } from './scenarios/index.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/testbed');
const CAUSES = ['proxy-address-change', 'proxy-path-mismatch', 'client-address-change', 'sso-cookie-domain', 'sso-cookie-insecure-scheme', 'session-cookie-collision', 'no-session-affinity', 'idle-timeout', 'remember-me-churn', 'logout-elsewhere', 'xsrf-after-session-loss', 'user-logout'];
const FILES = ['recording.har', 'recording.nocookies.har', 'expected.json', 'trusted-proxies.txt', 'atlassian-jira-http-access.log', 'atlassian-jira.log'];
const hdr = (e, n) => e.response.headers.find((h) => h.name.toLowerCase() === n)?.value;
const origin = (e) => new URL(e.request.url).host;

test('every cause of domain.md section 4 has a scenario, plus a healthy one', () => {
  assert.deepEqual([...new Set(SCENARIOS.map((s) => s.cause).filter(Boolean))].sort(), [...CAUSES].sort());
  assert.ok(SCENARIOS.some((s) => s.name === 'healthy-long-use' && s.cause === null));
});

for (const s of SCENARIOS) {
  const dir = path.join(ROOT, s.name);
  test(`fixture ${s.name}`, { skip: !existsSync(dir) && 'not recorded: npm run fixtures' }, () => {
    for (const f of FILES) assert.ok(existsSync(path.join(dir, f)), `${f} missing`);
    const size = readdirSync(dir).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
    assert.ok(size < 1024 * 1024, `${size} bytes`);
    const har = JSON.parse(readFileSync(path.join(dir, 'recording.har'), 'utf8'));
    const bare = JSON.parse(readFileSync(path.join(dir, 'recording.nocookies.har'), 'utf8'));
    const exp = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8'));
    const entries = har.log.entries;
    assert.equal(exp.cause, s.cause);
    assert.equal(bare.log.entries.length, entries.length);
    assert.ok(!JSON.stringify(har).toLowerCase().includes('x-testbed'));
    for (const e of bare.log.entries) {
      for (const h of [...e.request.headers, ...e.response.headers]) assert.ok(!/^(cookie|set-cookie|authorization)$/i.test(h.name));
      assert.deepEqual([e.request.cookies, e.response.cookies], [[], []]);
    }
    if (exp.loss_entry === null) {
      assert.ok(s.healthy || s.expectLoss === false);
      return;
    }
    // The loss entry: a live (not cached) response, anonymous, right after a response of the same
    // origin that knew the user.
    const loss = entries[exp.loss_entry];
    assert.ok(loss && !loss._fromCache);
    assert.equal(hdr(loss, 'x-ausername'), 'anonymous');
    const prev = entries.slice(0, exp.loss_entry).filter((e) => !e._fromCache && origin(e) === origin(loss) && hdr(e, 'x-ausername'));
    assert.equal(hdr(prev.at(-1), 'x-ausername'), 'v3ry8');
    assert.ok(!/logout/i.test(loss.request.url));
  });
}
