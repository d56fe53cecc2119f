// A few scenarios in the real browser: the recorded HAR shows the cause, and the same script with
// the cause removed records no loss.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenario } from './run-scenario.mjs';
import { byName } from './scenarios/index.mjs';
import { existsSync, readFileSync } from 'node:fs';

/** What must not change between recordings: entry order, statuses, who the server thought we were. */
const shape = (har) =>
  har.log.entries.map((e) => {
    const u = new URL(e.request.url);
    u.searchParams.delete('_');
    return `${e.request.method} ${u.hostname}${u.pathname}${u.search} ${e.response.status} ${hdr(e, 'x-ausername')} ${e._fromCache || ''} ${e.serverIPAddress}`;
  });

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
  // The committed recording is what the simulation records today (else: npm run fixtures).
  const committed = new URL('../fixtures/testbed/proxy-address-change/recording.har', import.meta.url);
  if (existsSync(committed)) {
    const old = JSON.parse(readFileSync(committed, 'utf8'));
    assert.deepEqual(shape(har), shape(old), 'tests/fixtures/testbed is stale: re-record with npm run fixtures');
    assert.equal(JSON.parse(readFileSync(new URL('../fixtures/testbed/proxy-address-change/expected.json', import.meta.url), 'utf8')).loss_entry, losses[0]);
  }
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

test('proxy paths: Confluence\'s new token logs Jira out; trusting Confluence\'s hops ends the ping-pong', async () => {
  const s = byName('proxy-path-mismatch');
  const bad = await runScenario(s);
  const loss = bad.har.log.entries[bad.losses[0]];
  assert.match(loss.request.url, /jira\.example\.test:\d+\/jira\/browse\/APS-3982$/);
  // The token it carries was set by the Confluence login just before.
  const token = loss.request.cookies.find((c) => c.name === 'crowd.token_key').value;
  const setter = bad.har.log.entries.find((e) => e.response.cookies.some((c) => c.name === 'crowd.token_key' && c.value === token));
  assert.match(setter.request.url, /wiki\.example\.test:\d+\/wiki\/dologin\.action$/);
  const good = await runScenario(s, { variant: { trustedProxies: ['127.0.0.10', '127.0.0.41', '127.0.0.42'] } });
  assert.deepEqual(good.losses, []);
});

test('Data Center in the browser: a node switch loses the session only without affinity', async () => {
  const s = byName('no-session-affinity');
  const bad = await runScenario(s);
  const loss = bad.har.log.entries[bad.losses[0]];
  assert.equal(hdr(loss, 'x-anodeid'), 'node2');
  assert.match(loss.request.cookies.find((c) => c.name === 'JSESSIONID').value, /\.node1$/);
  const good = await runScenario(s, { variant: { affinity: true } });
  assert.deepEqual(good.losses, []);
  assert.ok(good.har.log.entries.every((e) => e._fromCache || !hdr(e, 'x-anodeid') || hdr(e, 'x-anodeid') === 'node1'));
});
