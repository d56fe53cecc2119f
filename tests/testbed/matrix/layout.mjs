// The matrix's topologies (issue 11 part 7): how Jira and Confluence are laid out behind their proxies,
// built from the test bed's servers (world.mjs) and published to the browser model's name resolution.
//
//   hosts     jira.example.test/jira and wiki.example.test/wiki, one edge proxy each (https)
//   ports     tools.example.test:8080/jira and tools.example.test:8090/wiki, one edge per port (http)
//   paths     tools.example.test/jira and /wiki behind one reverse proxy that routes by path (https)
//   dc        as hosts, Jira Data Center: node1 and node2 behind a balancer (sticky unless asked)
//   dc-ports  as ports, with Jira Data Center
//   dc-paths  as paths, with Jira Data Center
//
// Every edge proxy connects upstream from 127.0.0.10 (the load balancer, which Crowd trusts). Options add
// the KB's middle tier (an HTTP server connecting from 127.0.0.21 that the scenario moves, in front of both
// apps), Confluence's own untrusted tier (proxy-path-mismatch), IPv6 on the edges, another SSO cookie name
// or domain, a staging Confluence with its own Crowd (shared parent domain), root contexts or
// JSESSIONID; Path=/ (session-cookie collisions).
import { MINUTE } from '../clock.mjs';
import { Network } from '../sim/browser.mjs';
import { OtherSite } from '../sim/other-site.mjs';
import { SeededRandom } from '../rand.mjs';

export const TOPOLOGIES = {
  hosts: { layout: 'hosts', dc: false, scheme: 'https', text: 'separate hosts (jira.example.test, wiki.example.test), one edge proxy each' },
  ports: { layout: 'ports', dc: false, scheme: 'http', text: 'one host, two ports (tools.example.test:8080 and :8090)' },
  paths: { layout: 'paths', dc: false, scheme: 'https', text: 'one host, context paths /jira and /wiki behind one reverse proxy' },
  dc: { layout: 'hosts', dc: true, scheme: 'https', text: 'separate hosts, Jira Data Center (two nodes behind a load balancer)' },
  'dc-ports': { layout: 'ports', dc: true, scheme: 'http', text: 'one host, two ports, Jira Data Center behind a load balancer' },
  'dc-paths': { layout: 'paths', dc: true, scheme: 'https', text: 'one host, context paths behind one proxy, Jira Data Center behind a load balancer' },
};

const EDGE = { hosts: { jira: '127.0.1.10', wiki: '127.0.1.20' }, ports: { jira: '127.0.1.30', wiki: '127.0.1.30' }, paths: { jira: '127.0.1.30', wiki: '127.0.1.30' } };
export const PORTAL = 'portal.corp-intranet.test';

/**
 * Build one variant's servers. Returns the public base URLs, the browser model's Network and the handles
 * a scenario acts on (httpd: the KB's moving hop; edges; lb: the Jira balancer; nodes).
 * @param {import('../world.mjs').World} world
 * @param {object} o
 */
