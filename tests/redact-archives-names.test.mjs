// The CLI (`harlens redact`) and the page (the sanitized download) name the redacted copy of an archive the
// same way: the same file name (NAME.redacted.zip, NAME.redacted.har.gz) and, inside a zip, the same member
// paths, each holding a sanitized HAR. The page's writer is www/js/archive-out.js, the CLI's
// crate/src/bin/harlens/redact_archives.rs: two codes, one contract. Runs the debug build of the CLI (built
// here when missing, as `npm test` has built it already).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

import { startPage, analyzeFiles, fixture } from './lib/page.mjs';
import { zip, unzip } from './lib/zip.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'target/debug/harlens');

const dir = 'testbed/proxy-address-change';
const har = readFileSync(fixture(`${dir}/recording.har`));
const log = readFileSync(fixture(`${dir}/atlassian-jira.log`));
/** A value the sanitizer must replace: the recording's SSO token. */
const secret = JSON.parse(har).log.entries.flatMap((e) => e.response.cookies).find((c) => c.name === 'crowd.token_key' && c.value.length > 8).value;

let ctx;
let scratch;
before(async () => {
  if (!existsSync(bin)) execFileSync('cargo', ['build', '--quiet', '--bin', 'harlens'], { cwd: root, stdio: 'inherit' });
  scratch = mkdtempSync(join(tmpdir(), 'harlens-redact-names-'));
  ctx = await startPage();
});
after(async () => {
  await ctx?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** What the CLI writes for `name` (holding `bytes`): { file name: Buffer }. */
function cli(name, bytes) {
  const folder = mkdtempSync(join(scratch, 'cli-'));
  writeFileSync(join(folder, name), bytes);
  execFileSync(bin, ['redact', join(folder, name)], { stdio: ['ignore', 'ignore', 'pipe'] });
  return Object.fromEntries(readdirSync(folder).filter((f) => f !== name).map((f) => [f, readFileSync(join(folder, f))]));
}

/** What the page's sanitized download gives for `name` (holding `bytes`): { file name: Buffer }. */
async function page(name, bytes) {
  const { page: tab } = await ctx.open();
  try {
    await analyzeFiles(tab, [{ name, mimeType: 'application/octet-stream', buffer: bytes }]);
    assert.equal(await tab.getAttribute('#report', 'data-state'), 'done', await tab.textContent('#error'));
    const [download] = await Promise.all([tab.waitForEvent('download'), tab.click('#export-redacted')]);
    return { [download.suggestedFilename()]: readFileSync(await download.path()) };
  } finally {
    await tab.close();
  }
}

/** A zip's members as [path, the sanitized HAR's entry count], checking that no secret is left. */
function members(bytes) {
  return unzip(bytes).map(({ name, data }) => {
    const text = data.toString('utf8');
    assert.ok(!text.includes(secret), `${name}: the SSO token survived`);
    return [name, JSON.parse(text).log.entries.length];
  });
}

const entries = JSON.parse(har).log.entries.length;

test('a support zip: the same NAME.redacted.zip, with the same member paths, from the CLI and the page', async () => {
  const support = zip([
    { name: 'application-config/dbconfig.xml', data: '<jira-database-config/>' },
    { name: 'har/recording.har', data: har },
    { name: 'application-logs/atlassian-jira.log', data: log },
    // A HAR known by its first bytes, not its name; stored, not deflated.
    { name: 'exports/session.json', data: har, method: 'stored' },
  ]);
  const fromCli = cli('support.zip', support);
  const fromPage = await page('support.zip', support);
  assert.deepEqual(Object.keys(fromCli), ['support.redacted.zip']);
  assert.deepEqual(Object.keys(fromPage), Object.keys(fromCli));
  assert.deepEqual(members(fromCli['support.redacted.zip']), [['har/recording.har', entries], ['exports/session.json', entries]]);
  assert.deepEqual(members(fromPage['support.redacted.zip']), members(fromCli['support.redacted.zip']));
});

test('a zipped HAR and a gzipped HAR: the same file names from the CLI and the page', async () => {
  const zipped = zip([{ name: 'recording.har', data: har }]);
  const fromCli = cli('session.har.zip', zipped);
  const fromPage = await page('session.har.zip', zipped);
  assert.deepEqual(Object.keys(fromPage), Object.keys(fromCli));
  assert.deepEqual(members(Object.values(fromPage)[0]), members(Object.values(fromCli)[0]));

  for (const name of ['session.har.gz', 'export.gz']) {
    const gz = gzipSync(har);
    const cliOut = cli(name, gz);
    const pageOut = await page(name, gz);
    assert.deepEqual(Object.keys(pageOut), Object.keys(cliOut), name);
    for (const out of [cliOut, pageOut]) {
      const text = gunzipSync(Object.values(out)[0]).toString('utf8');
      assert.ok(!text.includes(secret));
      assert.equal(JSON.parse(text).log.entries.length, entries);
    }
  }
});

test('a gzipped HAR inside a zip: the CLI redacts it as the analysis reads it, and both name its copy without .gz', async () => {
  // The copy of a gzipped member is its inflated HAR, deflated as every member of the copy: `.gz` would lie.
  const support = zip([
    { name: 'recording.har', data: har },
    { name: 'old/recording.har.gz', data: gzipSync(har), method: 'stored' },
    // A name that says nothing, gzipped: its inflated first bytes make it a HAR.
    { name: 'exports/session.GZ', data: gzipSync(har) },
  ]);
  const fromCli = cli('support.zip', support);
  const fromPage = await page('support.zip', support);
  assert.deepEqual(Object.keys(fromPage), Object.keys(fromCli));
  assert.deepEqual(members(fromCli['support.redacted.zip']), [['recording.har', entries], ['old/recording.har', entries], ['exports/session', entries]]);
  assert.deepEqual(members(fromPage['support.redacted.zip']), members(fromCli['support.redacted.zip']));
});
