// Reading a dropped file for the analysis (www/js/archive.js's byteChunks), in headless Chromium: a Blob's byte
// stream read into two buffers in turn gives every byte in order, in chunks no larger than asked; a stream that
// is not a byte stream is read chunk by chunk as before; a loop stopped early cancels the read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startPage } from './lib/page.mjs';

let ctx;
before(async () => { ctx = await startPage(); });
after(async () => { await ctx?.close(); });

test('a file read into two buffers in turn: every byte in order, chunks no larger than the buffers', async () => {
  const { page } = await ctx.open();
  const r = await page.evaluate(async () => {
    const { byteChunks } = await import('./js/archive.js');
    // 4.5 MB of numbered lines: any byte out of order, or a chunk used after its buffer was read into again, shows.
    const lines = Array.from({ length: 300_000 }, (_, i) => `line ${String(i).padStart(9, '0')}\n`).join('');
    const blob = new Blob([lines]);
    const size = 64 * 1024;
    const seen = [];
    let largest = 0;
    let chunks = 0;
    const decoder = new TextDecoder();
    for await (const chunk of byteChunks(blob.stream(), size)) {
      largest = Math.max(largest, chunk.byteLength);
      chunks += 1;
      seen.push(decoder.decode(chunk, { stream: true })); // used now, as the analysis pushes it
    }
    const plain = [];
    const notBytes = new ReadableStream({ start(c) { c.enqueue(new Uint8Array([104, 105])); c.close(); } });
    for await (const chunk of byteChunks(notBytes, size)) plain.push(...chunk);
    // Stopped after the first chunk: the read is cancelled.
    let cancelled = false;
    const stream = new ReadableStream({ type: 'bytes', pull(c) { c.enqueue(new Uint8Array(1000)); }, cancel() { cancelled = true; } });
    for await (const chunk of byteChunks(stream, size)) { if (chunk.byteLength) break; }
    return { bytes: lines.length, same: seen.join('') === lines, largest, size, chunks, plain: String.fromCharCode(...plain), cancelled };
  });
  assert.ok(r.same, 'the bytes read are the file, in order');
  assert.ok(r.largest <= r.size, `no chunk is larger than the buffer (${r.largest})`);
  assert.ok(r.chunks >= r.bytes / r.size, 'the file came in many chunks, so both buffers were read into again');
  assert.equal(r.plain, 'hi', 'a stream that is not a byte stream is read as it is');
  assert.ok(r.cancelled, 'a loop stopped early cancels the read');
});
