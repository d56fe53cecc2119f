// Checks of the browser model and the scenario matrix (sim/, matrix/): the cookie store follows RFC 6265
// as browsers do, the exports look like the real tools' files, a seed gives the same bytes, and each
// class's loss happens for its cause's reason: removing the reason (trusting the moving hop, distinct
// JSESSIONID paths, sticky sessions, ...) removes the loss, so the matrix cannot drift into variants whose
// "cause" is not what made the loss.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { CookieJar } from './sim/cookie-jar.mjs';
import { SimBrowser, Network } from './sim/browser.mjs';
import { World, EPOCH } from './world.mjs';
import { SteppedClock } from './clock.mjs';
import { PageAdapter } from './sim/page-adapter.mjs';
import { SCENARIOS } from './scenarios/index.mjs';
import { chromeHar, firefoxHar, firefoxDate } from './sim/har-export.mjs';
import { listVariants, simulate } from './matrix/variants.mjs';
import { CLASSES } from './matrix/classes.mjs';
import { MINUTE } from './clock.mjs';

const require = createRequire(import.meta.url);
const { har: validateHar } = require('har-validator');

const U = (s) => new URL(s);

/**
 * The HAR 1.2 schema's complaints about a file, minus those real exports share (mitmproxy's chrome.har
 * and firefox.har in tests/fixtures/public fail the same way): Chrome writes serverIPAddress "" for
 * memory-cache hits, Firefox writes request.headersSize null for cache hits.
 */
async function schemaErrors(har) {
  try {
    await validateHar(har);
    return [];
  } catch (e) {
    const entries = har.log.entries;
    return (e.errors || [e])
      .filter((x) => {
        const m = /^\.log\.entries\[(\d+)\]\.(serverIPAddress|request\.headersSize)$/.exec(x.dataPath || '');
        if (!m) return true;
        const entry = entries[Number(m[1])];
        return !(m[2] === 'serverIPAddress' ? entry._fromCache === 'memory' && entry.serverIPAddress === '' : entry.request.headersSize === null);
      })
      .map((x) => `${x.dataPath} ${x.message}`);
  }
}
const names = (jar, url, now = 0) => jar.forRequest(U(url), now).map((c) => `${c.name}=${c.value}`);

test('cookie jar: host-only and domain cookies, ports ignored, foreign domains refused', () => {
  const jar = new CookieJar();
  assert.equal(jar.set('JSESSIONID=A; Path=/', U('http://tools.example.test:8080/jira/x'), 0).stored, true);
  assert.equal(jar.set('sso=T; Domain=.example.test; Path=/', U('http://tools.example.test:8080/'), 0).stored, true);
  assert.deepEqual(jar.set('bad=1; Domain=.example.com', U('http://jira.example.test/'), 0), { stored: false, reason: 'domain', cookie: jar.set('bad=1; Domain=.example.com', U('http://jira.example.test/'), 0).cookie });
  // Another port of the same host gets the host-only cookie: cookies do not isolate by port.
  assert.deepEqual(names(jar, 'http://tools.example.test:8090/wiki/'), ['JSESSIONID=A', 'sso=T']);
  // A sibling host gets only the domain cookie.
  assert.deepEqual(names(jar, 'http://wiki.example.test/wiki/'), ['sso=T']);
  // Setting the same name, domain and path from the other port replaces it.
  jar.set('JSESSIONID=B; Path=/', U('http://tools.example.test:8090/wiki/login'), 1);
  assert.deepEqual(names(jar, 'http://tools.example.test:8080/jira/'), ['JSESSIONID=B', 'sso=T']);
});

