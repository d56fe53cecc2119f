#!/usr/bin/env node
// The browser budget of DESIGN.md, measured side by side in one headless Chromium page (served from www/):
//
//   speed   the page's analysis of a 200 MB HAR File (worker + WASM, streamed from File.stream(), entries
//           index included: what a user waits for) vs JSON.parse(await file.text()) of the same File, on the
//           page's main thread                                              budget: ratio <= 0.5
//   memory  the WASM linear memory at the end of the analysis (it only grows, so this is the peak)
//                                                                           budget: < 64 MB
//
// Each figure is the median of several runs after a warm-up; every analysis run uses a fresh worker (fresh
// WASM memory). Needs www/pkg (npm run build) and target/bench/200MB.har (generated here when missing).
//
//   node scripts/bench-browser.mjs [--quick] [--size 200MB] [--json FILE]
//   import { benchBrowser } from './bench-browser.mjs'; const figures = await benchBrowser({ quick: true });
import { execFileSync } from 'node:child_process';
import { existsSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { serve } from './serve.mjs';
import { launchChromium } from '../tests/lib/browser.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

function log(msg) {
  process.stderr.write(`bench-browser: ${msg}\n`);
}

function generate(size) {
  const out = `${root}target/bench/${size}.har`;
  const gen = `${root}scripts/gen-har.mjs`;
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(gen).mtimeMs) {
    mkdirSync(`${root}target/bench`, { recursive: true });
    log(`generating ${out}`);
    execFileSync(process.execPath, [gen, '--size', size, '--out', out], { stdio: 'inherit' });
  }
  return out;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs the benchmark; resolves to the figures (seconds, ratio, memory) and whether each budget holds. */
export async function benchBrowser({ quick = false, size = '200MB', file = null } = {}) {
  if (!existsSync(`${root}www/pkg/harlens_bg.wasm`)) throw new Error('www/pkg is missing: run npm run build first');
  const har = file ?? generate(size);
  const bytes = statSync(har).size;
  const runs = quick ? 2 : 5;
  const server = await serve(0);
  const browser = await launchChromium({ args: ['--js-flags=--max-old-space-size=4096'] });
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.evaluate(() => {
      const input = document.createElement('input');
      input.type = 'file';
      input.id = 'bench-file';
      input.hidden = true;
      document.body.append(input);
    });
    await page.setInputFiles('#bench-file', har);

    const analyzeOnce = () => page.evaluate(async () => {
      const file = document.getElementById('bench-file').files[0];
      const worker = new Worker(new URL('./worker.js', document.baseURI), { type: 'module' });
      try {
        // Start the clock once the worker and its WASM are ready, as they are when a user drops a file.
        await new Promise((resolve, reject) => {
          worker.onmessage = ({ data }) => (data.type === 'hello' ? resolve() : reject(new Error(data.message)));
          worker.postMessage({ type: 'hello', id: 0 });
        });
        const t0 = performance.now();
        const report = await new Promise((resolve, reject) => {
          worker.onmessage = ({ data }) => {
            if (data.type === 'report') resolve(data);
            else if (data.type === 'error') reject(new Error(data.message));
          };
          worker.postMessage({ type: 'analyze', id: 1, inputs: [{ file, kind: 'har' }], proxies: '' });
        });
        const ms = performance.now() - t0;
        return { ms, push: report.timing.push, memory: report.memory.now, index: report.memory.index, entries: JSON.parse(report.json).summary.entries };
      } finally {
        worker.terminate();
      }
    });
    const parseOnce = () => page.evaluate(async () => {
      const file = document.getElementById('bench-file').files[0];
      const t0 = performance.now();
      const value = JSON.parse(await file.text());
      const ms = performance.now() - t0;
      return { ms, entries: value.log.entries.length };
    });

    log(`${(bytes / 1e6).toFixed(0)} MB HAR, ${runs} runs each after a warm-up`);
    await analyzeOnce();
    await parseOnce();
    const analysis = [];
    const parse = [];
    for (let i = 0; i < runs; i++) {
      analysis.push(await analyzeOnce());
      parse.push(await parseOnce());
    }
    const analyzeS = median(analysis.map((r) => r.ms)) / 1000;
    const pushS = median(analysis.map((r) => r.push)) / 1000;
    const parseS = median(parse.map((r) => r.ms)) / 1000;
    const memoryMb = Math.max(...analysis.map((r) => r.memory)) / 1e6;
    const indexMb = Math.max(...analysis.map((r) => r.index)) / 1e6;
    if (analysis[0].entries !== parse[0].entries) throw new Error(`entries differ: ${analysis[0].entries} vs ${parse[0].entries}`);
    const ratio = analyzeS / parseS;
    return {
      file: har,
      mb: bytes / 1e6,
      entries: analysis[0].entries,
      analyze_s: analyzeS,
      wasm_push_s: pushS,
      json_parse_s: parseS,
      ratio,
      ratio_ok: ratio <= 0.5,
      wasm_memory_mb: memoryMb,
      wasm_memory_ok: memoryMb < 64,
      entries_index_mb: indexMb,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : null);
  const f = await benchBrowser({ quick: args.includes('--quick'), size: opt('--size') ?? '200MB' });
  const mbps = f.mb / f.analyze_s;
  console.log(`browser, ${f.mb.toFixed(0)} MB HAR (${f.entries} entries), headless Chromium:`);
  console.log(`  page analysis (worker + WASM, streamed)  ${f.analyze_s.toFixed(3)} s  (${mbps.toFixed(0)} MB/s)`);
  console.log(`    of which inside the WASM analyzer      ${f.wasm_push_s.toFixed(3)} s  (the rest: reading the file, messages)`);
  console.log(`  JSON.parse(await file.text())            ${f.json_parse_s.toFixed(3)} s`);
  console.log(`  ratio analysis / JSON.parse              ${f.ratio.toFixed(2)}   budget <= 0.5  ${f.ratio_ok ? 'ok' : 'MISSED'}`);
  console.log(`  WASM memory peak                         ${f.wasm_memory_mb.toFixed(1)} MB (entries index ${f.entries_index_mb.toFixed(1)} MB)   budget < 64 MB  ${f.wasm_memory_ok ? 'ok' : 'MISSED'}`);
  const json = opt('--json');
  if (json) writeFileSync(json, `${JSON.stringify(f, null, 2)}\n`);
  process.exitCode = f.ratio_ok && f.wasm_memory_ok ? 0 : 1;
}

/** The 200 MB HAR gzipped beside it (target/bench/200MB.har.gz), made once with node's zlib (level 6, as gzip). */
async function gzipped(har) {
  const out = `${har}.gz`;
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(har).mtimeMs) return out;
  log(`gzipping ${har}`);
  const { createReadStream, createWriteStream } = await import('node:fs');
  const { createGzip } = await import('node:zlib');
  const { pipeline } = await import('node:stream/promises');
  await pipeline(createReadStream(har), createGzip({ level: 6 }), createWriteStream(`${out}.tmp`));
  const { renameSync } = await import('node:fs');
  renameSync(`${out}.tmp`, out);
  return out;
}

