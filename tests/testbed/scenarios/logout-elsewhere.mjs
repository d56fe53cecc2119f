// Logout in another SSO app (domain.md section 4, cause 10): the user logs out of Confluence; the
// token is invalidated in Crowd and the cookie deleted for .example.test; Jira's next request has
// a session user but no token, and Jira logs the user out too.
import { MINUTE } from '../clock.mjs';
import { open, submitLogin, poll } from '../actions.mjs';
import { ssoPair } from '../topologies.mjs';

export default {
  name: 'logout-elsewhere',
  cause: 'logout-elsewhere',
  build: (world, variant) => ssoPair(world, variant),
  async run(page, { jiraBase, wikiBase }, world) {
    await open(page, `${jiraBase()}/browse/APS-3982`);
    await submitLogin(page);
    await world.clock.skip(2 * MINUTE);
    await poll(page);
    await open(page, `${wikiBase()}/display/DOC/Home`); // SSO into Confluence
    await world.clock.skip(1 * MINUTE);
    await open(page, `${wikiBase()}/logout.action`); // logs out of every SSO app
    await world.clock.skip(1 * MINUTE);
    await open(page, `${jiraBase()}/browse/APS-3982`); // -> login.jsp
  },
  expected: {
    changing_hops: [],
    notes:
      'Jira and Confluence share the SSO token (Domain=.example.test). The user opens wiki.example.test/wiki/logout.action: Confluence deletes the token in Crowd and expires crowd.token_key (Max-Age=0). ' +
      'The next Jira request carries JSESSIONID but no token; Jira logs the user out (X-Seraph-LoginReason: OUT, 302 to login.jsp: loss_entry).',
  },
};
