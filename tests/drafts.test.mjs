// Nobody loses a comment to a lost session (issue 12): the extension (the Chromium test build, loaded
// unpacked) keeps drafts of what is typed on the watched sites, warns inside the page the moment the session is
// lost, before the user presses Save, and offers the draft back after the login. Against the test bed's Jira
// (the KB topology: a proxy changes its address, the next background REST call gets the 400), whose issue page
// has a comment form with a textarea and a contenteditable editor in a srcdoc iframe.
// What the extension shows lives in closed shadow roots: read and clicked through the DevTools protocol
// (tests/lib/extension.mjs). Timing (the banner within 1 s of the response) is measured by npm run bench.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';

import { launchExtension, packageTestBuild, watch, drafts, until, overlays, clickOverlay, contentScriptIn, contentScriptFrames } from './lib/extension.mjs';
import { World } from './testbed/world.mjs';
import { MINUTE } from './testbed/clock.mjs';
import { open, submitLogin, poll } from './testbed/actions.mjs';
import kb from './testbed/scenarios/proxy-address-change.mjs';

let ext;
let ui;
let forms; // a plain page server for the field-kind tests: http://forms.example.test:PORT

const COMMENT = 'Fixed in 8.13.7.\nPlease retest on the staging node.';

before(async () => {
  packageTestBuild();
  ext = await launchExtension();
  ui = ext.ui;
  forms = http.createServer((req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(FORMS_PAGE);
  });
  await new Promise((resolve) => forms.listen(0, '127.0.0.1', resolve));
});

after(async () => {
  await ext?.close();
  forms?.close();
});

const formsUrl = (path = '/fields') => `http://forms.example.test:${forms.address().port}${path}`;

/** The KB topology on ephemeral ports, logged in on the issue page. */
async function kbWorld() {
  const world = new World({ seed: 'drafts' });
  const ctx = kb.build(world, {});
  await world.start();
  const page = await ext.context.newPage();
  await open(page, `${ctx.base()}/browse/APS-3982`);
  await submitLogin(page);
  assert.match(page.url(), /\/track\/browse\/APS-3982$/);
  await contentScriptIn(page);
  return { world, ctx, page, issue: page.url() };
}

const editorFrame = async (page) => (await page.waitForSelector('#comment-editor')).contentFrame();

/** Types into the issue page's visual editor (the srcdoc iframe), as a user does. */
async function typeInEditor(page, text) {
  await page.frameLocator('#comment-editor').locator('body').click();
  const [first, ...rest] = text.split('\n');
  await page.keyboard.type(first);
  for (const line of rest) {
    await page.keyboard.press('Enter');
    await page.keyboard.type(line);
  }
}

/** The proxy hop moves and 7 minutes pass: the next poll is validated, rejected, and answered 400. */
async function loseSession({ world, ctx, page }) {
  ctx.httpd.setLocalAddress('127.0.0.22');
  await world.clock.skip(7 * MINUTE);
  assert.equal(await poll(page), 400);
}

