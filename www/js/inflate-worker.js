// A worker that inflates one source whole (a .har.gz, a zip member) for the analysis worker, so inflating
// runs beside the analysis instead of before each chunk of it (inflate-thread.js starts it and reads it).
// It is given the source's spec and a number of credits; each batch of inflated bytes it posts spends one, and
// the reader gives one back for each batch it takes: so at most that many batches are ever in flight.
// A batch is the inflater's chunks, their ArrayBuffers moved, not copied, to the reader; with each goes the
// count of the source's own (compressed) bytes read since the last one, for the reader's progress and meter.
import { sourceOf } from './inflate.js';

/** Inflated bytes per batch, at least (the last one may be less): few messages, and a short first wait. */
const BATCH = 1024 * 1024;

let credits = 0;
let wake = null;

self.onmessage = ({ data }) => {
  if (data.credit) {
    credits += data.credit;
    wake?.();
    wake = null;
    return;
  }
  credits = data.credits;
  run(data.spec);
};

async function run(spec) {
  let compressed = 0;
  let batch = [];
  let fill = 0;
  const post = (message, transfer = []) => {
    self.postMessage({ ...message, compressed }, transfer);
    compressed = 0;
  };
  const flush = async () => {
    while (credits === 0) await new Promise((resolve) => { wake = resolve; });
    credits -= 1;
    const buffers = batch.map((c) => c.buffer);
    post({ chunks: buffers }, buffers);
    batch = [];
    fill = 0;
  };
  try {
    for await (const value of sourceOf(spec).chunks((n) => { compressed += n; })) {
      // The inflater's chunks each have a buffer of their own, moved as they are; a view into a larger one
      // (a member inflated again, its first bytes skipped) is copied, so that nothing else is moved with it.
      batch.push(value.byteOffset === 0 && value.byteLength === value.buffer.byteLength ? value : value.slice());
      fill += value.byteLength;
      if (fill >= BATCH) await flush();
    }
    if (fill) await flush();
    post({ done: true });
  } catch (err) {
    // What was inflated before the failure is handed on first, as when inflating in the reader's own thread.
    if (fill) await flush();
    post({ error: { reason: err.reason, message: err instanceof Error ? err.message : String(err) } });
  }
}
