// The test bed's Jira (the KB topology, its proxy trusted) for scripts/bench-extension.mjs, run in a worker
// thread. Posts its base URL; then takes {serverTimeMs} (the app's real time per request, answered with
// 'ok') and 'close'.
import { parentPort } from 'node:worker_threads';

import { World } from '../tests/testbed/world.mjs';
import proxyAddressChange from '../tests/testbed/scenarios/proxy-address-change.mjs';

const world = new World({ seed: 'bench-extension' });
const { base, jira } = proxyAddressChange.build(world, { trustedProxies: ['127.0.0.10', '127.0.0.16/28'] });
await world.start();
parentPort.postMessage(base());
parentPort.on('message', (m) => {
  if (m === 'close') {
    world.close().then(() => process.exit(0));
  } else {
    jira.serverTimeMs = m.serverTimeMs;
    parentPort.postMessage('ok');
  }
});
