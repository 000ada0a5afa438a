// The lowering's builder and the autodiff's editor are one builder: both refuse a misspelt
// attribute, an op without a row and more outputs than the op gives, at the op that does it
// (before this, a gradient rule's misspelt attribute surfaced only at export).
import { describe, expect, test } from 'vitest';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { IrBuilder } from '../../src/ir/builder.ts';
import { GraphEditor } from '../../src/autodiff/graph-editor.ts';

function withInput(kind: 'builder' | 'editor'): { b: IrBuilder; x: string } {
  const b = new GraphBuilder();
  b.node = 'in';
  const x = b.graphInput('x', { shape: [2, 3], dtype: 'float32' }, true);
  return kind === 'builder' ? { b, x } : { b: new GraphEditor(b.build()), x };
}

describe.each(['builder', 'editor'] as const)('the %s checks every op against its row', (kind) => {
  test('a known op with known attributes is typed by its shape rule', () => {
    const { b, x } = withInput(kind);
    const y = b.op1('Transpose', [x], { perm: [1, 0] });
    expect(b.type(y)).toEqual({ id: y, shape: [3, 2], dtype: 'float32' });
  });

  test('a misspelt attribute is refused where it is written', () => {
    const { b, x } = withInput(kind);
    expect(() => b.op1('Transpose', [x], { perms: [1, 0] })).toThrow('op Transpose has no attribute perms');
  });

  test('an op without a row is refused', () => {
    const { b, x } = withInput(kind);
    expect(() => b.op1('Relu6', [x])).toThrow('op Relu6 has no row in the IR op registry');
  });

  test('asking for more outputs than the op gives is refused', () => {
    const { b, x } = withInput(kind);
    expect(() => b.op('Relu', [x], {}, 2)).toThrow('op Relu infers 1 outputs, 2 asked for');
  });

  test('a constant must hold as many values as its shape', () => {
    const { b } = withInput(kind);
    expect(() => b.constant(Float32Array.of(1, 2, 3), [2, 2], 'c')).toThrow(
      'constant c: 3 values for shape 2,2',
    );
  });
});

test('the editor leaves the graph it copies as it was', () => {
  const { b, x } = withInput('builder');
  const before = (b as GraphBuilder).build();
  const opCount = before.ops.length;
  const e = new GraphEditor(before);
  e.op1('Relu', [x]);
  expect(before.ops.length).toBe(opCount);
  expect(e.build().ops.length).toBe(opCount + 1);
});
