/**
 * Small tensor utilities for tests: seeded random tensors, copies, the reference tolerance
 * measure, and a [P, Q, F] → [Q, P, F] transpose. Tests only; lib/ never imports these.
 */
import { Random } from '../../lib/random.js';
import type { DType, FloatArray, Tensor } from '../../lib/tensor.js';

/** Product of the dimensions. */
export function sizeOfShape(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A tensor of U(lo, hi) values from `rng` (float64 unless told). */
export function uniformTensor(rng: Random, shape: readonly number[], lo = -1, hi = 1, dtype: DType = 'float64'): Tensor {
  const n = sizeOfShape(shape);
  const data = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.uniform(lo, hi);
  return { data, shape: shape.slice() };
}

/** A tensor of N(0, scale²) values from `rng` (float64 unless told). */
export function normalTensor(rng: Random, shape: readonly number[], scale = 1, dtype: DType = 'float64'): Tensor {
  const n = sizeOfShape(shape);
  const data = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = scale * rng.normal();
  return { data, shape: shape.slice() };
}

/** A copy of a tensor (or of its data), converted to `dtype` (default: the same kind). */
export function copyTensor(t: Tensor, dtype?: DType): Tensor {
  const kind = dtype ?? (t.data instanceof Float64Array ? 'float64' : 'float32');
  const data = kind === 'float64' ? Float64Array.from(t.data) : Float32Array.from(t.data);
  return { data, shape: t.shape.slice() };
}

/** A float64 copy of any numeric array. */
export function copy64(a: ArrayLike<number>): Float64Array {
  return Float64Array.from(a);
}

/**
 * The reference tolerance measure:  max|computed − expected| / max(max|expected|, floor).
 * NaN anywhere, or a length mismatch, gives Infinity.
 */
export function relError(computed: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-3): number {
  if (computed.length !== expected.length) return Infinity;
  let diff = 0, scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(computed[i] - expected[i]);
    if (!(d <= diff)) diff = d; // NaN propagates
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return Number.isNaN(diff) ? Infinity : diff / Math.max(scale, floor);
}

/** out [Q, P, F] = src [P, Q, F] with the first two axes swapped (a fresh array of src's kind). */
export function transpose01(src: Tensor): Tensor {
  const [P, Q, F] = src.shape;
  const out: FloatArray = src.data instanceof Float64Array ? new Float64Array(src.data.length) : new Float32Array(src.data.length);
  for (let p = 0; p < P; p++) {
    for (let q = 0; q < Q; q++) {
      for (let f = 0; f < F; f++) out[(q * P + p) * F + f] = src.data[(p * Q + q) * F + f];
    }
  }
  return { data: out, shape: [Q, P, F] };
}

/** Σ a ⊙ b in float64. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** A new seeded generator (re-exported so tests need one import). */
export function rng(seed: number): Random {
  return new Random(seed);
}