test('cookie jar: Secure refused from http:, deletion by Max-Age and Expires, an http: origin cannot overwrite a Secure cookie', () => {
  const jar = new CookieJar();
  assert.equal(jar.set('t=1; Secure; Path=/', U('http://jira.example.test/'), 0).reason, 'secure');
  assert.equal(jar.set('t=1; Secure; Path=/', U('https://jira.example.test/'), 0).stored, true);
  assert.deepEqual(names(jar, 'http://jira.example.test/'), []);
  assert.deepEqual(names(jar, 'https://jira.example.test/'), ['t=1']);
  assert.equal(jar.set('t=2; Path=/', U('http://jira.example.test/'), 1).reason, 'secure');
  jar.set('a=1; Max-Age=60; Path=/', U('https://jira.example.test/'), 0);
  assert.deepEqual(names(jar, 'https://jira.example.test/', 59_000), ['t=1', 'a=1']);
  assert.deepEqual(names(jar, 'https://jira.example.test/', 60_000), ['t=1']);
  jar.set('t=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; Path=/', U('https://jira.example.test/'), 2);
  assert.deepEqual(names(jar, 'https://jira.example.test/', 3), []);
});

test('cookie jar: default path, path matching, and the Cookie order (longer path first, then older)', () => {
  const jar = new CookieJar();
  jar.set('d=1', U('http://h.example.test/jira/secure/Dashboard.jspa'), 0); // default path /jira/secure
  jar.set('j=1; Path=/jira', U('http://h.example.test/jira/'), 1);
  jar.set('root=1; Path=/', U('http://h.example.test/jira/'), 2);
  jar.set('old=1; Path=/', U('http://h.example.test/'), -5);
  assert.deepEqual(names(jar, 'http://h.example.test/jira/secure/x'), ['d=1', 'j=1', 'old=1', 'root=1']);
  assert.deepEqual(names(jar, 'http://h.example.test/jiraX/'), ['old=1', 'root=1']);
  // Replacing a cookie keeps its creation time, hence its place (RFC 6265, Firefox) ...
  jar.set('old=2; Path=/', U('http://h.example.test/'), 10);
  assert.deepEqual(names(jar, 'http://h.example.test/'), ['old=2', 'root=1']);
  // ... while Chrome keeps it only for an unchanged value: a new value goes to the end.
  const chrome = new CookieJar({ keepCreation: 'same-value' });
  chrome.set('a=1; Path=/', U('http://h.example.test/'), 0);
  chrome.set('b=1; Path=/', U('http://h.example.test/'), 1);
  chrome.set('a=1; Path=/', U('http://h.example.test/'), 2);
  assert.deepEqual(names(chrome, 'http://h.example.test/'), ['a=1', 'b=1']);
  chrome.set('a=2; Path=/', U('http://h.example.test/'), 3);
  assert.deepEqual(names(chrome, 'http://h.example.test/'), ['b=1', 'a=2']);
  // Two cookies of one name (parent domain and host-only): both sent, the older first.
  jar.set('sso=staging; Domain=.example.test; Path=/', U('http://wiki-stg.example.test/'), 20);
  jar.set('sso=prod; Path=/', U('http://h.example.test/'), 30);
  assert.deepEqual(names(jar, 'http://h.example.test/').filter((c) => c.startsWith('sso')), ['sso=staging', 'sso=prod']);
});

test('the matrix: at least 150 variants, every class in every export, three topologies where the cause allows', () => {
  const all = listVariants();
  assert.ok(all.length >= 150, `${all.length} variants`);
  assert.equal(new Set(all.map((v) => v.id)).size, all.length);
  const causes = new Set(all.map((v) => v.cause).filter(Boolean));
  assert.equal(causes.size, 12);
  for (const c of CLASSES) {
    const list = all.filter((v) => v.class === c.id);
    assert.deepEqual([...new Set(list.map((v) => v.export))].sort(), ['chrome', 'chrome-sanitized', 'firefox'], c.id);
    const tops = new Set(list.map((v) => v.topology));
    assert.ok(tops.size >= 3 || c.fewer, `${c.id}: ${tops.size} topologies and no reason for fewer`);
  }
});

const byId = (id) => listVariants().find((v) => v.id === id);

/**
 * Every recorded scenario's own script (scenarios/*.mjs, through sim/page-adapter.mjs) on the browser
 * model gives what Chromium recorded (tests/fixtures/testbed): the same entries in the same order, each with
 * its status, user, cache hit, the names of the cookies sent (in order) and set, the server address, and
 * the same loss entries.
 */
