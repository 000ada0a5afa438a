// Document → ONNX bytes in one call: lower, refuse graphs with errors, fill weights, encode.
import type { NetloomDocument } from '../document/schema.ts';
import { hasErrors, lowerDocument } from '../ir/lower.ts';
import type { Lowered } from '../ir/lower.ts';
import type { WeightValues } from '../ir/weights.ts';
import { materializeWeights } from '../ir/weights.ts';
import { NetloomError } from '../util/errors.ts';
import { echo, firstFew } from '../util/text.ts';
import { exportOnnx } from './export.ts';

export interface DocumentExport {
  readonly bytes: Uint8Array;
  readonly lowered: Lowered;
  readonly weights: Map<string, Float32Array>;
}

/** The graph's errors, the first few one per line and a count of the rest. */
export function formatDiagnostics(lowered: Lowered, max = 5): string {
  const lines = lowered.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => {
      const n = d.node ? (lowered.nodes.get(d.node)?.name ?? d.node) : undefined;
      return `${n ? `node "${echo(n)}"` : 'graph'}${d.field ? ` field ${echo(d.field)}` : ''}: ${d.message}`;
    });
  return firstFew(lines, max, lines.length - max === 1 ? 'more error' : 'more errors').join('\n');
}

export function exportDocument(
  doc: NetloomDocument,
  opts: { seed?: number; weights?: WeightValues; batch?: number } = {},
): DocumentExport {
  const lowered = lowerDocument(doc, { mode: 'inference', batch: opts.batch ?? 1 });
  if (hasErrors(lowered)) {
    throw new NetloomError('graph-has-errors', `The graph has errors:\n${formatDiagnostics(lowered)}`);
  }
  const weights = materializeWeights(lowered.graph.weights, opts.seed ?? 0, opts.weights);
  const bytes = exportOnnx(lowered.graph, weights, {
    name: doc.name,
    docString: doc.description,
    metadata: { 'netloom.document': doc.name },
  });
  return { bytes, lowered, weights };
}
