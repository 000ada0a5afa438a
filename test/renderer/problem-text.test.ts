// Problems read as sentences: the field once, zod's wording replaced where it is known. The
// messages here are what the core says of real bad parameters (lowered, not written by hand).
import { describe, expect, it } from 'vitest';
import { lowerDocument } from '../../src/compile/lower.ts';
import { addNode, connect, setParam } from '../../src/document/edits.ts';
import { emptyDocument } from '../../src/document/edits.ts';
import { portLabel, problemSentence } from '../../renderer/lib/problem-text.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';

function problemOf(field: string, value: unknown): string {
  const doc = setParam(addNode(emptyDocument(), 'Dense', { x: 0, y: 0 }), 'dense1', field, value);
  const d = lowerDocument(doc).diagnostics.find((x) => x.field === field)!;
  expect(d.message).toContain(field);
  return problemSentence(d);
}

describe('problemSentence', () => {
  it('says what a bad units value must be, naming the field once', () => {
    expect(problemOf('units', 'abc')).toBe('units must be a number');
    expect(problemOf('units', 0)).toBe('units must be at least 1');
    expect(problemOf('units', 2.5)).toBe('units must be a whole number');
  });
  it('leaves other messages as they are', () => {
    expect(problemSentence({ message: 'The graph has no Output node' })).toBe('The graph has no Output node');
  });
});

// Ports are named as the node draws them: the core's "x" of a loss is "prediction" on the node,
// Reparameterize's "logvar" is "log σ²" (the labels LayerNode shows from the layer's port list).
describe('portLabel', () => {
  function portProblem(doc: NetloomDocument, node: string): { text: string; place: string } {
    const lowered = lowerDocument(doc);
    const d = lowered.diagnostics.find((x) => x.node === node && x.port !== undefined);
    expect(d, JSON.stringify(lowered.diagnostics)).toBeDefined();
    return { text: problemSentence(d!), place: portLabel(lowered.nodes.get(node), d!.port!) };
  }
  it('names a second wire into a loss by the label "prediction"', () => {
    let doc = addNode(
      addNode(addNode(emptyDocument(), 'Input', { x: 0, y: 0 }), 'Input', { x: 0, y: 100 }),
      'MSE',
      {
        x: 0,
        y: 200,
      },
    );
    doc = connect(doc, { node: 'input1', port: 'y' }, { node: 'mse1', port: 'x' });
    const second = {
      id: 'second',
      source: { node: 'input2', port: 'y' },
      target: { node: 'mse1', port: 'x' },
    };
    doc = { ...doc, edges: [...doc.edges, second] };
    const p = portProblem(doc, 'mse1');
    expect(p.text).toContain('Input "prediction" has more than one wire');
    expect(p.place).toBe('prediction');
  });
  it('names a mismatched log-variance by the label "log σ²"', () => {
    let doc = addNode(
      addNode(addNode(emptyDocument(), 'Input', { x: 0, y: 0 }), 'Input', { x: 0, y: 100 }),
      'Reparameterize',
      {
        x: 0,
        y: 200,
      },
    );
    doc = setParam(doc, 'input2', 'shape', [10]);
    doc = connect(doc, { node: 'input1', port: 'y' }, { node: 'reparameterize1', port: 'mu' });
    doc = connect(doc, { node: 'input2', port: 'y' }, { node: 'reparameterize1', port: 'logvar' });
    const p = portProblem(doc, 'reparameterize1');
    expect(p.place).toBe('log σ²');
    expect(p.text).toContain('log σ²');
  });
  it("keeps the core's name of a port the layer does not have", () => {
    expect(portLabel({ kind: 'MSE', resolvedParams: {} }, 'y9')).toBe('y9');
    expect(portLabel(undefined, 'x')).toBe('x');
  });
});
