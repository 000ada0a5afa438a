// recurrent ops. (Filled in with the recurrent layers.)
import type { OpRow } from './op-row.ts';

export const recurrentOps: readonly OpRow[] = [];
