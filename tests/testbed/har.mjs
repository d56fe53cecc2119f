// Post-processing of a recorded HAR: virtual timestamps, ground truth, size, cookie stripping.

/** Rewrite startedDateTime (entries and pages) from real to virtual time. */
export function retime(har, clock) {
  const map = (iso) => new Date(clock.virtualAt(Date.parse(iso))).toISOString();
  for (const p of har.log.pages || []) p.startedDateTime = map(p.startedDateTime);
  for (const e of har.log.entries) e.startedDateTime = map(e.startedDateTime);
}

const header = (hs, name) => hs.find((h) => h.name.toLowerCase() === name.toLowerCase());

/**
 * Take the apps' internal X-Testbed-Loss marks out of the HAR. Returns the 0-based indices of the
 * marked entries (the session losses, in entry order).
 */
export function takeLossMarks(har) {
  const losses = [];
  har.log.entries.forEach((e, i) => {
    const hs = e.response.headers;
    if (header(hs, 'x-testbed-loss')) losses.push(i);
    e.response.headers = hs.filter((h) => !h.name.toLowerCase().startsWith('x-testbed-'));
  });
  return losses;
}

/**
 * Playwright records memory-cache hits as ordinary entries (transfer size 0, no wait); Chrome's own
 * export marks them `_fromCache`. Mark them the same way, so that readers can skip their replayed
 * (stale) session headers as they must in real HARs (domain.md section 2).
 */
export function markCacheHits(har) {
  for (const e of har.log.entries) {
    if (e.response._transferSize === 0 && e.response.status !== 0 && e.timings.wait === -1) e._fromCache = 'memory';
  }
}

/**
 * Closer to a Chrome DevTools export and stable across re-recordings: pages named page_1, page_2,
 * ... as Chrome names them (Playwright uses random ids), and Playwright's internal fields dropped.
 */
export function normalize(har) {
  const ids = new Map();
  (har.log.pages || []).forEach((p, i) => {
    ids.set(p.id, `page_${i + 1}`);
    p.id = `page_${i + 1}`;
  });
  for (const e of har.log.entries) {
    if (e.pageref) e.pageref = ids.get(e.pageref) ?? e.pageref;
    delete e._frameref;
    delete e._monotonicTime;
    if (e._securityDetails && !Object.keys(e._securityDetails).length) delete e._securityDetails;
  }
}

/** Keep the folder small: cap embedded text bodies, drop binary ones. */
export function trimBodies(har, max = 4096) {
  for (const e of har.log.entries) {
    const c = e.response.content;
    if (!c || c.text === undefined) continue;
    if (c.encoding === 'base64' || c.text.length > max) {
      delete c.text;
      delete c.encoding;
      c.comment = 'body omitted by the test bed';
    }
  }
}

/** A copy the way Chrome 130+ exports by default: no Cookie, Set-Cookie, Authorization, no cookie arrays. */
export function withoutCookies(har) {
  const copy = structuredClone(har);
  const drop = new Set(['cookie', 'set-cookie', 'authorization']);
  for (const e of copy.log.entries) {
    e.request.headers = e.request.headers.filter((h) => !drop.has(h.name.toLowerCase()));
    e.response.headers = e.response.headers.filter((h) => !drop.has(h.name.toLowerCase()));
    e.request.cookies = [];
    e.response.cookies = [];
  }
  return copy;
}

export function entryIndex(har, pred) {
  return har.log.entries.findIndex(pred);
}

export { header };
