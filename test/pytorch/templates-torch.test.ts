// Every template as a PyTorch package: the files compile (python3 -m py_compile), model.py loads
// Netloom's weights with load_state_dict(strict=True), and its forward() gives the ONNX export's
// outputs (run in onnxruntime) within 1e-5 (times the largest |value| where that is above 1), on Debian's torch.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { weightsFileBytes } from '../../src/ir/weights-file.ts';
import { exportDocument } from '../../src/onnx/from-document.ts';
import { forwardSignature } from '../../src/pytorch/model-py.ts';
import { readTorchGraph } from '../../src/pytorch/graph.ts';
import { runOnnx } from '../../src/runtime/ort-session.ts';
import type { HostTensor } from '../../src/runtime/tensors.ts';
import { loadTemplate, templateNames } from '../../src/templates/catalogue.ts';
import { requirePython } from '../helpers/references.ts';
import type { ForwardReport } from '../helpers/torch-package.ts';
import { runTorchPackages, saveNpy, seeded, writePackage } from '../helpers/torch-package.ts';
import { withInputSide, zooInputSides } from '../helpers/zoo-inputs.ts';

const dir = mkdtempSync(join(tmpdir(), 'netloom-torch-'));
const batch = 2;
/** The ImageNet zoo runs at small inputs (test/helpers/zoo-inputs.ts); VGG-16's 553 MB of weights
 * would add minutes for AlexNet's kinds of layers again. */
const names = templateNames().filter((n) => n !== 'vgg16');

describe('templates as PyTorch packages', () => {
  test('every template: strict load, forward() equals the ONNX export within 1e-5', async () => {
    const cases: Record<string, unknown> = {};
    const pyFiles: string[] = [];
    for (const name of names) {
      const side = zooInputSides[name];
      const doc = side === undefined ? loadTemplate(name)! : withInputSide(loadTemplate(name)!, side);
      const folder = join(dir, name);
      const files = writePackage(doc, folder);
      // Code people keep: the model's docstring names the paper (author and year), no exec or eval.
      const model = readFileSync(join(folder, 'model.py'), 'utf8');
      expect(model, `${name}: the paper`).toMatch(
        /[A-Z][a-z]+( et al\.| & [A-Z][a-z]+|, [A-Z][a-z]+ & [A-Z][a-z]+)? (19|20)\d\d/,
      );
      for (const f of files.filter((p) => p.endsWith('.py')))
        expect(readFileSync(join(folder, f), 'utf8'), `${name}/${f}`).not.toMatch(/(^|[^.\w])(exec|eval)\(/m);
      pyFiles.push(...files.filter((f) => f.endsWith('.py')).map((f) => join(folder, f)));
      const { bytes, lowered, weights } = exportDocument(doc, { seed: 0 });
      const weightsPath = join(folder, 'netloom.safetensors');
      writeFileSync(weightsPath, weightsFileBytes(lowered.graph.weights, weights, doc.name));
      const sig = forwardSignature(readTorchGraph(doc));
      const feeds: Record<string, HostTensor> = {};
      const inputs = sig.args.map((a, k) => {
        const i = lowered.graph.inputs.find((x) => x.node === a.node)!;
        const v = lowered.graph.values.get(i.value)!;
        const shape = [batch, ...v.shape.slice(1)];
        const n = shape.reduce((p, d) => p * d, 1);
        const t: HostTensor =
          v.dtype === 'int64'
            ? { dtype: 'int64', shape, data: BigInt64Array.from(seeded(n, k + 7), (u) => (u > 0 ? 1n : 0n)) }
            : { dtype: 'float32', shape, data: seeded(n, k + 7) };
        feeds[i.name] = t;
        return saveNpy(join(folder, `in${k}.npy`), t);
      });
      const out = await runOnnx(bytes, feeds);
      const expected = sig.outputs.map((o, k) => {
        const name = lowered.graph.outputs.find((x) => x.node === o.node)!.name;
        return saveNpy(join(folder, `out${k}.npy`), out[name]!);
      });
      expect(expected.length, name).toBeGreaterThan(0);
      cases[name] = { dir: folder, weights: weightsPath, inputs, expected };
    }
    // Compiles as Python 3 (a syntax error anywhere fails here, before anything runs).
    execFileSync(requirePython(['torch', 'numpy']), ['-m', 'py_compile', ...pyFiles]);

    const reports = runTorchPackages<ForwardReport>('forward', cases, dir);
    const table: string[] = [];
    for (const name of names) {
      const r = reports[name]!;
      expect(r.error, name).toBeUndefined();
      expect(r.strict, `${name}: load_state_dict(strict=True)`).toBe(true);
      for (const [k, d] of r.outputs!.entries()) {
        table.push(
          `${name} output ${k}: max |torch − onnx| ${d.maxAbs.toExponential(2)} (largest |value| ${d.scale.toFixed(3)})`,
        );
        expect(d.shape, `${name} output ${k} shape`).toBeUndefined();
        // float32 rounds relative to magnitude: outputs beyond 1 (a tied GPT-mini's logits reach ~40
        // when its table is drawn from N(0, 1)) are held to 1e-5 of their largest |value|.
        expect(d.maxAbs, `${name} output ${k}`).toBeLessThanOrEqual(1e-5 * Math.max(1, d.scale));
      }
    }
    console.log(table.join('\n'));
  }, 300_000);
});
