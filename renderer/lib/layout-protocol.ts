// What the page and the layout worker (renderer/workers/layout.worker.ts) say to each other. Both
// sides check what they receive: a message is data from another thread, not a trusted value.
import { z } from 'zod';
import { documentSchema, positionSchema } from '../../src/document/schema.ts';

/** Lay out this document; the answer carries the same `id`. */
export const layoutRequestSchema = z.object({ id: z.number().int(), doc: documentSchema });

/** Where each node goes, or why the layout failed. */
export const layoutReplySchema = z.union([
  z.object({ id: z.number().int(), positions: z.array(z.tuple([z.string(), positionSchema])) }),
  z.object({ id: z.number().int(), error: z.string() }),
]);

export type LayoutRequest = z.infer<typeof layoutRequestSchema>;
export type LayoutReply = z.infer<typeof layoutReplySchema>;
