// The page's side of the import worker: an ONNX file or a project the user opened is read on
// another thread (renderer/lib/import-work.ts), and what comes back is checked and handed over in
// short tasks of its own, so that opening a 5,000-node model never blocks input for long. Where no worker can run
// (a test's Node, a page without Worker) or the worker fails, the file is read here instead.
// nextTask() splits the page's own work the same way.
import type { NetloomDocument } from '../../src/document/schema.ts';
import type { z } from 'zod';
import { documentSchema, edgeSchema, groupSchema, nodeSchema } from '../../src/document/schema.ts';
import { NetloomError } from '../../src/util/errors.ts';
import type { ReadModel } from './import-work.ts';
import { errorOf, readOnnx, readProject } from './import-work.ts';
import type { ImportRequest } from './import-protocol.ts';
import { importReplySchema } from './import-protocol.ts';
import { layoutInWorker } from './layout-client.ts';
import { workerClient } from './worker-client.ts';

const importWorker = workerClient(
  () => new Worker(new URL('../workers/import.worker.ts', import.meta.url), { type: 'module' }),
);

/**
 * Starts the import worker ahead of its first file (its code takes a moment to load and compile):
 * called as the Open dialog opens, so the worker is ready by the time the user has chosen.
 */
export function startImportWorker(): void {
  importWorker.start();
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

/**
 * An ONNX file read as a laid-out document and the file's weights, in the import worker when one
 * runs. Throws what reading it on the page would throw: the file's name, the place, the reason.
 */
export function readOnnxFile(bytes: Uint8Array, name: string): Promise<ReadModel> {
  return readInWorker(bytes, name, 'onnx');
}

/**
 * A project file read as a checked document, in the import worker when one runs. Throws what
 * reading it on the page would throw (parse.ts: the file, the line and column or the JSON path).
 */
export function readProjectFile(bytes: Uint8Array, name: string): Promise<ReadModel> {
  return readInWorker(bytes, name, 'project');
}

function readHere(
  bytes: Uint8Array,
  name: string,
  kind: ImportRequest['kind'],
): Promise<ReadModel> | ReadModel {
  return kind === 'project' ? readProject(bytes, name) : readOnnx(bytes, name, layoutInWorker);
}

async function readInWorker(
  bytes: Uint8Array,
  name: string,
  kind: ImportRequest['kind'],
): Promise<ReadModel> {
  // A big file's own bytes are handed to the worker (transferred): copying 32 MB on the page is a
  // task of 0.1–0.5 s. A small file's copy is sent, so that the page still has it if the worker fails.
  const handOver = bytes.byteLength >= handOverFrom && bytes.buffer instanceof ArrayBuffer;
  const answer = importWorker.ask((id) => {
    const sent = handOver ? bytes : bytes.slice();
    return { message: { id, name, kind, bytes: sent } satisfies ImportRequest, transfer: [sent.buffer] };
  });
  const raw = answer && (await answer);
  if (raw === undefined && handOver && answer) throw workerStopped(name);
  if (raw === undefined) return readHere(bytes, name, kind);
  await nextTask();
  const reply = importReplySchema.safeParse(raw);
  if (!reply.success) throw notValid(name);
  if ('failure' in reply.data) throw errorOf(reply.data.failure);
  const { weights } = reply.data;
  await nextTask();
  const doc = await checkDocumentInSlices(reply.data.doc);
  if (!doc) throw notValid(name);
  return { doc, weights };
}

/** From how many bytes a file is handed to the import worker rather than copied to it. */
export const handOverFrom = 8 << 20;

/** The import worker failed holding a file handed to it: the user opens it again (read on the page). */
function workerStopped(name: string): NetloomError {
  return new NetloomError(
    'io',
    `${name}: the import worker stopped before it read the file; open the file again to read it here`,
    { path: name },
  );
}

/** How long one slice of checking a document from the worker may run (ms). */
const checkSliceMs = 30;

/**
 * `value` checked as documentSchema checks it (the same result), a few hundred nodes and wires
 * per task: at 5,000 layers checking it whole is a task of 0.1–0.3 s. Undefined when it fails
 * (a worker's reply; the worker has already told the user's file's own problems by place).
 */
export async function checkDocumentInSlices(value: unknown): Promise<NetloomDocument | undefined> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { nodes, edges = [], groups = [], ...rest } = value as Record<string, unknown>;
  if (!Array.isArray(nodes) || !Array.isArray(edges) || !Array.isArray(groups)) return undefined;
  const head = documentSchema.safeParse({ ...rest, nodes: [], edges: [], groups: [] });
  if (!head.success) return undefined;
  let deadline = performance.now() + checkSliceMs;
  const each = async <T>(list: readonly unknown[], schema: z.ZodType<T>): Promise<T[] | undefined> => {
    const out: T[] = [];
    for (let i = 0; i < list.length; i++) {
      if ((i & 63) === 0 && performance.now() > deadline) {
        await nextTask();
        deadline = performance.now() + checkSliceMs;
      }
      const r = schema.safeParse(list[i]);
      if (!r.success) return undefined;
      out.push(r.data);
    }
    return out;
  };
  const n = await each(nodes, nodeSchema);
  const e = n && (await each(edges, edgeSchema));
  const g = e && (await each(groups, groupSchema));
  if (!n || !e || !g) return undefined;
  return { ...head.data, nodes: n, edges: e, groups: g };
}

function notValid(name: string): NetloomError {
  return new NetloomError('runtime', `${name}: the import worker sent back a reply that is not valid`, {
    path: name,
  });
}
