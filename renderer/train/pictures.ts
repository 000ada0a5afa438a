// Drawing the worker's pictures on a canvas: a TensorFlow-Playground-style decision boundary, the
// fitted curve over the data, held-out images (digits, shapes, a user's photos) with their
// predictions, a confusion matrix, predicted masks beside true ones, the first convolution's filters.
import type { TrainingPicture as Picture } from '../../src/runtime/worker-protocol.ts';

type Boundary = Extract<Picture, { kind: 'boundary' | 'curve' }>;
type Digits = Extract<Picture, { kind: 'digits' }>;
type Samples = Extract<Picture, { kind: 'samples' }>;
type Masks = Extract<Picture, { kind: 'masks' }>;
type Filters = Extract<Picture, { kind: 'filters' }>;

export function drawPicture(canvas: HTMLCanvasElement, p: Picture): void {
  if (p.kind === 'digits') drawDigits(canvas, p);
  else if (p.kind === 'samples') drawSamples(canvas, p);
  else if (p.kind === 'masks') drawMasks(canvas, p);
  else if (p.kind === 'filters') drawFilters(canvas, p);
  else if (p.kind === 'boundary') drawBoundary(canvas, p);
  else if (p.kind === 'curve') drawCurve(canvas, p);
  // The latent grid and scatter have canvases of their own (LatentPictures.tsx).
}

function drawBoundary(canvas: HTMLCanvasElement, p: Boundary): void {
  const ctx = canvas.getContext('2d')!;
  const W = canvas.width;
  const H = canvas.height;
  const toX = (v: number) => ((v + p.extent) / (2 * p.extent)) * W;
  const toY = (v: number) => H - ((v + p.extent) / (2 * p.extent)) * H;
  ctx.clearRect(0, 0, W, H);
  // The grid as an image, scaled up smoothly: no seams between cells.
  const img = ctx.createImageData(p.grid, p.grid);
  for (let k = 0; k < p.grid * p.grid; k++) {
    const v = p.values[k]!;
    // Orange for class 0, blue for class 1, as TensorFlow Playground, faded towards the panel.
    const mix = (a: number, b: number) => Math.round(0.45 * 24 + 0.55 * (a * (1 - v) + b * v));
    img.data.set([mix(245, 59), mix(158, 130), mix(11, 246), 255], k * 4);
  }
  const scratch = document.createElement('canvas');
  scratch.width = p.grid;
  scratch.height = p.grid;
  scratch.getContext('2d')!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(scratch, 0, 0, W, H);
  for (let i = 0; i < p.labels.length; i++) {
    ctx.beginPath();
    ctx.arc(toX(p.points[i * 2]!), toY(p.points[i * 2 + 1]!), 2.5, 0, Math.PI * 2);
    ctx.fillStyle = p.labels[i]! >= 1 ? '#1d4ed8' : '#c2410c';
    ctx.fill();
    ctx.strokeStyle = 'white';
    ctx.lineWidth = 0.6;
    ctx.stroke();
  }
}

function drawCurve(canvas: HTMLCanvasElement, p: Boundary): void {
  const ctx = canvas.getContext('2d')!;
  const W = canvas.width;
  const H = canvas.height;
  const toX = (v: number) => ((v + p.extent) / (2 * p.extent)) * W;
  ctx.clearRect(0, 0, W, H);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of [...p.labels, ...p.values]) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const ty = (v: number) => H - ((v - lo) / (hi - lo || 1)) * H * 0.9 - H * 0.05;
  ctx.fillStyle = '#94a3b8';
  for (let i = 0; i < p.labels.length; i++)
    ctx.fillRect(toX(p.points[i]!) - 1.5, ty(p.labels[i]!) - 1.5, 3, 3);
  ctx.strokeStyle = '#f59e0b';
  ctx.lineWidth = 2;
  ctx.beginPath();
  p.values.forEach((v, i) => {
    const x = (i / (p.grid - 1)) * W;
    if (i === 0) ctx.moveTo(x, ty(v));
    else ctx.lineTo(x, ty(v));
  });
  ctx.stroke();
}

