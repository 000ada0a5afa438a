// random ops. (Filled in with the random layers.)
import type { OpRow } from './op-row.ts';

export const randomOps: readonly OpRow[] = [];
