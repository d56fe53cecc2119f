// The sanitized download keeps the form it came in: a HAR gives a .redacted.har, a .har.gz a .redacted.har.gz
// (CompressionStream('gzip')), the HARs of a zip one .redacted.zip of the redacted HARs under their paths
// (CompressionStream('deflate-raw') for the data; the core's ZipWriter for the headers, Crc32 for the checksum).
// Logs and other members are left out: only HARs are sanitized.

/** `format`'s compressor, fed with `write(bytes)`; `finish()` resolves to the compressed Blob. */
function compressor(format) {
  const stream = new CompressionStream(format);
  const writer = stream.writable.getWriter();
  // Read as it is written, so that compressed bytes never pile up in the stream.
  const blob = new Response(stream.readable).blob();
  return {
    write: (bytes) => writer.write(bytes),
    async finish() {
      await writer.close();
      return blob;
    },
  };
}

/** `name` with `.har` (and `.gz`) replaced by `.redacted.har`(`.gz`). */
function redactedName(name, gzip) {
  if (gzip && /\.gz$/i.test(name)) return archiveName(name, '.gz');
  const bare = (gzip ? name.replace(/\.gz$/i, '') : name).replace(/\.har$/i, '');
  return `${bare}.redacted.har${gzip ? '.gz' : ''}`;
}

/**
 * The copy of an archive `name` ending in `ext` (`.gz`, `.zip`), named as the CLI names it (redact_archives.rs):
 * `.redacted` before `.har` and the extension (`session.har.zip` -> `session.redacted.har.zip`, `x.gz` ->
 * `x.redacted.gz`), the suffixes spelled as in the input.
 */
function archiveName(name, ext) {
  const base = name.toLowerCase().endsWith(ext) ? name.slice(0, name.length - ext.length) : name;
  const stem = base.toLowerCase().endsWith('.har') ? base.slice(0, -4) : base;
  return `${stem}.redacted${base.slice(stem.length)}${name.slice(base.length)}`;
}

/**
 * The downloads for the sanitized `reads` (the HAR reads of the analysis): `write(read, sink)` writes one read's
 * sanitized bytes into `sink(bytes)` (awaited) and resolves to `{ described, warnings }`. Resolves to
 * `[{ name, blob, type, described, warnings }]`, one per file dropped (a zip's HARs share one). The zip
 * writer and the checksum come from the full module (harlens_full), where the sanitizer is.
 */
export async function redactedOutputs(reads, write, { Crc32, ZipWriter }) {
  const out = [];
  const zips = new Map(); // the dropped zip's name -> its HAR reads
  for (const read of reads) {
    if (read.archive) {
      const outer = read.archive.split(' > ')[0];
      if (!zips.has(outer)) zips.set(outer, []);
      zips.get(outer).push(read);
      continue;
    }
    if (read.gzip) {
      const gz = compressor('gzip');
      const said = await write(read, (bytes) => gz.write(bytes));
      out.push({ name: redactedName(read.name, true), blob: await gz.finish(), type: 'application/gzip', ...said });
      continue;
    }
    const parts = [];
    const said = await write(read, (bytes) => { parts.push(bytes); });
    out.push({ name: redactedName(read.name, false), blob: new Blob(parts, { type: 'application/json' }), type: 'application/json', ...said });
  }
  for (const [archive, members] of zips) {
    const writer = new ZipWriter();
    const parts = [];
    let offset = 0;
    const put = (bytes) => { parts.push(bytes); offset += bytes.byteLength ?? bytes.size; };
    const said = [];
    try {
      for (const read of members) {
        // A nested zip's HARs keep their place: `inner.zip/path.har`. A gzipped HAR's copy is stored inflated
        // (deflated as every member), so its name loses the `.gz`, as the CLI names it.
        const name = read.parts[0]?.gzip ? read.name.replace(/\.gz$/i, '') : read.name;
        const path = [...read.archive.split(' > ').slice(1), name].join('/');
        put(writer.beginMember(path, offset));
        const deflate = compressor('deflate-raw');
        const crc = new Crc32();
        let size = 0;
        try {
          const { described, warnings } = await write(read, (bytes) => {
            crc.update(bytes);
            size += bytes.byteLength;
            return deflate.write(bytes);
          });
          said.push({ path, described, warnings });
          const data = await deflate.finish();
          put(data);
          put(writer.endMember(crc.value, data.size, size));
        } finally {
          crc.free();
        }
      }
      put(writer.finish(offset));
    } finally {
      writer.free();
    }
    out.push({
      name: /\.zip$/i.test(archive) ? archiveName(archive, '.zip') : `${archive}.redacted.zip`,
      blob: new Blob(parts, { type: 'application/zip' }),
      type: 'application/zip',
      described: said.map((s) => `${s.path}: ${s.described}`).join('; '),
      warnings: said.flatMap((s) => s.warnings.map((w) => ({ ...w, message: `${s.path}: ${w.message}` }))),
    });
  }
  return out;
}
