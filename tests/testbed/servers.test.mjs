// The simulated servers driven with Node's fetch (no browser): each cause happens for its reason,
// and goes away when that reason is removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { World } from './world.mjs';
import { FetchClient } from './fetch-client.mjs';
import { kbTopology, ssoPair } from './topologies.mjs';
import { MINUTE, HOUR } from './clock.mjs';
import { asessionId } from './rand.mjs';
import noAffinity from './scenarios/no-session-affinity.mjs';

async function inWorld(build, fn) {
  const world = new World({ seed: 'check' });
  const ctx = build(world);
  await world.start();
  try {
    await fn(world, ctx);
  } finally {
    await world.close();
  }
}

const origin = (proxy) => `http://127.0.0.1:${proxy.port}`;
const DEV = '/rest/dev-status/1.0/issue/summary?issueId=314447';

/** Log in, then the KB sequence: the middle hop moves, 7 minutes pass, the page polls. */
async function kbRun(world, { httpd, edge }, { remember = false } = {}) {
  const c = new FetchClient(origin(edge));
  const login = await c.request('POST', '/track/login.jsp', { form: { os_username: 'v3ry8', os_password: 'Kangaroo-42', os_destination: '/browse/APS-3982', ...(remember ? { os_cookie: 'true' } : {}) } });
  assert.equal(login.status, 302);
  assert.equal(login.headers.get('x-seraph-loginreason'), 'OK');
  assert.equal((await c.get('/track/browse/APS-3982')).user, 'v3ry8');
  const tokenBefore = c.jar.get('crowd.token_key');
  httpd.setLocalAddress('127.0.0.22');
  await world.clock.skip(3 * MINUTE);
  const early = await c.get(`/track${DEV}&_=1`); // inside the validation interval
  await world.clock.skip(4 * MINUTE);
  const late = await c.get(`/track${DEV}&_=2`);
  return { c, early, late, tokenBefore };
}

