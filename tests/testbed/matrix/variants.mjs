// The matrix: class x topology x export (x form), each variant with its own seeded noise, run through
// the browser model against the test bed's servers, written as one folder with the HAR, the logs given,
// the trusted list given and expected.json (the ground truth, from the servers' own loss marks).
import { mkdir, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { World, EPOCH } from '../world.mjs';
import { SteppedClock, MINUTE } from '../clock.mjs';
import { SimBrowser } from '../sim/browser.mjs';
import { EXPORTS, recordedEntries } from '../sim/har-export.mjs';
import { buildLayout, TOPOLOGIES } from './layout.mjs';
import { drawNoise, Env } from './noise.mjs';
import { CLASSES, classById } from './classes.mjs';

export const EXPORT_NAMES = ['chrome', 'chrome-sanitized', 'firefox'];

/** Every variant of the matrix, in a fixed order. */
export function listVariants() {
  const out = [];
  for (const cls of CLASSES) {
    const combos = cls.topologies.map((t) => ({ topology: t, form: null }));
    for (const [form, tops] of Object.entries(cls.extraForms || {})) for (const t of tops) combos.push({ topology: t, form });
    combos.forEach(({ topology, form }, ti) => {
      EXPORT_NAMES.forEach((exp, ei) => {
        const f = form || cls.formByTopology?.[topology] || (cls.forms ? cls.forms[(ti + ei) % cls.forms.length] : null);
        const id = [cls.id, topology, exp, ...(form ? [form] : [])].join('--');
        out.push({ id, class: cls.id, cause: cls.cause, topology, export: exp, form: f });
      });
    });
  }
  return out;
}

const LOG_FILES = { access: ['atlassian-jira-http-access.log'], jira: ['atlassian-jira.log'], all: ['atlassian-jira-http-access.log', 'atlassian-jira.log', 'atlassian-crowd.log'], none: [] };

/**
 * Simulate one variant: its servers, its noise, its class's script in the browser model. `override`
 * changes the layout (the checks remove a cause's reason with it). Returns what the writers and the
 * ground truth need; throws nothing about losses (see runVariant).
 * @param {{id, class, topology, export, form}} v
 */
export async function simulate(v, { override = {} } = {}) {
  const cls = classById(v.class);
  const probe = cls.layout({ ...v, noise: { ssoCookie: null, seraphHeaders: 'all', foldHeaders: false } });
  const noise = drawNoise(v.id, { sso: !!probe.sso });
  const variant = { ...v, noise };
  const layout = { topology: v.topology, ...cls.layout(variant), ...override };
  const clock = new SteppedClock(EPOCH - 14 * 60 * MINUTE + noise.startMinute * MINUTE);
  const world = new World({ seed: v.id, clock });
  const h = buildLayout(world, layout);
  await world.start();
  let browser;
  try {
    browser = new SimBrowser({ kind: v.export === 'firefox' ? 'firefox' : 'chrome', clock, network: h.net, seed: v.id });
    const env = new Env({ world, h, browser, noise, seed: v.id });
    await cls.run(env, variant);
    await browser.wait(0);
  } finally {
    await world.close();
  }
  const entries = recordedEntries(browser, 1);
  return {
    cls,
    variant,
    layout,
    world,
    browser,
    entries,
    losses: entries.flatMap((ex, i) => (ex.loss ? [i] : [])),
    lossesAnywhere: browser.trace.filter((ex) => ex.loss).length,
  };
}

/**
 * Run one variant and write its folder under `outDir`: recording.har (the variant's export), the logs
 * and trusted list it gives, expected.json. Throws when the simulation did not show the class's cause
 * (a loss for a loss class, none otherwise). Returns expected.json.
 */
export async function runVariant(v, outDir) {
  const { cls, variant, layout, world, browser, entries, losses, lossesAnywhere } = await simulate(v);
  const { noise } = variant;
  if (cls.loss && !losses.length) throw new Error(`${v.id}: no session loss was recorded`);
  if (!cls.loss && lossesAnywhere) throw new Error(`${v.id}: a session was lost (recorded entries ${losses})`);
  const har = EXPORTS[v.export](browser, { tab: 1, offsetMinutes: noise.timeZone });

  const files = { 'recording.har': JSON.stringify(har, null, 2) + '\n' };
  const jira = world.apps.jira;
  const logs = [];
  for (const f of LOG_FILES[noise.logs]) {
    const text = f === 'atlassian-crowd.log' ? world.crowd?.log.text() : f === 'atlassian-jira.log' ? jira.log.text() : jira.access.text();
    if (!text) continue;
    files[f] = text;
    logs.push(f);
  }
  const trusted = noise.trustedProxies && world.crowd ? world.crowd.trusted.entries : null;
  if (trusted) files['trusted-proxies.txt'] = trusted.join('\n') + '\n';
  const ident = cls.identifiable(variant);
  const lossEntry = cls.loss ? losses[0] : null;
  const expected = {
    variant: v.id,
    class: v.class,
    cause: cls.cause,
    ...(cls.underlying ? { underlying_cause: cls.underlying } : {}),
    loss_entry: lossEntry,
    ...(lossEntry !== null ? { loss_url: entries[lossEntry].url, loss_status: entries[lossEntry].status } : {}),
    all_loss_entries: losses,
    topology: v.topology,
    export: v.export,
    form: v.form,
    identifiable: ident.identifiable,
    identifiable_reason: ident.reason,
    noise,
    logs,
    trusted_proxies: trusted,
    sso_cookie: layout.sso ? layout.ssoCookie : null,
    entries: entries.length,
    topology_text: TOPOLOGIES[v.topology].text,
    notes: cls.notes,
  };
  files['expected.json'] = JSON.stringify(expected, null, 2) + '\n';
  const dir = path.join(outDir, v.id);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return expected;
}
