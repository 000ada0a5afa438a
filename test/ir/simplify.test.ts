// simplifyGraph computes what it folds itself, so each case is run twice in onnxruntime — the
// graph as built and as simplified — and must give the same outputs, with the ops it claims gone.
import { describe, expect, test } from 'vitest';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph } from '../../src/ir/types.ts';
import { simplifyGraph } from '../../src/ir/simplify.ts';
import { exportOnnx } from '../../src/onnx/export.ts';
import { createSession, runSession } from '../../src/runtime/ort-session.ts';
import type { HostTensor } from '../../src/runtime/tensors.ts';
import { checkOnnxModels } from '../helpers/onnx-checker.ts';

async function run(graph: Graph, feeds: Record<string, HostTensor>): Promise<Record<string, HostTensor>> {
  const s = await createSession(exportOnnx(graph, new Map()));
  try {
    return await runSession(s, feeds);
  } finally {
    await s.release();
  }
}

const x = (n: number): HostTensor => ({
  dtype: 'float32',
  shape: [2, n],
  data: Float32Array.from({ length: 2 * n }, (_, i) => (i % 5) * 0.37 - 0.6),
});

function types(g: Graph): string[] {
  return g.ops.map((o) => o.type);
}

describe('simplifyGraph', () => {
  test('folds constant arithmetic, skips identities, merges reshapes and drops dead ops', async () => {
    const b = new GraphBuilder();
    b.node = 'case';
    const xin = b.graphInput('x', { shape: [2, 6], dtype: 'float32' }, false);
    const a = b.constant(Float32Array.of(1, -2, 3, 0.5, 0.25, -4), [6], 'a');
    const c = b.constant(Float32Array.of(0.1), [1], 'c');
    // (a + c) · 3 − c: all constant, computed once here.
    const k = b.op1('Sub', [
      b.op1('Mul', [b.op1('Add', [a, c]), b.constant(Float32Array.of(3), [], 'three')]),
      c,
    ]);
    const kk = b.op1('Expand', [k, b.constant(BigInt64Array.of(2n, 6n), [2], 'to')]);
    const y = b.op1('Identity', [b.op1('Mul', [xin, kk])]);
    const same = b.op1('Reshape', [y, b.constant(BigInt64Array.of(2n, 6n), [2], 's0')]);
    const r1 = b.op1('Reshape', [same, b.constant(BigInt64Array.of(3n, 4n), [2], 's1')]);
    const r2 = b.op1('Reshape', [r1, b.constant(BigInt64Array.of(4n, 3n), [2], 's2')]);
    b.op1('Relu', [xin]); // read by nothing
    b.graphOutput('y', r2, 'output');
    const g = b.build();
    const s = simplifyGraph(g);

    expect(s.folded).toBe(4); // Add, Mul, Sub, Expand
    expect(s.skipped).toBe(2); // Identity, same-shape Reshape
    expect(types(s.graph)).toEqual(['Mul', 'Reshape']);
    expect(types(g)).toHaveLength(10); // the input graph is left as it was
    const feeds = { x: x(6) };
    const want = (await run(g, feeds))['y']!;
    const got = (await run(s.graph, feeds))['y']!;
    expect(got.shape).toEqual([4, 3]);
    expect(Array.from(got.data as Float32Array)).toEqual(Array.from(want.data as Float32Array));
    expect(checkOnnxModels(new Map([['simplified', exportOnnx(s.graph, new Map())]]))).toEqual({});
  });

  test('an op that produces a graph output stays, and large constants are not materialised', async () => {
    const b = new GraphBuilder();
    b.node = 'case';
    const xin = b.graphInput('x', { shape: [2, 3], dtype: 'float32' }, false);
    const big = b.op1('Expand', [
      b.constant(Float32Array.of(0.5), [1], 'h'),
      b.constant(BigInt64Array.of(64n, 80n), [2], 'to'),
    ]);
    const konst = b.op1('Add', [
      b.constant(Float32Array.of(1), [1], 'one'),
      b.constant(Float32Array.of(2), [1], 'two'),
    ]);
    const id = b.op1('Identity', [xin]);
    b.graphOutput('big', big, 'output');
    b.graphOutput('k', konst, 'output');
    b.graphOutput('id', id, 'output');
    const g = b.build();
    const s = simplifyGraph(g, { maxFoldElements: 16 });
    expect(types(s.graph)).toEqual(['Expand', 'Add', 'Identity']);
    const feeds = { x: x(3) };
    const want = await run(g, feeds);
    const got = await run(s.graph, feeds);
    for (const name of ['big', 'k', 'id']) {
      expect(Array.from(got[name]!.data as Float32Array)).toEqual(
        Array.from(want[name]!.data as Float32Array),
      );
    }
  });
});
