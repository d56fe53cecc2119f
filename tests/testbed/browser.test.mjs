// A few scenarios in the real browser: the recorded HAR shows the cause, and the same script with
// the cause removed records no loss.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenario } from './run-scenario.mjs';
import { byName } from './scenarios/index.mjs';

const hdr = (e, n) => e.response.headers.find((h) => h.name.toLowerCase() === n)?.value;
const devStatus = (har) => har.log.entries.filter((e) => e.request.url.includes('/rest/dev-status/'));

test('KB scenario: logged out by the dev-status poll, with the session id unchanged', async () => {
  const { har, losses } = await runScenario(byName('proxy-address-change'));
  assert.ok(losses.length >= 1);
  const loss = har.log.entries[losses[0]];
  assert.match(loss.request.url, /\/track\/rest\/dev-status\/1\.0\/issue\/summary\?issueId=314447&_=\d+$/);
  assert.equal(loss.response.status, 400);
  assert.equal(hdr(loss, 'x-ausername'), 'anonymous');
  assert.equal(hdr(loss, 'x-seraph-loginreason'), 'OUT');
  const before = devStatus(har).filter((e) => har.log.entries.indexOf(e) < losses[0]);
  assert.equal(hdr(before.at(-1), 'x-ausername'), 'v3ry8');
  assert.equal(hdr(before.at(-1), 'x-asessionid'), hdr(loss, 'x-asessionid'));
  assert.ok(loss.request.headers.find((h) => h.name === 'Cookie').value.includes('crowd.token_key='));
  assert.ok(!JSON.stringify(har).includes('X-Testbed'));
});

test('KB scenario: the same script stays logged in when the middle hop is trusted', async () => {
  const { har, losses } = await runScenario(byName('proxy-address-change'), { variant: { trustedProxies: ['127.0.0.10', '127.0.0.16/28'] } });
  assert.deepEqual(losses, []);
  assert.ok(devStatus(har).every((e) => e.response.status === 200 && hdr(e, 'x-ausername') === 'v3ry8'));
});

test('client address: IPv6 then IPv4 for one host; harmless without IP binding', async () => {
  const s = byName('client-address-change');
  const { har, losses } = await runScenario(s);
  const loss = har.log.entries[losses[0]];
  assert.equal(loss.serverIPAddress, '127.0.0.1');
  assert.ok(har.log.entries.slice(0, losses[0]).some((e) => e.serverIPAddress === '[::1]' && !e._fromCache));
  const off = await runScenario(s, { variant: { includeIpAddress: false } });
  assert.deepEqual(off.losses, []);
});

test('SSO cookie domain: login loop with .example.com, none with .example.test', async () => {
  const s = byName('sso-cookie-domain');
  const bad = await runScenario(s);
  const loss = bad.har.log.entries[bad.losses[0]];
  const prev = bad.har.log.entries[bad.losses[0] - 1];
  assert.match(hdr(prev, 'set-cookie'), /crowd\.token_key=[^;]+; Domain=\.example\.com/);
  assert.ok(!loss.request.headers.find((h) => h.name === 'Cookie').value.includes('crowd.token_key'));
  const good = await runScenario(s, { variant: { cookieDomain: '.example.test' } });
  assert.deepEqual(good.losses, []);
});
