/**
 * Picking the next token from a row of logits z: greedy (argmax), or a draw from
 * softmax(z / τ) with temperature τ (τ < 1 sharpens, τ > 1 flattens) from a seeded PRNG.
 */
import type { Random } from '../random.js';
import type { FloatArray } from '../tensor.js';
import { checkInteger, checkNumber, describe, isFloatArray } from '../validate.js';

/** Index of the largest of z[off…off+V) (the first on ties). */
export function argmax(z: FloatArray, off: number, V: number): number {
  let best = 0;
  for (let v = 1; v < V; v++) if (z[off + v] > z[off + best]) best = v;
  return best;
}

/** Draws an index with probability softmax(z/τ); τ must be > 0. Allocates nothing. */
export function sampleLogits(z: FloatArray, off: number, V: number, temperature: number, rng: Random): number {
  const op = 'sampleLogits';
  if (!isFloatArray(z)) throw new TypeError(`${op}: z must be a Float32Array or Float64Array, got ${describe(z)}`);
  checkInteger(op, 'off', off, 0);
  checkInteger(op, 'V', V, 1);
  if (off + V > z.length) throw new RangeError(`${op}: z has ${z.length} entries but the row needs off + V = ${off + V}`);
  checkNumber(op, 'temperature', temperature, Number.MIN_VALUE);
  const max = z[off + argmax(z, off, V)];
  let sum = 0;
  for (let v = 0; v < V; v++) sum += Math.exp((z[off + v] - max) / temperature);
  let u = rng.next() * sum;
  for (let v = 0; v < V; v++) {
    u -= Math.exp((z[off + v] - max) / temperature);
    if (u < 0) return v;
  }
  return argmax(z, off, V); // only reached through rounding at the very end
}

/** log softmax(z)_k for every k, written to out. */
export function logSoftmax(out: Float64Array, z: FloatArray, off: number, V: number): Float64Array {
  const max = z[off + argmax(z, off, V)];
  let sum = 0;
  for (let v = 0; v < V; v++) sum += Math.exp(z[off + v] - max);
  const lse = max + Math.log(sum);
  for (let v = 0; v < V; v++) out[v] = z[off + v] - lse;
  return out;
}
