// The app's automatic layout of a document, run in a child Node with a deeper stack: elkjs
// recurses once per layer along a long chain, deeper than Node's default stack allows, while
// Chromium's main thread (where the app lays out an opened ONNX file) has room for it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NetloomDocument } from '../src/document/schema.ts';
import { autoLayout } from '../renderer/lib/layout.ts';

/** Positions by node id, as the app places the nodes of `doc` when it opens it. */
export function layoutInChild(doc: NetloomDocument): Map<string, { x: number; y: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'netloom-layout-'));
  try {
    writeFileSync(join(dir, 'doc.json'), JSON.stringify(doc));
    execFileSync(
      process.execPath,
      ['--stack-size=7000', '--import', 'tsx', fileURLToPath(import.meta.url), dir],
      { stdio: 'inherit' },
    );
    return new Map(
      JSON.parse(readFileSync(join(dir, 'at.json'), 'utf8')) as [string, { x: number; y: number }][],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2]!;
  const at = await autoLayout(JSON.parse(readFileSync(join(dir, 'doc.json'), 'utf8')) as NetloomDocument);
  writeFileSync(join(dir, 'at.json'), JSON.stringify([...at]));
}
