// What support receives, dropped on the page as it came: a .har.gz, a zipped HAR, a product's support zip with
// rotated and gzipped logs, and the bad ones (an archive bomb, a corrupt member, an encrypted member, a cut
// zip). Each gives the report the unpacked files give, or an error that names the archive, the member and the
// reason while the rest is read; the sanitized download keeps the form. Archives are written here with node's
// zlib (tests/lib/zip.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync, gunzipSync } from 'node:zlib';

import { startPage, analyzeFiles, fixture } from './lib/page.mjs';
import { zip, unzip } from './lib/zip.mjs';

let ctx;
before(async () => { ctx = await startPage(); });
after(async () => { await ctx?.close(); });

const dir = 'testbed/proxy-address-change';
const har = readFileSync(fixture(`${dir}/recording.har`));
const log = readFileSync(fixture(`${dir}/atlassian-jira.log`));

const report = async (page) => JSON.parse(await page.textContent('#json'));
/** What the diagnosis says, without the list of inputs (whose names and sources differ by form). */
const diagnosis = (r) => ({ summary: r.summary, losses: r.losses, findings: r.findings, sso_cookie: r.sso_cookie });
const file = (name, buffer) => ({ name, mimeType: 'application/octet-stream', buffer });
const inputs = async (page) => page.$$eval('#inputs tbody tr', (trs) => trs.map((tr) => [tr.cells[0].textContent, tr.dataset.status, tr.cells[6].textContent]));

async function analyzed(page, files) {
  await analyzeFiles(page, files);
  assert.equal(await page.getAttribute('#report', 'data-state'), 'done', await page.textContent('#error'));
  return report(page);
}

test('a .har.gz gives the report of the plain HAR, detected by content whatever its name', async () => {
  const { page, errors, foreign } = await ctx.open();
  const plain = await analyzed(page, [fixture(`${dir}/recording.har`)]);
  // Two gzip members (what `cat a.gz b.gz` makes): the browser's inflater stops at the first, the page goes on.
  const cut = har.indexOf('"entries"') + 2000;
  const gz = Buffer.concat([gzipSync(har.subarray(0, cut)), gzipSync(har.subarray(cut))]);
  const packed = await analyzed(page, [file('session.bin', gz)]);
  assert.deepEqual(await page.$$eval('#chosen .kind', (k) => k.map((n) => n.textContent)), ['gzip']);
  assert.deepEqual(diagnosis(packed), diagnosis(plain));
  assert.equal(packed.inputs[0].compression, 'gzip');
  assert.equal(packed.inputs[0].entries, plain.inputs[0].entries);
  // The detail pane re-reads an entry from the inflated bytes.
  await page.click('#findings .entry-link[data-entry="11"]');
  await page.waitForSelector('#detail[data-entry="0:11"]');
  assert.match(await page.textContent('#detail'), /X-AUSERNAME/);
  assert.deepEqual(errors, []);
  assert.deepEqual(foreign(), []);
  await page.close();
});

