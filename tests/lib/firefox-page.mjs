// Drives the page (www/, served on loopback) in Debian's firefox-esr, headless, over WebDriver BiDi: chooses
// a HAR and then the same HAR gzipped in the page's file input, and prints both reports, what the page's list
// of chosen files called the gzip, and the console's errors, as JSON on stdout. Run by
// tests/firefox-page.test.mjs in a child process: Node 20 has WebSocket only behind --experimental-websocket.
// The files reach the input as report-recording.js hands the extension's recording to it (a DataTransfer):
// the page reads a File either way.
//
//   node --experimental-websocket tests/lib/firefox-page.mjs HAR
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { serve } from '../../scripts/serve.mjs';

const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const harPath = process.argv[2];
const har = readFileSync(harPath);
const version = /^version = "(.+)"$/m.exec(readFileSync(new URL('../../crate/Cargo.toml', import.meta.url), 'utf8'))[1];

const server = await serve(0);
const profile = mkdtempSync(join(tmpdir(), 'harlens-firefox-page-'));
writeFileSync(join(profile, 'user.js'), ['user_pref("browser.shell.checkDefaultBrowser", false);', 'user_pref("network.proxy.type", 0);'].join('\n'));
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
  const errors = [];
  ws.addEventListener('message', ({ data }) => {
    const m = JSON.parse(data);
    if (m.type === 'event' && m.method === 'log.entryAdded' && m.params.level === 'error') errors.push(m.params.text);
    waiting.get(m.id)?.(m);
    waiting.delete(m.id);
  });
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      waiting.set(id, (m) => (m.type === 'error' ? reject(new Error(`${method}: ${m.error}: ${m.message}`)) : resolve(m.result)));
      ws.send(JSON.stringify({ id, method, params }));
    });
  /** The value of `expression` (awaited), passed as JSON. */
  const evaluate = async (context, expression) => {
    const r = await send('script.evaluate', { expression: `(async () => JSON.stringify(await (${expression})))()`, target: { context }, awaitPromise: true });
    if (r.type !== 'success') throw new Error(`evaluate: ${JSON.stringify(r.exceptionDetails?.text ?? r)}`);
    return r.result.type === 'string' ? JSON.parse(r.result.value) : undefined;
  };
  /** Polls `probe` until it returns something other than null/undefined. */
  const until = async (what, probe, ms = 30_000) => {
    for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
      const value = await probe();
      if (value != null) return value;
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  await send('session.new', { capabilities: {} });
  await send('session.subscribe', { events: ['log.entryAdded'] });
  const tab = (await send('browsingContext.getTree', {})).contexts[0].context;
  await send('browsingContext.navigate', { context: tab, url: server.url, wait: 'complete' });
  await until('the WASM core', () => evaluate(tab, `document.getElementById('version').textContent === ${JSON.stringify(version)} || null`));

  /** Chooses one file (`name`, bytes) in the page's input and returns the report, or throws the page's error. */
  const analyze = async (name, bytes) => {
    await evaluate(tab, `(() => {
      document.getElementById('report').dataset.state = 'waiting';
      const bytes = Uint8Array.from(atob(${JSON.stringify(bytes.toString('base64'))}), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], ${JSON.stringify(name)}));
      const input = document.getElementById('files');
      input.files = transfer.files;
      input.dispatchEvent(new Event('change'));
    })()`);
    const state = await until(`the report of ${name}`, () => evaluate(tab, `['done', 'error'].includes(document.getElementById('report').dataset.state) ? document.getElementById('report').dataset.state : null`));
    if (state !== 'done') throw new Error(`${name}: ${await evaluate(tab, `document.getElementById('error').textContent`)}`);
    return evaluate(tab, `JSON.parse(document.getElementById('json').textContent)`);
  };
  const plain = await analyze(basename(harPath), har);
  const gz = await analyze('session.har.gz', gzipSync(har));
  const kinds = await evaluate(tab, `[...document.querySelectorAll('#chosen .kind')].map((k) => k.textContent)`);
  process.stdout.write(`${JSON.stringify({ plain, gz, kinds, errors })}\n`);
} finally {
  ws?.close();
  firefox.kill();
  await new Promise((resolve) => (firefox.exitCode === null ? firefox.once('exit', resolve) : resolve()));
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}
