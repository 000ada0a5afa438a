// Writing PyTorch packages to a folder and running test/tools/torch_package.py over many at once
// (one Python process: importing torch takes seconds).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NetloomDocument } from '../../src/document/schema.ts';
import type { PackageOptions } from '../../src/pytorch/package.ts';
import { pytorchPackage } from '../../src/pytorch/package.ts';
import { writeNpy } from '../../src/runtime/npy.ts';
import type { HostTensor } from '../../src/runtime/tensors.ts';
import { requirePython } from './references.ts';

export function writePackage(doc: NetloomDocument, dir: string, opts: PackageOptions = {}): string[] {
  const pkg = pytorchPackage(doc, opts);
  for (const f of pkg.files) {
    const path = join(dir, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.bytes);
  }
  return pkg.files.map((f) => f.path);
}

export function saveNpy(path: string, t: HostTensor): string {
  writeFileSync(path, writeNpy(t));
  return path;
}

export interface Difference {
  readonly maxAbs: number;
  readonly maxRel: number;
  readonly scale: number;
  readonly excess: number;
  readonly shape?: number[];
  readonly expected?: number[];
}

export interface ForwardReport {
  readonly strict?: boolean;
  readonly outputs?: Difference[];
  readonly count?: number;
  readonly error?: string;
}

export interface StepReport {
  readonly losses?: number[];
  readonly noiseLeft?: number;
  readonly error?: string;
}

export function runTorchPackages<R>(
  mode: 'forward' | 'step',
  cases: Record<string, unknown>,
  dir: string,
): Record<string, R> {
  const manifest = join(dir, `${mode}-cases.json`);
  writeFileSync(manifest, JSON.stringify(cases));
  const python = requirePython(['torch', 'numpy']);
  const out = execFileSync(python, [join(import.meta.dirname, '../tools/torch_package.py'), mode, manifest], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as Record<string, R>;
}

/** Deterministic values in [-1, 1) (a small LCG), so inputs repeat from run to run. */
export function seeded(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}
