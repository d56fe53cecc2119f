// Byte sources for the worker, and inflating them with what the browser has: a dropped File, a gzip inflated as
// it is read (DecompressionStream('gzip')), a zip member stored or inflated (DecompressionStream('deflate-raw')).
// A source is `{ size, stream(start, end, counted) }`: any range of its bytes as a ReadableStream, so the
// analysis reads it once from the start, the detail pane re-reads one entry's span and the sanitizer reads it
// twice; `counted(n)`, when given, is told as bytes of the dropped file itself are read (progress, and the
// compressed side of the expansion ratio). Inflated sources have no random access: a range is inflated from
// the start and cut (only the detail pane pays that).
// What the bytes are (gzip, zip, HAR, log), where a zip's members are and what inflating may cost is the core's
// to say (archive.js asks it); this module only moves bytes.
// A source made here also has a `spec`: how to make it again from the dropped Blob (it can be posted to a
// worker; `sourceOf(spec)` makes it); an inflated one has `chunks(counted)`: all its bytes as an async iterable,
// without a stream around each chunk. inflate-thread.js reads such a source whole on a worker of its own, so
// inflating overlaps the analysis.

/** A File or Blob as a source. */
export function blobSource(blob) {
  return {
    size: blob.size,
    spec: { blob },
    stream(start = 0, end = blob.size, counted = null) {
      const stream = blob.slice(start, Math.min(end, blob.size)).stream();
      if (!counted) return stream;
      return stream.pipeThrough(new TransformStream({
        transform(chunk, controller) { counted(chunk.byteLength); controller.enqueue(chunk); },
      }));
    },
  };
}

/** The bytes `start..end` of `source` inflated with `format`; throws an InflateError when they end early or are corrupt. */
async function* inflateAll(source, format, start, end, counted) {
  const run = yield* inflateRange(source, format, start, end, 0, counted);
  if (!run.ok) throw new InflateError(run.refusedAt ? 'corrupt' : 'truncated', run.error.message);
}

/** `stream` without its first `from` bytes and cut after byte `to` (the rest is cancelled, not read). */
export function window(stream, from, to) {
  if (from === 0 && to === Infinity) return stream;
  const reader = stream.getReader();
  let at = 0;
  return new ReadableStream({
    async pull(controller) {
      for (;;) {
        if (at >= to) { controller.close(); reader.cancel().catch(() => {}); return; }
        const { value, done } = await reader.read();
        if (done) { controller.close(); return; }
        const start = at;
        at += value.byteLength;
        if (at <= from) continue;
        controller.enqueue(value.subarray(Math.max(0, from - start), Math.min(value.byteLength, to - start)));
        return;
      }
    },
    cancel(reason) { return reader.cancel(reason); },
  });
}

/** Why inflating stopped: `truncated` (the data ends early) or `corrupt`, with the browser's words. */
export class InflateError extends Error {
  constructor(reason, detail) {
    // Chromium prefixes the inflater's words with the stream call that saw them.
    super(`${reason}: ${String(detail).replace(/^Failed to execute '\w+' on '\w+': /, '')}`);
    this.reason = reason;
  }
}

/**
 * Inflates `source` bytes `start..end` with `format`, yielding the output after its first `skip` bytes; returns
 * `{ ok, out, error, refusedAt }`: `out` bytes were produced in all, and on failure `refusedAt` is the input range
 * [from, to) of the chunk the inflater refused (null when the input ended too early).
 */
async function* inflateRange(source, format, start, end, skip, counted) {
  const ds = new DecompressionStream(format);
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  let refusedAt = null;
  let closeFailed = false;
  const input = source.stream(start, end, counted).getReader();
  const feeding = (async () => {
    let at = start;
    for (;;) {
      const { value, done } = await input.read();
      if (done) break;
      const from = at;
      at += value.byteLength;
      try {
        await writer.write(value);
      } catch {
        refusedAt = [from, at];
        input.cancel().catch(() => {});
        return;
      }
    }
    try { await writer.close(); } catch { closeFailed = true; }
  })();
  let out = 0;
  let finished = false;
  try {
    for (;;) {
      let step;
      try {
        step = await reader.read();
      } catch (error) {
        await feeding;
        finished = true;
        return { ok: false, out, error, refusedAt: closeFailed ? null : refusedAt };
      }
      if (step.done) break;
      const chunk = step.value;
      const before = out;
      out += chunk.byteLength;
      if (out > skip) yield before >= skip ? chunk : chunk.subarray(skip - before);
    }
    await feeding;
    finished = true;
    return { ok: true, out };
  } finally {
    if (!finished) {
      // The consumer stopped early (a limit, a cancelled detail read): stop inflating and reading.
      reader.cancel().catch(() => {});
      input.cancel().catch(() => {});
    }
  }
}

// A gzip member starts with these (ID1, ID2, CM = deflate); its trailer ends with ISIZE, the member's inflated
// size mod 2^32, just before the next member.
const GZIP_MEMBER = [0x1f, 0x8b, 0x08];
// Deflate cannot expand more than 1032:1, which bounds what an inflater can emit from one input chunk.
const DEFLATE_MAX_RATIO = 1032;

