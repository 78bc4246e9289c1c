/**
 * Inverted dropout: in training, each activation is kept with probability 1 − p and scaled
 * by 1/(1 − p), so its expectation is unchanged and evaluation needs no rescaling:
 *
 *     mask_i = (u_i ≥ p) / (1 − p),  u_i ~ U[0, 1)        y = x ⊙ mask        dL/dx = dL/dy ⊙ mask
 *
 * Masks come from a seeded generator (same seed, same masks), drawn once per forward and kept
 * for backward. With p = 0 nothing is drawn or computed.
 */
import type { Random } from '../random.js';
import type { FloatArray } from '../tensor.js';
import { checkNumber } from '../validate.js';

/** Checks a dropout probability: a number in [0, 1). */
export function checkDropout(op: string, name: string, p: unknown): number {
  const x = checkNumber(op, name, p, 0, 1);
  if (x === 1) throw new RangeError(`${op}: ${name} must be in [0, 1), got 1`);
  return x;
}

/** mask[off … off+n) = (u ≥ p) / (1 − p) with u from rng. */
export function drawMask(mask: FloatArray, off: number, n: number, p: number, rng: Random): FloatArray {
  const scale = 1 / (1 - p);
  for (let i = 0; i < n; i++) mask[off + i] = rng.next() >= p ? scale : 0;
  return mask;
}

/** out[i] = x[i]·mask[i] for i < n (out may be x: in place). */
export function applyMask(out: FloatArray, x: FloatArray, mask: FloatArray, n: number): FloatArray {
  for (let i = 0; i < n; i++) out[i] = x[i] * mask[i];
  return out;
}
