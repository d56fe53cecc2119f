// The service worker (an event page in Firefox): records the watched sites, feeds the live monitor, stores
// finished entries, and runs the background's half of drafts (drafts-background.js). Listeners are registered
// synchronously at the top level so that events wake the worker; the WASM core and the settings load once
// (`ready`) and every listener awaits that, never the top level (a top-level await stops a service worker
// from registering).
import init from './pkg/harlens_full.js'; // the live monitor is in the full module (scripts/build.sh)
import { Recorder } from './recorder.js';
import { Monitor, announce, clearAlerts } from './monitor.js';
import { appendEntries, recentEntries, clearAll, pruneEntries } from './storage.js';
import { loadSettings } from './settings.js';
import { watchedBy } from './urls.js';
import { pruneDrafts } from './drafts-store.js';
import { contentMessage, noticeBack, pageDocument, registerContentScript, warnTabs } from './drafts-background.js';

let settings = null;
let monitor = null;

/**
 * Entries replayed into a fresh monitor when the worker starts: the core keeps about this many observations
 * anyway (monitor.rs HISTORY), and Chromium restarts an idle worker often, so replaying a 20,000-entry
 * recording every time would cost seconds of CPU and delay the first alert.
 */
const REPLAY = 5000;
/** The alarm that enforces the age bounds (recording and drafts) even when nothing is being recorded. */
const PRUNE_ALARM = 'harlens-prune';
const PRUNE_EVERY_MINUTES = 30;

/** Replays the newest stored entries into a fresh monitor, so a restarted worker keeps its history. */
async function rebuildMonitor() {
  monitor = new Monitor();
  if (settings.trustedProxies) monitor.setTrustedProxies(settings.trustedProxies);
  if (settings.ssoCookie) monitor.setSsoCookie(settings.ssoCookie);
  monitor.replay((await recentEntries(REPLAY)).map(({ json }) => json));
}

async function prune() {
  await pruneEntries(settings);
  await pruneDrafts();
}

const ready = (async () => {
  await init({ module_or_path: new URL('./pkg/harlens_full_bg.wasm', import.meta.url) });
  settings = await loadSettings();
  await rebuildMonitor();
  await chrome.alarms.create(PRUNE_ALARM, { periodInMinutes: PRUNE_EVERY_MINUTES });
  await registerContentScript(settings);
  await prune();
})();
ready.catch((err) => console.error('harlens: failed to start', err));

/** Runs `fn` after `ready`; handlers chained on one promise run in event order. */
const afterReady = (fn) => (...args) => {
  ready.then(() => fn(...args)).catch((err) => console.error('harlens:', err));
};

// The monitor runs first: the alert never waits for the disk. Finished entries wait in memory until no
// entry has finished for STORE_QUIET_MS (at most STORE_MAX_WAIT_MS) and then go to disk together, in one
// transaction: the page that made them has loaded by then, so the write does not compete with it (a
// transaction per burst of requests was a third of the worker's time per page load). The worker outlives
// the wait (a service worker idles 30 s before it may be stopped), and the popup's export flushes first.
// Each entry is turned into JSON once: the monitor reads that text and the store keeps it.
const STORE_QUIET_MS = 1000;
const STORE_MAX_WAIT_MS = 5000;
let writes = Promise.resolve();
let pending = [];
let storeTimer = null;
let firstPendingAt = 0;
let lastPendingAt = 0;
function store(site, entry, json) {
  lastPendingAt = Date.now();
  if (!pending.length) firstPendingAt = lastPendingAt;
  pending.push({ site, t: Date.parse(entry.startedDateTime) || lastPendingAt, json });
  // One timer per burst (setting one per entry cost more than the rest of `store`): when it fires early it
  // waits again for the rest of the quiet time.
  storeTimer ??= setTimeout(storeWhenQuiet, STORE_QUIET_MS);
}
function storeWhenQuiet() {
  storeTimer = null;
  const now = Date.now();
  const wait = Math.min(lastPendingAt + STORE_QUIET_MS, firstPendingAt + STORE_MAX_WAIT_MS) - now;
  if (wait > 0 && pending.length) storeTimer = setTimeout(storeWhenQuiet, wait);
  else flush();
}
/** Writes the waiting entries now; resolves when everything handed to `store` so far is on disk. */
function flush() {
  clearTimeout(storeTimer);
  storeTimer = null;
  if (pending.length) {
    const batch = pending;
    pending = [];
    writes = writes.then(() => appendEntries(batch, settings)).catch((err) => console.error('harlens: storing entries failed', err));
  }
  return writes;
}
const recorder = new Recorder(
  (url) => (settings.recording ? watchedBy(settings.sites, url) : null),
  (site, entry, finishedAt) => {
    const json = JSON.stringify(entry);
    const alerts = monitor.push(json);
    if (alerts.length) {
      // The page's warning first: the user may be about to press Save.
      warnTabs(alerts, settings).catch((err) => console.error('harlens: in-page warning failed', err));
      announce(alerts, finishedAt).catch((err) => console.error('harlens: alert failed', err));
    } else {
      noticeBack(entry).catch((err) => console.error('harlens:', err));
    }
    store(site, entry, json);
  },
  (d, outcome) => pageDocument(d, outcome, settings),
);
recorder.listen(chrome.webRequest, afterReady);