/** Bytes of one image (grey, or RGB interleaved) on a small canvas, to draw scaled. */
function imageCanvas(
  pixels: Uint8Array,
  h: number,
  w: number,
  channels: number,
  offset: number,
): HTMLCanvasElement {
  const scratch = document.createElement('canvas');
  scratch.width = w;
  scratch.height = h;
  const sctx = scratch.getContext('2d')!;
  const img = sctx.createImageData(w, h);
  for (let j = 0; j < h * w; j++) {
    const o = offset + j * channels;
    const [r, g, b] =
      channels === 3 ? [pixels[o]!, pixels[o + 1]!, pixels[o + 2]!] : [pixels[o]!, pixels[o]!, pixels[o]!];
    img.data.set([r, g, b, 255], j * 4);
  }
  sctx.putImageData(img, 0, 0);
  return scratch;
}

/** Images in a grid, `cols` to a row. */
function drawImages(
  canvas: HTMLCanvasElement,
  images: Uint8Array,
  count: number,
  side: number,
  caption?: (i: number, x: number, y: number, cell: number, ctx: CanvasRenderingContext2D) => void,
  width = side,
  channels = 1,
  cols = 8,
): void {
  const ctx = canvas.getContext('2d')!;
  const W = canvas.width;
  ctx.clearRect(0, 0, W, canvas.height);
  const cell = W / cols;
  const size = side * width * channels;
  ctx.imageSmoothingEnabled = false;
  for (let i = 0; i < count; i++) {
    const x = (i % cols) * cell;
    const y = Math.floor(i / cols) * cell;
    ctx.drawImage(imageCanvas(images, side, width, channels, i * size), x + 2, y + 2, cell - 4, cell - 4);
    caption?.(i, x, y, cell, ctx);
  }
}

/** A colour per class for masks: background black, the others around the hue circle. */
function classColour(c: number, classes: number): [number, number, number] {
  if (c === 0) return [0, 0, 0];
  const h = ((c - 1) / Math.max(1, classes - 1)) * 6;
  const f = (n: number) => {
    const k = (n + h) % 6;
    return Math.round(255 * (1 - Math.max(0, Math.min(1, Math.min(k, 4 - k)))));
  };
  return [f(5), f(3), f(1)];
}

/** Rows of image · true mask · predicted mask, two rows of triples side by side. */
function drawMasks(canvas: HTMLCanvasElement, p: Masks): void {
  const px = p.side * p.width;
  const colour = (m: Uint8Array) => {
    const out = new Uint8Array(m.length * 3);
    m.forEach((c, j) => out.set(classColour(c, p.classes), j * 3));
    return out;
  };
  const truth = colour(p.truth);
  const predicted = colour(p.predicted);
  const tiles = new Uint8Array(p.count * 3 * px * 3);
  for (let i = 0; i < p.count; i++) {
    for (let j = 0; j < px; j++) {
      const o = i * p.channels * px + j * p.channels;
      const rgb =
        p.channels === 3
          ? [p.images[o]!, p.images[o + 1]!, p.images[o + 2]!]
          : [p.images[o]!, p.images[o]!, p.images[o]!];
      tiles.set(rgb, (3 * i * px + j) * 3);
    }
    tiles.set(truth.subarray(i * px * 3, (i + 1) * px * 3), (3 * i + 1) * px * 3);
    tiles.set(predicted.subarray(i * px * 3, (i + 1) * px * 3), (3 * i + 2) * px * 3);
  }
  drawImages(canvas, tiles, 3 * p.count, p.side, undefined, p.width, 3, 6);
}

/** The first convolution's filters, magnified, 8 to a row. */
export function drawFilters(canvas: HTMLCanvasElement, p: Filters): void {
  drawImages(canvas, p.images, p.count, p.kernel[0], undefined, p.kernel[1], p.channels);
}

