// Totals and a per-layer table, like torchinfo's summary.
import { memo } from 'react';
import { useEditor } from '../store/document-store.ts';
import { useLowered } from '../store/lowering-store.ts';
import { shapeText } from '../lib/flow-model.ts';
import { echo } from '../../src/util/text.ts';

// Memoised: it reads the stores itself, so the window's re-renders need not reach it.
export const Summary = memo(function Summary() {
  const doc = useEditor((s) => s.doc);
  const lowered = useLowered();
  const t = lowered.totals;
  const kinds = new Map(doc.nodes.map((n) => [n.id, n.kind]));
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
            <th>Kind</th>
            <th>Output</th>
            <th>Params</th>
          </tr>
        </thead>
        <tbody>
          {lowered.order.map((id) => {
            const r = lowered.nodes.get(id);
            if (!r) return null;
            return (
              <tr key={id} onClick={() => useEditor.getState().select([id])}>
                <td>{echo(r.name, 60)}</td>
                <td>{r.kind}</td>
                <td>{shapeText(Object.values(r.outputs)[0], kinds.get(id) ?? '')}</td>
                <td className="num">{r.params ? r.params.toLocaleString('en-US') : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
});
