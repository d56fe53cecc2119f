#!/usr/bin/env node
// Records the size of each built .wasm in crate/wasm-size.snap (committed, so every change shows in review)
// and fails when one passes its gzipped ceiling. The page loads `harlens` first (DESIGN.md's budget: 200 KiB
// gzipped); `harlens_full` (the log readers, the sanitizer, the Crowd simulation, the extension's live
// monitor) is loaded only when it is asked for, and by the extension: its ceiling keeps it from growing
// unnoticed (it was the only module, at 323 KiB, before the split).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const MODULES = [
  { file: 'harlens_bg.wasm', what: "the page's first module", budget: 200 * 1024 },
  { file: 'harlens_full_bg.wasm', what: 'loaded on demand, and by the extension', budget: 330 * 1024 },
];
const snap = new URL('../crate/wasm-size.snap', import.meta.url);
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

/** Each module's bytes and gzipped bytes, from www/pkg. */
export function wasmSizes() {
  return MODULES.map((m) => {
    const path = new URL(`../www/pkg/${m.file}`, import.meta.url);
    if (!existsSync(path)) throw new Error(`wasm-size: www/pkg/${m.file} is missing; run \`npm run build\` first`);
    const bytes = readFileSync(path);
    const gzip = gzipSync(bytes, { level: 9 }).length;
    return { ...m, bytes: bytes.length, gzip, ok: gzip <= m.budget };
  });
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  let sizes;
  try {
    sizes = wasmSizes();
  } catch (err) {
    console.error(err.message);
    process.exit(2);
  }
  const text = sizes
    .map((s) => `${s.file}: ${s.bytes} bytes (${kb(s.bytes)}), gzip -9: ${s.gzip} bytes (${kb(s.gzip)}); budget ${kb(s.budget)} gzipped (${s.what})\n`)
    .join('');
  const before = existsSync(snap) ? readFileSync(snap, 'utf8') : '';
  if (before !== text) writeFileSync(snap, text);
  process.stderr.write(text.replace(/^/gm, 'wasm-size: ').replace(/wasm-size: $/, ''));
  for (const s of sizes.filter((s) => !s.ok)) console.error(`wasm-size: ${s.file} over budget: ${kb(s.gzip)} gzipped > ${kb(s.budget)}`);
  if (sizes.some((s) => !s.ok)) process.exit(1);
}
