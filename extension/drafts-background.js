// The background's half of drafts and of the in-page warning (drafts.js is the page's half):
//   - registers drafts.js at run time for the watched sites the user granted, and for nothing else;
//   - stores the drafts it sends (drafts-store.js), after checking that the tab is watched and the frame is
//     the tab's own origin (an about:blank or srcdoc editor frame inherits it);
//   - decides whether a submitted form went through: the tab's next top-level document within a minute,
//     if it is not a login page and not an error, deletes that form's drafts; a lost session keeps them;
//   - hands a page's drafts to drafts.js when the page loads (only pages that have drafts: drafts.js itself
//     asks for nothing on load, so that it costs a page next to nothing);
//   - tells every open tab of an application (urls.js inApp: same origin and context path) that its session
//     was lost, and that it is back once a request shows the user logged in again.
// It calls into drafts.js with chrome.scripting.executeScript: the functions run in the content script's
// isolated world (`globalThis.harlens`), never in the page's.
import { saveDraft, draftsOf, deleteDrafts, draftPages } from './drafts-store.js';
import { appName, inApp, isLoginPage, pageKey, watchedBy } from './urls.js';

const SCRIPT_ID = 'harlens-drafts';
/** A submit is judged by the tab's next document within this time; later navigations are the user's. */
const SUBMIT_WINDOW_MS = 60_000;
/** Longest draft kept, in characters (a long comment is 10,000). */
const MAX_TEXT = 1_000_000;
const MAX_FIELD = 500;

/** tabId -> {origin, page, fields, at}: forms submitted and not judged yet. */
const submits = new Map();
/** Application origins whose session was lost, until a response shows the user logged in there again. */
const lost = new Set();

let registering = Promise.resolve();

/**
 * The pages that may have drafts: those that had some when the worker started, and every page a draft was
 * saved for since. Drafts are only ever added here (the popup and the options page only delete), so a page
 * not in it has none, and a page load need not ask the database (the recorder calls in for every document).
 */
let mayHaveDrafts = null;
function pagesWithDrafts() {
  mayHaveDrafts ??= draftPages().then(
    (pages) => new Set(pages),
    () => null, // unreadable: ask the database every time
  );
  return mayHaveDrafts;
}

/**
 * Registers drafts.js for the watched sites the user granted (none: unregistered), and runs it at once in
 * the tabs already open on a newly watched site. Calls are serialized: settings change in bursts.
 */
export function registerContentScript(settings) {
  registering = registering.catch(() => {}).then(() => register(settings));
  return registering;
}

async function register(settings) {
  const granted = [];
  if (settings.drafts || settings.recording) {
    for (const site of settings.sites) if (await chrome.permissions.contains({ origins: [site] })) granted.push(site);
  }
  const [current] = await chrome.scripting.getRegisteredContentScripts({ ids: [SCRIPT_ID] });
  if (!granted.length) {
    if (current) await chrome.scripting.unregisterContentScripts({ ids: [SCRIPT_ID] });
    return;
  }
  // The top frame only, from the document's start: it watches the frames of its origin itself, the about:blank
  // / srcdoc frames rich-text editors type in included (drafts.js says why: the page's load event).
  const script = { id: SCRIPT_ID, matches: granted, js: ['drafts.js'], allFrames: false, matchOriginAsFallback: false, runAt: 'document_start', persistAcrossSessions: true };
  const same = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
  if (current && same(current.matches, granted) && same(current.js, script.js) && !current.allFrames && !current.matchOriginAsFallback && current.runAt === script.runAt) return;
  if (current) await chrome.scripting.updateContentScripts([script]);
  else await chrome.scripting.registerContentScripts([script]);
  const added = granted.filter((s) => !current?.matches.includes(s));
  for (const tab of await chrome.tabs.query({ url: added })) {
    // The script returns at once where it already runs.
    chrome.scripting.executeScript({ target: { tabId: tab.id, frameIds: [0] }, files: ['drafts.js'] }).catch(() => {});
  }
}

/** A frame the tab's drafts may come from: the top document, or a frame of the same origin (or inheriting it). */
function frameOfTab(sender, pageUrl) {
  if (sender.frameId === 0) return true;
  const url = sender.url ?? '';
  if (url === 'about:blank' || url === 'about:srcdoc') return true;
  try {
    return new URL(url).origin === new URL(pageUrl).origin;
  } catch {
    return false;
  }
}

/**
 * Answers a message of drafts.js (types `draft-*`, `open-login`); null when it is not one, or not from a
 * watched tab.
 */
export async function contentMessage(message, sender, settings) {
  const tab = sender.tab;
  // The page is the top frame's URL when it sent the message (the tab may have moved on since); an editor
  // frame's message belongs to the page its tab shows.
  const url = sender.frameId === 0 ? sender.url : tab?.url;
  if (!tab || !url || !watchedBy(settings.sites, url) || !frameOfTab(sender, url)) return null;
  const origin = new URL(url).origin;
  const page = pageKey(url);
  const field = (f) => typeof f === 'string' && f.length <= MAX_FIELD;
  switch (message.type) {
    case 'draft-save': {
      if (!settings.drafts) return { ok: false, off: true };
      if (!field(message.field) || typeof message.text !== 'string' || message.text.length > MAX_TEXT) return { ok: false };
      const text = message.text.trim() ? message.text : '';
      (await pagesWithDrafts())?.add(page); // before the write: a page loading meanwhile looks for it
      await saveDraft({ origin, page, field: message.field, text, kind: message.kind === 'rich' ? 'rich' : 'text' });
      return { ok: true };
    }
    case 'draft-submitted': {
      const fields = Array.isArray(message.fields) ? message.fields.filter(field) : [];
      if (fields.length) submits.set(tab.id, { origin, page, fields, at: Date.now() });
      return { ok: true };
    }
    case 'open-login': {
      // The URL is the newest alert's for this application (the monitor read it from the server), never one
      // the page could pass; stored alerts survive a worker restart.
      const { alerts = [] } = await chrome.storage.local.get('alerts');
      const alert = alerts.findLast((a) => a.login_url && inApp(a.origin, url));
      if (!alert) return { ok: false };
      await chrome.tabs.create({ url: alert.login_url, index: tab.index + 1, openerTabId: tab.id, windowId: tab.windowId });
      return { ok: true };
    }
    default:
      return null;
  }
}

