// The page's side of the layout worker: autoLayout (renderer/lib/layout.ts) run on another thread,
// so opening a 5,000-node model keeps the page responsive while elkjs works. Where no worker can
// run (a test's Node, a page without Worker) or the worker fails, the layout runs here instead:
// slower to the eye, never a lost open.
import type { NetloomDocument } from '../../src/document/schema.ts';
import { autoLayout } from './layout.ts';
import { layoutImportedWith } from './import-layout.ts';
import { layoutReplySchema } from './layout-protocol.ts';
import type { LayoutRequest } from './layout-protocol.ts';
import { workerClient } from './worker-client.ts';

type Positions = Map<string, { x: number; y: number }>;

const layoutWorker = workerClient(
  () => new Worker(new URL('../workers/layout.worker.ts', import.meta.url), { type: 'module' }),
);

/** Node positions by id, as autoLayout places them, computed in the layout worker when one runs. */
export async function layoutInWorker(doc: NetloomDocument): Promise<Positions> {
  const answer = layoutWorker.ask((id) => ({ message: { id, doc } satisfies LayoutRequest }));
  const m = layoutReplySchema.safeParse(answer && (await answer));
  // No worker, a failed one, a failed layout there or a reply that is not one: laid out here.
  return m.success && 'positions' in m.data ? new Map(m.data.positions) : autoLayout(doc);
}

/** Positions for an imported document laid out from the page (elk in the layout worker). */
export function layoutImported(doc: NetloomDocument): Promise<Positions> {
  return layoutImportedWith(doc, layoutInWorker);
}
