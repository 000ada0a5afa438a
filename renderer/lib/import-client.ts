// The page's side of the import worker: a file the user opened is read on another thread
// (renderer/lib/import-work.ts), and what comes back is checked and handed over in short tasks of
// its own, so that opening a 5,000-node model never blocks input for long. Where no worker can run
// (a test's Node, a page without Worker) or the worker fails, the file is read here instead.
import type { NetloomDocument } from '../../src/document/schema.ts';
import { documentSchema } from '../../src/document/schema.ts';
import { NetloomError } from '../../src/util/errors.ts';
import type { ReadModel } from './import-work.ts';
import { errorOf, readOnnx, readProject } from './import-work.ts';
import type { ImportReply, ImportRequest } from './import-protocol.ts';
import { importReplySchema } from './import-protocol.ts';
import { layoutInWorker } from './layout-client.ts';

let worker: Worker | undefined;
let broken = false;
let nextId = 0;
const waiting = new Map<number, (r: ImportReply | undefined) => void>();

function importWorker(): Worker | undefined {
  if (broken || typeof Worker === 'undefined') return undefined;
  if (worker) return worker;
  try {
    const w = new Worker(new URL('../workers/import.worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<unknown>) => {
      const m = importReplySchema.safeParse(e.data);
      if (!m.success) return;
      const job = waiting.get(m.data.id);
      if (!job) return;
      waiting.delete(m.data.id);
      job(m.data);
    };
    // A worker that cannot load or crashes: every waiting file is read on the page instead.
    w.onerror = () => {
      broken = true;
      worker = undefined;
      w.terminate();
      for (const job of waiting.values()) job(undefined);
      waiting.clear();
    };
    worker = w;
    return w;
  } catch {
    broken = true;
    return undefined;
  }
}

/** A new task: the page paints and handles input in between. */
export function nextTask(): Promise<void> {
  const s = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof s?.yield === 'function') return s.yield();
  return new Promise((resolve) => {
    if (typeof MessageChannel === 'undefined') {
      setTimeout(resolve, 0);
      return;
    }
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(0);
  });
}

function readHere(
  kind: ImportRequest['kind'],
  bytes: Uint8Array,
  name: string,
): Promise<ReadModel> | ReadModel {
  return kind === 'onnx' ? readOnnx(bytes, name, layoutInWorker) : readProject(bytes, name);
}

/**
 * A file read as a document (and the file's weights, for ONNX), in the import worker when one
 * runs. Throws what reading it on the page would throw: the file's name, the place, the reason.
 */
export async function readFile(
  kind: ImportRequest['kind'],
  bytes: Uint8Array,
  name: string,
): Promise<ReadModel> {
  const w = importWorker();
  if (!w) return readHere(kind, bytes, name);
  const id = nextId++;
  const answer = new Promise<ImportReply | undefined>((resolve) => waiting.set(id, resolve));
  // The bytes are copied, not transferred: the page still has them if the worker fails.
  w.postMessage({ id, kind, name, bytes } satisfies ImportRequest);
  const reply = await answer;
  if (!reply) return readHere(kind, bytes, name);
  if ('failure' in reply) throw errorOf(reply.failure);
  await nextTask();
  const doc = documentSchema.safeParse(reply.doc);
  if (!doc.success)
    throw new NetloomError('runtime', `${name}: the import worker sent back a document that is not valid`, {
      path: name,
    });
  await nextTask();
  return { doc: doc.data satisfies NetloomDocument, weights: reply.weights };
}
