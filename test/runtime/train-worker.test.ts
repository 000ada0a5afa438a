// The worker protocol driven as a worker would be: start, events back, stop from outside.
import { describe, expect, test } from 'vitest';
import type { WorkerEvent } from '../../src/runtime/worker-protocol.ts';
import { workerEventSchema } from '../../src/runtime/worker-protocol.ts';
import { trainingWorker } from '../../src/runtime/train-worker.ts';
import { loadTemplate } from '../../src/templates/catalogue.ts';

/** Resolves once the worker has posted its last event (done or error). */
function finished(events: WorkerEvent[]): Promise<void> {
  return new Promise((resolve) => {
    const t = setInterval(() => {
      if (events.some((e) => e.type === 'done' || e.type === 'error')) {
        clearInterval(t);
        resolve();
      }
    }, 10);
  });
}

describe('training worker protocol', () => {
  test('start → epoch events → done with the weights; a CSV dataset travels in the message', async () => {
    const events: WorkerEvent[] = [];
    const h = trainingWorker((e) => events.push(e));
    const rows = [
      'x,y,label',
      ...Array.from(
        { length: 200 },
        (_, i) => `${Math.cos(i)},${Math.sin(i)},${Math.cos(i) > 0 ? 'a' : 'b'}`,
      ),
    ];
    h({
      data: {
        type: 'start',
        document: loadTemplate('playground')!,
        dataset: { kind: 'csv', text: rows.join('\n') },
        epochs: 2,
        batchSize: 16,
      },
    });
    await finished(events);
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'step').length).toBe(2 * Math.floor(160 / 16));
    const done = events.at(-1)!;
    expect(done.type).toBe('done');
    if (done.type === 'done') expect(Object.keys(done.weights)).toContain('hidden1.weight');
    // The panel checks every message with the protocol's schema: what the loop posts must pass.
    for (const e of events) expect(workerEventSchema.safeParse(e).error).toBeUndefined();
  });

  test('stop ends the run early; a bad dataset comes back as an error event', async () => {
    const events: WorkerEvent[] = [];
    const h = trainingWorker((e) => {
      events.push(e);
      if (e.type === 'step' && e.report.step === 4) h({ type: 'stop' });
    });
    h({
      type: 'start',
      document: loadTemplate('playground')!,
      dataset: { kind: 'builtin', name: 'circles' },
      epochs: 50,
    });
    await finished(events);
    const done = events.at(-1)!;
    expect(done).toMatchObject({ type: 'done', steps: 4, stopped: true });

    const errs: WorkerEvent[] = [];
    const h2 = trainingWorker((e) => errs.push(e));
    h2({
      type: 'start',
      document: loadTemplate('playground')!,
      dataset: { kind: 'builtin', name: 'imagenet' },
    });
    await finished(errs);
    expect(errs.at(-1)).toMatchObject({
      type: 'error',
      message: expect.stringContaining('Unknown dataset "imagenet"'),
    });
  });

  test("the panel's input binding: the named Inputs take data and labels; a wrong name is named", async () => {
    const ok: WorkerEvent[] = [];
    trainingWorker((e) => ok.push(e))({
      type: 'start',
      document: loadTemplate('playground')!,
      dataset: { kind: 'builtin', name: 'moons' },
      epochs: 1,
      inputs: { features: 'point', targets: 'label' },
    });
    await finished(ok);
    expect(ok.at(-1)?.type).toBe('done');

    const bad: WorkerEvent[] = [];
    trainingWorker((e) => bad.push(e))({
      type: 'start',
      document: loadTemplate('playground')!,
      dataset: { kind: 'builtin', name: 'moons' },
      epochs: 1,
      inputs: { features: 'pixels' },
    });
    await finished(bad);
    expect(bad.at(-1)).toMatchObject({
      type: 'error',
      message: 'There is no Input named "pixels" (inputs: point, label)',
    });
  });

  test('step-once while paused takes one batch, then waits again; stop ends the run', async () => {
    const events: WorkerEvent[] = [];
    const h = trainingWorker((e) => events.push(e));
    const steps = () => events.filter((e) => e.type === 'step').map((e) => e.report.step);
    const settle = () => new Promise((r) => setTimeout(r, 300));
    h({
      type: 'start',
      document: loadTemplate('playground')!,
      dataset: { kind: 'builtin', name: 'spirals' },
      epochs: 3,
      batchSize: 16,
      stepEvery: 50,
      pictures: true,
    });
    // Each Step redraws the decision boundary from the weights it left.
    const boundaries = () =>
      events.flatMap((e) => (e.type === 'picture' && e.picture.kind === 'boundary' ? [e.picture] : []));
    h({ type: 'pause' });
    h({ type: 'step-once' });
    await expect.poll(steps, { timeout: 20_000 }).toEqual([1]);
    await expect.poll(() => boundaries().length, { timeout: 20_000 }).toBe(1);
    await settle();
    expect(steps()).toEqual([1]);
    h({ type: 'step-once' });
    await expect.poll(steps, { timeout: 20_000 }).toEqual([1, 2]);
    await expect.poll(() => boundaries().length, { timeout: 20_000 }).toBe(2);
    await settle();
    expect(steps()).toEqual([1, 2]);
    expect(JSON.stringify(boundaries()[1])).not.toBe(JSON.stringify(boundaries()[0]));
    h({ type: 'stop' });
    await finished(events);
    const done = events.find((e) => e.type === 'done');
    expect(done).toMatchObject({ type: 'done', steps: 2, stopped: true });
  });

  test("data that does not fit the Input is an error with the model's code, not a backend failure", async () => {
    const events: WorkerEvent[] = [];
    const h = trainingWorker((e) => events.push(e));
    h({
      type: 'start',
      document: loadTemplate('playground')!,
      dataset: { kind: 'builtin', name: 'shapes' },
      epochs: 1,
    });
    await finished(events);
    const error = events.find((e) => e.type === 'error');
    expect(error).toMatchObject({ code: 'bad-argument' });
    expect(error?.type === 'error' && error.message).toMatch(/^Dataset "shapes" has 3072 features/);
  });
});
