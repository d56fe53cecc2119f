// What the worker reads, as the core sees it: each dropped file becomes one or more reads (inputs of the
// analysis). A plain HAR or log is one read; a gzip file is one read of its inflated bytes; a zip is read from
// its central directory (File.slice, random access) and becomes the reads the core plans: each HAR, the
// trusted-proxy list, each log with its rotations oldest first (one stream), nested zips one level deep, and
// the members it skips, each with the reason. The core says what bytes are (inputKind, the directory, each
// member's class from its name and first inflated bytes) and what inflating may cost (InflateMeter); the
// browser inflates (inflate.js).
// inputKind is in both .wasm modules (the first one answers); ZipArchive and InflateMeter only in the full one
// (harlens_full), which the worker loads for an analysis with an archive or a log: see `needsFull`, and `wasm`.
import { inputKind, inputKindHead } from '../pkg/harlens.js';
import { blobSource, gunzip, gunzipSource, memberSource } from './inflate.js';
import { offThreadChunks, prepareInflating } from './inflate-thread.js';

/**
 * A read: `{ kind: 'har' | 'log' | 'trusted-proxies' | 'skip' | 'error', name, archive ('' for a file),
 * gzip (the input itself is gzip data), parts: [{ member, gzip, source, check }], bytes, reason, error }`.
 * A part is one file's bytes: `source` gives them (`stream(start, end)`), `check` what the meter checks while
 * they are read ({ compressed, size, crc32 } as the zip declares them; absent for a plain file).
 */

