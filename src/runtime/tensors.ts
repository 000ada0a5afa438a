// Plain host tensors passed between the core, the CLI and onnxruntime.
import type { DType, Shape, TensorData } from '../ir/types.ts';

export interface HostTensor {
  readonly dtype: DType;
  readonly shape: Shape;
  readonly data: TensorData;
}

export function floatTensor(data: ArrayLike<number>, shape: Shape): HostTensor {
  return { dtype: 'float32', shape, data: Float32Array.from(data) };
}

export function int64Tensor(data: ArrayLike<number>, shape: Shape): HostTensor {
  return { dtype: 'int64', shape, data: BigInt64Array.from(Array.from(data), (v) => BigInt(v)) };
}
