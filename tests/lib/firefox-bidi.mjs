// Drives Debian's firefox-esr headless over WebDriver BiDi (its own remote protocol; Playwright needs a
// patched Firefox) through what a user does with the packaged Firefox build: installs the zip that
// `npm run package` writes, opens the options page, types the watched site and clicks "Add site", answers
// Firefox's permission prompt with "Allow", browses the site in another tab, types a comment there (a draft),
// comes back and restores it, types into the page's editor frame, and prints what the extension recorded and kept, with what each step showed, as
// JSON on stdout. Run by tests/firefox.test.mjs in a child
// process: Node 20 has WebSocket only behind --experimental-websocket.
//
//   node --experimental-websocket tests/lib/firefox-bidi.mjs EXTENSION_ZIP
import http from 'node:http';

import { startFirefox } from './bidi.mjs';

const ADDON_ID = 'harlens@harlens.invalid';
const UUID = '6b3c1a6e-5f4e-4c1e-9d2a-0e6f3b1c2d4e'; // fixed so the test knows the moz-extension: origin
const OPTIONS = `moz-extension://${UUID}/options.html`;

const zip = process.argv[2];
const server = http.createServer((req, res) => {
  // Two cookies in one response: Firefox hands them to webRequest joined by "\n".
  res.setHeader('Set-Cookie', ['JSESSIONID=1A2B3C4D5E6F; Path=/; HttpOnly', 'seraph.rememberme.cookie=xyz%3A123; Path=/']);
  res.setHeader('Content-Type', 'text/html');
  // /form: a comment box, where the extension keeps a draft and offers it back, and a rich-text editor in a
  // srcdoc frame (drafts.js runs in the top frame and watches it from there).
  res.end(req.url === '/form' ? '<!doctype html><title>form</title><link rel="icon" href="data:,"><textarea id="comment"></textarea><iframe id="editor" srcdoc="<body contenteditable></body>"></iframe>' : '<!doctype html><title>site</title><link rel="icon" href="data:,">');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const site = `http://127.0.0.1:${server.address().port}`;
// --remote-allow-system-access: BiDi navigates only to http(s)/file/blob without it, and the packaged build
// has no web-accessible page to reach from a site. With it, the test opens the options page as the user
// does (about:addons opens that same URL in a tab) and sees Firefox's permission prompt, which lives in
// the browser window (a privileged "chrome" context). Pages and the extension run exactly as shipped.
const firefox = await startFirefox({
  prefs: [
    `user_pref("extensions.webextensions.uuids", ${JSON.stringify(JSON.stringify({ [ADDON_ID]: UUID }))});`,
    // The zip is unsigned (AMO signs what it publishes). ESR honours this pref (release Firefox does not), so
    // the zip installs as a regular add-on, through the same checks as a file the user picks in about:addons.
    'user_pref("xpinstall.signatures.required", false);',
  ],
  args: ['--remote-allow-system-access'],
}).catch((err) => {
  server.close();
  throw err;
});
const { send, evaluate, until } = firefox;
try {
  await send('session.new', { capabilities: {} });
  // moz:permanent: a regular install of the zip, not a temporary add-on loaded from a folder.
  const installed = await send('webExtension.install', { extensionData: { type: 'archivePath', path: zip }, 'moz:permanent': true });

  const tab = (await send('browsingContext.getTree', {})).contexts[0].context;
  await send('browsingContext.navigate', { context: tab, url: OPTIONS, wait: 'complete' });
  const manifest = await evaluate(tab, 'chrome.runtime.getManifest()');
  const grantedBefore = await evaluate(tab, `chrome.permissions.contains({ origins: ['http://127.0.0.1/*'] })`);

  // Real input events (BiDi input.performActions), as the user's: permissions.request must come from a
  // user input handler, and Firefox rejects it otherwise (a script's button.click() is refused).
  const node = async (css) => {
    const { nodes } = await send('browsingContext.locateNodes', { context: tab, locator: { type: 'css', value: css } });
    if (nodes.length !== 1) throw new Error(`${css}: ${nodes.length} nodes on the options page`);
    return { type: 'element', element: { sharedId: nodes[0].sharedId } };
  };
  const click = async (css) => {
    const origin = await node(css);
    await send('input.performActions', {
      context: tab,
      actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions: [{ type: 'pointerMove', x: 0, y: 0, origin }, { type: 'pointerDown', button: 0 }, { type: 'pointerUp', button: 0 }] }],
    });
  };
  await click('#site');
  // The address as copied from the address bar, port included (a site pattern ignores ports).
  await send('input.performActions', { context: tab, actions: [{ type: 'key', id: 'keyboard', actions: [...site].flatMap((value) => [{ type: 'keyDown', value }, { type: 'keyUp', value }]) }] });
  await click('#add-site button[type=submit]');

  // Firefox's prompt for the optional host permission, in the browser window.
  const browserWindow = (await send('browsingContext.getTree', { 'moz:scope': 'chrome' })).contexts[0].context;
  const PROMPT = `document.getElementById('addon-webext-permissions-notification')`;
  const siteError = () => evaluate(tab, `document.getElementById('site-error').textContent`);
  const prompt = await until('the permission prompt', async () => {
    const error = await siteError();
    if (error) throw new Error(`the options page says: ${error}`);
    return evaluate(browserWindow, `(() => {
      const n = ${PROMPT};
      if (!n || PopupNotifications.panel.state !== 'open') return null;
      return { extension: n.getAttribute('name'), permissions: [...n.querySelectorAll('li')].map((li) => li.textContent.trim()) };
    })()`);
  });
  // "Allow" is Firefox's own button; BiDi input actions do not reach the browser window, so it is clicked
  // from script there. Its handler (unlike permissions.request) does not ask for a user gesture.
  await evaluate(browserWindow, `${PROMPT}.button.click()`);
  // The options page lists the site once granted and saved (noting "permission missing" if it finds none).
  const listed = await until('the site in the options list', async () => {
    const error = await siteError();
    if (error) throw new Error(`the options page says: ${error}`);
    const text = await evaluate(tab, `document.getElementById('sites').textContent`);
    return text ? text : null;
  });
  const { sites } = await evaluate(tab, `chrome.storage.local.get('sites')`);
  const grantedAfter = await evaluate(tab, `chrome.permissions.contains({ origins: ['http://127.0.0.1/*'] })`);

  // The user browses the site in another tab; the options page stays open to read the recording as the
  // popup's raw export does (export.js).
  const siteTab = (await send('browsingContext.create', { type: 'tab' })).context;
  // The background applies the new settings asynchronously (storage.onChanged): a request made right after
  // the change can pass unrecorded. Try a few times rather than guess a delay.
  let entries = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    await send('browsingContext.navigate', { context: siteTab, url: `${site}/recorded?q=1`, wait: 'complete' });
    entries = JSON.parse(await evaluate(tab, `import('./export.js').then(({ recordingHar }) => recordingHar()).then(({ text }) => text)`)).log.entries;
    if (entries.some((e) => e.request.url === `${site}/recorded?q=1`)) break;
    await new Promise((r) => setTimeout(r, 200));
  }

  // A draft: typed into the site's comment box (drafts.js, registered for the site when it was added), kept,
  // then offered back on the next visit and restored from the keyboard (Tab to the offer, Enter).
  const DRAFT = 'Kept by Firefox';
  const keys = (values) => send('input.performActions', { context: siteTab, actions: [{ type: 'key', id: 'keyboard', actions: values.flatMap((value) => [{ type: 'keyDown', value }, { type: 'keyUp', value }]) }] });
  const focusComment = () => send('input.performActions', {
    context: siteTab,
    actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions: [{ type: 'pointerMove', x: 0, y: 0, origin: { type: 'element', element: { sharedId: commentNode } } }, { type: 'pointerDown', button: 0 }, { type: 'pointerUp', button: 0 }] }],
  });
  const drafts = () => evaluate(tab, `import('./drafts-store.js').then((m) => m.allDrafts())`);
  let commentNode;
  let draft = null;
  for (let attempt = 0; attempt < 5 && !draft; attempt++) {
    await send('browsingContext.navigate', { context: siteTab, url: `${site}/form`, wait: 'complete' });
    commentNode = (await send('browsingContext.locateNodes', { context: siteTab, locator: { type: 'css', value: '#comment' } })).nodes[0].sharedId;
    await new Promise((r) => setTimeout(r, 300)); // the content script has started (document_start); the page settles
    await focusComment();
    await keys([...DRAFT]);
    await evaluate(siteTab, `document.getElementById('comment').blur()`);
    draft = await until('the draft', async () => (await drafts()).find((d) => d.text === DRAFT) ?? null, 3000).catch(() => null);
  }
  await send('browsingContext.navigate', { context: siteTab, url: `${site}/form`, wait: 'complete' });
  const offered = await until('the restore offer', () => evaluate(siteTab, `document.querySelector('harlens-draft') ? 'yes' : null`), 5000).catch(() => 'no');
  commentNode = (await send('browsingContext.locateNodes', { context: siteTab, locator: { type: 'css', value: '#comment' } })).nodes[0].sharedId;
  await focusComment();
  await keys(['\uE004', '\uE007']); // Tab, Enter
  const restored = await until('the restored text', () => evaluate(siteTab, `document.getElementById('comment').value || null`), 5000).catch(() => '');
  // The editor frame: the focus moves into it, typed keys go there, and the focus leaves it.
  const EDITED = 'Kept from the editor frame';
  const { contexts } = await send('browsingContext.getTree', { root: siteTab });
  const editor = contexts[0].children[0].context;
  await evaluate(editor, `document.body.focus()`);
  await keys([...EDITED]);
  await evaluate(siteTab, `document.getElementById('comment').focus()`);
  // (Firefox's contenteditable body may start with empty lines of its own.)
  const edited = await until('the editor draft', async () => (await drafts()).find((d) => d.text.trim() === EDITED) ?? null, 5000).catch(() => null);
  process.stdout.write(`${JSON.stringify({ installed, manifest, grantedBefore, prompt, listed, sites, grantedAfter, site, entries, draft, offered, restored, edited })}\n`);
} finally {
  await firefox.close();
  server.close();
}
