// Inflating on a worker of its own (www/js/inflate-thread.js, inflate-worker.js), in headless Chromium: the
// reader gets every byte in order, with the compressed bytes counted; the worker runs ahead of a reader that
// does not read, but never by more than IN_FLIGHT batches (memory stays bounded); a cut gzip fails as
// `truncated`, after the bytes inflated before the cut.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';

import { startPage } from './lib/page.mjs';

let ctx;
before(async () => { ctx = await startPage(); });
after(async () => { await ctx?.close(); });

// 40 MB of numbered lines: far more than IN_FLIGHT batches, and any byte out of order shows.
const LINES = 2_500_000;
const text = () => Array.from({ length: LINES }, (_, i) => `line ${String(i).padStart(9, '0')}\n`).join('');

async function choose(page, name, buffer) {
  await page.evaluate(() => {
    if (!document.getElementById('probe')) document.body.append(Object.assign(document.createElement('input'), { type: 'file', id: 'probe', hidden: true }));
  });
  await page.setInputFiles('#probe', { name, mimeType: 'application/gzip', buffer });
}

test('a gzip read on the inflating worker: every byte in order, counted, never more than IN_FLIGHT batches ahead', async () => {
  const { page } = await ctx.open();
  await choose(page, 'big.gz', gzipSync(text(), { level: 1 }));
  const r = await page.evaluate(async (lines) => {
    const { blobSource, gunzipSource } = await import('./js/inflate.js');
    const { offThreadChunks, IN_FLIGHT } = await import('./js/inflate-thread.js');
    const file = document.getElementById('probe').files[0];
    let most = 0;
    let compressed = 0;
    const it = offThreadChunks(gunzipSource(blobSource(file)), (n) => { compressed += n; }, (n) => { most = Math.max(most, n); })[Symbol.asyncIterator]();
    const parts = [(await it.next()).value];
    // The reader holds: the worker fills what it may, then stops.
    while (most < IN_FLIGHT) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const held = most;
    for (;;) {
      const { value, done } = await it.next();
      if (done) break;
      parts.push(value);
    }
    const got = await new Blob(parts).text();
    const want = Array.from({ length: lines }, (_, i) => `line ${String(i).padStart(9, '0')}\n`).join('');
    return { IN_FLIGHT, held, most, same: got === want, length: got.length, compressed, size: file.size, batches: parts.length };
  }, LINES);
  assert.ok(r.same, `the bytes differ (${r.length} read)`);
  assert.equal(r.compressed, r.size, 'every compressed byte is counted once');
  assert.equal(r.held, r.IN_FLIGHT, 'the worker stops at IN_FLIGHT batches ahead of a reader that holds');
  assert.equal(r.most, r.IN_FLIGHT, 'and never goes further');
});

test('a cut gzip on the inflating worker fails as truncated, after the bytes before the cut', async () => {
  const { page } = await ctx.open();
  const whole = gzipSync(text(), { level: 1 });
  await choose(page, 'cut.gz', whole.subarray(0, whole.length >> 1));
  const r = await page.evaluate(async () => {
    const { blobSource, gunzipSource } = await import('./js/inflate.js');
    const { offThreadChunks } = await import('./js/inflate-thread.js');
    const file = document.getElementById('probe').files[0];
    let bytes = 0;
    try {
      for await (const chunk of offThreadChunks(gunzipSource(blobSource(file)))) bytes += chunk.byteLength;
      return { bytes, error: null };
    } catch (err) {
      return { bytes, error: err.message, reason: err.reason };
    }
  });
  assert.equal(r.reason, 'truncated');
  assert.match(r.error, /^truncated: /);
  assert.ok(r.bytes > 0, 'what was inflated before the cut is read');
});

test('a gzip prepared ahead is read from where its inflating got to, every byte in order and counted once; one dropped is stopped', async () => {
  const { page } = await ctx.open();
  await choose(page, 'ahead.gz', gzipSync(text(), { level: 1 }));
  const r = await page.evaluate(async (lines) => {
    const { blobSource, gunzipSource } = await import('./js/inflate.js');
    const { offThreadChunks, prepareInflating, dropPrepared, IN_FLIGHT } = await import('./js/inflate-thread.js');
    const file = document.getElementById('probe').files[0];
    // Dropped before it is read: a read of the same source afterwards starts afresh and is whole.
    prepareInflating(gunzipSource(blobSource(file)));
    dropPrepared();
    prepareInflating(gunzipSource(blobSource(file)));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    let first = null;
    let compressed = 0;
    // Another source object for the same file, as the analysis makes it (archive.js's expand).
    const it = offThreadChunks(gunzipSource(blobSource(file)), (n) => { compressed += n; }, (n) => { first ??= n; })[Symbol.asyncIterator]();
    const parts = [];
    for (;;) {
      const { value, done } = await it.next();
      if (done) break;
      parts.push(value);
    }
    const got = await new Blob(parts).text();
    const want = Array.from({ length: lines }, (_, i) => `line ${String(i).padStart(9, '0')}\n`).join('');
    return { IN_FLIGHT, first, same: got === want, compressed, size: file.size };
  }, LINES);
  assert.equal(r.first, r.IN_FLIGHT, 'the batches inflated ahead were waiting when the read began');
  assert.ok(r.same, 'the bytes are the same');
  assert.equal(r.compressed, r.size, 'every compressed byte is counted once');
});
