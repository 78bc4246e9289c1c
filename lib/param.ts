/**
 * A trainable parameter: its value and its gradient side by side (as recurrentjs keeps
 * `w` and `dw`), so optimizers and clipping loop over a flat list and know nothing of cells.
 */
import { type DType, type FloatArray, allocate, sizeOf } from './tensor.js';
import type { Random } from './random.js';

export interface Param {
  /** PyTorch state-dict name, e.g. `weight_ih_l0`, `head.weight`. */
  readonly name: string;
  readonly shape: readonly number[];
  /** The value, row-major. */
  readonly value: FloatArray;
  /** dL/d value, same layout; backward passes accumulate (+=) into it. */
  readonly grad: FloatArray;
}

/** Creates a zero-valued parameter with a zero gradient. */
export function createParam(name: string, shape: readonly number[], dtype: DType): Param {
  const n = sizeOf(shape);
  return { name, shape: shape.slice(), value: allocate(dtype, n), grad: allocate(dtype, n) };
}

/** Fills every value from U(−k, k), drawn from `rng` parameter by parameter, in order (PyTorch's default rule). */
export function initUniform(params: readonly Param[], k: number, rng: Random): void {
  for (const p of params) for (let i = 0; i < p.value.length; i++) p.value[i] = rng.uniform(-k, k);
}

/** Sets every gradient in the list to zero. */
export function zeroGrads(params: readonly Param[]): void {
  for (const p of params) p.grad.fill(0);
}
