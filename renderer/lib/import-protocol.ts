// What the page and the import worker (renderer/workers/import.worker.ts) say to each other. Both
// sides check what they receive: a message is data from another thread, not a trusted value.
import { z } from 'zod';
import type { NetloomErrorCode } from '../../src/util/errors.ts';

/** NetloomError's codes, so that a failure crosses the boundary as the error it was. */
export const importErrorCodes = [
  'invalid-file',
  'unsupported-version',
  'invalid-onnx',
  'unsupported-op',
  'graph-has-errors',
  'bad-argument',
  'io',
  'runtime',
] as const satisfies readonly NetloomErrorCode[];

// Typed arrays over any buffer (a file's bytes may live in a shared one).
const bytesSchema = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected bytes');
const floatsSchema = z.custom<Float32Array>((v) => v instanceof Float32Array, 'expected float32 values');

/** Read this file, an ONNX model or a project; the answer carries the same `id`. */
export const importRequestSchema = z.object({
  id: z.number().int(),
  /** The file's name or path, as messages name it. */
  name: z.string(),
  kind: z.enum(['onnx', 'project']),
  bytes: bytesSchema,
});

/** Why a file could not be read: the message names the file and the place, as on the page. */
export const importFailureSchema = z.object({
  message: z.string(),
  code: z.enum(importErrorCodes).optional(),
  path: z.string().optional(),
  nodeId: z.string().optional(),
});

/**
 * The document read and, for ONNX, the file's weights (their buffers transferred, not copied).
 * `doc` is checked against the document schema by the page in slices of their own
 * (import-client.ts: checking 5,000 nodes at once is a task of 0.1–0.3 s).
 */
export const importReplySchema = z.union([
  z.object({
    id: z.number().int(),
    doc: z.unknown(),
    weights: z.array(z.tuple([z.string(), floatsSchema])),
  }),
  z.object({ id: z.number().int(), failure: importFailureSchema }),
]);

export type ImportRequest = z.infer<typeof importRequestSchema>;
export type ImportReply = z.infer<typeof importReplySchema>;
export type ImportFailure = z.infer<typeof importFailureSchema>;
