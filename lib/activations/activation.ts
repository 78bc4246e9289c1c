/**
 * An activation g: its forward map y = g(z) and its derivative, both over a row of values.
 * Working on whole rows (not one scalar per call) keeps the per-element cost a tight loop.
 */
import type { FloatArray } from '../tensor.js';

export interface Activation {
  readonly name: string;
  /** y[yOff + i] = g(z[zOff + i]) for i < n. y may be z (in place). */
  forward(y: FloatArray, yOff: number, z: FloatArray, zOff: number, n: number): void;
  /**
   * dz[dzOff + i] = dy[dyOff + i] · g'(z) for i < n, given the pre-activation z and the
   * saved output y (built-ins use y where the math allows: σ' = y(1−y), tanh' = 1−y²).
   * dz may be dy (in place).
   */
  backward(
    dz: FloatArray, dzOff: number, dy: FloatArray, dyOff: number,
    z: FloatArray, zOff: number, y: FloatArray, yOff: number, n: number,
  ): void;
}

/**
 * Builds an activation from scalar functions: `f(z)` and `df(z, y)` = g'(z) where y = f(z).
 * This is how users add their own: `registerActivation(defineActivation('softsign', …))`.
 */
export function defineActivation(
  name: string,
  f: (z: number) => number,
  df: (z: number, y: number) => number,
): Activation {
  return {
    name,
    forward(y, yOff, z, zOff, n) {
      for (let i = 0; i < n; i++) y[yOff + i] = f(z[zOff + i]);
    },
    backward(dz, dzOff, dy, dyOff, z, zOff, y, yOff, n) {
      for (let i = 0; i < n; i++) dz[dzOff + i] = dy[dyOff + i] * df(z[zOff + i], y[yOff + i]);
    },
  };
}
