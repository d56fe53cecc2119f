// Runs the analysis off the main thread: files stream straight from File.stream() into the WASM analyzer,
// chunk by chunk, so a 1 GB HAR never becomes one JS string and the page never freezes. After the analysis
// the worker keeps the entries index (compact rows, in WASM memory) and the files, and answers the page's
// requests for the rows it shows and for one entry's detail (re-read from the file by its byte span).
//
// Two WASM modules (scripts/build.sh): `harlens`, loaded at once, analyses HARs; `harlens_full` adds the
// server-log readers, the sanitizer and the Crowd simulation, and is loaded the first time one of them is
// asked for. An analysis with a log runs wholly in the full module: the log rules read the HARs' timelines,
// which live in the instance that analysed them.
import init, {
  StreamingAnalyzer, version, rules, entryFlags, signalHeaders, inputKind, inputKindHead, checkTrustedProxies,
} from './pkg/harlens.js';

const ready = init({ module_or_path: new URL('./pkg/harlens_bg.wasm', import.meta.url) });
let fullModule = null;
/** The full module's exports and its instance's exports (`exports.memory`), loaded once, on first use. */
function full() {
  fullModule ??= import('./pkg/harlens_full.js')
    .then(async (m) => ({ ...m, exports: await m.default({ module_or_path: new URL('./pkg/harlens_full_bg.wasm', import.meta.url) }) }))
    .catch((err) => {
      fullModule = null; // a failed load (the network, a blocked fetch) is tried again next time
      throw new Error(`could not load the full analyzer (harlens_full): ${err.message}`);
    });
  return fullModule;
}
const PROGRESS_EVERY_MS = 100;
/** A detail view never reads more than this from one entry (bodies of several MB are cut). */
const MAX_DETAIL_BYTES = 8 * 1024 * 1024;

let table = null; // EntryTable of the last analysis
let harFiles = []; // the HAR files of the last analysis, by input index
let memoryPeak = 0;

function memoryBytes(exports) {
  return exports?.memory?.buffer?.byteLength ?? 0;
}

self.onmessage = async ({ data }) => {
  const reply = (payload) => self.postMessage({ id: data.id, ...payload });
  try {
    const exports = await ready;
    switch (data.type) {
      case 'hello':
        reply({ type: 'hello', version: version(), rules: JSON.parse(rules()), entryFlags: JSON.parse(entryFlags()), signalHeaders: JSON.parse(signalHeaders()) });
        break;
      case 'check-proxies':
        reply({ type: 'proxies', entries: JSON.parse(checkTrustedProxies(data.text)) });
        break;
      case 'simulate':
        reply({ type: 'simulation', simulation: JSON.parse((await full()).simulateProxies(data.trusted, data.remote, data.xff)) });
        break;
      case 'analyze':
        await analyze(data, exports);
        break;
      case 'filter':
        reply({ type: 'filtered', shown: table ? table.filter(JSON.stringify(data.filter)) : 0 });
        break;
      case 'rows':
        reply({ type: 'rows', rows: table ? JSON.parse(table.rows(data.start, data.count)) : [] });
        break;
      case 'position':
        reply({ type: 'position', position: table ? table.positionOf(data.input, data.entry) : -1 });
        break;
      case 'detail':
        reply({ type: 'detail', ...(await detail(data.input, data.entry)) });
        break;
      case 'redact':
        reply({ type: 'redacted', files: await redact() });
        break;
      default:
        reply({ type: 'error', message: `unknown request ${data.type}` });
    }
  } catch (err) {
    // A trap inside WASM (a bug, never bad input: that is a JsError) leaves the instance unusable: the page
    // then starts a fresh worker.
    const fatal = err instanceof WebAssembly.RuntimeError;
    reply({ type: 'error', fatal, message: fatal ? `the analyzer crashed (${err.message}); please report this file's shape` : err instanceof Error ? err.message : String(err) });
  }
};

/**
 * What a file is, as the core tells from its first bytes: `har` (JSON, or HAR Viewer's JSONP), `log`, or
 * `binary` (a zip, a gzip, an image, UTF-16 text), which is read as a HAR so that the core names what it is
 * ("gzip-compressed data: decompress it first") instead of quoting it as a log's first line.
 */
async function sniff(file) {
  return inputKind(new Uint8Array(await file.slice(0, inputKindHead()).arrayBuffer()));
}

