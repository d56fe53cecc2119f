#!/usr/bin/env node
// How the analyzer page feels while it works, measured in headless Chromium through its own UI (the file
// chosen in its picker, the report it shows):
//
//   responsiveness  the longest the main thread could not run a 16 ms timer while the page analysed a large
//                   HAR (the analysis runs in a worker; the page only shows progress)     budget: < 500 ms
//   scrolling       100,000 entries: from setting the scroll position to row 50,000 drawn  budget: < 1000 ms
//   filtering       100,000 entries: from choosing "4xx" to the count shown (120 ms debounce included)
//                                                                                           budget: < 1500 ms
//
// These were timing assertions in tests/page-large.test.mjs; timing belongs here. Needs www/pkg.
//
//   node scripts/bench-page-ui.mjs [--size 300MB] [--json FILE]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { startPage, analyzeFiles } from '../tests/lib/page.mjs';
import { generateEntries } from './gen-entries.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

function bigHar(size) {
  const out = `${root}target/bench/${size}.har`;
  const gen = `${root}scripts/gen-har.mjs`;
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(gen).mtimeMs) {
    mkdirSync(`${root}target/bench`, { recursive: true });
    execFileSync(process.execPath, [gen, '--size', size, '--out', out], { stdio: 'inherit' });
  }
  return out;
}

export function manyEntriesHar() {
  const out = `${root}target/page/100k-entries.har`;
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(`${root}scripts/gen-entries.mjs`).mtimeMs) generateEntries(out, 100_000);
  return out;
}

export async function benchPageUi({ size = '300MB' } = {}) {
  const big = bigHar(size);
  const many = manyEntriesHar();
  const ctx = await startPage();
  try {
    const { page } = await ctx.open();
    await page.evaluate(() => {
      const probe = { maxGap: 0 };
      window.__probe = probe;
      let last = performance.now();
      probe.timer = setInterval(() => {
        const now = performance.now();
        probe.maxGap = Math.max(probe.maxGap, now - last);
        last = now;
      }, 16);
    });
    await analyzeFiles(page, big);
    const maxGapMs = await page.evaluate(() => { clearInterval(window.__probe.timer); return window.__probe.maxGap; });

    await analyzeFiles(page, many);
    const scrollMs = await page.evaluate(async () => {
      const body = document.getElementById('grid-body');
      const t0 = performance.now();
      body.scrollTop = body.scrollHeight / 2;
      await new Promise((resolve) => {
        const check = () => (body.querySelector('.grid-row[data-entry="50000"]') ? resolve() : requestAnimationFrame(check));
        check();
      });
      return performance.now() - t0;
    });
    const filterMs = await page.evaluate(async () => {
      const t0 = performance.now();
      const status = document.getElementById('f-status');
      status.value = '4xx';
      status.dispatchEvent(new Event('change'));
      await new Promise((resolve) => {
        const check = () => (/shown/.test(document.getElementById('entries-count').textContent) ? resolve() : requestAnimationFrame(check));
        check();
      });
      return performance.now() - t0;
    });
    return {
      size,
      maxGapMs, maxGap_ok: maxGapMs < 500,
      scrollMs, scroll_ok: scrollMs < 1000,
      filterMs, filter_ok: filterMs < 1500,
    };
  } finally {
    await ctx.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : null);
  const f = await benchPageUi({ size: opt('--size') ?? '300MB' });
  console.log(`page UI, headless Chromium:`);
  console.log(`  longest main-thread gap analysing ${f.size}   ${f.maxGapMs.toFixed(0)} ms   budget < 500 ms   ${f.maxGap_ok ? 'ok' : 'MISSED'}`);
  console.log(`  100k entries: scroll to row 50,000         ${f.scrollMs.toFixed(0)} ms   budget < 1000 ms  ${f.scroll_ok ? 'ok' : 'MISSED'}`);
  console.log(`  100k entries: filter to 4xx                ${f.filterMs.toFixed(0)} ms   budget < 1500 ms  ${f.filter_ok ? 'ok' : 'MISSED'}`);
  const json = opt('--json');
  if (json) writeFileSync(json, `${JSON.stringify(f, null, 2)}\n`);
  process.exitCode = f.maxGap_ok && f.scroll_ok && f.filter_ok ? 0 : 1;
}
