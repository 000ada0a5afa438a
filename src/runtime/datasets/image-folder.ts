// A folder of the user's images as a dataset, in the layout of Keras'
// image_dataset_from_directory and torchvision's ImageFolder: one sub-folder per class, the
// classes in alphabetical order. Each PNG or JPEG is resized to the Input's [C, H, W]. Files that
// cannot be used — not a PNG or JPEG, unreadable, grey where the Input takes colour — are counted
// and named, never fatal. How the bytes are read and decoded is the host's business (Node: pngjs
// and jpeg-js; a browser: createImageBitmap), so nothing here touches a file system.
import { NetloomError } from '../../util/errors.ts';
import type { Dataset, PixelStats } from './dataset.ts';
import { imageStats, standardize } from './images.ts';

/** A decoded image: `width × height` pixels, RGBA bytes in rows (as canvas ImageData holds them). */
export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array | Uint8ClampedArray;
}

export type ImageDecoder = (bytes: Uint8Array, path: string) => Promise<DecodedImage> | DecodedImage;

export interface ImageFile {
  /** The class sub-folder's name. */
  readonly className: string;
  /** Shown in messages: the path under the chosen folder, e.g. "cats/001.png". */
  readonly path: string;
  readonly read: () => Promise<Uint8Array> | Uint8Array;
}

export interface BadImage {
  readonly path: string;
  readonly reason: string;
}

export interface ImageFolder {
  readonly dataset: Dataset;
  /** Images per class, in class order. */
  readonly counts: readonly number[];
  readonly bad: readonly BadImage[];
}

const imageExtension = /\.(png|jpe?g)$/i;

/** Whether a file in a class folder is looked at at all (hidden files such as .DS_Store are not). */
export function isCandidateFile(name: string): boolean {
  return !name.startsWith('.') && !/^(thumbs\.db|desktop\.ini)$/i.test(name);
}

export function isImageFileName(name: string): boolean {
  return imageExtension.test(name);
}

/**
 * Per output index, the source pixels and weights: the mean over the covered area when shrinking
 * (no aliasing), bilinear with half-pixel centres (as torchvision's Resize) when enlarging.
 */
function resampleTaps(inSize: number, outSize: number): { index: number[]; weight: number[] }[] {
  const scale = inSize / outSize;
  return Array.from({ length: outSize }, (_, o) => {
    const index: number[] = [];
    const weight: number[] = [];
    if (scale >= 1) {
      const lo = o * scale;
      const hi = lo + scale;
      for (let i = Math.floor(lo); i < Math.min(inSize, Math.ceil(hi)); i++) {
        const w = Math.min(hi, i + 1) - Math.max(lo, i);
        if (w > 0) {
          index.push(i);
          weight.push(w / scale);
        }
      }
    } else {
      const src = Math.min(inSize - 1, Math.max(0, (o + 0.5) * scale - 0.5));
      const i = Math.floor(src);
      const f = src - i;
      index.push(i);
      weight.push(1 - f);
      if (f > 0 && i + 1 < inSize) {
        index.push(i + 1);
        weight.push(f);
      }
    }
    return { index, weight };
  });
}

/** Whether every pixel has R = G = B: a greyscale picture, whatever its file's colour type. */
export function isGrey(img: DecodedImage): boolean {
  const d = img.rgba;
  for (let i = 0; i < d.length; i += 4) if (d[i] !== d[i + 1] || d[i] !== d[i + 2]) return false;
  return true;
}

/**
 * Resizes to `side` (channels first, values in [0, 1]) into `out` at `offset`: 3 channels take
 * R, G, B; 1 channel takes the luma (ITU-R 601) of a colour image. Alpha is ignored.
 */
export function resizeInto(
  img: DecodedImage,
  [c, h, w]: readonly [number, number, number],
  out: Float32Array,
  offset: number,
): void {
  const rows = resampleTaps(img.height, h);
  const cols = resampleTaps(img.width, w);
  const src = img.rgba;
  for (let y = 0; y < h; y++) {
    const ry = rows[y]!;
    for (let x = 0; x < w; x++) {
      const rx = cols[x]!;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let a = 0; a < ry.index.length; a++) {
        for (let k = 0; k < rx.index.length; k++) {
          const wt = ry.weight[a]! * rx.weight[k]!;
          const p = (ry.index[a]! * img.width + rx.index[k]!) * 4;
          r += wt * src[p]!;
          g += wt * src[p + 1]!;
          b += wt * src[p + 2]!;
        }
      }
      const i = y * w + x;
      if (c === 1) out[offset + i] = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
      else {
        out[offset + i] = r / 255;
        out[offset + h * w + i] = g / 255;
        out[offset + 2 * h * w + i] = b / 255;
      }
    }
  }
}

