// Every layer kind, exported to ONNX and run in onnxruntime-web (WASM), against PyTorch outputs;
// every exported model also passes onnx.checker (full_check).
import { describe, expect, test } from 'vitest';
import type { DocEdge, DocNode, NetloomDocument } from '../../src/document/schema.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import { hasErrors } from '../../src/compile/diagnostics.ts';
import { materializeWeights } from '../../src/ir/weights.ts';
import { exportOnnx } from '../../src/onnx/export.ts';
import { decodeModel } from '../../src/onnx/proto.ts';
import { formatDiagnostics } from '../../src/compile/diagnostics.ts';
import { layerCatalogue, layerDef } from '../../src/layers/registry.ts';
import { portsOf } from '../../src/layers/layer-def.ts';
import { runOnnx } from '../../src/runtime/ort-session.ts';
import type { LayerCase } from '../helpers/fixtures.ts';
import { compareClose, loadLayerCases, toHost } from '../helpers/fixtures.ts';
import { checkOnnxModels } from '../helpers/onnx-checker.ts';

const families = loadLayerCases();
const exported = new Map<string, Uint8Array>();

/** Input nodes named after the fixture's inputs → the layer → one Output per output port. */
function caseDocument(c: LayerCase): NetloomDocument {
  const def = layerDef(c.kind);
  if (!def) throw new Error(`no layer kind ${c.kind}`);
  const nodes: DocNode[] = [];
  const edges: DocEdge[] = [];
  for (const [name, t] of Object.entries(c.inputs)) {
    nodes.push({
      id: `in_${name}`,
      kind: 'Input',
      name,
      params: { shape: t.shape.slice(1), dtype: t.dtype },
      position: { x: 0, y: 0 },
    });
  }
  nodes.push({ id: 'layer', kind: c.kind, params: c.params, position: { x: 0, y: 0 } });
  for (const [port, input] of Object.entries(c.wiring)) {
    edges.push({
      id: `w_${port}`,
      source: { node: `in_${input}`, port: 'y' },
      target: { node: 'layer', port },
    });
  }
  if (def.family !== 'loss') {
    const parsed = def.params.parse(c.params) as Record<string, unknown>;
    for (const p of portsOf(def.outputs, parsed)) {
      if (!(p.name in c.outputs)) continue;
      nodes.push({ id: `out_${p.name}`, kind: 'Output', name: p.name, params: {}, position: { x: 0, y: 0 } });
      edges.push({
        id: `o_${p.name}`,
        source: { node: 'layer', port: p.name },
        target: { node: `out_${p.name}`, port: 'x' },
      });
    }
  }
  return { format: 'netloom', version: 1, name: c.name, description: '', nodes, edges, groups: [] };
}

async function runCase(c: LayerCase): Promise<void> {
  const doc = caseDocument(c);
  const firstInput = Object.values(c.inputs)[0];
  // Inference graphs are built for batch 1 and fed batch 2: the export must not bake the batch in.
  const batch = c.mode === 'training' && firstInput ? firstInput.shape[0]! : 1;
  const lowered = lowerDocument(doc, { mode: c.mode, batch });
  if (hasErrors(lowered)) throw new Error(formatDiagnostics(lowered));
  const given = new Map<string, Float32Array>();
  for (const w of lowered.graph.weights) {
    const f = c.weights[w.name];
    if (!f) throw new Error(`fixture gives no values for weight "${w.name}" (shape [${w.shape.join(', ')}])`);
    expect(f.shape, `weight ${w.name} shape`).toEqual([...w.shape]);
    given.set(w.id, Float32Array.from(f.data));
  }
  expect(Object.keys(c.weights).sort()).toEqual(lowered.graph.weights.map((w) => w.name).sort());
  const bytes = exportOnnx(lowered.graph, materializeWeights(lowered.graph.weights, 0, given), {
    includeLoss: true,
  });
  exported.set(`${c.kind}: ${c.name}`, bytes);
  // An input the layer ignores in this mode (Reparameterize's logvar at inference) leaves the export.
  const modelInputs = new Set(
    (decodeModel(bytes) as { graph: { input?: { name: string }[] } }).graph.input?.map((i) => i.name) ?? [],
  );
  const feeds = Object.fromEntries(
    Object.entries(c.inputs)
      .filter(([k]) => modelInputs.has(k))
      .map(([k, t]) => [k, toHost(t)]),
  );
  const out = await runOnnx(bytes, feeds);
  for (const [port, expected] of Object.entries(c.outputs)) {
    const name = layerDef(c.kind)!.family === 'loss' ? 'layer' : port;
    const got = out[name];
    expect(got, `output ${name}`).toBeDefined();
    expect([...got!.shape], `shape of ${port}`).toEqual(expected.shape);
    const cmp = compareClose(got!.data as ArrayLike<number>, expected.data, c.atol, c.rtol);
    expect(cmp.ok, `${port} ${cmp.worst}`).toBe(true);
  }
}

for (const [family, cases] of families) {
  describe(`layers-${family} vs PyTorch`, () => {
    for (const c of cases) test(`${c.kind}: ${c.name}`, () => runCase(c));
  });
}

test('every layer kind has a PyTorch fixture', () => {
  const covered = new Set([...families.values()].flat().map((c) => c.kind));
  // Input and Output take part in every case; RandomNormal's output is random, so
  // test/layers/sampling.test.ts checks its statistics instead.
  const exempt = new Set(['Input', 'Output', 'RandomNormal']);
  const missing = layerCatalogue.map((l) => l.kind).filter((k) => !exempt.has(k) && !covered.has(k));
  expect(missing).toEqual([]);
});

// Last in the file, after every case has exported its model.
test('every exported model passes onnx.checker', () => {
  const failures = checkOnnxModels(exported);
  expect(failures).toEqual({});
});
