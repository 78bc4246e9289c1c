/**
 * The adding problem (Hochreiter & Schmidhuber 1997, in the form of Arjovsky et al. 2016):
 * each step t of a sequence carries two inputs,
 *
 *     x⟨t⟩ = (value_t ~ U[0, 1),  marker_t ∈ {0, 1})
 *
 * where exactly two steps are marked: one drawn uniformly from the first half of the sequence,
 * steps [0, ⌊T/2⌋), and one from the second half, [⌊T/2⌋, T). The target, read after the last
 * step, is the sum of the two marked values, y = value_i + value_j ∈ [0, 2).
 *
 * The first marker lies on average 3T/4 steps before the answer is due, so a model must carry a
 * number across that gap while ignoring every unmarked value: a test of long-term memory.
 * Predicting the constant 1 (the mean of the sum) scores MSE = Var(U₁ + U₂) = 1/6 ≈ 0.167.
 */
import type { Random } from '../random.js';
import type { FloatArray } from '../tensor.js';
import { checkInteger, describe } from '../validate.js';

/** The MSE of always answering 1, in expectation: Var(U₁ + U₂) = 2 · 1/12. */
export const ADDING_BASELINE_MSE = 1 / 6;

/**
 * Fills a batch of B adding-problem sequences of length T (T ≥ 2).
 *   x: [T, B, 2] time-major, x[(t·B + b)·2] = value, x[(t·B + b)·2 + 1] = marker
 *   y: [B, 1], the sum of row b's two marked values
 * Draws, per row, T values then the two marked steps, so a seed fixes the batch sequence.
 * Returns x.
 */
export function addingBatch(rng: Random, T: number, B: number, x: FloatArray, y: FloatArray): FloatArray {
  const op = 'addingBatch';
  checkInteger(op, 'T', T, 2);
  checkInteger(op, 'B', B, 1);
  if (!(x instanceof Float32Array || x instanceof Float64Array)) throw new TypeError(`${op}: x must be a Float32Array or Float64Array, got ${describe(x)}`);
  if (!(y instanceof Float32Array || y instanceof Float64Array)) throw new TypeError(`${op}: y must be a Float32Array or Float64Array, got ${describe(y)}`);
  if (x.length !== T * B * 2) throw new RangeError(`${op}: x has ${x.length} entries but [${T}, ${B}, 2] needs ${T * B * 2}`);
  if (y.length !== B) throw new RangeError(`${op}: y has ${y.length} entries but [${B}, 1] needs ${B}`);
  const half = Math.floor(T / 2);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const o = (t * B + b) * 2;
      x[o] = rng.next();
      x[o + 1] = 0;
    }
    const i = rng.int(half);              // first half:  [0, ⌊T/2⌋)
    const j = half + rng.int(T - half);   // second half: [⌊T/2⌋, T)
    x[(i * B + b) * 2 + 1] = 1;
    x[(j * B + b) * 2 + 1] = 1;
    // the sum of the stored (possibly float32-rounded) values, so the target is exact for x
    y[b] = x[(i * B + b) * 2] + x[(j * B + b) * 2];
  }
  return x;
}

/** The MSE of predicting the constant c for every target in y: mean over rows of (c − y)². */
export function constantMse(y: ArrayLike<number>, c = 1): number {
  if (y.length === 0) throw new RangeError('constantMse: y is empty');
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (c - y[i]) * (c - y[i]);
  return s / y.length;
}
