// The user's own logout in Jira: informational, not a problem (domain.md section 4, cause 12).
import { MINUTE } from '../clock.mjs';
import { open, submitLogin, poll, commentRest, clickLogout } from '../actions.mjs';
import { ssoPair } from '../topologies.mjs';

export default {
  name: 'user-logout',
  cause: 'user-logout',
  healthy: true,
  build: (world, variant) => ssoPair(world, variant),
  async run(page, { jiraBase }, world) {
    await open(page, `${jiraBase()}/browse/APS-3982`);
    await submitLogin(page);
    await world.clock.skip(3 * MINUTE);
    await poll(page);
    await commentRest(page, 'Done for today.');
    await world.clock.skip(1 * MINUTE);
    await clickLogout(page); // Logout!default.jspa: session invalidated, token deleted in Crowd and cookie
    await open(page, `${jiraBase()}/browse/APS-3982`); // anonymous now, as asked: -> login.jsp
  },
  expectedFrom: (har) => ({ logout_entry: har.log.entries.findIndex((e) => e.request.url.includes('/secure/Logout!default.jspa')) }),
  expected: {
    changing_hops: [],
    notes:
      'The user clicks Log Out in Jira (logout_entry): Jira invalidates the session, deletes the token in Crowd, expires crowd.token_key (Max-Age=0, Domain=.example.test), ' +
      'answers X-Seraph-LoginReason: OUT and a lout XSRF token. Everything after is anonymous because the user asked for it: no session loss (loss_entry null).',
  },
};
