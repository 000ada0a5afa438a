// The import worker's message handler, run here in Node as the worker runs it: what it sends back,
// passed through a structured clone with its transfer list as postMessage passes it, checked with
// the protocol and read by the page in slices (the document's text parts, the weights' one
// buffer), is the document and weights the page's own path opens (the ONNX import, the conversion
// and layout as file-actions did them on the page), a torchvision export with torch's default
// arguments included, and a bad file's error keeps its message and place. A project file read
// there is the document the page's parse gives, and the page's check of a reply in slices gives
// what the document schema gives. A document JSON would change crosses as the object itself.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { residualMlp } from '../../bench/graphs.ts';
import { parseDocument } from '../../src/document/parse.ts';
import { documentSchema } from '../../src/document/schema.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { exportDocument } from '../../src/onnx/from-document.ts';
import { importedToDocument } from '../../src/onnx/to-document.ts';
import { NetloomError } from '../../src/util/errors.ts';
import { checkDocumentInSlices, readOnnxFile, readProjectFile } from '../../renderer/lib/import-client.ts';
import { answerImport, errorOf } from '../../renderer/lib/import-work.ts';
import { documentText, unpackWeights } from '../../renderer/lib/import-transport.ts';
import { importReplySchema } from '../../renderer/lib/import-protocol.ts';
import type { ImportReply } from '../../renderer/lib/import-protocol.ts';
import { layoutImported } from '../../renderer/lib/layout-client.ts';
import { autoLayout } from '../../renderer/lib/layout.ts';
import { requirePython } from '../helpers/references.ts';
import { torchZoo } from '../helpers/torch-zoo.ts';

/** The handler's reply as the page receives it: cloned, buffers moved, checked by the protocol. */
async function viaWorker(data: unknown): Promise<ImportReply> {
  const { reply, transfer } = await answerImport(data, autoLayout);
  // The weights' one buffer, and nothing else, is moved.
  if ('weights' in reply) expect(transfer).toEqual([reply.weights.values.buffer]);
  return importReplySchema.parse(structuredClone(reply, { transfer }));
}

/** What the page did before the worker: import, convert and lay out on its own thread. */
async function onThePage(bytes: Uint8Array, name: string) {
  const { doc, weights } = importedToDocument(importOnnx(bytes, { path: name }), name);
  const at = await layoutImported(doc);
  return {
    doc: { ...doc, nodes: doc.nodes.map((n) => ({ ...n, position: at.get(n.id) ?? n.position })) },
    weights: new Map(weights),
  };
}

/** The worker's reading of an ONNX file is the page's own: document, weights (bit for bit), ids. */
async function sameThroughWorker(name: string, bytes: Uint8Array): Promise<void> {
  const page = await onThePage(bytes, name);
  const reply = await viaWorker({ id: 7, name, kind: 'onnx', bytes: bytes.slice() });
  if (!('doc' in reply)) throw new Error(reply.failure.message);
  expect(reply.id).toBe(7);
  // Sent as text in parts, which the page parses and checks to the same document.
  expect('text' in reply.doc).toBe(true);
  expect(await checkDocumentInSlices(reply.doc)).toEqual(page.doc);
  expectSameWeights(unpackWeights(reply.weights), page.weights);
  // Without a worker (here), the page's client reads the file itself: the same again.
  const here = await readOnnxFile(bytes, name);
  expect(here.doc).toEqual(page.doc);
  expectSameWeights(here.weights, page.weights);
}

/** The same names in the same order, each weight the same bytes (a million values compare fast). */
function expectSameWeights(
  got: readonly (readonly [string, Float32Array])[],
  want: ReadonlyMap<string, Float32Array>,
): void {
  expect(got.length).toBeGreaterThan(0);
  expect(got.map(([k]) => k)).toEqual([...want.keys()]);
  const bytes = (w: Float32Array) => Buffer.from(w.buffer, w.byteOffset, w.byteLength);
  for (const [k, w] of got) expect(bytes(w).equals(bytes(want.get(k)!)), k).toBe(true);
}

