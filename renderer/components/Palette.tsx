// Every layer of the catalogue by family, with a search box; drag an item onto the canvas.
import { useState, memo } from 'react';
import { familyTitles } from '../../src/layers/registry.ts';
import type { LayerFamily } from '../../src/layers/layer-def.ts';
import { familyColors } from '../lib/families.ts';
import { searchLayers } from '../lib/search.ts';
import { dragKindType } from './Canvas.tsx';

// Memoised: it reads the stores itself, so the window's re-renders need not reach it.
export const Palette = memo(function Palette() {
  const [q, setQ] = useState('');
  const hits = searchLayers(q);
  const families = [...new Set(hits.map((h) => h.family))] as LayerFamily[];
  return (
    <aside className="palette" data-testid="palette">
      <input
        className="search"
        placeholder="Search layers (e.g. conv)"
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <div className="palette-list">
        {families.map((f) => (
          <section key={f}>
            <h4 style={{ color: familyColors[f] }}>{familyTitles[f]}</h4>
            {hits
              .filter((h) => h.family === f)
              .map((h) => (
                <div
                  key={h.kind}
                  className="palette-item"
                  draggable
                  data-kind={h.kind}
                  title={h.description}
                  style={{ borderLeftColor: familyColors[f] }}
                  onDragStart={(e) => {
                    e.dataTransfer.setData(dragKindType, h.kind);
                    e.dataTransfer.effectAllowed = 'copy';
                  }}
                >
                  {h.title}
                  {h.title !== h.kind && <span className="kind">{h.kind}</span>}
                </div>
              ))}
          </section>
        ))}
      </div>
    </aside>
  );
});
