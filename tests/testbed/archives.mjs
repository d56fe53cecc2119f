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
import { crc32 } from './rand.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/testbed');

/** 1980-01-01 00:00, the format's epoch: the same files give the same zip. */
const DOS_DATE = (1 << 5) | 1;

/** A zip of `[name, Buffer]` members, each deflated (raw deflate) unless `stored` names it. */
export function zip(files, stored = new Set()) {
  const parts = [];
  const central = [];
  let offset = 0;
  for (const [name, data] of files) {
    const nameBytes = Buffer.from(name, 'utf8');
    const method = stored.has(name) ? 0 : 8;
    const body = method ? zlib.deflateRawSync(data, { level: 9 }) : data;
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(1 << 11, 6); // the name is UTF-8
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(20, 4);
    record.writeUInt16LE(20, 6);
    record.writeUInt16LE(1 << 11, 8);
    record.writeUInt16LE(method, 10);
    record.writeUInt16LE(0, 12);
    record.writeUInt16LE(DOS_DATE, 14);
    record.writeUInt32LE(crc, 16);
    record.writeUInt32LE(body.length, 20);
    record.writeUInt32LE(data.length, 24);
    record.writeUInt16LE(nameBytes.length, 28);
    record.writeUInt32LE(offset, 42);
    parts.push(local, nameBytes, body);
    central.push(record, nameBytes);
    offset += local.length + nameBytes.length + body.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

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
  await writeFile(path.join(dir, 'recording.har.zip'), zip([['recording.har', har]]));
  if (!existsSync(path.join(dir, 'atlassian-jira.log'))) return;
  // log4j's rotation: the oldest lines in the highest index; the oldest kept gzipped, as an administrator
  // compresses old logs.
  const [oldest, middle, current] = splitLines((await read('atlassian-jira.log')).toString('utf8'), 3);
  const files = [
    ['application-config/dbconfig.xml', Buffer.from('<jira-database-config><name>defaultDS</name></jira-database-config>\n')],
    ['application-logs/atlassian-jira.log', Buffer.from(current)],
    ['application-logs/atlassian-jira.log.1', Buffer.from(middle)],
    ['application-logs/atlassian-jira.log.2.gz', zlib.gzipSync(Buffer.from(oldest), { level: 9 })],
    ['application-logs/atlassian-jira-http-access.log', await read('atlassian-jira-http-access.log')],
  ];
  // A gzip member is stored: deflating it again gains nothing, as zip tools do.
  await writeFile(path.join(dir, 'support.zip'), zip(files, new Set(['application-logs/atlassian-jira.log.2.gz'])));
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
