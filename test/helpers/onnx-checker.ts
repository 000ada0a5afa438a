// The outside judge of our ONNX files: onnx.checker.check_model(full_check=True) from the reference
// Python (test/helpers/references.ts), run once over many files. Call it inside a test: where no
// Python with onnx is found, that test is reported as "onnx.checker: not run".
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requirePython } from './references.ts';

export function checkOnnxFiles(paths: readonly string[]): Record<string, string | null> {
  if (paths.length === 0) return {};
  const python = requirePython(['onnx'], 'onnx.checker');
  const out = execFileSync(python, [join(import.meta.dirname, '../tools/check_onnx.py'), ...paths], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as Record<string, string | null>;
}

/** Writes models to a temporary folder and checks them all; returns failures by name. */
export function checkOnnxModels(models: ReadonlyMap<string, Uint8Array>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'netloom-check-'));
  try {
    const paths = new Map<string, string>();
    let i = 0;
    for (const [name, bytes] of models) {
      const p = join(dir, `${i++}.onnx`);
      writeFileSync(p, bytes);
      paths.set(p, name);
    }
    const results = checkOnnxFiles([...paths.keys()]);
    const failures: Record<string, string> = {};
    for (const [p, name] of paths) {
      const r = results[p];
      if (r !== null) failures[name] = r ?? 'not checked';
    }
    return failures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