async function analyze({ id, inputs, proxies, ssoCookie }, coreExports) {
  table?.free();
  table = null;
  harFiles = [];
  const kinds = [];
  for (const { file, kind } of inputs) kinds.push(kind === 'auto' ? await sniff(file) : kind);
  self.postMessage({ id, type: 'kinds', kinds });
  const wasm = kinds.includes('log') ? await full() : { StreamingAnalyzer, exports: coreExports };
  const exports = wasm.exports;
  const analyzer = new wasm.StreamingAnalyzer();
  const notes = [];
  try {
    analyzer.indexEntries();
    if (ssoCookie) analyzer.setSsoCookie(ssoCookie);
    // Report input indices follow the order inputs are given: the trusted list, the HARs, then the logs.
    // `harFiles` is indexed the same way, so an entry's (input, entry) finds its file for the detail pane.
    let inputIndex = 0;
    if (proxies && proxies.trim()) {
      analyzer.setTrustedProxies('trusted proxies', proxies);
      inputIndex += 1;
    }
    const hars = inputs.filter((_, i) => kinds[i] === 'har' || kinds[i] === 'binary');
    const logs = inputs.filter((_, i) => kinds[i] === 'log');
    const total = [...hars, ...logs].reduce((n, { file }) => n + file.size, 0);
    let done = 0;
    let last = 0;
    let pushMs = 0; // time spent in the WASM analyzer itself, for the benchmark
    const started = performance.now();
    const stream = async (file) => {
      const reader = file.stream().getReader();
      // The next chunk is requested before this one is analysed, so reading the file overlaps the analysis.
      let next = reader.read();
      for (;;) {
        const { value, done: end } = await next;
        if (end) break;
        next = reader.read();
        const t = performance.now();
        analyzer.push(value);
        pushMs += performance.now() - t;
        done += value.byteLength;
        const now = performance.now();
        if (now - last > PROGRESS_EVERY_MS) {
          last = now;
          memoryPeak = Math.max(memoryPeak, memoryBytes(exports));
          self.postMessage({ id, type: 'progress', bytes: done, total, entries: analyzer.entries, file: file.name, ms: now - started });
        }
      }
      analyzer.endInput();
    };
    for (const { file } of hars) {
      analyzer.beginInput(file.name);
      harFiles[inputIndex++] = file;
      await stream(file);
    }
    for (const { file } of logs) {
      // Server logs stream like HARs: a 500 MB access log never becomes one string either.
      analyzer.beginLog(file.name);
      inputIndex += 1;
      await stream(file);
    }
    self.postMessage({ id, type: 'progress', bytes: done, total, entries: analyzer.entries, file: '', ms: performance.now() - started, finishing: true });
    table = analyzer.takeEntries();
    const finishStarted = performance.now();
    const [json, markdown, plots] = analyzer.finishWithMarkdown();
    const finishMs = performance.now() - finishStarted;
    memoryPeak = Math.max(memoryPeak, memoryBytes(exports));
    self.postMessage({
      id,
      type: 'report',
      json,
      markdown,
      notes,
      kinds,
      origins: JSON.parse(table.origins()),
      plot: JSON.parse(plots),
      rows: table.length,
      dropped: table.dropped,
      ms: performance.now() - started,
      timing: { push: pushMs, finish: finishMs },
      memory: { peak: memoryPeak, now: memoryBytes(exports), index: table.heapBytes },
    });
  } finally {
    analyzer.free();
  }
}

/**
 * The last analysis's HARs, sanitized (the core's sanitizer: secrets become stable pseudonyms, the session
 * structure stays, so the copy still diagnoses the same). Two passes over each file, both streamed from
 * File.stream() (a File can be read twice): the first learns every value to replace, the second writes the
 * file with those values and all their copies replaced, wherever they come, into Blob parts, never whole in
 * memory as a string. One redactor and one random key for all files, so they share pseudonyms (and a secret
 * of one file copied into another is replaced there too); the key is drawn here and never kept.
 */
async function redact() {
  const key = crypto.getRandomValues(new Uint8Array(32));
  const files = harFiles.filter(Boolean);
  const { StreamingRedactor } = await full();
  const redactor = new StreamingRedactor('', key);
  const out = [];
  // Each pass streams the file; the last call, with `eof`, comes once the stream says it is done.
  const pass = async (file, feed) => {
    const reader = file.stream().getReader();
    for (;;) {
      const { value, done } = await reader.read();
      feed(done ? new Uint8Array(0) : value, done);
      if (done) return;
    }
  };
  try {
    for (const file of files) await pass(file, (chunk, eof) => redactor.collect(chunk, eof));
    for (const file of files) {
      const parts = [];
      await pass(file, (chunk, eof) => {
        const bytes = redactor.write(chunk, eof);
        if (bytes.length) parts.push(bytes);
      });
      const name = file.name.replace(/\.har$/i, '') + '.redacted.har';
      out.push({
        name,
        blob: new Blob(parts, { type: 'application/json' }),
        described: redactor.describe(),
        warnings: JSON.parse(redactor.warnings()),
      });
    }
  } finally {
    redactor.free();
  }
  return out;
}

/** One entry as the HAR wrote it, re-read from the file by the span the index kept. */
async function detail(input, entry) {
  const row = table ? JSON.parse(table.row(input, entry)) : null;
  const file = harFiles[input];
  if (!row || !file) return { row, entry: null, message: 'this entry is not in the index' };
  if (row.length > MAX_DETAIL_BYTES) {
    return { row, entry: null, message: `this entry is ${(row.length / 1e6).toFixed(1)} MB; its detail is not shown` };
  }
  const text = await file.slice(row.offset, row.offset + row.length).text();
  try {
    return { row, entry: JSON.parse(text) };
  } catch (err) {
    return { row, entry: null, message: `could not re-read the entry: ${err.message}` };
  }
}
