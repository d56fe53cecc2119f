// The analyzer page in a real browser: it loads the WASM core, streams a dropped HAR through the worker,
// shows the report, reports broken files with their location, and talks to nothing but its own origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { serve } from '../scripts/serve.mjs';
import { launchChromium } from './lib/browser.mjs';

const fixture = (name) => fileURLToPath(new URL(`./fixtures/public/${name}`, import.meta.url));
const crateVersion = /^version = "(.+)"$/m.exec(readFileSync(new URL('../crate/Cargo.toml', import.meta.url), 'utf8'))[1];

mkdirSync(new URL('./out/', import.meta.url), { recursive: true });

let server;
let browser;
before(async () => {
  server = await serve(0);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function openPage() {
  const page = await browser.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForFunction((v) => document.getElementById('version').textContent === v, crateVersion);
  return { page, requests, errors };
}

test('the page loads the WASM core and shows its version', async () => {
  const { page, errors } = await openPage();
  assert.equal(await page.textContent('#version'), crateVersion);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a chosen HAR is analyzed in the worker and its report shown', async () => {
  const { page, requests, errors } = await openPage();
  await page.setInputFiles('#files', [fixture('mitmproxy/chrome.har'), fixture('harviewer/issue-61-ie11.har')]);
  await page.waitForSelector('#report[data-state="done"]');
  assert.equal(await page.getAttribute('#report', 'data-primary-cause'), 'none');
  const rows = await page.$$eval('#inputs tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.deepEqual(rows.map((r) => [r[0], r[2], r[4]]), [['chrome.har', '3', '1.2'], ['issue-61-ie11.har', '25', '1.1']]);
  const report = JSON.parse(await page.textContent('#json'));
  assert.equal(report.schema, 'harlens.report/1');
  assert.equal(report.summary.entries, 28);
  assert.match(await page.textContent('#warnings'), /request\.cookies` is a single object/);
  // Only the page's own files were fetched: the HAR went nowhere.
  const foreign = requests.filter((u) => !u.startsWith(server.url));
  assert.deepEqual(foreign, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a broken file shows where it is broken', async () => {
  const { page } = await openPage();
  await page.setInputFiles('#files', fixture('harviewer/not-json.har'));
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(
    await page.textContent('#error'),
    'not-json.har: line 8, column 5 (byte 110): expected `,` or `}` in `log`, found `x`',
  );
  await page.close();
});

test('the example explains the classic case: an untrusted proxy changed its address', async () => {
  const { page, requests } = await openPage();
  await page.click('#example');
  await page.waitForSelector('#report[data-state="done"]');
  assert.equal(await page.getAttribute('#report', 'data-primary-cause'), 'proxy-address-change');
  assert.match(await page.textContent('#verdict'), /Session lost 2×/);
  const first = await page.$eval('#findings > li', (li) => li.dataset.cause);
  assert.equal(first, 'proxy-address-change');
  assert.deepEqual(requests.filter((u) => !u.startsWith(server.url)), []);
  await page.screenshot({ path: 'tests/out/page-example.png', fullPage: true });
  await page.close();
});
