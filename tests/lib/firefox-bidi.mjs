// Drives Debian's firefox-esr headless over WebDriver BiDi (its own remote protocol; Playwright needs a
// patched Firefox): installs the extension's Firefox test build as a temporary add-on, lets it record a
// loopback request, and prints what the extension stored as JSON on stdout. Run by tests/firefox.test.mjs
// in a child process: Node 20 has WebSocket only behind --experimental-websocket.
//
//   node --experimental-websocket tests/lib/firefox-bidi.mjs EXTENSION_DIR
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const ADDON_ID = 'harlens@harlens.invalid';
const UUID = '6b3c1a6e-5f4e-4c1e-9d2a-0e6f3b1c2d4e'; // fixed so the test knows the moz-extension: origin

const extensionDir = process.argv[2];
const server = http.createServer((req, res) => {
  // Two cookies in one response: Firefox hands them to webRequest joined by "\n".
  res.setHeader('Set-Cookie', ['JSESSIONID=1A2B3C4D5E6F; Path=/; HttpOnly', 'seraph.rememberme.cookie=xyz%3A123; Path=/']);
  res.setHeader('Content-Type', 'text/html');
  res.end('<!doctype html><title>site</title><link rel="icon" href="data:,">');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const site = `http://127.0.0.1:${server.address().port}`;
const profile = mkdtempSync(join(tmpdir(), 'harlens-firefox-'));
writeFileSync(join(profile, 'user.js'), [
  `user_pref("extensions.webextensions.uuids", ${JSON.stringify(JSON.stringify({ [ADDON_ID]: UUID }))});`,
  'user_pref("browser.shell.checkDefaultBrowser", false);',
  'user_pref("network.proxy.type", 0);',
].join('\n'));
const firefox = spawn(FIREFOX, ['--headless', '--no-remote', '--profile', profile, '--remote-debugging-port=0', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
let ws;
try {
  const wsUrl = await new Promise((resolve, reject) => {
    let err = '';
    firefox.stderr.on('data', (d) => {
      err += d;
      const m = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]);
    });
    firefox.on('exit', (code) => reject(new Error(`firefox exited (${code}): ${err.slice(-500)}`)));
  });
  ws = new WebSocket(`${wsUrl}/session`);
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve);
    ws.addEventListener('error', () => reject(new Error('BiDi connection failed')));
  });
  let next = 0;
  const waiting = new Map();
  ws.addEventListener('message', ({ data }) => {
    const m = JSON.parse(data);
    waiting.get(m.id)?.(m);
    waiting.delete(m.id);
  });
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      waiting.set(id, (m) => (m.type === 'error' ? reject(new Error(`${method}: ${m.error}: ${m.message}`)) : resolve(m.result)));
      ws.send(JSON.stringify({ id, method, params }));
    });
  await send('session.new', { capabilities: {} });
  const installed = await send('webExtension.install', { extensionData: { type: 'path', path: extensionDir } });
  const context = (await send('browsingContext.getTree', {})).contexts[0].context;
  const evaluate = async (expression) => {
    const r = await send('script.evaluate', { expression, target: { context }, awaitPromise: true });
    if (r.type !== 'success') throw new Error(`evaluate: ${JSON.stringify(r.exceptionDetails?.text ?? r)}`);
    return r.result.value;
  };
  const go = (url) => send('browsingContext.navigate', { context, url, wait: 'complete' });
  const openExtensionPage = async () => {
    await go(`${site}/start`);
    await evaluate(`location.href = 'moz-extension://${UUID}/popup.html'; 1`);
    for (let i = 0; i < 100; i++) {
      if (await evaluate('location.protocol === "moz-extension:" && document.readyState === "complete"').catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the extension page did not open');
  };
  await openExtensionPage();
  await evaluate(`chrome.storage.local.set({ sites: ['http://127.0.0.1/*'], recording: true }).then(() => 'ok')`);
  // The background applies the new settings asynchronously (storage.onChanged): a request made right after
  // the change can pass unrecorded. Try a few times rather than guess a delay.
  let entries = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    await go(`${site}/recorded?q=1`);
    await openExtensionPage();
    entries = JSON.parse(await evaluate(`(async () => {
      await chrome.runtime.sendMessage({ type: 'flush' });
      const { allEntries } = await import('./storage.js');
      return JSON.stringify((await allEntries()).map(({ entry }) => entry));
    })()`));
    if (entries.some((e) => e.request.url === `${site}/recorded?q=1`)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  process.stdout.write(`${JSON.stringify({ installed, site, entries })}\n`);
} finally {
  ws?.close();
  firefox.kill();
  await new Promise((resolve) => (firefox.exitCode === null ? firefox.once('exit', resolve) : resolve()));
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
