// Images of one size for a model that takes another: an imported ResNet or MobileNet expects
// 3×H×W, the shipped digits are 1×28×28. Each image is resized bilinearly (half-pixel centres,
// as torch's F.interpolate(align_corners=False)) and a grey image's one channel repeated to three.
import type { Dataset } from './dataset.ts';

/** Whether `from` images can be made `to` images: both [C, H, W], C equal or grey → colour. */
export function imagesFit(from: readonly number[], to: readonly number[]): boolean {
  if (from.length !== 3 || to.length !== 3) return false;
  const [c, ,] = from as [number, number, number];
  const [k] = to as [number, number, number];
  return c === k || (c === 1 && k === 3);
}

function resizePlane(
  src: Float32Array,
  h: number,
  w: number,
  oh: number,
  ow: number,
  out: Float32Array,
  at: number,
): void {
  const sy = h / oh;
  const sx = w / ow;
  for (let y = 0; y < oh; y++) {
    const fy = Math.max((y + 0.5) * sy - 0.5, 0);
    const y0 = Math.min(Math.floor(fy), h - 1);
    const y1 = Math.min(y0 + 1, h - 1);
    const dy = fy - y0;
    for (let x = 0; x < ow; x++) {
      const fx = Math.max((x + 0.5) * sx - 0.5, 0);
      const x0 = Math.min(Math.floor(fx), w - 1);
      const x1 = Math.min(x0 + 1, w - 1);
      const dx = fx - x0;
      const top = src[y0 * w + x0]! * (1 - dx) + src[y0 * w + x1]! * dx;
      const bottom = src[y1 * w + x0]! * (1 - dx) + src[y1 * w + x1]! * dx;
      out[at + y * ow + x] = top * (1 - dy) + bottom * dy;
    }
  }
}

/** The dataset with every image resized to `shape` ([C, H, W]); see imagesFit. */
export function fitImages(d: Dataset, shape: readonly number[]): Dataset {
  const [c, h, w] = d.featureShape as [number, number, number];
  const [k, oh, ow] = shape as [number, number, number];
  const inSize = c * h * w;
  const plane = oh * ow;
  const x = new Float32Array(d.size * k * plane);
  const resized = new Float32Array(plane);
  for (let i = 0; i < d.size; i++) {
    for (let ch = 0; ch < k; ch++) {
      const from = d.x.subarray(
        i * inSize + (c === 1 ? 0 : ch) * h * w,
        i * inSize + ((c === 1 ? 0 : ch) + 1) * h * w,
      );
      if (c === 1 && ch > 0) {
        x.set(resized, (i * k + ch) * plane);
        continue;
      }
      resizePlane(from, h, w, oh, ow, resized, 0);
      x.set(resized, (i * k + ch) * plane);
    }
  }
  return { ...d, name: `${d.name} (${k}×${oh}×${ow})`, featureShape: [...shape], x };
}
