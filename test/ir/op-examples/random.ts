// Examples for the op rows in src/ir/ops/random.ts (run against onnxruntime by op-shapes.test.ts).
import type { OpExample } from '../op-examples.ts';

export const randomExamples: readonly OpExample[] = [];