/**
 * Issue 16's browser row: the page's analysis of the 200 MB HAR gzipped (inflated in the worker with
 * DecompressionStream as it is read) against the same HAR plain, alternately in one page, each run in a fresh
 * worker; goal: at most 1.5x. Resolves to the figures.
 */
export async function benchBrowserGzip({ quick = false, size = '200MB' } = {}) {
  if (!existsSync(`${root}www/pkg/harlens_bg.wasm`)) throw new Error('www/pkg is missing: run npm run build first');
  const har = generate(size);
  const gz = await gzipped(har);
  const runs = quick ? 2 : 5;
  const server = await serve(0);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.evaluate(() => {
      for (const id of ['bench-plain', 'bench-gz']) {
        const input = Object.assign(document.createElement('input'), { type: 'file', id, hidden: true });
        document.body.append(input);
      }
    });
    await page.setInputFiles('#bench-plain', har);
    await page.setInputFiles('#bench-gz', gz);
    const analyzeOnce = (id) => page.evaluate(async (id) => {
      const file = document.getElementById(id).files[0];
      const worker = new Worker(new URL('./worker.js', document.baseURI), { type: 'module' });
      try {
        await new Promise((resolve, reject) => {
          worker.onmessage = ({ data }) => (data.type === 'hello' ? resolve() : reject(new Error(data.message)));
          worker.postMessage({ type: 'hello', id: 0 });
        });
        const t0 = performance.now();
        const report = await new Promise((resolve, reject) => {
          worker.onmessage = ({ data }) => {
            if (data.type === 'report') resolve(data);
            else if (data.type === 'error') reject(new Error(data.message));
          };
          worker.postMessage({ type: 'analyze', id: 1, inputs: [{ file, kind: 'auto' }], proxies: '' });
        });
        return { ms: performance.now() - t0, entries: JSON.parse(report.json).summary.entries };
      } finally {
        worker.terminate();
      }
    }, id);
    log(`${(statSync(har).size / 1e6).toFixed(0)} MB HAR and its ${(statSync(gz).size / 1e6).toFixed(0)} MB .gz, ${runs} runs each after a warm-up`);
    await analyzeOnce('bench-plain');
    await analyzeOnce('bench-gz');
    const plain = [];
    const packed = [];
    for (let i = 0; i < runs; i++) {
      plain.push(await analyzeOnce('bench-plain'));
      packed.push(await analyzeOnce('bench-gz'));
    }
    if (plain[0].entries !== packed[0].entries) throw new Error(`entries differ: ${plain[0].entries} vs ${packed[0].entries}`);
    const plainS = median(plain.map((r) => r.ms)) / 1000;
    const gzS = median(packed.map((r) => r.ms)) / 1000;
    return { mb: statSync(har).size / 1e6, gz_mb: statSync(gz).size / 1e6, entries: plain[0].entries, plain_s: plainS, gz_s: gzS, ratio: gzS / plainS, ratio_ok: gzS / plainS <= 1.5 };
  } finally {
    await browser.close();
    await server.close();
  }
}