const cnn = new Uint8Array(readFileSync(join(import.meta.dirname, '../fixtures/onnx/cnn.onnx')));

test.each([
  ['cnn.onnx', cnn],
  ['mlp-16.onnx', exportDocument(residualMlp(16), { seed: 3 }).bytes],
])('the worker opens %s as the same document and weights as the page', sameThroughWorker);

test("the worker opens torchvision's ResNet-18, exported with torch's defaults, as the page does", async () => {
  const python = requirePython(['torch', 'torchvision', 'onnx', 'numpy']);
  const file = torchZoo(python, ['resnet18']).get('resnet18')!.onnx;
  await sameThroughWorker('resnet18.onnx', new Uint8Array(readFileSync(file)));
});

test('a document that JSON would change crosses as itself, and the page checks it to the same', async () => {
  const base = residualMlp(3);
  for (const odd of [Number.NaN, Number.POSITIVE_INFINITY, -0, new Float32Array([1, 2])]) {
    const doc = {
      ...base,
      nodes: base.nodes.map((n, i) => (i === 1 ? { ...n, params: { ...n.params, odd } } : n)),
    };
    expect(documentText(doc), String(odd)).toBeUndefined();
    const sent = structuredClone({ value: doc });
    const checked = await checkDocumentInSlices(sent);
    expect(checked, String(odd)).toEqual(documentSchema.parse(doc));
    expect(
      Object.is(checked!.nodes[1]!.params['odd'], odd) ||
        checked!.nodes[1]!.params['odd'] instanceof Float32Array,
    ).toBe(true);
  }
  // Plain data goes as text, and parses back to the same.
  const text = documentText(base)!;
  expect(await checkDocumentInSlices({ text })).toEqual(base);
});

test("a bad file's error crosses as the error the page would throw, with its place", async () => {
  const junk = new Uint8Array([1, 2, 3, 255]);
  const expected = (() => {
    try {
      importOnnx(junk, { path: 'junk.onnx' });
    } catch (e) {
      return e as NetloomError;
    }
    throw new Error('importOnnx accepted a broken file');
  })();
  const reply = await viaWorker({ id: 3, name: 'junk.onnx', kind: 'onnx', bytes: junk.slice() });
  if (!('failure' in reply)) throw new Error('the worker accepted a broken ONNX file');
  const err = errorOf(reply.failure);
  expect(err).toBeInstanceOf(NetloomError);
  expect(err.message).toBe(expected.message);
  expect(err.message).toMatch(/^junk\.onnx: not an ONNX model/);
  expect((err as NetloomError).code).toBe('invalid-onnx');
  expect((err as NetloomError).path).toBe('junk.onnx');
  await expect(readOnnxFile(junk, 'junk.onnx')).rejects.toThrow(expected.message);
  // A file cut off partway (a download that stopped) is named with its problem the same way.
  const whole = exportDocument(residualMlp(16), { seed: 3 }).bytes;
  const cut = whole.slice(0, Math.floor(whole.length * 0.6));
  const cutReply = await viaWorker({ id: 4, name: 'cut.onnx', kind: 'onnx', bytes: cut.slice() });
  if (!('failure' in cutReply)) throw new Error('the worker accepted a truncated ONNX file');
  expect(cutReply.failure.message).toMatch(/^cut\.onnx: /);
  expect(cutReply.failure.path).toBe('cut.onnx');
  await expect(readOnnxFile(cut, 'cut.onnx')).rejects.toThrow(cutReply.failure.message);
});