/** Generated images; a conditional generator's each with the class it was asked for in its corner. */
function drawSamples(canvas: HTMLCanvasElement, p: Samples): void {
  const labels = p.labels;
  drawImages(
    canvas,
    p.images,
    p.count,
    p.side,
    labels
      ? (i, x, y, cell, ctx) => {
          ctx.fillStyle = '#38bdf8';
          ctx.font = `bold ${Math.round(cell / 3.2)}px system-ui, sans-serif`;
          ctx.fillText(String(labels[i]), x + 4, y + cell / 3);
        }
      : undefined,
  );
}

/** A class's short name for a caption: its name's first letters, or its number. */
function shortName(p: Digits, c: number): string {
  const name = p.classNames?.[c];
  return name === undefined ? String(c) : name.slice(0, 4);
}

/** The top 5 rows: test digits, each with its prediction (green right, red wrong); below: nothing. */
function drawDigits(canvas: HTMLCanvasElement, p: Digits): void {
  const named = p.classNames !== undefined;
  drawImages(
    canvas,
    p.images,
    p.labels.length,
    p.side,
    (i, x, y, cell, ctx) => {
      const pred = p.predictions[i]!;
      ctx.fillStyle = pred === p.labels[i] ? '#22c55e' : '#ef4444';
      ctx.font = `bold ${Math.round(cell / (named ? 4.5 : 3.2))}px system-ui, sans-serif`;
      ctx.fillText(shortName(p, pred), x + 4, y + cell / 3);
    },
    p.width ?? p.side,
    p.channels ?? 1,
  );
}

/** classes×classes counts as a heat map, true class by row, with the counts written in. */
export function drawConfusion(canvas: HTMLCanvasElement, p: Digits): void {
  const ctx = canvas.getContext('2d')!;
  const W = canvas.width;
  const k = p.classes;
  const pad = 18;
  const cell = (W - pad) / k;
  ctx.clearRect(0, 0, W, canvas.height);
  let max = 1;
  for (let t = 0; t < k; t++)
    for (let c = 0; c < k; c++) if (t !== c) max = Math.max(max, p.confusion[t * k + c]!);
  ctx.font = `${Math.round(cell / 2.6)}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (let t = 0; t < k; t++) {
    ctx.fillStyle = '#94a3b8';
    ctx.fillText(shortName(p, t).slice(0, 2), pad / 2, pad + t * cell + cell / 2);
    ctx.fillText(shortName(p, t).slice(0, 2), pad + t * cell + cell / 2, pad / 2);
    for (let c = 0; c < k; c++) {
      const n = p.confusion[t * k + c]!;
      // The diagonal in green; mistakes in red, scaled to the worst confusion so they stand out.
      const a = t === c ? (n > 0 ? 0.55 : 0) : Math.min(1, n / max) * 0.8;
      ctx.fillStyle = t === c ? `rgba(34,197,94,${a})` : `rgba(239,68,68,${a})`;
      ctx.fillRect(pad + c * cell, pad + t * cell, cell - 1, cell - 1);
      if (n > 0) {
        ctx.fillStyle = '#e2e8f0';
        ctx.fillText(String(n), pad + c * cell + cell / 2, pad + t * cell + cell / 2);
      }
    }
  }
}

/** The first images of a folder the user chose, 8 to a row, with their class names. */
export function drawPreview(
  canvas: HTMLCanvasElement,
  pixels: Uint8Array,
  count: number,
  side: number,
  width: number,
  channels: number,
  names: readonly string[],
): void {
  drawImages(
    canvas,
    pixels,
    count,
    side,
    (i, x, y, cell, ctx) => {
      ctx.fillStyle = '#e2e8f0';
      ctx.font = `bold ${Math.round(cell / 4.5)}px system-ui, sans-serif`;
      ctx.fillText((names[i] ?? '').slice(0, 6), x + 4, y + cell / 3);
    },
    width,
    channels,
  );
}
