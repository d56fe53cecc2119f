// The recording on disk: finished HAR entries appended to IndexedDB as they finish, so a service-worker
// restart loses nothing already finished. Bounded by count (on every write) and age (on writes, and by an
// alarm in background.js, so that a stopped recording does not keep old entries forever); what the bounds
// drop is counted and said in the exported HAR ("N oldest entries dropped").
//
// Each entry is stored as its JSON text, the text the live monitor was given: a string costs IndexedDB a copy
// where an object costs a structured clone of every header, and the export and the monitor's replay use the
// text as it is. Records written as objects (`entry`, by earlier versions) are read too.
const DB = 'harlens';
const ENTRIES = 'entries';
const META = 'meta';

let opening = null;

export function openDb() {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      // { id (auto), t: start time in ms, site, json: the HAR entry's JSON text } (earlier: `entry`, the object)
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

/** A stored record's entry as JSON text, whichever way it was stored. */
const entryText = (record) => record.json ?? JSON.stringify(record.entry);

let lastAgePrune = 0;
const AGE_PRUNE_EVERY_MS = 60_000;
/**
 * How many entries the store holds, as this worker's writes left it (counted once per worker life). Only
 * the worker writes entries, one write at a time (`serially`), so it need not ask IndexedDB on every write;
 * a record put there by anyone else is found at the next count (the worker's next start).
 */
let stored = null;
let writing = Promise.resolve();

/** Runs the writes of this module one after another, so that `stored` always describes the store. */
function serially(write) {
  const run = writing.then(write, write);
  writing = run.catch(() => {});
  return run;
}

/**
 * Appends finished entries (`[{site, t, json}]`: start time in ms, the entry's JSON text) in one
 * transaction, then enforces the bounds in it: the count on every write, the age once a minute (the age
 * bound is hours). Relaxed durability: a committed write survives the worker, the browser and a crash of
 * either; only a crash of the whole system may lose the last ones, which the sync to disk would cost every
 * request.
 */
export function appendEntries(items, bounds) {
  return serially(() => append(items, bounds));
}

async function append(items, { maxEntries, maxAgeHours }) {
  const db = await openDb();
  const tx = db.transaction([ENTRIES, META], 'readwrite', { durability: 'relaxed' });
  const store = tx.objectStore(ENTRIES);
  const meta = tx.objectStore(META);
  for (const { site, t, json } of items) store.add({ t, site, json });
  let dropped = 0;
  // Counted after the adds when not known: the count then includes them.
  let count = stored === null ? await result(store.count()) : stored + items.length;
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
  count -= dropped;
  await countDropped(meta, dropped);
  await done(tx).catch((err) => {
    stored = null; // an aborted transaction wrote nothing: count again next time
    throw err;
  });
  stored = count;
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
export function pruneEntries(bounds) {
  return serially(() => prune(bounds));
}

async function prune({ maxAgeHours }) {
  const db = await openDb();
  const tx = db.transaction([ENTRIES, META], 'readwrite');
  const dropped = await dropOlderThan(tx.objectStore(ENTRIES), maxAgeHours);
  await countDropped(tx.objectStore(META), dropped);
  await done(tx);
  if (stored !== null) stored -= dropped;
  return dropped;
}

/** Every stored entry, oldest first, as `{site, json}` (the entry's JSON text). */
export async function allEntries() {
  const db = await openDb();
  const tx = db.transaction(ENTRIES, 'readonly');
  return (await result(tx.objectStore(ENTRIES).getAll())).map((r) => ({ site: r.site, json: entryText(r) }));
}

/** The newest `n` stored entries, oldest first, as `{site, json}`. */
export async function recentEntries(n) {
  const db = await openDb();
  const store = db.transaction(ENTRIES, 'readonly').objectStore(ENTRIES);
  // Keys grow by one per entry and only the oldest are ever deleted, so the newest n are the keys from
  // (last - n + 1) on: one range read instead of a cursor walk.
  const last = await result(store.openKeyCursor(null, 'prev'));
  if (!last) return [];
  const range = IDBKeyRange.lowerBound(Math.max(0, last.key - n + 1));
  return (await result(store.getAll(range))).map((r) => ({ site: r.site, json: entryText(r) }));
}

export async function stats() {
  const db = await openDb();
  const tx = db.transaction([ENTRIES, META], 'readonly');
  const entries = await result(tx.objectStore(ENTRIES).count());
  const dropped = (await result(tx.objectStore(META).get('dropped'))) ?? 0;
  return { entries, dropped };
}

export function clearAll() {
  return serially(clear);
}

async function clear() {
  const db = await openDb();
  const tx = db.transaction([ENTRIES, META], 'readwrite');
  tx.objectStore(ENTRIES).clear();
  tx.objectStore(META).clear();
  await done(tx);
  stored = 0;
}
