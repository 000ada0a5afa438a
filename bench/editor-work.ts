// One inspector edit as the editor computes it, in Node: the document edit, the incremental
// lowering the editor's store keeps, and the canvas's flow model. The browser bench prints it
// beside what Chromium takes for the same edit.
import type { NetloomDocument } from '../src/document/schema.ts';
import { IncrementalLowering } from '../src/compile/incremental.ts';
import { setParam } from '../src/document/edits.ts';
import { FlowModel } from '../renderer/lib/flow-model.ts';
import { median, timesMs } from './stats.ts';

/** Median ms of editing `id`'s units back and forth, as the editor does on each keystroke. */
export async function editorEditMs(start: NetloomDocument, id: string): Promise<number> {
  const lower = new IncrementalLowering();
  const flow = new FlowModel(() => undefined);
  let doc = start;
  flow.update(doc, lower.update(doc), [id]);
  let k = 0;
  const edit = () => {
    doc = setParam(doc, id, 'units', 64 + (k++ % 2));
    flow.update(doc, lower.update(doc), [id]);
  };
  return median(await timesMs(edit, 7, 2));
}
