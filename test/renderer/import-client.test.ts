// The page's side of the import worker (renderer/lib/import-client.ts), with a stand-in worker:
// a big file's own bytes are handed over (transferred, not copied on the page), a small file's
// copy is sent; when the worker fails, a small file is read on the page instead, and a big one,
// no longer the page's, is named in a message that says to open it again.
import { afterEach, expect, test, vi } from 'vitest';
import { serializeDocument } from '../../src/document/parse.ts';
import { chainDoc } from '../helpers/doc.ts';
import type * as ImportClient from '../../renderer/lib/import-client.ts';

/** A stand-in worker: moves what it is sent as postMessage would; the test fails it by hand. */
class FakeWorker {
  static made: FakeWorker[] = [];
  sent: { message: unknown; transfer: Transferable[] }[] = [];
  onmessage: ((e: MessageEvent<unknown>) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  constructor() {
    FakeWorker.made.push(this);
  }
  postMessage(message: unknown, transfer: Transferable[]): void {
    // What the worker receives; the transferred buffers leave the page.
    structuredClone(message, { transfer });
    this.sent.push({ message, transfer });
  }
  terminate(): void {}
}

/** A fresh import client (its worker is started once per page: a fresh module per test). */
async function freshClient(): Promise<typeof ImportClient> {
  vi.resetModules();
  FakeWorker.made = [];
  vi.stubGlobal('Worker', FakeWorker);
  return import('../../renderer/lib/import-client.ts');
}

afterEach(() => vi.unstubAllGlobals());

test("a small file's copy is sent; the worker fails and the page reads the file itself", async () => {
  const client = await freshClient();
  const doc = chainDoc([4], [{ kind: 'Dense', params: { units: 3 } }]);
  const bytes = new TextEncoder().encode(serializeDocument(doc));
  const read = client.readProjectFile(bytes, 'small.json');
  await Promise.resolve();
  const w = FakeWorker.made[0]!;
  expect(w.sent).toHaveLength(1);
  expect(w.sent[0]!.transfer[0]).not.toBe(bytes.buffer);
  expect(bytes.byteLength).toBeGreaterThan(0);
  w.onerror?.(new Event('error'));
  const { doc: opened } = await read;
  expect(opened.nodes.map((n) => n.id)).toEqual(doc.nodes.map((n) => n.id));
});

test('a big file is handed over, not copied; if the worker then fails, the message names the file', async () => {
  const client = await freshClient();
  const bytes = new Uint8Array(client.handOverFrom + 10);
  const read = client.readOnnxFile(bytes, 'big.onnx');
  await Promise.resolve();
  const w = FakeWorker.made[0]!;
  expect(w.sent[0]!.transfer[0]).toBe(bytes.buffer);
  // Moved to the worker: the page's view of it is empty now.
  expect(bytes.byteLength).toBe(0);
  w.onerror?.(new Event('error'));
  await expect(read).rejects.toThrow(
    /^big\.onnx: the import worker stopped before it read the file; open the file again/,
  );
});
