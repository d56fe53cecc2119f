// `npm run fixtures`: record every scenario into tests/fixtures/testbed/<scenario>/.
// Usage: node tests/testbed/record.mjs [scenario-name ...]
import { mkdir, writeFile, rm, readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENARIOS } from './scenarios/index.mjs';
import { runScenario } from './run-scenario.mjs';
import { trimBodies, withoutCookies } from './har.mjs';
import { writeArchives } from './archives.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/testbed');
const MAX_BYTES = 1024 * 1024;

async function record(scenario) {
  const t0 = Date.now();
  const { har, losses, world, ctx } = await runScenario(scenario, { fixedPorts: true });
  trimBodies(har);
  const dir = path.join(ROOT, scenario.name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const extra = scenario.expectedFrom ? scenario.expectedFrom(har, { losses, world, ctx }) : {};
  const expected = {
    scenario: scenario.name,
    cause: scenario.cause,
    loss_entry: scenario.cause && !scenario.healthy ? (losses[0] ?? null) : null,
    loss_url: null,
    loss_status: null,
    changing_hops: scenario.expected.changing_hops,
    ...extra,
    all_loss_entries: losses,
    notes: scenario.expected.notes,
  };
  if (expected.loss_entry !== null) {
    const e = har.log.entries[expected.loss_entry];
    expected.loss_url = e.request.url;
    expected.loss_status = e.response.status;
  } else {
    delete expected.loss_url;
    delete expected.loss_status;
  }
  if (!scenario.healthy && scenario.expectLoss !== false && expected.loss_entry === null) throw new Error(`${scenario.name}: no session loss was recorded`);
  if (scenario.healthy && losses.length) throw new Error(`${scenario.name}: a healthy scenario lost the session at entries ${losses}`);
  const files = {
    'recording.har': JSON.stringify(har, null, 2) + '\n',
    'recording.nocookies.har': JSON.stringify(withoutCookies(har), null, 2) + '\n',
    'expected.json': JSON.stringify(expected, null, 2) + '\n',
    'trusted-proxies.txt': world.crowd ? world.crowd.trusted.entries.join('\n') + '\n' : '',
  };
  const jira = world.apps.jira;
  if (jira) {
    files['atlassian-jira-http-access.log'] = jira.access.text();
    files['atlassian-jira.log'] = jira.log.text();
  }
  if (world.crowd) files['atlassian-crowd.log'] = world.crowd.log.text();
  let total = 0;
  for (const [name, text] of Object.entries(files)) {
    await writeFile(path.join(dir, name), text);
    total += Buffer.byteLength(text);
  }
  if (total > MAX_BYTES) throw new Error(`${scenario.name}: ${total} bytes, over 1 MB`);
  await writeArchives(dir);
  console.log(`${scenario.name}: ${har.log.entries.length} entries, loss_entry ${expected.loss_entry}, ${(total / 1024).toFixed(0)} KiB, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

const wanted = process.argv.slice(2);
const list = wanted.length ? SCENARIOS.filter((s) => wanted.includes(s.name)) : SCENARIOS;
if (wanted.length && list.length !== wanted.length) {
  console.error(`unknown scenario; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
/** index.json: every recorded scenario's expected.json summary, for tests that iterate over them. */
async function writeIndex() {
  const index = [];
  for (const name of (await readdir(ROOT)).sort()) {
    const f = path.join(ROOT, name, 'expected.json');
    if (!existsSync(f)) continue;
    const e = JSON.parse(await readFile(f, 'utf8'));
    index.push({ scenario: e.scenario, cause: e.cause, loss_entry: e.loss_entry });
  }
  await writeFile(path.join(ROOT, 'index.json'), JSON.stringify(index, null, 2) + '\n');
}

const t0 = Date.now();
for (const s of list) await record(s);
if (!wanted.length) {
  // A full recording also drops folders of scenarios that no longer exist.
  const known = new Set(SCENARIOS.map((s) => s.name));
  for (const name of await readdir(ROOT, { withFileTypes: true })) {
    if (name.isDirectory() && !known.has(name.name)) await rm(path.join(ROOT, name.name), { recursive: true });
  }
}
await writeIndex();
console.log(`recorded ${list.length} scenarios in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
