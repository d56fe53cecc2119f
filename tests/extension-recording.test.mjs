// What the extension's recorder leaves out costs the diagnosis nothing: every scenario of the test bed,
// recorded by the extension (the Chromium test build) and, in the same run, in full by the browser itself
// (Playwright's HAR, from the DevTools protocol: every request and response header, static resources and
// memory-cache hits included), gives the same report: the same session losses (application, request,
// status, signals, cause, underlying cause), the same findings and the same primary cause. The recorder
// keeps no request bodies of API calls and no request headers of static resources (extension/recorder.js);
// this is the check that the diagnosis never needed them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { CHROMIUM, CHROMIUM_ARGS } from './lib/browser.mjs';
import { EXTENSION_DIR, packageTestBuild } from './lib/extension.mjs';
import { World } from './testbed/world.mjs';
import { SCENARIOS } from './testbed/scenarios/index.mjs';
import { markCacheHits, retime, takeLossMarks } from './testbed/har.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { default: init, StreamingAnalyzer } = await import(`${root}www/pkg/harlens.js`);
await init({ module_or_path: readFileSync(`${root}www/pkg/harlens_bg.wasm`) });

packageTestBuild();
const dirs = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The core's report on a HAR (the analysis the page and the extension's full report run). */
function analyze(har) {
  const a = new StreamingAnalyzer();
  try {
    a.beginInput('recording.har');
    a.push(new TextEncoder().encode(JSON.stringify(har)));
    a.endInput();
    return JSON.parse(a.finish());
  } finally {
    a.free();
  }
}

/**
 * What a report says, without what differs between two recordings of the same requests (entry numbers:
 * the full recording has the memory-cache hits the extension never sees; times, to the millisecond).
 */
function diagnosis(report) {
  return {
    primary_cause: report.summary.primary_cause,
    session_losses: report.summary.session_losses,
    losses: report.losses.map((l) => ({
      origin: l.origin,
      request: `${l.method} ${l.url}`,
      status: l.status,
      signals: l.signals,
      user: l.user,
      cause: l.cause,
      underlying_cause: l.underlying_cause,
      confidence: l.confidence,
    })),
    findings: report.findings.map((f) => ({ cause: f.cause, severity: f.severity, basis: f.basis, confidence: f.confidence })),
  };
}

/** One scenario in a fresh profile with the extension watching the test bed, recorded both ways. */
async function recordBothWays(scenario) {
  const dir = mkdtempSync(join(tmpdir(), 'harlens-ext-rec-'));
  dirs.push(dir);
  const harPath = join(dir, 'full.har');
  const world = new World({ seed: scenario.name });
  const ctx = scenario.build(world, {});
  await world.start();
  let context;
  try {
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      recordHar: { path: harPath, content: 'omit' },
      args: [...CHROMIUM_ARGS, `--disable-extensions-except=${EXTENSION_DIR}`, `--load-extension=${EXTENSION_DIR}`, `--host-resolver-rules=${scenario.resolverRules ?? 'MAP *.example.test 127.0.0.1'}`],
    });
    const sw = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    const ui = await context.newPage();
    await ui.goto(`chrome-extension://${new URL(sw.url()).host}/popup.html`);
    await ui.evaluate(() => chrome.storage.local.set({ sites: ['*://*.example.test/*'], recording: true }));
    const page = await context.newPage();
    await scenario.run(page, ctx, world, {});
    await page.waitForTimeout(300); // Playwright's last HAR fields, and the worker's last events
    const raw = await ui.evaluate(async () => (await import('./export.js')).recordingHar().then((r) => r.text));
    await context.close(); // writes the full HAR
    context = null;
    const extension = JSON.parse(raw);
    const full = JSON.parse(readFileSync(harPath, 'utf8'));
    // The test bed's own pages only (not the extension's), as the fixtures are post-processed.
    full.log.entries = full.log.entries.filter((e) => /^https?:\/\/[^/]*\.example\.test[:/]/.test(e.request.url));
    markCacheHits(full);
    const losses = takeLossMarks(full);
    takeLossMarks(extension);
    for (const har of [full, extension]) retime(har, world.clock);
    return { extension, full, losses };
  } finally {
    await context?.close();
    await world.close();
  }
}

for (const scenario of SCENARIOS) {
  test(`${scenario.name}: the extension's recording gives the diagnosis of a full recording`, { timeout: 90_000 }, async () => {
    const { extension, full, losses } = await recordBothWays(scenario);
    assert.ok(extension.log.entries.length >= 5, `${extension.log.entries.length} entries recorded`);
    // The first page load of the fresh profile fetched the style sheet and script batches: recorded, from
    // their responses only.
    const statics = extension.log.entries.filter((e) => ['stylesheet', 'script'].includes(e._resourceType));
    assert.ok(statics.length >= 2, `${statics.length} static resources recorded`);
    assert.ok(statics.every((e) => e.request.headers.length === 0 && e.response.headers.length > 0));
    const want = diagnosis(analyze(full));
    const got = diagnosis(analyze(extension));
    assert.deepEqual(got, want);
    // The servers' own count of losses (ground truth) is what both reports found.
    assert.equal(want.session_losses, losses.length, `${scenario.name}: the full recording finds the servers' losses`);
  });
}
