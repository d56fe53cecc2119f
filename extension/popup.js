// The popup: is the recorder on, which sites, the last session loss (verdict, evidence, fix), the buttons
// (start/stop, clear, full report, export: sanitized by default, raw only after a warning), the saved drafts
// per site (copy, delete), and, on an Atlassian page that is not watched yet, "Watch this site".
import { loadSettings, saveSettings } from './settings.js';
import { stats } from './storage.js';
import { exportRaw, exportSanitized } from './export.js';
import { hostOf } from './monitor.js';
import { patternOf, siteCovers, watchedBy } from './urls.js';
import { allDrafts, deleteDrafts } from './drafts-store.js';

const $ = (id) => document.getElementById(id);

function item(tag, text, className) {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}

function smallButton(text, onClick) {
  const b = item('button', text, 'small');
  b.type = 'button';
  b.addEventListener('click', () => run(b, onClick));
  return b;
}

async function render() {
  const settings = await loadSettings();
  const { alerts = [] } = await chrome.storage.local.get('alerts');
  const { entries, dropped } = await stats();
  $('state').textContent = settings.recording ? 'recording' : 'stopped';
  $('state').dataset.on = String(settings.recording);
  $('toggle').textContent = settings.recording ? 'Stop recording' : 'Start recording';
  $('counts').textContent = `${entries} requests recorded${dropped ? `, ${dropped} oldest dropped` : ''}`;
  const sites = [];
  if (!settings.sites.length) sites.push(item('li', 'None yet: open your Atlassian site and click "Watch this site", or add it in the options.', 'meta'));
  for (const site of settings.sites) {
    const granted = await chrome.permissions.contains({ origins: [site] });
    // One alert per problem; its repeats are the losses it caused.
    const lost = alerts.filter((a) => siteCovers(site, a.origin)).reduce((n, a) => n + (a.repeats ?? 1), 0);
    const li = document.createElement('li');
    li.dataset.status = !granted ? 'missing' : lost ? 'lost' : 'ok';
    li.append(item('span', site.replace(/\/\*$/, ''), 'grow'), item('span', !granted ? 'permission missing' : lost ? `session lost ${lost}×` : 'ok', 'status'));
    sites.push(li);
  }
  $('sites').replaceChildren(...sites);
  const last = alerts.at(-1);
  $('alert').hidden = !last;
  $('quiet').hidden = Boolean(last);
  if (last) {
    $('alert').dataset.cause = last.cause ?? 'unknown';
    const times = last.repeats > 1 ? ` (${last.repeats} times)` : '';
    $('verdict').textContent = last.title ? `Logged out of ${hostOf(last.origin)}${times}: ${last.title}` : `Logged out of ${hostOf(last.origin)}${times}; no known cause matched`;
    $('explanation').textContent = last.explanation ?? '';
    $('evidence').replaceChildren(
      item('li', `${last.at ?? ''} ${last.status ?? ''} ${last.url}`),
      ...last.signals.map((s) => item('li', s)),
    );
    $('fix').replaceChildren(...last.fix.map((f) => item('li', f)));
  }
  await renderDrafts(settings);
  await renderWatchOffer(settings);
}

/** The first words of a draft, for recognizing it. */
function firstWords(text, words = 12) {
  const all = text.trim().split(/\s+/);
  return all.slice(0, words).join(' ') + (all.length > words ? ' …' : '');
}

async function renderDrafts(settings) {
  const drafts = await allDrafts();
  $('drafts-none').hidden = drafts.length > 0;
  const bySite = new Map();
  for (const d of drafts) {
    const site = watchedBy(settings.sites, d.page)?.replace(/\/\*$/, '').replace(/^\*:\/\//, '') ?? d.origin;
    bySite.set(site, [...(bySite.get(site) ?? []), d]);
  }
  const groups = [];
  for (const [site, list] of bySite) {
    const ul = item('ul', '', 'list');
    ul.setAttribute('aria-label', `Drafts on ${site}`);
    for (const d of list) {
      const li = item('li', '', 'draft');
      const u = new URL(d.page);
      const text = item('span', '', 'grow');
      text.append(item('span', firstWords(d.text), 'words'), item('span', `${u.pathname}${u.search} · ${new Date(d.savedAt).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' })}`, 'where'));
      li.append(
        text,
        smallButton('Copy', async () => {
          await navigator.clipboard.writeText(d.text);
          $('message').textContent = 'Draft copied.';
        }),
        smallButton('Delete', async () => {
          await deleteDrafts([d]);
          await render();
        }),
      );
      ul.append(li);
    }
    groups.push(item('h4', site, 'site'), ul);
  }
  $('drafts').replaceChildren(...groups);
}

/** Whether the tab shows Jira, Confluence or Bitbucket: their pages name themselves in meta tags. */
function atlassianProduct() {
  const app = document.querySelector('meta[name="application-name"]')?.content ?? '';
  const known = /jira|confluence|bitbucket/i.exec(app);
  if (known) return known[0];
  return document.querySelector('meta[name="ajs-context-path"], meta[name^="ajs-"], meta[name="confluence-request-time"]') ? 'an Atlassian application' : null;
}

/** "Watch this site" for the current tab, when it is an Atlassian page and not watched yet. */
async function renderWatchOffer(settings) {
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  const pattern = tab?.url && patternOf(tab.url); // the URL is known for the current tab (activeTab)
  let product = null;
  if (pattern && !watchedBy(settings.sites, tab.url)) {
    const [result] = await chrome.scripting.executeScript({ target: { tabId: tab.id }, func: atlassianProduct }).catch(() => []);
    product = result?.result ?? null;
  }
  $('watch-offer').hidden = !product;
  if (!product) return;
  $('watch-text').textContent = `${new URL(tab.url).host} looks like ${product}. harlens does not watch it yet: it would record it, tell you when the session is lost and why, and keep your drafts.`;
  $('watch').onclick = () => {
    $('message').textContent = '';
    // The permission request must come straight from the click. Firefox closes the popup when its prompt
    // opens: the background adds the site when the permission arrives (pendingWatch).
    chrome.storage.local.set({ pendingWatch: pattern });
    chrome.permissions.request({ origins: [pattern] }).then(async (granted) => {
      if (!granted) {
        $('message').textContent = `Not watched: the browser did not allow ${pattern}.`;
        return;
      }
      const { sites } = await loadSettings();
      if (!sites.includes(pattern)) await saveSettings({ sites: [...sites, pattern] });
      await chrome.storage.local.remove('pendingWatch');
      $('message').textContent = `Watching ${pattern.replace(/\/\*$/, '')}.`;
    }, (err) => { $('message').textContent = err.message; });
  };
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
  if (!confirm('Delete the whole recording and the alerts? (Saved drafts stay.)')) return;
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
// Serialized: storage changes come in bursts, and two renders must not interleave their lists.
let rendering = Promise.resolve();
const rerender = () => {
  rendering = rendering.then(render).catch((err) => {
    $('message').textContent = err.message;
  });
};
rerender();
chrome.storage.onChanged.addListener(rerender);
// The popup shown in a tab (as the tests open it) follows the tab the user switches to.
chrome.tabs.onActivated.addListener(rerender);
chrome.tabs.onUpdated.addListener((tabId, change) => change.status === 'complete' && rerender());
