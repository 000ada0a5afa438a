// Reading a file the user opened, as one piece of work that runs where it is given: in the import
// worker (renderer/workers/import.worker.ts) so that decoding a 32 MB ONNX file and converting
// 5,000 ops to layers, or parsing and checking a 5,000-layer project (a task of 0.15–0.5 s), never
// block the page's input; or on the page itself when no worker runs.
import { parseDocument } from '../../src/document/parse.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { importedToDocument } from '../../src/onnx/to-document.ts';
import { NetloomError } from '../../src/util/errors.ts';
import type { ElkLayout } from './import-layout.ts';
import { layoutImportedWith } from './import-layout.ts';
import type { ImportFailure, ImportReply } from './import-protocol.ts';
import { importErrorCodes, importRequestSchema } from './import-protocol.ts';
import { documentText, packWeights } from './import-transport.ts';

export interface ReadModel {
  readonly doc: NetloomDocument;
  /** The file's weights by name (ONNX); empty for a project. */
  readonly weights: readonly (readonly [string, Float32Array])[];
}

/** An ONNX file as a laid-out document with the file's weights. */
export async function readOnnx(bytes: Uint8Array, name: string, elk: ElkLayout): Promise<ReadModel> {
  const { doc, weights } = importedToDocument(importOnnx(bytes, { path: name }), name);
  const at = await layoutImportedWith(doc, elk);
  const placed = { ...doc, nodes: doc.nodes.map((n) => ({ ...n, position: at.get(n.id) ?? n.position })) };
  return { doc: placed, weights: [...weights] };
}

/** A project file's bytes as a checked document (errors name the line and column or JSON path). */
export function readProject(bytes: Uint8Array, name: string): ReadModel {
  return { doc: parseDocument(new TextDecoder().decode(bytes), name), weights: [] };
}

/** An error as it crosses to the page: its message, and its code and place when it has them. */
export function failureOf(e: unknown): ImportFailure {
  if (!(e instanceof Error)) return { message: String(e) };
  if (!(e instanceof NetloomError)) return { message: e.message };
  const code = importErrorCodes.find((c) => c === e.code);
  return {
    message: e.message,
    ...(code ? { code } : {}),
    ...(e.path !== undefined ? { path: e.path } : {}),
    ...(e.nodeId !== undefined ? { nodeId: e.nodeId } : {}),
  };
}

/** The failure as the error the page path would have thrown. */
export function errorOf(f: ImportFailure): Error {
  if (!f.code) return new Error(f.message);
  return new NetloomError(f.code, f.message, {
    ...(f.path !== undefined ? { path: f.path } : {}),
    ...(f.nodeId !== undefined ? { nodeId: f.nodeId } : {}),
  });
}

/**
 * The worker's answer to one message: the reply, and the buffer to transfer with it (the
 * weights packed in one, import-transport.ts; the document goes as text in parts).
 */
export async function answerImport(
  data: unknown,
  elk: ElkLayout,
): Promise<{ reply: ImportReply; transfer: ArrayBuffer[] }> {
  const req = importRequestSchema.safeParse(data);
  if (!req.success) {
    const id = (data as { id?: unknown } | null)?.id;
    return {
      reply: {
        id: typeof id === 'number' ? id : -1,
        failure: { message: 'The import request was not a file' },
      },
      transfer: [],
    };
  }
  const { id, name, kind, bytes } = req.data;
  try {
    const read = kind === 'project' ? readProject(bytes, name) : await readOnnx(bytes, name, elk);
    const weights = packWeights(read.weights);
    const text = documentText(read.doc);
    return {
      reply: { id, doc: text ? { text } : { value: read.doc }, weights },
      transfer: weights.values.buffer instanceof ArrayBuffer ? [weights.values.buffer] : [],
    };
  } catch (e) {
    return { reply: { id, failure: failureOf(e) }, transfer: [] };
  }
}
