// The page's client of a request-answering worker (renderer/lib/worker-client.ts), with a stand-in
// worker: each reply reaches the request with its id, whatever the order; a worker that fails
// answers every waiting request with "no answer" (the caller then works on the page) and is not
// started again; where no Worker exists, nothing is sent and the caller knows at once.
import { afterEach, expect, test, vi } from 'vitest';
import { workerClient } from '../../renderer/lib/worker-client.ts';

/** A stand-in worker: keeps what it is sent; the test answers or fails it by hand. */
class FakeWorker {
  sent: { message: unknown; transfer: Transferable[] }[] = [];
  terminated = false;
  onmessage: ((e: MessageEvent<unknown>) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  postMessage(message: unknown, transfer: Transferable[]): void {
    this.sent.push({ message, transfer });
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(data: unknown): void {
    this.onmessage?.({ data } as MessageEvent<unknown>);
  }
}

afterEach(() => vi.unstubAllGlobals());

test('replies reach their requests by id, in any order; a failed worker leaves the work to the page', async () => {
  vi.stubGlobal('Worker', FakeWorker);
  const made: FakeWorker[] = [];
  const client = workerClient(() => {
    const w = new FakeWorker();
    made.push(w);
    return w as unknown as Worker;
  });
  const buf = new ArrayBuffer(8);
  const a = client.ask((id) => ({ message: { id, n: 'a' }, transfer: [buf] }))!;
  const b = client.ask((id) => ({ message: { id, n: 'b' } }))!;
  expect(made).toHaveLength(1);
  const w = made[0]!;
  expect(w.sent.map((s) => s.message)).toEqual([
    { id: 0, n: 'a' },
    { id: 1, n: 'b' },
  ]);
  expect(w.sent[0]!.transfer).toEqual([buf]);
  // Answered out of order, with a stray reply for no one among them.
  w.reply({ id: 1, answer: 'B' });
  w.reply({ id: 99, answer: 'nobody asked' });
  w.reply({ id: 0, answer: 'A' });
  expect(await a).toEqual({ id: 0, answer: 'A' });
  expect(await b).toEqual({ id: 1, answer: 'B' });

  const c = client.ask((id) => ({ message: { id } }))!;
  w.onerror?.(new Event('error'));
  expect(await c).toBeUndefined();
  expect(w.terminated).toBe(true);
  // Broken: no new worker, no request made.
  const request = vi.fn((id: number) => ({ message: { id } }));
  expect(client.ask(request)).toBeUndefined();
  expect(request).not.toHaveBeenCalled();
  expect(made).toHaveLength(1);
});

test('without Worker nothing is started or sent', () => {
  vi.stubGlobal('Worker', undefined);
  const make = vi.fn(() => new FakeWorker() as unknown as Worker);
  const client = workerClient(make);
  client.start();
  const request = vi.fn((id: number) => ({ message: { id } }));
  expect(client.ask(request)).toBeUndefined();
  expect(make).not.toHaveBeenCalled();
  expect(request).not.toHaveBeenCalled();
});
