// A hostile HAR: script payloads in the URL, header names and values, cookie names and values, Atlassian
// headers (shown in the verdict, the timeline and the table), the creator, and the bodies. The page must show
// them as text and run none of them. The CSP would block inline scripts anyway, so the test also checks that
// no element was created from the payloads: a rendering bug must fail here even with the CSP in place.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { startPage, analyzeFiles, outDir } from './lib/page.mjs';

const IMG = '<img src=x onerror="window.__pwned=1;alert(1)">';
const SCRIPT = '<script>window.__pwned=2;alert(2)</script>';
const SVG = '<svg onload="window.__pwned=3;alert(3)">';

function entry(i, { user, status = 200, extra = [] }) {
  return {
    startedDateTime: new Date(Date.UTC(2021, 9, 19, 16, 50, i * 30)).toISOString(),
    time: 12,
    request: {
      method: 'GET',
      url: `https://jira.example.test/track/browse/X-${i}?q=${IMG}&s=${SCRIPT}`,
      httpVersion: 'HTTP/1.1',
      headers: [
        { name: 'Cookie', value: `JSESSIONID=ABC${i}; crowd.token_key=tok; ${SVG}=${IMG}` },
        { name: `X-Evil-${SCRIPT}`, value: IMG },
      ],
      cookies: [{ name: SVG, value: SCRIPT }, { name: 'JSESSIONID', value: `ABC${i}` }, { name: 'crowd.token_key', value: 'tok' }],
      queryString: [],
      headersSize: -1,
      bodySize: 0,
      postData: { mimeType: 'text/html', text: SCRIPT },
    },
    response: {
      status,
      statusText: SCRIPT,
      httpVersion: 'HTTP/1.1',
      headers: [
        { name: 'X-AUSERNAME', value: user },
        { name: 'X-ASESSIONID', value: `sess${SVG}` },
        { name: 'X-ANODEID', value: IMG },
        { name: 'Set-Cookie', value: `${IMG}=${SCRIPT}; Path=/track` },
        ...extra,
      ],
      cookies: [{ name: IMG, value: SVG, path: '/track' }],
      content: { size: 40, mimeType: 'text/html', text: `<html>${SCRIPT}${IMG}</html>` },
      redirectURL: '',
      headersSize: -1,
      bodySize: 40,
    },
    cache: {},
    timings: { send: 1, wait: 10, receive: 1 },
    serverIPAddress: '192.0.2.10',
  };
}

const har = {
  log: {
    version: '1.2',
    creator: { name: SCRIPT, version: IMG },
    entries: [
      entry(0, { user: encodeURIComponent(IMG) }),
      entry(1, { user: encodeURIComponent(IMG) }),
      entry(2, { user: 'anonymous', status: 400, extra: [{ name: 'X-Seraph-LoginReason', value: 'OUT' }] }),
    ],
  },
};
const file = join(outDir, `${IMG.replace(/[^a-z]/gi, '')}.har`);
writeFileSync(file, JSON.stringify(har));

let ctx;
before(async () => { ctx = await startPage(); });
after(async () => { await ctx?.close(); });

test('script payloads in a HAR are shown as text and never run', async () => {
  const { page, dialogs, foreign, errors } = await ctx.open();
  await page.evaluate(() => { window.__pwned = undefined; });
  const before = await page.evaluate(() => document.querySelectorAll('script, img, iframe, object, embed').length);
  await analyzeFiles(page, file);
  assert.equal(await page.getAttribute('#report', 'data-state'), 'done');
  // Open every place HAR text reaches: the table, the detail pane with bodies, the timeline's tooltips.
  await page.click('#grid-body .grid-row[data-pos="0"]');
  await page.waitForSelector('#detail[data-entry="0:0"]');
  for (const d of await page.$$('#detail details')) await d.evaluate((n) => { n.open = true; });
  for (const mark of await page.$$('svg.plot [role="button"]')) { await mark.dispatchEvent('mouseenter'); await mark.focus(); }
  assert.ok(await page.$$eval('svg.plot [role="button"]', (m) => m.length) > 2, 'the timeline has marks');
  await page.fill('#f-text', 'img');
  await page.waitForFunction(() => /shown/.test(document.getElementById('entries-count').textContent));

  const detail = await page.textContent('#detail');
  assert.ok(detail.includes(IMG), 'the payload is shown as text in the detail pane');
  assert.ok(detail.includes(SCRIPT));
  assert.ok(detail.includes(`X-Evil-${SCRIPT}`));
  assert.ok((await page.textContent('#grid-body')).includes(IMG), 'the user payload is shown as text in the table');
  assert.ok((await page.textContent('#inputs')).includes(SCRIPT), 'the creator payload is shown as text');
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'no payload ran');
  assert.deepEqual(dialogs, []);
  const after = await page.evaluate(() => document.querySelectorAll('script, img, iframe, object, embed').length);
  assert.equal(after, before, 'no element was made from the payloads');
  assert.equal(await page.evaluate(() => document.querySelectorAll('[onerror], [onload]').length), 0);
  assert.deepEqual(foreign(), []);
  assert.deepEqual(errors, []);
  await page.screenshot({ path: join(outDir, 'page-xss.png'), fullPage: true });
  await page.close();
});
