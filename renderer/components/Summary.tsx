// Totals and a per-layer table, like torchinfo's summary: each layer's output, parameters, FLOPs
// and memory (its weights and its outputs for one example, float32), narrow enough for the side
// panel: the kind goes under the name, counts are short ("1.18 M"), the exact value on hover.
import { memo } from 'react';
import { useEditor } from '../store/document-store.ts';
import { useLowered } from '../store/lowering-store.ts';
import { shapeText } from '../lib/flow-model.ts';
import { echo } from '../../src/util/text.ts';
import type { TensorType } from '../../src/ir/types.ts';
import type { NodeReport } from '../../src/compile/lower-node.ts';

/** Three digits at most: "236M", "1.61M", "803k", "72". */
function short(n: number): string {
  const [d, unit] = n >= 1e9 ? [1e9, 'G'] : n >= 1e6 ? [1e6, 'M'] : n >= 1e3 ? [1e3, 'k'] : [1, ''];
  const v = n / d;
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2).replace(/\.?0+$/, '')}${unit}`;
}

function bytesText(b: number): string {
  if (b >= 2 ** 20) return `${short(b / 2 ** 20)} MB`;
  if (b >= 2 ** 10) return `${short(b / 2 ** 10)} KB`;
  return `${b} B`;
}

/** Bytes of a layer's weights and its outputs for one example (float32 and int64 as stored). */
function memoryOf(params: number, outputs: Readonly<Record<string, TensorType>>): number {
  let b = params * 4;
  for (const t of Object.values(outputs)) {
    const n = t.shape.slice(1).reduce((a, d) => a * (d > 0 ? d : 1), 1);
    b += n * (t.dtype === 'int64' ? 8 : 4);
  }
  return b;
}

/**
 * One layer's row. The lowering keeps a report's object while its content stays, so after an edit
 * only the rows of the layers it changed render again.
 */
const Row = memo(function Row({ r }: { r: NodeReport }) {
  return (
    <tr onClick={() => useEditor.getState().select([r.id])}>
      <td className="name">
        {echo(r.name, 60)}
        <small>{r.kind}</small>
      </td>
      <td className="shape">{shapeText(Object.values(r.outputs)[0], r.kind)}</td>
      <td className="num" title={r.params.toLocaleString('en-US')}>
        {r.params ? short(r.params) : ''}
      </td>
      <td className="num" title={r.flops.toLocaleString('en-US')} data-testid="layer-flops">
        {r.flops ? short(r.flops) : ''}
      </td>
      <td className="num">{bytesText(memoryOf(r.params, r.outputs))}</td>
    </tr>
  );
});

// Memoised: it reads the stores itself, so the window's re-renders need not reach it.
export const Summary = memo(function Summary() {
  const lowered = useLowered();
  const t = lowered.totals;
  return (
    <div className="summary" data-testid="summary">
      <dl className="totals">
        <div>
          <dt>Parameters</dt>
          <dd data-testid="total-params">{t.params.toLocaleString('en-US')}</dd>
        </div>
        <div>
          <dt>Trainable</dt>
          <dd>{t.trainableParams.toLocaleString('en-US')}</dd>
        </div>
        <div>
          <dt>FLOPs</dt>
          <dd>{t.flops.toLocaleString('en-US')}</dd>
        </div>
        <div>
          <dt>Size (float32)</dt>
          <dd>{((t.params * 4) / 2 ** 20).toFixed(2)} MB</dd>
        </div>
      </dl>
      <table>
        <thead>
          <tr>
            <th>Layer</th>
            <th>Output</th>
            <th className="num">Params</th>
            <th className="num">FLOPs</th>
            <th className="num">Memory</th>
          </tr>
        </thead>
        <tbody>
          {lowered.order.map((id) => {
            const r = lowered.nodes.get(id);
            return r ? <Row key={id} r={r} /> : null;
          })}
        </tbody>
      </table>
    </div>
  );
});
