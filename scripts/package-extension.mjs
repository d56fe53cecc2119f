#!/usr/bin/env node
// Builds the browser extension from extension/ and the WASM package in www/pkg (build it first:
// `bash scripts/build.sh wasm`) into extension/dist/chromium and extension/dist/firefox, with the one
// manifest adjusted per browser, and zips each for the stores (with web-ext build).
//
//   node scripts/package-extension.mjs [--zip] [--test]
//
// --zip   also writes extension/dist/harlens-<browser>-<version>.zip
// --test  writes extension/dist/chromium-test instead: the Chromium build plus host permissions for the test
//         bed (*.example.test, 127.0.0.1), for tests/extension.test.mjs and the bench, which drive Chromium
//         and cannot click its permission prompt. Never shipped, never zipped. (Firefox's test installs the
//         zip itself and allows the prompt.)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const src = join(root, 'extension');
const www = join(root, 'www');
const dist = join(src, 'dist');
const args = new Set(process.argv.slice(2));
const version = /^version = "(.+)"$/m.exec(readFileSync(join(root, 'crate/Cargo.toml'), 'utf8'))[1];

// The extension's own files (one per feature), the analyzer page's files (the full report), the WASM core.
const OWN = [
  'background.js', 'recorder.js', 'storage.js', 'monitor.js', 'settings.js', 'urls.js', 'export.js',
  'drafts.js', 'drafts-store.js', 'drafts-background.js',
  'popup.html', 'popup.js', 'options.html', 'options.js', 'report-recording.js', 'ui.css',
];
const PAGE = ['app.js', 'worker.js', 'style.css'];
/** The page's module folders, copied whole so that a new module of the page needs no change here. */
const PAGE_DIRS = ['js'];
// Both modules: the extension's own scripts use the full one (live monitor, sanitizer), the report page's
// worker the page's first module, and the full one for logs, sanitizing and the simulation, as on the page.
const PKG = ['harlens.js', 'harlens_bg.wasm', 'harlens_full.js', 'harlens_full_bg.wasm'];

/** manifest.json5 allows full-line `//` comments only, so stripping them leaves plain JSON. */
function baseManifest() {
  const text = readFileSync(join(src, 'manifest.json5'), 'utf8');
  return JSON.parse(text.split('\n').filter((l) => !/^\s*\/\//.test(l)).join('\n'));
}

function manifestFor(browser, { test = false } = {}) {
  const m = baseManifest();
  delete m.$schema;
  m.version = version;
  if (browser === 'firefox') {
    m.background = { scripts: [m.background.service_worker], type: 'module' };
    m.browser_specific_settings = {
      gecko: {
        id: 'harlens@harlens.invalid',
        // data_collection_permissions: Firefox 140+ (and ESR 140).
        strict_min_version: '140.0',
        data_collection_permissions: { required: ['none'] },
      },
      // Firefox for Android reads data_collection_permissions from 142.
      gecko_android: { strict_min_version: '142.0' },
    };
  }
  if (test) m.host_permissions = ['*://*.example.test/*', 'http://127.0.0.1/*'];
  return m;
}

function build(name, browser, options) {
  const out = join(dist, name);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'pkg'), { recursive: true });
  mkdirSync(join(out, 'icons'), { recursive: true });
  for (const f of OWN) copyFileSync(join(src, f), join(out, f));
  for (const f of readdirSync(join(src, 'icons'))) copyFileSync(join(src, 'icons', f), join(out, 'icons', f));
  for (const f of PAGE) copyFileSync(join(www, f), join(out, f));
  for (const dir of PAGE_DIRS) {
    mkdirSync(join(out, dir), { recursive: true });
    for (const f of readdirSync(join(www, dir))) copyFileSync(join(www, dir, f), join(out, dir, f));
  }
  for (const f of PKG) {
    const from = join(www, 'pkg', f);
    if (!existsSync(from)) throw new Error(`${from} is missing: run \`bash scripts/build.sh wasm\` first`);
    copyFileSync(from, join(out, 'pkg', f));
  }
  // The full report is the analyzer page itself, plus the script that opens it on the recording.
  const page = readFileSync(join(www, 'index.html'), 'utf8');
  if (!page.includes('</head>')) throw new Error('www/index.html has no </head>');
  writeFileSync(join(out, 'report.html'), page.replace('</head>', '  <script type="module" src="report-recording.js"></script>\n</head>'));
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifestFor(browser, options), null, 2)}\n`);
  return out;
}

/** The store archive of a build, made by Mozilla's web-ext (a devDependency): the same zip the stores accept. */
function zip(dir, target) {
  const webExt = join(root, 'node_modules', '.bin', 'web-ext');
  if (!existsSync(webExt)) throw new Error('web-ext is missing: run `bash scripts/bootstrap.sh npm` first');
  const r = spawnSync(webExt, ['build', '--source-dir', dir, '--artifacts-dir', dirname(target), '--filename', basename(target), '--overwrite-dest', '--no-input'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`web-ext build failed: ${r.stderr || r.stdout}`);
}

if (args.has('--test')) {
  console.error(`package-extension: ${build('chromium-test', 'chromium', { test: true })}`);
} else {
  for (const browser of ['chromium', 'firefox']) {
    const out = build(browser, browser);
    console.error(`package-extension: ${out}`);
    if (args.has('--zip')) {
      const target = join(dist, `harlens-${browser}-${version}.zip`);
      zip(out, target);
      console.error(`package-extension: ${target}`);
    }
  }
}
