// Where the Train panel trains: which candidates a machine offers (never a software WebGPU adapter
// by itself), the measured pick, what is remembered per model and machine, and the line that says why.
import { describe, expect, test } from 'vitest';
import type { Measured } from '../../renderer/train/backend-choice.ts';
import {
  choiceReason,
  combineProbes,
  fastestMeasured,
  gpuAdapter,
  machineKey,
  modelKey,
  offerFor,
  probeOrder,
  recall,
  remember,
} from '../../renderer/train/backend-choice.ts';

import type { NetloomDocument } from '../../src/document/schema.ts';
import {
  addNode,
  connect,
  moveNodes,
  removeNodes,
  renameNode,
  setFrozen,
  setParam,
} from '../../src/document/edits.ts';
import { Rng } from '../../src/util/random.ts';
import { residualMlp } from '../../bench/graphs.ts';

const hardware = { description: 'nvidia ampere', fallback: false };
const swiftshader = { description: 'google swiftshader', fallback: true };

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(k: string): string | null {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.items.set(k, v);
  }
}

describe('offerFor', () => {
  test('threads only where the page is cross-origin isolated, at most 4', () => {
    expect(offerFor(8, true, undefined).probe).toEqual([
      { backend: 'wasm', threads: 1 },
      { backend: 'wasm', threads: 4 },
    ]);
    const plain = offerFor(8, false, undefined);
    expect(plain.probe).toEqual([{ backend: 'wasm', threads: 1 }]);
    expect(plain.limits).toContain('the page is not cross-origin isolated, so WASM runs 1 thread');
  });

  test('a hardware adapter is measured; a software one is offered to the user only', () => {
    expect(offerFor(2, true, hardware).probe.map((c) => c.backend)).toEqual(['wasm', 'wasm', 'webgpu']);
    const soft = offerFor(2, true, swiftshader);
    expect(soft.probe.map((c) => c.backend)).toEqual(['wasm', 'wasm']);
    expect(soft.all.map((c) => c.backend)).toEqual(['wasm', 'wasm', 'webgpu']);
    expect(soft.limits).toContain('the WebGPU adapter is software (slow), not tried');
  });
});

describe('gpuAdapter', () => {
  test('reads isFallbackAdapter from the adapter or its info; no gpu or no adapter is none', async () => {
    const a = await gpuAdapter({
      requestAdapter: () =>
        Promise.resolve({ info: { vendor: 'google', description: 'SwiftShader', isFallbackAdapter: true } }),
    });
    expect(a).toEqual({ description: 'google SwiftShader', fallback: true });
    expect(
      await gpuAdapter({ requestAdapter: () => Promise.resolve({ isFallbackAdapter: false, info: {} }) }),
    ).toEqual({
      description: 'adapter',
      fallback: false,
    });
    // Chromium's SwiftShader without the flag is still software.
    expect(
      await gpuAdapter({
        requestAdapter: () => Promise.resolve({ info: { vendor: 'google', architecture: 'swiftshader' } }),
      }),
    ).toEqual({ description: 'google swiftshader', fallback: true });
    expect(await gpuAdapter({ requestAdapter: () => Promise.resolve(null) })).toBeUndefined();
    expect(await gpuAdapter({ requestAdapter: () => Promise.reject(new Error('blocked')) })).toBeUndefined();
    expect(await gpuAdapter(undefined)).toBeUndefined();
  });
});

