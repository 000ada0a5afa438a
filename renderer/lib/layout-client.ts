// The page's side of the layout worker: autoLayout (renderer/lib/layout.ts) run on another thread,
// so opening a 5,000-node model keeps the page responsive while elkjs works. Where no worker can
// run (a test's Node, a page without Worker) or the worker fails, the layout runs here instead:
// slower to the eye, never a lost open.
import type { NetloomDocument } from '../../src/document/schema.ts';
import { autoLayout } from './layout.ts';
import { layoutImportedWith } from './import-layout.ts';
import { layoutReplySchema } from './layout-protocol.ts';
import type { LayoutRequest } from './layout-protocol.ts';

type Positions = Map<string, { x: number; y: number }>;

let worker: Worker | undefined;
let broken = false;
let nextId = 0;
const waiting = new Map<number, { resolve: (p: Positions | undefined) => void }>();

function layoutWorker(): Worker | undefined {
  if (broken || typeof Worker === 'undefined') return undefined;
  if (worker) return worker;
  try {
    const w = new Worker(new URL('../workers/layout.worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<unknown>) => {
      const m = layoutReplySchema.safeParse(e.data);
      if (!m.success) return;
      const job = waiting.get(m.data.id);
      if (!job) return;
      waiting.delete(m.data.id);
      job.resolve('positions' in m.data ? new Map(m.data.positions) : undefined);
    };
    // A worker that cannot load or crashes: every waiting layout falls back to the page.
    w.onerror = () => {
      broken = true;
      worker = undefined;
      w.terminate();
      for (const job of waiting.values()) job.resolve(undefined);
      waiting.clear();
    };
    worker = w;
    return w;
  } catch {
    broken = true;
    return undefined;
  }
}

/** Node positions by id, as autoLayout places them, computed in the layout worker when one runs. */
export async function layoutInWorker(doc: NetloomDocument): Promise<Positions> {
  const w = layoutWorker();
  if (!w) return autoLayout(doc);
  const id = nextId++;
  const answer = new Promise<Positions | undefined>((resolve) => waiting.set(id, { resolve }));
  w.postMessage({ id, doc } satisfies LayoutRequest);
  return (await answer) ?? autoLayout(doc);
}

/** Positions for an imported document laid out from the page (elk in the layout worker). */
export function layoutImported(doc: NetloomDocument): Promise<Positions> {
  return layoutImportedWith(doc, layoutInWorker);
}
