// The diagram as SVG (nodes, wires, shapes) and PNG (the SVG rasterised), for documents and slides.
import type { NetloomDocument } from '../../src/document/schema.ts';
import type { LoweringFacts } from '../../src/compile/lower.ts';
import { layerDef } from '../../src/layers/registry.ts';
import { familyColors, formatCount } from './families.ts';
import { shapeText } from './flow-model.ts';
import { echo } from '../../src/util/text.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function diagramSvg(doc: NetloomDocument, lowered: LoweringFacts, theme: 'dark' | 'light'): string {
  const W = 200;
  const H = 64;
  const xs = doc.nodes.map((n) => n.position.x);
  const ys = doc.nodes.map((n) => n.position.y);
  const x0 = Math.min(0, ...xs) - 20;
  const y0 = Math.min(0, ...ys) - 20;
  const w = Math.max(0, ...xs) + W + 20 - x0;
  const h = Math.max(0, ...ys) + H + 20 - y0;
  const fg = theme === 'dark' ? '#e5e7eb' : '#111827';
  const bg = theme === 'dark' ? '#0f172a' : '#ffffff';
  const card = theme === 'dark' ? '#1e293b' : '#f8fafc';
  const pos = new Map(doc.nodes.map((n) => [n.id, n.position]));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="${x0} ${y0} ${w} ${h}" font-family="Inter, system-ui, sans-serif">`,
    `<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="${bg}"/>`,
  ];
  for (const e of doc.edges) {
    const a = pos.get(e.source.node);
    const b = pos.get(e.target.node);
    if (!a || !b) continue;
    const [sx, sy, tx, ty] = [a.x + W / 2, a.y + H, b.x + W / 2, b.y];
    parts.push(
      `<path d="M${sx},${sy} C${sx},${(sy + ty) / 2} ${tx},${(sy + ty) / 2} ${tx},${ty}" stroke="#94a3b8" fill="none" stroke-width="1.5"/>`,
    );
    const t = lowered.edgeTypes.get(e.id);
    if (t)
      parts.push(
        `<text x="${(sx + tx) / 2 + 6}" y="${(sy + ty) / 2}" font-size="10" fill="#94a3b8">${esc(shapeText(t, ''))}</text>`,
      );
  }
  for (const n of doc.nodes) {
    const def = layerDef(n.kind);
    const r = lowered.nodes.get(n.id);
    const color = def ? familyColors[def.family] : '#ef4444';
    const out = r ? shapeText(Object.values(r.outputs)[0], n.kind) : '';
    parts.push(
      `<g transform="translate(${n.position.x},${n.position.y})">`,
      `<rect width="${W}" height="${H}" rx="10" fill="${card}" stroke="${color}" stroke-width="2"/>`,
      `<text x="12" y="22" font-size="13" font-weight="600" fill="${color}">${esc(def?.title ?? n.kind)}</text>`,
      `<text x="12" y="40" font-size="11" fill="${fg}">${esc(echo(n.name ?? n.id, 60))}</text>`,
      `<text x="12" y="56" font-size="11" fill="${fg}">${esc(out)}${r?.params ? ` · ${formatCount(r.params)}` : ''}</text>`,
      `</g>`,
    );
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
