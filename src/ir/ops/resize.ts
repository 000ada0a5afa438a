// resize ops. (Filled in with the resize layers.)
import type { OpRow } from './op-row.ts';

export const resizeOps: readonly OpRow[] = [];
