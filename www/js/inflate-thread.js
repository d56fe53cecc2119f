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
 * worker (its `spec`), or there are no workers: it is then read with `source.stream` as before.
 * `waiting(n)`, when given, is told as each batch arrives how many have arrived and are not yet taken.
 */
export function offThreadChunks(source, counted = null, waiting = null) {
  if (!source.chunks || !source.spec || typeof Worker !== 'function') return null;
  return offThread(source.spec, counted, waiting);
}

// A worker started ahead of its use, or one whose last source was read to its end: the next source is read on
// it (starting one takes tens of milliseconds: a support zip's members would each pay that).
let spare = null;

const startWorker = () => new Worker(new URL('./inflate-worker.js', import.meta.url), { type: 'module' });

/** Starts an inflating worker now, so that its start overlaps what comes before the first inflated read. */
export function prepareInflating() {
  if (typeof Worker === 'function') spare ??= startWorker();
}

async function* offThread(spec, counted, waiting) {
  const worker = spare ?? startWorker();
  spare = null;
  let reusable = false;
  const queue = [];
  let wake = null;
  const arrive = (message) => {
    queue.push(message);
    if (waiting && message.chunks) waiting(queue.filter((m) => m.chunks).length);
    wake?.();
    wake = null;
  };
  worker.onmessage = ({ data }) => arrive(data);
  worker.onerror = (event) => {
    event.preventDefault?.();
    arrive({ error: { message: `could not inflate: ${event.message || 'the inflating worker failed to start'}` } });
  };
  worker.postMessage({ spec, credits: IN_FLIGHT });
  try {
    for (;;) {
      while (!queue.length) await new Promise((resolve) => { wake = resolve; });
      const message = queue.shift();
      if (message.compressed && counted) counted(message.compressed);
      if (message.error) throw message.error.reason ? inflateErrorOf(message.error) : new Error(message.error.message);
      if (message.done) {
        reusable = true;
        return;
      }
      worker.postMessage({ credit: 1 });
      for (const chunk of message.chunks) yield new Uint8Array(chunk);
    }
  } finally {
    worker.onmessage = null;
    worker.onerror = null;
    // Read to its end, the worker is kept for the next source; failed, or stopped early by the reader (a
    // limit, a cancelled read), it is ended: nothing more is inflated.
    if (reusable && !spare) spare = worker;
    else worker.terminate();
  }
}
