// Every diagnostic of the graph (the first few hundred: a list of thousands helps nobody and costs
// a render per edit); a click selects the node and brings it into view.
import { memo } from 'react';
import { useReactFlow } from '@xyflow/react';
import { useShallow } from 'zustand/react/shallow';
import { useEditor } from '../store/document-store.ts';
import { useLowering } from '../store/lowering-store.ts';
import { echo } from '../../src/util/text.ts';
import { portLabel, problemSentence } from '../lib/problem-text.ts';

const shown = 200;

// Memoised, and it reads only what it shows from the stores (the problems, the reports of their
// layers): an edit that changes neither does not render it.
export const Problems = memo(function Problems() {
  const list = useLowering((s) => s.facts.diagnostics);
  const pending = useLowering((s) => s.facts.pending > 0);
  const reports = useLowering(
    useShallow((s) =>
      s.facts.diagnostics.slice(0, shown).map((d) => (d.node ? s.facts.nodes.get(d.node) : undefined)),
    ),
  );
  const flow = useReactFlow();
  if (list.length === 0)
    return (
      <div className="problems ok" data-testid="problems">
        {pending ? 'Inferring shapes…' : 'No problems.'}
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
          <b>{d.node ? echo(reports[i]?.name ?? d.node, 60) : 'graph'}</b>
          {d.field ? '' : d.port ? ` · ${portLabel(reports[i], d.port)}` : ''}: {problemSentence(d)}
        </li>
      ))}
      {list.length > shown && (
        <li className="more">and {(list.length - shown).toLocaleString('en-US')} more</li>
      )}
    </ul>
  );
});
