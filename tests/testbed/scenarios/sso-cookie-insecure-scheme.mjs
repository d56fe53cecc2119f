// "Secure SSO cookie" on while Jira is reached over http: (domain.md section 4, cause 5).
// Chromium refuses Secure cookies set by insecure origins, so crowd.token_key never comes back:
// logged out right after login, a login loop.
import { MINUTE } from '../clock.mjs';
import { open, submitLogin, loginIfAsked } from '../actions.mjs';
import { publicUrl } from '../topologies.mjs';

export default {
  name: 'sso-cookie-insecure-scheme',
  cause: 'sso-cookie-insecure-scheme',
  build(world, { secure = true } = {}) {
    world.addCrowd({ trustedProxies: ['127.0.0.10'] });
    const jira = world.addApp('jira', { product: 'jira', contextPath: '/jira', sso: world.sso('jira', { validationIntervalMs: 5 * MINUTE, secure }) });
    const edge = world.addProxy({ name: 'edge', target: jira, localAddress: '127.0.0.10', port: world.port(18080) });
    return { base: publicUrl(world, 'jira.example.test', edge, 18080, '/jira') };
  },
  async run(page, { base }, world) {
    await open(page, `${base()}/browse/APS-3982`);
    await submitLogin(page); // Set-Cookie crowd.token_key ...; Secure over http: dropped -> logged out
    await world.clock.skip(1 * MINUTE);
    await loginIfAsked(page);
  },
  expected: {
    changing_hops: [],
    notes:
      'All URLs are http:. The login response sets crowd.token_key with the Secure attribute (Secure SSO cookie on); Chromium rejects Secure cookies from insecure origins, ' +
      'so the redirected request has JSESSIONID but no token and Jira logs the user out (loss_entry); the second login loops the same way. ' +
      'The test bed has no TLS, so the "mixed scheme" here is a Secure cookie on an http: URL. Fix: HTTPS everywhere (connector scheme="https" secure="true" proxyPort="443").',
  },
};
