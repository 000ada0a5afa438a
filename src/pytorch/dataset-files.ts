// A dataset written out for the package's data/ folder: features.npy, labels.npy and
// dataset.json, which data.py reads. Pixels (MNIST) are stored as bytes, a quarter of the size.
import type { Shape } from '../ir/types.ts';

/** What the writer needs of a dataset (runtime/datasets' Dataset has this shape). */
export interface DatasetArrays {
  readonly name: string;
  readonly task: 'classification' | 'regression';
  readonly featureShape: Shape;
  readonly targetShape: Shape;
  readonly size: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly classes?: number;
}

export interface PackageFile {
  /** Relative to the package folder, '/'-separated. */
  readonly path: string;
  readonly bytes: Uint8Array;
}

type NpyData =
  | { readonly descr: '|u1'; readonly data: Uint8Array }
  | { readonly descr: '<f4'; readonly data: Float32Array }
  | { readonly descr: '<i8'; readonly data: BigInt64Array };

/** NumPy's .npy format 1.0: magic, header length, a Python dict padded to 64 bytes, the data. */
export function npyBytes(a: NpyData, shape: Shape): Uint8Array {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${a.descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const body = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const out = new Uint8Array(10 + header.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(body, 10 + header.length);
  return out;
}

/** Pixel values k/255 (MNIST's) fit a byte exactly. */
function isPixels(d: DatasetArrays): boolean {
  return d.name === 'mnist';
}

export function datasetFiles(d: DatasetArrays, folder = 'data'): PackageFile[] {
  const x = isPixels(d)
    ? npyBytes({ descr: '|u1', data: Uint8Array.from(d.x, (v) => Math.round(v * 255)) }, [
        d.size,
        ...d.featureShape,
      ])
    : npyBytes({ descr: '<f4', data: d.x }, [d.size, ...d.featureShape]);
  const y =
    d.task === 'classification'
      ? npyBytes({ descr: '<i8', data: BigInt64Array.from(d.y, (v) => BigInt(v)) }, [d.size])
      : npyBytes({ descr: '<f4', data: d.y }, [d.size, ...d.targetShape]);
  const about = { name: d.name, task: d.task, ...(d.classes !== undefined ? { classes: d.classes } : {}) };
  return [
    { path: `${folder}/features.npy`, bytes: x },
    { path: `${folder}/labels.npy`, bytes: y },
    {
      path: `${folder}/dataset.json`,
      bytes: new TextEncoder().encode(JSON.stringify(about, null, 2) + '\n'),
    },
  ];
}
