// A load balancer over Data Center nodes: a ReverseProxy whose upstream is chosen per request.
// With affinity it follows the jvmRoute suffix of JSESSIONID (mod_proxy_balancer stickysession=
// JSESSIONID|jsessionid); without it, requests go to whichever node the balancer currently
// prefers (least-busy). Which node is preferred is set by the scenario, so the recording is
// deterministic where a real least-connections balancer would not be.
import { ReverseProxy } from './proxy.mjs';
import { parseCookies, cookie } from './http-util.mjs';

export class LoadBalancer extends ReverseProxy {
  /** @param {object} o  ReverseProxy options plus nodes: [{route, host, port: () => number}], affinity */
  constructor({ nodes, affinity, ...o }) {
    super({ ...o, upstream: (req) => this.pick(req) });
    this.nodes = nodes;
    this.affinity = affinity;
    this.preferred = 0;
  }

  prefer(route) {
    this.preferred = this.nodes.findIndex((n) => n.route === route);
  }

  pick(req) {
    if (this.affinity) {
      const id = cookie(parseCookies(req.headers.cookie), 'JSESSIONID') || '';
      const route = id.split('.')[1];
      const n = this.nodes.find((x) => x.route === route);
      if (n) return { host: n.host, port: n.port() };
    }
    const n = this.nodes[this.preferred];
    return { host: n.host, port: n.port() };
  }
}