test("the browser model replays every recorded scenario as Chromium recorded it", async () => {
  const hdr = (hs, n) => hs.filter((h) => h.name.toLowerCase() === n).map((h) => h.value);
  const shape = (e) => {
    const u = new URL(e.request.url);
    const ip = e._fromCache ? '' : e.serverIPAddress;
    return [e.request.method, u.pathname, e.response.status, hdr(e.response.headers, 'x-ausername')[0], e._fromCache || '', ip, hdr(e.request.headers, 'cookie').join('').split('; ').map((c) => c.split('=')[0]).join(','), hdr(e.response.headers, 'set-cookie').map((c) => c.split('=')[0]).join(',')].join(' ');
  };
  for (const scenario of SCENARIOS) {
    const dir = new URL(`../fixtures/testbed/${scenario.name}/`, import.meta.url);
    const recorded = JSON.parse(readFileSync(new URL('recording.har', dir), 'utf8')).log.entries;
    const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8'));
    const clock = new SteppedClock(EPOCH);
    const world = new World({ seed: scenario.name, clock });
    const ctx = scenario.build(world, {});
    await world.start();
    let browser;
    try {
      // Chromium resolved *.example.test to 127.0.0.1, or to localhost (::1 first) for client-address-change.
      const addresses = scenario.resolverRules?.includes('localhost') ? ['::1', '127.0.0.1'] : ['127.0.0.1'];
      const net = new Network();
      for (const server of world.servers) {
        if (!server.forward) continue; // proxies and balancers are what the browser can reach
        for (const host of ['jira.example.test', 'wiki.example.test', 'wiki-stg.example.test', 'tools.example.test']) net.add(`${host}:${server.port}`, addresses, () => server.port);
      }
      browser = new SimBrowser({ kind: 'chrome', clock, network: net, seed: 'replay' });
      await scenario.run(new PageAdapter(browser.newTab()), ctx, world, {});
    } finally {
      await world.close();
    }
    assert.deepEqual(chromeHar(browser).log.entries.map(shape), recorded.map(shape), scenario.name);
    const losses = browser.trace.flatMap((ex, i) => (ex.loss ? [i] : []));
    assert.deepEqual(losses, expected.all_loss_entries, `${scenario.name}: loss entries`);
  }
});

test('a seed gives byte-identical exports; the exports look like the real tools', async () => {
  const v = byId('proxy-address-change--dc--chrome');
  const a = await simulate(v);
  const b = await simulate(v);
  const chrome = JSON.stringify(chromeHar(a.browser));
  assert.equal(chrome, JSON.stringify(chromeHar(b.browser)));
  assert.equal(a.world.apps.jira.log.text(), b.world.apps.jira.log.text());
  const har = JSON.parse(chrome);
  assert.deepEqual(har.log.creator, { name: 'WebInspector', version: '537.36' });
  assert.deepEqual(await schemaErrors(har), []);
  const sanitized = chromeHar(a.browser, { sanitized: true });
  assert.deepEqual(await schemaErrors(sanitized), []);
  for (const e of sanitized.log.entries) {
    assert.ok(!e.request.headers.concat(e.response.headers).some((h) => /^(cookie|set-cookie|authorization)$/i.test(h.name)));
    assert.deepEqual([e.request.cookies, e.response.cookies], [[], []]);
  }
  const memory = har.log.entries.filter((e) => e._fromCache === 'memory');
  assert.ok(memory.length > 0, 'page loads after the first answer their static resources from the memory cache');
  assert.ok(memory.every((e) => e.serverIPAddress === '' && e.response._transferSize === 0 && !('_connectionId' in e)));
  const ff = firefoxHar(a.browser, { offsetMinutes: -240 });
  assert.equal(ff.log.creator.name, 'Firefox');
  assert.match(ff.log.entries[0].startedDateTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}-04:00$/);
  assert.equal(firefoxDate(Date.UTC(2026, 9, 19, 14, 0, 1, 264), 120), '2026-10-19T16:00:01.264+02:00');
  assert.deepEqual(await schemaErrors(ff), []);
  const hits = ff.log.entries.filter((e) => !('serverIPAddress' in e));
  assert.ok(hits.length > 0 && hits.every((e) => e.time === 0 && e.response.headersSize === 0));
});

