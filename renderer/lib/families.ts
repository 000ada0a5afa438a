// A colour per layer family, readable on both themes.
import type { LayerFamily } from '../../src/layers/layer-def.ts';

export const familyColors: Readonly<Record<LayerFamily, string>> = {
  io: '#64748b',
  dense: '#3b82f6',
  convolution: '#8b5cf6',
  pooling: '#06b6d4',
  normalization: '#10b981',
  activation: '#f59e0b',
  regularization: '#a3a3a3',
  shape: '#ec4899',
  recurrent: '#ef4444',
  attention: '#d946ef',
  loss: '#f43f5e',
  sampling: '#84cc16',
  onnx: '#78716c',
};

// One formatter for every count: toLocaleString makes a new one per call, and a 5,000-layer graph's
// first drawing formats every layer's parameters (90 ms of a task when each made its own).
const counts = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return counts.format(n);
}
