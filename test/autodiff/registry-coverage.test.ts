// Every IR op either has a gradient rule or is listed as not differentiable, with a reason.
import { describe, expect, test } from 'vitest';
import { opRows } from '../../src/ir/ops/registry.ts';
import { gradRows, nonDifferentiable } from '../../src/autodiff/grad-rules.ts';
import { opCases } from './op-cases.ts';

describe('gradient rule coverage', () => {
  const rules = new Set(gradRows.map((r) => r.type));
  const none = new Set(nonDifferentiable.map((r) => r.type));
  test.each(opRows.map((r) => r.type))('%s has a rule or a reason', (type) => {
    expect(rules.has(type) || none.has(type), `${type}: add a rule in src/autodiff/rules/ or mark it`).toBe(
      true,
    );
  });
  test('no op is both differentiable and not', () => {
    expect([...rules].filter((t) => none.has(t))).toEqual([]);
  });
  test('reasons are given', () => {
    for (const r of nonDifferentiable) expect(r.reason.length).toBeGreaterThan(10);
  });
  test('every rule except the zero-gradient ones is exercised by a finite-difference case', () => {
    const tested = new Set(opCases.map((c) => c.op));
    // Floor and Sign have zero gradient; Dropout's is random and tested against its mask.
    const exempt = new Set(['Floor', 'Sign', 'Dropout']);
    expect([...rules].filter((t) => !tested.has(t) && !exempt.has(t))).toEqual([]);
  });
});
