#!/usr/bin/env node
// Diagnostic: does the same HAR cost more in one of the two .wasm modules (www/pkg/harlens, the page's first
// module, and harlens_full)? The two are measured alternately (the work is deterministic: slower runs measure
// what else the machine was doing), with the WASM `push` time and the CPU time of Chromium's renderer
// processes (the worker's thread and V8's background compilation) of each analysis.
//
//   node scripts/bench-modules.mjs [--har FILE] [--runs N] [--chunk BYTES] [--only first|full] [--pkg DIR]
//                                  [--js-flags "..."] [--fresh [--both] [--idle MS] [--cached]] [--page]
//
// default   one worker instantiates both modules and reads the HAR into memory once, then each run pushes
//           the same chunks (--chunk bytes, 64 KiB: File.stream()'s; the page's BYOB reader pushes 1 MiB)
//           into a new analyzer: warm code, after the warm-up run V8 has optimized the hot functions.
// --fresh   a fresh worker each run that instantiates only that module (--both: both, as the page's worker
//           does for an archive) and pushes at once (--idle MS: after waiting), as the page's first analysis
//           after loading the module: cold code, compiled lazily and tiered up while it runs. The modules
//           are served no-store as scripts/serve.mjs does (--cached: cacheable, so that Chromium may cache
//           their optimized code).
// --page    the page itself (www/, as scripts/bench-browser.mjs drives it, a fresh page each run) with the
//           file set on its input; its worker is patched as served (not on disk) so that the harlens_full
//           runs analyse a plain HAR (or a .har.gz) in the full module; the harlens runs are the page as is.
// --pkg DIR serves another build's www/pkg (to compare builds); --js-flags passes V8 flags to Chromium
// (--no-wasm-dynamic-tiering, --no-liftoff, ...).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { launchChromium } from '../tests/lib/browser.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: opt } = parseArgs({
  options: {
    har: { type: 'string', default: `${root}target/bench/200MB.har` },
    runs: { type: 'string', default: '5' },
    chunk: { type: 'string', default: String(64 * 1024) },
    only: { type: 'string' },
    pkg: { type: 'string', default: `${root}www/pkg` },
    'js-flags': { type: 'string' },
    fresh: { type: 'boolean', default: false },
    cached: { type: 'boolean', default: false },
    idle: { type: 'string', default: '0' },
    both: { type: 'boolean', default: false },
    page: { type: 'boolean', default: false },
  },
});

const WORKER = `
const mods = {};
async function load(name) {
  const m = await import('/pkg/' + name + '.js');
  await m.default({ module_or_path: '/pkg/' + name + '_bg.wasm' });
  return m;
}
let chunks;
self.onmessage = async ({ data }) => {
  try {
    if (data.type === 'load') {
      // The HAR first: in --fresh runs the pushes start right after the module is instantiated, as in the page.
      const buf = new Uint8Array(await (await fetch('/har')).arrayBuffer());
      chunks = [];
      for (let i = 0; i < buf.length; i += data.chunk) chunks.push(buf.subarray(i, i + data.chunk));
      const t = performance.now();
      for (const name of data.modules) mods[name] = await load(name);
      self.postMessage({ ok: true, bytes: buf.length, load: performance.now() - t });
      return;
    }
    const m = mods[data.module];
    const a = new m.StreamingAnalyzer();
    a.indexEntries();
    a.beginInput('bench.har');
    const t0 = performance.now();
    for (const c of chunks) a.push(c);
    const push = performance.now() - t0;
    a.endInput();
    const t1 = performance.now();
    const report = a.finish();
    const finish = performance.now() - t1;
    a.free();
    self.postMessage({ ok: true, push, finish, entries: JSON.parse(report).summary.entries });
  } catch (e) { self.postMessage({ ok: false, error: String(e && e.stack || e) }); }
};`;
const PAGE = `<!doctype html><script type="module">
let w;
const pending = [];
window.fresh = () => {
  w?.terminate();
  w = new Worker('/worker.js', { type: 'module' });
  w.onmessage = ({ data }) => pending.shift()(data);
};
window.fresh();
window.call = (msg) => new Promise((r) => { pending.push(r); w.postMessage(msg); });
window.ready = true;
</script>`;