describe('the measured choice', () => {
  const offer = offerFor(2, true, hardware);
  const measured: Measured[] = [
    { backend: 'wasm', threads: 1, msPerStep: 20 },
    { backend: 'wasm', threads: 2, msPerStep: 12.5 },
    { backend: 'webgpu', threads: 1, msPerStep: 40 },
  ];

  test('the fastest wins; within 3 % the earlier (fewer threads) stays', () => {
    expect(fastestMeasured(measured, offer.probe)).toEqual({ backend: 'wasm', threads: 2 });
    const close: Measured[] = [
      { backend: 'wasm', threads: 1, msPerStep: 10 },
      { backend: 'wasm', threads: 2, msPerStep: 9.8 },
    ];
    expect(fastestMeasured(close, offer.probe)).toEqual({ backend: 'wasm', threads: 1 });
  });

  test('the probe times each candidate twice, A B B A, and keeps the faster time of each', () => {
    const [a, b, c] = offerFor(2, true, hardware).probe;
    expect(probeOrder([a!, b!, c!])).toEqual([a, b, c, c, b, a]);
    expect(probeOrder([a!])).toEqual([a]);
    // The first pass timed one thread on baseline-tier code: its second pass decides.
    const times: Measured[] = [
      { backend: 'wasm', threads: 1, msPerStep: 60 },
      { backend: 'wasm', threads: 2, msPerStep: 35 },
      { backend: 'wasm', threads: 2, msPerStep: 45 },
      { backend: 'wasm', threads: 1, msPerStep: 20 },
    ];
    const combined = combineProbes(times);
    expect(combined).toEqual([
      { backend: 'wasm', threads: 1, msPerStep: 20 },
      { backend: 'wasm', threads: 2, msPerStep: 35 },
    ]);
    expect(fastestMeasured(combined, offer.probe)).toEqual({ backend: 'wasm', threads: 1 });
  });

  test('the reason names the rates measured, or the user, or what this machine lacks', () => {
    const best = { backend: 'wasm' as const, threads: 2 };
    expect(choiceReason('measured', best, offer, measured)).toBe(
      'measured fastest (80 steps/s; wasm · 1 thread 50 steps/s; webgpu 25 steps/s)',
    );
    expect(choiceReason('picked', best, offer, measured)).toBe('your pick');
    const lone = offerFor(4, false, swiftshader);
    expect(choiceReason('only', lone.probe[0]!, lone, [])).toBe(
      'the only candidate here; the page is not cross-origin isolated, so WASM runs 1 thread; the WebGPU adapter is software (slow), not tried',
    );
  });

  test('remembered per machine and model; a store that does not parse counts as empty', () => {
    const s = new MemoryStorage();
    const machine = machineKey(2, true, hardware);
    expect(machine).not.toBe(machineKey(2, true, swiftshader));
    remember(s, machine, 'm1', { choice: { backend: 'wasm', threads: 2 }, picked: false, measured, at: 1 });
    expect(recall(s, machine, 'm1')?.choice).toEqual({ backend: 'wasm', threads: 2 });
    expect(recall(s, machine, 'm2')).toBeUndefined();
    expect(recall(s, machineKey(4, true, hardware), 'm1')).toBeUndefined();
    s.setItem('netloom.backends.v1', '{"x/y": {"choice": {"backend": "cuda"}}}');
    expect(recall(s, 'x', 'y')).toBeUndefined();
  });
});

/**
 * The model key as it was first written: FNV-1a of the whole document's text, made afresh. Keys
 * remembered in localStorage were made this way, so the kept-in-parts key must read the same.
 */
function wholeKey(doc: NetloomDocument, batchSize: number, optimizer: string): string {
  const nodes = [...doc.nodes]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((n) => [n.id, n.kind, n.params, n.frozen ?? false, n.sharesWeightsWith ?? '']);
  const edges = doc.edges
    .map((e) => `${e.source.node}:${e.source.port}>${e.target.node}:${e.target.port}`)
    .sort();
  const text = JSON.stringify({ nodes, edges, batchSize, optimizer });
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

test('the model key, kept in parts, reads as the whole-document key after every kind of edit', () => {
  const rng = new Rng(3);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng.next() * list.length)]!;
  let doc = residualMlp(40);
  const keys = new Set<string>();
  for (let step = 0; step < 40; step++) {
    const ids = doc.nodes.map((n) => n.id);
    const dense = doc.nodes.filter((n) => n.kind === 'Dense').map((n) => n.id);
    const r = rng.next();
    const before = modelKey(doc, 32, 'adam');
    let speedSame = false;
    if (r < 0.3) doc = setParam(doc, pick(dense), 'units', 60 + step);
    else if (r < 0.45) {
      doc = moveNodes(doc, new Map([[pick(ids), { x: step * 20, y: 0 }]]));
      speedSame = true;
    } else if (r < 0.55) {
      doc = renameNode(doc, pick(ids), `layer ${step}`);
      speedSame = true;
    } else if (r < 0.7) {
      const from = pick(dense);
      doc = addNode(doc, 'ReLU', { x: 0, y: 0 });
      doc = connect(doc, { node: from, port: 'y' }, { node: doc.nodes.at(-1)!.id, port: 'x' });
    } else if (r < 0.8) doc = removeNodes(doc, [pick(dense)]);
    else if (r < 0.9) doc = setFrozen(doc, [pick(dense)], step % 2 === 0);
    else doc = { ...doc, nodes: [...doc.nodes].reverse() };
    const key = modelKey(doc, 32, 'adam');
    expect(key, `step ${step}`).toBe(wholeKey(doc, 32, 'adam'));
    if (speedSame) expect(key, `step ${step}`).toBe(before);
    keys.add(key);
    expect(modelKey(doc, 64, 'sgd')).toBe(wholeKey(doc, 64, 'sgd'));
  }
  // The key tells models apart: most steps changed what trains.
  expect(keys.size).toBeGreaterThan(20);
});
