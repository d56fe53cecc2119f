// Seeded identifiers (session ids, tokens, XSRF tokens) so that re-recording a scenario gives the
// same cookie values: the committed fixtures then only change where the simulation changed.
import { createHash } from 'node:crypto';

export class SeededRandom {
  constructor(seed) {
    this.seed = String(seed);
    this.counter = 0;
  }
  bytes(n) {
    const out = [];
    while (out.length < n) {
      const h = createHash('sha256').update(`${this.seed}:${this.counter++}`).digest();
      out.push(...h);
    }
    return Buffer.from(out.slice(0, n));
  }
  hex(n) {
    return this.bytes(Math.ceil(n / 2)).toString('hex').slice(0, n);
  }
  int(max) {
    return this.bytes(4).readUInt32BE(0) % max;
  }
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** X-ASESSIONID: base36(CRC32(SHA-1(JSESSIONID))) (domain.md section 3), SHA-1 taken as hex text. */
export function asessionId(jsessionId) {
  const sha = createHash('sha1').update(jsessionId).digest('hex');
  return crc32(Buffer.from(sha)).toString(36);
}
