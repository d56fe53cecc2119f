// The extension's full report (report.html: the analyzer page as the extension ships it, under the
// extension's CSP) reads archives as the page does: a dropped .har.gz and the test bed's support.zip with the
// zipped recording give the report of the unpacked files. Archives and logs are read in the full module
// (harlens_full), which the report page's worker loads from the extension's own package.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

import { packageTestBuild, launchExtension } from './lib/extension.mjs';
import { analyzeFiles, crateVersion, fixture } from './lib/page.mjs';

const dir = 'testbed/proxy-address-change';
const at = (file) => fixture(`${dir}/${file}`);

let ext;
before(async () => {
  packageTestBuild();
  ext = await launchExtension();
});
after(async () => { await ext?.close(); });

/** The report without the list of inputs, whose names and sources differ by form. */
const diagnosis = (r) => ({ summary: r.summary, losses: r.losses, findings: r.findings, sso_cookie: r.sso_cookie });

async function analyzed(page, files) {
  await analyzeFiles(page, files);
  assert.equal(await page.getAttribute('#report', 'data-state'), 'done', await page.textContent('#error'));
  return JSON.parse(await page.textContent('#json'));
}

test('the extension\'s report page analyses a dropped .har.gz and a support zip with the zipped recording', { timeout: 120_000 }, async () => {
  const origin = `chrome-extension://${ext.extensionId}/`;
  const requests = [];
  ext.context.on('request', (r) => requests.push(r.url()));
  const page = await ext.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A CSP refusal (of the WASM compile, of a worker) is reported on the console, not thrown in the page.
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${origin}report.html`);
  await page.waitForFunction((v) => document.getElementById('version').textContent === v, crateVersion);
  await page.fill('#proxies', readFileSync(at('trusted-proxies.txt'), 'utf8').trim());

  const plain = await analyzed(page, [at('recording.har')]);
  assert.equal(plain.summary.primary_cause, 'proxy-address-change');
  const gz = await analyzed(page, [{ name: 'session.har.gz', mimeType: 'application/gzip', buffer: gzipSync(readFileSync(at('recording.har'))) }]);
  assert.deepEqual(diagnosis(gz), diagnosis(plain));
  assert.equal(gz.inputs.find((i) => i.kind === 'har').compression, 'gzip');

  const unpacked = await analyzed(page, [at('recording.har'), at('atlassian-jira-http-access.log'), at('atlassian-jira.log')]);
  assert.ok(unpacked.inputs.some((i) => i.kind !== 'har' && i.kind !== 'skipped' && i.kind !== 'trusted-proxies'), 'the logs were read');
  const zipped = await analyzed(page, [at('support.zip'), at('recording.har.zip')]);
  assert.deepEqual(diagnosis(zipped), diagnosis(unpacked));
  assert.deepEqual(zipped.inputs.filter((i) => i.archive).map((i) => [i.archive, i.name, i.kind === 'skipped' ? 'skipped' : 'used']), [
    ['recording.har.zip', 'recording.har', 'used'],
    ['support.zip', 'application-logs/atlassian-jira-http-access.log', 'used'],
    ['support.zip', 'application-logs/atlassian-jira.log', 'used'],
    ['support.zip', 'application-config/dbconfig.xml', 'skipped'],
  ]);

  assert.ok(requests.includes(`${origin}pkg/harlens_full_bg.wasm`), 'the full module came from the extension\'s package');
  assert.deepEqual(requests.filter((u) => !u.startsWith(origin)), [], 'the report page asked nobody else');
  assert.deepEqual(errors, []);
  await page.close();
});