test('a zipped HAR, and a support zip with rotated and gzipped logs, give the report of the unpacked files', async () => {
  const { page, errors } = await ctx.open();
  const plain = await analyzed(page, [fixture(`${dir}/recording.har`), fixture(`${dir}/atlassian-jira.log`)]);

  const zipped = await analyzed(page, [file('session.har.zip', zip([{ name: 'recording.har', data: har }]))]);
  assert.deepEqual(await page.$$eval('#chosen .kind', (k) => k.map((n) => n.textContent)), ['zip']);
  assert.equal(zipped.inputs[0].archive, 'session.har.zip');
  assert.equal(zipped.summary.entries, plain.summary.entries);

  // The log cut in three rotations, oldest first in .log.2.gz (gzipped), then .log.1 (stored), then .log; in
  // the zip in another order, with files the analysis does not read.
  const lines = log.toString('utf8').split(/(?<=\n)/);
  const third = Math.floor(lines.length / 3);
  const [oldest, older, current] = [lines.slice(0, third), lines.slice(third, 2 * third), lines.slice(2 * third)].map((l) => Buffer.from(l.join('')));
  const support = zip([
    { name: 'application-config/dbconfig.xml', data: '<jira-database-config/>' },
    { name: 'application-logs/atlassian-jira.log', data: current },
    { name: 'application-logs/atlassian-jira.log.1', data: older, method: 'stored' },
    { name: 'application-logs/atlassian-jira.log.2.gz', data: gzipSync(oldest) },
    { name: 'recording.har', data: har },
  ]);
  const fromZip = await analyzed(page, [file('jira_support_2026-12-05.zip', support)]);
  assert.deepEqual(diagnosis(fromZip), diagnosis(plain));
  const logInput = fromZip.inputs.find((i) => i.kind !== 'har' && i.kind !== 'skipped');
  assert.deepEqual(logInput.members.map((m) => [m.name, m.first_line, m.compression ?? null]), [
    ['application-logs/atlassian-jira.log.2.gz', 1, 'gzip'],
    ['application-logs/atlassian-jira.log.1', third + 1, null],
    ['application-logs/atlassian-jira.log', 2 * third + 1, null],
  ]);
  // The inputs table lists what was used and what was skipped, and why.
  const rows = await inputs(page);
  assert.deepEqual(rows.map((r) => r.slice(0, 2)), [
    ['jira_support_2026-12-05.zip: recording.har', 'used'],
    ['jira_support_2026-12-05.zip: application-logs/atlassian-jira.log', 'used'],
    ['jira_support_2026-12-05.zip: application-config/dbconfig.xml', 'skipped'],
  ]);
  assert.match(rows[2][2], /^skipped: configuration/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('an archive bomb is refused by the limit and the rest is read; the page setting raises the limit', async () => {
  const { page, errors } = await ctx.open();
  // A HAR that never ends: 64 MiB of spaces deflate to about 64 KiB (1000:1), and the header declares 1 KiB,
  // so only the meter can catch it while inflating.
  const endless = Buffer.concat([Buffer.from('{"log": {"version": "1.2", "entries": ['), Buffer.alloc(64 << 20, 0x20)]);
  const bomb = zip([{ name: 'bomb.har', data: endless, size: 1024 }, { name: 'recording.har', data: har }]);
  const r = await analyzed(page, [file('bomb.zip', bomb)]);
  const refused = r.inputs.find((i) => i.name === 'bomb.har');
  assert.match(refused.error, /^bomb\.zip: bomb\.har: expands more than 200:1 \(\d+ bytes from \d+\), like an archive bomb$/);
  assert.equal(r.inputs.find((i) => i.name === 'recording.har').entries, 23);
  assert.equal(r.summary.primary_cause, 'proxy-address-change');
  assert.deepEqual((await inputs(page)).map((row) => row[1]), ['error', 'used']);
  // Raised in the page, the ratio lets it through: the member then ends as the cut HAR it is.
  await page.click('#limits-box summary');
  await page.fill('#limit-ratio', '5000');
  const raised = await analyzed(page, [file('bomb.zip', bomb)]);
  const cut = raised.inputs.find((i) => i.name === 'bomb.har');
  assert.equal(cut.archive, 'bomb.zip');
  assert.match(cut.error, /^bomb\.har: .*the file ends too early/);
  // The total: 64 KiB in all is less than the HAR itself (119 KB).
  await page.fill('#limit-total', String(1 / 1024 / 16));
  const small = await analyzed(page, [file('packed.zip', zip([{ name: 'recording.har', data: har }]))]);
  assert.match(small.inputs[0].error, /^packed\.zip: recording\.har: the inflated inputs exceed 65536 bytes in total$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a corrupt member, an encrypted member and an unsupported method are errors naming the archive, the member and the reason; the rest is read', async () => {
  const { page, errors } = await ctx.open();
  const good = zip([{ name: 'x.har', data: har }]);
  const entry = unzip(good)[0];
  assert.equal(entry.name, 'x.har');
  // Flip bytes in the middle of the deflated data.
  const corrupt = zip([{ name: 'broken.har', data: har }, { name: 'recording.har', data: har }]);
  for (let i = 200; i < 260; i++) corrupt[30 + 'broken.har'.length + i] ^= 0xa5;
  const r = await analyzed(page, [file('damaged.zip', corrupt)]);
  const broken = r.inputs.find((i) => i.name === 'broken.har');
  assert.match(broken.error, /^damaged\.zip: broken\.har: corrupt: /);
  assert.equal(r.inputs.find((i) => i.name === 'recording.har').entries, 23);

  const locked = zip([
    { name: 'secret.har', data: har, encrypted: true },
    { name: 'logs.har', data: har, method: 'bzip2' },
    { name: 'recording.har', data: har },
  ]);
  const l = await analyzed(page, [file('locked.zip', locked)]);
  assert.equal(l.inputs.find((i) => i.name === 'secret.har').error, 'locked.zip: secret.har: encrypted: harlens does not read encrypted members; send it without a password');
  assert.match(l.inputs.find((i) => i.name === 'logs.har').error, /^locked\.zip: logs\.har: compressed with bzip2, which harlens does not read/);
  assert.equal(l.summary.primary_cause, 'proxy-address-change');
  // Shown as text in the inputs table.
  assert.ok((await inputs(page)).some((row) => row[2].startsWith('error: locked.zip: secret.har: encrypted')));
  assert.deepEqual(errors, []);
  await page.close();
});

test('a cut zip and a cut gzip are named as such', async () => {
  const { page } = await ctx.open();
  const whole = zip([{ name: 'recording.har', data: har }]);
  await analyzeFiles(page, [file('cut.zip', whole.subarray(0, whole.length - 200))]);
  await page.waitForSelector('#error:not([hidden])');
  assert.match(await page.getAttribute('#error', 'data-message'), /^cut\.zip: /);
  const gz = gzipSync(har);
  await analyzeFiles(page, [file('cut.har.gz', gz.subarray(0, gz.length >> 1))]);
  await page.waitForSelector('#error:not([hidden])');
  assert.match(await page.getAttribute('#error', 'data-message'), /^cut\.har\.gz: truncated: /);
  await page.close();
});

test('the sanitized download keeps the form: .har.gz gives .redacted.har.gz, a zip a zip of the redacted HARs', async () => {
  const { page } = await ctx.open();
  const original = JSON.parse(har);
  const secrets = original.log.entries.flatMap((e) => [...e.request.cookies, ...e.response.cookies]).map((c) => c.value).filter((v) => v.length >= 8);
  assert.ok(secrets.length > 0);

  await analyzed(page, [file('session.har.gz', gzipSync(har))]);
  const [gz] = await Promise.all([page.waitForEvent('download'), page.click('#export-redacted')]);
  assert.equal(gz.suggestedFilename(), 'session.redacted.har.gz');
  const fromGz = gunzipSync(readFileSync(await gz.path())).toString('utf8');
  assert.equal(JSON.parse(fromGz).log.entries.length, original.log.entries.length);
  for (const s of secrets) assert.ok(!fromGz.includes(s), 'a cookie value survived');

  const support = zip([{ name: 'har/recording.har', data: har }, { name: 'atlassian-jira.log', data: log }]);
  await analyzed(page, [file('support.zip', support)]);
  const [z] = await Promise.all([page.waitForEvent('download'), page.click('#export-redacted')]);
  assert.equal(z.suggestedFilename(), 'support.redacted.zip');
  const members = unzip(readFileSync(await z.path()));
  assert.deepEqual(members.map((m) => m.name), ['har/recording.har'], 'only the HARs, under their paths');
  const text = members[0].data.toString('utf8');
  assert.equal(JSON.parse(text).log.entries.length, original.log.entries.length);
  for (const s of secrets) assert.ok(!text.includes(s), 'a cookie value survived');
  await page.waitForFunction(() => /^support\.redacted\.zip: har\/recording\.har: \d+ entries; redacted/.test(document.getElementById('redact-summary').textContent));
  await page.close();
});
