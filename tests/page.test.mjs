// The analyzer page in a real browser: it loads the WASM core, streams dropped files through the worker,
// shows the verdict, the timeline, the findings with evidence that opens entries, the entries table and the
// entry detail, reports broken files with their location, validates the trusted-proxy list as it is typed,
// exports, works from the keyboard, and talks to nothing but its own origin. Screenshots of the KB case go
// to tests/out/ (not committed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { startPage, analyzeFiles, waitForReport, fixture, crateVersion, outDir } from './lib/page.mjs';

let ctx;
before(async () => { ctx = await startPage(); });
after(async () => { await ctx?.close(); });

async function runExample(tab) {
  await tab.page.click('#example');
  await tab.page.waitForSelector('#report[data-state="done"]');
}

test('the page loads the WASM core, shows its version and the rules of its registry', async () => {
  const { page, errors, foreign } = await ctx.open();
  assert.equal(await page.textContent('#version'), crateVersion);
  const rules = await page.$$eval('#rules li', (lis) => lis.map((li) => li.dataset.rule));
  assert.ok(rules.length >= 12, `${rules.length} rules`);
  assert.ok(rules.includes('proxy-address-change'));
  assert.deepEqual(errors, []);
  assert.deepEqual(foreign(), []);
  await page.close();
});

