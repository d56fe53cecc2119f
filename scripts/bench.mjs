#!/usr/bin/env node
// `npm run bench`: the performance budgets of DESIGN.md, measured side by side in one run and printed as
// ratios. Inputs are generated (scripts/gen-har.mjs, deterministic, cached in target/bench/, never committed).
//
//   native speed  harlens analyze vs Python's json.load of the same 200 MB HAR      budget: >= 5x faster
//   native memory peak RSS of harlens analyze on 200 MB and 1 GB HARs                 budget: < 100 MB
//   wasm size     gzipped harlens_bg.wasm                                             budget: < 310 KiB
//   browser       the page's analysis of the 200 MB HAR vs JSON.parse(await file.text()) budget: <= 0.5,
//                 and its WASM memory peak                                          budget: < 64 MB
//   extension     scripts/bench-extension.mjs: alert latency                        budget: < 100 ms
//                 and the page-load overhead of recording (Jira-like server time)   budget: < 5 %
//                 drafts.js per page load (scripts/bench-extension-drafts.mjs)      budget: < 2 ms
//                 the in-page banner after the loss's response                      budget: < 1 s
//                 typing a 10,000-character comment at 20/s: long tasks > 50 ms     budget: none
//                 scripts/bench-monitor.mjs: the alerting push with a full history  budget: < 100 ms
//
//   redact        harlens redact of the same 200 MB HAR (both passes: see src/redact/): time, MB/s, peak RSS
//                                                                                    budget: < 100 MB, time reported
//
// Each timing is the fastest of several runs after a warm-up (the file is in the page cache for both tools):
// the work is deterministic, so slower runs only measure what else the machine was doing. Both tools are
// measured the same way, alternately.
// Options: --quick (fewer runs, skips the 1 GB file), --json FILE (write the figures).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : null;
const RUNS = quick ? 3 : 5;
const benchDir = `${root}target/bench`;
const harlens = `${root}target/release/harlens`;

function log(msg) {
  process.stderr.write(`bench: ${msg}\n`);
}

function generate(size) {
  const out = `${benchDir}/${size}.har`;
  // Regenerate when the generator changed since the file was written.
  const gen = `${root}scripts/gen-har.mjs`;
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(gen).mtimeMs) {
    log(`generating ${out}`);
    execFileSync(process.execPath, [gen, '--size', size, '--out', out], { stdio: 'inherit' });
  }
  return out;
}

// Runs a command under Python's resource module: wall time and the child's peak RSS, no extra tools needed.
const MEASURE = `
import resource, subprocess, sys, time
t = time.perf_counter()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
dt = time.perf_counter() - t
print(dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)
`;
function measure(cmd) {
  const out = execFileSync('python3', ['-c', MEASURE, ...cmd], { encoding: 'utf8' }).trim().split(/\s+/);
  const [seconds, maxrssKb, code] = [Number(out[0]), Number(out[1]), Number(out[2])];
  if (code !== 0 && code !== 1) throw new Error(`${cmd.join(' ')} exited with ${code}`);
  return { seconds, rssMb: maxrssKb / 1024 };
}
function summarize(results) {
  return { seconds: Math.min(...results.map((r) => r.seconds)), rssMb: Math.max(...results.map((r) => r.rssMb)) };
}
function timed(cmd, runs) {
  measure(cmd); // warm-up: page cache, first-run effects
  return summarize(Array.from({ length: runs }, () => measure(cmd)));
}
/** Runs two commands alternately, so that a busy moment of the machine does not fall on one tool only. */
function sideBySide(a, b, runs) {
  measure(a);
  measure(b);
  const ra = [];
  const rb = [];
  for (let i = 0; i < runs; i++) {
    ra.push(measure(a));
    rb.push(measure(b));
  }
  return [summarize(ra), summarize(rb)];
}

log('building the release CLI');
execFileSync('cargo', ['build', '--release', '--quiet'], { cwd: root, stdio: 'inherit' });

const rows = [];
const check = (name, value, budget, ok) => rows.push({ name, value, budget, ok });