test('a comment typed before the session is lost: warned in the page, kept, restored into the editor after the login, deleted once saved', { timeout: 90_000 }, async () => {
  await watch(ui, ['*://jira.example.test/*']);
  const kbw = await kbWorld();
  const { world, page, issue } = kbw;
  try {
    await typeInEditor(page, COMMENT);
    const kept = await until('the draft', async () => (await drafts(ui)).find((d) => d.text === COMMENT));
    assert.equal(kept.page, issue);
    assert.equal(kept.origin, new URL(issue).origin);
    assert.equal(kept.field, '#comment-editor > body');
    assert.equal(kept.kind, 'rich');

    await loseSession(kbw);
    // The banner, before the user presses Save (a bounded wait; its latency is in npm run bench).
    await page.waitForSelector('harlens-banner', { state: 'attached', timeout: 10_000 });
    const [banner] = await overlays(page, 'harlens-banner');
    assert.equal(banner.mode, 'closed');
    assert.match(banner.text, /^You were logged out of jira\.example\.test:\d+\/track at \d{1,2}:\d\d( [AP]M)?\./);
    assert.match(banner.text, /Cause: A proxy that Crowd does not trust changed its address\./);
    assert.match(banner.text, /Your draft on this page is safe/);
    assert.deepEqual(banner.buttons.map((b) => b.text), ['Log in in a new tab', 'Dismiss']);
    assert.equal(await page.evaluate(() => document.querySelector('harlens-banner').shadowRoot), null, 'the page cannot open the banner');

    // Save anyway: the REST call gets 401 and the page sends the user to the login page. The draft stays.
    await Promise.all([page.waitForURL(/\/login\.jsp\?/), page.click('#comment-save')]);
    await submitLogin(page); // back to the issue (os_destination)
    assert.equal(page.url(), issue);
    assert.deepEqual((await drafts(ui)).map((d) => d.text), [COMMENT]);

    // The editor offers it back; restoring types it in, with the input events an editor listens to.
    const frame = await editorFrame(page);
    await frame.waitForSelector('harlens-draft', { state: 'attached', timeout: 10_000 });
    const [offer] = await overlays(page, 'harlens-draft');
    assert.match(offer.text, /^Restore your draft \(saved \d{1,2}:\d\d( [AP]M)?\)/);
    await frame.evaluate(() => {
      window.seen = [];
      document.body.addEventListener('input', (e) => window.seen.push(e.inputType));
    });
    await clickOverlay(page, 'harlens-draft', /^Restore your draft/);
    assert.equal(await frame.evaluate(() => document.body.innerText), COMMENT);
    assert.ok((await frame.evaluate(() => window.seen)).includes('insertText'), 'the editor saw the text typed');
    assert.deepEqual(await overlays(page, 'harlens-draft'), [], 'the offer is gone');

    // Saved for real: the comment is on the issue, and the draft is deleted.
    await Promise.all([page.waitForNavigation(), page.click('#comment-save')]);
    assert.ok((await page.$$eval('.activity-comment', (n) => n.map((c) => c.textContent))).includes(COMMENT));
    await until('the draft deleted', async () => (await drafts(ui)).length === 0);
  } finally {
    await page.close();
    await world.close();
  }
});

test('the banner is reached by keyboard, "Log in in a new tab" opens the login page, and saving from the same form then works', { timeout: 90_000 }, async () => {
  await watch(ui, ['*://jira.example.test/*']);
  const kbw = await kbWorld();
  const { world, page } = kbw;
  try {
    await page.fill('#comment-text', 'Typed in the text mode.');
    await until('the draft', async () => (await drafts(ui)).length === 1);
    await loseSession(kbw);
    await page.waitForSelector('harlens-banner', { state: 'attached', timeout: 10_000 });
    // Tab from the form's Save button: the banner's first button, then Enter, as a keyboard user would.
    await page.focus('#comment-save');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.localName), 'harlens-banner');
    const [login] = await Promise.all([ext.context.waitForEvent('page'), page.keyboard.press('Enter')]);
    await login.waitForLoadState('load');
    assert.match(login.url(), /^http:\/\/jira\.example\.test:\d+\/track\/login\.jsp$/);
    await submitLogin(login);
    // The first page of the application showing the user again: the banner says so.
    await until('the banner saying the user is back', async () => /logged in to .* again/.test((await overlays(page, 'harlens-banner'))[0]?.text ?? ''));
    await login.close();
    // Dismissed from the keyboard.
    await page.focus('#comment-save');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    assert.deepEqual(await overlays(page, 'harlens-banner'), []);
    // The form the user never left saves now, and its draft goes.
    await Promise.all([page.waitForNavigation(), page.click('#comment-save')]);
    assert.ok((await page.$$eval('.activity-comment', (n) => n.map((c) => c.textContent))).includes('Typed in the text mode.'));
    await until('the draft deleted', async () => (await drafts(ui)).length === 0);
  } finally {
    await page.close();
    await world.close();
  }
});

test('drafts never appear in a raw or a sanitized export', { timeout: 90_000 }, async () => {
  await watch(ui, ['*://jira.example.test/*']);
  const { world, page } = await kbWorld();
  const marker = 'draft-only-7f3a9c text';
  try {
    await typeInEditor(page, marker);
    await until('the draft', async () => (await drafts(ui)).some((d) => d.text === marker));
    await poll(page);
  } finally {
    await page.close();
    await world.close();
  }
  const { raw, sanitized, entries } = await ui.evaluate(async () => {
    await chrome.runtime.sendMessage({ type: 'flush' });
    const { recordingHar, sanitize } = await import('./export.js');
    const r = await recordingHar();
    return { raw: r.text, entries: r.entries, sanitized: await (await sanitize(r.text)).blob.text() };
  });
  assert.ok(entries > 5, 'the visit was recorded');
  assert.ok(!raw.includes('7f3a9c') && !sanitized.includes('7f3a9c'));
});

