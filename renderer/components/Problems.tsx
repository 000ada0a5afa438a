// Every diagnostic of the graph (the first few hundred: a list of thousands helps nobody and costs
// a render per edit); a click selects the node and brings it into view.
import { memo } from 'react';
import { useReactFlow } from '@xyflow/react';
import { useEditor } from '../store/document-store.ts';
import { useLowered } from '../store/lowering-store.ts';
import { echo } from '../../src/util/text.ts';
import { portLabel, problemSentence } from '../lib/problem-text.ts';

const shown = 200;

// Memoised: it reads the stores itself, so the window's re-renders need not reach it.
export const Problems = memo(function Problems() {
  const lowered = useLowered();
  const flow = useReactFlow();
  const list = lowered.diagnostics;
  if (list.length === 0)
    return (
      <div className="problems ok" data-testid="problems">
        {lowered.pending > 0 ? 'Inferring shapes…' : 'No problems.'}
      </div>
    );
  return (
    <ul className="problems" data-testid="problems">
      {list.slice(0, shown).map((d, i) => (
        <li
          key={i}
          className={d.severity}
          onClick={() => {
            if (!d.node) return;
            const st = useEditor.getState();
            st.select([d.node]);
            const n = st.doc.nodes.find((x) => x.id === d.node);
            if (n) void flow.setCenter(n.position.x + 100, n.position.y + 40, { zoom: 1, duration: 300 });
          }}
        >
          <b>{d.node ? echo(lowered.nodes.get(d.node)?.name ?? d.node, 60) : 'graph'}</b>
          {d.field
            ? ''
            : d.port
              ? ` · ${portLabel(d.node ? lowered.nodes.get(d.node) : undefined, d.port)}`
              : ''}
          : {problemSentence(d)}
        </li>
      ))}
      {list.length > shown && (
        <li className="more">and {(list.length - shown).toLocaleString('en-US')} more</li>
      )}
    </ul>
  );
});
