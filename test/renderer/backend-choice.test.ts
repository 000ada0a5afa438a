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
  offerFor,
  probeOrder,
  recall,
  remember,
} from '../../renderer/train/backend-choice.ts';

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
