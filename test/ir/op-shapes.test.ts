// Each op row's shape rule against onnxruntime: a one-op model is built with the rule's shapes,
// run on random data, and the shapes ort produces must be the ones the rule promised.
import { describe, expect, test } from 'vitest';
import { GraphBuilder } from '../../src/ir/builder.ts';
import { opRows } from '../../src/ir/ops/registry.ts';
import type { Attrs, DType, Shape } from '../../src/ir/types.ts';
import { numel } from '../../src/ir/types.ts';
import { exportOnnx } from '../../src/onnx/export.ts';
import { runOnnx } from '../../src/runtime/ort-session.ts';
import type { HostTensor } from '../../src/runtime/tensors.ts';
import { opExamples } from './op-examples.ts';

function feed(shape: Shape, dtype: DType, seed: number): HostTensor {
  const n = numel(shape);
  if (dtype === 'int64')
    return { dtype, shape, data: BigInt64Array.from({ length: n }, (_, i) => BigInt((i * 7 + seed) % 3)) };
  if (dtype === 'bool')
    return { dtype, shape, data: Uint8Array.from({ length: n }, (_, i) => (i + seed) % 2) };
  return { dtype, shape, data: Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.3 + seed) + 1.5) };
}

describe('op shape rules agree with onnxruntime', () => {
  for (const ex of opExamples) {
    test(`${ex.type} ${ex.label ?? ''}`, async () => {
      const b = new GraphBuilder();
      b.node = 'op';
      const feeds: Record<string, HostTensor> = {};
      const ins = ex.inputs.map((inp, i) => {
        if (inp === null) return '';
        if (inp.const) {
          const data =
            inp.dtype === 'int64'
              ? BigInt64Array.from(inp.const, (v) => BigInt(v))
              : Float32Array.from(inp.const);
          return b.constant(data, inp.shape);
        }
        const name = `in${i}`;
        feeds[name] = feed(inp.shape, inp.dtype ?? 'float32', i);
        return b.graphInput(name, { shape: inp.shape, dtype: inp.dtype ?? 'float32' }, false);
      });
      const outs = b.op(ex.type, ins, (ex.attrs ?? {}) as Attrs, ex.outputs);
      outs.forEach((o, i) => b.graphOutput(`out${i}`, o, 'output'));
      const g = b.build();
      const result = await runOnnx(exportOnnx(g, new Map()), feeds);
      outs.forEach((o, i) => {
        expect(result[`out${i}`]!.shape, `output ${i}`).toEqual([...g.values.get(o)!.shape]);
      });
    });
  }
});

test('every op in the registry has a shape example', () => {
  const covered = new Set(opExamples.map((e) => e.type));
  expect(opRows.map((r) => r.type).filter((t) => !covered.has(t))).toEqual([]);
});
