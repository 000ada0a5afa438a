// A big document's canvas made in slices before it is shown: the flow model's layers and wires for
// a 5,000-layer file just opened are made ahead (FlowModel.prepare), a few tens of milliseconds a
// task, while the canvas still shows what it showed; the render that shows the new graph then
// takes them as made. Made in the render that first drew the graph, they were most of a task of
// 0.2–0.3 s, which blocked input.
import { useEffect, useReducer, useRef } from 'react';
import type { LoweringFacts } from '../../src/compile/lower.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { inNextTask } from './next-task.ts';
import type { FlowGraph, FlowModel } from './flow-model.ts';

/** How long one task of making ahead runs. */
export const prepareSliceMs = 25;

/**
 * The flow model's graph for `doc`: `model.update`, or while a big document's layers are still
 * being made ahead, the graph shown so far (the canvas re-renders when they are all made), then
 * the graph as they were made, then (next task) as the lowering and selection are now.
 */
export function usePreparedGraph(
  model: FlowModel,
  doc: NetloomDocument,
  facts: LoweringFacts,
  selection: readonly string[],
): FlowGraph {
  const [, rerender] = useReducer((x: number) => x + 1, 0);
  const latest = useRef({ doc, facts, selection });
  latest.current = { doc, facts, selection };
  const waiting = model.unprepared(doc);
  useEffect(() => {
    if (!waiting) return;
    let live = true;
    const step = () => {
      if (!live) return;
      const { doc, facts, selection } = latest.current;
      const t0 = performance.now();
      if (model.prepare(doc, facts, selection, () => performance.now() - t0 > prepareSliceMs)) rerender();
      else inNextTask(step);
    };
    inNextTask(step);
    return () => {
      live = false;
    };
  }, [waiting, doc, model]);
  // Made ahead with a lowering (or selection) that has moved on since: shown first as made (all
  // taken as they are), and the update to what they are now, a patch, in the next task.
  const made = waiting ? undefined : model.prepared;
  const early =
    made?.doc === doc && (made.facts !== facts || made.selection !== selection) ? made : undefined;
  useEffect(() => {
    if (early) inNextTask(rerender);
  }, [early]);
  if (waiting) return model.shown;
  return early ? model.update(doc, early.facts, early.selection) : model.update(doc, facts, selection);
}
