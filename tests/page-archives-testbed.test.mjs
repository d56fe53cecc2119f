// The test bed's own archives (tests/testbed/archives.mjs wrote them next to each recording) dropped on the
// page as support receives them: Jira's `support.zip` (the application log rotated into three files, the
// oldest gzipped, the access log, and configuration the analysis skips) with the zipped recording
// (`recording.har.zip`), or with the recording as it is. Each gives the report the unpacked files give: the
// same summary, losses, causes and findings, and the inputs table lists the members used and skipped.
// crate/tests/archives.rs checks the same for the CLI over every scenario; the page's reading (archive.js,
// inflate.js, the full module) is its own code, so it is checked here on scenarios whose verdict rests on the
// logs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { startPage, analyzeFiles, fixture } from './lib/page.mjs';

let ctx;
let tab;
before(async () => {
  ctx = await startPage();
  tab = await ctx.open();
});
after(async () => {
  await tab?.page.close();
  await ctx?.close();
});

const report = async (page) => JSON.parse(await page.textContent('#json'));

/** An input as losses and evidence name it, packed or not: its file name without a folder or `.gz`. */
const baseName = (input) => input.name.split('/').pop().replace(/\.gz$/, '');

/**
 * The report without what only says where the inputs came from: losses and evidence name their input by its
 * file name rather than its place in the list; the inputs keep what the analysis read from them.
 */
function diagnosis(r) {
  const names = r.inputs.map(baseName);
  const renamed = (x) => ({ ...x, input: names[x.input] });
  return {
    summary: r.summary,
    losses: r.losses.map(renamed),
    findings: r.findings.map((f) => ({ ...f, evidence: f.evidence.map(renamed) })),
    sso_cookie: r.sso_cookie,
    inputs: r.inputs.filter((i) => i.kind !== 'skipped').map((i) => ({ kind: i.kind, name: baseName(i), bytes: i.bytes, entries: i.entries, origins: i.origins, creator: i.creator, warnings: i.warnings })),
  };
}

/** The inputs table: [name, status] for each row. */
const rows = (page) => page.$$eval('#inputs tbody tr', (trs) => trs.map((tr) => [tr.cells[0].textContent, tr.dataset.status]));

async function analyzed(page, files) {
  await analyzeFiles(page, files);
  assert.equal(await page.getAttribute('#report', 'data-state'), 'done', await page.textContent('#error'));
  return report(page);
}

// One whose verdict needs the trusted list, one without a list, and one whose evidence is in the logs.
for (const name of ['proxy-address-change', 'no-session-affinity', 'user-logout']) {
  test(`test bed: ${name}: support.zip with the recording, zipped or not, gives the report of the files`, async () => {
    const { page } = tab;
    const dir = `testbed/${name}`;
    const at = (file) => fixture(`${dir}/${file}`);
    const expected = JSON.parse(readFileSync(at('expected.json'), 'utf8'));
    const proxies = readFileSync(at('trusted-proxies.txt'), 'utf8').trim();
    await page.fill('#proxies', proxies);

    const unpacked = await analyzed(page, [at('recording.har'), at('atlassian-jira-http-access.log'), at('atlassian-jira.log')]);
    if (expected.loss_entry != null) assert.equal(unpacked.summary.primary_cause, expected.cause);
    assert.ok(unpacked.inputs.some((i) => i.kind !== 'har' && i.kind !== 'skipped'), 'the logs were read');

    const both = await analyzed(page, [at('support.zip'), at('recording.har.zip')]);
    assert.deepEqual(diagnosis(both), diagnosis(unpacked));
    assert.deepEqual(await page.$$eval('#chosen .kind', (k) => k.map((n) => n.textContent)), ['zip', 'zip']);
    // The application log is one input of its three rotations, oldest first; the gzipped one says so.
    const appLog = both.inputs.find((i) => i.name === 'application-logs/atlassian-jira.log');
    assert.equal(appLog.archive, 'support.zip');
    assert.deepEqual(appLog.members.map((m) => [m.name, m.compression ?? null]), [
      ['application-logs/atlassian-jira.log.2.gz', 'gzip'],
      ['application-logs/atlassian-jira.log.1', null],
      ['application-logs/atlassian-jira.log', null],
    ]);
    // The list typed in the page first, then the HAR, the logs (the access log, the application log), and what
    // the zip holds that the analysis does not read.
    assert.deepEqual(await rows(page), [
      ...(proxies ? [['trusted proxies', 'used']] : []),
      ['recording.har.zip: recording.har', 'used'],
      ['support.zip: application-logs/atlassian-jira-http-access.log', 'used'],
      ['support.zip: application-logs/atlassian-jira.log', 'used'],
      ['support.zip: application-config/dbconfig.xml', 'skipped'],
    ]);

    // The zip with the recording as exported: the same report.
    const mixed = await analyzed(page, [at('recording.har'), at('support.zip')]);
    assert.deepEqual(diagnosis(mixed), diagnosis(unpacked));
    assert.deepEqual((await rows(page)).map((r) => r[0]).filter((n) => !n.startsWith('support.zip: ')), [...(proxies ? ['trusted proxies'] : []), 'recording.har']);

    assert.deepEqual(tab.errors, []);
    assert.deepEqual(tab.foreign(), []);
  });
}
