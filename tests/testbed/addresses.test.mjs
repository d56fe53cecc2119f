// Crowd's trusted-proxy matching and client-address resolution (domain.md section 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrustedProxies, resolveClient } from './addresses.mjs';

const KB = { remote: '127.0.0.10', xff: (mid) => `127.0.0.1, 127.0.0.10, ${mid}` };

test('documented rule: the KB chain resolves to the untrusted middle hop, which changes with it', () => {
  const t = new TrustedProxies(['127.0.0.10']);
  assert.equal(resolveClient(t, KB.remote, KB.xff('127.0.0.21')).address, '127.0.0.21');
  assert.equal(resolveClient(t, KB.remote, KB.xff('127.0.0.22')).address, '127.0.0.22');
});

test('documented rule: trusting the middle hop moves the resolution to the stable client', () => {
  const t = new TrustedProxies('127.0.0.10, 127.0.0.16/28');
  assert.equal(resolveClient(t, KB.remote, KB.xff('127.0.0.21')).address, '127.0.0.1');
  assert.equal(resolveClient(t, KB.remote, KB.xff('127.0.0.22')).address, '127.0.0.1');
});

test('all-or-nothing rule (XForwardedForUtil): an untrusted hop means remote_address, stable in the KB chain', () => {
  const t = new TrustedProxies(['127.0.0.10']);
  const r = resolveClient(t, KB.remote, KB.xff('127.0.0.21'), 'all-or-nothing');
  assert.equal(r.address, '127.0.0.10');
  assert.deepEqual(r.untrusted, ['127.0.0.21']);
  const all = new TrustedProxies('127.0.0.0/24');
  assert.equal(resolveClient(all, KB.remote, KB.xff('127.0.0.21'), 'all-or-nothing').address, '127.0.0.1');
});

test('no X-Forwarded-For: remote_address', () => {
  assert.equal(resolveClient(new TrustedProxies([]), '127.0.0.5', undefined).address, '127.0.0.5');
});

test('trusted-proxy entry forms', () => {
  const t = new TrustedProxies('192.168.*.*, 10.1.2.3/16, 2001:db8:85a3::/64, 192.0.2.7, proxy.example.test, *.168.1.0, 010.0.0.1');
  assert.ok(t.isTrusted('192.168.200.1')); // wildcard = /16
  assert.ok(t.isTrusted('10.1.99.99')); // host bits ignored
  assert.ok(!t.isTrusted('10.2.0.1'));
  assert.ok(t.isTrusted('2001:db8:85a3::42'));
  assert.ok(t.isTrusted('192.0.2.7'));
  assert.ok(!t.isTrusted('::ffff:192.0.2.8'));
  assert.ok(!t.isTrusted('192.0.2.7:443')); // ip:port is an untrusted hop
  assert.ok(!t.isTrusted('unknown'));
  assert.ok(!t.isTrusted('10.0.0.1')); // leading-zero entry rejected, *.168.1.0 invalid
});
