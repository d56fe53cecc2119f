// Drafts on disk: what the user typed on a watched site, in the extension's own IndexedDB database
// (`harlens-drafts`, apart from the recording's `harlens`, so that no export can ever read it). One record per
// (origin, page, field): `{origin, page, field, text, kind, savedAt}`. Written by the background only (the
// content script asks it); read by the popup and the options page.
const DB = 'harlens-drafts';
const DRAFTS = 'drafts';

/** Drafts older than this are deleted (an alarm in background.js). */
export const DRAFT_MAX_AGE_MS = 7 * 24 * 3600e3;

let opening = null;

function openDb() {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      const store = req.result.createObjectStore(DRAFTS, { keyPath: ['origin', 'page', 'field'] });
      store.createIndex('page', 'page');
      store.createIndex('savedAt', 'savedAt');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => {
      opening = null;
      reject(req.error);
    };
  });
  return opening;
}

const done = (tx) =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error);
  });

const result = (req) =>
  new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

async function store(mode) {
  const db = await openDb();
  const tx = db.transaction(DRAFTS, mode);
  return { tx, drafts: tx.objectStore(DRAFTS) };
}

/** Saves a draft; an empty text deletes it (the user cleared the field). */
export async function saveDraft({ origin, page, field, text, kind }) {
  const { tx, drafts } = await store('readwrite');
  if (text) drafts.put({ origin, page, field, text, kind, savedAt: Date.now() });
  else drafts.delete([origin, page, field]);
  await done(tx);
}

/** The drafts of one page (see urls.js pageKey), oldest first. */
export async function draftsOf(page) {
  const { drafts } = await store('readonly');
  return (await result(drafts.index('page').getAll(page))).sort((a, b) => a.savedAt - b.savedAt);
}

/** The pages (see urls.js pageKey) that have drafts, each once. */
export async function draftPages() {
  const { drafts } = await store('readonly');
  const cursor = drafts.index('page').openKeyCursor(null, 'nextunique');
  const pages = [];
  await new Promise((resolve, reject) => {
    cursor.onsuccess = () => {
      if (!cursor.result) return resolve();
      pages.push(cursor.result.key);
      cursor.result.continue();
    };
    cursor.onerror = () => reject(cursor.error);
  });
  return pages;
}

/** Every draft, newest first. */
export async function allDrafts() {
  const { drafts } = await store('readonly');
  return (await result(drafts.getAll())).sort((a, b) => b.savedAt - a.savedAt);
}

/** Deletes drafts by `{origin, page, field}`. */
export async function deleteDrafts(keys) {
  const { tx, drafts } = await store('readwrite');
  for (const { origin, page, field } of keys) drafts.delete([origin, page, field]);
  await done(tx);
}

/** Deletes every draft; returns how many there were. */
export async function clearDrafts() {
  const { tx, drafts } = await store('readwrite');
  const count = await result(drafts.count());
  drafts.clear();
  await done(tx);
  return count;
}

/** Deletes the drafts saved before `now - maxAgeMs`; returns how many. */
export async function pruneDrafts(maxAgeMs = DRAFT_MAX_AGE_MS, now = Date.now()) {
  const { tx, drafts } = await store('readwrite');
  const keys = await result(drafts.index('savedAt').getAllKeys(IDBKeyRange.upperBound(now - maxAgeMs, true)));
  for (const k of keys) drafts.delete(k);
  await done(tx);
  return keys.length;
}
