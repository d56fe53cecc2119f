#!/usr/bin/env node
// `npm run bench`: the performance budgets of DESIGN.md, measured side by side in one run and printed as
// ratios. Inputs are generated (scripts/gen-har.mjs, deterministic, cached in target/bench/, never committed).
//
//   native speed  harlens analyze vs Python's json.load and vs serde_json validating the same bytes
//                 (crate/examples/validate_only.rs, serde::de::IgnoredAny), on 200 MB of bodies and on
//                 30,000 header-only Chrome entries; reading on a second thread as shipped and on one
//                 (HARLENS_THREADS=1)                                                budget: >= 10x python,
//                                                                                    <= 1.5x serde validate-only
//   native memory peak RSS of harlens analyze on 200 MB and 1 GB HARs                 budget: < 100 MB
//                 1,000,000 minimal entries; growth per entry against 10,000         budget: < 200 MB, <= 100 B
//                 one 100 MB header value (cut to the field cap, warned)             budget: < 100 MB
//   scaling       time and peak RSS at 10 MB, 100 MB, 1 GB and 10k, 100k, 1M entries (the README's table)
//   page          scripts/bench-browser.mjs: file to verdict, body- and entry-heavy, vs File.stream() (<= 1.25x)
//                 and JSON.parse (<= 0.3x); WASM memory (< 128 MB, 1,000,000 entries too); each .wasm
//                 gzipped (the page's first module <= 200 KiB)
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
// Options: --quick (fewer runs, skips the 1 GB file), --native (the native rows only: no browser, extension
// or wasm), --json FILE (write the rows; the native figures go to target/bench/native.json).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const nativeOnly = args.includes('--native');
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : null;
const RUNS = quick ? 3 : 5;
const benchDir = `${root}target/bench`;
const harlens = `${root}target/release/harlens`;

function log(msg) {
  process.stderr.write(`bench: ${msg}\n`);
}

/** `out`, written by `args` of the generator `gen` unless it exists and is newer than the generator. */
function cached(out, gen, args) {
  const script = `${root}scripts/${gen}`;
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(script).mtimeMs) {
    log(`generating ${out}`);
    execFileSync(process.execPath, [script, ...args, '--out', out], { stdio: 'inherit' });
  }
  return out;
}
/** A body-heavy HAR of `size` (gen-har.mjs: Jira traffic with REST, image and script bodies). */
const generate = (size) => cached(`${benchDir}/${size}.har`, 'gen-har.mjs', ['--size', size]);
/** An entry-heavy HAR: `n` minimal entries (gen-entries.mjs), or Chrome's header-only entries (gen-headers.mjs). */
const minimal = (n) => cached(`${benchDir}/${n}-entries.har`, 'gen-entries.mjs', ['--entries', String(n)]);
const headerOnly = (n) => cached(`${benchDir}/${n}-headers.har`, 'gen-headers.mjs', ['--entries', String(n)]);

// Runs a command under Python's resource module: wall time, CPU time and the child's peak RSS, no extra
// tools needed.
const MEASURE = `
import resource, subprocess, sys, time
t = time.perf_counter()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
dt = time.perf_counter() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(dt, u.ru_maxrss, r.returncode, u.ru_utime + u.ru_stime)
`;
/** One run of `cmd` (an array; a leading `{ env }` object adds environment variables). */
function measure(cmd) {
  const env = typeof cmd[0] === 'object' ? { ...process.env, ...cmd[0] } : process.env;
  const argv = typeof cmd[0] === 'object' ? cmd.slice(1) : cmd;
  const out = execFileSync('python3', ['-c', MEASURE, ...argv], { encoding: 'utf8', env }).trim().split(/\s+/);
  const [seconds, maxrssKb, code, cpu] = out.map(Number);
  if (code !== 0 && code !== 1) throw new Error(`${argv.join(' ')} exited with ${code}`);
  return { seconds, rssMb: maxrssKb / 1024, cpu };
}
function summarize(results) {
  return {
    seconds: Math.min(...results.map((r) => r.seconds)),
    rssMb: Math.max(...results.map((r) => r.rssMb)),
    cpu: Math.min(...results.map((r) => r.cpu)),
  };
}
function timed(cmd, runs) {
  measure(cmd); // warm-up: page cache, first-run effects
  return summarize(Array.from({ length: runs }, () => measure(cmd)));
}
/** Runs commands in turn, `runs` rounds after a warm-up, so that a busy moment of the machine does not fall
 * on one tool only; the fastest run of each. */
