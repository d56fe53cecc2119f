// The page in Debian's firefox-esr, headless: a .har.gz is inflated there (DecompressionStream, the full
// module) and gives the report of the plain HAR. One cheap smoke test; the archive cases themselves are
// tested in Chromium (page-archives*.test.mjs). Skipped without firefox-esr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { fixture } from './lib/page.mjs';
import { FIREFOX } from './lib/bidi.mjs';


test('firefox-esr: a .har.gz dropped on the page gives the report of the plain HAR', { skip: !existsSync(FIREFOX) && `no ${FIREFOX}`, timeout: 80_000 }, () => {
  const flags = typeof WebSocket === 'undefined' ? ['--experimental-websocket'] : [];
  const script = fileURLToPath(new URL('./lib/firefox-page.mjs', import.meta.url));
  const out = execFileSync(process.execPath, [...flags, script, fixture('testbed/proxy-address-change/recording.har')], { encoding: 'utf8', timeout: 70_000 });
  const { plain, gz, kinds, errors } = JSON.parse(out.trim().split('\n').at(-1));
  assert.equal(plain.summary.primary_cause, 'proxy-address-change');
  assert.deepEqual(kinds, ['gzip']);
  assert.equal(gz.inputs[0].compression, 'gzip');
  assert.equal(gz.inputs[0].entries, plain.inputs[0].entries);
  for (const key of ['summary', 'losses', 'findings', 'sso_cookie']) assert.deepEqual(gz[key], plain[key], key);
  assert.deepEqual(errors, []);
});
