// A virtual clock shared by every simulated server of one scenario.
//
// Real Jira/Crowd timeouts are minutes or hours; recording them in real time would take hours.
// Instead the clock runs at real speed, and a scenario's "wait N minutes" jumps it forward
// (`skip`). Servers take every time from here (Date headers, X-AREQUESTID minute, session and
// validation timeouts, log timestamps) and record.mjs maps the HAR's real timestamps through the
// same function, so HAR, headers and logs all show the same, plausible timeline.

export class VirtualClock {
  /** @param {number} epochMs virtual time at the moment the clock is created */
  constructor(epochMs) {
    this.realStart = Date.now();
    // Piecewise-constant offset: [{ fromReal, offset }], offsets only grow.
    this.steps = [{ fromReal: this.realStart, offset: epochMs - this.realStart }];
  }

  /** virtual ms for a real ms (works for the past too: used to rewrite HAR timestamps) */
  virtualAt(realMs) {
    let off = this.steps[0].offset;
    for (const s of this.steps) if (realMs >= s.fromReal) off = s.offset;
    return realMs + off;
  }

  now() {
    return this.virtualAt(Date.now());
  }

  /**
   * Jump `virtualMs` into the future. Callers make sure no request is in flight (the scenario
   * waits for the page to be idle first), so no response straddles the jump. A 5 ms real pause on
   * each side keeps real timestamps of requests before and after the jump distinct.
   */
  async skip(virtualMs) {
    await sleep(5);
    const last = this.steps[this.steps.length - 1];
    this.steps.push({ fromReal: Date.now(), offset: last.offset + virtualMs });
    await sleep(5);
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
