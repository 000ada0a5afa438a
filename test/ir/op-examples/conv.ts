// Examples for the op rows in src/ir/ops/conv.ts (run against onnxruntime by op-shapes.test.ts).
import type { OpExample } from '../op-examples.ts';

export const convExamples: readonly OpExample[] = [];
