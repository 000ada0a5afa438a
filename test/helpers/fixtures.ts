// Loads the PyTorch reference fixtures written by test/fixtures/generate.py.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DType } from '../../src/ir/types.ts';
import type { HostTensor } from '../../src/runtime/tensors.ts';

export interface FixtureTensor {
  readonly shape: number[];
  readonly dtype: DType;
  readonly data: number[];
}

export interface LayerCase {
  readonly name: string;
  readonly kind: string;
  readonly params: Record<string, unknown>;
  readonly inputs: Record<string, FixtureTensor>;
  readonly outputs: Record<string, FixtureTensor>;
  readonly weights: Record<string, FixtureTensor>;
  readonly wiring: Record<string, string>;
  readonly atol: number;
  readonly rtol: number;
  readonly mode: 'inference' | 'training';
}

export const fixtureDir = join(import.meta.dirname, '../fixtures/data');

export function loadLayerCases(): Map<string, LayerCase[]> {
  const out = new Map<string, LayerCase[]>();
  for (const f of readdirSync(fixtureDir).sort()) {
    const m = /^layers-(.+)\.json$/.exec(f);
    if (!m) continue;
    const json = JSON.parse(readFileSync(join(fixtureDir, f), 'utf8')) as { cases: LayerCase[] };
    out.set(m[1]!, json.cases);
  }
  return out;
}

export function toHost(t: FixtureTensor): HostTensor {
  return t.dtype === 'int64'
    ? { dtype: 'int64', shape: t.shape, data: BigInt64Array.from(t.data, (v) => BigInt(v)) }
    : { dtype: 'float32', shape: t.shape, data: Float32Array.from(t.data) };
}

/** Largest violation of |a − b| ≤ atol + rtol·|b|, with where it happens. */
export function compareClose(
  actual: ArrayLike<number | bigint>,
  expected: readonly number[],
  atol: number,
  rtol: number,
): { ok: boolean; worst: string } {
  if (actual.length !== expected.length)
    return { ok: false, worst: `length ${actual.length} vs ${expected.length}` };
  let worstExcess = 0;
  let worst = '';
  for (let i = 0; i < expected.length; i++) {
    const a = Number(actual[i]);
    const b = expected[i]!;
    const excess = Math.abs(a - b) - (atol + rtol * Math.abs(b));
    if (Number.isNaN(a) !== Number.isNaN(b) || excess > worstExcess) {
      worstExcess = Number.isNaN(excess) ? Infinity : excess;
      worst = `at ${i}: got ${a}, torch ${b}`;
    }
  }
  return { ok: worst === '', worst };
}

/** A model exported by torch.onnx.export with torch's outputs for its inputs (make_onnx_fixtures.py). */
export interface TorchModelCase {
  readonly file: string;
  readonly inputs: Record<string, { shape: number[]; data: number[] }>;
  readonly outputs: Record<string, { shape: number[]; data: number[] }>;
}

export const onnxFixtureDir = join(import.meta.dirname, '../fixtures/onnx');

export function torchModelCase(name: string): TorchModelCase {
  const all = JSON.parse(readFileSync(join(onnxFixtureDir, 'torch-models.json'), 'utf8')) as Record<
    string,
    TorchModelCase
  >;
  const c = all[name];
  if (!c) throw new Error(`no torch model fixture named ${name}`);
  return c;
}