const har200 = generate('200MB');
const mb200 = statSync(har200).size / 1e6;
const [native, python] = sideBySide(
  [harlens, 'analyze', '--format', 'json', har200],
  ['python3', '-c', 'import json,sys; json.load(open(sys.argv[1]))', har200],
  RUNS,
);
const ratio = python.seconds / native.seconds;
log(`200 MB: harlens ${native.seconds.toFixed(3)} s (${(mb200 / native.seconds).toFixed(0)} MB/s), python json.load ${python.seconds.toFixed(3)} s`);
check('speed: python json.load / harlens analyze (200 MB)', `${ratio.toFixed(1)}x (${native.seconds.toFixed(3)} s vs ${python.seconds.toFixed(3)} s)`, '>= 5x', ratio >= 5);
check('peak RSS, harlens analyze 200 MB', `${native.rssMb.toFixed(1)} MB (python: ${python.rssMb.toFixed(0)} MB)`, '< 100 MB', native.rssMb < 100);

// The sanitizer streams too: two passes over the file (collect the secrets, then rewrite), memory flat.
const redacted = timed([harlens, 'redact', '-o', '-', har200], RUNS);
log(`200 MB: harlens redact ${redacted.seconds.toFixed(3)} s (${(mb200 / redacted.seconds).toFixed(0)} MB/s), ${redacted.rssMb.toFixed(1)} MB peak`);
check('redact 200 MB: time, peak RSS', `${redacted.seconds.toFixed(3)} s (${(mb200 / redacted.seconds).toFixed(0)} MB/s), ${redacted.rssMb.toFixed(1)} MB`, '< 100 MB', redacted.rssMb < 100);

if (!quick) {
  const har1g = generate('1GB');
  const big = timed([harlens, 'analyze', '--format', 'json', har1g], 1);
  const gb = statSync(har1g).size / 1e9;
  check('peak RSS, harlens analyze 1 GB', `${big.rssMb.toFixed(1)} MB (${big.seconds.toFixed(2)} s for ${gb.toFixed(2)} GB)`, '< 100 MB', big.rssMb < 100);
}

/** Runs a benchmark script of scripts/ that writes its figures with `--json`; null (and a failed row) if it fails. */
function figuresOf(script, extra = []) {
  const out = join(benchDir, script.replace(/\.mjs$/, '.json'));
  const run = spawnSync(process.execPath, [join(root, 'scripts', script), '--json', out, ...extra], { stdio: 'inherit' });
  if (run.status === 0) return JSON.parse(readFileSync(out, 'utf8'));
  check(script, `failed (exit ${run.status})`, 'runs', false);
  return null;
}

