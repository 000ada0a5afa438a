import { writeFileSync } from 'node:fs';
import { shapesDataset } from './src/runtime/datasets/shapes.ts';
import { writeNpy } from './src/runtime/npy.ts';
const d = shapesDataset('classes', true);
writeFileSync('/tmp/i16/x.npy', writeNpy({ dtype: 'float32', shape: [d.size, 3, 32, 32], data: d.x }));
writeFileSync('/tmp/i16/y.npy', writeNpy({ dtype: 'float32', shape: [d.size], data: d.y }));
const m = shapesDataset('masks', true);
writeFileSync('/tmp/i16/m.npy', writeNpy({ dtype: 'float32', shape: [m.size, 32, 32], data: m.y }));
console.log(d.pixelStats);
