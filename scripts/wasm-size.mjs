#!/usr/bin/env node
// Records the size of the built .wasm in crate/wasm-size.snap (committed, so every change shows in review)
// and fails when the gzipped size passes its ceiling. DESIGN.md's budget for what the page loads first is 200 KiB;
// this ceiling is an interim one until the redactor and the log readers move to a module of their own (issue
// "Performance at the limit"): it was 300 KiB until per-loss diagnosis, the SSO cookie search and the loss list
// (+16 KiB), and the hardening's tolerant JSON reader, copies tracker and output escaping (+9 KiB).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET_GZIP = 330 * 1024;
const wasm = new URL('../www/pkg/harlens_bg.wasm', import.meta.url);
const snap = new URL('../crate/wasm-size.snap', import.meta.url);

if (!existsSync(wasm)) {
  console.error('wasm-size: www/pkg/harlens_bg.wasm is missing; run `npm run build` first');
  process.exit(2);
}
const bytes = readFileSync(wasm);
const gz = gzipSync(bytes, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const text = `harlens_bg.wasm: ${bytes.length} bytes (${kb(bytes.length)}), gzip -9: ${gz} bytes (${kb(gz)}); budget ${kb(BUDGET_GZIP)} gzipped\n`;
const before = existsSync(snap) ? readFileSync(snap, 'utf8') : '';
if (before !== text) writeFileSync(snap, text);
process.stderr.write(`wasm-size: ${text}`);
if (gz > BUDGET_GZIP) {
  console.error(`wasm-size: over budget: ${kb(gz)} gzipped > ${kb(BUDGET_GZIP)}`);
  process.exit(1);
}