const wasm = `${root}www/pkg/harlens_bg.wasm`;
if (existsSync(wasm)) {
  // The page in headless Chromium: analysing the 200 MB HAR from a File vs JSON.parse(await file.text()).
  const { benchBrowser } = await import('./bench-browser.mjs');
  const b = await benchBrowser({ quick });
  check('browser: page analysis / JSON.parse (200 MB)', `${b.ratio.toFixed(2)} (${b.analyze_s.toFixed(3)} s vs ${b.json_parse_s.toFixed(3)} s)`, '<= 0.5', b.ratio_ok);
  check('WASM memory peak, page 200 MB', `${b.wasm_memory_mb.toFixed(1)} MB`, '< 64 MB', b.wasm_memory_ok);
  // The same HAR gzipped, inflated in the worker as it is read (issue 16).
  const { benchBrowserGzip } = await import('./bench-browser.mjs');
  const g = await benchBrowserGzip({ quick });
  check('browser: page analysis, .har.gz / .har (200 MB)', `${g.ratio.toFixed(2)} (${g.gz_s.toFixed(3)} s vs ${g.plain_s.toFixed(3)} s)`, '<= 1.5', g.ratio_ok);
  // How the page feels while it works: its main thread during a large analysis, 100k entries scrolled and filtered.
  const u = figuresOf('bench-page-ui.mjs', quick ? ['--size', '200MB'] : []);
  if (u) {
    check(`page: longest main-thread gap analysing ${u.size}`, `${u.maxGapMs.toFixed(0)} ms`, '< 500 ms', u.maxGap_ok);
    check('page: 100k entries, scroll to row 50,000', `${u.scrollMs.toFixed(0)} ms`, '< 1000 ms', u.scroll_ok);
    check('page: 100k entries, filter to 4xx', `${u.filterMs.toFixed(0)} ms`, '< 1500 ms', u.filter_ok);
  }
}
if (existsSync(wasm)) {
  // The extension in headless Chromium against the test bed (its own script: two browser profiles).
  // --quick types a 2,000-character comment instead of 10,000 (100 s instead of 500 s at 20 characters a second).
  const e = figuresOf('bench-extension.mjs', quick ? ['--typing-chars', '2000'] : []);
  if (e) {
    const worst = Math.max(...e.alertLatencyMs);
    check('extension: alert latency after the response', `${e.alertLatencyMs.join(', ')} ms`, '< 100 ms', e.alertLatencyMs.length > 0 && worst < 100);
    const { jira, loopback } = e.pageLoad;
    check('extension: page-load overhead of recording', `${jira.overheadPct.toFixed(1)} % (${jira.without.toFixed(1)} -> ${jira.recording.toFixed(1)} ms)`, '< 5 %', jira.overheadPct < 5);
    check('extension: same, server answering at once', `${loopback.overheadPct.toFixed(1)} % (${loopback.without.toFixed(1)} -> ${loopback.recording.toFixed(1)} ms)`, 'reported', true);
    const { loadCost, bannerLatencyMs, typing } = e.drafts;
    check('extension: drafts.js per load of the issue page (median)', `${loadCost.withoutDrafts.toFixed(2)} ms (${loadCost.withDraft.toFixed(2)} ms offering a draft)`, '< 2 ms', loadCost.withoutDrafts < 2);
    check('extension: in-page banner after the loss\'s response', `${bannerLatencyMs.map((x) => x.toFixed(0)).join(', ')} ms`, '< 1000 ms', bannerLatencyMs.length > 0 && Math.max(...bannerLatencyMs) < 1000);
    check(
      `extension: typing ${typing.chars} characters at 20/s, tasks over 50 ms caused by drafts.js`,
      `${typing.longTasksCausedByDrafts} (drafts.js's longest event ${typing.draftsLongestEventMs.toFixed(1)} ms; the page's tasks over 50 ms: ${typing.longTasksOver50}, ${typing.longTasksWithDrafts} with drafts.js in them for ${typing.draftsMsInLongTasks.toFixed(1)} ms; draft kept ${typing.keptChars} characters)`,
      '0',
      typing.longTasksCausedByDrafts === 0 && typing.keptChars >= typing.chars * 0.99,
    );
  }
  // The live monitor at full history (Node, same WASM): a worker restart's replay, and the alerting push.
  const m = figuresOf('bench-monitor.mjs');
  if (m) {
    check('extension: alerting push, monitor history full', `${m.alertPushMaxMs.toFixed(1)} ms`, '< 100 ms', m.alertPushMaxMs < 100);
    check(`extension: worker restart, replay of ${m.replayEntries} entries`, `${m.replayMedianMs.toFixed(0)} ms`, 'reported', true);
  }
}
if (existsSync(wasm)) {
  const gz = gzipSync(readFileSync(wasm), { level: 9 }).length / 1024;
  check('gzipped harlens_bg.wasm', `${gz.toFixed(1)} KiB`, '< 310 KiB', gz < 310);
} else {
  log('www/pkg is not built (npm run build): skipping the wasm size');
}

const width = Math.max(...rows.map((r) => r.name.length));
console.log('\nharlens benchmarks (' + new Date().toISOString() + ')');
for (const r of rows) {
  console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name.padEnd(width)}  ${r.value}  (budget ${r.budget})`);
}
if (jsonOut) {
  mkdirSync(benchDir, { recursive: true });
  writeFileSync(jsonOut, JSON.stringify(rows, null, 2));
}
process.exitCode = rows.every((r) => r.ok) ? 0 : 1;