/** The first bytes of a source (what the core needs to tell what it is). */
async function head(source, n = inputKindHead()) {
  const reader = source.stream(0, n).getReader();
  const parts = [];
  let got = 0;
  try {
    while (got < n) {
      const { value, done } = await reader.read();
      if (done) break;
      parts.push(value);
      got += value.byteLength;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  const out = new Uint8Array(Math.min(got, n));
  let at = 0;
  for (const p of parts) {
    const take = Math.min(p.byteLength, out.length - at);
    out.set(p.subarray(0, take), at);
    at += take;
  }
  return out;
}

async function bytesOf(stream) {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * The reads of the dropped `inputs` ([{ file, kind }]) whose `kinds` are as `kindsOf` told. `meter` is the analysis's InflateMeter (nested zips are inflated
 * into memory here, so they count). Throws for a file that cannot be opened at all (not a zip after all, a
 * directory that is cut), naming it; a member's problem is a read of kind `error`. `wasm` is the module the
 * analysis runs in (its ZipArchive reads zips: the full module, when `needsFull` says so).
 */
export async function expand(inputs, kinds, meter, wasm) {
  const reads = [];
  for (const [i, { file }] of inputs.entries()) {
    const source = blobSource(file);
    const k = kinds[i];
    if (k === 'zip') {
      reads.push(...await zipReads(source, file.name, 0, meter, wasm));
    } else if (k === 'gzip') {
      const inner = gunzipSource(source);
      const innerKind = inputKind(await head(inner));
      if (innerKind === 'zip') {
        // A zipped archive, gzipped (`x.zip.gz`): the zip needs random access, so it is inflated first.
        reads.push(...await zipReads(blobSource(await collect(gunzip(source), meter, file.name, '')), file.name, 1, meter, wasm));
      } else if (innerKind === 'gzip') {
        meter.begin(file.name, '');
        throw new Error(meter.tooDeep());
      } else {
        reads.push({ kind: innerKind === 'log' ? 'log' : 'har', name: file.name, archive: '', gzip: true, parts: [{ member: null, gzip: true, source: inner }], bytes: file.size });
      }
    } else {
      // Binary data goes to the HAR reader, whose error names what it is.
      reads.push({ kind: k === 'log' ? 'log' : 'har', name: file.name, archive: '', gzip: false, parts: [{ member: null, gzip: false, source }], bytes: file.size });
    }
  }
  return order(reads);
}

/**
 * What each of `inputs` is (`har`, `log`, `gzip`, `zip`, `binary`), as the core tells from its first bytes or
 * as the user chose. For an archive it also starts the inflating worker, and for a gzip its inflating, which
 * then overlap the full module's load (the worker calls `dropPrepared` after the analysis).
 */
export async function kindsOf(inputs) {
  const kinds = [];
  for (const { file, kind } of inputs) {
    const k = kind === 'auto' ? inputKind(await head(blobSource(file))) : kind;
    // A gzip's inflating starts now (the first one's: its first batches are ready when the analysis reads it).
    if (k === 'gzip') prepareInflating(gunzipSource(blobSource(file)));
    else if (k === 'zip') prepareInflating();
    kinds.push(k);
  }
  return kinds;
}

/**
 * Whether inputs of these `kinds` need the full module (harlens_full): a server log (the log readers), a zip
 * or a gzip file (the archive reading and its limits: the page's first module stays small, see
 * scripts/wasm-size.mjs). A plain HAR does not.
 */
export function needsFull(kinds) {
  return kinds.some((k) => k === 'log' || k === 'zip' || k === 'gzip');
}

/** The trusted lists first, then HARs, then logs (as for dropped files), then what is not read. */
function order(reads) {
  const rank = { 'trusted-proxies': 0, har: 1, log: 2, skip: 3, error: 3 };
  return reads.map((r, i) => [rank[r.kind], i, r]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((x) => x[2]);
}

/** Inflates a gzip (or a member) whole into a Blob, metered: for a zip inside, which needs random access. */
async function collect(chunks, meter, archive, member) {
  meter.begin(archive, member);
  const parts = [];
  for await (const chunk of chunks) {
    meter.add(0, chunk.byteLength);
    parts.push(chunk.slice());
  }
  return new Blob(parts);
}

/** The reads of the zip in `source` named `name` (`outer.zip > inner.zip` when nested, `depth` 1). */
async function zipReads(source, name, depth, meter, wasm) {
  const { ZipArchive } = wasm;
  const tailBytes = ZipArchive.tailBytes();
  const tail = await bytesOf(source.stream(Math.max(0, source.size - tailBytes), source.size));
  const zip = new ZipArchive(name, tail, source.size);
  try {
    const offset = zip.directoryOffset;
    const size = Math.min(zip.directorySize, ZipArchive.maxDirectoryBytes() + 1);
    const listing = JSON.parse(zip.readDirectory(await bytesOf(source.stream(offset, offset + size))));
    const { members } = listing;
    const reads = listing.skipped.map(({ member, reason }) => ({ kind: 'skip', name: members[member].name, archive: name, bytes: members[member].size, reason, parts: [] }));
    for (const [index, read] of listing.reads.entries()) {
      const parts = [];
      let kind = null;
      for (const i of read.members) {
        const m = members[i];
        const problem = (error) => reads.push({ kind: 'error', name: m.name, archive: name, bytes: m.size, error, parts: [] });
        try {
          zip.readable(i);
          const header = await bytesOf(source.stream(m.offset, m.offset + ZipArchive.localHeaderBytes()));
          const dataStart = zip.dataOffset(i, header);
          const data = memberSource(source, { method: m.method, dataStart, compressed: m.compressed, size: m.size });
          const check = { compressed: m.compressed, size: m.size, crc32: m.crc32 };
          let content = JSON.parse(zip.content(index, await head(data)));
          if (content.content === 'gzip') {
            const inner = gunzipSource(data);
            content = JSON.parse(zip.content(index, await head(inner)));
            if (content.content === 'gzip' || content.content === 'zip') {
              meter.begin(name, m.name);
              problem(meter.tooDeep());
              continue;
            }
            parts.push({ member: m.name, gzip: true, source: inner, check });
          } else if (content.content === 'zip') {
            meter.begin(name, m.name);
            if (depth >= 1) { problem(meter.tooDeep()); continue; }
            meter.checkDeclared(m.compressed, m.size);
            const inner = await collect(data.stream(), meter, name, m.name);
            reads.push(...await zipReads(blobSource(inner), `${name} > ${m.name}`, depth + 1, meter, wasm));
            continue;
          } else if (content.content === 'skip') {
            reads.push({ kind: 'skip', name: m.name, archive: name, bytes: m.size, reason: content.reason, parts: [] });
            continue;
          } else {
            parts.push({ member: m.name, gzip: false, source: data, check });
          }
          kind ??= content.content;
        } catch (err) {
          problem(named(err, meter, name, m.name));
        }
      }
      if (parts.length) reads.push({ kind, name: read.name, archive: name, gzip: false, parts, bytes: parts.reduce((n, p) => n + p.check.compressed, 0) });
    }
    return reads;
  } finally {
    zip.free();
  }
}

/**
 * The bytes of one part, for the analysis: inflated, metered and (zip members) checked against the CRC-32 the
 * archive declares. `read(n)` is told the compressed bytes consumed (progress). Throws the core's error
 * naming archive, member and reason.
 */
export async function* partChunks(read, part, meter, onRead) {
  if (!read.archive && !read.gzip) {
    // A plain file: nothing to inflate or to meter. Each chunk is pushed (copied into WASM memory) before the
    // next is asked for, so the file is read into two buffers in turn (see `byteChunks`).
    for await (const chunk of byteChunks(part.source.stream(0, Infinity, null))) {
      onRead(chunk.byteLength);
      yield chunk;
    }
    return;
  }
  meter.begin(read.archive || read.name, part.member ?? '');
  let compressed = 0;
  const counted = (n) => { compressed += n; onRead(n); };
  // The CRC-32 a zip declares is of the member's bytes: of the gzip data, for a gzipped member (whose own
  // CRC-32 the browser checks as it inflates).
  const crc = part.check && !part.gzip;
  let last = 0;
  try {
    if (part.check) meter.checkDeclared(part.check.compressed, part.check.size);
    // Inflated on a worker of its own where it can be (inflate-thread.js), beside the analysis.
    const chunks = offThreadChunks(part.source, counted) ?? streamChunks(part.source.stream(0, Infinity, counted));
    for await (const chunk of chunks) {
      meter.add(compressed - last, chunk.byteLength);
      last = compressed;
      if (crc) meter.crc(chunk);
      yield chunk;
    }
  } catch (err) {
    // Marked as the member's own error (not the analyzer's): a log goes on with its next rotation.
    throw Object.assign(new Error(named(err, meter, read.archive || read.name, part.member ?? '')), { member: Boolean(part.member) });
  }
  if (crc) {
    try {
      meter.checkCrc(part.check.crc32);
    } catch (err) {
      throw Object.assign(err, { member: true });
    }
  }
}

/** The message of `err`; an inflater's failure (an InflateError) as the core's error naming archive and member. */
function named(err, meter, archive, member) {
  if (!err.reason) return err.message;
  meter.begin(archive, member);
  return meter.failure(err.reason === 'truncated', err.message.replace(/^\w+: /, ''));
}

/** Bytes per read of a file (`byteChunks`): 1 MiB measured best in Chromium (256 KiB to 4 MiB tried). */
const READ_BYTES = 1024 * 1024;

/**
 * A byte stream's chunks (a Blob's), read into two buffers of its own in turn: while the caller uses one
 * chunk, the next is read into the other. Each chunk is valid only until the next is asked for (its buffer
 * is then read into again). Reading into the same two buffers, rather than into a new one per chunk, cost
 * Chromium's renderer about 0.12 s less CPU for 200 MB (no fresh memory to fault in and collect). A stream
 * that is not a byte stream is read as `streamChunks` reads it.
 */
export async function* byteChunks(stream, size = READ_BYTES) {
  let reader;
  try {
    reader = stream.getReader({ mode: 'byob' });
  } catch {
    yield* streamChunks(stream);
    return;
  }
  let done = false;
  try {
    let spare = new ArrayBuffer(size);
    let next = reader.read(new Uint8Array(new ArrayBuffer(size)));
    for (;;) {
      const step = await next;
      if (step.done) { done = true; return; }
      next = reader.read(new Uint8Array(spare));
      yield step.value;
      spare = step.value.buffer;
    }
  } finally {
    if (!done) reader.cancel().catch(() => {});
  }
}

/** A ReadableStream's chunks as an async iterable (cancelled when the loop stops early). */
export async function* streamChunks(stream) {
  const reader = stream.getReader();
  let done = false;
  try {
    // The next chunk is requested before this one is used, so reading overlaps the analysis.
    let next = reader.read();
    for (;;) {
      const step = await next;
      if (step.done) { done = true; return; }
      next = reader.read();
      yield step.value;
    }
  } finally {
    if (!done) reader.cancel().catch(() => {});
  }
}

