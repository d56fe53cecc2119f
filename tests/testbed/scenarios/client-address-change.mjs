// The user's own address changes (domain.md section 4, cause 3): IPv6 <-> IPv4. jira.example.test
// resolves to both ::1 and 127.0.0.1 (Chromium maps it to "localhost"); the edge listens on both.
// When the edge stops answering on ::1 the browser falls back to IPv4, like a dual-stack client
// whose IPv6 path fails. Every proxy is trusted, so Crowd resolves the client to the leftmost
// X-Forwarded-For entry, which is the browser's own address: ::1, then 127.0.0.1.
import { MINUTE } from '../clock.mjs';
import { open, submitLogin, loginIfAsked, poll } from '../actions.mjs';
import { publicUrl } from '../topologies.mjs';

export default {
  name: 'client-address-change',
  cause: 'client-address-change',
  resolverRules: 'MAP *.example.test localhost',
  build(world, { includeIpAddress = true } = {}) {
    world.addCrowd({ trustedProxies: ['127.0.0.10'], includeIpAddress });
    const jira = world.addApp('jira', { product: 'jira', contextPath: '/jira', sso: world.sso('jira', { validationIntervalMs: 5 * MINUTE }) });
    const edge = world.addProxy({ name: 'edge', target: jira, localAddress: '127.0.0.10', port: world.port(18080), hosts: ['::1', '127.0.0.1'] });
    return { edge, base: publicUrl(world, 'jira.example.test', edge, 18080, '/jira') };
  },
  async run(page, { edge, base }, world) {
    await open(page, `${base()}/browse/APS-3982`);
    await submitLogin(page); // over IPv6: token bound to ::1
    await world.clock.skip(2 * MINUTE);
    await poll(page);
    await edge.stopListening('::1'); // the IPv6 path breaks: the browser falls back to 127.0.0.1
    await world.clock.skip(4 * MINUTE);
    await poll(page); // validation over IPv4: client 127.0.0.1 != ::1 -> logged out
    await open(page, `${base()}/browse/APS-3982`); // -> login.jsp
    await loginIfAsked(page); // token bound to 127.0.0.1
    await edge.resumeListening('::1'); // IPv6 is back; a new connection prefers it
    edge.dropConnections();
    await world.clock.skip(6 * MINUTE);
    await poll(page); // over IPv6 again: logged out again
  },
  expected: {
    changing_hops: ['::1', '127.0.0.1'],
    notes:
      'The browser reaches jira.example.test over IPv6 (::1) then IPv4 (127.0.0.1): serverIPAddress alternates for one host. The edge proxy (connects from 127.0.0.10) is trusted, ' +
      'so Crowd takes the leftmost X-Forwarded-For entry, the user\'s own address; it changes, and the next validation fails with INVALID_SSO_TOKEN "Token doesn\'t match the existing token.". ' +
      'Simulated on loopback: the IPv6 "path failure" is the edge closing its ::1 listener; changing_hops lists the two client addresses. Fix: stable client addressing, or turn off "Require consistent client IP address".',
  },
};
