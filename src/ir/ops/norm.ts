// norm ops. (Filled in with the norm layers.)
import type { OpRow } from './op-row.ts';

export const normOps: readonly OpRow[] = [];
