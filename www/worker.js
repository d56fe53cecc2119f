// Runs the analysis off the main thread: files stream straight from File.stream() into the WASM analyzer,
// chunk by chunk, so a 1 GB HAR never becomes one JS string and the page never freezes. After the analysis
// the worker keeps the entries index (compact rows, in WASM memory) and the files, and answers the page's
// requests for the rows it shows and for one entry's detail (re-read from the file by its byte span).
//
// Two WASM modules (scripts/build.sh): `harlens`, loaded at once, analyses HARs; `harlens_full` adds the
// server-log readers, the archive reader (gzip and zip, their limits), the sanitizer and the Crowd simulation,
// and is loaded the first time one of them is asked for. An analysis with a log or a zip runs wholly in the
// full module: the log rules read the HARs' timelines, which live in the instance that analysed them. HARs
// alone, plain or gzipped, are analysed in the first module (the full one meters what is inflated).
import init, {
  StreamingAnalyzer, version, rules, entryFlags, signalHeaders, inflateLimits, checkTrustedProxies,
} from './pkg/harlens.js';
import { expand, kindsOf, needsFull, partChunks, streamChunks } from './js/archive.js';
import { redactedOutputs } from './js/archive-out.js';
import { dropPrepared } from './js/inflate-thread.js';

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
let harFiles = []; // the HAR reads of the last analysis (see js/archive.js), by input index
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
        reply({ type: 'hello', version: version(), rules: JSON.parse(rules()), entryFlags: JSON.parse(entryFlags()), signalHeaders: JSON.parse(signalHeaders()), limits: JSON.parse(inflateLimits()) });
        break;
      case 'check-proxies':
        reply({ type: 'proxies', entries: JSON.parse(checkTrustedProxies(data.text)) });
        break;
      case 'simulate':
        reply({ type: 'simulation', simulation: JSON.parse((await full()).simulateProxies(data.trusted, data.remote, data.xff)) });
        break;
      case 'analyze':
        try {
          await analyze(data, exports);
        } finally {
          dropPrepared(); // a gzip inflated ahead (kindsOf) and never read: a zip inside, an error first
        }
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

async function analyze({ id, inputs, proxies, ssoCookie, limits }, coreExports) {
  table?.free();
  table = null;
  harFiles = [];
  const kinds = await kindsOf(inputs);
  const loading = performance.now();
  // The full module reads zips and meters inflating (InflateMeter) for any archive or gzip; it also analyses
  // when a log or a zip is read (the log rules read the HARs' timelines, which live in the instance that
  // analysed them, and a zip's members are reported through its bindings). HARs alone, plain or gzipped, are
  // analysed in the first module, the one the page has loaded and compiled already (a module's first analysis
  // also pays V8's compiling of its hot code: scripts/bench-modules.mjs measured the two modules' HAR paths
  // alike once warm, and alike cold).
  const archives = needsFull(kinds) ? await full() : null;
  const loadMs = performance.now() - loading; // the full module's load (once per worker), for the benchmark
  const defaults = JSON.parse(inflateLimits());
  const meter = archives ? new archives.InflateMeter(limits?.maxRatio || defaults.maxRatio, limits?.maxTotal || defaults.maxTotal) : null;
  let analyzer = null;
  const notes = [];
  try {
    // What each file is the core tells from its first bytes; archives become the reads the core plans.
    const expanding = performance.now();
    const reads = await expand(inputs, kinds, meter, archives);
    const expandMs = performance.now() - expanding; // reading the archives' directories, for the benchmark
    const wasm = archives && reads.some((r) => r.kind !== 'har' || r.archive) ? archives : { StreamingAnalyzer, exports: coreExports };
    const exports = wasm.exports;
    analyzer = new wasm.StreamingAnalyzer();
    analyzer.indexEntries();
    if (ssoCookie) analyzer.setSsoCookie(ssoCookie);
    // Report input indices follow the order inputs are given: the trusted list, the HARs, then the logs, then
    // the archive members not read. `harFiles` is indexed the same way, so an entry's (input, entry) finds
    // its bytes for the detail pane.
    let inputIndex = 0;
    const userProxies = Boolean(proxies && proxies.trim());
    if (userProxies) {
      analyzer.setTrustedProxies('trusted proxies', proxies);
      inputIndex += 1;
    }
    self.postMessage({ id, type: 'kinds', kinds });
    const total = reads.reduce((n, r) => n + (r.parts.length ? r.bytes : 0), 0);
    let done = 0;
    let last = 0;
    let pushMs = 0; // time spent in the WASM analyzer itself, for the benchmark
    let waitMs = 0; // time waiting for the next chunk (reading, inflating), for the benchmark
    const started = performance.now();
    const progress = (file) => {
      const now = performance.now();
      if (now - last > PROGRESS_EVERY_MS) {
        last = now;
        memoryPeak = Math.max(memoryPeak, memoryBytes(exports));
        self.postMessage({ id, type: 'progress', bytes: done, total, entries: analyzer.entries, file, ms: now - started });
      }
    };
    const stream = async (read, part, inArchive) => {
      const label = part.member ? `${read.archive}: ${part.member}` : read.name;
      let asked = performance.now();
      for await (const chunk of partChunks(read, part, meter, (n) => { done += n; })) {
        const t = performance.now();
        waitMs += t - asked;
        try { analyzer.push(chunk); } catch (err) { throw inArchive(err); }
        pushMs += performance.now() - t;
        progress(label);
        asked = performance.now();
      }
    };
    for (const read of reads) {
      if (read.kind === 'skip' || read.kind === 'error') {
        analyzer.skipInput(read.name, read.archive, read.bytes, read.kind === 'skip' ? read.reason : undefined, read.kind === 'error' ? read.error : undefined);
        inputIndex += 1;
        continue;
      }
      if (read.kind === 'trusted-proxies') {
        // A list in a support zip; the one typed in the page wins.
        if (userProxies) {
          analyzer.skipInput(read.name, read.archive, read.bytes, 'the trusted proxies typed in the page are used instead', undefined);
        } else {
          await readTrustedList(analyzer, read, meter);
        }
        inputIndex += 1;
        continue;
      }
      if (read.kind === 'log') analyzer.beginLog(read.name);
      else analyzer.beginInput(read.name);
      if (read.archive || read.gzip) analyzer.setSource(read.archive, read.gzip);
      if (read.kind !== 'log') harFiles[inputIndex] = read;
      inputIndex += 1;
      // The analyzer names the input; a member's name alone does not say which archive it is in.
      const inArchive = (err) => (read.archive && !(err instanceof WebAssembly.RuntimeError) ? new Error(`${read.archive}: ${err.message}`) : err);
      let reading = true;
      try {
        for (const part of read.parts) {
          if (part.member) analyzer.beginMember(part.member, part.gzip);
          try {
            await stream(read, part, inArchive);
          } catch (err) {
            // A log's rotation that cannot be read to its end is an error for that file; the next one is read.
            if (!err.member || read.parts.length === 1) throw err;
            analyzer.memberError(err.message);
          }
        }
        reading = false;
        try { analyzer.endInput(); } catch (err) { throw inArchive(err); }
      } catch (err) {
        // A member that cannot be read is an error for that member; the rest is read. A file dropped as it is
        // stops the analysis, as it always has.
        if (!read.archive || err instanceof WebAssembly.RuntimeError) throw err;
        read.failed = true;
        // A failed endInput lists the input with its error itself.
        if (reading) analyzer.abandonInput(err.message);
      }
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
      timing: { push: pushMs, wait: waitMs, load: loadMs, expand: expandMs, finish: finishMs },
      memory: { peak: memoryPeak, now: memoryBytes(exports), index: table.heapBytes },
    });
  } finally {
    analyzer?.free();
    meter?.free();
  }
}

