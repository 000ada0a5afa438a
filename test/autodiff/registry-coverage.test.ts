// Every IR op either has a gradient rule or is listed as not differentiable, with a reason, in the
// rules file named as the op's family file (src/ir/ops/<family>.ts ↔ src/autodiff/rules/<family>.ts).
import { readdirSync } from 'node:fs';
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

describe('op families line up', () => {
  const families = readdirSync('src/ir/ops')
    .filter((f) => f !== 'op-row.ts' && f !== 'registry.ts')
    .map((f) => f.replace(/\.ts$/, ''));
  /** Every `{ type }` row in the arrays a module exports. */
  const rowsOf = (mod: Record<string, unknown>): { type: string }[] =>
    Object.values(mod)
      .filter((v): v is { type: string }[] => Array.isArray(v))
      .flat();

  test('src/ir/ops and src/autodiff/rules hold the same families', () => {
    expect(readdirSync('src/autodiff/rules').sort()).toEqual(families.map((f) => `${f}.ts`).sort());
  });

  test.each(families)(
    '%s: each op row has its rule or reason in the rules file of that name',
    async (file) => {
      const ops = rowsOf((await import(`../../src/ir/ops/${file}.ts`)) as Record<string, unknown>);
      const rules = rowsOf((await import(`../../src/autodiff/rules/${file}.ts`)) as Record<string, unknown>);
      expect(ops.length).toBeGreaterThan(0);
      const here = new Set(rules.map((r) => r.type));
      expect(ops.map((o) => o.type).filter((t) => !here.has(t))).toEqual([]);
    },
  );
});
