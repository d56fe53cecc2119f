// The popup: is the recorder on, which sites, the last session loss (verdict, evidence, fix), and the
// buttons: start/stop, clear, full report, export (sanitized by default; raw only after a confirmation).
import { loadSettings, saveSettings } from './settings.js';
import { stats } from './storage.js';
import { exportRaw, exportSanitized } from './export.js';
import { hostOf } from './monitor.js';

const $ = (id) => document.getElementById(id);

function item(tag, text) {
  const node = document.createElement(tag);
  node.textContent = text;
  return node;
}

async function render() {
  const settings = await loadSettings();
  const { alerts = [] } = await chrome.storage.local.get('alerts');
  const { entries, dropped } = await stats();
  $('state').textContent = settings.recording ? 'recording' : 'stopped';
  $('state').dataset.on = String(settings.recording);
  $('toggle').textContent = settings.recording ? 'Stop recording' : 'Start recording';
  $('counts').textContent = `${entries} requests recorded${dropped ? `, ${dropped} oldest dropped` : ''}`;
  const sites = $('sites');
  sites.replaceChildren();
  if (!settings.sites.length) sites.append(item('li', 'None yet: add your Atlassian sites in the options.'));
  for (const site of settings.sites) {
    const granted = await chrome.permissions.contains({ origins: [site] });
    const lost = alerts.filter((a) => matches(site, a.origin));
    const status = !granted ? 'permission missing' : lost.length ? `session lost ${lost.length}×` : 'ok';
    const li = item('li', `${site.replace(/\/\*$/, '')}: ${status}`);
    li.dataset.status = !granted ? 'missing' : lost.length ? 'lost' : 'ok';
    sites.append(li);
  }
  const last = alerts.at(-1);
  $('alert').hidden = !last;
  $('quiet').hidden = Boolean(last);
  if (last) {
    $('alert').dataset.cause = last.cause ?? 'unknown';
    $('verdict').textContent = last.title ? `Logged out of ${hostOf(last.origin)}: ${last.title}` : `Logged out of ${hostOf(last.origin)}; no known cause matched`;
    $('explanation').textContent = last.explanation ?? '';
    $('evidence').replaceChildren(
      item('li', `${last.at ?? ''} ${last.status ?? ''} ${last.url}`),
      ...last.signals.map((s) => item('li', s)),
    );
    $('fix').replaceChildren(...last.fix.map((f) => item('li', f)));
  }
}

function matches(site, origin) {
  try {
    const host = new URL(origin).hostname;
    const m = /^[^:]+:\/\/(\*\.)?([^/]+)\/\*$/.exec(site);
    return m && (host === m[2] || (m[1] && host.endsWith(`.${m[2]}`)));
  } catch {
    return false;
  }
}

async function run(button, fn) {
  button.disabled = true;
  $('message').textContent = '';
  try {
    await fn();
  } catch (err) {
    $('message').textContent = err.message;
  } finally {
    button.disabled = false;
  }
}

$('toggle').addEventListener('click', (e) => run(e.target, async () => {
  const { recording } = await loadSettings();
  await saveSettings({ recording: !recording });
  await render();
}));
$('clear').addEventListener('click', (e) => run(e.target, async () => {
  if (!confirm('Delete the whole recording and the alerts?')) return;
  await chrome.runtime.sendMessage({ type: 'clear' });
  await render();
}));
$('report').addEventListener('click', () => chrome.tabs.create({ url: chrome.runtime.getURL('report.html#recording') }));
$('export').addEventListener('click', (e) => run(e.target, async () => {
  const summary = await exportSanitized();
  $('message').textContent = `Exported ${summary.entries} entries; ${summary.cookies ?? 0} cookies and ${summary.tokens ?? 0} tokens replaced.`;
}));
$('export-raw').addEventListener('click', (e) => run(e.target, async () => {
  const warning = 'The raw HAR holds your cookies and session tokens: anyone who gets it can act as you. ' +
    'It also holds what you posted in forms as you sent it (harlens blanks password fields and Authorization values when it records them, but a password typed into any other field stays). Export it anyway?';
  if (!confirm(warning)) return;
  await exportRaw();
}));
render();
chrome.storage.onChanged.addListener(() => render());
