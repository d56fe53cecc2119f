// The matrix's classes: every cause of domain.md section 4 (session-cookie-collision in its port,
// context-path and shared-parent forms; xsrf-after-session-loss over two underlying causes), healthy use
// and the user's own logout. Each class says which layout options make its cause happen for its real
// reason (layout.mjs), what the user does (a script over noise.mjs's Env), in which topologies the cause
// can exist and why not in the others, and whether an export can show the cause at all (identifiable).
import { MINUTE } from '../clock.mjs';

const ALL4 = ['hosts', 'ports', 'paths', 'dc'];

/** SSO between the apps: Crowd trusts the edge (127.0.0.10); the variant's SSO cookie name and header style. */
const sso = (v, extra = {}) => ({ sso: true, trusted: ['127.0.0.10'], ssoCookie: v.noise.ssoCookie, seraphHeaders: v.noise.seraphHeaders, foldHeaders: v.noise.foldHeaders, ...extra });
const noSso = (v, extra = {}) => ({ sso: false, seraphHeaders: v.noise.seraphHeaders, foldHeaders: v.noise.foldHeaders, ...extra });

const yes = (reason) => ({ identifiable: true, reason });
const no = (reason) => ({ identifiable: false, reason });
const hasCookies = (v) => v.export !== 'chrome-sanitized';
const jiraLog = (v) => v.noise.logs === 'jira' || v.noise.logs === 'all';

/** The KB's sequence: the HTTP server hop moves, the next validation fails (within 6 minutes). */
async function moveHopAndPoll(e, to) {
  e.h.httpd.setLocalAddress(to);
  await e.pause(2 * MINUTE, { quiet: true });
  await e.poll(); // within the validation interval: nobody notices yet (or the validation already fails)
  await e.pause(4 * MINUTE, { quiet: true });
  await e.poll();
}

