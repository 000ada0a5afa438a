// What a lowering's diagnostics mean to a caller that cannot go on past them: exporting,
// training or stepping a graph with errors is refused with every error, each on its node.
import type { NetloomDocument } from '../document/schema.ts';
import type { Diagnostic } from '../util/errors.ts';
import { NetloomError } from '../util/errors.ts';
import { echo, firstFew } from '../util/text.ts';
import type { LowerOptions, Lowered } from './lower.ts';
import { lowerDocument } from './lower.ts';

export function hasErrors(l: { diagnostics: readonly Diagnostic[] }): boolean {
  return l.diagnostics.some((d) => d.severity === 'error');
}

/**
 * One line per error — `node "name" field f: message`, or `graph: message` — the first few of
 * them and a count of the rest (a file with 100,000 problems gets a readable message).
 */
export function formatDiagnostics(lowered: Lowered, max = 5): string {
  const lines = lowered.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => {
      const n = d.node ? (lowered.nodes.get(d.node)?.name ?? d.node) : undefined;
      return `${n ? `node "${echo(n)}"` : 'graph'}${d.field ? ` field ${echo(d.field)}` : ''}: ${d.message}`;
    });
  return firstFew(lines, max, lines.length - max === 1 ? 'more error' : 'more errors').join('\n');
}

/** Lowers the document; throws NetloomError('graph-has-errors') listing the errors if it has any. */
export function lowerOrThrow(doc: NetloomDocument, opts: LowerOptions = {}): Lowered {
  const lowered = lowerDocument(doc, opts);
  if (hasErrors(lowered)) {
    throw new NetloomError('graph-has-errors', `The graph has errors:\n${formatDiagnostics(lowered)}`);
  }
  return lowered;
}
