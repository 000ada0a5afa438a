// A big document's canvas made in slices before it is shown: the flow model's layers and wires for
// a 5,000-layer file just opened are made ahead (FlowModel.prepare), a few tens of milliseconds a
// task, while the canvas still shows what it showed; the render that shows the new graph then
// takes them as made. Made in the render that first drew the graph, they were most of a task of
// 0.2–0.3 s, which blocked input.
import { useEffect, useReducer, useRef } from 'react';
import type { LoweringFacts } from '../../src/compile/lower.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { inNextTask } from './adopt-slices.ts';
import type { FlowGraph, FlowModel } from './flow-model.ts';

/** How long one task of making ahead runs. */
export const prepareSliceMs = 25;

/**
 * The flow model's graph for `doc`: `model.update`, or while a big document's layers are still
 * being made ahead, the graph shown so far (the canvas re-renders when they are all made).
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
  return waiting ? model.shown : model.update(doc, facts, selection);
}