/** A trusted-proxy list read from an archive: small, read whole; an unreadable one is listed with its error. */
async function readTrustedList(analyzer, read, meter) {
  try {
    const parts = [];
    for (const part of read.parts) for await (const chunk of partChunks(read, part, meter, () => {})) parts.push(chunk);
    analyzer.setTrustedProxiesFrom(read.name, read.archive, await new Blob(parts).text());
  } catch (err) {
    if (err instanceof WebAssembly.RuntimeError) throw err;
    analyzer.skipInput(read.name, read.archive, read.bytes, undefined, err.message);
  }
}

/**
 * The last analysis's HARs, sanitized (the core's sanitizer: secrets become stable pseudonyms, the session
 * structure stays, so the copy still diagnoses the same). Two passes over each HAR, both streamed from its
 * source (a File, or the gzip or zip member it was read from, inflated again: each can be read twice): the
 * first learns every value to replace, the second writes the file with those values and all their copies
 * replaced, wherever they come, into Blob parts (compressed again when the HAR came compressed: see
 * js/archive-out.js), never whole in memory as a string. One redactor and one random key for all files, so
 * they share pseudonyms (and a secret of one file copied into another is replaced there too); the key is drawn
 * here and never kept. A HAR member that could not be read whole is left out.
 */
async function redact() {
  const key = crypto.getRandomValues(new Uint8Array(32));
  const reads = harFiles.filter((r) => r && !r.failed);
  const wasm = await full();
  const redactor = new wasm.StreamingRedactor('', key);
  // Each pass streams the HAR; the last call, with `eof`, comes once the stream says it is done.
  const pass = async (read, feed) => {
    for await (const chunk of streamChunks(read.parts[0].source.stream())) await feed(chunk, false);
    await feed(new Uint8Array(0), true);
  };
  try {
    for (const read of reads) await pass(read, (chunk, eof) => redactor.collect(chunk, eof));
    return await redactedOutputs(reads, async (read, sink) => {
      await pass(read, async (chunk, eof) => {
        const bytes = redactor.write(chunk, eof);
        if (bytes.length) await sink(bytes);
      });
      return { described: redactor.describe(), warnings: JSON.parse(redactor.warnings()) };
    }, wasm);
  } finally {
    redactor.free();
  }
}

/** One entry as the HAR wrote it, re-read from its source by the span the index kept (an inflated one from its start). */
async function detail(input, entry) {
  const row = table ? JSON.parse(table.row(input, entry)) : null;
  const read = harFiles[input];
  if (!row || !read) return { row, entry: null, message: 'this entry is not in the index' };
  if (row.length > MAX_DETAIL_BYTES) {
    return { row, entry: null, message: `this entry is ${(row.length / 1e6).toFixed(1)} MB; its detail is not shown` };
  }
  const text = await new Response(read.parts[0].source.stream(row.offset, row.offset + row.length)).text();
  try {
    return { row, entry: JSON.parse(text) };
  } catch (err) {
    return { row, entry: null, message: `could not re-read the entry: ${err.message}` };
  }
}
