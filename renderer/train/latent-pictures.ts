// Drawing a VAE's latent grid (decoded images edge to edge) and held-out latents as a scatter
// coloured by class, with a legend: the pictures of src/runtime/latent-space.ts.
import type { LatentGrid, LatentScatter } from './useTrainingRun.ts';

/** Ten distinguishable colours (Tableau 10), then around again. */
const palette = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

export function classColour(c: number): string {
  return palette[c % palette.length]!;
}

/** The grid's images side by side without gaps, as the decoded manifold reads best. */
export function drawLatentGrid(canvas: HTMLCanvasElement, p: LatentGrid): void {
  const ctx = canvas.getContext('2d')!;
  const side = p.side;
  const all = p.steps * side;
  const scratch = document.createElement('canvas');
  scratch.width = all;
  scratch.height = all;
  const sctx = scratch.getContext('2d')!;
  const img = sctx.createImageData(all, all);
  for (let i = 0; i < p.steps * p.steps; i++) {
    const x0 = (i % p.steps) * side;
    const y0 = Math.floor(i / p.steps) * side;
    for (let y = 0; y < side; y++)
      for (let x = 0; x < side; x++) {
        const v = p.images[i * side * side + y * side + x]!;
        img.data.set([v, v, v, 255], ((y0 + y) * all + x0 + x) * 4);
      }
  }
  sctx.putImageData(img, 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(scratch, 0, 0, canvas.width, canvas.height);
}

/** Points coloured by class over the space they span, a legend of the classes along the bottom. */
export function drawLatentScatter(canvas: HTMLCanvasElement, p: LatentScatter): void {
  const ctx = canvas.getContext('2d')!;
  const W = canvas.width;
  const legend = 22;
  const H = canvas.height - legend;
  ctx.clearRect(0, 0, W, canvas.height);
  const n = p.labels.length;
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    x0 = Math.min(x0, p.points[2 * i]!);
    x1 = Math.max(x1, p.points[2 * i]!);
    y0 = Math.min(y0, p.points[2 * i + 1]!);
    y1 = Math.max(y1, p.points[2 * i + 1]!);
  }
  const pad = 8;
  const tx = (v: number) => pad + ((v - x0) / (x1 - x0 || 1)) * (W - 2 * pad);
  const ty = (v: number) => H - pad - ((v - y0) / (y1 - y0 || 1)) * (H - 2 * pad);
  ctx.strokeStyle = '#334155';
  ctx.strokeRect(0.5, 0.5, W - 1, H - 1);
  for (let i = 0; i < n; i++) {
    ctx.fillStyle = classColour(p.labels[i]!);
    ctx.beginPath();
    ctx.arc(tx(p.points[2 * i]!), ty(p.points[2 * i + 1]!), 2.2, 0, Math.PI * 2);
    ctx.fill();
  }
  const per = W / Math.min(p.classes, 10);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  for (let c = 0; c < Math.min(p.classes, 10); c++) {
    const x = c * per + 4;
    ctx.fillStyle = classColour(c);
    ctx.fillRect(x, H + 7, 9, 9);
    ctx.fillStyle = '#e2e8f0';
    ctx.fillText((p.classNames?.[c] ?? String(c)).slice(0, 5), x + 12, H + 12);
  }
}
