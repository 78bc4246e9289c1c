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
 * first non-finite gradient entry (or the overflow), and changes nothing.
 *
 * Gradients are modified in place. Never allocates.
 */
import type { Param } from '../param.js';
import { checkBoolean, checkOptions, checkPositive, describe, isFloatArray } from '../validate.js';

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
  checkPositive(op, 'maxNorm', maxNorm);
  const { errorIfNonfinite = false } = checkOptions<ClipGradNormOptions>(op, options, ['errorIfNonfinite'], true);
  checkBoolean(op, 'options.errorIfNonfinite', errorIfNonfinite);
  const total = Math.sqrt(sumOfSquares(params));
  if (errorIfNonfinite && !Number.isFinite(total)) throw new RangeError(`${op}: ${normText(params, total)}`);
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
 * Shared by the clipping functions and the optimizers; loops without allocating.
 */
export function checkGrads(op: string, params: readonly Param[]): void {
  if (!Array.isArray(params)) throw new TypeError(`${op}: params must be an array of Params, got ${describe(params)}`);
  for (let i = 0; i < params.length; i++) {
    const p: unknown = params[i];
    if (typeof p !== 'object' || p === null) throw new TypeError(`${op}: params[${i}] must be a Param {name, shape, value, grad}, got ${describe(p)}`);
    const grad = (p as Param).grad;
    if (!isFloatArray(grad)) {
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

/** `name[i] is x` for the first NaN or ±Infinity in the parameters' values or gradients, or ''. */
export function firstNonFinite(params: readonly Param[], which: 'value' | 'grad'): string {
  for (const p of params) {
    const v = p[which];
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return `${p.name}[${i}] is ${v[i]}`;
  }
  return '';
}

/** Says why a gradient norm is not finite: `gradient norm is NaN (w[3] is NaN)`, or the sum overflowed. */
export function normText(params: readonly Param[], norm: number): string {
  return `gradient norm is ${norm} (${firstNonFinite(params, 'grad') || 'the sum of squares overflows'})`;
}
