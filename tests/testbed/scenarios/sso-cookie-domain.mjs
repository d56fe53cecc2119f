// SSO cookie domain that does not match the host (domain.md section 4, cause 4): Jira is at
// jira.example.test but the SSO domain is .example.com, so Chromium rejects crowd.token_key. The
// next request has a session user but no token: the SSO authenticator logs the user out. Login loop.
import { MINUTE } from '../clock.mjs';
import { open, submitLogin, loginIfAsked } from '../actions.mjs';
import { publicUrl } from '../topologies.mjs';

export default {
  name: 'sso-cookie-domain',
  cause: 'sso-cookie-domain',
  build(world, { cookieDomain = '.example.com' } = {}) {
    world.addCrowd({ trustedProxies: ['127.0.0.10'] });
    const jira = world.addApp('jira', { product: 'jira', contextPath: '/jira', sso: world.sso('jira', { validationIntervalMs: 5 * MINUTE, cookieDomain }) });
    const edge = world.addProxy({ name: 'edge', target: jira, localAddress: '127.0.0.10', port: world.port(18080) });
    return { base: publicUrl(world, 'jira.example.test', edge, 18080, '/jira') };
  },
  async run(page, { base }, world) {
    await open(page, `${base()}/secure/Dashboard.jspa`); // -> login.jsp
    await submitLogin(page); // 302 OK + Set-Cookie crowd.token_key; Domain=.example.com (rejected) -> dashboard: logged out -> login.jsp
    await world.clock.skip(1 * MINUTE);
    await loginIfAsked(page); // the user tries again: same loop
  },
  expected: {
    changing_hops: [],
    notes:
      'Login succeeds (X-Seraph-LoginReason: OK, X-AUSERNAME v3ry8) and sets crowd.token_key with Domain=.example.com on host jira.example.test: the browser drops it. ' +
      'The redirected request carries JSESSIONID but no crowd.token_key; Jira logs the user out (loss_entry) and sends the login page again. Repeats on the second try. ' +
      'Fix: SSO domain = the common parent of the hosts (.example.test).',
  },
};
