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
import type { DocumentText, ImportRequest } from './import-protocol.ts';
import { importReplySchema } from './import-protocol.ts';
import { unpackWeights } from './import-transport.ts';
import { layoutInWorker } from './layout-client.ts';
import { workerClient } from './worker-client.ts';
import { nextTask } from './next-task.ts';

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
  const weights = unpackWeights(reply.data.weights);
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

/** A document as the worker sends it: as text in parts, or as the object itself. */
export type SentDocument = { readonly text: DocumentText } | { readonly value: unknown };

/** JSON text's value, or undefined where it is not JSON. */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The head (the fields but the lists) and the lists as parts: each part a JSON array's text, or
 * the array itself.
 */
function partsOf(sent: SentDocument):
  | {
      head: Record<string, unknown>;
      nodes: readonly unknown[];
      edges: readonly unknown[];
      groups: readonly unknown[];
    }
  | undefined {
  if ('text' in sent) {
    const head = parsed(sent.text.head);
    if (typeof head !== 'object' || head === null || Array.isArray(head)) return undefined;
    const { nodes, edges, groups } = sent.text;
    return { head: head as Record<string, unknown>, nodes, edges, groups };
  }
  const value = sent.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { nodes, edges = [], groups = [], ...head } = value as Record<string, unknown>;
  return { head, nodes: [nodes], edges: [edges], groups: [groups] };
}

/**
 * The document the worker sent, parsed and checked as documentSchema checks it (the same result),
 * a few hundred nodes and wires per task: at 5,000 layers parsing or checking it whole is a task
 * of 0.1–0.3 s. Undefined when it fails (a worker's reply; the worker has already told the user's
 * file's own problems by place).
 */
export async function checkDocumentInSlices(sent: SentDocument): Promise<NetloomDocument | undefined> {
  const parts = partsOf(sent);
  if (!parts) return undefined;
  const head = documentSchema.safeParse({ ...parts.head, nodes: [], edges: [], groups: [] });
  if (!head.success) return undefined;
  let deadline = performance.now() + checkSliceMs;
  const pause = async () => {
    if (performance.now() <= deadline) return;
    await nextTask();
    deadline = performance.now() + checkSliceMs;
  };
  const each = async <T>(list: readonly unknown[], schema: z.ZodType<T>): Promise<T[] | undefined> => {
    const out: T[] = [];
    for (const part of list) {
      await pause();
      const items = typeof part === 'string' ? parsed(part) : part;
      if (!Array.isArray(items)) return undefined;
      for (let i = 0; i < items.length; i++) {
        if ((i & 63) === 63) await pause();
        const r = schema.safeParse(items[i]);
        if (!r.success) return undefined;
        out.push(r.data);
      }
    }
    return out;
  };
  const n = await each(parts.nodes, nodeSchema);
  const e = n && (await each(parts.edges, edgeSchema));
  const g = e && (await each(parts.groups, groupSchema));
  if (!n || !e || !g) return undefined;
  return { ...head.data, nodes: n, edges: e, groups: g };
}

function notValid(name: string): NetloomError {
  return new NetloomError('runtime', `${name}: the import worker sent back a reply that is not valid`, {
    path: name,
  });
}
