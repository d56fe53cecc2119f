// A headless firefox-esr driven over WebDriver BiDi (its own remote protocol; Playwright needs a patched
// Firefox): starts it on a fresh profile, connects, and gives the few calls the Firefox drivers use
// (tests/lib/firefox-bidi.mjs, the extension; tests/lib/firefox-page.mjs, the page). Node 20 has WebSocket only
// behind --experimental-websocket, so the drivers run in a child process with that flag.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/**
 * Starts Firefox with `prefs` (user.js lines; the default-browser check and any proxy are always off) and extra
 * command-line `args`, and opens a BiDi session. `onEvent(message)` sees every event the session subscribes to.
 * Returns `{ send, evaluate, until, close }`; `close()` ends Firefox and removes the profile.
 */
export async function startFirefox({ prefs = [], args = [], onEvent = () => {} } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'harlens-firefox-'));
  writeFileSync(join(profile, 'user.js'), [...prefs, 'user_pref("browser.shell.checkDefaultBrowser", false);', 'user_pref("network.proxy.type", 0);'].join('\n'));
  const firefox = spawn(FIREFOX, ['--headless', '--no-remote', '--profile', profile, '--remote-debugging-port=0', ...args, 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let ws;
  const close = async () => {
    ws?.close();
    firefox.kill();
    await new Promise((resolve) => (firefox.exitCode === null ? firefox.once('exit', resolve) : resolve()));
    rmSync(profile, { recursive: true, force: true });
  };
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
  } catch (err) {
    await close();
    throw err;
  }
  let next = 0;
  const waiting = new Map();
  ws.addEventListener('message', ({ data }) => {
    const m = JSON.parse(data);
    if (m.type === 'event') onEvent(m);
    waiting.get(m.id)?.(m);
    waiting.delete(m.id);
  });
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      waiting.set(id, (m) => (m.type === 'error' ? reject(new Error(`${method}: ${m.error}: ${m.message}`)) : resolve(m.result)));
      ws.send(JSON.stringify({ id, method, params }));
    });
  /** The value of `expression` (awaited), passed as JSON: BiDi serializes objects as lists of remote values. */
  const evaluate = async (context, expression) => {
    const r = await send('script.evaluate', { expression: `(async () => JSON.stringify(await (${expression})))()`, target: { context }, awaitPromise: true });
    if (r.type !== 'success') throw new Error(`evaluate: ${JSON.stringify(r.exceptionDetails?.text ?? r)}`);
    return r.result.type === 'string' ? JSON.parse(r.result.value) : undefined;
  };
  /** Polls `probe` until it returns something other than null/undefined. */
  const until = async (what, probe, ms = 10_000) => {
    for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
      const value = await probe();
      if (value != null) return value;
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  return { send, evaluate, until, close };
}
