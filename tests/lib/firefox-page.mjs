// Drives the page (www/, served on loopback) in Debian's firefox-esr, headless, over WebDriver BiDi (bidi.mjs): chooses
// a HAR and then the same HAR gzipped in the page's file input, and prints both reports, what the page's list
// of chosen files called the gzip, and the console's errors, as JSON on stdout. Run by
// tests/firefox-page.test.mjs in a child process: Node 20 has WebSocket only behind --experimental-websocket.
// The files reach the input as report-recording.js hands the extension's recording to it (a DataTransfer):
// the page reads a File either way.
//
//   node --experimental-websocket tests/lib/firefox-page.mjs HAR
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gzipSync } from 'node:zlib';

import { serve } from '../../scripts/serve.mjs';
import { startFirefox } from './bidi.mjs';

const harPath = process.argv[2];
const har = readFileSync(harPath);
const version = /^version = "(.+)"$/m.exec(readFileSync(new URL('../../crate/Cargo.toml', import.meta.url), 'utf8'))[1];

const server = await serve(0);
const errors = [];
const firefox = await startFirefox({ onEvent: (m) => m.method === 'log.entryAdded' && m.params.level === 'error' && errors.push(m.params.text) }).catch(async (err) => {
  await server.close();
  throw err;
});
const { send, evaluate } = firefox;
/** Polls `probe` until it returns something other than null/undefined (the page's work: 30 s). */
const until = (what, probe, ms = 30_000) => firefox.until(what, probe, ms);
try {
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
  await firefox.close();
  await server.close();
}
