// The explicit table of IR ops (no import side effects): every op the lowering may emit.
import type { OpRow } from './op-row.ts';
import { elementwiseOps } from './elementwise.ts';
import { matmulOps } from './matmul.ts';
import { shapeOps } from './shape.ts';
import { reduceOps } from './reduce.ts';
import { convolutionOps } from './convolution.ts';
import { poolingOps } from './pooling.ts';
import { normalizationOps } from './normalization.ts';
import { recurrentOps } from './recurrent.ts';
import { randomOps } from './random.ts';
import { resizeOps } from './resize.ts';
import { indexingOps } from './indexing.ts';
import { scatterOps } from './scatter.ts';

export const opRows: readonly OpRow[] = [
  ...elementwiseOps,
  ...matmulOps,
  ...shapeOps,
  ...reduceOps,
  ...convolutionOps,
  ...poolingOps,
  ...normalizationOps,
  ...recurrentOps,
  ...randomOps,
  ...resizeOps,
  ...indexingOps,
  ...scatterOps,
];

const byType = new Map(opRows.map((r) => [r.type, r]));

export function opRow(type: string): OpRow | undefined {
  return byType.get(type);
}
