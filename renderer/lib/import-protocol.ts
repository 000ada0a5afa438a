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
 * A document as JSON text in parts: its head (every field but the lists) and its nodes, wires and
 * groups a few hundred to a part (import-transport.ts). Strings cross to the page as one copy each;
 * the same document as objects is rebuilt on receipt, a task of 0.1 s and more at 5,000 nodes
 * that nothing can split. The page parses and checks the parts in slices of its own.
 */
export const documentTextSchema = z.object({
  head: z.string(),
  nodes: z.array(z.string()),
  edges: z.array(z.string()),
  groups: z.array(z.string()),
});

/**
 * The file's weights (ONNX) in one buffer, transferred: the names, each weight's number of values,
 * and the values one weight after another. Thousands of arrays each with its buffer of their own
 * cost the page a long task to receive; one buffer costs nothing.
 */
export const packedWeightsSchema = z
  .object({
    names: z.array(z.string()),
    sizes: z.array(z.number().int().nonnegative()),
    values: floatsSchema,
  })
  .refine(
    (w) => w.names.length === w.sizes.length && w.sizes.reduce((a, b) => a + b, 0) === w.values.length,
    {
      message: "the weights' sizes do not add up to their values",
    },
  );

/**
 * The document read and, for ONNX, the file's weights. The document comes as text in parts, or,
 * where its values do not survive JSON (a number that is not finite), as the object itself.
 * Either way the page checks it against the document schema in slices (import-client.ts:
 * checking 5,000 nodes at once is a task of 0.1–0.3 s).
 */
export const importReplySchema = z.union([
  z.object({
    id: z.number().int(),
    doc: z.union([z.object({ text: documentTextSchema }), z.object({ value: z.unknown() })]),
    weights: packedWeightsSchema,
  }),
  z.object({ id: z.number().int(), failure: importFailureSchema }),
]);

export type DocumentText = z.infer<typeof documentTextSchema>;
export type PackedWeights = z.infer<typeof packedWeightsSchema>;
export type ImportRequest = z.infer<typeof importRequestSchema>;
export type ImportReply = z.infer<typeof importReplySchema>;
export type ImportFailure = z.infer<typeof importFailureSchema>;
