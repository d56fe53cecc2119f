#!/usr/bin/env node
// Seeds the fuzz corpora (fuzz/corpus/TARGET/, not committed) from the fixtures, once per file: every input
// starts with 8 bytes that seed what a property varies (chunk sizes, options; see crate/tests/property/),
// then the fixture: the HARs for the scanner and the sanitizer, their entries one per line for the live
// monitor, the server logs for each log reader, the trusted lists and the fuzz/seeds/ files for their parsers,
// the test bed's zips for the archive reader.
import { readdirSync, readFileSync, writeFileSync, mkdirSync, existsSync, statSync } from 'node:fs';
import { join, basename, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const MAX = 256 * 1024;

function files(dir, test) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    return d.isDirectory() ? files(path, test) : test(d.name) ? [path] : [];
  }).sort();
}

let written = 0;
function seed(target, name, bytes) {
  const dir = join(root, 'fuzz/corpus', target);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `seed-${name.replace(/[^A-Za-z0-9.-]+/g, '_')}`);
  if (existsSync(path)) return;
  writeFileSync(path, Buffer.concat([Buffer.alloc(8), bytes.subarray(0, MAX)]));
  written += 1;
}

const hars = files(join(root, 'tests/fixtures'), (n) => n.endsWith('.har'));
for (const path of hars) {
  const name = relative(join(root, 'tests/fixtures'), path);
  const bytes = readFileSync(path);
  seed('scanner', name, bytes);
  seed('redactor', name, bytes);
  try {
    const har = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
    const lines = (har.log?.entries ?? []).map((e) => JSON.stringify(e)).join('\n');
    if (lines) seed('monitor', name, Buffer.from(lines));
  } catch {
    // Not JSON (the broken fixtures): the scanner and the sanitizer have it already.
  }
}
const logs = [
  ...files(join(root, 'crate/tests/fixtures/logs'), (n) => /\.log(\.\d+)?$/.test(n)),
  ...files(join(root, 'tests/fixtures/testbed'), (n) => n.endsWith('.log')),
].filter((p) => statSync(p).size > 0);
for (const path of logs) {
  const bytes = readFileSync(path);
  const name = relative(root, path);
  for (const target of ['log_jira_access', 'log_application', 'log_bitbucket_access', 'log_confluence_access']) seed(target, name, bytes);
}
for (const path of files(join(root, 'tests/fixtures/testbed'), (n) => n === 'trusted-proxies.txt')) {
  seed('trusted', relative(root, path), readFileSync(path));
}
for (const path of files(join(root, 'tests/fixtures/testbed'), (n) => n.endsWith('.zip'))) {
  seed('archive', relative(root, path), readFileSync(path));
}
for (const target of ['trusted', 'xff']) {
  for (const path of files(join(root, 'fuzz/seeds', target), () => true)) seed(target, basename(path), readFileSync(path));
}
process.stderr.write(`fuzz-seeds: ${written} new seed files in fuzz/corpus/\n`);
