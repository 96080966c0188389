// The page's autosave in the browser's storage (IndexedDB), so a reload, a closed
// tab or a crash of the browser offers to continue the run on the next visit.
// One record: the latest autosave of the latest run ({text, patterns, total,
// preset, engine, checksum, savedAt}). Every call can fail (private mode, quota,
// storage switched off); callers report that and go on without it.

const DB = 'microcircuit';
const STORE = 'autosave';
const KEY = 'run';

function open() {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined') return reject(new Error('this browser offers no IndexedDB'));
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error || new Error('IndexedDB refused to open'));
    req.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
  });
}

/** Runs `fn(store)` in one transaction; resolves with its request's result. */
async function run(mode, fn) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onabort = tx.onerror = () => reject(tx.error || req.error || new Error('the transaction failed'));
    });
  } finally {
    db.close();
  }
}

/** Stores the run's latest autosave, replacing the one before. */
export const saveRun = (record) => run('readwrite', (s) => s.put(record, KEY));

/** The stored autosave, or null. */
export const loadRun = async () => (await run('readonly', (s) => s.get(KEY))) ?? null;

/** Forgets the stored autosave. */
export const clearRun = () => run('readwrite', (s) => s.delete(KEY));
