// The run history's files in the origin's IndexedDB (the browser build and the desktop window):
// one object store keyed by path. A put is one transaction, so each file is written whole or not
// at all; a tab closed mid-run leaves the last run.json, marked unfinished.
import type { RunFiles } from '../../src/experiments/run-files.ts';

const dbName = 'netloom-runs';
const storeName = 'files';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function open(): Promise<IDBDatabase> {
  const r = indexedDB.open(dbName, 1);
  r.onupgradeneeded = () => r.result.createObjectStore(storeName);
  return request(r);
}

export function idbRunFiles(): RunFiles {
  let db: Promise<IDBDatabase> | undefined;
  const store = async (mode: IDBTransactionMode) =>
    (await (db ??= open())).transaction(storeName, mode).objectStore(storeName);
  const keysUnder = async (folder: string) => {
    const all = (await request((await store('readonly')).getAllKeys())) as string[];
    return all.filter((k) => folder === '' || k === folder || k.startsWith(folder + '/'));
  };
  return {
    async read(path) {
      const v: unknown = await request((await store('readonly')).get(path));
      return v instanceof Uint8Array ? v : v instanceof ArrayBuffer ? new Uint8Array(v) : undefined;
    },
    async write(path, bytes) {
      await request((await store('readwrite')).put(bytes.slice(), path));
    },
    async list(folder) {
      const names = new Set<string>();
      for (const k of await keysUnder(folder)) {
        const rest = folder === '' ? k : k.slice(folder.length + 1);
        if (rest) names.add(rest.split('/')[0]!);
      }
      return [...names].sort();
    },
    async remove(folder) {
      const keys = await keysUnder(folder);
      const s = await store('readwrite');
      await Promise.all(keys.map((k) => request(s.delete(k))));
    },
    async size(path) {
      // Keys first, then every get in one transaction issued at once (a transaction ends when
      // control returns to the event loop with no request pending).
      const keys = await keysUnder(path);
      const s = await store('readonly');
      const values: unknown[] = await Promise.all(keys.map((k) => request(s.get(k))));
      return values.reduce<number>((n, v) => n + (v instanceof Uint8Array ? v.length : 0), 0);
    },
  };
}
