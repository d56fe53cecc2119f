// The extension's packages: what each browser's manifest asks for (nothing broad, no remote code), the zips,
// no HTML injection sinks in the sources, and `web-ext lint` of the Firefox build (when web-ext is installed).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'extension/dist');
const version = /^version = "(.+)"$/m.exec(readFileSync(join(root, 'crate/Cargo.toml'), 'utf8'))[1];
const manifest = (browser) => JSON.parse(readFileSync(join(dist, browser, 'manifest.json'), 'utf8'));

before(() => {
  execFileSync(process.execPath, [join(root, 'scripts/package-extension.mjs'), '--zip'], { stdio: 'inherit' });
});

test('the shipped manifests ask for nothing broad and allow no remote code', () => {
  for (const browser of ['chromium', 'firefox']) {
    const m = manifest(browser);
    assert.equal(m.manifest_version, 3);
    assert.equal(m.version, version);
    // No permission that grants a site or warns at install: scripting registers drafts.js for granted sites
    // only, activeTab lasts while the popup is open on a tab.
    assert.deepEqual(m.permissions, ['webRequest', 'storage', 'notifications', 'scripting', 'alarms', 'activeTab']);
    assert.equal(m.host_permissions, undefined, 'sites are optional host permissions, requested at runtime');
    assert.equal(m.content_scripts, undefined, 'drafts.js is registered at run time for the watched sites, never for all');
    assert.ok(existsSync(join(dist, browser, 'drafts.js')));
    assert.equal(m.web_accessible_resources, undefined);
    assert.match(m.content_security_policy.extension_pages, /^script-src 'self' 'wasm-unsafe-eval';/);
    // Both WASM modules: the report page's worker loads the first, the extension's own scripts the full one.
    for (const f of ['harlens.js', 'harlens_bg.wasm', 'harlens_full.js', 'harlens_full_bg.wasm']) assert.ok(existsSync(join(dist, browser, 'pkg', f)), f);
    assert.ok(existsSync(join(dist, `harlens-${browser}-${version}.zip`)));
  }
  assert.deepEqual(manifest('chromium').background, { service_worker: 'background.js', type: 'module' });
  assert.equal(manifest('chromium').browser_specific_settings, undefined);
  const firefox = manifest('firefox');
  assert.deepEqual(firefox.background, { scripts: ['background.js'], type: 'module' });
  assert.deepEqual(firefox.browser_specific_settings.gecko.data_collection_permissions, { required: ['none'] });
});

test('no extension source writes HTML', () => {
  const sinks = /innerHTML|outerHTML|insertAdjacentHTML|document\.write/;
  const sources = readdirSync(join(root, 'extension')).filter((f) => /\.(js|html)$/.test(f));
  assert.ok(sources.length > 5);
  for (const f of sources) assert.doesNotMatch(readFileSync(join(root, 'extension', f), 'utf8'), sinks, f);
});

test('the popup and options pages use the analyzer page\'s palette, light and dark', () => {
  // Each `--name: value` of a rule, per rule kind (the light :root, the dark media query).
  const palette = (css, selector) => {
    const at = css.indexOf(selector);
    assert.ok(at >= 0, selector);
    const block = css.slice(css.indexOf('{', at + selector.length - 1) + 1, css.indexOf('}', at));
    return Object.fromEntries([...block.matchAll(/--([a-z-]+):\s*([^;]+);/g)].map((m) => [m[1], m[2].trim()]));
  };
  const page = readFileSync(join(root, 'www/style.css'), 'utf8');
  const ui = readFileSync(join(root, 'extension/ui.css'), 'utf8');
  const light = palette(ui, ':root {');
  const dark = palette(ui.slice(ui.indexOf('@media (prefers-color-scheme: dark)')), ':root {');
  assert.ok(Object.keys(light).length >= 12 && Object.keys(dark).length >= 10);
  const pageLight = palette(page, ':root {');
  const pageDark = palette(page.slice(page.indexOf('@media (prefers-color-scheme: dark)')), ':root:not([data-theme="light"]) {');
  for (const [k, v] of Object.entries(light)) assert.equal(v, pageLight[k], `--${k} (light)`);
  for (const [k, v] of Object.entries(dark)) assert.equal(v, pageDark[k], `--${k} (dark)`);
});

const webExt = join(root, 'node_modules/.bin/web-ext');
test('web-ext lint finds nothing in the Firefox build', { skip: !existsSync(webExt) && 'web-ext is not installed' }, () => {
  const out = execFileSync(webExt, ['lint', '--source-dir', join(dist, 'firefox'), '--output', 'json', '--no-input'], { encoding: 'utf8' });
  const { summary, errors, warnings } = JSON.parse(out);
  assert.deepEqual({ errors: summary.errors, warnings: summary.warnings }, { errors: 0, warnings: 0 }, JSON.stringify([...errors, ...warnings]));
});
