// The second form of domain.md section 4, cause 6: two crowd.token_key values in one Cookie
// header. A staging Confluence (wiki-stg.example.test, its own Crowd) sets its SSO cookie for the
// shared parent .example.test; production Jira (jira.example.test) sets a host-only one. Both
// match jira.example.test, and the staging one, created first, comes first in the Cookie header
// (same path: older cookie first). Jira reads the first, production Crowd does not know it: the
// user is logged out right after every login while the staging cookie lives.
import { MINUTE } from '../clock.mjs';
import { open, submitLogin, loginIfAsked } from '../actions.mjs';
import { publicUrl } from '../topologies.mjs';

export default {
  name: 'sso-cookie-shared-parent',
  cause: 'session-cookie-collision',
  build(world, { stagingCookieDomain = '.example.test' } = {}) {
    world.addCrowd({ trustedProxies: ['127.0.0.10'] });
    const stagingCrowd = world.addOtherCrowd({ trustedProxies: ['127.0.0.10'] });
    const jira = world.addApp('jira', { product: 'jira', contextPath: '/jira', sso: world.sso('jira', { validationIntervalMs: 5 * MINUTE, cookieDomain: null }) });
    const wiki = world.addApp('confluence-staging', {
      product: 'confluence',
      contextPath: '/wiki',
      serverId: 'B7QK-STG1-0A2C-9D3E',
      tomcatPort: 8090,
      counterStart: 0,
      sso: world.sso('confluence-stg', { validationIntervalMs: 5 * MINUTE, cookieDomain: stagingCookieDomain, server: stagingCrowd, hostHeader: 'crowd-stg.example.test:8095' }),
    });
    const jiraEdge = world.addProxy({ name: 'jira edge', target: jira, localAddress: '127.0.0.10', port: world.port(18080) });
    const wikiEdge = world.addProxy({ name: 'staging wiki edge', target: wiki, localAddress: '127.0.0.10', port: world.port(18090) });
    return { jiraBase: publicUrl(world, 'jira.example.test', jiraEdge, 18080, '/jira'), wikiBase: publicUrl(world, 'wiki-stg.example.test', wikiEdge, 18090, '/wiki') };
  },
  async run(page, { jiraBase, wikiBase }, world) {
    await open(page, `${wikiBase()}/display/DOC/Home`); // staging, in the morning
    await submitLogin(page); // crowd.token_key (staging) for .example.test
    await world.clock.skip(10 * MINUTE);
    await open(page, `${jiraBase()}/browse/APS-3982`); // production: the staging token is unknown -> login.jsp
    await submitLogin(page); // host-only crowd.token_key (production); then both are sent, staging first
    await world.clock.skip(1 * MINUTE);
    await loginIfAsked(page); // and again
  },
  expected: {
    changing_hops: [],
    notes:
      'Staging Confluence (wiki-stg.example.test, staging Crowd) sets crowd.token_key with Domain=.example.test; production Jira (jira.example.test, production Crowd) sets a host-only crowd.token_key. ' +
      'After the production login the browser sends both, the older staging value first: "Cookie: crowd.token_key=<staging>; ...; crowd.token_key=<production>". Jira reads the first, production Crowd answers 404 INVALID_SSO_TOKEN, ' +
      'Jira logs the user out (loss_entry) right after the login; the loop repeats while the staging cookie lives. Fix: a distinct SSO cookie name or domain per environment (cookie.domain / cookie name), or separate parent domains.',
  },
};
