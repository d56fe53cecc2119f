// Jira and Confluence reached through different proxy paths (domain.md section 4, cause 2). Crowd
// trusts Jira's proxy (127.0.0.10) but not Confluence's two hops (127.0.0.41, 127.0.0.42), so the
// same browser resolves to 127.0.0.1 via Jira and to 127.0.0.42 via Confluence. Logging into
// Confluence issues a new token that Jira then rejects: "ping-pong".
import { MINUTE } from '../clock.mjs';
import { open, submitLogin, loginIfAsked, poll } from '../actions.mjs';
import { publicUrl } from '../topologies.mjs';

export default {
  name: 'proxy-path-mismatch',
  cause: 'proxy-path-mismatch',
  build(world, { trustedProxies = ['127.0.0.10'] } = {}) {
    world.addCrowd({ trustedProxies });
    const jira = world.addApp('jira', { product: 'jira', contextPath: '/jira', sso: world.sso('jira', { validationIntervalMs: 5 * MINUTE }) });
    const wiki = world.addApp('confluence', { product: 'confluence', contextPath: '/wiki', sso: world.sso('confluence', { validationIntervalMs: 5 * MINUTE }), tomcatPort: 8090, counterStart: 0 });
    const jiraEdge = world.addProxy({ name: 'jira edge', target: jira, localAddress: '127.0.0.10', port: world.port(18080) });
    const wikiHttpd = world.addProxy({ name: 'wiki httpd', target: wiki, localAddress: '127.0.0.42' });
    const wikiEdge = world.addProxy({ name: 'wiki edge', target: wikiHttpd, localAddress: '127.0.0.41', port: world.port(18090) });
    return { jiraBase: publicUrl(world, 'jira.example.test', jiraEdge, 18080, '/jira'), wikiBase: publicUrl(world, 'wiki.example.test', wikiEdge, 18090, '/wiki') };
  },
  async run(page, { jiraBase, wikiBase }, world) {
    await open(page, `${jiraBase()}/browse/APS-3982`);
    await submitLogin(page); // token T1 bound to 127.0.0.1 (Jira's path)
    await world.clock.skip(2 * MINUTE);
    await poll(page);
    await open(page, `${wikiBase()}/display/DOC/Home`); // T1 rejected by Confluence's path -> login.action
    await loginIfAsked(page); // T2 bound to 127.0.0.42, Set-Cookie crowd.token_key for .example.test
    await world.clock.skip(1 * MINUTE);
    await open(page, `${jiraBase()}/browse/APS-3982`); // T2 != T1: Jira validates T2 -> rejected: logged out
    await loginIfAsked(page); // T3 for Jira's path; Confluence will reject it in turn
    await open(page, `${wikiBase()}/display/DOC/Home`);
  },
  expected: {
    changing_hops: ['127.0.0.10', '127.0.0.41', '127.0.0.42'],
    notes:
      'Jira: browser -> proxy (connects from 127.0.0.10, trusted) -> Jira: factors remote_address=127.0.0.10, X-Forwarded-For=127.0.0.1 -> client 127.0.0.1. ' +
      'Confluence: browser -> edge (from 127.0.0.41) -> httpd (from 127.0.0.42) -> Confluence: remote_address=127.0.0.42, X-Forwarded-For=127.0.0.1, 127.0.0.41 -> client 127.0.0.42 (untrusted). ' +
      'The login to Confluence sets a new crowd.token_key (Domain=.example.test); the next Jira request carries it, Crowd answers INVALID_SSO_TOKEN "Token doesn\'t match the existing token." and Jira logs the user out (loss_entry). ' +
      'Re-login in Jira makes Confluence reject its token in turn. Fix: trust 127.0.0.41 and 127.0.0.42 (or one proxy tier for both apps).',
  },
};