test('KB: an untrusted middle hop that changes address logs the user out at the next validation', () =>
  inWorld(kbTopology, async (world, ctx) => {
    const { early, late } = await kbRun(world, ctx);
    assert.equal(early.status, 200);
    assert.equal(early.user, 'v3ry8');
    assert.equal(late.status, 400);
    assert.equal(late.user, 'anonymous');
    assert.equal(late.headers.get('x-seraph-loginreason'), 'OUT');
    assert.ok(late.loss);
    const log = world.apps.jira.log.text();
    assert.match(log, /127\.0\.0\.1, 127\.0\.0\.10, 127\.0\.0\.22,127\.0\.0\.10 \/track\/rest\/dev-status\/1\.0\/issue\/summary \[o\.apache\.http\.wire\] http-outgoing-\d+ << "<\?xml.*<reason>INVALID_SSO_TOKEN<\/reason><message>Token doesn't match the existing token\.<\/message>/);
    assert.match(world.crowd.log.text(), /Proxies \[127\.0\.0\.22\] are untrusted \(for requestAddress=127\.0\.0\.10 and xForwardedFor=127\.0\.0\.1, 127\.0\.0\.10, 127\.0\.0\.22\)/);
    // The access log line of the loss: peer, request id, anonymous, 400, ASESSIONID unchanged.
    const line = world.apps.jira.access.lines.find((l) => l.includes('&_=2'));
    assert.match(line, /^127\.0\.0\.10 \d+x\d+x\d+ - \[19\/Oct\/2026:14:07:\d\d \+0000\] "GET \/track\/rest\/dev-status\/1\.0\/issue\/summary\?issueId=314447&_=2 HTTP\/1\.1" 400 \d+ \d+ "-" "testbed-check" "[0-9a-z]+"$/);
  }));

test('KB: the same run stays logged in once the middle hop is trusted', () =>
  inWorld((w) => kbTopology(w, { trustedProxies: ['127.0.0.10', '127.0.0.16/28'] }), async (world, ctx) => {
    const { late } = await kbRun(world, ctx);
    assert.equal(late.status, 200);
    assert.equal(late.user, 'v3ry8');
    assert.ok(world.crowd.events.some((e) => e.op === 'validate' && e.ok && e.address === '127.0.0.1'));
  }));

test('KB: under the all-or-nothing rule the same chain resolves to the stable remote_address', () =>
  inWorld((w) => kbTopology(w, { rule: 'all-or-nothing' }), async (world, ctx) => {
    const { late } = await kbRun(world, ctx);
    assert.equal(late.user, 'v3ry8');
  }));

test('remember-me hides the mismatch with a new token (churn), no visible loss', () =>
  inWorld(kbTopology, async (world, ctx) => {
    const { c, late, tokenBefore } = await kbRun(world, ctx, { remember: true });
    assert.equal(late.status, 200);
    assert.equal(late.user, 'v3ry8');
    assert.ok(!late.loss);
    assert.match(late.headers.getSetCookie().join('\n'), /^crowd\.token_key=[A-Za-z0-9_-]+; Domain=\.example\.test; Path=\/; HttpOnly$/m);
    assert.notEqual(c.jar.get('crowd.token_key'), tokenBefore);
  }));

test('Data Center: the session is lost on a node switch only without affinity', async () => {
  for (const affinity of [false, true]) {
    await inWorld((w) => noAffinity.build(w, { affinity }), async (world, { lb }) => {
      const c = new FetchClient(origin(lb));
      lb.prefer('node1');
      const login = await c.login('/jira');
      assert.match(c.jar.get('JSESSIONID'), /^[0-9A-F]{32}\.node1$/);
      assert.equal(login.headers.get('x-anodeid'), 'node1');
      assert.equal(login.headers.get('x-asessionid'), asessionId(c.jar.get('JSESSIONID')));
      lb.prefer('node2');
      const r = await c.get(`/jira${DEV}&_=1`);
      assert.equal(r.headers.get('x-anodeid'), affinity ? 'node1' : 'node2');
      assert.equal(r.user, affinity ? 'v3ry8' : 'anonymous', `affinity=${affinity}`);
      assert.match(r.headers.get('x-arequestid'), affinity ? /^\d+x1079\d\dx1$/ : /^\d+x523\d\dx1$/);
    });
  }
});

test('logout in Confluence logs the user out of Jira too (token deleted and invalidated)', () =>
  inWorld(ssoPair, async (world, { jiraEdge, wikiEdge }) => {
    const jira = new FetchClient(origin(jiraEdge));
    await jira.login('/jira');
    const wiki = new FetchClient(origin(wikiEdge), 'wiki.example.test');
    wiki.jar.set('crowd.token_key', jira.jar.get('crowd.token_key')); // one browser, one .example.test cookie
    assert.equal((await wiki.get('/wiki/display/DOC/Home')).user, 'v3ry8'); // single sign-on
    const out = await wiki.get('/wiki/logout.action');
    assert.match(out.headers.getSetCookie().join('\n'), /crowd\.token_key=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Domain=\.example\.test; Path=\//);
    assert.equal(world.crowd.tokens.size, 0);
    jira.jar.delete('crowd.token_key');
    const r = await jira.get('/jira/browse/APS-3982');
    assert.equal(r.status, 302);
    assert.match(r.headers.get('location'), /\/jira\/login\.jsp\?permissionViolation=true&os_destination=%2Fbrowse%2FAPS-3982/);
    assert.ok(r.loss);
  }));

test('idle: 20 minutes are fine, 6 hours lose session and token', () =>
  inWorld(ssoPair, async (world, { jiraEdge }) => {
    const c = new FetchClient(origin(jiraEdge));
    await c.login('/jira');
    await world.clock.skip(20 * MINUTE);
    assert.equal((await c.get('/jira/browse/APS-3982')).user, 'v3ry8');
    await world.clock.skip(6 * HOUR);
    const r = await c.get('/jira/browse/APS-3982');
    assert.equal(r.user, 'anonymous');
    assert.ok(r.loss);
    assert.ok(world.crowd.events.some((e) => e.op === 'validate' && e.reason === 'expired'));
  }));

test('an explicit logout is not a loss; a Secure or foreign-domain SSO cookie never comes back', async () => {
  await inWorld(ssoPair, async (world, { jiraEdge }) => {
    const c = new FetchClient(origin(jiraEdge));
    await c.login('/jira');
    const out = await c.get('/jira/secure/Logout!default.jspa');
    assert.equal(out.user, 'anonymous');
    assert.ok(!out.loss);
    assert.ok(!(await c.get('/jira/browse/APS-3982')).loss);
  });
  for (const sso of [{ secure: true }, { cookieDomain: '.example.com' }]) {
    await inWorld(
      (w) => {
        w.addCrowd({ trustedProxies: ['127.0.0.10'] });
        const jira = w.addApp('jira', { product: 'jira', contextPath: '/jira', sso: w.sso('jira', { validationIntervalMs: 5 * MINUTE, ...sso }) });
        return { edge: w.addProxy({ name: 'edge', target: jira, localAddress: '127.0.0.10' }) };
      },
      async (world, { edge }) => {
        const c = new FetchClient(origin(edge));
        const login = await c.login('/jira');
        assert.equal(login.user, 'v3ry8');
        assert.ok(!c.jar.has('crowd.token_key'));
        const r = await c.get('/jira/browse/APS-3982');
        assert.equal(r.user, 'anonymous');
        assert.equal(r.headers.get('x-seraph-loginreason'), 'OUT');
        assert.ok(r.loss);
      },
    );
  }
});

test('XSRF: a form post with a lin token after the session is gone gets the 403 XSRF page', () =>
  inWorld(kbTopology, async (world, { httpd, edge }) => {
    const c = new FetchClient(origin(edge));
    await c.login('/track');
    const page = await c.get('/track/browse/APS-3982');
    const token = page.text.match(/name="atl_token" value="([^"]+)"/)[1].replace(/&amp;/g, '&');
    assert.match(token, /^BWP3-NZB2-6EDY-6C7K\|[0-9a-f]{40}\|lin$/);
    httpd.setLocalAddress('127.0.0.22');
    await world.clock.skip(7 * MINUTE);
    const post = await c.request('POST', '/track/secure/AddComment.jspa', { form: { id: 'APS-3982', comment: 'x', atl_token: token } });
    assert.equal(post.status, 403);
    assert.match(post.text, /XSRF Security Token Missing/);
    assert.match(c.jar.get('atlassian.xsrf.token'), /\|lout$/);
    assert.ok(post.loss);
  }));
