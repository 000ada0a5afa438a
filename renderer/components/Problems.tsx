// Every diagnostic of the graph; a click selects the node and brings it into view.
import { useReactFlow } from '@xyflow/react';
import { useEditor } from '../store/document-store.ts';
import { useLowered } from '../store/useLowered.ts';
import { echo } from '../../src/util/text.ts';

export function Problems() {
  const lowered = useLowered();
  const flow = useReactFlow();
  const list = lowered.diagnostics;
  if (list.length === 0)
    return (
      <div className="problems ok" data-testid="problems">
        No problems.
      </div>
    );
  return (
    <ul className="problems" data-testid="problems">
      {list.map((d, i) => (
        <li
          key={i}
          className={d.severity}
          onClick={() => {
            if (!d.node) return;
            useEditor.getState().select([d.node]);
            const n = flow.getNode(d.node);
            if (n) flow.setCenter(n.position.x + 100, n.position.y + 40, { zoom: 1, duration: 300 });
          }}
        >
          <b>{d.node ? echo(lowered.nodes.get(d.node)?.name ?? d.node, 60) : 'graph'}</b>
          {d.field ? ` · ${d.field}` : d.port ? ` · ${d.port}` : ''}: {d.message}
        </li>
      ))}
    </ul>
  );
}
