// The options page: the watched sites (each asks for its host permission at runtime), Crowd's trusted
// proxies, the storage bounds, recording on/off. Everything is saved as it changes.
import { loadSettings, saveSettings, sitePattern, DEFAULTS } from './settings.js';

const $ = (id) => document.getElementById(id);

async function renderSites() {
  const { sites } = await loadSettings();
  const list = $('sites');
  list.replaceChildren();
  for (const site of sites) {
    const li = document.createElement('li');
    const granted = await chrome.permissions.contains({ origins: [site] });
    li.append(site.replace(/\/\*$/, ''), granted ? '' : ' (permission missing: remove and add again)');
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'Remove';
    remove.addEventListener('click', async () => {
      const current = (await loadSettings()).sites.filter((s) => s !== site);
      await saveSettings({ sites: current });
      await chrome.permissions.remove({ origins: [site] }).catch(() => false);
      await renderSites();
    });
    li.append(' ', remove);
    list.append(li);
  }
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
$('recording').addEventListener('change', async () => {
  await saveSettings({ recording: $('recording').checked });
  saved();
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
});

const settings = await loadSettings();
$('trusted').value = settings.trustedProxies;
$('recording').checked = settings.recording;
$('max-entries').value = settings.maxEntries;
$('max-age').value = settings.maxAgeHours;
$('trusted-error').textContent = (await chrome.storage.local.get('trustedProxiesError')).trustedProxiesError ?? '';
await renderSites();
