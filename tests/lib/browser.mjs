// Launches Debian's Chromium through playwright-core the way this machine allows: headless, no sandbox (root),
// no background traffic (only loopback is reachable), a fresh profile each time.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export function launchChromium(options = {}) {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, ...options, args: [...CHROMIUM_ARGS, ...(options.args ?? [])] });
}
