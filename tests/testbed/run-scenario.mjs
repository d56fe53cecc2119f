// Runs one scenario in headless Chromium with HAR recording; shared by record.mjs and the checks.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { World } from './world.mjs';
import { launch } from './browser.mjs';
import { retime, takeLossMarks, markCacheHits, normalize } from './har.mjs';

/**
 * @param {object} scenario  a scenarios/*.mjs default export
 * @param {object} [o]
 * @param {object} [o.variant]     scenario switches (e.g. another trusted-proxy list)
 * @param {boolean} [o.fixedPorts] public ports fixed (recordings) or ephemeral (checks)
 * @returns {Promise<{har, losses: number[], world, ctx}>}
 */
export async function runScenario(scenario, { variant = {}, fixedPorts = false } = {}) {
  const world = new World({ seed: scenario.name, fixedPorts });
  const ctx = scenario.build(world, variant);
  const dir = await mkdtemp(path.join(tmpdir(), 'harlens-testbed-'));
  const harPath = path.join(dir, 'recording.har');
  let browser;
  try {
    await world.start();
    browser = await launch(scenario.resolverRules);
    const context = await browser.newContext({ recordHar: { path: harPath, content: 'embed' }, viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'UTC' });
    const page = await context.newPage();
    try {
      await scenario.run(page, ctx, world, variant);
      // Playwright fills some HAR fields (serverIPAddress) from events that can arrive after the
      // last response resolved; closing at once sometimes lost them on the last entry.
      await page.waitForTimeout(300);
    } finally {
      await context.close(); // writes the HAR
    }
    const har = JSON.parse(await readFile(harPath, 'utf8'));
    retime(har, world.clock);
    markCacheHits(har);
    normalize(har);
    const losses = takeLossMarks(har);
    return { har, losses, world, ctx };
  } finally {
    if (browser) await browser.close();
    await world.close();
    await rm(dir, { recursive: true, force: true });
  }
}
