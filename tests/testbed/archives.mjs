// The archives support receives, written from a scenario's recording: `recording.har.zip` (the HAR, zipped
// as users attach it) and `support.zip` (Jira's support zip: the application log rotated into three files,
// the oldest gzipped, the access log, and configuration harlens skips). `record.mjs` writes them after each
// recording; `node tests/testbed/archives.mjs [SCENARIO...]` rewrites them from the recordings as they are.
// crate/tests/archives.rs (the CLI, every scenario) and tests/page-archives-testbed.test.mjs (the page, three)
// check that harlens gives the same report from them as from the files.

import { readFile, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { zip } from '../lib/zip.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/testbed');

/** `text` cut at line breaks into `n` parts of about the same number of lines. */
function splitLines(text, n) {
  const lines = text.split(/(?<=\n)/);
  const parts = [];
  for (let i = 0; i < n; i++) {
    parts.push(lines.slice(Math.floor((i * lines.length) / n), Math.floor(((i + 1) * lines.length) / n)).join(''));
  }
  return parts;
}

/** Writes `recording.har.zip` and `support.zip` into a scenario's folder, from its recording. */
export async function writeArchives(dir) {
  const read = (name) => readFile(path.join(dir, name));
  const har = await read('recording.har');
  await writeFile(path.join(dir, 'recording.har.zip'), zip([{ name: 'recording.har', data: har }]));
  if (!existsSync(path.join(dir, 'atlassian-jira.log'))) return;
  // log4j's rotation: the oldest lines in the highest index; the oldest kept gzipped, as an administrator
  // compresses old logs.
  const [oldest, middle, current] = splitLines((await read('atlassian-jira.log')).toString('utf8'), 3);
  const files = [
    { name: 'application-config/dbconfig.xml', data: '<jira-database-config><name>defaultDS</name></jira-database-config>\n' },
    { name: 'application-logs/atlassian-jira.log', data: current },
    { name: 'application-logs/atlassian-jira.log.1', data: middle },
    // A gzip member is stored: deflating it again gains nothing, as zip tools do.
    { name: 'application-logs/atlassian-jira.log.2.gz', data: zlib.gzipSync(Buffer.from(oldest), { level: 9 }), method: 'stored' },
    { name: 'application-logs/atlassian-jira-http-access.log', data: await read('atlassian-jira-http-access.log') },
  ];
  await writeFile(path.join(dir, 'support.zip'), zip(files));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const wanted = process.argv.slice(2);
  const names = readdirSync(ROOT, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(ROOT, d.name, 'expected.json')))
    .map((d) => d.name)
    .filter((n) => !wanted.length || wanted.includes(n));
  for (const name of names) {
    await writeArchives(path.join(ROOT, name));
    console.log(`${name}: recording.har.zip, support.zip`);
  }
}
