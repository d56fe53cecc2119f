// Remember-me hiding a factor mismatch (domain.md section 4, cause 9): the KB topology, but the user
// ticked "Remember my login". Each failed validation is papered over by Seraph's remember-me, which
// asks Crowd for a NEW token bound to the current factors: crowd.token_key is re-issued every few
// minutes while the user appears to stay logged in.
import { MINUTE } from '../clock.mjs';
import { open, submitLogin, poll } from '../actions.mjs';
import { kbTopology } from '../topologies.mjs';

export default {
  name: 'remember-me-churn',
  cause: 'remember-me-churn',
  expectLoss: false,
  build: (world, variant) => kbTopology(world, variant),
  async run(page, { httpd, base }, world) {
    await open(page, `${base()}/browse/APS-3982`);
    await submitLogin(page, { remember: true });
    for (const addr of ['127.0.0.22', '127.0.0.21', '127.0.0.22']) {
      await world.clock.skip(2 * MINUTE);
      await poll(page);
      httpd.setLocalAddress(addr);
      await world.clock.skip(4 * MINUTE);
      await poll(page); // validation fails, remember-me logs the user in again with a new token
    }
    await open(page, `${base()}/browse/APS-3982`);
  },
  expectedFrom: (har) => ({
    token_reissues: har.log.entries
      .map((e, i) => [e, i])
      .filter(([e]) => e.request.method === 'GET' && e.response.headers.some((h) => h.name.toLowerCase() === 'set-cookie' && h.value.startsWith('crowd.token_key=') && !h.value.startsWith('crowd.token_key=;')))
      .map(([, i]) => i),
  }),
  expected: {
    changing_hops: ['127.0.0.21', '127.0.0.22'],
    notes:
      'KB topology (see proxy-address-change) with remember-me. Each time the HTTP server hop has changed address, the next validation fails (INVALID_SSO_TOKEN) and Seraph\'s remember-me ' +
      'creates a new token (validate-password=false) bound to the new address: Set-Cookie crowd.token_key on an ordinary GET (token_reissues) while X-AUSERNAME stays v3ry8. ' +
      'No visible loss (loss_entry null) in this app; other SSO apps would be handed a token they reject. Points back to proxy-address-change.',
  },
};
