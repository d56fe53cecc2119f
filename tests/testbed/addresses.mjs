// Crowd's trusted proxy list and its two ways of resolving "the client address" (domain.md section 2).
import net from 'node:net';

/** Parse one trusted-proxy entry into {type, net, prefix} or null (hostnames: not resolvable here). */
function parseEntry(raw) {
  let e = raw.trim();
  if (!e) return null;
  // Trailing-octet wildcard: 192.168.*.* == 192.168.0.0/16 (atlassian-ip). The KB's "192.168." form
  // is treated the same way.
  if (/^\d+(\.(\d+|\*)){0,3}\.?$/.test(e) && (e.includes('*') || e.endsWith('.'))) {
    const parts = e.replace(/\.$/, '').split('.');
    const fixed = [];
    for (const p of parts) {
      if (p === '*') break;
      fixed.push(p);
    }
    if (parts.slice(fixed.length).some((p) => p !== '*')) return null; // *.168.1.0 is invalid
    while (fixed.length < 4) fixed.push('0');
    return { type: 'ipv4', net: fixed.join('.'), prefix: (parts.filter((p) => p !== '*').length) * 8 };
  }
  let prefix;
  const slash = e.indexOf('/');
  if (slash >= 0) {
    prefix = Number(e.slice(slash + 1));
    e = e.slice(0, slash);
  }
  const v = net.isIP(e);
  if (!v) return null;
  const type = v === 4 ? 'ipv4' : 'ipv6';
  return { type, net: e, prefix: prefix ?? (v === 4 ? 32 : 128) };
}

export class TrustedProxies {
  /** @param {string|string[]} list comma/newline separated, as Crowd stores trusted.proxy.servers */
  constructor(list = []) {
    this.set(list);
  }
  set(list) {
    this.entries = (Array.isArray(list) ? list : String(list).split(/[,\n]/)).map((s) => s.trim()).filter(Boolean);
    this.block = new net.BlockList();
    for (const raw of this.entries) {
      const p = parseEntry(raw);
      if (!p) continue;
      // BlockList masks host bits itself: 192.168.10.1/16 == 192.168.0.0/16, as in Crowd.
      if (p.prefix === (p.type === 'ipv4' ? 32 : 128)) this.block.addAddress(p.net, p.type);
      else this.block.addSubnet(p.net, p.prefix, p.type);
    }
  }
  isTrusted(addr) {
    const v = net.isIP(addr);
    if (!v) return false; // ip:port, [v6], "unknown": an untrusted hop
    return this.block.check(addr, v === 4 ? 'ipv4' : 'ipv6');
  }
  toString() {
    return this.entries.join(',');
  }
}

export function splitXff(xff) {
  if (!xff) return [];
  return xff.split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * Resolve the client address from Crowd's two validation factors.
 * rule 'documented' (Crowd 2.4+ docs): walk XFF entries then remote_address from the right, first
 *   untrusted address wins; if all are trusted, the leftmost.
 * rule 'all-or-nothing' (XForwardedForUtil): leftmost XFF entry if every later hop (including
 *   remote_address) is trusted, else remote_address.
 * Returns {address, untrusted: [...hops not trusted]}.
 */
export function resolveClient(trusted, remoteAddress, xff, rule = 'documented') {
  const hops = splitXff(xff);
  if (hops.length === 0) return { address: remoteAddress, untrusted: [] };
  if (rule === 'all-or-nothing') {
    const proxies = [...hops.slice(1), remoteAddress];
    const untrusted = proxies.filter((h) => !trusted.isTrusted(h));
    return { address: untrusted.length ? remoteAddress : hops[0], untrusted };
  }
  const chain = [...hops, remoteAddress];
  const untrusted = chain.slice(1).filter((h) => !trusted.isTrusted(h));
  for (let i = chain.length - 1; i >= 0; i--) {
    if (!trusted.isTrusted(chain[i])) return { address: chain[i], untrusted };
  }
  return { address: chain[0], untrusted };
}
