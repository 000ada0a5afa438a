// What torch cannot hold under Netloom's weight names is refused with the node and the reason,
// and module names torch can hold become attributes, lists and dicts.
import { describe, expect, test } from 'vitest';
import type { DocNode, NetloomDocument } from '../../src/document/schema.ts';
import { pytorchPackage } from '../../src/pytorch/package.ts';
import { NetloomError } from '../../src/util/errors.ts';
import { chainDoc } from '../helpers/doc.ts';

function refusal(doc: NetloomDocument): NetloomError {
  try {
    pytorchPackage(doc);
  } catch (e) {
    if (e instanceof NetloomError) return e;
    throw e;
  }
  throw new Error('expected the export to be refused');
}

const dense = (id: string, units = 4) => ({ id, kind: 'Dense', params: { units } });

/** b uses a's weights. */
function shared(doc: NetloomDocument): NetloomDocument {
  const b = doc.nodes.find((n): n is DocNode => n.id === 'b')!;
  b.sharesWeightsWith = 'a';
  return doc;
}

function modelPy(doc: NetloomDocument): string {
  const f = pytorchPackage(doc).files.find((x) => x.path === 'model.py')!;
  return new TextDecoder().decode(f.bytes);
}

describe('refusals name the node and why', () => {
  test('a shared layer whose settings differ from its owner', () => {
    const doc = shared(chainDoc([3], [dense('a', 3), dense('b', 3)]));
    doc.nodes.find((n) => n.id === 'b')!.params = { units: 3, bias: false };
    const e = refusal(doc);
    expect(e.code).toBe('unsupported-op');
    expect(e.nodeId).toBe('b');
    expect(e.message).toContain('Node "b" (Dense)');
    expect(e.message).toContain('differs in bias');
  });

  test('a weight name torch.nn.Module uses itself', () => {
    const e = refusal(chainDoc([3], [dense('eval')]));
    expect(e.nodeId).toBe('eval');
    expect(e.message).toMatch(/"eval", which torch\.nn\.Module uses for itself/);
  });

  test("a module inside another node's module", () => {
    const e = refusal(chainDoc([3], [dense('fc'), dense('fc.extra')]));
    expect(e.nodeId).toBe('fc.extra');
    expect(e.message).toContain('inside the module of node "fc"');
  });

  test('an empty part and a top-level name that is not a Python name', () => {
    expect(refusal(chainDoc([3], [dense('a..b')])).message).toContain('an empty part between dots');
    expect(refusal(chainDoc([3], [dense('my-layer')])).message).toContain('must be a Python name');
  });

  test("a graph with errors is refused with the lowering's messages", () => {
    const e = refusal(chainDoc([3], [{ kind: 'Conv2d', params: { outChannels: 2 } }]));
    expect(e.code).toBe('graph-has-errors');
    expect(e.message).toMatch(/Conv2d expects/);
  });
});

describe('module names', () => {
  test('indices become a ModuleList, other names a ModuleDict, plain names attributes', () => {
    const doc = chainDoc(
      [3],
      [dense('blocks.0.fc'), dense('blocks.1.fc'), dense('head.my-layer'), dense('out')],
    );
    const py = modelPy(doc);
    expect(py).toContain('self.blocks = nn.ModuleList([nn.Module() for _ in range(2)])');
    expect(py).toContain('self.blocks[0].fc = nn.Linear(3, 4)');
    expect(py).toContain('self.head = nn.ModuleDict()');
    expect(py).toContain('self.head["my-layer"] = nn.Linear(4, 4)');
    expect(py).toContain('x = self.head["my-layer"](x)');
  });

  test('a shared layer is one module called twice', () => {
    const doc = shared(chainDoc([3], [dense('a', 3), dense('b', 3)]));
    const py = modelPy(doc);
    expect(py.match(/nn\.Linear/g)).toHaveLength(1);
    expect(py.match(/self\.a\(/g)).toHaveLength(2);
  });
});
