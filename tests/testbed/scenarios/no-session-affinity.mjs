// Jira Data Center, two nodes, a load balancer without session affinity (domain.md section 4,
// cause 7). Sessions live on the node that created them (jvmRoute suffix .node1/.node2). When the
// balancer starts sending the user to the other node, that node does not know the session.
// Variant {affinity: true}: the balancer follows the jvmRoute and the user stays logged in.
import { MINUTE } from '../clock.mjs';
import { open, submitLogin, loginIfAsked, poll } from '../actions.mjs';
import { publicUrl } from '../topologies.mjs';

export default {
  name: 'no-session-affinity',
  cause: 'no-session-affinity',
  build(world, { affinity = false } = {}) {
    const node1 = world.addApp('jira', { product: 'jira', contextPath: '/jira', nodeId: 'node1', counterStart: 107900 });
    const node2 = world.addApp('jira', { product: 'jira', contextPath: '/jira', nodeId: 'node2', counterStart: 52310 });
    const lb = world.addLoadBalancer({ name: 'lb', nodes: [node1, node2], affinity, localAddress: '127.0.0.10', port: world.port(18080) });
    return { lb, base: publicUrl(world, 'jira.example.test', lb, 18080, '/jira') };
  },
  async run(page, { lb, base }, world) {
    lb.prefer('node1');
    await open(page, `${base()}/browse/APS-3982`);
    await submitLogin(page); // session XXXX.node1
    await world.clock.skip(2 * MINUTE);
    await poll(page);
    lb.prefer('node2'); // node1 is busier: new requests go to node2
    await world.clock.skip(1 * MINUTE);
    await poll(page); // node2 does not know XXXX.node1 -> anonymous 400
    await open(page, `${base()}/browse/APS-3982`); // -> login.jsp (node2)
    await loginIfAsked(page); // session YYYY.node2
    lb.prefer('node1');
    await world.clock.skip(2 * MINUTE);
    await poll(page); // and back on node1: lost again
  },
  expected: {
    changing_hops: [],
    notes:
      'Jira DC nodes node1 and node2 behind one balancer without stickiness and without an LB cookie; no SSO (Jira directory login). ' +
      'After login on node1 (JSESSIONID ....node1, X-ANODEID node1) the balancer sends requests to node2: X-ANODEID changes, node2 answers anonymous (loss_entry) and later a new JSESSIONID ....node2; ' +
      'two X-AREQUESTID counters interleave (107xxx on node1, 52xxx on node2). Fix: affinity on the JSESSIONID route or an LB cookie.',
  },
};