export const CLASSES = [
  {
    id: 'proxy-address-change',
    cause: 'proxy-address-change',
    loss: true,
    topologies: ALL4,
    layout: (v) => sso(v, { kb: true }),
    async run(e) {
      await e.loginJira();
      await e.stretch({ wiki: true });
      await e.onIssue();
      await e.poll();
      await moveHopAndPoll(e, '127.0.0.22');
      await e.tab.commentRest('Logged out again?');
      await e.open(e.J('/browse/APS-3982'));
      await e.tab.loginIfAsked();
      e.h.httpd.setLocalAddress('127.0.0.21'); // and back: it happens again after the re-login
      await e.pause(6 * MINUTE, { quiet: true });
      await e.poll();
    },
    identifiable: () => yes('logged-in responses, then anonymous ones with the same session id, node and server address, no idle gap and no logout or login elsewhere: the address change is inferred by elimination'),
    notes: 'KB path in front of both apps: edge LB (127.0.0.10) -> HTTP server (127.0.0.21, moves to 127.0.0.22) -> LB (127.0.0.10) -> app. Crowd trusts 127.0.0.10 only; the documented rule resolves the client to the moving hop, so the next validation after the move fails with INVALID_SSO_TOKEN. Again after the re-login when the hop moves back.',
  },
  {
    id: 'proxy-path-mismatch',
    cause: 'proxy-path-mismatch',
    loss: true,
    topologies: ALL4,
    layout: (v) => sso(v, { wikiUntrusted: true }),
    async run(e) {
      await e.loginJira();
      await e.stretch();
      await e.onIssue();
      await e.poll();
      await e.open(e.W('/display/DOC/Home')); // Confluence's path rejects Jira's token: its login page
      await e.tab.loginIfAsked(); // a new SSO token, bound to Confluence's path
      await e.pause(e.between(1, 3) * MINUTE, { quiet: true });
      await e.open(e.J('/browse/APS-3982')); // Jira rejects Confluence's token: logged out
      await e.tab.loginIfAsked();
      await e.open(e.W('/display/DOC/Home')); // and Confluence rejects Jira's new one
    },
    identifiable: () => yes('the login in the other application (its new SSO cookie) comes right before the loss in this one'),
    notes: "Jira is reached through the trusted edge (client resolved to the browser's address); Confluence through an edge connecting from 127.0.0.41 (127.0.0.10 on the shared-proxy layouts) and an HTTP server at 127.0.0.42, neither trusted, so Crowd resolves Confluence's client to 127.0.0.42. Logging into Confluence issues a token Jira's validations reject, and the other way round: ping-pong.",
  },
  {
    id: 'client-address-change',
    cause: 'client-address-change',
    loss: true,
    topologies: ALL4,
    extraForms: { nat: ['hosts', 'paths'] },
    forms: ['ipv6'],
    layout: (v) => sso(v, { ipv6: v.form === 'ipv6' }),
    async run(e, v) {
      await e.loginJira();
      await e.stretch();
      await e.onIssue();
      await e.poll();
      const change = async (i) => {
        if (v.form === 'ipv6') {
          for (const edge of e.h.edges) await (i % 2 ? edge.resumeListening('::1') : edge.stopListening('::1'));
        } else {
          e.b.client.v4 = `127.0.0.${2 + i}`; // the VPN reconnects with another address: old connections die
          e.b.connections.clear();
        }
      };
      await change(0);
      await e.pause(6 * MINUTE, { quiet: true });
      await e.poll(); // over the new address: the validation fails
      await e.open(e.J('/browse/APS-3982'));
      await e.tab.loginIfAsked();
      await change(1);
      await e.pause(6 * MINUTE, { quiet: true });
      await e.poll();
    },
    identifiable: (v) =>
      v.form === 'ipv6'
        ? yes('serverIPAddress of the same host alternates between ::1 and an IPv4 address around the losses')
        : jiraLog(v)
          ? yes("atlassian-jira.log's request addresses (X-Forwarded-For) show the user's own address changing")
          : no("the user's address changes behind NAT/VPN: only X-Forwarded-For shows it, which a browser never sees, and no Jira log is given"),
    notes: "Every proxy is trusted, so Crowd binds the token to the user's own address (the leftmost X-Forwarded-For entry). Form ipv6: the edge answers on ::1 and IPv4; the IPv6 path breaks and comes back, the browser falls back to IPv4 and back. Form nat: the user's IPv4 source address changes (127.0.0.1 -> .2 -> .3).",
  },
  {
    id: 'sso-cookie-domain',
    cause: 'sso-cookie-domain',
    loss: true,
    topologies: ALL4,
    layout: (v) => sso(v, { cookieDomain: '.example.com' }),
    async run(e) {
      await e.startAtPortal();
      await e.open(e.J('/secure/Dashboard.jspa'));
      await e.tab.submitLogin(); // logged in, but the SSO cookie is refused: the next request is anonymous
      for (let i = e.between(1, 2); i > 0; i--) {
        await e.pause(e.between(1, 4) * MINUTE);
        if (!e.tab.onLoginPage()) await e.open(e.J('/secure/Dashboard.jspa'));
        await e.tab.loginIfAsked(); // the user tries again: the same loop
      }
    },
    identifiable: (v) => (hasCookies(v) ? yes('Set-Cookie shows the SSO cookie with Domain=.example.com on a host under example.test') : no('sanitized export: only Set-Cookie differs between sso-cookie-domain, sso-cookie-insecure-scheme and the shared-parent collision; all show "login succeeded, next request anonymous"')),
    notes: 'Crowd SSO cookie domain .example.com for hosts under example.test: the browser refuses the cookie; login succeeds, the next request has a session user but no SSO cookie and the authenticator logs the user out. Login loop.',
  },
  {
    id: 'sso-cookie-insecure-scheme',
    cause: 'sso-cookie-insecure-scheme',
    loss: true,
    topologies: ALL4,
    layout: (v) => sso(v, { secureSso: true, scheme: 'http' }),
    async run(e) {
      await e.startAtPortal();
      await e.open(e.J('/browse/APS-3982'));
      await e.tab.submitLogin();
      for (let i = e.between(1, 2); i > 0; i--) {
        await e.pause(e.between(1, 4) * MINUTE);
        if (!e.tab.onLoginPage()) await e.open(e.J('/browse/APS-3982'));
        await e.tab.loginIfAsked();
      }
    },
    identifiable: (v) => (hasCookies(v) ? yes('Set-Cookie shows the SSO cookie with Secure, set over http:') : no('sanitized export: only Set-Cookie differs between sso-cookie-domain, sso-cookie-insecure-scheme and the shared-parent collision')),
    notes: '"Secure SSO cookie" on while the site is reached over http: (every topology is served on http: here, which the cause needs). Browsers refuse Secure cookies from http: origins: login loop.',
  },
  {
    id: 'session-cookie-collision-port',
    cause: 'session-cookie-collision',
    loss: true,
    topologies: ['ports', 'dc-ports'],
    fewer: 'the port form needs both apps on one host with different ports; separate hosts or context paths are its fix',
    layout: (v) => noSso(v, { jiraCtx: '', wikiCtx: '' }),
    run: collisionRun,
    identifiable: () => yes("both apps on one host with different ports; each app's session id changes after the other was used"),
    notes: 'Jira and Confluence on tools.example.test, ports 8080 and 8090, both at context "/", no SSO (each app its own login): both set JSESSIONID; Path=/ and cookies ignore ports, so each login replaces the other app\'s session cookie.',
  },
  {
    id: 'session-cookie-collision-path',
    cause: 'session-cookie-collision',
    loss: true,
    topologies: ['paths', 'dc-paths'],
    fewer: 'the context-path form needs both apps under one host and one proxy; other layouts separate the cookies by host or port',
    layout: (v) => noSso(v, { sessionCookiePath: '/' }),
    run: collisionRun,
    identifiable: () => yes("both apps under one host (context paths /jira and /wiki); each app's session id changes after the other was used"),
    notes: 'Jira under /jira and Confluence under /wiki behind one proxy, both writing JSESSIONID; Path=/ (sessionCookiePath="/"), no SSO: each login replaces the other\'s session cookie.',
  },
  {
    id: 'sso-cookie-shared-parent',
    cause: 'session-cookie-collision',
    loss: true,
    topologies: ['hosts', 'ports', 'dc'],
    fewer: 'needs a staging environment on another host (or port) of the shared parent domain; behind one path-routing proxy there is one environment',
    layout: (v) => sso(v, { staging: true, cookieDomain: null }),
    async run(e) {
      await e.startAtPortal();
      await e.open(e.W('/display/DOC/Home')); // staging, in the morning: its SSO cookie for .example.test
      await e.tab.submitLogin();
      await e.pause(e.between(5, 30) * MINUTE);
      await e.open(e.J('/browse/APS-3982')); // production: the staging token means nothing here
      await e.tab.submitLogin(); // a host-only production cookie; both are sent now, staging's first
      await e.pause(e.between(1, 3) * MINUTE);
      if (!e.tab.onLoginPage()) await e.open(e.J('/browse/APS-3982'));
      await e.tab.loginIfAsked();
    },
    identifiable: (v) => (hasCookies(v) ? yes('the Cookie header carries two SSO cookies of the same name, the staging one first') : jiraLog(v) ? yes("atlassian-jira.log shows Crowd refusing a token the production login did not create") : no('sanitized export: only the cookies show the second SSO cookie; without them it looks like sso-cookie-domain or sso-cookie-insecure-scheme')),
    notes: 'Staging Confluence (its own Crowd) sets its SSO cookie for the parent .example.test; production Jira sets a host-only one. After the production login the browser sends both, the older staging value first; Jira reads it and production Crowd does not know it: logged out right after every login.',
  },
  {
    id: 'no-session-affinity',
    cause: 'no-session-affinity',
    loss: true,
    topologies: ['dc', 'dc-ports', 'dc-paths'],
    fewer: 'needs a Data Center cluster behind a load balancer; the three Data Center layouts are used',
    layout: (v) => noSso(v, { affinity: false }),
    async run(e) {
      e.h.lb.prefer('node1');
      await e.loginJira();
      await e.stretch();
      await e.onIssue();
      await e.poll();
      e.h.lb.prefer('node2'); // node1 is busier: new requests go to node2
      await e.pause(MINUTE, { quiet: true });
      await e.poll();
      await e.open(e.J('/browse/APS-3982'));
      await e.tab.loginIfAsked();
      e.h.lb.prefer('node1');
      await e.pause(2 * MINUTE, { quiet: true });
      await e.poll();
    },
    identifiable: () => yes('X-ANODEID (and the jvmRoute of the session id) changes between consecutive requests'),
    notes: 'Jira Data Center node1 and node2 behind a balancer without stickiness, no SSO (directory login): the node that did not create the session does not know it.',
  },
  {
    id: 'idle-timeout',
    cause: 'idle-timeout',
    loss: true,
    topologies: ALL4,
    forms: ['jira-session', 'crowd-token'],
    layout: (v) => sso(v),
    async run(e, v) {
      await e.loginJira();
      await e.stretch({ wiki: true });
      await e.onIssue();
      await e.poll();
      await e.tab.commentRest('Back after lunch.');
      // Away: longer than Jira's 300-minute session, or only than Crowd's 30-minute token idle time.
      const gap = v.form === 'jira-session' ? e.between(301, 900) : e.between(35, 240);
      await e.pause(gap * MINUTE, { quiet: true });
      await e.open(e.J('/browse/APS-3982'));
      await e.tab.loginIfAsked();
    },
    identifiable: () => yes('a gap without requests, longer than a plausible timeout, right before the loss'),
    notes: 'Form jira-session: away longer than Jira\'s 300-minute session (the Crowd token expired too). Form crowd-token: away 35 to 240 minutes: the Jira session lives, the Crowd token (30-minute idle timeout) does not; the next validation fails. Expected behaviour, not a defect.',
  },
  {
    id: 'remember-me-churn',
    cause: 'remember-me-churn',
    loss: false,
    topologies: ALL4,
    layout: (v) => sso(v, { kb: true }),
    async run(e) {
      await e.loginJira({ remember: true });
      await e.stretch();
      await e.onIssue();
      for (const addr of ['127.0.0.22', '127.0.0.21', '127.0.0.22']) {
        await e.pause(2 * MINUTE, { quiet: true });
        await e.poll();
        e.h.httpd.setLocalAddress(addr);
        await e.pause(4 * MINUTE, { quiet: true });
        await e.poll(); // the validation fails; remember-me logs the user in again with a new token
      }
      await e.open(e.W('/display/DOC/Home'));
      await e.open(e.J('/browse/APS-3982'));
    },
    identifiable: (v) =>
      hasCookies(v)
        ? yes('Set-Cookie re-issues the SSO cookie on ordinary requests every few minutes while the user stays logged in')
        : v.noise.seraphHeaders === 'all'
          ? yes('X-Seraph-LoginReason OUT then OK on ordinary requests every few minutes: logged out and in again')
          : no('sanitized export: only Set-Cookie shows the re-issued SSO cookie; every response stays logged in'),
    notes: 'KB path with remember-me: each failed validation (the middle hop moved) is hidden by remember-me, which asks Crowd for a new token bound to the current factors. No visible loss; points back to proxy-address-change.',
  },
  {
    id: 'logout-elsewhere',
    cause: 'logout-elsewhere',
    loss: true,
    topologies: ALL4,
    forms: ['same-tab'],
    formByTopology: { dc: 'other-tab' },
    layout: (v) => sso(v),
    async run(e, v) {
      await e.loginJira();
      await e.stretch();
      await e.onIssue();
      await e.poll();
      if (v.form === 'same-tab') {
        await e.open(e.W('/display/DOC/Home')); // single sign-on into Confluence
        await e.pause(e.between(1, 5) * MINUTE, { quiet: true });
        await e.open(e.W('/logout.action')); // logs out of every SSO app
        await e.pause(e.between(1, 5) * MINUTE, { quiet: true });
        await e.open(e.J('/browse/APS-3982'));
      } else {
        const other = e.b.newTab(); // Confluence in another tab: DevTools does not record it
        await other.open(e.W('/display/DOC/Home'));
        await other.open(e.W('/logout.action'));
        await e.pause(e.between(1, 5) * MINUTE, { quiet: true });
        await e.poll();
      }
      await e.open(e.J('/browse/APS-3982'));
      await e.tab.loginIfAsked();
    },
    identifiable: (v) =>
      v.form === 'same-tab'
        ? yes("the logout request in the other application (and its deletion of the SSO cookie) comes before this application's loss")
        : hasCookies(v)
          ? yes('the SSO cookie every earlier request carried is gone, with no Set-Cookie in this tab: deleted by a logout in another tab')
          : no('the logout happened in another tab, which a DevTools export does not record, and the sanitized export hides that the SSO cookie is gone'),
    notes: 'The user logs out of Confluence (logout.action): the token is invalidated in Crowd and the SSO cookie deleted; the next Jira request has a session user but no SSO cookie and Jira logs the user out. Form other-tab: the Confluence logout happens in another tab.',
  },
  {
    id: 'xsrf-after-proxy-change',
    cause: 'xsrf-after-session-loss',
    underlying: 'proxy-address-change',
    loss: true,
    topologies: ALL4,
    layout: (v) => sso(v, { kb: true }),
    async run(e) {
      await e.loginJira();
      await e.stretch();
      await e.open(e.J('/browse/APS-3982')); // the comment form with a "lin" form token
      e.h.httpd.setLocalAddress('127.0.0.22');
      await e.pause(e.between(6, 15) * MINUTE, { quiet: true }); // writing the comment
      await e.tab.commentForm('A long comment that took a while to write.');
      await e.open(e.J('/browse/APS-3982'));
      await e.tab.loginIfAsked();
    },
    identifiable: () => yes('the form post answered 403 "XSRF Security Token Missing" right after the session changed'),
    notes: 'KB path (see proxy-address-change): the hop moves while the user writes a comment; the form post triggers the validation, Crowd refuses the token, the post is anonymous and its lin form token fails the XSRF check: 403.',
  },
  {
    id: 'xsrf-after-idle',
    cause: 'xsrf-after-session-loss',
    underlying: 'idle-timeout',
    loss: true,
    topologies: ALL4,
    layout: (v) => sso(v),
    async run(e) {
      await e.loginJira();
      await e.stretch();
      await e.open(e.J('/browse/APS-3982'));
      await e.pause(e.between(45, 150) * MINUTE, { quiet: true }); // a long meeting: Crowd's token expires
      await e.tab.commentForm('Written before the meeting, sent after it.');
      await e.open(e.J('/browse/APS-3982'));
      await e.tab.loginIfAsked();
    },
    identifiable: () => yes('the form post answered 403 "XSRF Security Token Missing" after an idle gap'),
    notes: "The issue page stays open 45 to 150 minutes without a request: Jira's session (300 minutes) lives, Crowd's token (30-minute idle timeout) does not. The comment form's post is validated, Crowd answers that the token is unknown, the post is anonymous and fails the XSRF check: 403. Underlying cause: idle-timeout.",
  },
  {
    id: 'user-logout',
    cause: 'user-logout',
    loss: false,
    topologies: ALL4,
    forms: ['stay-out', 'log-in-again'],
    layout: (v) => sso(v),
    async run(e, v) {
      await e.loginJira();
      await e.stretch();
      await e.onIssue();
      await e.poll();
      await e.tab.commentRest('Done for today.');
      await e.onIssue();
      await e.tab.clickLink('log_out');
      await e.open(e.J('/browse/APS-3982')); // anonymous now, as asked
      if (v.form === 'log-in-again') {
        await e.pause(e.between(2, 30) * MINUTE);
        await e.open(e.J('/browse/APS-3982'));
        await e.tab.loginIfAsked();
        await e.stretch({ minutes: 10 });
      }
    },
    identifiable: () => yes("the logout request (Logout!default.jspa) is in the HAR, in the application that goes anonymous"),
    notes: 'The user clicks Log Out in Jira: session invalidated, token deleted in Crowd and the SSO cookie expired. What follows is anonymous because the user asked for it: no session loss.',
  },
  {
    id: 'healthy',
    cause: null,
    loss: false,
    topologies: ['hosts', 'ports', 'paths', 'dc', 'dc-ports', 'dc-paths'],
    forms: ['long-use', 'sso-switch', 'relogin-elsewhere', 'short-idle', 'remember-me'],
    layout: (v) => sso(v),
    async run(e, v) {
      await e.loginJira({ remember: v.form === 'remember-me' });
      if (v.form === 'long-use' || v.form === 'remember-me') {
        await e.stretch({ minutes: Math.max(60, e.noise.stretchMinutes), wiki: true });
        await e.open(e.J('/browse/APS-3982'));
        await e.tab.commentForm('Second comment, after a while.');
        await e.stretch({ minutes: 30, wiki: true });
      } else if (v.form === 'sso-switch') {
        for (let i = 0; i < 6; i++) {
          await e.open(e.W('/display/DOC/Home'));
          await e.pause(e.between(1, 8) * MINUTE);
          await e.open(e.J('/browse/APS-3982'));
          await e.pause(e.between(1, 4) * MINUTE);
          await e.poll();
        }
      } else if (v.form === 'relogin-elsewhere') {
        await e.stretch({ wiki: true });
        await e.open(e.W('/display/DOC/Home'));
        await e.open(e.W('/logout.action')); // logged out of Confluence on purpose ...
        await e.open(e.W('/display/DOC/Home'));
        await e.tab.loginIfAsked(); // ... and in again before going back to Jira: a new SSO token
        await e.pause(e.between(1, 4) * MINUTE);
        await e.open(e.J('/browse/APS-3982')); // Jira moves to the new token (X-Seraph-LoginReason OUT, OK)
        await e.stretch({ minutes: 15 });
      } else {
        await e.stretch();
        await e.onIssue();
        await e.poll();
        await e.pause(e.between(15, 24) * MINUTE); // shorter than every timeout
        await e.open(e.J('/browse/APS-3982'));
        await e.stretch({ minutes: 10 });
      }
    },
    identifiable: () => yes('healthy: nothing to identify'),
    notes: 'Ordinary use of Jira and Confluence with Crowd SSO and every proxy trusted: validations always accepted, no session loss. Forms: long use, frequent app switches, a logout and new login in Confluence before returning to Jira (Jira moves to the new token), a pause shorter than every timeout, remember-me without any address change.',
  },
];

async function collisionRun(e) {
  await e.loginJira();
  await e.stretch();
  await e.onIssue();
  await e.poll();
  await e.open(e.W('/display/DOC/Home')); // Jira's JSESSIONID means nothing here: login, a new JSESSIONID
  await e.tab.loginIfAsked();
  await e.pause(e.between(1, 3) * MINUTE, { quiet: true });
  await e.open(e.J('/browse/APS-3982')); // Confluence's JSESSIONID: Jira's session is gone
  await e.tab.loginIfAsked();
  await e.open(e.W('/display/DOC/Home')); // and Confluence loses its session in turn
}

export const classById = (id) => CLASSES.find((c) => c.id === id);
