// conv ops. (Filled in with the conv layers.)
import type { OpRow } from './op-row.ts';

export const convOps: readonly OpRow[] = [];
