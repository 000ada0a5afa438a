// The diagram as SVG (nodes, wires, shapes) and PNG (the SVG rasterised), for documents and slides.
import type { Node } from '@xyflow/react';
import type { NetloomDocument } from '../../src/document/schema.ts';
import type { LoweringFacts } from '../../src/compile/lower.ts';
import { FlowModel } from './flow-model.ts';
import type { WireData } from './flow-model.ts';
import { nodeSize } from './layout.ts';
import { isShortcut, shortcutPath } from './wire-path.ts';
import type { LayerNodeData } from '../components/LayerNode.tsx';
import type { GroupNodeData } from '../components/GroupNodes.tsx';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

function boxOf(n: Node): Box {
  const style = n.style as { width?: number; height?: number } | undefined;
  return {
    x: n.position.x,
    y: n.position.y,
    width: style?.width ?? nodeSize.width,
    height: style?.height ?? nodeSize.height,
  };
}

/** Where a wire leaves or enters a node: the centre of its port dot, as the canvas places it. */
function portPoint(n: Node | undefined, handle: string | null | undefined, type: 'source' | 'target') {
  if (!n) return undefined;
  const h =
    n.handles?.find((x) => x.type === type && x.id === handle) ?? n.handles?.find((x) => x.type === type);
  if (!h) return undefined;
  return { x: n.position.x + h.x + (h.width ?? 0) / 2, y: n.position.y + h.y + (h.height ?? 0) / 2 };
}

/**
 * The diagram as the canvas draws it (the same nodes and wires, from FlowModel): expanded blocks as
 * titled frames behind their layers, collapsed blocks as one node, residual shortcuts routed beside
 * the column. Frame titles are drawn after the wires, so a wire's label never covers one.
 */