export function buildLayout(world, o) {
  const topo = TOPOLOGIES[o.topology];
  if (!topo) throw new Error(`unknown topology ${o.topology}`);
  const scheme = o.scheme || topo.scheme;
  const jiraCtx = o.jiraCtx ?? '/jira';
  const wikiCtx = o.wikiCtx ?? '/wiki';
  const sameHost = topo.layout !== 'hosts';
  const net = new Network();
  const h = { scheme, topology: o.topology };

  let stagingCrowd = null;
  // Crowd writes its public URL (not the loopback port) into its answers: the logs stay byte-identical.
  if (o.sso) world.addCrowd({ trustedProxies: o.trusted, rule: o.rule || 'documented', includeIpAddress: o.includeIpAddress ?? true, publicUrl: 'http://crowd.example.test:8095', ...(o.crowdTimeoutMs ? { sessionTimeoutMs: o.crowdTimeoutMs } : {}) });
  if (o.staging) stagingCrowd = world.addOtherCrowd({ trustedProxies: o.trusted, publicUrl: 'http://crowd-stg.example.test:8095' });
  // One SSO domain for the production apps: the parent domain for separate hosts, the host itself
  // (host-only cookie) when both apps share one host, unless the variant says otherwise.
  const cookieDomain = o.cookieDomain !== undefined ? o.cookieDomain : sameHost ? null : '.example.test';
  const sso = (app, extra = {}) => (o.sso ? world.sso(app, { validationIntervalMs: o.validationIntervalMs ?? 5 * MINUTE, cookieDomain, secure: !!o.secureSso, cookieName: o.ssoCookie || 'crowd.token_key', ...extra }) : null);
  const common = { seraphHeaders: o.seraphHeaders || 'all', ...(o.sessionCookiePath ? { sessionCookiePath: o.sessionCookiePath } : {}), ...(o.sessionTimeoutMs ? { sessionTimeoutMs: o.sessionTimeoutMs } : {}) };

  // Jira: one node, or two Data Center nodes behind a balancer (which connects from 127.0.0.10).
  let jira;
  if (topo.dc) {
    const nodes = [
      world.addApp('jira', { product: 'jira', contextPath: jiraCtx, nodeId: 'node1', counterStart: 107900, sso: sso('jira'), ...common }),
      world.addApp('jira', { product: 'jira', contextPath: jiraCtx, nodeId: 'node2', counterStart: 52310, sso: sso('jira'), ...common }),
    ];
    jira = world.addLoadBalancer({ name: 'jira balancer', nodes, affinity: o.affinity ?? true, localAddress: '127.0.0.10' });
    h.lb = jira;
    h.nodes = nodes;
  } else {
    jira = world.addApp('jira', { product: 'jira', contextPath: jiraCtx, sso: sso('jira'), ...common });
    h.nodes = [jira];
  }
  h.jiraApp = jira;

  // Confluence (production), or a staging Confluence with its own Crowd and the parent-domain SSO cookie.
  let wiki = null;
  if (o.wiki !== false) {
    const stagingDomain = o.stagingCookieDomain !== undefined ? o.stagingCookieDomain : '.example.test';
    const wikiSso = o.staging ? sso('confluence-stg', { server: stagingCrowd, hostHeader: 'crowd-stg.example.test:8095', cookieDomain: stagingDomain }) : sso('confluence');
    wiki = world.addApp(o.staging ? 'confluence-staging' : 'confluence', { product: 'confluence', contextPath: wikiCtx, tomcatPort: 8090, counterStart: 0, sso: wikiSso, ...(o.staging ? { serverId: 'B7QK-STG1-0A2C-9D3E' } : {}), ...common });
  }
  h.wikiApp = wiki;

  // The KB's middle tier, in front of both apps: edge LB -> HTTP server (127.0.0.21, moves) -> LB -> app.
  let jiraHead = jira;
  let wikiHead = wiki;
  if (o.kb) {
    const jiraLb = topo.dc ? jira : world.addProxy({ name: 'lb (app side)', target: jira, localAddress: '127.0.0.10' });
    const routes = [[jiraCtx, jiraLb]];
    if (wiki) routes.unshift([wikiCtx, world.addProxy({ name: 'lb (app side, wiki)', target: wiki, localAddress: '127.0.0.10' })]);
    h.httpd = world.addProxy({ name: 'httpd', routes, localAddress: '127.0.0.21' });
    jiraHead = h.httpd;
    wikiHead = wiki ? h.httpd : null;
  }
  // Confluence's own tier that Crowd does not trust (proxy-path-mismatch): an HTTP server at 127.0.0.42,
  // and, where Confluence has its own edge, that edge connects from 127.0.0.41.
  if (o.wikiUntrusted && wiki) wikiHead = world.addProxy({ name: 'wiki httpd', target: wikiHead, localAddress: '127.0.0.42' });

  const addrs = (v4) => (o.ipv6 ? ['::1', v4] : [v4]);
  const edge = (name, target, listen, from = '127.0.0.10', routes) => world.addProxy({ name, ...(routes ? { routes } : { target }), localAddress: from, host: addrs(listen)[0], hosts: addrs(listen), foldRepeated: !!o.foldHeaders });
  const wikiHost = o.staging ? 'wiki-stg.example.test' : 'wiki.example.test';
  if (topo.layout === 'paths') {
    const routes = [[jiraCtx, jiraHead]];
    if (wikiHead) routes.unshift([wikiCtx, wikiHead]);
    const e = edge('edge', null, EDGE.paths.jira, '127.0.0.10', routes);
    h.edges = [e];
    h.jiraEdge = h.wikiEdge = e;
    const port = scheme === 'https' ? '443' : '80';
    net.add(`tools.example.test:${port}`, addrs(EDGE.paths.jira), () => e.port);
    h.jiraBase = `${scheme}://tools.example.test${jiraCtx}`;
    h.wikiBase = `${scheme}://tools.example.test${wikiCtx}`;
  } else {
    const ports = topo.layout === 'ports';
    h.jiraEdge = edge('jira edge', jiraHead, EDGE[topo.layout].jira);
    h.edges = [h.jiraEdge];
    const host = ports ? 'tools.example.test' : 'jira.example.test';
    const jiraPort = ports ? '8080' : scheme === 'https' ? '443' : '80';
    net.add(`${host}:${jiraPort}`, addrs(EDGE[topo.layout].jira), () => h.jiraEdge.port);
    h.jiraBase = `${scheme}://${host}${ports ? ':8080' : ''}${jiraCtx}`;
    if (wikiHead) {
      h.wikiEdge = edge('wiki edge', wikiHead, EDGE[topo.layout].wiki, o.wikiUntrusted ? '127.0.0.41' : '127.0.0.10');
      h.edges.push(h.wikiEdge);
      const whost = ports ? 'tools.example.test' : wikiHost;
      const wport = ports ? '8090' : scheme === 'https' ? '443' : '80';
      net.add(`${whost}:${wport}`, addrs(EDGE[topo.layout].wiki), () => h.wikiEdge.port);
      h.wikiBase = `${scheme}://${whost}${ports ? ':8090' : ''}${wikiCtx}`;
    }
  }

  // The company portal: another application, another site (its own registrable domain).
  h.portal = world.addServer(new OtherSite({ clock: world.clock, rng: new SeededRandom(`${world.rng.seed}:portal`) }));
  net.add(`${PORTAL}:443`, ['127.0.1.50'], () => h.portal.port);
  h.portalBase = `https://${PORTAL}`;
  h.net = net;
  return h;
}
