// The import worker's message handler, run here in Node as the worker runs it: what it sends back,
// passed through a structured clone with its transfer list as postMessage passes it and checked
// with the protocol, is the document and weights the page's own path opens (the ONNX import, the
// conversion and layout as file-actions did them on the page), and a bad file's error keeps its
// message and place. A project file read there is the document the page's parse gives, and the
// page's check of a reply in slices gives what the document schema gives.
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
import { importReplySchema } from '../../renderer/lib/import-protocol.ts';
import type { ImportReply } from '../../renderer/lib/import-protocol.ts';
import { layoutImported } from '../../renderer/lib/layout-client.ts';
import { autoLayout } from '../../renderer/lib/layout.ts';

/** The handler's reply as the page receives it: cloned, buffers moved, checked by the protocol. */
async function viaWorker(data: unknown): Promise<ImportReply> {
  const { reply, transfer } = await answerImport(data, autoLayout);
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

const cnn = new Uint8Array(readFileSync(join(import.meta.dirname, '../fixtures/onnx/cnn.onnx')));

test.each([
  ['cnn.onnx', cnn],
  ['mlp-16.onnx', exportDocument(residualMlp(16), { seed: 3 }).bytes],
])('the worker opens %s as the same document and weights as the page', async (name, bytes) => {
  const page = await onThePage(bytes, name);
  const reply = await viaWorker({ id: 7, name, kind: 'onnx', bytes: bytes.slice() });
  if (!('doc' in reply)) throw new Error(reply.failure.message);
  expect(reply.id).toBe(7);
  expect(documentSchema.parse(reply.doc)).toEqual(page.doc);
  expect(new Map(reply.weights)).toEqual(page.weights);
  expect(reply.weights.length).toBeGreaterThan(0);
  // Without a worker (here), the page's client reads the file itself: the same again.
  const here = await readOnnxFile(bytes, name);
  expect(here.doc).toEqual(page.doc);
  expect(new Map(here.weights)).toEqual(page.weights);
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
});

test('the worker refuses a message that is not a file, and the page refuses a reply that is not one', async () => {
  const reply = await viaWorker({ id: 4, name: 'x.onnx', kind: 'onnx', bytes: 'not bytes' });
  expect(reply).toEqual({ id: 4, failure: { message: 'The import request was not a file' } });
  expect(importReplySchema.safeParse({ id: 5, doc: {}, weights: [['w', [1, 2]]] }).success).toBe(false);
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
  expect(reply.weights).toEqual([]);
  const sliced = await checkDocumentInSlices(reply.doc);
  expect(sliced).toEqual(page);
  expect(sliced).toEqual(documentSchema.parse(reply.doc));
  // A node that breaks the schema fails the check, as the schema does.
  const bad = {
    ...page,
    nodes: page.nodes.map((n, i) => (i === 250 ? { ...n, position: { x: 'far' } } : n)),
  };
  expect(documentSchema.safeParse(bad).success).toBe(false);
  expect(await checkDocumentInSlices(bad)).toBeUndefined();
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
