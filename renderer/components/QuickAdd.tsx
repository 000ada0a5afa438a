// Quick-add: a search box at the pointer; Enter adds the first match, arrows move, Esc closes.
import { useEffect, useRef, useState } from 'react';
import { searchLayers } from '../lib/search.ts';

export function QuickAdd(props: {
  at: { x: number; y: number };
  /** Only these kinds are offered (a dropped wire: the layers its output fits). */
  only?: ReadonlySet<string> | undefined;
  onPick: (kind: string) => void;
  onClose: () => void;
}) {
  const [q, setQ] = useState('');
  const [i, setI] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const only = props.only;
  const hits = searchLayers(q)
    .filter((h) => !only || only.has(h.kind))
    .slice(0, 8);
  return (
    <div className="quick-add" style={{ left: props.at.x, top: props.at.y }} data-testid="quick-add">
      <input
        ref={input}
        value={q}
        placeholder={only ? 'Add a layer that fits this wire…' : 'Add layer…'}
        onChange={(e) => {
          setQ(e.target.value);
          setI(0);
        }}
        onBlur={() => setTimeout(props.onClose, 150)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') props.onClose();
          if (e.key === 'ArrowDown') setI((v) => Math.min(v + 1, hits.length - 1));
          if (e.key === 'ArrowUp') setI((v) => Math.max(v - 1, 0));
          if (e.key === 'Enter' && hits[i]) props.onPick(hits[i].kind);
        }}
      />
      {hits.length === 0 && <p className="hint">No layer matches{only ? ' that fits this wire' : ''}.</p>}
      <ul>
        {hits.map((h, k) => (
          <li
            key={h.kind}
            className={k === i ? 'active' : ''}
            onMouseDown={() => props.onPick(h.kind)}
            title={h.description}
          >
            <b>{h.title}</b> <span>{h.kind}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
