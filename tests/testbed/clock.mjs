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

  /** Real milliseconds, for durations a server measures itself (Tomcat's access-log %D). */
  realNow() {
    return Date.now();
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

/**
 * A clock that never moves on its own: the browser model (sim/) sets the virtual time of every request
 * before sending it and jumps over the user's pauses. Nothing real-time leaks into what the servers
 * write, so the same seed gives byte-identical HARs and logs. Requests are then handled one at a time
 * (the model dispatches them in order of their simulated start), so every server sees a consistent now().
 */
export class SteppedClock {
  /** @param {number} epochMs virtual time at the start */
  constructor(epochMs) {
    this.t = epochMs;
  }

  now() {
    return this.t;
  }

  /** Durations measured by a server (access-log %D) are zero: no time passes while a request is handled. */
  realNow() {
    return this.t;
  }

  /** Move to `ms` if it is later than now (time never goes back). */
  advanceTo(ms) {
    if (ms > this.t) this.t = ms;
  }

  async skip(virtualMs) {
    this.t += virtualMs;
  }

  /** HAR timestamps are already virtual. */
  virtualAt(ms) {
    return ms;
  }
}
