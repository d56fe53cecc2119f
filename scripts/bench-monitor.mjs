#!/usr/bin/env node
// The extension's live monitor at full history, in Node with the page's WASM build (www/pkg):
//
//   replay       a restarted service worker rebuilds the monitor from the newest 5,000 stored entries
//                (extension/background.js REPLAY) before it handles the next request
//   alert push   the push that raises an alert, with the history full (a diagnosis walks all of it);
//                part of the alert latency budget (< 100 ms)
//
// The recording is the test bed's healthy long use (logins, polls, page loads), repeated with its clock
// moved forward, then the KB case. Options: --json FILE.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : null;
const { default: init, LiveMonitor } = await import(`${root}www/pkg/harlens_full.js`);
await init({ module_or_path: readFileSync(`${root}www/pkg/harlens_full_bg.wasm`) });

const recording = (name) => JSON.parse(readFileSync(`${root}tests/fixtures/testbed/${name}/recording.har`, 'utf8')).log.entries;

/** `entries` repeated until `n`, each copy later than the one before, as JSON texts. */
function history(entries, n, from = 0) {
  const times = entries.map((e) => Date.parse(e.startedDateTime));
  const span = Math.max(...times) - Math.min(...times) + 60_000;
  const out = [];
  for (let copy = 0; out.length < n; copy++) {
    for (const e of entries) {
      if (out.length === n) break;
      out.push(JSON.stringify({ ...e, startedDateTime: new Date(Date.parse(e.startedDateTime) + from + copy * span).toISOString() }));
    }
  }
  return { texts: out, end: from + Math.ceil(n / entries.length) * span };
}

const REPLAY = 5000;
const healthy = history(recording('healthy-long-use'), REPLAY);
const kb = history(recording('proxy-address-change'), recording('proxy-address-change').length, healthy.end);
const figures = { replayEntries: REPLAY, replayMs: [], alertPushMs: [] };
for (let run = 0; run < 5; run++) {
  const monitor = new LiveMonitor();
  let t0 = performance.now();
  monitor.beginReplay();
  for (const e of healthy.texts) monitor.push(e);
  monitor.endReplay();
  figures.replayMs.push(performance.now() - t0);
  for (const e of kb.texts) {
    t0 = performance.now();
    const alerts = JSON.parse(monitor.push(e));
    if (alerts.length) figures.alertPushMs.push(performance.now() - t0);
  }
  monitor.free();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
figures.replayMedianMs = median(figures.replayMs);
figures.alertPushMaxMs = Math.max(...figures.alertPushMs);
console.error(`bench-monitor: replay of ${REPLAY} stored entries ${figures.replayMedianMs.toFixed(0)} ms (median of 5); the push that raises an alert with the history full: at most ${figures.alertPushMaxMs.toFixed(1)} ms (${figures.alertPushMs.length} alerts)`);
if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(figures, null, 2)}\n`);