export interface ImageFolderOptions {
  /** The Input's shape without the batch: [1 or 3, H, W]. */
  readonly shape: readonly number[];
  readonly name: string;
  /** Standardise each channel with the set's own mean and std. */
  readonly normalize?: boolean;
  /** Called after each file, for a progress bar. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Decodes and resizes every file; the classes are the folder names in alphabetical order.
 * Throws only when nothing usable is left (fewer than two classes with images).
 */
export async function imageFolderDataset(
  files: readonly ImageFile[],
  decode: ImageDecoder,
  o: ImageFolderOptions,
): Promise<ImageFolder> {
  const s = o.shape;
  if (s.length !== 3 || (s[0] !== 1 && s[0] !== 3)) {
    throw new NetloomError(
      'bad-argument',
      `An image folder feeds an Input of shape [1 or 3, H, W]; this model's Input takes [${s.join(', ')}] — set the Input's shape to e.g. [3, 32, 32]`,
    );
  }
  const shape = s as unknown as [number, number, number];
  const [c, h, w] = shape;
  const per = c * h * w;
  const classNames = [...new Set(files.map((f) => f.className))].sort();
  const classIndex = new Map(classNames.map((n, i) => [n, i]));
  const bad: BadImage[] = [];
  const x = new Float32Array(files.length * per);
  const labels: number[] = [];
  let done = 0;
  for (const f of files) {
    o.onProgress?.(done++, files.length);
    if (!isImageFileName(f.path)) {
      bad.push({ path: f.path, reason: 'not a PNG or JPEG file' });
      continue;
    }
    let img: DecodedImage;
    try {
      img = await decode(await f.read(), f.path);
    } catch (e) {
      bad.push({ path: f.path, reason: `unreadable (${e instanceof Error ? e.message : String(e)})` });
      continue;
    }
    if (img.width < 1 || img.height < 1 || img.rgba.length < img.width * img.height * 4) {
      bad.push({ path: f.path, reason: 'unreadable (no pixels)' });
      continue;
    }
    if (c === 3 && isGrey(img)) {
      bad.push({ path: f.path, reason: 'greyscale, but the Input takes 3 colour channels' });
      continue;
    }
    resizeInto(img, shape, x, labels.length * per);
    labels.push(classIndex.get(f.className)!);
  }
  o.onProgress?.(files.length, files.length);
  const counts = classNames.map((_, k) => labels.filter((l) => l === k).length);
  const used = classNames.filter((_, k) => counts[k]! > 0);
  if (used.length < 2) {
    const why = bad.length
      ? ` (${bad.length} file${bad.length === 1 ? '' : 's'} could not be used: ${bad[0]!.path}: ${bad[0]!.reason}${bad.length > 1 ? ', …' : ''})`
      : '';
    throw new NetloomError(
      'invalid-file',
      `${o.name}: an image folder needs at least two class sub-folders with PNG or JPEG images; found ${used.length === 1 ? `only "${used[0]}"` : 'none'}${why}`,
      { path: o.name },
    );
  }
  const pixels = x.subarray(0, labels.length * per);
  let pixelStats: PixelStats | undefined;
  if (o.normalize) {
    pixelStats = imageStats(pixels, c, h * w);
    standardize(pixels, c, h * w, pixelStats);
  }
  return {
    dataset: {
      name: o.name,
      task: 'classification',
      featureShape: [c, h, w],
      targetShape: [],
      size: labels.length,
      x: pixels.slice(),
      y: Float32Array.from(labels),
      classes: classNames.length,
      classNames,
      ...(pixelStats ? { pixelStats } : {}),
    },
    counts,
    bad,
  };
}

/** "12 files could not be used: a/x.txt (not a PNG or JPEG file), b/y.png (unreadable …), and 9 more" */
export function describeBadImages(bad: readonly BadImage[], show = 3): string {
  if (bad.length === 0) return '';
  const listed = bad
    .slice(0, show)
    .map((b) => `${b.path} (${b.reason})`)
    .join(', ');
  const more = bad.length > show ? `, and ${bad.length - show} more` : '';
  return `${bad.length} file${bad.length === 1 ? '' : 's'} could not be used: ${listed}${more}`;
}
