// ddpm-mnist (src/templates/diffusion.ts) against the PyTorch U-Net of
// test/tools/reference_diffusion.py, written from Ho et al. 2020: the same parameter count, the
// same weight names and shapes, and with Netloom's weights loaded strictly, the same ε̂(x_t, t) as
// the exported ONNX run in onnxruntime.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { weightsFileBytes } from '../../src/ir/weights-file.ts';
import { exportDocument } from '../../src/onnx/from-document.ts';
import { readNpy } from '../../src/runtime/npy.ts';
import { runOnnx } from '../../src/runtime/ort-session.ts';
import { loadTemplate } from '../../src/templates/catalogue.ts';
import { requirePython } from '../helpers/references.ts';
import { saveNpy, seeded } from '../helpers/torch-package.ts';

const script = join(import.meta.dirname, '../tools/reference_diffusion.py');

test('ddpm-mnist: parameter count, weight names and shapes of the PyTorch U-Net', () => {
  const python = requirePython(['torch']);
  const ref = JSON.parse(execFileSync(python, [script], { encoding: 'utf8' })) as {
    params: number;
    shapes: Record<string, number[]>;
  };
  const { lowered } = exportDocument(loadTemplate('ddpm-mnist')!);
  const params = lowered.graph.weights.filter((w) => w.role === 'param');
  expect(params.reduce((s, w) => s + w.shape.reduce((p, d) => p * d, 1), 0)).toBe(ref.params);
  expect(Object.fromEntries(params.map((w) => [w.id, [...w.shape]]))).toEqual(ref.shapes);
});

test('ddpm-mnist: torch gives the ONNX export’s predicted noise at two steps', async () => {
  const python = requirePython(['torch', 'numpy']);
  const dir = mkdtempSync(join(tmpdir(), 'netloom-ddpm-'));
  const doc = loadTemplate('ddpm-mnist')!;
  const { bytes, lowered, weights } = exportDocument(doc, { seed: 3 });
  writeFileSync(join(dir, 'w.safetensors'), weightsFileBytes(lowered.graph.weights, weights, doc.name));
  const x = { dtype: 'float32' as const, shape: [2, 1, 28, 28], data: seeded(2 * 784, 11) };
  const t = { dtype: 'float32' as const, shape: [2], data: Float32Array.from([0, 137]) };
  const out = await runOnnx(bytes, { x_t: x, t });
  execFileSync(python, [
    script,
    join(dir, 'w.safetensors'),
    saveNpy(join(dir, 'x.npy'), x),
    saveNpy(join(dir, 't.npy'), t),
    join(dir, 'eps.npy'),
  ]);
  const expected = readNpy(readFileSync(join(dir, 'eps.npy'))).data as Float32Array;
  const got = out['eps']!.data as Float32Array;
  expect(got.length).toBe(expected.length);
  let maxAbs = 0;
  let scale = 0;
  for (let i = 0; i < got.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(got[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  expect(scale).toBeGreaterThan(0.01);
  expect(maxAbs).toBeLessThan(1e-5);
});
