// The automatic layout off the page's thread: renderer/lib/layout.ts's autoLayout, unchanged, run
// in a worker so that laying out thousands of layers (seconds of elkjs) never blocks input.
// elkjs's bundle claims `self.onmessage` when it loads inside a worker (it can be a worker itself);
// this module's own handler, set after the imports have run, replaces that claim.
import { autoLayout } from '../lib/layout.ts';
import type { LayoutReply } from '../lib/layout-protocol.ts';
import { layoutRequestSchema } from '../lib/layout-protocol.ts';

const reply = (m: LayoutReply): void => self.postMessage(m);

self.onmessage = (e: MessageEvent<unknown>) => {
  const req = layoutRequestSchema.safeParse(e.data);
  if (!req.success) {
    const id = (e.data as { id?: unknown } | null)?.id;
    reply({ id: typeof id === 'number' ? id : -1, error: 'The layout request was not a document' });
    return;
  }
  const { id, doc } = req.data;
  autoLayout(doc).then(
    (at) => reply({ id, positions: [...at] }),
    (err: unknown) => reply({ id, error: err instanceof Error ? err.message : String(err) }),
  );
};