/** CPU seconds (user + system) of the browser's renderer processes: the worker runs in one of them. */
function rendererCpu() {
  const tick = 100; // USER_HZ on Linux
  const procs = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.push({ pid: Number(d), ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / tick, cmd: readFileSync(`/proc/${d}/cmdline`, 'utf8') });
    } catch { /* gone */ }
  }
  // The browser process is the one started with this script's tag (see `args` below).
  const mine = new Set(procs.filter((p) => p.cmd.includes(TAG) && !p.cmd.includes('--type=')).map((p) => p.pid));
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs) if (!mine.has(p.pid) && mine.has(p.ppid)) { mine.add(p.pid); grew = true; }
  }
  return procs.filter((p) => mine.has(p.pid) && p.cmd.includes('--type=renderer')).reduce((n, p) => n + p.cpu, 0);
}

const pkg = resolve(opt.pkg);
// --page: the real page from www/, its worker patched (in memory, as served) so that a plain HAR is analysed in
// the module `variant` names; 'harlens' is the page as it is.
const www = `${root}www`;
let variant = 'harlens';
const served = new Set(); // the .wasm files the page fetched in this run
const CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml', '.har': 'application/json' };
async function servePage(url, res) {
  let path = url.pathname === '/' ? '/index.html' : url.pathname;
  if (path.includes('..')) return res.writeHead(403).end();
  let body;
  try { body = await readFile(`${www}${path}`); } catch { return res.writeHead(404).end(); }
  if (path === '/worker.js' && variant === 'harlens_full') {
    const src = body.toString();
    const patched = src
      .replace('const archives = needsFull(kinds) ? await full() : null;', 'const archives = await full();')
      .replace("const wasm = archives && reads.some((r) => r.kind !== 'har' || r.archive) ? archives :", 'const wasm = archives ??');
    if (patched === src) throw new Error('worker.js changed: cannot force the full module');
    body = patched;
  }
  if (path.endsWith('.wasm')) served.add(path.slice(path.lastIndexOf('/') + 1));
  const type = TYPES[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream';
  res.writeHead(200, { 'content-type': type, 'content-security-policy': CSP, 'cache-control': 'no-store' }).end(body);
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (opt.page) return servePage(url, res);
  if (url.pathname === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
  if (url.pathname === '/worker.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(WORKER);
  if (url.pathname === '/har') {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': statSync(opt.har).size });
    return createReadStream(opt.har).pipe(res);
  }
  const m = /^\/pkg\/([\w.]+)$/.exec(url.pathname);
  if (!m) return res.writeHead(404).end();
  try {
    const body = await readFile(`${pkg}/${m[1]}`);
    const type = m[1].endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
    // no-store: Chromium caches a streamed module's optimized code with the HTTP cache entry; --cached allows it.
    res.writeHead(200, { 'content-type': type, 'cache-control': opt.cached ? 'max-age=3600' : 'no-store' }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;

const TAG = `--harlens-bench-modules=${process.pid}`;
/** One analysis through the page's own UI in a fresh page, as scripts/bench-browser.mjs times it. */
async function pageOnce(page) {
  await page.goto(base);
  await page.waitForFunction(() => document.getElementById('version').textContent !== '');
  await page.evaluate(() => {
    const report = document.getElementById('report');
    window.__bench = new Promise((resolve) => {
      new MutationObserver((_, observer) => {
        if (report.dataset.state !== 'done' && report.dataset.state !== 'error') return;
        observer.disconnect();
        resolve({ state: report.dataset.state, error: document.getElementById('error').dataset.message ?? '', push: Number(report.dataset.pushMs), worker: Number(report.dataset.ms) });
      }).observe(report, { attributes: true, attributeFilter: ['data-state'] });
    });
  });
  const cpu0 = rendererCpu();
  await page.setInputFiles('#files', opt.har);
  const r = await page.evaluate(() => window.__bench);
  r.cpu = (rendererCpu() - cpu0) * 1000;
  if (r.state !== 'done') throw new Error(`the page did not analyse the file: ${r.error}`);
  return r;
}

async function pageMode(page) {
  const variants = opt.only === 'first' ? ['harlens'] : opt.only === 'full' ? ['harlens_full'] : ['harlens', 'harlens_full'];
  const rows = {};
  for (let run = 0; run <= Number(opt.runs); run++) {
    const order = run % 2 ? [...variants].reverse() : variants;
    for (const v of order) {
      variant = v;
      served.clear();
      const r = await pageOnce(page);
      // Check that the patch took: the full module is fetched exactly when it is the one analysing.
      if (!opt.har.endsWith('.gz') && served.has('harlens_full_bg.wasm') !== (v === 'harlens_full')) throw new Error(`${v}: the page fetched ${[...served]}`);
      process.stderr.write(`  run ${run}${run === 0 ? ' (warm-up)' : ''} page analysing in ${v.padEnd(13)} push ${r.push.toFixed(0)} ms  worker ${r.worker.toFixed(0)} ms  renderer CPU ${r.cpu.toFixed(0)} ms\n`);
      if (run > 0) (rows[v] ??= []).push(r);
    }
  }
  for (const [v, rs] of Object.entries(rows)) {
    const med = (k) => [...rs.map((r) => r[k])].sort((a, b) => a - b)[Math.floor(rs.length / 2)];
    const best = (k) => Math.min(...rs.map((r) => r[k]));
    console.log(`page, ${v.padEnd(13)} push best ${best('push').toFixed(0)} median ${med('push').toFixed(0)} ms; renderer CPU best ${best('cpu').toFixed(0)} median ${med('cpu').toFixed(0)} ms`);
  }
}

const args = [TAG, ...(opt['js-flags'] ? [`--js-flags=${opt['js-flags']}`] : [])];
const browser = await launchChromium({ args });
try {
  const page = await browser.newPage();
  if (opt.page) await pageMode(page);
  else await workerMode(page);
} finally {
  await browser.close();
  server.close();
}

async function workerMode(page) {
  await page.goto(base);
  await page.waitForFunction(() => window.ready);
  const modules = opt.only === 'first' ? ['harlens'] : opt.only === 'full' ? ['harlens_full'] : ['harlens', 'harlens_full'];
  const call = async (msg) => {
    const r = await page.evaluate((m) => window.call(m), msg);
    if (!r.ok) throw new Error(r.error);
    return r;
  };
  const times = Object.fromEntries(modules.map((m) => [m, []]));
  const cpus = {};
  if (!opt.fresh) {
    const loaded = await call({ type: 'load', modules, chunk: Number(opt.chunk) });
    process.stderr.write(`bench-modules: ${loaded.bytes} bytes, chunk ${opt.chunk}, ${opt['js-flags'] ?? 'default flags'}\n`);
  }
  for (let run = 0; run <= Number(opt.runs); run++) {
    // Alternate the order each run so that neither module always follows the other.
    const order = run % 2 ? [...modules].reverse() : modules;
    for (const module of order) {
      let load = '';
      if (opt.fresh) {
        // A fresh worker that loads only this module, then pushes at once (the page's first analysis).
        await page.evaluate(() => window.fresh());
        // --both: the fresh worker instantiates both modules (as the page's worker does for an archive).
        const l = await call({ type: 'load', modules: opt.both ? modules : [module], chunk: Number(opt.chunk) });
        load = ` load ${l.load.toFixed(0)} ms`;
        // --idle: time between instantiating the module and the first push (the page's first module is
        // instantiated when the page opens, the full module when an input needs it).
        if (Number(opt.idle)) await new Promise((r) => setTimeout(r, Number(opt.idle)));
      }
      const cpu0 = rendererCpu();
      const r = await call({ type: 'run', module });
      const cpu = rendererCpu() - cpu0;
      process.stderr.write(`  run ${run}${run === 0 ? ' (warm-up)' : ''} ${module.padEnd(13)}${load} push ${r.push.toFixed(0)} ms  finish ${r.finish.toFixed(0)} ms  renderer CPU ${(cpu * 1000).toFixed(0)} ms  entries ${r.entries}\n`);
      if (run > 0) times[module].push(r.push);
      if (run > 0) (cpus[module] ??= []).push(cpu * 1000);
    }
  }
  for (const [m, xs] of Object.entries(times)) {
    const s = [...xs].sort((a, b) => a - b);
    const c = [...cpus[m]].sort((a, b) => a - b);
    console.log(`${m.padEnd(13)} push best ${s[0].toFixed(0)} ms  median ${s[Math.floor(s.length / 2)].toFixed(0)} ms; renderer CPU best ${c[0].toFixed(0)} ms  median ${c[Math.floor(c.length / 2)].toFixed(0)} ms`);
  }
}
