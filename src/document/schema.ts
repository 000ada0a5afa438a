// The project file: what the user edits. Versioned JSON, validated with zod at every load.
// Layer params are kept as given and checked per layer by the lowering, so a file with a bad
// value still opens and the problem shows on its node instead of losing the whole project.
import { z } from 'zod';

export const documentVersion = 1;

const id = z.string().min(1, 'must not be empty');

export const positionSchema = z.object({ x: z.number().finite(), y: z.number().finite() });

export const nodeSchema = z.object({
  id,
  kind: z.string().min(1, 'must name a layer kind'),
  /** User-facing name (also the ONNX input/output name for Input/Output nodes). */
  name: z.string().optional(),
  params: z.record(z.string(), z.unknown()).default({}),
  position: positionSchema.default({ x: 0, y: 0 }),
  group: z.string().optional(),
  /** Frozen nodes keep their weights during training. */
  frozen: z.boolean().optional(),
  /**
   * Another node (of the same kind) whose weights this one uses, so one set of weights is applied
   * in two places: a GAN's discriminator on real and on generated images, a siamese network.
   */
  sharesWeightsWith: z.string().optional(),
});

export const portRefSchema = z.object({ node: id, port: z.string().min(1) });

export const edgeSchema = z.object({
  id,
  source: portRefSchema,
  target: portRefSchema,
});

export const groupSchema = z.object({
  id,
  name: z.string().min(1),
  collapsed: z.boolean().default(false),
  parent: z.string().optional(),
  description: z.string().optional(),
});

export const documentSchema = z.object({
  format: z.literal('netloom'),
  version: z.literal(documentVersion),
  name: z.string().default('Untitled'),
  description: z.string().default(''),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema).default([]),
  groups: z.array(groupSchema).default([]),
  /** The training setup (objectives, optimizer, dataset binding); its schema lives with the trainer. */
  training: z.record(z.string(), z.unknown()).optional(),
});

export type NetloomDocument = z.infer<typeof documentSchema>;
export type DocNode = z.infer<typeof nodeSchema>;
export type DocEdge = z.infer<typeof edgeSchema>;
export type DocGroup = z.infer<typeof groupSchema>;
export type PortRef = z.infer<typeof portRefSchema>;
