// The Crowd server over real HTTP, through the app-side client: tokens bound to the resolved
// client address, INVALID_SSO_TOKEN answers, invalidation, timeouts, the IP-binding switch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock, MINUTE } from './clock.mjs';
import { SeededRandom } from './rand.mjs';
import { CrowdServer } from './crowd.mjs';
import { CrowdClient, xmlTag } from './crowd-client.mjs';

async function withCrowd(opts, fn) {
  const clock = new VirtualClock(Date.UTC(2026, 9, 19, 14));
  const crowd = new CrowdServer({ clock, rng: new SeededRandom('t'), users: { v3ry8: 'pw' }, ...opts });
  await crowd.start();
  const client = new CrowdClient({ baseUrl: () => crowd.url, hostHeader: 'crowd.example.test:8095', appName: 'jira' });
  const lines = [];
  const log = (level, cat, msg) => lines.push(`${level} [${cat}] ${msg}`);
  try {
    await fn({ crowd, client, clock, log, lines });
  } finally {
    await crowd.close();
  }
}

const f = (mid) => CrowdClient.factors('127.0.0.10', `127.0.0.1, 127.0.0.10, ${mid}`);

test('a token is rejected with "Token doesn\'t match the existing token." when the untrusted hop changes', () =>
  withCrowd({ trustedProxies: ['127.0.0.10'] }, async ({ client, log, lines }) => {
    const created = await client.authenticate('v3ry8', 'pw', f('127.0.0.21'), log);
    assert.equal(created.status, 201);
    const token = xmlTag(created.body, 'token');
    assert.equal((await client.validate(token, f('127.0.0.21'), log)).status, 200);
    const bad = await client.validate(token, f('127.0.0.22'), log);
    assert.equal(bad.status, 400);
    assert.equal(xmlTag(bad.body, 'reason'), 'INVALID_SSO_TOKEN');
    assert.equal(xmlTag(bad.body, 'message'), "Token doesn't match the existing token.");
    // The wire lines carry the factors and the answer, as in the KB's DEBUG log.
    assert.ok(lines.some((l) => l.includes('<validation-factor><name>X-Forwarded-For</name><value>127.0.0.1, 127.0.0.10, 127.0.0.22</value>')));
    assert.ok(lines.some((l) => l.includes('<< "HTTP/1.1 400 Bad Request[\\r][\\n]"')));
  }));

test('the same change is harmless once the hop is trusted', () =>
  withCrowd({ trustedProxies: ['127.0.0.10', '127.0.0.16/28'] }, async ({ client, log }) => {
    const token = xmlTag((await client.authenticate('v3ry8', 'pw', f('127.0.0.21'), log)).body, 'token');
    assert.equal((await client.validate(token, f('127.0.0.22'), log)).status, 200);
  }));

test('"Require consistent client IP address" off: no binding at all', () =>
  withCrowd({ trustedProxies: [], includeIpAddress: false }, async ({ client, log }) => {
    const token = xmlTag((await client.authenticate('v3ry8', 'pw', f('127.0.0.21'), log)).body, 'token');
    assert.equal((await client.validate(token, CrowdClient.factors('127.0.0.99'), log)).status, 200);
  }));

test('logout invalidates the token for every app; idle tokens expire', () =>
  withCrowd({ trustedProxies: ['127.0.0.10'], sessionTimeoutMs: 30 * MINUTE }, async ({ client, clock, log }) => {
    const t1 = xmlTag((await client.authenticate('v3ry8', 'pw', f('127.0.0.21'), log)).body, 'token');
    assert.equal((await client.invalidate(t1, log)).status, 204);
    const gone = await client.validate(t1, f('127.0.0.21'), log);
    assert.equal(gone.status, 404);
    assert.equal(xmlTag(gone.body, 'reason'), 'INVALID_SSO_TOKEN');
    const t2 = xmlTag((await client.authenticate('v3ry8', 'pw', f('127.0.0.21'), log)).body, 'token');
    await clock.skip(29 * MINUTE);
    assert.equal((await client.validate(t2, f('127.0.0.21'), log)).status, 200); // refreshes
    await clock.skip(31 * MINUTE);
    assert.equal((await client.validate(t2, f('127.0.0.21'), log)).status, 404);
  }));

test('wrong password is refused', () =>
  withCrowd({}, async ({ client, log }) => {
    const r = await client.authenticate('v3ry8', 'nope', f('127.0.0.21'), log);
    assert.equal(r.status, 400);
    assert.equal(xmlTag(r.body, 'reason'), 'INVALID_USER_AUTHENTICATION');
  }));
