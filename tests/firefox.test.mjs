// The packaged Firefox build (the zip `npm run package` writes) in Debian's firefox-esr, headless: it
// installs, the user adds the watched site on the options page and allows Firefox's prompt for it, and
// it records a request of that site (with Firefox's "\n"-joined Set-Cookie split into one header each).
// Skipped without firefox-esr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIREFOX } from './lib/bidi.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const version = /^version = "(.+)"$/m.exec(readFileSync(join(root, 'crate/Cargo.toml'), 'utf8'))[1];

test('the packaged Firefox build installs in firefox-esr, asks for the watched site, records it, keeps and restores a draft, and keeps one typed into an editor frame', { skip: !existsSync(FIREFOX) && `no ${FIREFOX}`, timeout: 80_000 }, () => {
  // `npm run package` minus the WASM build (www/pkg must exist, as for every extension test).
  execFileSync(process.execPath, [join(root, 'scripts/package-extension.mjs'), '--zip'], { stdio: 'inherit' });
  const zip = join(root, `extension/dist/harlens-firefox-${version}.zip`);
  const flags = typeof WebSocket === 'undefined' ? ['--experimental-websocket'] : [];
  const out = execFileSync(process.execPath, [...flags, join(root, 'tests/lib/firefox-bidi.mjs'), zip], { encoding: 'utf8', timeout: 70_000 });
  const { installed, manifest, grantedBefore, prompt, listed, sites, grantedAfter, site, entries, draft, offered, restored, edited } = JSON.parse(out.trim().split('\n').at(-1));
  assert.equal(installed.extension, 'harlens@harlens.invalid');
  // The shipped manifest as Firefox read it (absent keys normalized to [] and null): sites only as optional
  // hosts, nothing web-accessible (both of which the old test build added).
  assert.equal(manifest.version, version);
  assert.deepEqual(manifest.optional_host_permissions, ['https://*/*', 'http://*/*']);
  assert.deepEqual(manifest.host_permissions, []);
  assert.equal(manifest.web_accessible_resources, null);
  assert.equal(grantedBefore, false, 'no host permission before the user adds the site');
  // Firefox asked on the extension's behalf for the typed site and nothing else.
  assert.equal(prompt.extension, manifest.name);
  assert.equal(prompt.permissions.length, 1, prompt.permissions.join(' | '));
  assert.match(prompt.permissions[0], /127\.0\.0\.1/);
  assert.equal(grantedAfter, true);
  assert.deepEqual(sites, ['http://127.0.0.1/*']);
  assert.doesNotMatch(listed, /permission missing/);

  const entry = entries.find((e) => e.request.url === `${site}/recorded?q=1`);
  assert.ok(entry, `recorded: ${entries.map((e) => e.request.url).join(', ')}`);
  assert.equal(entry.response.status, 200);
  assert.deepEqual(entry.request.queryString, [{ name: 'q', value: '1' }]);
  assert.deepEqual(entry.response.cookies.map((c) => c.name), ['JSESSIONID', 'seraph.rememberme.cookie']);
  assert.equal(entry.response.headers.filter((h) => h.name.toLowerCase() === 'set-cookie').length, 2);
  assert.equal(entry.serverIPAddress, '127.0.0.1');

  // The draft: kept in the extension's storage for that page and field, offered back, restored.
  assert.deepEqual(draft && { page: draft.page, field: draft.field, text: draft.text, kind: draft.kind }, { page: `${site}/form`, field: '#comment', text: 'Kept by Firefox', kind: 'text' });
  assert.equal(offered, 'yes');
  assert.equal(restored, 'Kept by Firefox');
  // Typed into the page's editor frame, which drafts.js watches from the top frame.
  assert.deepEqual(edited && { page: edited.page, field: edited.field, kind: edited.kind }, { page: `${site}/form`, field: '#editor > body', kind: 'rich' });
});
