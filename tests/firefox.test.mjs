// The Firefox build in Debian's firefox-esr, headless: it installs, and it records a request of a watched
// site (with Firefox's "\n"-joined Set-Cookie split into one header each). Skipped without firefox-esr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

test('the Firefox build installs in firefox-esr and records a watched request', { skip: !existsSync(FIREFOX) && `no ${FIREFOX}`, timeout: 60_000 }, () => {
  execFileSync(process.execPath, [join(root, 'scripts/package-extension.mjs'), '--test'], { stdio: 'inherit' });
  const flags = typeof WebSocket === 'undefined' ? ['--experimental-websocket'] : [];
  const out = execFileSync(process.execPath, [...flags, join(root, 'tests/lib/firefox-bidi.mjs'), join(root, 'extension/dist/firefox-test')], { encoding: 'utf8', timeout: 50_000 });
  const { installed, site, entries } = JSON.parse(out.trim().split('\n').at(-1));
  assert.equal(installed.extension, 'harlens@harlens.invalid');
  const entry = entries.find((e) => e.request.url === `${site}/recorded?q=1`);
  assert.ok(entry, `recorded: ${entries.map((e) => e.request.url).join(', ')}`);
  assert.equal(entry.response.status, 200);
  assert.deepEqual(entry.request.queryString, [{ name: 'q', value: '1' }]);
  assert.deepEqual(entry.response.cookies.map((c) => c.name), ['JSESSIONID', 'seraph.rememberme.cookie']);
  assert.equal(entry.response.headers.filter((h) => h.name.toLowerCase() === 'set-cookie').length, 2);
  assert.equal(entry.serverIPAddress, '127.0.0.1');
});
