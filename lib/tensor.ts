/**
 * Tensors: a flat row-major typed array and its shape. rnnkit computes in float32 by default;
 * float64 exists so gradients can be checked by finite differences.
 */

export type DType = 'float32' | 'float64';

/** The storage every kernel works on. */
export type FloatArray = Float32Array | Float64Array;

/** A row-major tensor view: `data[i0·s0 + i1·s1 + …]` with the last axis contiguous. */
export interface Tensor {
  readonly data: FloatArray;
  readonly shape: readonly number[];
}

/**
 * Largest single buffer rnnkit allocates, in bytes: 2 GiB, which every supported runtime can
 * hold in one typed array. Constructors check their parameter sizes against it before
 * allocating (checkBufferSize), so an absurd size is an rnnkit RangeError, not the engine's.
 */
export const MAX_BUFFER_BYTES = 2 ** 31;

/**
 * Allocates a zero-filled array of the given dtype. When the engine cannot (a length past its
 * limit, or no memory), the RangeError says what was asked for: `allocate: cannot allocate
 * 3000000000 float32 entries (12000000000 bytes): Invalid typed array length: 3000000000`.
 */
export function allocate(dtype: DType, length: number): FloatArray {
  try {
    return dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new RangeError(`allocate: cannot allocate ${length} ${dtype} entries (${length * (dtype === 'float64' ? 8 : 4)} bytes): ${e.message}`);
  }
}

/** The dtype of an array. */
export function dtypeOf(data: FloatArray): DType {
  return data instanceof Float64Array ? 'float64' : 'float32';
}

/** Product of a shape's dimensions (1 for a scalar). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Formats a shape the way error messages print it: `[7, 2, 5]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Wraps data and shape into a tensor, checking that they agree. */
export function tensor(data: FloatArray, shape: readonly number[]): Tensor {
  const n = sizeOf(shape);
  if (data.length !== n) {
    throw new RangeError(`tensor: data has length ${data.length} but shape ${formatShape(shape)} needs ${n}`);
  }
  return { data, shape: shape.slice() };
}

/** A zero tensor of the given shape and dtype. */
export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return { data: allocate(dtype, sizeOf(shape)), shape: shape.slice() };
}
