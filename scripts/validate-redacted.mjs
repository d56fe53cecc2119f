#!/usr/bin/env node
// Checks the sanitizer against the HAR 1.2 schema with `har-validator` (npm): every fixture that passes the
// validator before `harlens redact` must pass it after, with the same number of entries. Needs the
// `har-validator` package (a devDependency) and a built `harlens` (target/debug, as `npm test` builds it, else target/release).
//
//   node scripts/validate-redacted.mjs [--all]     # --all: also redact usernames, IPs and host names

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { har: validateHar } = require('har-validator');

const root = new URL('..', import.meta.url).pathname;
const bin = ['debug', 'release'].map((p) => join(root, 'target', p, 'harlens')).find(existsSync);
if (!bin) throw new Error('build harlens first: cargo build --release');
const extra = process.argv.includes('--all') ? ['--all'] : [];

function hars(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return hars(path);
    return name.endsWith('.har') ? [path] : [];
  });
}

async function valid(data) {
  try {
    await validateHar(data);
    return null;
  } catch (e) {
    return (e.errors || [e]).slice(0, 3).map((x) => `${x.dataPath ?? ''} ${x.message}`).join('; ');
  }
}

let checked = 0;
let failed = 0;
let skipped = 0;
for (const path of hars(join(root, 'tests/fixtures')).sort()) {
  const name = path.slice(root.length);
  let input;
  try {
    input = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    skipped++;
    continue;
  }
  if (await valid(input)) {
    skipped++; // invalid before: nothing to hold the sanitizer to
    continue;
  }
  let output;
  try {
    output = JSON.parse(execFileSync(bin, ['redact', ...extra, '-o', '-', path], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch (e) {
    console.error(`FAIL ${name}: redacted output unreadable: ${e.message}`);
    failed++;
    continue;
  }
  const problem = await valid(output);
  const before = input.log.entries.length;
  const after = output.log.entries.length;
  if (problem || before !== after) {
    console.error(`FAIL ${name}: ${problem ?? `entries ${before} -> ${after}`}`);
    failed++;
  } else {
    checked++;
  }
}
console.log(`har-validator: ${checked} redacted HARs valid, ${failed} failed, ${skipped} inputs not valid HAR 1.2 to begin with`);
process.exit(failed ? 1 : 0);
