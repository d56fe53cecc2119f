// Idle timeout (domain.md section 4, cause 8): the user leaves for six hours; Jira's session (300
// minutes) and the Crowd token (30 minutes) expire; the next click is anonymous. Not a defect.
import { HOUR, MINUTE } from '../clock.mjs';
import { open, submitLogin, loginIfAsked, poll, commentRest } from '../actions.mjs';
import { ssoPair } from '../topologies.mjs';

export default {
  name: 'idle-timeout',
  cause: 'idle-timeout',
  build: (world, variant) => ssoPair(world, variant),
  async run(page, { jiraBase }, world) {
    await open(page, `${jiraBase()}/browse/APS-3982`);
    await submitLogin(page);
    await world.clock.skip(3 * MINUTE);
    await poll(page);
    await commentRest(page, 'Back after lunch.');
    await world.clock.skip(6 * HOUR); // nobody touches Jira
    await open(page, `${jiraBase()}/browse/APS-3982`); // session expired, token expired -> login.jsp
    await loginIfAsked(page);
  },
  expected: {
    changing_hops: [],
    notes:
      'A 6-hour gap with no request, longer than Jira\'s 300-minute session timeout and Crowd\'s 30-minute token timeout. The next request carries the old JSESSIONID and ' +
      'crowd.token_key; the session is gone and Crowd answers 404 INVALID_SSO_TOKEN (token not found), so Jira answers anonymous with a 302 to login.jsp (loss_entry) and a new session. Expected behaviour, not a defect.',
  },
};