/**
 * The recorder's hook for each top-level document of a watched site (redirect, completion or error): judges
 * the tab's pending submit, then hands the page's remaining drafts to drafts.js.
 */
export function pageDocument(d, outcome, settings) {
  if (!submits.has(d.tabId) && !(settings.drafts && watchedBy(settings.sites, d.url))) return;
  judgeSubmit(d, outcome)
    .then(() => !outcome.redirectURL && !outcome.error && (d.statusCode ?? 0) < 400 && settings.drafts && handDrafts(d))
    .catch((err) => console.error('harlens: drafts on page load failed', err));
}

async function judgeSubmit(d, { redirectURL, error }) {
  const submit = submits.get(d.tabId);
  if (!submit) return;
  if (Date.now() - submit.at > SUBMIT_WINDOW_MS) {
    submits.delete(d.tabId);
    return;
  }
  if (redirectURL && !isLoginPage(redirectURL)) return; // on its way somewhere: judged where it lands
  submits.delete(d.tabId);
  const failed = Boolean(error) || Boolean(redirectURL) || (d.statusCode ?? 0) >= 400 || isLoginPage(d.url);
  if (failed) return; // the drafts stay, to be restored after the login
  const submitted = (f) => submit.fields.some((s) => f === s || (s.endsWith(' > ') && f.startsWith(s)));
  const drafts = await draftsOf(submit.page);
  await deleteDrafts(drafts.filter((dr) => dr.origin === submit.origin && submitted(dr.field)));
}

/**
 * Runs in drafts.js's world: gives it the page's drafts, or leaves them for it if it has not run yet; false
 * when the frame still shows the previous document.
 */
function giveDrafts(drafts, url) {
  if (location.href.split('#')[0] !== url) return false;
  if (globalThis.harlens) globalThis.harlens.drafts(drafts);
  else globalThis.harlensPending = drafts;
  return true;
}

async function handDrafts(d) {
  if (isLoginPage(d.url)) return;
  const page = pageKey(d.url);
  const pages = await pagesWithDrafts();
  if (pages && !pages.has(page)) return;
  const origin = new URL(d.url).origin;
  const drafts = (await draftsOf(page)).filter((x) => x.origin === origin);
  if (!drafts.length) return;
  const args = [drafts.map(({ field, text, kind, savedAt }) => ({ field, text, kind, savedAt })), d.url];
  // In the top frame at its idle time (drafts.js has run since the document started); it reaches its editor
  // frames itself. The response has arrived but the new document may not have replaced the old one yet: then
  // the injection fails ("frame removed") or lands in the old document, and is tried again.
  for (let attempt = 0; attempt < 30; attempt++) {
    const [result] = await chrome.scripting.executeScript({ target: { tabId: d.tabId, frameIds: [0] }, func: giveDrafts, args }).catch(() => []);
    if (result?.result === true) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs in drafts.js's world: calls one of its functions, if it runs there. */
function callDrafts(name, message) {
  globalThis.harlens?.[name](message);
}

function call(tabId, name, message) {
  return chrome.scripting
    .executeScript({ target: { tabId, frameIds: [0] }, injectImmediately: true, func: callDrafts, args: [name, message] })
    .catch(() => {}); // a tab that navigated away meanwhile
}

/** Shows the loss in every open tab of its application (not on its login pages: the user is logging in). */
export async function warnTabs(alerts, settings) {
  const tabs = await chrome.tabs.query({});
  await Promise.all(
    alerts.map(async (alert) => {
      lost.add(alert.origin);
      const open = tabs.filter((t) => t.url && inApp(alert.origin, t.url) && !isLoginPage(t.url));
      await Promise.all(
        open.map(async (tab) => {
          const drafts = settings.drafts ? await draftsOf(pageKey(tab.url)) : [];
          await call(tab.id, 'banner', {
            app: appName(alert.origin),
            at: alert.at ?? new Date().toISOString(),
            cause: alert.title ?? null,
            drafts: settings.drafts,
            hasDraft: drafts.length > 0,
          });
        }),
      );
    }),
  );
}

/** An entry showing the user logged in again on an application that lost them: its tabs are told. */
export async function noticeBack(entry) {
  if (!lost.size || entry._fromCache) return;
  const user = entry.response.headers.find((h) => h.name.toLowerCase() === 'x-ausername')?.value ?? '';
  if (!user || user === 'anonymous' || entry.response.status >= 400) return;
  for (const origin of lost) {
    if (!inApp(origin, entry.request.url)) continue;
    lost.delete(origin);
    for (const tab of await chrome.tabs.query({})) {
      if (tab.url && inApp(origin, tab.url)) call(tab.id, 'back', { app: appName(origin), at: new Date().toISOString() });
    }
  }
}
