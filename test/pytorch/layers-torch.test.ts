// Every layer kind's PyTorch form against the PyTorch reference fixtures (test/fixtures/data): a
// one-layer project is exported as a package, its model.py loads the fixture's weights strictly
// and gives torch's outputs. And every layer kind has a PyTorch form.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { DocEdge, DocNode, NetloomDocument } from '../../src/document/schema.ts';
import { encodeSafetensors } from '../../src/ir/weights-file.ts';
import { portsOf } from '../../src/layers/layer-def.ts';
import { layerCatalogue, layerDef } from '../../src/layers/registry.ts';
import { readTorchGraph } from '../../src/pytorch/graph.ts';
import { forwardSignature } from '../../src/pytorch/model-py.ts';
import { torchFormOf, torchForms } from '../../src/pytorch/registry.ts';
import type { LayerCase } from '../helpers/fixtures.ts';
import { loadLayerCases, toHost } from '../helpers/fixtures.ts';
import type { ForwardReport } from '../helpers/torch-package.ts';
import { runTorchPackages, saveNpy, writePackage } from '../helpers/torch-package.ts';

const dir = mkdtempSync(join(tmpdir(), 'netloom-torch-layers-'));

/** Inputs named after the fixture's → the layer → one Output per output port (a loss's too). */
function caseDocument(c: LayerCase): NetloomDocument {
  const def = layerDef(c.kind)!;
  const nodes: DocNode[] = Object.entries(c.inputs).map(([name, t]) => ({
    id: `in_${name}`,
    kind: 'Input',
    name,
    params: { shape: t.shape.slice(1), dtype: t.dtype },
    position: { x: 0, y: 0 },
  }));
  const edges: DocEdge[] = Object.entries(c.wiring).map(([port, input]) => ({
    id: `w_${port}`,
    source: { node: `in_${input}`, port: 'y' },
    target: { node: 'layer', port },
  }));
  // train.py feeds the data to an Input, so a project without one (a Constant) gets an unused one.
  if (nodes.length === 0)
    nodes.push({ id: 'data', kind: 'Input', params: { shape: [1] }, position: { x: 0, y: 0 } });
  nodes.push({ id: 'layer', kind: c.kind, params: c.params, position: { x: 0, y: 0 } });
  for (const p of portsOf(def.outputs, def.params.parse(c.params) as Record<string, unknown>)) {
    if (!(p.name in c.outputs)) continue;
    nodes.push({ id: `out_${p.name}`, kind: 'Output', name: p.name, params: {}, position: { x: 0, y: 0 } });
    edges.push({
      id: `o_${p.name}`,
      source: { node: 'layer', port: p.name },
      target: { node: `out_${p.name}`, port: 'x' },
    });
  }
  return { format: 'netloom', version: 1, name: c.name, description: '', nodes, edges, groups: [] };
}

test('every layer kind has a PyTorch form (src/pytorch, one per kind)', () => {
  const missing = layerCatalogue.map((l) => l.kind).filter((k) => !torchFormOf(k));
  expect(missing, 'add a form in src/pytorch/<family>.ts').toEqual([]);
  const unknown = torchForms.map((f) => f.kind).filter((k) => !layerDef(k));
  expect(unknown).toEqual([]);
});

describe('layer forms vs PyTorch fixtures', () => {
  test('each fixture case: strict load, torch outputs within the fixture tolerance', () => {
    const cases: Record<string, unknown> = {};
    let k = 0;
    for (const [, list] of loadLayerCases()) {
      for (const c of list) {
        const folder = join(dir, `case${k++}`);
        mkdirSync(folder, { recursive: true });
        const doc = caseDocument(c);
        writePackage(doc, folder);
        const weights = join(folder, 'weights.safetensors');
        writeFileSync(
          weights,
          encodeSafetensors(
            new Map(
              Object.entries(c.weights).map(([n, t]) => [
                `layer.${n}`,
                { shape: t.shape, data: Float32Array.from(t.data) },
              ]),
            ),
          ),
        );
        const sig = forwardSignature(readTorchGraph(doc));
        const name = (id: string): string => id.replace(/^in_/, '');
        cases[`${c.kind}: ${c.name}`] = {
          dir: folder,
          weights,
          mode: c.mode === 'training' ? 'train' : 'eval',
          inputs: sig.args.map((a, i) =>
            saveNpy(join(folder, `in${i}.npy`), toHost(c.inputs[name(a.node)]!)),
          ),
          expected: sig.outputs.map((o, i) => {
            const port = o.node.replace(/^out_/, '');
            return saveNpy(join(folder, `out${i}.npy`), toHost(c.outputs[port]!));
          }),
          atol: c.atol,
          rtol: c.rtol,
        };
      }
    }
    const reports = runTorchPackages<ForwardReport>('forward', cases, dir);
    const failures: string[] = [];
    for (const [name, r] of Object.entries(reports)) {
      if (r.error) failures.push(`${name}: ${r.error}`);
      else if (!r.strict) failures.push(`${name}: weights did not load strictly`);
      else
        r.outputs!.forEach((d, i) => {
          if (d.shape)
            failures.push(
              `${name}: output ${i} is ${JSON.stringify(d.shape)}, torch's ${JSON.stringify(d.expected)}`,
            );
          else if (d.excess > 0) failures.push(`${name}: output ${i} off by ${d.maxAbs.toExponential(2)}`);
        });
    }
    expect(failures).toEqual([]);
    expect(Object.keys(reports).length).toBe(Object.keys(cases).length);
  }, 300_000);
});