test('chosen HARs are analyzed in the worker and their report shown', async () => {
  const { page, errors, foreign } = await ctx.open();
  await analyzeFiles(page, [fixture('public/mitmproxy/chrome.har'), fixture('public/harviewer/issue-61-ie11.har')]);
  assert.equal(await page.getAttribute('#report', 'data-primary-cause'), 'none');
  assert.equal(await page.getAttribute('#verdict-card', 'data-primary-cause'), 'none');
  const rows = await page.$$eval('#inputs tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.deepEqual(rows.map((r) => [r[0], r[2], r[4]]), [['chrome.har', '3', '1.2'], ['issue-61-ie11.har', '25', '1.1']]);
  const report = JSON.parse(await page.textContent('#json'));
  assert.equal(report.schema, 'harlens.report/1');
  assert.equal(report.summary.entries, 28);
  assert.match(await page.textContent('#warnings'), /request\.cookies` is a single object/);
  assert.equal(await page.textContent('#entries-count'), '28 entries');
  assert.deepEqual(await page.$$eval('#chosen .kind', (k) => k.map((n) => n.textContent)), ['HAR', 'HAR']);
  // Only the page's own files were fetched: the HAR went nowhere.
  assert.deepEqual(foreign(), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a broken file shows where it is broken', async () => {
  const { page } = await ctx.open();
  await analyzeFiles(page, fixture('public/harviewer/not-json.har'));
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(
    await page.getAttribute('#error', 'data-message'),
    'not-json.har: line 8, column 5 (byte 110): expected `,` or `}` in `log`, found `x`',
  );
  assert.match(await page.textContent('#error'), /line 8, column 5/);
  await page.close();
});

test('a binary file named .har is called binary, quoted briefly and escaped, and stays inside the page', async () => {
  const { page, errors } = await ctx.open();
  // A PNG's header, then bytes of every value: no line breaks for the box to wrap at, controls, non-UTF-8.
  const body = Buffer.alloc(64 * 1024);
  for (let i = 0; i < body.length; i++) body[i] = (i * 151 + 7) % 256 === 10 ? 11 : (i * 151 + 7) % 256;
  const buffer = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n\x1b]0;pwned\x07', 'latin1'), body]);
  await analyzeFiles(page, { name: 'session.har', mimeType: 'application/octet-stream', buffer });
  await page.waitForSelector('#error:not([hidden])');
  assert.deepEqual(await page.$$eval('#chosen .kind', (k) => k.map((n) => n.textContent)), ['binary']);
  const message = await page.getAttribute('#error', 'data-message');
  assert.match(message, /^session\.har: line 1, column 1 \(byte 0\): .*binary data/);
  assert.ok(message.length < 300, `a short message: ${message.length} characters`);
  assert.doesNotMatch(await page.textContent('#error'), /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  const overflow = await page.evaluate(() => {
    const box = document.getElementById('error');
    return { page: document.documentElement.scrollWidth - document.documentElement.clientWidth, box: box.scrollWidth - box.clientWidth };
  });
  assert.deepEqual(overflow, { page: 0, box: 0 }, 'nothing runs past the edge');
  // A log with control characters in its first line: quoted, shown escaped.
  await analyzeFiles(page, { name: 'x.log', mimeType: 'text/plain', buffer: Buffer.from('hello \x1b]52;c;aGk=\x07 world\n') });
  await page.waitForSelector('#error:not([hidden])');
  assert.match(await page.getAttribute('#error', 'data-message'), /the first line is `hello \\x1b\]52;c;aGk=\\x07 world`/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the example explains the KB case: verdict, fix, timeline, evidence that opens the entry', async () => {
  const tab = await ctx.open();
  const { page, foreign, errors } = tab;
  await runExample(tab);
  assert.equal(await page.getAttribute('#verdict-card', 'data-primary-cause'), 'proxy-address-change');
  assert.equal(await page.getAttribute('#report', 'data-primary-cause'), 'proxy-address-change');
  assert.match(await page.textContent('#verdict'), /Session lost 2×/);
  assert.match(await page.textContent('#verdict-cause'), /Crowd does not trust/);
  assert.match(await page.textContent('#confidence'), /confidence/);
  const steps = await page.$$('#verdict-fix ol.fix > li');
  assert.ok(steps.length >= 2, 'the fix is numbered steps');
  assert.ok(await page.$('#verdict-fix ol.fix > li button.copy'), 'each step has a copy button');
  assert.equal(await page.$('#verdict-fix .entries-to-add'), null, 'a HAR alone names no entry to trust');
  assert.equal(await page.$eval('#findings > li', (li) => li.dataset.cause), 'proxy-address-change');
  // Each loss names its own explanation.
  assert.deepEqual(await page.$$eval('#losses > li', (lis) => lis.map((li) => [li.dataset.entry, li.dataset.cause])),
    [['11', 'proxy-address-change'], ['22', 'proxy-address-change']]);
  assert.match(await page.textContent('#losses > li'), /Explained by A proxy that Crowd does not trust.*\(inferred, medium confidence\)/);
  // The example also shows the failed validation from its Crowd log, resolved with its trusted list.
  await page.waitForSelector('#crowd-result table.chain');
  assert.match(await page.textContent('#crowd-result .resolved'), /documented rule.*127\.0\.0\.22/);
  assert.match(await page.textContent('#crowd-result'), /Add to the trusted proxies: 127\.0\.0\.22/);

  // The timeline: one plot for the app, the two losses marked, authenticated and anonymous stretches.
  assert.equal(await page.$$eval('svg.plot', (s) => s.length), 1);
  assert.equal(await page.$$eval('svg.plot .loss', (g) => g.length), 2);
  assert.ok(await page.$('svg.plot .band.auth'));
  assert.ok(await page.$('svg.plot .band.anon'));
  const loss = await page.$('svg.plot .loss');
  await loss.focus();
  assert.match(await page.textContent('#tip'), /session lost at 14:07:02\.060 UTC, entry 11/);

  // Evidence links open their entry in the table and the detail pane.
  await page.click('#findings .entry-link[data-entry="11"]');
  await page.waitForSelector('#detail[data-entry="1:11"]');
  assert.equal(await page.getAttribute('#grid-body .grid-row.selected', 'data-entry'), '11');
  const detail = await page.textContent('#detail');
  assert.match(detail, /X-AUSERNAME/);
  assert.match(detail, /Response headers/);
  assert.match(detail, /Seraph login reason\s*OUT/);
  // The flags' names and the headers the core reads come from the core.
  assert.match(detail, /Seraph says logged out/);
  const marked = await page.$$eval('#detail tr.signal th', (ths) => ths.map((th) => th.textContent.toLowerCase()));
  assert.ok(marked.includes('x-ausername') && marked.includes('x-seraph-loginreason'), `marked: ${marked}`);

  await page.screenshot({ path: join(outDir, 'page-example.png'), fullPage: true });
  await page.$eval('#verdict-card', (n) => n.scrollIntoView());
  await (await page.$('#verdict-card')).screenshot({ path: join(outDir, 'page-example-verdict.png') });
  await (await page.$('#plots')).screenshot({ path: join(outDir, 'page-example-timeline.png') });
  await page.click('#theme'); // auto -> light
  await page.click('#theme'); // light -> dark
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  await page.screenshot({ path: join(outDir, 'page-example-dark.png'), fullPage: true });
  await page.click('#theme'); // back to auto
  assert.deepEqual(foreign(), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the entries table filters, and the keyboard moves through it', async () => {
  const tab = await ctx.open();
  const { page } = tab;
  await runExample(tab);
  const count = async () => page.textContent('#entries-count');
  assert.equal(await count(), '23 entries');
  await page.selectOption('#f-status', '4xx');
  await page.waitForFunction(() => /shown/.test(document.getElementById('entries-count').textContent));
  const shown4xx = Number((await count()).split(' ')[0]);
  assert.ok(shown4xx >= 2 && shown4xx < 23, `${shown4xx} 4xx entries`);
  const statuses = await page.$$eval('#grid-body .grid-row span:nth-child(4)', (s) => s.map((n) => n.textContent));
  assert.ok(statuses.every((s) => s.startsWith('4')), statuses.join());
  await page.selectOption('#f-status', '');
  await page.fill('#f-text', 'login.jsp');
  // Every row left names login.jsp (the filter runs in the worker, after a short debounce).
  await page.waitForFunction(() => {
    const urls = [...document.querySelectorAll('#grid-body .grid-row .url')].map((n) => n.textContent);
    return urls.length > 0 && urls.every((u) => u.includes('login.jsp'));
  });
  await page.fill('#f-text', '');
  await page.check('#f-auth');
  await page.waitForTimeout(300);
  // Keyboard: focus the grid, move down twice, open with Enter.
  await page.focus('#grid');
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#detail[data-entry]');
  const selected = await page.getAttribute('#grid-body .grid-row.selected', 'data-entry');
  assert.equal(await page.getAttribute('#detail', 'data-entry'), `1:${selected}`);
  await page.close();
});

test('the trusted-proxy list is checked entry by entry as it is typed', async () => {
  const { page } = await ctx.open();
  await page.fill('#proxies', '192.0.2.10, 192.168.01.1\n10.0.0.0/8');
  await page.waitForSelector('#proxies-check li.bad');
  const items = await page.$$eval('#proxies-check li', (lis) => lis.map((li) => [li.className, li.textContent]));
  assert.equal(items.length, 3);
  assert.equal(items[0][0], 'ok');
  assert.equal(items[1][0], 'bad');
  assert.match(items[1][1], /192\.168\.01\.1.*line 1, column 13: octet `01` has a leading zero/);
  assert.equal(items[2][0], 'ok');
  assert.equal(await page.getAttribute('#proxies', 'aria-invalid'), 'true');
  await page.fill('#proxies', '192.0.2.10');
  await page.waitForFunction(() => !document.getElementById('proxies').hasAttribute('aria-invalid'));
  await page.close();
});

test('the page loads the first WASM module only; the full one comes with the first log', async () => {
  const { page, requests, errors } = await ctx.open();
  const loaded = (name) => requests.some((u) => u.endsWith(`/pkg/${name}`));
  await analyzeFiles(page, fixture('testbed/proxy-address-change/recording.har'));
  assert.equal(await page.getAttribute('#report', 'data-state'), 'done');
  assert.ok(loaded('harlens_bg.wasm'));
  assert.ok(!loaded('harlens_full_bg.wasm'), 'a HAR alone needs no log reader, sanitizer or simulation');
  await analyzeFiles(page, fixture('testbed/proxy-address-change/atlassian-jira.log'));
  assert.equal(await page.getAttribute('#report', 'data-state'), 'done');
  assert.ok(loaded('harlens_full_bg.wasm'));
  assert.deepEqual(errors, []);
  await page.close();
});

test('a HAR and server logs dropped together: each kind is detected', async () => {
  const { page, errors, foreign } = await ctx.open();
  const dir = 'testbed/proxy-address-change';
  await analyzeFiles(page, [fixture(`${dir}/recording.har`), fixture(`${dir}/atlassian-jira.log`)]);
  assert.deepEqual(await page.$$eval('#chosen .kind', (k) => k.map((n) => n.textContent)), ['HAR', 'log']);
  assert.equal(await page.getAttribute('#verdict-card', 'data-primary-cause'), 'proxy-address-change');
  // With the log the fix names the proxies to trust: the report lists them as data, the page shows and copies
  // that list as it is.
  // Without the trusted list the app-facing proxy (127.0.0.10) is to be trusted too.
  const report = JSON.parse(await page.textContent('#json'));
  const entries = '127.0.0.10, 127.0.0.21, 127.0.0.22';
  assert.equal(report.findings[0].trusted_proxies_to_add.join(', '), entries);
  assert.equal(await page.textContent('#verdict-fix .entries-to-add code'), entries);
  await page.evaluate(() => Object.defineProperty(navigator, 'clipboard', { value: { writeText: async (text) => { window.copied = text; } } }));
  await page.click('#verdict-fix .entries-to-add button.copy');
  assert.equal(await page.evaluate(() => window.copied), entries);
  assert.equal(await page.textContent('#findings > li .entries-to-add code'), entries);
  assert.deepEqual(foreign(), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('pasted HAR text is analyzed like a file', async () => {
  const { page } = await ctx.open();
  await page.click('#paste-box summary');
  // What a paste does (page.fill types 100 KB too slowly for a test).
  await page.$eval('#paste', (t, text) => { t.value = text; t.dispatchEvent(new Event('input')); }, readFileSync(fixture('testbed/idle-timeout/recording.har'), 'utf8'));
  await page.click('#paste-go');
  await waitForReport(page);
  assert.equal(await page.getAttribute('#report', 'data-state'), 'done', await page.textContent('#error'));
  assert.equal(await page.getAttribute('#verdict-card', 'data-primary-cause'), 'idle-timeout');
  assert.deepEqual(await page.$$eval('#chosen .kind', (k) => k.map((n) => n.textContent)), ['HAR']);
  // The 6-hour pause is compressed and drawn as a gap.
  assert.ok(await page.$('svg.plot .gap'));
  // Pasted log lines are a log, as the core tells.
  await page.$eval('#paste', (t, text) => { t.value = text; t.dispatchEvent(new Event('input')); }, readFileSync(fixture('testbed/proxy-address-change/atlassian-jira-http-access.log'), 'utf8'));
  await page.click('#paste-go');
  await page.waitForFunction(() => document.querySelector('#chosen .kind')?.textContent === 'log');
  await waitForReport(page);
  assert.equal(JSON.parse(await page.textContent('#json')).inputs[0].kind, 'jira-access');
  await page.close();
});

test('the report exports as Markdown and JSON, saved locally', async () => {
  const tab = await ctx.open();
  const { page } = tab;
  await runExample(tab);
  const [md] = await Promise.all([page.waitForEvent('download'), page.click('#export-md')]);
  assert.equal(md.suggestedFilename(), 'harlens-report.md');
  const text = readFileSync(await md.path(), 'utf8');
  assert.match(text, /^# harlens report/);
  assert.match(text, /proxy-address-change/);
  const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  assert.equal(JSON.parse(readFileSync(await json.path(), 'utf8')).summary.primary_cause, 'proxy-address-change');
  await page.close();
});

test('the drop zone opens the file chooser from the keyboard', async () => {
  const { page } = await ctx.open();
  // Listen first: Playwright turns on file-chooser interception when the listener is added, asynchronously.
  const chooserShown = page.waitForEvent('filechooser');
  await page.focus('#drop');
  await page.keyboard.press('Enter');
  const chooser = await chooserShown;
  assert.ok(chooser.isMultiple());
  await page.close();
});

const big = new URL('../target/page/300MB.har', import.meta.url);
test('an analysis can be cancelled, and the page works on afterwards', { skip: !existsSync(big) && 'needs target/page/300MB.har (made by page-large.test.mjs)' }, async () => {
  const tab = await ctx.open();
  const { page } = tab;
  await page.setInputFiles('#files', big.pathname);
  await page.waitForFunction(() => Number(document.getElementById('progress').dataset.bytes ?? 0) > 0);
  await page.click('#cancel');
  await page.waitForSelector('#error:not([hidden])');
  assert.match(await page.textContent('#error'), /cancelled/);
  assert.ok(await page.isHidden('#progress'));
  await runExample(tab);
  assert.equal(await page.getAttribute('#verdict-card', 'data-primary-cause'), 'proxy-address-change');
  await page.close();
});

test('the Crowd resolution of one validation: the chain hop by hop, both rules, the entries to add', async () => {
  const { page, foreign } = await ctx.open();
  await page.fill('#proxies', '192.0.2.10');
  await page.fill('#crowd-remote', '192.0.2.10');
  await page.fill('#crowd-xff', '203.0.113.7, 192.0.2.10, 198.51.100.20');
  await page.click('#crowd-go');
  await page.waitForSelector('#crowd-result table.chain');
  const hops = await page.$$eval('#crowd-result table.chain tbody tr', (trs) => trs.map((tr) => [tr.className, tr.cells[2].textContent]));
  assert.equal(hops.length, 4);
  assert.deepEqual(hops.map((h) => h[0]), ['client', 'trusted', 'untrusted', 'trusted']);
  const resolved = await page.textContent('#crowd-result .resolved');
  assert.match(resolved, /documented rule.*198\.51\.100\.20/);
  assert.match(resolved, /all-or-nothing rule.*192\.0\.2\.10/);
  assert.match(await page.textContent('#crowd-result'), /Add to the trusted proxies: 198\.51\.100\.20/);
  await (await page.$('#crowd')).screenshot({ path: join(outDir, 'page-crowd-resolution.png') });
  // An unreadable input is named, not a blank result.
  await page.fill('#crowd-remote', 'nonsense');
  await page.click('#crowd-go');
  await page.waitForSelector('#crowd-result .error-text');
  assert.match(await page.textContent('#crowd-result'), /remote address `nonsense` is not an IP address/);
  assert.deepEqual(foreign(), []);
  await page.close();
});

test('the sanitized HAR downloads with the same entries and without the session secrets', async () => {
  const { page } = await ctx.open();
  await page.click('#example');
  await page.waitForSelector('#report[data-state="done"]');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-redacted')]);
  assert.equal(download.suggestedFilename(), 'proxy-address-change.redacted.har');
  const redacted = JSON.parse(readFileSync(await download.path(), 'utf8'));
  const original = JSON.parse(readFileSync(new URL('./fixtures/testbed/proxy-address-change/recording.har', import.meta.url), 'utf8'));
  assert.equal(redacted.log.entries.length, original.log.entries.length);
  const text = JSON.stringify(redacted);
  for (const e of original.log.entries) {
    for (const c of [...e.request.cookies, ...e.response.cookies]) {
      if (c.value.length >= 8) assert.ok(!text.includes(c.value), `cookie ${c.name} survived`);
    }
  }
  // The summary in the core's words, as the CLI prints it.
  await page.waitForFunction(() => /^proxy-address-change\.redacted\.har: \d+ entries; redacted \d+ cookie values/.test(document.getElementById('redact-summary').textContent));
  await page.close();
});

test('a loss no cause explains says what to collect; a renamed SSO cookie is named in its field', async () => {
  const { page, errors } = await ctx.open();
  // The KB recording without cookies, with the HTTP session changed at the loss and no other reason shown.
  const har = JSON.parse(readFileSync(fixture('testbed/proxy-address-change/recording.nocookies.har'), 'utf8'));
  const loss = har.log.entries[11].response.headers.find((h) => h.name.toLowerCase() === 'x-asessionid');
  loss.value = 'zzzzzz';
  const unexplained = join(outDir, 'unexplained.har');
  writeFileSync(unexplained, JSON.stringify(har));
  await analyzeFiles(page, [unexplained]);
  assert.equal(await page.getAttribute('#report', 'data-state'), 'done');
  assert.equal(await page.getAttribute('#losses > li', 'data-cause'), 'none');
  assert.match(await page.textContent('#losses > li'), /Unexplained: no cause fits.*To explain it, collect.*org\.apache\.http/s);

  const renamed = join(outDir, 'renamed-sso-cookie.har');
  writeFileSync(renamed, readFileSync(fixture('testbed/proxy-address-change/recording.har'), 'utf8').replaceAll('crowd.token_key', 'mycorp_sso'));
  await page.fill('#sso-cookie', 'mycorp_sso');
  await analyzeFiles(page, [renamed]);
  assert.equal(await page.getAttribute('#report', 'data-primary-cause'), 'proxy-address-change');
  assert.match(await page.textContent('#sso-cookie-note'), /SSO cookie: mycorp_sso, as given/);
  assert.deepEqual(errors, []);
  await page.close();
});
