/**
 * Gradient clipping by global L2 norm, exactly as PyTorch 1.13
 * `torch.nn.utils.clip_grad_norm_(params, max_norm)` (norm_type 2):
 *
 *     total = sqrt(Σ over all params Σ g²)          (accumulated in float64)
 *     coef  = maxNorm / (total + 1e-6)
 *     if coef < 1: g ← coef·g for every gradient entry
 *
 * and returns `total`, the norm before clipping. After clipping the norm is
 * total·coef = maxNorm·total/(total + 1e-6) ≤ maxNorm.
 *
 * Non-finite totals: PyTorch multiplies by clamp(coef, max = 1), so an infinite total
 * scales every gradient by 0 (infinite entries become NaN) and a NaN total makes every
 * gradient NaN; this does the same. With `errorIfNonfinite` it throws instead, naming the
 * first parameter whose gradient holds a non-finite entry, and changes nothing.
 *
 * Gradients are modified in place. Never allocates.
 */
import type { Param } from '../param.js';
import { checkBoolean, checkNumber, checkObject, describe } from '../validate.js';

export interface ClipGradNormOptions {
  /** Throw (and leave gradients unchanged) when the total norm is NaN or ±Infinity. Default false. */
  readonly errorIfNonfinite?: boolean;
}

/** Global L2 norm of all gradients, sqrt(Σ over all params Σ g²), without clipping. */
export function gradNorm(params: readonly Param[]): number {
  checkGrads('gradNorm', params);
  return Math.sqrt(sumOfSquares(params));
}

/** Scales every gradient by maxNorm/(total + 1e-6) when that is below 1; returns total. */
export function clipGradNorm(params: readonly Param[], maxNorm: number, options?: ClipGradNormOptions): number {
  const op = 'clipGradNorm';
  checkGrads(op, params);
  checkNumber(op, 'maxNorm', maxNorm);
  if (!(maxNorm > 0)) throw new RangeError(`${op}: maxNorm must be a finite number > 0, got ${maxNorm}`);
  const flag = options === undefined ? undefined : checkObject<ClipGradNormOptions>(op, 'options', options).errorIfNonfinite;
  const errorIfNonfinite = flag === undefined ? false : checkBoolean(op, 'options.errorIfNonfinite', flag);
  const total = Math.sqrt(sumOfSquares(params));
  if (errorIfNonfinite && !Number.isFinite(total)) throw nonfiniteError(op, params, total);
  const coef = maxNorm / (total + 1e-6);
  // PyTorch multiplies by clamp(coef, max=1): a no-op when coef ≥ 1, NaN propagates.
  if (coef < 1 || Number.isNaN(coef)) {
    for (let i = 0; i < params.length; i++) {
      const g = params[i].grad;
      for (let j = 0; j < g.length; j++) g[j] *= coef;
    }
  }
  return total;
}

/**
 * Checks that `params` is an array of Params whose grad is a Float32Array or Float64Array.
 * Shared by the clipping functions; loops without allocating.
 */
export function checkGrads(op: string, params: readonly Param[]): void {
  if (!Array.isArray(params)) throw new TypeError(`${op}: params must be an array of Params, got ${describe(params)}`);
  for (let i = 0; i < params.length; i++) {
    const p: unknown = params[i];
    if (typeof p !== 'object' || p === null) throw new TypeError(`${op}: params[${i}] must be a Param {name, shape, value, grad}, got ${describe(p)}`);
    const grad = (p as Param).grad;
    if (!(grad instanceof Float32Array || grad instanceof Float64Array)) {
      throw new TypeError(`${op}: params[${i}] (${describe((p as Param).name)}).grad must be a Float32Array or Float64Array, got ${describe(grad)}`);
    }
  }
}

/** Σ over all params Σ g², in float64. */
function sumOfSquares(params: readonly Param[]): number {
  let sum = 0;
  for (let i = 0; i < params.length; i++) {
    const g = params[i].grad;
    for (let j = 0; j < g.length; j++) sum += g[j] * g[j];
  }
  return sum;
}

/** The error for a non-finite total, naming the first non-finite gradient entry. */
function nonfiniteError(op: string, params: readonly Param[], total: number): RangeError {
  const advice = 'errorIfNonfinite is set; without it the gradients would be scaled by the non-finite norm, as PyTorch does';
  for (let i = 0; i < params.length; i++) {
    const g = params[i].grad;
    for (let j = 0; j < g.length; j++) {
      if (!Number.isFinite(g[j])) {
        return new RangeError(`${op}: the total gradient norm is ${total}, so it cannot be clipped: the gradient of "${params[i].name}" is non-finite (entry ${j} is ${g[j]}); ${advice}`);
      }
    }
  }
  return new RangeError(`${op}: the total gradient norm is ${total}, so it cannot be clipped: every entry is finite but the sum of squares overflows float64; ${advice}`);
}