/**
 * The inflated bytes of the gzip data in `source`, as an async iterable of chunks, members one after another
 * (what `gzip -d` gives for `cat a.gz b.gz`). `counted` as for a source's stream.
 *
 * Chromium's and Firefox's DecompressionStream end at the first member and fail on what follows ("junk"),
 * dropping what they had inflated but not yet handed out. So at such a failure the next member is looked for in
 * the refused chunk (its header, after a trailer whose ISIZE is what this member gave so far, or could have given
 * with the dropped output); when output was dropped the member is inflated again from its start, its first
 * bytes skipped, up to that boundary. A failure with no member after it is the data's own: truncated or corrupt.
 */
export async function* gunzip(source, counted = null) {
  let start = 0;
  let end = source.size;
  let given = 0; // bytes of the current member already yielded
  let retried = false;
  for (;;) {
    // A member inflated again is not counted twice.
    const run = yield* inflateRange(source, 'gzip', start, end, given, retried ? null : counted);
    given = Math.max(given, run.out);
    if (run.ok) {
      if (end === source.size) return;
      // The member [start, end) was whole: the next one follows.
      start = end;
      end = source.size;
      given = 0;
      retried = false;
      continue;
    }
    if (!run.refusedAt) throw new InflateError('truncated', run.error.message);
    if (retried) throw new InflateError('corrupt', run.error.message);
    const next = await nextMember(source, start, run.refusedAt, given);
    if (next === null) throw new InflateError('corrupt', run.error.message);
    if (next.whole) {
      start = next.at;
      given = 0;
    } else {
      // Inflate [start, next.at) again, skipping what was given; then on from there.
      end = next.at;
      retried = true;
    }
  }
}

/**
 * Where the member after the one starting at `start` begins, in the refused input range `[from, to)`: `{ at,
 * whole }`, `whole` when its trailer's ISIZE says every byte of the member was already given; null when no
 * member header follows a plausible trailer.
 */
async function nextMember(source, start, [from, to], given) {
  const lead = Math.max(start, from - 8);
  const bytes = new Uint8Array(await new Response(source.stream(lead, to)).arrayBuffer());
  const isizeAt = (p) => new DataView(bytes.buffer, bytes.byteOffset + p - 4, 4).getUint32(0, true);
  let lost = null;
  for (let i = Math.max(8, from - lead); i + 4 <= bytes.length; i++) {
    if (bytes[i] !== GZIP_MEMBER[0] || bytes[i + 1] !== GZIP_MEMBER[1] || bytes[i + 2] !== GZIP_MEMBER[2] || bytes[i + 3] & 0xe0) continue;
    if (lead + i - start < 20) continue; // a member is at least 20 bytes
    const missing = (isizeAt(i) - given) >>> 0;
    if (missing === 0) return { at: lead + i, whole: true };
    if (lost === null && missing <= (to - from) * DEFLATE_MAX_RATIO) lost = lead + i;
  }
  return lost === null ? null : { at: lost, whole: false };
}

/**
 * A zip member's data as a source: stored (a range of the archive) or deflated (inflated from its start
 * for each range asked). `dataStart` and `compressed` locate its data in `archive`, `size` is the inflated size.
 */
export function memberSource(archive, { method, dataStart, compressed, size }) {
  const spec = archive.spec && { member: { archive: archive.spec, method, dataStart, compressed, size } };
  if (method === 'stored') {
    return {
      size: compressed,
      spec,
      stream: (start = 0, end = compressed, counted = null) => archive.stream(dataStart + start, dataStart + Math.min(end, compressed), counted),
    };
  }
  return {
    size,
    spec,
    stream: (from = 0, to = Infinity, counted = null) => window(iterableStream(inflateAll(archive, 'deflate-raw', dataStart, dataStart + compressed, counted)), from, to),
    chunks: (counted = null) => inflateAll(archive, 'deflate-raw', dataStart, dataStart + compressed, counted),
  };
}

/** A gzip's inflated bytes as a source (any range inflates from the start: for the detail pane and redaction). */
export function gunzipSource(source) {
  return {
    size: null,
    spec: source.spec && { gunzip: source.spec },
    stream: (from = 0, to = Infinity, counted = null) => window(iterableStream(gunzip(source, counted)), from, to),
    chunks: (counted = null) => gunzip(source, counted),
  };
}

/** An async iterable of chunks as a ReadableStream (pull-driven, cancelled with the iterator). */
export function iterableStream(iterable) {
  const it = iterable[Symbol.asyncIterator]();
  return new ReadableStream({
    async pull(controller) {
      const { value, done } = await it.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() { await it.return?.(); },
  });
}

/** The source a `spec` describes (a source's `spec`, posted to another worker). */
export function sourceOf(spec) {
  if (spec.blob) return blobSource(spec.blob);
  if (spec.member) return memberSource(sourceOf(spec.member.archive), spec.member);
  if (spec.gunzip) return gunzipSource(sourceOf(spec.gunzip));
  throw new Error('unknown source');
}

/** An InflateError as posted from another worker (`{ reason, message }`), its message kept as it was. */
export function inflateErrorOf({ reason, message }) {
  return Object.assign(new InflateError(reason, ''), { message });
}