/** Everything a form can hold, for the field-kind tests. */
const FORMS_PAGE = `<!doctype html><title>fields</title>
<form id="login" action="/login" method="post"><input id="user" name="username"><input id="pw" type="password" name="password"></form>
<input id="pw2" type="password">
<form id="f" action="/done" method="post">
<input id="otp" name="code" autocomplete="one-time-code">
<input id="card" name="cardholder" autocomplete="cc-number">
<input id="marked" name="note1" data-sensitive>
<input id="api" name="api_token">
<div class="fs-exclude"><textarea id="masked" name="masked"></textarea></div>
<input id="plain" name="summary">
<textarea id="notes" name="notes"></textarea>
<div id="rich" contenteditable="true"></div>
</form>`;

test('never kept: passwords, one-time codes, card numbers, fields marked sensitive, login forms', { timeout: 60_000 }, async () => {
  await watch(ui, ['*://forms.example.test/*']);
  const page = await ext.context.newPage();
  try {
    await page.goto(formsUrl());
    await contentScriptIn(page);
    for (const id of ['user', 'pw', 'pw2', 'otp', 'card', 'marked', 'api', 'masked', 'plain', 'notes', 'rich']) {
      await page.click(`#${id}`);
      await page.keyboard.type(`secret-${id}`);
    }
    await page.click('body');
    const kept = await until('the kept fields', async () => {
      const d = await drafts(ui);
      return d.length >= 3 && d;
    });
    await new Promise((r) => setTimeout(r, 1500)); // a write that should not happen would have happened by now
    const all = await drafts(ui);
    assert.deepEqual(all.map((d) => d.field).sort(), ['#notes', '#plain', '#rich']);
    assert.deepEqual(all.map((d) => d.text).sort(), ['secret-notes', 'secret-plain', 'secret-rich']);
    assert.equal(kept.length, 3);
  } finally {
    await page.close();
  }
  // The test bed's login page: neither the user name nor the password of a login form.
  const world = new World({ seed: 'drafts-login' });
  const ctx = kb.build(world, {});
  await world.start();
  await watch(ui, ['*://jira.example.test/*']);
  const login = await ext.context.newPage();
  try {
    await open(login, `${ctx.base()}/login.jsp`);
    await submitLogin(login);
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual((await drafts(ui)).filter((d) => d.origin.startsWith('http://jira.')), []);
  } finally {
    await login.close();
    await world.close();
  }
});

test('a site that is not watched gets no content script', { timeout: 60_000 }, async () => {
  await watch(ui, ['*://jira.example.test/*']);
  assert.deepEqual((await ui.evaluate(() => chrome.scripting.getRegisteredContentScripts())).map((s) => s.matches), [['*://jira.example.test/*']]);
  const world = new World({ seed: 'drafts-unwatched' });
  const ctx = kb.build(world, {});
  await world.start();
  const watched = await ext.context.newPage();
  const other = await ext.context.newPage();
  try {
    await watched.goto(`${ctx.base()}/login.jsp`);
    await other.goto(formsUrl());
    // Both pages are loaded; the script ran in the watched one (document_start), and would have in the other.
    await contentScriptIn(watched);
    await other.waitForLoadState('load');
    assert.deepEqual(await contentScriptFrames(other), []);
    await other.click('#notes');
    await other.keyboard.type('not watched');
    await other.click('body');
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await drafts(ui), []);
  } finally {
    await watched.close();
    await other.close();
    await world.close();
  }
});

