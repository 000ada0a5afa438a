// Document → ONNX bytes in one call: lower, refuse graphs with errors, fill weights, encode.
import type { NetloomDocument } from '../document/schema.ts';
import { lowerOrThrow } from '../compile/diagnostics.ts';
import type { Lowered } from '../compile/lower.ts';
import type { WeightValues } from '../ir/weights.ts';
import { materializeWeights } from '../ir/weights.ts';
import { exportOnnx } from './export.ts';

export interface DocumentExport {
  readonly bytes: Uint8Array;
  readonly lowered: Lowered;
  readonly weights: Map<string, Float32Array>;
}

export function exportDocument(
  doc: NetloomDocument,
  opts: { seed?: number; weights?: WeightValues; batch?: number } = {},
): DocumentExport {
  const lowered = lowerOrThrow(doc, { mode: 'inference', batch: opts.batch ?? 1 });
  const weights = materializeWeights(lowered.graph.weights, opts.seed ?? 0, opts.weights);
  const bytes = exportOnnx(lowered.graph, weights, {
    name: doc.name,
    docString: doc.description,
    metadata: { 'netloom.document': doc.name },
  });
  return { bytes, lowered, weights };
}