function sideBySide(cmds, runs) {
  cmds.forEach(measure);
  const results = cmds.map(() => []);
  for (let i = 0; i < runs; i++) cmds.forEach((cmd, k) => results[k].push(measure(cmd)));
  return results.map(summarize);
}

log('building the release CLI and the serde_json validate-only baseline');
execFileSync('cargo', ['build', '--release', '--quiet'], { cwd: root, stdio: 'inherit' });
execFileSync('cargo', ['build', '--release', '--quiet', '--example', 'validate_only'], { cwd: root, stdio: 'inherit' });
const validateOnly = `${root}target/release/examples/validate_only`;

const rows = [];
const check = (name, value, budget, ok) => rows.push({ name, value, budget, ok });
const figures = {};
const s3 = (x) => `${x.toFixed(3)} s`;

// Native speed: harlens analyze (reading on a second thread, as shipped, and on one), serde_json's
// validate-only pass and Python's json.load, alternately over the same file, on both shapes of HAR.
const SPEED_MIN = 10; // x Python's json.load
const SERDE_MAX = 1.5; // x serde_json validate-only
const shapes = [
  { label: '200 MB of bodies', file: generate('200MB') },
  { label: '30,000 header-only entries', file: headerOnly(30_000) },
];
for (const { label, file } of shapes) {
  const mb = statSync(file).size / 1e6;
  const analyze = [harlens, 'analyze', '--format', 'json', file];
  const [two, one, serde, python] = sideBySide(
    [analyze, [{ HARLENS_THREADS: '1' }, ...analyze], [validateOnly, file], ['python3', '-c', 'import json,sys; json.load(open(sys.argv[1]))', file]],
    RUNS,
  );
  figures[label] = { mb, harlens: two, harlens_one_thread: one, serde_validate_only: serde, python_json_load: python };
  log(`${label} (${mb.toFixed(0)} MB): harlens ${s3(two.seconds)} (${(mb / two.seconds).toFixed(0)} MB/s), one thread ${s3(one.seconds)}, serde validate-only ${s3(serde.seconds)}, python json.load ${s3(python.seconds)}`);
  for (const [run, threads] of [[two, 'two threads'], [one, 'one thread']]) {
    const vsPython = python.seconds / run.seconds;
    const vsSerde = run.seconds / serde.seconds;
    check(`speed, ${label}, ${threads}: python json.load / harlens`, `${vsPython.toFixed(1)}x (${s3(run.seconds)} vs ${s3(python.seconds)})`, `>= ${SPEED_MIN}x`, vsPython >= SPEED_MIN);
    check(`speed, ${label}, ${threads}: harlens / serde validate-only`, `${vsSerde.toFixed(2)}x (${s3(run.seconds)} vs ${s3(serde.seconds)})`, `<= ${SERDE_MAX}x`, vsSerde <= SERDE_MAX);
  }
  check(`peak RSS, harlens analyze, ${label}`, `${two.rssMb.toFixed(1)} MB (serde: ${serde.rssMb.toFixed(0)} MB, python: ${python.rssMb.toFixed(0)} MB)`, '< 100 MB', two.rssMb < 100);
}
const har200 = shapes[0].file;
const mb200 = figures[shapes[0].label].mb;

