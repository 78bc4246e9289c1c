/**
 * Row-wise element kernels the layers need around the GEMMs. Output first; offsets address
 * a block inside a larger buffer; never allocate after the first call of a size.
 */
import type { FloatArray } from '../tensor.js';

/** out[r, :] = v[vOff : vOff + cols] for each of `rows` rows (row stride ldo): bias broadcast. */
export function broadcastRows(
  out: FloatArray, oOff: number, ldo: number, rows: number, cols: number,
  v: FloatArray, vOff: number,
): FloatArray {
  for (let r = 0; r < rows; r++) {
    const o = oOff + r * ldo;
    for (let j = 0; j < cols; j++) out[o + j] = v[vOff + j];
  }
  return out;
}

/** out[r, :] = src[r, :] for `rows` rows: a strided block copy. out must not overlap src. */
export function copyRows(
  out: FloatArray, oOff: number, ldo: number,
  src: FloatArray, sOff: number, lds: number, rows: number, cols: number,
): FloatArray {
  for (let r = 0; r < rows; r++) {
    const o = oOff + r * ldo, s = sOff + r * lds;
    for (let j = 0; j < cols; j++) out[o + j] = src[s + j];
  }
  return out;
}

/**
 * out [Q, P, F] = src [P, Q, F] with its first two axes swapped (time-major ↔ batch-major);
 * `out` must not alias `src`. Token ids (Int32Array, number[]) go through it too.
 */
export function swapLeadingAxes<A extends FloatArray | Int32Array>(out: A, src: ArrayLike<number>, P: number, Q: number, F: number): A {
  for (let p = 0; p < P; p++) copyRows(out as FloatArray, p * F, P * F, src as FloatArray, p * Q * F, F, Q, F);
  return out;
}

/** out[r, :] += src[r, :] for `rows` rows. */
export function addRows(
  out: FloatArray, oOff: number, ldo: number,
  src: FloatArray, sOff: number, lds: number, rows: number, cols: number,
): FloatArray {
  for (let r = 0; r < rows; r++) {
    const o = oOff + r * ldo, s = sOff + r * lds;
    for (let j = 0; j < cols; j++) out[o + j] += src[s + j];
  }
  return out;
}

let columnSums = new Float64Array(256);

/**
 * out[j] += Σ_r src[r, j] over `rows` rows (row stride lds): the bias gradient, summed over
 * every time step and batch row. The sums accumulate in float64 before the one add to out
 * (and to `also[oOff + j]` when given: two biases with one gradient, LSTM's b_ih and b_hh).
 */
export function addColumnSums(
  out: FloatArray, oOff: number,
  src: FloatArray, sOff: number, lds: number, rows: number, cols: number, also: FloatArray | null = null,
): FloatArray {
  if (columnSums.length < cols) columnSums = new Float64Array(cols);
  const acc = columnSums;
  acc.fill(0, 0, cols);
  for (let r = 0; r < rows; r++) {
    const s = sOff + r * lds;
    for (let j = 0; j < cols; j++) acc[j] += src[s + j];
  }
  for (let j = 0; j < cols; j++) {
    out[oOff + j] += acc[j];
    if (also) also[oOff + j] += acc[j];
  }
  return out;
}

/** Σ x² over x[off : off + n], in float64. */
export function sumOfSquares(x: FloatArray, off: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = x[off + i];
    s += v * v;
  }
  return s;
}