/**
 * Each loss class loses the session in its variant, and does not once its reason is removed. One variant
 * per class, on two topologies where it has them.
 */
const REMOVALS = {
  'proxy-address-change': { override: { trusted: ['127.0.0.10', '127.0.0.16/28'] }, why: 'the moving hop is trusted' },
  'xsrf-after-proxy-change': { override: { trusted: ['127.0.0.10', '127.0.0.16/28'] }, why: 'the moving hop is trusted' },
  'proxy-path-mismatch': { override: { trusted: ['127.0.0.10', '127.0.0.41', '127.0.0.42'] }, why: "Confluence's hops are trusted" },
  'client-address-change': { override: { includeIpAddress: false }, why: '"Require consistent client IP address" is off' },
  'sso-cookie-domain': { override: { cookieDomain: '.example.test' }, why: 'the SSO domain is the hosts\' parent' },
  'sso-cookie-insecure-scheme': { override: { scheme: 'https' }, why: 'the site is served over https:' },
  'session-cookie-collision-port': { override: { jiraCtx: '/jira', wikiCtx: '/wiki' }, why: 'distinct context paths' },
  'session-cookie-collision-path': { override: { sessionCookiePath: null }, why: 'JSESSIONID with each app\'s own path' },
  'sso-cookie-shared-parent': { override: { stagingCookieDomain: null }, why: 'staging keeps its SSO cookie to its own host' },
  'no-session-affinity': { override: { affinity: true }, why: 'sticky sessions on the JSESSIONID route' },
  'idle-timeout': { override: { sessionTimeoutMs: 48 * 60 * MINUTE, crowdTimeoutMs: 48 * 60 * MINUTE }, why: 'timeouts longer than the gap' },
  'xsrf-after-idle': { override: { crowdTimeoutMs: 48 * 60 * MINUTE }, why: "Crowd's token outlives the gap" },
};

for (const [cls, { override, why }] of Object.entries(REMOVALS)) {
  const variants = listVariants().filter((v) => v.class === cls && v.export === 'chrome');
  for (const v of [variants[0], variants.at(-1)]) {
    test(`${v.id}: loses the session, and not when ${why}`, async () => {
      const bad = await simulate(v);
      assert.ok(bad.losses.length > 0, 'the variant shows its loss');
      const good = await simulate(v, { override });
      assert.equal(good.lossesAnywhere, 0, `still lost at recorded entries ${good.losses}`);
    });
  }
}

test('remember-me churn re-issues the SSO cookie only while the moving hop is untrusted', async () => {
  const v = listVariants().find((x) => x.class === 'remember-me-churn' && x.export === 'chrome');
  const reissues = (r) => r.entries.filter((ex) => ex.method === 'GET' && ex.setCookies.some((l) => l.startsWith(`${r.layout.ssoCookie}=`) && !/Max-Age=0/.test(l))).length;
  const churn = await simulate(v);
  assert.equal(churn.lossesAnywhere, 0);
  assert.ok(reissues(churn) >= 1, `${reissues(churn)} re-issues`);
  const fixed = await simulate(v, { override: { trusted: ['127.0.0.10', '127.0.0.16/28'] } });
  assert.equal(reissues(fixed), 0);
});

test('X-Seraph-LoginReason: OUT then OK as two lines, or one line through a folding proxy; the user stays logged in', async () => {
  const v = listVariants().find((x) => x.class === 'remember-me-churn' && x.export === 'chrome');
  const reasons = (r) => r.entries.map((ex) => ex.responseHeaders.filter(([n]) => n === 'X-Seraph-LoginReason').map(([, val]) => val)).filter((l) => l.length && l.join() !== 'OK');
  const two = await simulate(v, { override: { seraphHeaders: 'all', foldHeaders: false } });
  assert.deepEqual(reasons(two)[0], ['OUT', 'OK']);
  const one = await simulate(v, { override: { seraphHeaders: 'all', foldHeaders: true } });
  assert.deepEqual(reasons(one)[0], ['OUT, OK']);
  const last = await simulate(v, { override: { seraphHeaders: 'last' } });
  assert.deepEqual(reasons(last), []);
  for (const r of [two, one, last]) assert.equal(r.lossesAnywhere, 0);
});
