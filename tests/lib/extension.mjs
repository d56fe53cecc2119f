// The Chromium test build of the extension in a fresh headless profile (tests and benchmarks), and what the
// extension shows inside web pages: closed shadow roots, which page scripts and Playwright's selectors cannot
// reach, read and clicked through the DevTools protocol's DOM domain (`pierce: true` includes closed roots).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { CHROMIUM, CHROMIUM_ARGS } from './browser.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** The shipped Chromium build plus host permissions for the test bed (no permission prompt to click). */
export const EXTENSION_DIR = join(root, 'extension/dist/chromium-test');
export const RESOLVER = '--host-resolver-rules=MAP *.example.test 127.0.0.1';

/** Builds the test variant (www/pkg must exist). */
export function packageTestBuild() {
  execFileSync(process.execPath, [join(root, 'scripts/package-extension.mjs'), '--test'], { stdio: 'inherit' });
}

/**
 * A persistent profile with the extension loaded; `ui` is its popup page in a tab (runtime messages,
 * IndexedDB, storage). `close()` removes the profile.
 */
export async function launchExtension() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'harlens-ext-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, `--disable-extensions-except=${EXTENSION_DIR}`, `--load-extension=${EXTENSION_DIR}`, RESOLVER],
  });
  const sw = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(sw.url()).host;
  const ui = await context.newPage();
  await ui.goto(`chrome-extension://${extensionId}/popup.html`);
  return {
    context,
    extensionId,
    ui,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Watches exactly `sites` from now on, with an empty recording, no alerts and no drafts; `extra` settings
 * too. Returns once the background has registered the content script for those sites.
 */
export async function watch(ui, sites, extra = {}) {
  await ui.evaluate(async ([s, e]) => {
    await chrome.storage.local.set({ sites: s, trustedProxies: '', recording: true, drafts: true, ...e });
    const answer = await chrome.runtime.sendMessage({ type: 'clear' });
    if (!answer.ok) throw new Error(answer.error);
    await (await import('./drafts-store.js')).clearDrafts();
  }, [sites, extra]);
  const registered = () => ui.evaluate(async () => (await chrome.scripting.getRegisteredContentScripts()).flatMap((c) => c.matches));
  await until('the content script registered for the watched sites', async () => JSON.stringify(await registered()) === JSON.stringify(sites));
}

/** Every stored draft, newest first (read as the popup reads them). */
export function drafts(ui) {
  return ui.evaluate(() => import('./drafts-store.js').then((m) => m.allDrafts()));
}

/** Polls `probe` until it returns something truthy (bounded: the test fails instead of hanging). */
export async function until(what, probe, ms = 10_000) {
  for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 50))) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
  }
}

/**
 * The frames of `page` where drafts.js has run: the `harlens` object it leaves in the extension's isolated
 * world, read through the DevTools protocol. (Chromium creates that world in every page of a permitted host,
 * script or not.)
 */
export async function contentScriptFrames(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const contexts = [];
    cdp.on('Runtime.executionContextCreated', ({ context }) => contexts.push(context));
    await cdp.send('Runtime.enable'); // reports the contexts that exist already
    const running = [];
    for (const c of contexts.filter((x) => x.auxData?.type === 'isolated')) {
      const r = await cdp.send('Runtime.evaluate', { expression: "typeof globalThis.harlens === 'object'", contextId: c.id, returnByValue: true }).catch(() => null);
      if (r?.result?.value === true) running.push(c.auxData.frameId);
    }
    return running;
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/** Waits until drafts.js runs in `page` (it starts with the document). */
export async function contentScriptIn(page) {
  await until('the content script', async () => (await contentScriptFrames(page)).length > 0);
}

function walk(node, visit, inShadow = null) {
  visit(node, inShadow);
  for (const child of node.children ?? []) walk(child, visit, inShadow);
  for (const shadow of node.shadowRoots ?? []) walk(shadow, visit, shadow);
  if (node.contentDocument) walk(node.contentDocument, visit, inShadow);
}

/**
 * What the extension shows in `page` under hosts named `tag` (`harlens-banner`, `harlens-draft`), in every
 * frame: per host, its shadow root's mode, its text (style sheets left out), its buttons and the element
 * names inside it.
 */
export async function overlays(page, tag) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root: doc } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const found = [];
    walk(doc, (node) => {
      if (node.localName !== tag) return;
      const shadow = node.shadowRoots?.[0];
      const o = { mode: shadow?.shadowRootType ?? null, text: '', buttons: [], elements: [] };
      const textOf = (n) => (n.nodeType === 3 ? n.nodeValue : n.localName === 'style' ? '' : (n.children ?? []).map(textOf).join(''));
      if (shadow) {
        o.text = textOf(shadow).replace(/\s+/g, ' ').trim();
        walk(shadow, (n) => {
          if (n.nodeType !== 1) return;
          o.elements.push(n.localName);
          if (n.localName === 'button') o.buttons.push({ text: textOf(n).trim(), backendNodeId: n.backendNodeId, label: attr(n, 'aria-label') });
        });
      }
      found.push(o);
    });
    return found;
  } finally {
    await cdp.detach();
  }
}

function attr(node, name) {
  const a = node.attributes ?? [];
  const i = a.indexOf(name);
  return i >= 0 && i % 2 === 0 ? a[i + 1] : null;
}

/** Clicks, with the mouse as a user does, the button whose text matches `label` under a `tag` host. */
export async function clickOverlay(page, tag, label) {
  const button = (await overlays(page, tag)).flatMap((o) => o.buttons).find((b) => label.test(b.text) || label.test(b.label ?? ''));
  if (!button) throw new Error(`no button ${label} in ${tag}`);
  const cdp = await page.context().newCDPSession(page);
  try {
    const { quads } = await cdp.send('DOM.getContentQuads', { backendNodeId: button.backendNodeId });
    const q = quads[0];
    await page.mouse.click((q[0] + q[2] + q[4] + q[6]) / 4, (q[1] + q[3] + q[5] + q[7]) / 4);
  } finally {
    await cdp.detach();
  }
}
