// Two apps on one host, different ports, both at context "/" (domain.md section 4, cause 6): both
// set JSESSIONID with Path=/, and cookies do not isolate by port, so each app's login overwrites the
// other's session cookie. No SSO here: each app has its own login.
import { MINUTE } from '../clock.mjs';
import { open, submitLogin, loginIfAsked, poll } from '../actions.mjs';
import { publicUrl } from '../topologies.mjs';

export default {
  name: 'session-cookie-collision',
  cause: 'session-cookie-collision',
  build(world) {
    const jira = world.addApp('jira', { product: 'jira', contextPath: '' });
    const wiki = world.addApp('confluence', { product: 'confluence', contextPath: '', tomcatPort: 8090, counterStart: 0 });
    const jiraEdge = world.addProxy({ name: 'jira edge', target: jira, localAddress: '127.0.0.10', port: world.port(18080) });
    const wikiEdge = world.addProxy({ name: 'wiki edge', target: wiki, localAddress: '127.0.0.10', port: world.port(18090) });
    return {
      jiraBase: publicUrl(world, 'tools.example.test', jiraEdge, 18080, ''),
      wikiBase: publicUrl(world, 'tools.example.test', wikiEdge, 18090, ''),
    };
  },
  async run(page, { jiraBase, wikiBase }, world) {
    await open(page, `${jiraBase()}/browse/APS-3982`);
    await submitLogin(page);
    await world.clock.skip(2 * MINUTE);
    await poll(page);
    await open(page, `${wikiBase()}/display/DOC/Home`); // Jira's JSESSIONID means nothing here -> login.action, new JSESSIONID
    await loginIfAsked(page);
    await world.clock.skip(1 * MINUTE);
    await open(page, `${jiraBase()}/browse/APS-3982`); // Confluence's JSESSIONID: Jira's session is gone -> login.jsp
    await loginIfAsked(page);
    await open(page, `${wikiBase()}/display/DOC/Home`); // and Confluence loses its session in turn
  },
  expected: {
    changing_hops: [],
    notes:
      'Jira at http://tools.example.test:18080/ and Confluence at http://tools.example.test:18090/, both Tomcat context "/", both set JSESSIONID; Path=/. ' +
      'Each login replaces the other app\'s JSESSIONID in the browser (cookies ignore ports); X-ASESSIONID changes at every app switch. ' +
      'Back in Jira the request carries Confluence\'s JSESSIONID and is anonymous (loss_entry). Fix: distinct hosts, context paths or session cookie names.',
  },
};