test('the worker refuses a message that is not a file, and the page refuses a reply that is not one', async () => {
  const reply = await viaWorker({ id: 4, name: 'x.onnx', kind: 'onnx', bytes: 'not bytes' });
  expect(reply).toEqual({ id: 4, failure: { message: 'The import request was not a file' } });
  expect(importReplySchema.safeParse({ id: 5, doc: {}, weights: [['w', [1, 2]]] }).success).toBe(false);
  // Weights whose sizes do not add up to the values sent are refused.
  const weights = { names: ['a', 'b'], sizes: [2, 2], values: new Float32Array(3) };
  expect(importReplySchema.safeParse({ id: 5, doc: { value: {} }, weights }).success).toBe(false);
  expect(
    importReplySchema.safeParse({ id: 5, doc: { value: {} }, weights: { ...weights, sizes: [2, 1] } })
      .success,
  ).toBe(true);
  expect(importReplySchema.safeParse({ id: 5, failure: { message: 'x', code: 'nonsense' } }).success).toBe(
    false,
  );
});

test('the worker reads a project as the page parses it, and the page checks it in slices to the same', async () => {
  // Groups, a default left out (edges' absence) and a key the schema drops, to be checked alike.
  const doc = { ...residualMlp(300), groups: [{ id: 'g', name: 'Block', collapsed: true }] };
  const text = JSON.stringify({ ...doc, edges: undefined, extra: 1 });
  const bytes = new TextEncoder().encode(text);
  const page = parseDocument(text, 'p.json');
  const reply = await viaWorker({ id: 9, name: 'p.json', kind: 'project', bytes: bytes.slice() });
  if (!('doc' in reply)) throw new Error(reply.failure.message);
  expect(reply.weights.names).toEqual([]);
  const sliced = await checkDocumentInSlices(reply.doc);
  expect(sliced).toEqual(page);
  expect(sliced).toEqual(documentSchema.parse(JSON.parse(text)));
  // A node that breaks the schema fails the check, as the schema does.
  const bad = {
    ...page,
    nodes: page.nodes.map((n, i) => (i === 250 ? { ...n, position: { x: 'far' } } : n)),
  };
  expect(documentSchema.safeParse(bad).success).toBe(false);
  expect(await checkDocumentInSlices({ value: bad })).toBeUndefined();
  // The same node broken in the text sent, and a part that is not JSON, fail as well.
  const parts = documentText(page)!;
  expect(parts.nodes.length).toBeGreaterThan(1);
  const broken = JSON.stringify(bad.nodes.slice(0, 256));
  expect(
    await checkDocumentInSlices({ text: { ...parts, nodes: [broken, ...parts.nodes.slice(1)] } }),
  ).toBeUndefined();
  expect(
    await checkDocumentInSlices({ text: { ...parts, nodes: ['[{', ...parts.nodes.slice(1)] } }),
  ).toBeUndefined();
  expect(await checkDocumentInSlices({ text: { ...parts, head: '[]' } })).toBeUndefined();
  // Without a worker (here), the page's client parses it itself: the same again.
  expect((await readProjectFile(bytes, 'p.json')).doc).toEqual(page);
});

test("a broken project's error crosses from the worker with its line and column", async () => {
  const text = '{\n  "format": "netloom",\n  "nodes": [1,, 2]\n}';
  const expected = (() => {
    try {
      parseDocument(text, 'broken.json');
    } catch (e) {
      return e as NetloomError;
    }
    throw new Error('parseDocument accepted broken JSON');
  })();
  expect(expected.message).toMatch(/^broken\.json: not valid JSON at line 3/);
  const bytes = new TextEncoder().encode(text);
  const reply = await viaWorker({ id: 2, name: 'broken.json', kind: 'project', bytes: bytes.slice() });
  if (!('failure' in reply)) throw new Error('the worker accepted a broken project');
  const err = errorOf(reply.failure);
  expect(err.message).toBe(expected.message);
  expect((err as NetloomError).code).toBe('invalid-file');
  expect((err as NetloomError).path).toBe(expected.path);
  await expect(readProjectFile(bytes, 'broken.json')).rejects.toThrow(expected.message);
});