test('drafts.js runs in the top frame only and keeps what is typed into a same-origin editor frame added after the page loaded, not into a frame of another origin', { timeout: 60_000 }, async () => {
  await watch(ui, ['*://forms.example.test/*']);
  const page = await ext.context.newPage();
  try {
    await page.goto(formsUrl());
    await contentScriptIn(page);
    // An editor created when the user starts a comment (as Jira's is), and a frame of another origin.
    await page.evaluate((other) => {
      const editor = document.createElement('iframe');
      editor.id = 'late';
      editor.srcdoc = '<body contenteditable></body>';
      const foreign = document.createElement('iframe');
      foreign.id = 'foreign';
      foreign.src = other;
      document.body.append(editor, foreign);
    }, formsUrl().replace('forms.example.test', 'other.example.test'));
    await page.frameLocator('#late').locator('body').click();
    await page.keyboard.type('Typed into a late editor');
    await page.frameLocator('#foreign').locator('#notes').click();
    await page.keyboard.type('Typed into another origin');
    await page.click('#plain'); // the editor frames lose the focus: what they had is written
    const kept = await until('the editor draft', async () => (await drafts(ui)).find((d) => d.field === '#late > body'));
    assert.equal(kept.text, 'Typed into a late editor');
    assert.equal(kept.kind, 'rich');
    assert.equal(kept.page, formsUrl());
    await new Promise((r) => setTimeout(r, 1500)); // a write that should not happen would have happened by now
    assert.deepEqual((await drafts(ui)).map((d) => d.field), ['#late > body']);
    assert.deepEqual(await contentScriptFrames(page), [await mainFrameId(page)], 'drafts.js runs in the top frame only');
  } finally {
    await page.close();
  }
});

/** The DevTools protocol's id of a page's top frame. */
async function mainFrameId(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    return (await cdp.send('Page.getFrameTree')).frameTree.frame.id;
  } finally {
    await cdp.detach();
  }
}

test('the banner shows its text as text: markup in an alert stays characters', { timeout: 60_000 }, async () => {
  await watch(ui, ['*://forms.example.test/*']);
  const page = await ext.context.newPage();
  try {
    await page.goto(formsUrl());
    await contentScriptIn(page);
    const evil = '<img src=x onerror="document.title=\'pwned\'"><b>bold</b>';
    await until('the banner', async () => {
      // As the background calls it (drafts-background.js), with markup where an alert has text.
      await ui.evaluate(async ([url, cause]) => {
        const tab = (await chrome.tabs.query({})).find((t) => t.url === url);
        const message = { app: `<i>${cause}</i>`, at: new Date().toISOString(), cause, drafts: true, hasDraft: false };
        await chrome.scripting.executeScript({ target: { tabId: tab.id, frameIds: [0] }, func: (m) => globalThis.harlens.banner(m), args: [message] });
      }, [formsUrl(), evil]);
      return (await overlays(page, 'harlens-banner')).length === 1;
    });
    const [banner] = await overlays(page, 'harlens-banner');
    assert.ok(banner.text.includes(`Cause: ${evil}.`), banner.text);
    assert.ok(banner.text.includes(`logged out of <i>${evil}</i>`));
    assert.deepEqual([...new Set(banner.elements)].sort(), ['button', 'div', 'p', 'style']);
    assert.equal(await page.title(), 'fields');
  } finally {
    await page.close();
  }
});