chrome.storage.onChanged.addListener(
  afterReady(async (changes) => {
    const before = settings;
    settings = await loadSettings();
    if (changes.trustedProxies && settings.trustedProxies !== before.trustedProxies) {
      const error = monitor.setTrustedProxies(settings.trustedProxies);
      await chrome.storage.local.set({ trustedProxiesError: error });
    }
    // Another SSO cookie name changes how every stored entry reads: the history is read again.
    if (changes.ssoCookie && settings.ssoCookie !== before.ssoCookie) await rebuildMonitor();
    if (changes.recording && !settings.recording) recorder.inflight.clear();
    if (changes.sites || changes.drafts || changes.recording) await registerContentScript(settings);
  }),
);

// A site granted from the popup's "Watch this site": Firefox closes the popup when its prompt opens, so the
// popup cannot save the site itself once the permission is granted; it leaves the pattern here first.
chrome.permissions.onAdded.addListener(
  afterReady(async ({ origins = [] }) => {
    const { pendingWatch } = await chrome.storage.local.get('pendingWatch');
    if (!pendingWatch || !origins.includes(pendingWatch)) return;
    await chrome.storage.local.remove('pendingWatch');
    const { sites } = await loadSettings();
    if (!sites.includes(pendingWatch)) await chrome.storage.local.set({ sites: [...sites, pendingWatch] });
  }),
);
chrome.permissions.onRemoved.addListener(afterReady(() => registerContentScript(settings)));

chrome.alarms.onAlarm.addListener(
  afterReady(async (alarm) => {
    if (alarm.name !== PRUNE_ALARM) return;
    // A one-off alarm of that name (a test's, to prune now) replaced the periodic one: bring it back.
    if (!alarm.periodInMinutes) await chrome.alarms.create(PRUNE_ALARM, { periodInMinutes: PRUNE_EVERY_MINUTES });
    await prune();
  }),
);

/** Messages of the extension's own pages (popup, options, report). */
async function pageMessage(message) {
  if (message.type === 'clear') {
    clearTimeout(storeTimer);
    storeTimer = null;
    pending = [];
    await writes;
    recorder.inflight.clear();
    await clearAll();
    monitor.reset();
    await clearAlerts();
    return { ok: true };
  }
  if (message.type === 'flush') {
    await flush(); // the popup exports only what is on disk
    return { ok: true };
  }
  return { ok: false, error: `unknown message ${message.type}` };
}

// Messages from the extension's pages and from drafts.js in the watched sites' tabs. A content script runs
// in a web page's process: it may only ask about drafts, never clear or export anything.
chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id || typeof message?.type !== 'string') return false;
  const fromPage = Boolean(sender.url?.startsWith(chrome.runtime.getURL('')));
  ready
    .then(() => (fromPage ? pageMessage(message) : contentMessage(message, sender, settings)))
    .then(sendResponse, (err) => sendResponse({ ok: false, error: err.message }));
  return true; // answered asynchronously
});