// Memory per entry: what the analysis keeps grows with the entries (a 1,000,000-entry HAR of minimal
// entries), measured against 10,000 of the same so that the program's fixed cost is left out.
// Scaling: time and memory as the input grows, by size (bodies) and by entries.
const scaling = [];
const scale = (kind, label, file) => {
  const r = timed([harlens, 'analyze', '--format', 'json', file], quick ? 1 : Math.min(RUNS, 3));
  const mb = statSync(file).size / 1e6;
  scaling.push({ kind, label, mb, seconds: r.seconds, rssMb: r.rssMb });
  log(`scaling: ${label} (${mb.toFixed(0)} MB): ${s3(r.seconds)}, ${r.rssMb.toFixed(1)} MB peak`);
  return r;
};
for (const size of quick ? ['10MB', '100MB'] : ['10MB', '100MB', '1GB']) scale('size', size, generate(size));
const perEntry = {};
for (const n of [10_000, 100_000, 1_000_000]) perEntry[n] = scale('entries', `${n.toLocaleString('en-US')} entries`, minimal(n));
const perEntryBytes = ((perEntry[1_000_000].rssMb - perEntry[10_000].rssMb) * 1024 * 1024) / 990_000;
check('peak RSS, harlens analyze, 1,000,000 minimal entries', `${perEntry[1_000_000].rssMb.toFixed(1)} MB`, '< 200 MB', perEntry[1_000_000].rssMb < 200);
check('memory per entry (1,000,000 vs 10,000 entries)', `${Math.max(0, perEntryBytes).toFixed(0)} bytes`, '<= 100 bytes', perEntryBytes <= 100);
if (!quick) {
  const gb = scaling.find((s) => s.label === '1GB');
  check('peak RSS, harlens analyze 1 GB', `${gb.rssMb.toFixed(1)} MB (${gb.seconds.toFixed(2)} s for ${(gb.mb / 1e3).toFixed(2)} GB)`, '< 100 MB', gb.rssMb < 100);
}
figures.scaling = scaling;

// One huge value: a single 100 MB header is read up to the field cap, with a warning, in bounded memory.
const hugeFile = cached(`${benchDir}/100MB-header.har`, 'gen-headers.mjs', ['--huge-header-mb', '100']);
const huge = timed([harlens, 'analyze', '--format', 'json', hugeFile], quick ? 1 : 3);
const hugeReport = spawnSync(harlens, ['analyze', '--format', 'json', hugeFile], { encoding: 'utf8', maxBuffer: 1 << 26 });
const cut = /"code": "value-cut"/.test(hugeReport.stdout);
check('peak RSS, harlens analyze, one 100 MB header', `${huge.rssMb.toFixed(1)} MB (${s3(huge.seconds)}; value-cut warning ${cut ? 'given' : 'missing'})`, '< 100 MB, warned', huge.rssMb < 100 && cut);

// The sanitizer streams too: two passes over the file (collect the secrets, then rewrite), memory flat.
const redacted = timed([harlens, 'redact', '-o', '-', har200], RUNS);
log(`200 MB: harlens redact ${redacted.seconds.toFixed(3)} s (${(mb200 / redacted.seconds).toFixed(0)} MB/s), ${redacted.rssMb.toFixed(1)} MB peak`);
check('redact 200 MB: time, peak RSS', `${redacted.seconds.toFixed(3)} s (${(mb200 / redacted.seconds).toFixed(0)} MB/s), ${redacted.rssMb.toFixed(1)} MB`, '< 100 MB', redacted.rssMb < 100);

gzipRow(har200);

/**
 * A `.har.gz` against its plain file (issue 16): the CLI inflates on its reader thread while the main thread
 * parses, so on two free cores the inflating hides behind the parsing. Budget 1.5x; the CPU time ratio is shown
 * too, since a machine with no second core free cannot overlap the two.
 */
