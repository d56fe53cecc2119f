// Network layouts the scenarios share. Every address is on loopback; proxies connect upstream from
// the 127.0.0.x address named here, so Jira and Crowd see exactly these hops.
import { MINUTE } from './clock.mjs';

/** The URL the user types for an app behind `edge`: fixed port when recording, the real one in checks. */
export const publicUrl = (world, host, edge, fixed, ctx) => () => `http://${host}:${world.fixedPorts ? fixed : edge.port}${ctx}`;

/**
 * The KB's path (domain.md section 1): browser -> LB -> HTTP server -> LB -> Jira /track.
 * The LB is one device, 127.0.0.10, on both sides; the HTTP server connects from 127.0.0.21 (the
 * scenario moves it). Crowd trusts the LB only.
 */
export function kbTopology(world, { trustedProxies = ['127.0.0.10'], rule = 'documented', validationIntervalMs = 5 * MINUTE, cookieName } = {}) {
  world.addCrowd({ trustedProxies, rule });
  const jira = world.addApp('jira', { product: 'jira', contextPath: '/track', sso: world.sso('jira', { validationIntervalMs, cookieName }) });
  const lbInner = world.addProxy({ name: 'lb (app side)', target: jira, localAddress: '127.0.0.10' });
  const httpd = world.addProxy({ name: 'httpd', target: lbInner, localAddress: '127.0.0.21' });
  const edge = world.addProxy({ name: 'lb (edge)', target: httpd, localAddress: '127.0.0.10', port: world.port(18080) });
  return { jira, httpd, edge, base: publicUrl(world, 'jira.example.test', edge, 18080, '/track') };
}

/**
 * Jira and Confluence with Crowd SSO (cookie domain .example.test), each behind one edge proxy that
 * connects from 127.0.0.10, which Crowd trusts: the healthy layout.
 */
export function ssoPair(world, { trustedProxies = ['127.0.0.10'], validationIntervalMs = 5 * MINUTE, sessionTimeoutMs, crowdTimeoutMs } = {}) {
  world.addCrowd({ trustedProxies, ...(crowdTimeoutMs ? { sessionTimeoutMs: crowdTimeoutMs } : {}) });
  const jira = world.addApp('jira', { product: 'jira', contextPath: '/jira', sso: world.sso('jira', { validationIntervalMs }), ...(sessionTimeoutMs ? { sessionTimeoutMs } : {}) });
  const wiki = world.addApp('confluence', { product: 'confluence', contextPath: '/wiki', sso: world.sso('confluence', { validationIntervalMs }), tomcatPort: 8090, counterStart: 0 });
  const jiraEdge = world.addProxy({ name: 'jira edge', target: jira, localAddress: '127.0.0.10', port: world.port(18080) });
  const wikiEdge = world.addProxy({ name: 'wiki edge', target: wiki, localAddress: '127.0.0.10', port: world.port(18090) });
  return {
    jira,
    wiki,
    jiraEdge,
    wikiEdge,
    jiraBase: publicUrl(world, 'jira.example.test', jiraEdge, 18080, '/jira'),
    wikiBase: publicUrl(world, 'wiki.example.test', wikiEdge, 18090, '/wiki'),
  };
}
