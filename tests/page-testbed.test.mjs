// Every test-bed recording (tests/fixtures/testbed/<scenario>/) through the page: the verdict names the cause
// the scenario was built for. A recording without a session loss has no primary cause (the report's
// contract: data-primary-cause="none"); its verdict then leads with the scenario's finding instead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';

import { startPage, analyzeFiles, fixture } from './lib/page.mjs';

const scenarios = readdirSync(fixture('testbed'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(fixture(`testbed/${d.name}/expected.json`)))
  .map((d) => ({ name: d.name, expected: JSON.parse(readFileSync(fixture(`testbed/${d.name}/expected.json`), 'utf8')) }));

let ctx;
let tab;
before(async () => {
  ctx = await startPage();
  tab = await ctx.open();
});
after(async () => {
  await tab?.page.close();
  await ctx?.close();
});

test('the test bed has its scenarios', () => {
  assert.ok(scenarios.length >= 14, `found ${scenarios.length} scenarios`);
});

for (const { name, expected } of scenarios) {
  test(`test bed: ${name} gives ${expected.cause ?? 'no cause'}`, async () => {
    await analyzeFiles(tab.page, fixture(`testbed/${name}/recording.har`));
    const verdict = await tab.page.$('#verdict-card');
    const lost = expected.loss_entry !== null && expected.loss_entry !== undefined;
    if (lost || expected.cause === null) {
      assert.equal(await verdict.getAttribute('data-primary-cause'), expected.cause ?? 'none');
    } else {
      assert.equal(await verdict.getAttribute('data-primary-cause'), 'none');
      assert.equal(await verdict.getAttribute('data-top-finding'), expected.cause);
    }
    if (lost) {
      // The loss the scenario made is drawn on the timeline and listed in the report.
      const losses = JSON.parse(await tab.page.textContent('#json')).losses.map((l) => l.entry);
      assert.ok(losses.includes(expected.loss_entry), `loss entries ${losses} include ${expected.loss_entry}`);
      assert.ok(await tab.page.$$eval('svg.plot .loss', (g) => g.length) >= 1);
    }
    assert.deepEqual(tab.foreign(), []);
    assert.deepEqual(tab.errors, []);
  });
}

// The plot is a view of the report's timelines: every loss sits in the lane of its own application (named
// exactly as the report names it), and a pause the report calls idle is a gap in that lane.
for (const name of ['idle-timeout', 'logout-elsewhere', 'session-cookie-collision', 'proxy-path-mismatch']) {
  test(`test bed: ${name}: the plot and the report agree on applications and gaps`, async () => {
    await analyzeFiles(tab.page, fixture(`testbed/${name}/recording.har`));
    const report = JSON.parse(await tab.page.textContent('#json'));
    const lanes = await tab.page.$$eval('figure.plot-figure', (fs) => fs.map((f) => ({
      origin: f.dataset.origin,
      losses: Number(f.dataset.losses),
      gaps: f.querySelectorAll('g.gap').length,
    })));
    for (const loss of report.losses) {
      assert.ok(lanes.some((l) => l.origin === loss.origin), `a lane for ${loss.origin}: ${JSON.stringify(lanes)}`);
    }
    for (const lane of lanes) {
      assert.equal(lane.losses, report.losses.filter((l) => l.origin === lane.origin).length, lane.origin);
    }
    const idle = report.findings.find((f) => f.cause === 'idle-timeout');
    if (idle) {
      const origin = report.losses[idle.losses[0]].origin;
      assert.ok(lanes.find((l) => l.origin === origin).gaps >= 1, 'the idle pause is a gap in its lane');
    }
  });
}
