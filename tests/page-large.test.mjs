// A 300 MB generated HAR streams through the page: progress is shown as it goes (bytes and entries), the main
// thread stays responsive (a timer heartbeat measured in the page while the worker analyses), and nothing
// but the page's own files is requested. The file is generated once and cached in target/page/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { startPage, analyzeFiles } from './lib/page.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const gen = `${root}scripts/gen-har.mjs`;
const big = `${root}target/page/300MB.har`;

function generate() {
  if (!existsSync(big) || statSync(big).mtimeMs < statSync(gen).mtimeMs) {
    mkdirSync(`${root}target/page`, { recursive: true });
    execFileSync(process.execPath, [gen, '--size', '300MB', '--out', big], { stdio: 'inherit' });
  }
}

let ctx;
before(async () => {
  generate();
  ctx = await startPage();
});
after(async () => { await ctx?.close(); });

test('a 300 MB HAR streams with visible progress and the page stays responsive', { timeout: 180_000 }, async () => {
  const { page, foreign, errors } = await ctx.open();
  await page.evaluate(() => {
    // Heartbeat: the longest the main thread was unable to run a 16 ms timer, and every progress shown.
    const probe = { maxGap: 0, ticks: 0, progress: [] };
    window.__probe = probe;
    let last = performance.now();
    probe.timer = setInterval(() => {
      const now = performance.now();
      probe.maxGap = Math.max(probe.maxGap, now - last);
      probe.ticks += 1;
      last = now;
    }, 16);
    const box = document.getElementById('progress');
    new MutationObserver(() => {
      if (box.dataset.bytes) probe.progress.push({ bytes: Number(box.dataset.bytes), entries: Number(box.dataset.entries), text: document.getElementById('progress-text').textContent, visible: !box.hidden });
    }).observe(box, { attributes: true, attributeFilter: ['data-bytes'] });
  });
  const started = Date.now();
  await analyzeFiles(page, big);
  const seconds = (Date.now() - started) / 1000;
  const probe = await page.evaluate(() => { clearInterval(window.__probe.timer); return window.__probe; });
  assert.equal(await page.getAttribute('#report', 'data-state'), 'done', await page.textContent('#error'));
  const report = JSON.parse(await page.textContent('#json'));
  const size = statSync(big).size;
  assert.equal(report.inputs[0].bytes, size);
  assert.ok(report.summary.entries > 1000);

  // Progress: several updates, growing, visible, naming bytes and entries.
  assert.ok(probe.progress.length >= 3, `only ${probe.progress.length} progress updates`);
  assert.ok(probe.progress.every((p) => p.visible));
  const bytesSeen = probe.progress.map((p) => p.bytes);
  assert.deepEqual(bytesSeen, [...bytesSeen].sort((a, b) => a - b), 'progress only grows');
  assert.ok(probe.progress.some((p) => p.bytes > 0 && p.bytes < size), 'intermediate progress was shown');
  assert.match(probe.progress.at(-2)?.text ?? probe.progress[0].text, /MB of 300 MB · [\d,]+ entries/);
  // Responsive: the timer kept firing throughout; no long freeze of the main thread.
  assert.ok(probe.maxGap < 500, `the main thread froze for ${probe.maxGap.toFixed(0)} ms`);
  assert.ok(probe.ticks > seconds * 10, `only ${probe.ticks} heartbeats in ${seconds} s`);
  // The table shows every entry and scrolls to the end.
  await page.$eval('#grid-body', (b) => { b.scrollTop = b.scrollHeight; });
  await page.waitForSelector(`#grid-body .grid-row[data-entry="${report.summary.entries - 1}"]`);

  assert.deepEqual(foreign(), []);
  assert.deepEqual(errors, []);
  const peak = Number(await page.getAttribute('#report', 'data-wasm-peak'));
  console.log(`# 300 MB: ${seconds.toFixed(1)} s in the page, ${probe.progress.length} progress updates, longest main-thread gap ${probe.maxGap.toFixed(0)} ms, WASM memory peak ${(peak / 1e6).toFixed(1)} MB`);
  await page.close();
});
