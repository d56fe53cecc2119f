// Shared by the page tests: serve www/, launch Chromium, open the page with every request and page error
// recorded, and wait until the WASM core answered.
import { readFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { serve } from '../../scripts/serve.mjs';
import { launchChromium } from './browser.mjs';

export const crateVersion = /^version = "(.+)"$/m.exec(readFileSync(new URL('../../crate/Cargo.toml', import.meta.url), 'utf8'))[1];
export const outDir = fileURLToPath(new URL('../out/', import.meta.url));
mkdirSync(outDir, { recursive: true });

export const fixture = (path) => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));

/** Starts the server and the browser; returns { server, browser, open, close }. */
export async function startPage() {
  const server = await serve(0);
  const browser = await launchChromium();
  async function open({ viewport = { width: 1400, height: 1000 }, colorScheme = 'light' } = {}) {
    const page = await browser.newPage({ viewport, colorScheme });
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const dialogs = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
    await page.goto(server.url);
    await page.waitForFunction((v) => document.getElementById('version').textContent === v, crateVersion);
    /** Requests that went anywhere but the page's own origin (there must be none). */
    const foreign = () => requests.filter((u) => !u.startsWith(server.url));
    return { page, requests, errors, dialogs, foreign };
  }
  async function close() {
    await browser.close();
    await server.close();
  }
  return { server, browser, open, close };
}

/** Chooses files in the page's picker and waits for the report (or an error). */
export async function analyzeFiles(page, files) {
  await page.evaluate(() => { document.getElementById('report').dataset.state = 'waiting'; });
  await page.setInputFiles('#files', files);
  await waitForReport(page);
}

/** Waits until the analysis ended, with a report or an error (the report section stays hidden on errors). */
export async function waitForReport(page) {
  await page.waitForSelector('#report[data-state="done"], #report[data-state="error"]', { state: 'attached', timeout: 60_000 });
}