export function diagramSvg(doc: NetloomDocument, lowered: LoweringFacts, theme: 'dark' | 'light'): string {
  const model = new FlowModel(() => undefined);
  const graph = model.update(doc, lowered, []);
  const fg = theme === 'dark' ? '#e5e7eb' : '#111827';
  const bg = theme === 'dark' ? '#0f172a' : '#ffffff';
  const card = theme === 'dark' ? '#1e293b' : '#f8fafc';
  const muted = '#94a3b8';
  const line = theme === 'dark' ? '#475569' : '#cbd5e1';
  const bad = '#ef4444';
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  // Outer frames first (their zIndex is lower), so inner ones are drawn on top.
  const frames = graph.nodes
    .filter((n) => n.type === 'frame')
    .sort((a, b) => (a.zIndex ?? 0) - (b.zIndex ?? 0));

  const boxes = graph.nodes.map(boxOf);
  // What a straight wire would be drawn behind: layers and collapsed blocks, not frames.
  const obstacles = graph.nodes.filter((n) => n.type !== 'frame').map((n) => ({ id: n.id, ...boxOf(n) }));
  const wires: string[] = [];
  const labels: string[] = [];
  for (const e of graph.edges) {
    const a = portPoint(byId.get(e.source), e.sourceHandle, 'source');
    const b = portPoint(byId.get(e.target), e.targetHandle, 'target');
    if (!a || !b) continue;
    const data = e.data as WireData | undefined;
    const text = model.labels.get(e.id);
    const skip = isShortcut(a.x, a.y, b.x, b.y, obstacles, e);
    const mid = (a.y + b.y) / 2;
    const [d, lx, ly] = skip
      ? shortcutPath(a.x, a.y, b.x, b.y)
      : [`M ${a.x},${a.y} C ${a.x},${mid} ${b.x},${mid} ${b.x},${b.y}`, (a.x + b.x) / 2, mid];
    if (skip) boxes.push({ x: lx, y: a.y, width: 80, height: 0 });
    const colour = data?.reason ? bad : muted;
    wires.push(
      `<path class="wire${skip ? ' skip' : ''}" data-from="${esc(e.source)}" data-to="${esc(e.target)}" d="${d}" ` +
        `stroke="${colour}" fill="none" stroke-width="${data?.reason ? 2 : 1.5}"${data?.reason ? ' stroke-dasharray="5 3"' : ''}/>`,
    );
    if (text)
      labels.push(
        `<text class="wire-label" x="${lx}" y="${ly}" font-size="10" text-anchor="middle" dominant-baseline="central" ` +
          `fill="${colour}" stroke="${bg}" stroke-width="4" stroke-linejoin="round" paint-order="stroke">${esc(text)}</text>`,
      );
  }

  const x0 = Math.min(0, ...boxes.map((b) => b.x)) - 20;
  const y0 = Math.min(0, ...boxes.map((b) => b.y)) - 20;
  const w = Math.max(0, ...boxes.map((b) => b.x + b.width)) + 20 - x0;
  const h = Math.max(0, ...boxes.map((b) => b.y + b.height)) + 20 - y0;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="${x0} ${y0} ${w} ${h}" font-family="Inter, system-ui, sans-serif">`,
    `<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="${bg}"/>`,
  ];
  for (const f of frames) {
    const b = boxOf(f);
    const g = f.data as GroupNodeData;
    parts.push(
      `<rect class="frame" data-group="${esc(g.groupId)}" x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" rx="14" ` +
        `fill="#3b82f6" fill-opacity="0.04" stroke="${g.error ? bad : line}" stroke-dasharray="4 3"/>`,
    );
  }
  parts.push(...wires, ...labels);
  // Titles over the wires and their labels: a shortcut crossing a title bar passes under it.
  for (const f of frames) {
    const b = boxOf(f);
    const g = f.data as GroupNodeData;
    parts.push(
      `<text class="frame-title" data-group="${esc(g.groupId)}" x="${b.x + 12}" y="${b.y + 16}" font-size="12" font-weight="600" ` +
        `fill="${fg}" stroke="${bg}" stroke-width="4" stroke-linejoin="round" paint-order="stroke">${esc(g.name)}` +
        `<tspan fill="${muted}" font-weight="400"> ${esc(g.params)}</tspan></text>`,
    );
  }
  for (const n of graph.nodes) {
    const b = boxOf(n);
    if (n.type === 'layer') {
      const d = { ...(n.data as LayerNodeData), ...model.faces.get(n.id)! };
      const colour = d.error ? bad : d.color;
      const foot = [d.shape, d.params].filter(Boolean).join(' · ');
      parts.push(
        `<g class="layer" transform="translate(${b.x},${b.y})">`,
        `<rect width="${b.width}" height="${b.height}" rx="10" fill="${card}" stroke="${colour}" stroke-width="2"/>`,
        `<text x="12" y="24" font-size="13" font-weight="600" fill="${colour}">${esc(d.title)}</text>`,
        `<text x="12" y="46" font-size="11" fill="${fg}">${esc(d.label)}</text>`,
        `<text x="12" y="70" font-size="11" fill="${fg}">${esc(foot)}</text>`,
        `</g>`,
      );
    } else if (n.type === 'block') {
      const g = n.data as GroupNodeData;
      parts.push(
        `<g class="block" data-group="${esc(g.groupId)}" transform="translate(${b.x},${b.y})">`,
        `<rect width="${b.width}" height="${b.height}" rx="10" fill="${card}" stroke="${g.error ? bad : line}" stroke-width="2"/>`,
        `<rect x="4" y="4" width="${b.width - 8}" height="${b.height - 8}" rx="8" fill="none" stroke="${g.error ? bad : line}"/>`,
        `<text x="14" y="30" font-size="13" font-weight="600" fill="${fg}">▸ ${esc(g.name)}</text>`,
        `<text x="14" y="60" font-size="11" fill="${muted}">${g.count} layers · ${esc(g.params)}</text>`,
        `</g>`,
      );
    }
  }
  parts.push('</svg>');
  return parts.join('\n');
}

export async function svgToPng(svg: string): Promise<Uint8Array> {
  const img = new Image();
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    await new Promise((ok, fail) => {
      img.onload = ok;
      img.onerror = () => fail(new Error('the diagram could not be drawn'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    const scale = Math.min(2, 8000 / Math.max(img.width, img.height));
    canvas.width = Math.ceil(img.width * scale);
    canvas.height = Math.ceil(img.height * scale);
    const ctx = canvas.getContext('2d')!;
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0);
    const blob = await new Promise<Blob | null>((ok) => canvas.toBlob(ok, 'image/png'));
    if (!blob) throw new Error('the diagram is too large for a PNG');
    return new Uint8Array(await blob.arrayBuffer());
  } finally {
    URL.revokeObjectURL(url);
  }
}
