// One scenario's simulated network: a virtual clock, seeded ids, Crowd, apps, proxies. Servers are
// started in dependency order and always closed (tests must exit cleanly).
import { VirtualClock } from './clock.mjs';
import { SeededRandom } from './rand.mjs';
import { CrowdServer } from './crowd.mjs';
import { CrowdClient } from './crowd-client.mjs';
import { AtlassianApp, AppState } from './app.mjs';
import { ReverseProxy } from './proxy.mjs';
import { LoadBalancer } from './loadbalancer.mjs';

// All recordings start at the same virtual moment (a Monday morning, servers in UTC).
export const EPOCH = Date.UTC(2026, 9, 19, 14, 0, 0);

export const USERS = { v3ry8: 'Kangaroo-42' };

export class World {
  /**
   * @param {object} o
   * @param {string} o.seed          scenario name: seeds every id
   * @param {boolean} [o.fixedPorts] recordings use fixed public ports so URLs are reproducible;
   *                                 the checks use ephemeral ones
   * @param {object} [o.clock]       another clock (the browser model's SteppedClock); default a
   *                                 VirtualClock running at real speed from EPOCH
   */
  constructor({ seed, fixedPorts = false, clock = null }) {
    this.clock = clock || new VirtualClock(EPOCH);
    this.rng = new SeededRandom(seed);
    this.fixedPorts = fixedPorts;
    this.servers = []; // in start order
    this.apps = {}; // name -> AppState
    this.crowd = null;
  }

  port(fixed) {
    return this.fixedPorts ? fixed : 0;
  }

  addCrowd(opts = {}) {
    this.crowd = new CrowdServer({ clock: this.clock, rng: this.rng, users: USERS, ...opts });
    this.servers.push(this.crowd);
    return this.crowd;
  }

  /** A further Crowd (another environment, e.g. staging), not the world's main one. */
  addOtherCrowd(opts = {}) {
    const c = new CrowdServer({ clock: this.clock, rng: this.rng, users: USERS, ...opts });
    this.servers.push(c);
    return c;
  }

  /**
   * SSO settings for an app: its own Crowd client (application name) against this world's Crowd
   * (or `server`). `cookieDomain: null` makes crowd.token_key a host-only cookie. `cookieName` is Crowd's
   * `cookie.tokenkey` (crowd.token_key unless renamed, e.g. studio.crowd.tokenkey).
   */
  sso(appName, { cookieDomain = '.example.test', secure = false, validationIntervalMs, server, hostHeader = 'crowd.example.test:8095', cookieName = 'crowd.token_key' } = {}) {
    const crowd = new CrowdClient({ baseUrl: () => (server || this.crowd).url, hostHeader, appName });
    return { crowd, cookieDomain, secure, validationIntervalMs, cookieName };
  }

  addApp(name, opts) {
    const state = (this.apps[name] ??= new AppState());
    const app = new AtlassianApp({ clock: this.clock, rng: this.rng, users: USERS, state, ...opts });
    this.servers.push(app);
    return app;
  }

  /**
   * A proxy hop forwarding to `target` (an app, proxy or LB object: its port is read when forwarding),
   * or, with `routes` ([[pathPrefix, target], ...]), to the target of the first prefix the request path
   * starts with (one reverse proxy in front of several context paths; unmatched paths go to the last).
   */
  addProxy({ target, routes, ...opts }) {
    const pick = routes ? (req) => (routes.find(([prefix]) => req.url === prefix || req.url.startsWith(`${prefix}/`)) || routes.at(-1))[1] : () => target;
    const p = new ReverseProxy({
      upstream: (req) => {
        const t = pick(req);
        return { host: t.host, port: t.port };
      },
      ...opts,
    });
    this.servers.push(p);
    return p;
  }

  /** A server that is not part of the Atlassian stack (the matrix's other applications), started with the rest. */
  addServer(server) {
    this.servers.push(server);
    return server;
  }

  addLoadBalancer({ nodes, ...opts }) {
    const lb = new LoadBalancer({ nodes: nodes.map((n) => ({ route: n.jvmRoute, host: n.host, port: () => n.port })), ...opts });
    this.servers.push(lb);
    return lb;
  }

  /** Start servers in the order they were added (Crowd and apps first, edges last). */
  async start() {
    for (const s of this.servers) await s.start();
  }

  async close() {
    for (const s of [...this.servers].reverse()) await s.close();
  }
}