function gzipRow(har) {
  const gz = `${har}.gz`;
  if (!existsSync(gz) || statSync(gz).mtimeMs < statSync(har).mtimeMs) {
    log(`compressing ${gz}`);
    writeFileSync(gz, gzipSync(readFileSync(har), { level: 6 }));
  }
  const plainCmd = [harlens, 'analyze', '--format', 'json', har];
  const gzCmd = [harlens, 'analyze', '--format', 'json', gz];
  const [packed, plain] = sideBySide([gzCmd, plainCmd], RUNS);
  // The CPU time (user + system) of the command and its threads.
  const CPU = 'import resource, subprocess, sys\nsubprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\nr = resource.getrusage(resource.RUSAGE_CHILDREN)\nprint(r.ru_utime + r.ru_stime)';
  const cpuOf = (cmd) => Number(execFileSync('python3', ['-c', CPU, ...cmd], { encoding: 'utf8' }).trim());
  const cpuPacked = Math.min(...Array.from({ length: RUNS }, () => cpuOf(gzCmd)));
  const cpuPlain = Math.min(...Array.from({ length: RUNS }, () => cpuOf(plainCmd)));
  const ratio = packed.seconds / plain.seconds;
  const mb = statSync(gz).size / 1e6;
  log(`200 MB .har.gz (${mb.toFixed(0)} MB): ${packed.seconds.toFixed(3)} s, plain ${plain.seconds.toFixed(3)} s; CPU ${cpuPacked.toFixed(2)} s vs ${cpuPlain.toFixed(2)} s`);
  check(
    'analyze 200 MB .har.gz / plain .har (native)',
    `${ratio.toFixed(2)}x (${packed.seconds.toFixed(3)} s vs ${plain.seconds.toFixed(3)} s; CPU ${(cpuPacked / cpuPlain).toFixed(2)}x; ${packed.rssMb.toFixed(1)} MB peak)`,
    '<= 1.5x',
    ratio <= 1.5,
  );
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
const withWasm = !nativeOnly && existsSync(wasm);
if (withWasm) {
  // The page in headless Chromium, file to verdict, beside File.stream() and JSON.parse; its WASM memory; the
  // size of each .wasm (scripts/bench-browser.mjs).
  await (await import('./bench-browser.mjs')).pageRows(check, { quick });
  // The same 200 MB HAR gzipped, inflated in the worker as it is read (issue 16).
  const g = await (await import('./bench-browser.mjs')).benchBrowserGzip({ quick });
  check('browser: page analysis, .har.gz / .har (200 MB)', `${g.ratio.toFixed(2)} (${g.gz_s.toFixed(3)} s vs ${g.plain_s.toFixed(3)} s)`, '<= 1.5', g.ratio_ok);
  // How the page feels while it works: its main thread during a large analysis, 100k entries scrolled and filtered.
  const u = figuresOf('bench-page-ui.mjs', quick ? ['--size', '200MB'] : []);
  if (u) {
    check(`page: longest main-thread gap analysing ${u.size}`, `${u.maxGapMs.toFixed(0)} ms`, '< 500 ms', u.maxGap_ok);
    check('page: 100k entries, scroll to row 50,000', `${u.scrollMs.toFixed(0)} ms`, '< 1000 ms', u.scroll_ok);
    check('page: 100k entries, filter to 4xx', `${u.filterMs.toFixed(0)} ms`, '< 1500 ms', u.filter_ok);
  }
}
if (withWasm) {
  // The extension in headless Chromium against the test bed (its own script: two browser profiles).
  // --quick types a 2,000-character comment instead of 10,000 (100 s instead of 500 s at 20 characters a second).
  const e = figuresOf('bench-extension.mjs', quick ? ['--typing-chars', '2000'] : []);
  if (e) {
    const worst = Math.max(...e.alertLatencyMs);
    check('extension: alert latency after the response', `${e.alertLatencyMs.join(', ')} ms`, '< 100 ms', e.alertLatencyMs.length > 0 && worst < 100);
    const { jira, loopback } = e.pageLoad;
    check('extension: page-load overhead of recording', `${jira.overheadPct.toFixed(1)} % (${jira.without.toFixed(1)} -> ${jira.recording.toFixed(1)} ms)`, '< 5 %', jira.overheadPct < 5);
    // Issue 15's goal holds on both servers. The listening-only profile (webRequest listeners that do nothing,
    // same events and options) is Chromium's own share, the floor under the recorder's.
    check('extension: same, server answering at once', `${loopback.overheadPct.toFixed(1)} % (${loopback.without.toFixed(1)} -> ${loopback.recording.toFixed(1)} ms; listening only ${loopback.listeningPct.toFixed(1)} %)`, '< 5 %', loopback.overheadPct < 5);
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
if (!withWasm && !nativeOnly) log('www/pkg is not built (npm run build): skipping the page, the extension and the wasm size');

// The README's scaling table, as measured.
console.log('\nscaling (harlens analyze, reading on two threads)\n| input | size | time | MB/s | peak RSS |\n|---|---:|---:|---:|---:|');
for (const r of scaling) {
  console.log(`| ${r.kind === 'size' ? `bodies, ${r.label}` : `minimal entries, ${r.label}`} | ${r.mb.toFixed(0)} MB | ${r.seconds.toFixed(2)} s | ${(r.mb / r.seconds).toFixed(0)} | ${r.rssMb.toFixed(0)} MB |`);
}
mkdirSync(benchDir, { recursive: true });
writeFileSync(`${benchDir}/native.json`, JSON.stringify(figures, null, 2));

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
