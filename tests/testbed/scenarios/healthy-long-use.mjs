// Healthy: a long day of normal use across Jira and Confluence with Crowd SSO, every proxy trusted.
// Many validations over five and a half virtual hours, all succeed: no session loss anywhere.
import { MINUTE } from '../clock.mjs';
import { open, submitLogin, poll, commentRest, commentForm } from '../actions.mjs';
import { ssoPair } from '../topologies.mjs';

export default {
  name: 'healthy-long-use',
  cause: null,
  healthy: true,
  build: (world, variant) => ssoPair(world, variant),
  async run(page, { jiraBase, wikiBase }, world) {
    await open(page, `${jiraBase()}/secure/Dashboard.jspa`); // -> login.jsp
    await submitLogin(page);
    await open(page, `${jiraBase()}/browse/APS-3982`);
    for (let i = 0; i < 3; i++) {
      await world.clock.skip(4 * MINUTE);
      await poll(page);
    }
    await commentRest(page, 'Looks fine from here.');
    await open(page, `${wikiBase()}/display/DOC/Home`); // SSO: logged in by the token, no login form
    await world.clock.skip(12 * MINUTE);
    await poll(page);
    await open(page, `${jiraBase()}/browse/APS-3982`);
    await world.clock.skip(9 * MINUTE);
    await commentForm(page, 'Second comment, after a while.');
    for (let i = 0; i < 3; i++) {
      await world.clock.skip(7 * MINUTE);
      await poll(page);
    }
    await open(page, `${wikiBase()}/dashboard.action`);
    await open(page, `${jiraBase()}/secure/Dashboard.jspa`);
    // The rest of the working day: activity every 25 minutes keeps both the Jira session and the
    // Crowd token alive well past Jira's 300-minute idle timeout: session age alone is no loss.
    await open(page, `${jiraBase()}/browse/APS-3982`);
    for (let i = 1; i <= 11; i++) {
      await world.clock.skip(25 * MINUTE);
      if (i % 4 === 0) {
        await open(page, `${wikiBase()}/display/DOC/Home`);
        await open(page, `${jiraBase()}/browse/APS-3982`);
      } else {
        await poll(page);
      }
    }
  },
  expected: {
    changing_hops: [],
    notes:
      'Healthy: Jira (/jira) and Confluence (/wiki) behind edge proxies that connect from 127.0.0.10, which Crowd trusts; ' +
      'the client resolves to 127.0.0.1 on every validation. Five and a half virtual hours of use (14:00 to about 19:30: longer than Jira\'s 300-minute idle timeout, never idle more than 25 minutes) ' +
      'with polls, comments (REST and form) and app switches; the token is validated at most every 5 virtual minutes (Crowd token timeout 30 minutes) and always accepted. No session loss: X-AUSERNAME stays v3ry8, X-ASESSIONID stable per app.',
  },
};
