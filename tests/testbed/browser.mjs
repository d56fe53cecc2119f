// Headless Chromium (Debian's), with *.example.test resolved to loopback without DNS.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** @param {string} resolverRules  Chromium --host-resolver-rules value */
export function launch(resolverRules = 'MAP *.example.test 127.0.0.1') {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-features=Translate,OptimizationHints,MediaRouter', `--host-resolver-rules=${resolverRules}`],
  });
}
