// PNG files of generated images (a grid of samples), written without a dependency: PNG's chunks
// around a zlib stream — Node's own deflate where the code runs in Node (the CLI, run folders),
// stored (uncompressed) deflate blocks elsewhere (the browser has only the asynchronous
// CompressionStream, and a sample grid is tens of KB). PNG spec (W3C, 2nd ed.): signature, IHDR,
// IDAT, IEND; each row starts with its filter type (always 0, None, in stored blocks).
import { crc32 } from './zip.ts';
import { NetloomError } from './errors.ts';

export interface RasterImage {
  readonly width: number;
  readonly height: number;
  /** 1 grey, 3 RGB. */
  readonly channels: 1 | 3;
  /** Row-major, channels interleaved, `width * height * channels` bytes. */
  readonly pixels: Uint8Array;
}

const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length;) {
    // 5552 bytes is the most that keeps b below 2^32 before the modulo (zlib's NMAX).
    const end = Math.min(i + 5552, bytes.length);
    for (; i < end; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

function zlibStored(raw: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(raw.length / 65535));
  const out = new Uint8Array(2 + raw.length + blocks * 5 + 4);
  out[0] = 0x78; // deflate, 32 KiB window
  out[1] = 0x01; // no preset dictionary, fastest; (0x78 << 8 | 0x01) % 31 === 0
  let o = 2;
  for (let b = 0; b < blocks; b++) {
    const start = b * 65535;
    const len = Math.min(65535, raw.length - start);
    out[o++] = b === blocks - 1 ? 1 : 0; // BFINAL, BTYPE 00 (stored)
    out[o++] = len & 0xff;
    out[o++] = len >>> 8;
    out[o++] = ~len & 0xff;
    out[o++] = (~len >>> 8) & 0xff;
    out.set(raw.subarray(start, start + len), o);
    o += len;
  }
  new DataView(out.buffer).setUint32(o, adler32(raw));
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * The rows, each behind the PNG filter (None, Sub, Up, Average, Paeth) whose bytes sum smallest as
 * signed values — libpng's heuristic: neighbours' differences are mostly small on generated
 * images, and deflate packs small values far better than the pixels themselves.
 */
function filteredRows(pixels: Uint8Array, stride: number, height: number, bpp: number): Uint8Array {
  const raw = new Uint8Array((stride + 1) * height);
  const zero = new Uint8Array(stride);
  const trial = Array.from({ length: 5 }, () => new Uint8Array(stride));
  for (let y = 0; y < height; y++) {
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : zero;
    let best = 0;
    let bestCost = Infinity;
    for (let f = 0; f < 5; f++) {
      const out = trial[f]!;
      let cost = 0;
      for (let i = 0; i < stride; i++) {
        const a = i >= bpp ? row[i - bpp]! : 0;
        const b = up[i]!;
        const c = i >= bpp ? up[i - bpp]! : 0;
        const predicted = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth(a, b, c);
        const v = (row[i]! - predicted) & 0xff;
        out[i] = v;
        cost += v < 128 ? v : 256 - v;
      }
      if (cost < bestCost) {
        bestCost = cost;
        best = f;
      }
    }
    raw[y * (stride + 1)] = best;
    raw.set(trial[best]!, y * (stride + 1) + 1);
  }
  return raw;
}

/**
 * The IDAT stream: filtered rows through Node's zlib, reached with process.getBuiltinModule (no
 * import for a browser bundle to resolve); elsewhere unfiltered rows in stored blocks.
 */
function imageData(pixels: Uint8Array, stride: number, height: number, bpp: number): Uint8Array {
  const zlib = globalThis.process?.getBuiltinModule?.('node:zlib');
  if (zlib) return new Uint8Array(zlib.deflateSync(filteredRows(pixels, stride, height, bpp), { level: 9 }));
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++)
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  return zlibStored(raw);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** The bytes of a PNG file holding `image` (8-bit grey or RGB). */
export function encodePng(image: RasterImage): Uint8Array {
  const { width, height, channels, pixels } = image;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0))
    throw new NetloomError('bad-argument', `an image needs a whole, positive size; got ${width}×${height}`);
  const stride = width * channels;
  if (pixels.length !== stride * height)
    throw new NetloomError(
      'bad-argument',
      `a ${width}×${height} image with ${channels} channel(s) has ${stride * height} bytes; got ${pixels.length}`,
    );
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = channels === 1 ? 0 : 2; // colour type: greyscale / truecolour
  const parts = [
    Uint8Array.from(signature),
    chunk('IHDR', header),
    chunk('IDAT', imageData(pixels, stride, height, channels)),
    chunk('IEND', new Uint8Array()),
  ];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export interface GridOptions {
  /** Images per row (default: the square root of the count, rounded up). */
  readonly columns?: number;
  /** Pixels between images and around the grid (default 2, as torchvision's make_grid). */
  readonly padding?: number;
  /** The values that map to black and white (default [0, 1]); values outside are clipped. */
  readonly range?: readonly [number, number];
}

/**
 * Images `[N, C, H, W]` (C 1 or 3, float values) tiled into one picture, as torchvision's
 * `make_grid` lays them out: row by row, `padding` black pixels between and around.
 */
export function imageGrid(
  values: ArrayLike<number>,
  shape: readonly [number, number, number, number],
  o: GridOptions = {},
): RasterImage {
  const [n, c, h, w] = shape;
  if (c !== 1 && c !== 3)
    throw new NetloomError('bad-argument', `a picture has 1 or 3 channels; these images have ${c}`);
  if (values.length !== n * c * h * w)
    throw new NetloomError(
      'bad-argument',
      `[${shape.join(', ')}] holds ${n * c * h * w} values; got ${values.length}`,
    );
  const columns = Math.max(1, Math.min(n, o.columns ?? Math.ceil(Math.sqrt(n))));
  const rows = Math.max(1, Math.ceil(n / columns));
  const pad = o.padding ?? 2;
  const [lo, hi] = o.range ?? [0, 1];
  const width = columns * (w + pad) + pad;
  const height = rows * (h + pad) + pad;
  const pixels = new Uint8Array(width * height * c);
  const scale = 255 / (hi - lo);
  for (let i = 0; i < n; i++) {
    const x0 = pad + (i % columns) * (w + pad);
    const y0 = pad + Math.floor(i / columns) * (h + pad);
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const v = values[((i * c + ch) * h + y) * w + x]!;
          const byte = Math.round((v - lo) * scale);
          pixels[((y0 + y) * width + x0 + x) * c + ch] =
            byte < 0 || Number.isNaN(byte) ? 0 : byte > 255 ? 255 : byte;
        }
  }
  return { width, height, channels: c, pixels };
}
