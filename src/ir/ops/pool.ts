// pool ops. (Filled in with the pool layers.)
import type { OpRow } from './op-row.ts';

export const poolOps: readonly OpRow[] = [];
