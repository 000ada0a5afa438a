// indexing ops. (Filled in with the loss layers.)
import type { OpRow } from './op-row.ts';

export const indexingOps: readonly OpRow[] = [];
