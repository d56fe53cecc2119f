// The options page: the watched sites (each asks for its host permission at runtime), Crowd's trusted
// proxies, the storage bounds, recording on/off, drafts on/off and "delete all drafts". Everything is saved
// as it changes.
import { loadSettings, saveSettings, DEFAULTS } from './settings.js';
import { sitePattern } from './urls.js';
import { allDrafts, clearDrafts } from './drafts-store.js';

const $ = (id) => document.getElementById(id);

function span(className, text) {
  const node = document.createElement('span');
  node.className = className;
  node.textContent = text;
  return node;
}

async function renderSites() {
  const { sites } = await loadSettings();
  const items = [];
  for (const site of sites) {
    const li = document.createElement('li');
    const granted = await chrome.permissions.contains({ origins: [site] });
    li.dataset.status = granted ? 'ok' : 'missing';
    li.append(span('grow', site.replace(/\/\*$/, '')), granted ? '' : span('status', 'permission missing: remove and add again'));
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'small danger';
    remove.textContent = 'Remove';
    remove.addEventListener('click', async () => {
      const current = (await loadSettings()).sites.filter((s) => s !== site);
      await saveSettings({ sites: current });
      await chrome.permissions.remove({ origins: [site] }).catch(() => false);
      await renderSites();
    });
    li.append(remove);
    items.push(li);
  }
  $('sites').replaceChildren(...items); // at once: two renders at the same time cannot interleave their items
}

async function renderDrafts() {
  const n = (await allDrafts()).length;
  $('drafts-count').textContent = n ? `${n} kept now` : 'none kept now';
  $('clear-drafts').disabled = n === 0;
}

function saved(text = 'Saved.') {
  $('saved').textContent = text;
}

$('add-site').addEventListener('submit', (e) => {
  e.preventDefault();
  $('site-error').textContent = '';
  let pattern;
  try {
    pattern = sitePattern($('site').value);
  } catch (err) {
    $('site-error').textContent = err.message;
    return;
  }
  // Requested straight from the click (a user gesture is required); already-granted sites pass at once.
  chrome.permissions.request({ origins: [pattern] }).then(async (granted) => {
    if (!granted) {
      $('site-error').textContent = `Not added: the browser did not allow ${pattern}.`;
      return;
    }
    const { sites } = await loadSettings();
    if (!sites.includes(pattern)) await saveSettings({ sites: [...sites, pattern] });
    $('site').value = '';
    await renderSites();
    saved();
  }, (err) => { $('site-error').textContent = err.message; });
});

$('trusted').addEventListener('change', async () => {
  await saveSettings({ trustedProxies: $('trusted').value.trim() });
  saved();
});
$('sso-cookie').addEventListener('change', async () => {
  await saveSettings({ ssoCookie: $('sso-cookie').value.trim() });
  saved();
});
for (const key of ['recording', 'drafts']) {
  $(key).addEventListener('change', async () => {
    await saveSettings({ [key]: $(key).checked });
    saved();
  });
}
$('clear-drafts').addEventListener('click', async () => {
  const n = await clearDrafts();
  await renderDrafts();
  saved(`${n} draft${n === 1 ? '' : 's'} deleted.`);
});
for (const [id, key, min] of [['max-entries', 'maxEntries', 100], ['max-age', 'maxAgeHours', 1]]) {
  $(id).addEventListener('change', async () => {
    const value = Math.max(min, Math.round(Number($(id).value)) || DEFAULTS[key]);
    $(id).value = value;
    await saveSettings({ [key]: value });
    saved();
  });
}
chrome.storage.onChanged.addListener((changes) => {
  if ('trustedProxiesError' in changes) $('trusted-error').textContent = changes.trustedProxiesError.newValue ?? '';
  if ('sites' in changes) renderSites();
});

const settings = await loadSettings();
$('trusted').value = settings.trustedProxies;
$('sso-cookie').value = settings.ssoCookie;
$('recording').checked = settings.recording;
$('drafts').checked = settings.drafts;
$('max-entries').value = settings.maxEntries;
$('max-age').value = settings.maxAgeHours;
$('trusted-error').textContent = (await chrome.storage.local.get('trustedProxiesError')).trustedProxiesError ?? '';
await renderSites();
await renderDrafts();
