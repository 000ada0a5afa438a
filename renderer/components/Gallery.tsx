// The templates with a thumbnail drawn from each graph and a line of description.
import { loadTemplate, templates } from '../../src/templates/catalogue.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import { Modal } from './Modal.tsx';

function Thumb({ doc }: { doc: NetloomDocument }) {
  const xs = doc.nodes.map((n) => n.position.x);
  const ys = doc.nodes.map((n) => n.position.y);
  const [x0, y0] = [Math.min(...xs), Math.min(...ys)];
  const w = Math.max(...xs) - x0 + 200;
  const h = Math.max(...ys) - y0 + 80;
  const pos = new Map(doc.nodes.map((n) => [n.id, n.position]));
  return (
    <svg
      viewBox={`${x0 - 20} ${y0 - 20} ${w + 40} ${h + 40}`}
      className="thumb"
      preserveAspectRatio="xMidYMid meet"
    >
      {doc.edges.map((e) => {
        const a = pos.get(e.source.node);
        const b = pos.get(e.target.node);
        return a && b ? <line key={e.id} x1={a.x + 100} y1={a.y + 60} x2={b.x + 100} y2={b.y} /> : null;
      })}
      {doc.nodes.map((n) => (
        <rect key={n.id} x={n.position.x} y={n.position.y} width={200} height={60} rx={12} />
      ))}
    </svg>
  );
}

export function Gallery(props: {
  onOpen: (doc: NetloomDocument, name: string) => void;
  onClose: () => void;
}) {
  return (
    <Modal title="Templates" className="gallery" testId="gallery" onClose={props.onClose}>
      <div className="cards">
        {templates.map((t) => {
          const doc = loadTemplate(t.name)!;
          return (
            <button
              key={t.name}
              className="card"
              data-template={t.name}
              onClick={() => props.onOpen(doc, t.name)}
            >
              <Thumb doc={doc} />
              <b>{t.title}</b>
              <span>{t.description}</span>
            </button>
          );
        })}
      </div>
    </Modal>
  );
}
