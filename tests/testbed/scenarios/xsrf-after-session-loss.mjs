// "XSRF Security Token Missing" after a silent session loss (domain.md section 4, cause 11). KB
// topology: while the user writes a comment the HTTP server hop changes address; the form post is
// the first request after the validation interval: the token is rejected, the post is anonymous
// and its atl_token (a "lin" token) no longer fits: 403 XSRF page.
import { MINUTE } from '../clock.mjs';
import { open, submitLogin, poll, commentForm } from '../actions.mjs';
import { kbTopology } from '../topologies.mjs';

export default {
  name: 'xsrf-after-session-loss',
  cause: 'xsrf-after-session-loss',
  build: (world, variant) => kbTopology(world, variant),
  async run(page, { httpd, base }, world) {
    await open(page, `${base()}/browse/APS-3982`);
    await submitLogin(page);
    await world.clock.skip(1 * MINUTE);
    await poll(page);
    httpd.setLocalAddress('127.0.0.22');
    await world.clock.skip(7 * MINUTE); // writing the comment
    await commentForm(page, 'A long comment that took a while to write.');
  },
  expectedFrom: () => ({ underlying_cause: 'proxy-address-change' }),
  expected: {
    changing_hops: ['127.0.0.21', '127.0.0.22'],
    notes:
      'KB topology (see proxy-address-change). The issue page (with a lin atl_token) stays open 7 virtual minutes while the HTTP server hop moves from 127.0.0.21 to 127.0.0.22. ' +
      'The comment form POST to /track/secure/AddComment.jspa triggers the validation, Crowd rejects the token (INVALID_SSO_TOKEN), the request is anonymous and the form token no longer fits: ' +
      '403 "XSRF Security Token Missing" with a new lout atlassian.xsrf.token (loss_entry). Underlying cause: proxy-address-change.',
  },
};
