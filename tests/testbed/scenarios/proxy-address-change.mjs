// domain.md section 1 (the KB case): browser -> LB -> HTTP server -> LB -> Jira. The LB (one device,
// 127.0.0.10, on both sides) is trusted; the HTTP server in the middle is not, and it gets a new
// address (127.0.0.21 -> 127.0.0.22). Under Crowd's documented right-to-left rule the first
// untrusted hop from the right IS that server, so the token's client address changes with it and
// the next validation (interval: 5 virtual minutes) fails with INVALID_SSO_TOKEN.
import { MINUTE } from '../clock.mjs';
import { open, submitLogin, loginIfAsked, poll, commentRest } from '../actions.mjs';
import { kbTopology } from '../topologies.mjs';

export const TRUSTED = ['127.0.0.10'];
/** What fixes it (domain.md section 1): trust the middle hop's addresses too. */
export const TRUSTED_FIX = ['127.0.0.10', '127.0.0.16/28'];

export default {
  name: 'proxy-address-change',
  cause: 'proxy-address-change',
  trustedProxies: TRUSTED,
  build: (world, variant = {}) => kbTopology(world, variant),
  async run(page, { httpd, base }, world) {
    await open(page, `${base()}/browse/APS-3982`); // -> login.jsp?permissionViolation=true
    await submitLogin(page); // token bound to the client address Crowd resolves: 127.0.0.21
    await world.clock.skip(2 * MINUTE);
    await poll(page);
    httpd.setLocalAddress('127.0.0.22'); // the HTTP server gets a new address
    await world.clock.skip(2 * MINUTE);
    await poll(page); // still within the validation interval: nobody notices yet
    await world.clock.skip(3 * MINUTE);
    await poll(page); // validation: "Token doesn't match the existing token." -> 400, anonymous
    await commentRest(page, 'Logged out again?'); // 401
    await open(page, `${base()}/browse/APS-3982`); // -> login.jsp
    await loginIfAsked(page); // a new token, bound to 127.0.0.22
    // It happens again after re-login.
    httpd.setLocalAddress('127.0.0.21');
    await world.clock.skip(6 * MINUTE);
    await poll(page);
  },
  expected: {
    changing_hops: ['127.0.0.21', '127.0.0.22'],
    notes:
      'KB topology: browser 127.0.0.1 -> edge LB -> HTTP server (127.0.0.21, later 127.0.0.22) -> LB 127.0.0.10 -> Jira /track. ' +
      'Crowd trusts only 127.0.0.10; documented right-to-left rule resolves the client to the HTTP server hop. ' +
      'The hop changes address after login; 5 virtual minutes later the dev-status poll is validated, Crowd answers 400 INVALID_SSO_TOKEN ' +
      '"Token doesn\'t match the existing token." and the poll gets 400 as anonymous with X-Seraph-LoginReason: OUT, same JSESSIONID/X-ASESSIONID, no idle gap. ' +
      'Repeats after re-login when the hop moves back. Fix: trust 127.0.0.21 and 127.0.0.22 (e.g. 127.0.0.16/28) next to 127.0.0.10.',
  },
};
