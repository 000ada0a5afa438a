// Imports open as torch's module blocks, not one column of every layer: a torch ResNet-18 as
// Input → stem → layer1 … layer4 (collapsed, each holding its two BasicBlocks) → avgpool → fc, a
// torch MobileNetV2 as its `features` split into stages where the resolution changes. The files
// are torch.onnx.export's with default arguments (test/fixtures/torch_zoo.py); the names checked
// are torch's own module names (state_dict prefixes), not ones this code made up.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { lowerDocument } from '../../src/compile/lower.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { importedToDocument } from '../../src/onnx/to-document.ts';
import { requirePython } from '../helpers/references.ts';
import { torchZoo } from '../helpers/torch-zoo.ts';

function open(file: string): NetloomDocument {
  return importedToDocument(importOnnx(readFileSync(file), { path: file }), file).doc;
}

/** What the canvas shows when the document opens: ungrouped nodes and the outer blocks. */
function onScreen(doc: NetloomDocument): string[] {
  const top = new Set(doc.groups.filter((g) => !g.parent).map((g) => g.id));
  const parent = new Map(doc.groups.map((g) => [g.id, g.parent]));
  const outer = (g: string): string => (parent.get(g) ? outer(parent.get(g)!) : g);
  const seen: string[] = [];
  for (const n of doc.nodes) {
    const unit = n.group ? outer(n.group) : n.kind;
    if (n.group) expect(top.has(unit)).toBe(true);
    if (seen[seen.length - 1] !== unit) seen.push(unit);
  }
  return seen;
}

test("a torch ResNet-18 opens as stem, torch's four stages and the head", () => {
  const python = requirePython(['torch', 'torchvision', 'onnx', 'numpy']);
  const doc = open(torchZoo(python, ['resnet18']).get('resnet18')!.onnx);
  expect(onScreen(doc)).toEqual([
    'Input',
    'g:stem',
    'g:layer1',
    'g:layer2',
    'g:layer3',
    'g:layer4',
    'GlobalAvgPool',
    'Flatten',
    'Dense',
    'Output',
  ]);
  const byId = new Map(doc.groups.map((g) => [g.id, g]));
  for (const s of ['stem', 'layer1', 'layer2', 'layer3', 'layer4'])
    expect(byId.get(`g:${s}`)!.collapsed).toBe(true);
  // Each stage holds torch's two BasicBlocks, expanded inside it, every layer under its module name.
  for (const s of [1, 2, 3, 4])
    for (const b of [0, 1]) {
      const g = byId.get(`g:layer${s}.${b}`)!;
      expect(g.parent).toBe(`g:layer${s}`);
      expect(g.collapsed).toBe(false);
    }
  for (const n of doc.nodes) {
    const g = n.group?.slice(2);
    if (g && g !== 'stem') expect(n.id.startsWith(`${g}.`), `${n.id} in ${g}`).toBe(true);
  }
  expect(
    doc.nodes
      .filter((n) => n.group === 'g:stem')
      .map((n) => n.id)
      .sort(),
  ).toEqual(['bn1', 'conv1', 'maxpool', 'relu']);
  expect(lowerDocument(doc).diagnostics).toEqual([]);
});

test("a torch MobileNetV2's features open as stages, one per resolution", () => {
  const python = requirePython(['torch', 'torchvision', 'onnx', 'numpy']);
  const doc = open(torchZoo(python, ['mobilenet_v2']).get('mobilenet_v2')!.onnx);
  // The 32×32 input: 16×16 after features.0's stride, then 8, 4, 2 and 1 (torchvision's strides).
  const stages = ['features.0–1', 'features.2–3', 'features.4–6', 'features.7–13', 'features.14–18'];
  const ids = stages.map((s) => `g:${s.replace('–', '-')}`);
  expect(onScreen(doc)).toEqual(['Input', ...ids, 'GlobalAvgPool', 'Flatten', 'Dense', 'Output']);
  const lowered = lowerDocument(doc);
  const parent = new Map(doc.groups.map((g) => [g.id, g.parent]));
  const outer = (g: string): string => (parent.get(g) ? outer(parent.get(g)!) : g);
  ids.forEach((id, k) => {
    const g = doc.groups.find((x) => x.id === id)!;
    expect(g.name).toBe(stages[k]);
    expect(g.collapsed).toBe(true);
    const members = doc.nodes.filter((n) => n.group && outer(n.group) === id);
    // Every member is a layer of one of torch's features.i in the stage's range …
    const [from, to] = stages[k]!.slice('features.'.length).split('–').map(Number);
    for (const n of members) {
      const i = Number(/^features\.(\d+)\./.exec(`${n.id}.`)?.[1]);
      expect(i >= from! && i <= to!, `${n.id} in ${stages[k]}`).toBe(true);
    }
    // … and the stage ends at its resolution.
    const last = members[members.length - 1]!;
    const side = 16 >> k;
    expect(Object.values(lowered.nodes.get(last.id)!.outputs)[0]?.shape.slice(2)).toEqual([side, side]);
  });
  expect(lowered.diagnostics).toEqual([]);
});
