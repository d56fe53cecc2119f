// A 300 MB generated HAR streams through the page: progress is shown as it goes (bytes and entries), the main
// thread keeps running (a timer heartbeat in the page while the worker analyses), and nothing but the page's
// own files is requested. The file is generated once and cached in target/page/. How fast (the longest
// main-thread gap, scrolling and filtering 100k entries) is measured by scripts/bench-page-ui.mjs, not here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { startPage, analyzeFiles } from './lib/page.mjs';
import { manyEntriesHar } from '../scripts/bench-page-ui.mjs';

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
  // The main thread kept running: the heartbeat fired all along (how long its longest gap was is benchmarked).
  assert.ok(probe.ticks > 1, `only ${probe.ticks} heartbeats in ${seconds} s`);
  // The table shows every entry and scrolls to the end.
  await page.$eval('#grid-body', (b) => { b.scrollTop = b.scrollHeight; });
  await page.waitForSelector(`#grid-body .grid-row[data-entry="${report.summary.entries - 1}"]`);

  assert.deepEqual(foreign(), []);
  assert.deepEqual(errors, []);
  const peak = Number(await page.getAttribute('#report', 'data-wasm-peak'));
  console.log(`# 300 MB: ${seconds.toFixed(1)} s in the page, ${probe.progress.length} progress updates, longest main-thread gap ${probe.maxGap.toFixed(0)} ms, WASM memory peak ${(peak / 1e6).toFixed(1)} MB`);
  await page.close();
});

// 100k small entries: a long session of polls on one Jira, the user lost once in the middle
// (scripts/gen-entries.mjs; cached in target/page/).
const MANY = 100_000;
test('the entries table scrolls and filters 100k entries', { timeout: 120_000 }, async () => {
  const many = manyEntriesHar();
  const { page, foreign, errors } = await ctx.open();
  await analyzeFiles(page, many);
  assert.equal(await page.getAttribute('#report', 'data-state'), 'done', await page.textContent('#error'));
  assert.equal(await page.textContent('#entries-count'), '100,000 entries');
  // Scrolling to the middle renders the rows there, and only a screenful of rows exists in the DOM.
  await page.$eval('#grid-body', (b) => { b.scrollTop = b.scrollHeight / 2; });
  await page.waitForSelector('#grid-body .grid-row[data-entry="50000"]');
  assert.ok(await page.$$eval('#grid-body .grid-row', (r) => r.length) < 120);
  // Filtering 100k rows (in the worker).
  await page.selectOption('#f-status', '4xx');
  await page.waitForFunction(() => /shown/.test(document.getElementById('entries-count').textContent));
  const shown = await page.textContent('#entries-count');
  assert.equal(shown, `${Math.floor((MANY - 1) / 997) + 1 + 5} shown`);
  // The loss in the middle is found and drawn.
  assert.equal(await page.$$eval('svg.plot .loss', (g) => g.length), 1);
  assert.deepEqual(foreign(), []);
  assert.deepEqual(errors, []);
  await page.close();
});

// Over the browser's 512 MB string limit: only streaming can read it. Opt-in (it writes 1 GB to target/page/
// and takes about half a minute): HARLENS_PAGE_1GB=1 node --test tests/page-large.test.mjs
test('a 1 GB HAR works (streamed; it could never be one JS string)', { timeout: 600_000, skip: !process.env.HARLENS_PAGE_1GB && 'set HARLENS_PAGE_1GB=1' }, async () => {
  const gb = `${root}target/page/1GB.har`;
  if (!existsSync(gb) || statSync(gb).mtimeMs < statSync(gen).mtimeMs) execFileSync(process.execPath, [gen, '--size', '1GB', '--out', gb], { stdio: 'inherit' });
  const { page, foreign, errors } = await ctx.open();
  const started = Date.now();
  await analyzeFiles(page, gb);
  assert.equal(await page.getAttribute('#report', 'data-state'), 'done', await page.textContent('#error'));
  const report = JSON.parse(await page.textContent('#json'));
  assert.equal(report.inputs[0].bytes, statSync(gb).size);
  const peak = Number(await page.getAttribute('#report', 'data-wasm-peak'));
  assert.ok(peak < 64e6, `WASM memory peak ${(peak / 1e6).toFixed(1)} MB`);
  assert.deepEqual(foreign(), []);
  assert.deepEqual(errors, []);
  console.log(`# 1 GB: ${((Date.now() - started) / 1000).toFixed(1)} s, ${report.summary.entries} entries, WASM memory peak ${(peak / 1e6).toFixed(1)} MB`);
  await page.close();
});
