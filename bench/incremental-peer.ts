// The editor's lowering of one edit (a Dense's units, as the lowering store does it: prepare, then
// update within a 40 ms slice) in Node, this checkout against a peer commit's src/ in the same
// process, the two taking turns: the part of an edit's time that is the core's, without the
// browser's noise. Also counts the edits whose lowering did not fit the slice (their totals are
// painted a task later).
//
//   NETLOOM_BENCH_PEER=ff15f24 npx tsx bench/incremental-peer.ts [layers…]   (500 5000 by default)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NetloomDocument } from '../src/document/schema.ts';
import type { EditorLowering } from '../src/compile/incremental.ts';
import { IncrementalLowering } from '../src/compile/incremental.ts';
import { setParam } from '../src/document/edits.ts';
import { middleDense, residualMlp } from './graphs.ts';
import { median } from './stats.ts';

interface Engine {
  prepare(doc: NetloomDocument, deadline?: number): boolean;
  update(doc: NetloomDocument, deadline?: number): EditorLowering;
  resume(deadline?: number): EditorLowering;
}

const sliceMs = 40;
const edits = 60;
const peer = process.env.NETLOOM_BENCH_PEER;
if (!peer) throw new Error('set NETLOOM_BENCH_PEER to a git ref');
const root = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'netloom-peer-src-'));
try {
  execFileSync('sh', ['-c', `git archive "${peer}" src | tar -x -C "${dir}"`], { cwd: root });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  const theirs = (await import(pathToFileURL(join(dir, 'src/compile/incremental.ts')).href)) as {
    IncrementalLowering: new () => Engine;
  };
  const layersList = process.argv.slice(2).map(Number);
  for (const layers of layersList.length ? layersList : [500, 5000]) {
    const doc = residualMlp(layers);
    const sides = {
      this: { engine: new IncrementalLowering() as Engine, doc, ms: [] as number[], spilled: 0 },
      peer: { engine: new theirs.IncrementalLowering(), doc, ms: [] as number[], spilled: 0 },
    };
    for (const s of Object.values(sides)) {
      while (!s.engine.prepare(doc));
      s.engine.update(doc);
    }
    for (let k = 0; k < edits; k++) {
      for (const s of k % 2 ? [sides.peer, sides.this] : [sides.this, sides.peer]) {
        s.doc = setParam(s.doc, middleDense(layers), 'units', 65 + (k % 4));
        const t0 = performance.now();
        s.engine.prepare(s.doc, t0 + sliceMs);
        const facts = s.engine.update(s.doc, t0 + sliceMs);
        s.ms.push(performance.now() - t0);
        if (facts.pending > 0) {
          s.spilled++;
          s.engine.resume();
        }
      }
    }
    const a = median(sides.this.ms);
    const b = median(sides.peer.ms);
    console.log(
      `${layers} layers: one edit's lowering, median of ${edits}: this ${a.toFixed(2)} ms, ${peer} ${b.toFixed(2)} ms ` +
        `(${(b / a).toFixed(1)}× faster); left for a later task: this ${sides.this.spilled}, ${peer} ${sides.peer.spilled} ` +
        `of ${edits} (load average ${loadavg()[0]!.toFixed(1)})`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
