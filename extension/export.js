// Export: the stored recording as one HAR 1.2 file, sanitized by the WASM core's StreamingRedactor by
// default (a fresh random key per export, never stored). Used by the popup and the report page.
// The full WASM module: the page's first module has no sanitizer (scripts/build.sh).
import init, { StreamingRedactor, version } from './pkg/harlens_full.js';
import { allEntries, stats } from './storage.js';

const ready = init({ module_or_path: new URL('./pkg/harlens_full_bg.wasm', import.meta.url) });

/** The recording as HAR text, one entry per line; says how many oldest entries the bounds dropped. */
export async function recordingHar() {
  await chrome.runtime.sendMessage({ type: 'flush' }).catch(() => {}); // entries still being written
  await ready;
  const [entries, { dropped }] = await Promise.all([allEntries(), stats()]);
  // `entries` last: the text is written around it, one entry per line.
  const log = {
    version: '1.2',
    creator: { name: 'harlens extension', version: version() },
    pages: [],
    ...(dropped ? { comment: `${dropped} oldest entries dropped (storage bounds in the harlens options)` } : {}),
    entries: [],
  };
  const empty = JSON.stringify({ log });
  if (!empty.endsWith('"entries":[]}}')) throw new Error('internal: the HAR head must end with its entries');
  const head = `${empty.slice(0, -'[]}}'.length)}[\n`;
  const body = entries.map(({ json }) => json).join(',\n');
  return { text: `${head}${body}\n]}}\n`, entries: entries.length, dropped };
}

/** Sanitizes HAR text; returns the sanitized bytes and what was redacted. */
export async function sanitize(text, options = {}) {
  await ready;
  const key = crypto.getRandomValues(new Uint8Array(32));
  const redactor = new StreamingRedactor(JSON.stringify(options), key);
  try {
    const bytes = new TextEncoder().encode(text);
    const parts = [];
    const CHUNK = 1 << 20;
    for (let i = 0; i < bytes.length; i += CHUNK) parts.push(redactor.write(bytes.subarray(i, i + CHUNK), false));
    parts.push(redactor.write(new Uint8Array(0), true));
    return { blob: new Blob(parts, { type: 'application/json' }), summary: JSON.parse(redactor.summary()) };
  } finally {
    redactor.free();
  }
}

/** The file name an export is saved as: site and time, no user data. */
export function exportName(kind) {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return `harlens-${kind}-${stamp}.har`;
}

/** Saves a blob through a download link (no downloads permission needed). */
export function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export async function exportSanitized() {
  const { text } = await recordingHar();
  const { blob, summary } = await sanitize(text);
  save(blob, exportName('sanitized'));
  return summary;
}

export async function exportRaw() {
  const { text } = await recordingHar();
  save(new Blob([text], { type: 'application/json' }), exportName('raw'));
}
