// The generative templates (src/templates/generative.ts) against the PyTorch modules of
// test/tools/reference_generative.py: per group, the same parameter count and the same weight
// shapes in state_dict order (running statistics included).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { lowerDocument } from '../../src/compile/lower.ts';
import { loadTemplate } from '../../src/templates/catalogue.ts';
import { requirePython } from '../helpers/references.ts';

type Reference = Record<string, Record<string, { params: number; shapes: number[][] }>>;

let cached: Reference | undefined;

/** torch's modules, asked for once, inside the tests that compare with them. */
function torchReference(): Reference {
  cached ??= JSON.parse(
    execFileSync(requirePython(['torch']), [join(import.meta.dirname, '../tools/reference_generative.py')], {
      encoding: 'utf8',
    }),
  ) as Reference;
  return cached;
}

test.each([
  'dcgan-mnist',
  'cgan-mnist',
  'conv-autoencoder',
  'denoising-autoencoder',
  'gpt-mini',
  'vae',
  'vae-2d',
])('%s: each group has the PyTorch module’s parameter count and weight shapes', (name) => {
  const reference = torchReference();
  const doc = loadTemplate(name)!;
  const lowered = lowerDocument(doc);
  expect(lowered.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const groupOf = new Map(doc.nodes.map((n) => [n.id, n.group]));
  const groups = reference[name]!;
  expect(Object.keys(groups).length).toBeGreaterThan(0);
  for (const [group, ref] of Object.entries(groups)) {
    const params = doc.nodes
      .filter((n) => n.group === group)
      .reduce((s, n) => s + (lowered.nodes.get(n.id)?.params ?? 0), 0);
    expect(params, `${name} ${group} parameters`).toBe(ref.params);
    const shapes = lowered.graph.weights
      .filter((w) => groupOf.get(w.node) === group)
      .map((w) => [...w.shape]);
    expect(shapes, `${name} ${group} weight shapes`).toEqual(ref.shapes);
  }
});
