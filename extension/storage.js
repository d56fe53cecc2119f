// The recording on disk: finished HAR entries appended to IndexedDB one by one, so a service-worker restart
// loses nothing already finished. Bounded by count (on every write) and age (on writes, and by an alarm in
// background.js, so that a stopped recording does not keep old entries forever); what the bounds drop is
// counted and said in the exported HAR ("N oldest entries dropped").
const DB = 'harlens';
const ENTRIES = 'entries';
const META = 'meta';

let opening = null;

export function openDb() {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      // { id (auto), t: start time in ms, site, entry: the HAR entry object }
      const store = db.createObjectStore(ENTRIES, { keyPath: 'id', autoIncrement: true });
      store.createIndex('t', 't');
      db.createObjectStore(META);
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

let lastAgePrune = 0;
const AGE_PRUNE_EVERY_MS = 60_000;

/**
 * Appends finished entries (`[{site, entry}]`) in one transaction, then enforces the bounds in it: the count
 * on every write, the age once a minute (the age bound is hours).
 */
export async function appendEntries(items, { maxEntries, maxAgeHours }) {
  const db = await openDb();
  const tx = db.transaction([ENTRIES, META], 'readwrite');
  const store = tx.objectStore(ENTRIES);
  const meta = tx.objectStore(META);
  for (const { site, entry } of items) store.add({ t: Date.parse(entry.startedDateTime) || Date.now(), site, entry });
  let dropped = 0;
  const count = await result(store.count());
  if (count > maxEntries) {
    let excess = count - maxEntries;
    const cursor = store.openCursor();
    await new Promise((resolve, reject) => {
      cursor.onsuccess = () => {
        const c = cursor.result;
        if (!c || excess <= 0) return resolve();
        c.delete();
        excess -= 1;
        dropped += 1;
        c.continue();
      };
      cursor.onerror = () => reject(cursor.error);
    });
  }
  if (Date.now() - lastAgePrune > AGE_PRUNE_EVERY_MS) {
    lastAgePrune = Date.now();
    dropped += await dropOlderThan(store, maxAgeHours);
  }
  await countDropped(meta, dropped);
  await done(tx);
}

/** Deletes the entries that started more than `maxAgeHours` ago, inside `store`'s transaction; returns how many. */
async function dropOlderThan(store, maxAgeHours) {
  const tooOld = IDBKeyRange.upperBound(Date.now() - maxAgeHours * 3600e3, true);
  const keys = await result(store.index('t').getAllKeys(tooOld));
  for (const k of keys) store.delete(k);
  return keys.length;
}

async function countDropped(meta, dropped) {
  if (dropped > 0) meta.put(((await result(meta.get('dropped'))) ?? 0) + dropped, 'dropped');
}

/** Enforces the age bound on its own (the alarm's job, whether or not anything is being recorded). */
export async function pruneEntries({ maxAgeHours }) {
  const db = await openDb();
  const tx = db.transaction([ENTRIES, META], 'readwrite');
  const dropped = await dropOlderThan(tx.objectStore(ENTRIES), maxAgeHours);
  await countDropped(tx.objectStore(META), dropped);
  await done(tx);
  return dropped;
}

/** Every stored entry, oldest first, as `{site, entry}`. */
export async function allEntries() {
  const db = await openDb();
  const tx = db.transaction(ENTRIES, 'readonly');
  return (await result(tx.objectStore(ENTRIES).getAll())).map(({ site, entry }) => ({ site, entry }));
}

/** The newest `n` stored entries, oldest first, as `{site, entry}`. */
export async function recentEntries(n) {
  const db = await openDb();
  const store = db.transaction(ENTRIES, 'readonly').objectStore(ENTRIES);
  // Keys grow by one per entry and only the oldest are ever deleted, so the newest n are the keys from
  // (last - n + 1) on: one range read instead of a cursor walk.
  const last = await result(store.openKeyCursor(null, 'prev'));
  if (!last) return [];
  const range = IDBKeyRange.lowerBound(Math.max(0, last.key - n + 1));
  return (await result(store.getAll(range))).map(({ site, entry }) => ({ site, entry }));
}

export async function stats() {
  const db = await openDb();
  const tx = db.transaction([ENTRIES, META], 'readonly');
  const entries = await result(tx.objectStore(ENTRIES).count());
  const dropped = (await result(tx.objectStore(META).get('dropped'))) ?? 0;
  return { entries, dropped };
}

export async function clearAll() {
  const db = await openDb();
  const tx = db.transaction([ENTRIES, META], 'readwrite');
  tx.objectStore(ENTRIES).clear();
  tx.objectStore(META).clear();
  await done(tx);
}
