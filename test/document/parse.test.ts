import { describe, expect, test } from 'vitest';
import { parseDocument, serializeDocument } from '../../src/document/parse.ts';
import { NetloomError } from '../../src/util/errors.ts';
import { chainDoc } from '../helpers/doc.ts';

function errorOf(text: string): NetloomError {
  try {
    parseDocument(text, 'model.json');
  } catch (e) {
    if (e instanceof NetloomError) return e;
    throw e;
  }
  throw new Error('expected a NetloomError');
}

describe('project files', () => {
  test('a saved document reads back equal', () => {
    const d = chainDoc([4], [{ kind: 'Dense', params: { units: 3 } }]);
    expect(parseDocument(serializeDocument(d))).toEqual(d);
  });

  test('broken JSON names the line and column', () => {
    const e = errorOf('{\n  "format": "netloom",\n  "nodes": [,]\n}');
    expect(e.code).toBe('invalid-file');
    expect(e.message).toBe('model.json: not valid JSON at line 3, column 13: unexpected ","');
  });

  test('a structural error names the path and the node id', () => {
    const d = chainDoc([4], [{ kind: 'Dense' }]) as unknown as { nodes: Record<string, unknown>[] };
    d.nodes[1]!['position'] = { x: 'left', y: 0 };
    const e = errorOf(JSON.stringify(d));
    expect(e.message).toContain('nodes[1].position.x (node "n1")');
    expect(e.path).toBe('model.json#/nodes/1/position/x');
  });

  test('a file from a newer Netloom is refused with the versions', () => {
    const e = errorOf(JSON.stringify({ format: 'netloom', version: 99, nodes: [] }));
    expect(e.code).toBe('unsupported-version');
    expect(e.message).toContain('file version 99');
  });

  test('something that is not a project says so', () => {
    expect(errorOf('[1, 2]').message).toContain('a project file is a JSON object');
    expect(errorOf('{"format": "keras"}').message).toContain('not a Netloom project');
  });

  test('bad layer params still open (the node shows the problem later)', () => {
    const d = chainDoc([4], [{ kind: 'Dense', params: { units: -3 } }]);
    expect(parseDocument(serializeDocument(d)).nodes[1]!.params).toEqual({ units: -3 });
  });

  test('a version 0 draft migrates forward', () => {
    const v0 = {
      name: 'draft',
      nodes: [
        { id: 'a', kind: 'Input', x: 10, y: 20, config: { shape: [3] } },
        { id: 'b', kind: 'Dense', x: 10, y: 120, config: { units: 2 } },
      ],
      edges: [{ from: 'a:y', to: 'b:x' }],
    };
    const d = parseDocument(JSON.stringify(v0));
    expect(d.version).toBe(1);
    expect(d.nodes[0]).toMatchObject({ id: 'a', position: { x: 10, y: 20 }, params: { shape: [3] } });
    expect(d.edges[0]).toMatchObject({ source: { node: 'a', port: 'y' }, target: { node: 'b', port: 'x' } });
  });
});

describe('hostile project files (issue 10)', () => {
  test('nesting is bounded before anything recursive runs', () => {
    expect(errorOf('['.repeat(100_000)).message).toBe(
      'model.json: nested deeper than 64 levels at line 1, column 65',
    );
    const deep = JSON.stringify(chainDoc([4], [])).replace(
      '"edges"',
      `"deep":${'['.repeat(70)}${']'.repeat(70)},"edges"`,
    );
    expect(errorOf(deep).message).toMatch(/nested deeper than 64 levels/);
  });

  test('a "__proto__" key is refused: it would read one way and save another', () => {
    const text = serializeDocument(chainDoc([4], [{ kind: 'Dense', params: { units: 3 } }])).replace(
      '"units": 3',
      '"__proto__": {"units": 3}',
    );
    expect(errorOf(text).message).toBe('model.json: nodes[1].params: the key "__proto__" is not allowed');
  });

  test('values echoed in messages are cut and made printable', () => {
    const d = chainDoc([4], []) as unknown as { nodes: Record<string, unknown>[] };
    d.nodes[0]!['id'] = `a\u001b[2J${'x'.repeat(10_000)}`;
    d.nodes[0]!['position'] = 'left';
    const e = errorOf(JSON.stringify(d));
    expect(e.message.length).toBeLessThan(300);
    expect(e.message).toContain('(node "a\\u001b[2Jxxx');
    expect(e.message).not.toContain('\u001b');
  });
});