test('the popup lists the saved drafts per site (copy, delete); drafts off keeps nothing; the options delete them all; 7 days old are deleted', { timeout: 60_000 }, async () => {
  await watch(ui, ['*://forms.example.test/*']);
  const page = await ext.context.newPage();
  try {
    await page.goto(formsUrl('/fields?id=1'));
    await contentScriptIn(page);
    await page.click('#notes');
    await page.keyboard.type('The release notes for the first build need a second look before Friday at the latest.');
    await page.click('#plain');
    await page.keyboard.type('Summary line');
    await page.click('body');
    await until('two drafts', async () => (await drafts(ui)).length === 2);

    await ui.reload();
    await ui.waitForSelector('#drafts li.draft >> nth=1');
    assert.deepEqual(await ui.$$eval('#drafts h4', (h) => h.map((x) => x.textContent)), ['forms.example.test']);
    const words = await ui.$$eval('#drafts .words', (w) => w.map((x) => x.textContent));
    assert.deepEqual(words.sort(), ['Summary line', 'The release notes for the first build need a second look before …']);
    assert.match(await ui.textContent('#drafts li.draft .where'), /^\/fields\?id=1 · /);
    await ui.click('#drafts li.draft:has-text("Summary line") button:has-text("Copy")');
    await ui.waitForSelector('#message:has-text("Draft copied.")');
    // Pasted where the user would paste it (the options page's site field, outside the watched site).
    const options = await ext.context.newPage();
    await options.goto(`chrome-extension://${ext.extensionId}/options.html`);
    await options.focus('#site');
    await options.keyboard.press('Control+V');
    assert.equal(await options.inputValue('#site'), 'Summary line');
    await options.fill('#site', '');
    await ui.click('#drafts li.draft:has-text("Summary line") button:has-text("Delete")');
    await until('one draft left', async () => (await drafts(ui)).length === 1);
    await ui.waitForFunction(() => document.querySelectorAll('#drafts li.draft').length === 1);

    // Drafts off: nothing more is kept.
    await ui.evaluate(() => chrome.storage.local.set({ drafts: false }));
    await page.reload();
    await contentScriptIn(page);
    await page.click('#plain');
    await page.keyboard.type('Not kept');
    await page.click('body');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await drafts(ui)).length, 1);
    await ui.evaluate(() => chrome.storage.local.set({ drafts: true }));

    // A draft 8 days old goes when the prune alarm runs; the recent one stays.
    await ui.evaluate(async () => {
      const db = await new Promise((resolve, reject) => {
        const r = indexedDB.open('harlens-drafts');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const tx = db.transaction('drafts', 'readwrite');
      tx.objectStore('drafts').put({ origin: 'http://forms.example.test', page: 'http://forms.example.test/old', field: '#notes', text: 'old', kind: 'text', savedAt: Date.now() - 8 * 24 * 3600e3 });
      await new Promise((resolve) => (tx.oncomplete = resolve));
      db.close();
      await chrome.alarms.create('harlens-prune', { when: Date.now() });
    });
    await until('the old draft pruned', async () => (await drafts(ui)).every((d) => d.text !== 'old'));
    assert.equal((await drafts(ui)).length, 1);

    // The options page: the switch, and "Delete all drafts".
    await options.reload();
    await options.waitForSelector('#drafts-count:has-text("1 kept now")');
    assert.equal(await options.isChecked('#drafts'), true);
    await options.click('#clear-drafts');
    await options.waitForSelector('#saved:has-text("1 draft deleted.")');
    assert.deepEqual(await drafts(ui), []);
    await options.click('#drafts');
    await until('drafts off', () => ui.evaluate(async () => (await chrome.storage.local.get('drafts')).drafts === false));
    await options.close();
    await ui.evaluate(() => chrome.storage.local.set({ drafts: true }));
  } finally {
    await page.close();
  }
});

test('on an Atlassian page that is not watched, the popup offers "Watch this site", which asks for that site only', { timeout: 60_000 }, async () => {
  await watch(ui, []);
  const world = new World({ seed: 'drafts-watch' });
  const ctx = kb.build(world, {});
  await world.start();
  const page = await ext.context.newPage();
  try {
    await open(page, `${ctx.base()}/login.jsp`);
    await ui.reload();
    // The popup follows the tab the user is on (as the toolbar popup opens over it).
    await page.bringToFront();
    await ui.waitForSelector('#watch-offer:not([hidden])');
    assert.match(await ui.textContent('#watch-text'), /^jira\.example\.test:\d+ looks like an Atlassian application\./);
    // Not on a page that is not Atlassian's.
    await page.goto(formsUrl());
    await ui.waitForSelector('#watch-offer[hidden]', { state: 'attached' });
    await open(page, `${ctx.base()}/login.jsp`);
    await ui.waitForSelector('#watch-offer:not([hidden])');
    const requested = [];
    await ui.exposeFunction('noteRequest', (o) => requested.push(o));
    await ui.evaluate(() => {
      const request = chrome.permissions.request;
      chrome.permissions.request = (p) => {
        window.noteRequest(p.origins);
        return request.call(chrome.permissions, p);
      };
    });
    await ui.click('#watch');
    await ui.waitForSelector('#message:has-text("Watching")');
    assert.deepEqual(requested, [['http://jira.example.test/*']]);
    assert.deepEqual(await ui.evaluate(async () => (await chrome.storage.local.get('sites')).sites), ['http://jira.example.test/*']);
    await ui.waitForSelector('#watch-offer[hidden]', { state: 'attached' });
    // The site's content script is registered, and the open tab got it at once.
    assert.deepEqual((await ui.evaluate(() => chrome.scripting.getRegisteredContentScripts())).map((s) => s.matches), [['http://jira.example.test/*']]);
    await contentScriptIn(page);
  } finally {
    await page.close();
    await world.close();
  }
});
