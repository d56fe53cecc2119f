// Reading a source whole with its inflating on a worker of its own (inflate-worker.js): the analysis worker
// then parses one batch while the next is inflated, instead of inflating and parsing in turn on one thread.
// What is inflated how (the gzip members one after another, a zip member's deflate) stays in inflate.js,
// which that worker runs; the reader gets the same bytes, the same counts and the same errors.
import { inflateErrorOf } from './inflate.js';

/** Batches posted ahead of the reader at most (each about inflate-worker.js's BATCH bytes, 1 MiB): bounds memory. */
export const IN_FLIGHT = 16;

/**
 * The bytes of `source` (from 0 to its end) inflated on a worker of its own, as an async iterable of chunks;
 * `counted(n)` as for a source's stream. Null when the source does not inflate or cannot be described to a
 * worker (its `spec`), or there are no workers: it is then read with `source.stream` as before. A source
 * given to `prepareInflating` is taken where its inflating got to.
 * `waiting(n)`, when given, is told as each batch arrives how many have arrived and are not yet taken.
 */
export function offThreadChunks(source, counted = null, waiting = null) {
  if (!source.chunks || !source.spec || typeof Worker !== 'function') return null;
  let run;
  if (ahead && sameSpec(ahead.spec, source.spec)) {
    run = ahead.run;
    ahead = null;
  } else {
    run = start(source.spec);
  }
  return read(run, counted, waiting);
}

// A worker started ahead of its use, or one whose last source was read to its end: the next source is read on
// it (starting one takes tens of milliseconds: a support zip's members would each pay that).
let spare = null;
// A source whose inflating began before the analysis asked for it (`prepareInflating(source)`): `{ spec, run }`.
let ahead = null;

const startWorker = () => new Worker(new URL('./inflate-worker.js', import.meta.url), { type: 'module' });

/**
 * Starts an inflating worker now, so that its start overlaps what comes before the first inflated read; given
 * a `source` (one that `offThreadChunks` would read), also starts inflating it, so that the first batches are
 * ready when it is read (a .har.gz: while the full module loads). At most one source is inflated ahead;
 * `dropPrepared` stops it if it is never read.
 */
export function prepareInflating(source = null) {
  if (typeof Worker !== 'function') return;
  if (source?.chunks && source.spec && !ahead) ahead = { spec: source.spec, run: start(source.spec) };
  else spare ??= startWorker();
}

/** Stops inflating a source prepared ahead and not read (the analysis ended first, or read it another way). */
export function dropPrepared() {
  ahead?.run.stop();
  ahead = null;
}

/** Two specs describe the same source: the same Blobs, the same ranges. */
function sameSpec(a, b) {
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object' || a instanceof Blob || b instanceof Blob) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => sameSpec(a[k], b[k]));
}

/** Starts inflating `spec` on a worker: `{ queue, next(), stop(), keep() }`; its messages queue until read. */
function start(spec) {
  const worker = spare ?? startWorker();
  spare = null;
  const queue = [];
  let wake = null;
  let onArrive = null;
  const arrive = (message) => {
    queue.push(message);
    onArrive?.(message);
    wake?.();
    wake = null;
  };
  worker.onmessage = ({ data }) => arrive(data);
  worker.onerror = (event) => {
    event.preventDefault?.();
    arrive({ error: { message: `could not inflate: ${event.message || 'the inflating worker failed to start'}` } });
  };
  worker.postMessage({ spec, credits: IN_FLIGHT });
  const detach = () => {
    worker.onmessage = null;
    worker.onerror = null;
  };
  return {
    queue,
    set onArrive(f) { onArrive = f; },
    async next() {
      while (!queue.length) await new Promise((resolve) => { wake = resolve; });
      return queue.shift();
    },
    credit() { worker.postMessage({ credit: 1 }); },
    // Read to its end, the worker is kept for the next source.
    keep() {
      detach();
      if (!spare) spare = worker;
      else worker.terminate();
    },
    // Failed, or stopped early by the reader (a limit, a cancelled read): nothing more is inflated.
    stop() {
      detach();
      worker.terminate();
    },
  };
}

async function* read(run, counted, waiting) {
  if (waiting) {
    const pending = () => run.queue.filter((m) => m.chunks).length;
    if (pending()) waiting(pending());
    run.onArrive = (message) => { if (message.chunks) waiting(pending()); };
  }
  let reusable = false;
  try {
    for (;;) {
      const message = await run.next();
      if (message.compressed && counted) counted(message.compressed);
      if (message.error) throw message.error.reason ? inflateErrorOf(message.error) : new Error(message.error.message);
      if (message.done) {
        reusable = true;
        return;
      }
      run.credit();
      for (const chunk of message.chunks) yield new Uint8Array(chunk);
    }
  } finally {
    if (reusable) run.keep();
    else run.stop();
  }
}
