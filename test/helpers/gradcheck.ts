/**
 * Central finite differences in float64, to check any analytic gradient:
 *
 *   numeric_i = (L(θ + ε e_i) − L(θ − ε e_i)) / 2ε
 *   error     = max_i |analytic_i − numeric_i| / max(max_i |numeric_i|, 1e-3)   (per tensor)
 *
 * `finiteDifferenceCheck` knows nothing of layers: give it a loss closure that reads the
 * perturbed arrays, and a list of {name, data, grad}. `gradcheckRecurrent` wraps it for a
 * `Recurrent` stack with the fixtures' loss Σ output⊙U + Σ h_n⊙U_h (+ Σ c_n⊙U_c).
 */
import type { Recurrent } from '../../lib/layers/recurrent.js';
import type { Tensor } from '../../lib/tensor.js';
import { copy64, dot, normalTensor, rng } from './tensors.js';

export interface GradTarget {
  /** Shown in reports, e.g. `x`, `h0`, `weight_hh_l0`. */
  name: string;
  /** The values the loss closure reads; perturbed in place and restored exactly. */
  data: Float64Array;
  /** The analytic dL/d data, same length (copy it before the check: the closure may overwrite views). */
  grad: ArrayLike<number>;
}

export interface GradCheckResult {
  name: string;
  /** max|analytic − numeric| / max(max|numeric|, floor). */
  error: number;
  /** Where |analytic − numeric| is largest, and the two values there. */
  worstIndex: number;
  analytic: number;
  numeric: number;
  /** max|numeric| over the tensor. */
  scale: number;
}

export interface GradCheckOptions {
  /** Step ε (default 1e-6). */
  eps?: number;
  /** The floor of the denominator (default 1e-3, as the reference tolerance). */
  floor?: number;
}

/**
 * Checks every target's analytic gradient against central differences of `loss`.
 * Each value is restored bit-exactly after its two evaluations. The step actually taken,
 * (θ+ε) − (θ−ε) in floating point, is used as the denominator.
 */
export function finiteDifferenceCheck(
  loss: () => number, targets: readonly GradTarget[], options: GradCheckOptions = {},
): GradCheckResult[] {
  const eps = options.eps ?? 1e-6, floor = options.floor ?? 1e-3;
  const results: GradCheckResult[] = [];
  for (const { name, data, grad } of targets) {
    if (!(data instanceof Float64Array)) throw new TypeError(`finiteDifferenceCheck: ${name}.data must be a Float64Array`);
    if (grad.length !== data.length) {
      throw new RangeError(`finiteDifferenceCheck: ${name}.grad has ${grad.length} entries but data has ${data.length}`);
    }
    const numeric = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const orig = data[i];
      const plus = orig + eps, minus = orig - eps;
      data[i] = plus;
      const lp = loss();
      data[i] = minus;
      const lm = loss();
      data[i] = orig;
      numeric[i] = (lp - lm) / (plus - minus);
    }
    let diff = 0, worstIndex = 0, scale = 0;
    for (let i = 0; i < data.length; i++) {
      const d = Math.abs(grad[i] - numeric[i]);
      if (!(d <= diff)) { diff = d; worstIndex = i; }
      scale = Math.max(scale, Math.abs(numeric[i]));
    }
    results.push({
      name,
      error: Number.isNaN(diff) ? Infinity : diff / Math.max(scale, floor),
      worstIndex,
      analytic: grad[worstIndex] ?? NaN,
      numeric: numeric[worstIndex] ?? NaN,
      scale,
    });
  }
  return results;
}

/** The result with the largest error (NaN counts as largest). */
export function worstResult(results: readonly GradCheckResult[]): GradCheckResult {
  let worst = results[0];
  for (const r of results) if (!(r.error <= worst.error)) worst = r;
  return worst;
}

/** One line per tensor, for failure messages. */
export function formatResults(results: readonly GradCheckResult[]): string {
  return results.map((r) =>
    `${r.name}: error ${r.error.toExponential(2)} (at [${r.worstIndex}] analytic ${r.analytic}, numeric ${r.numeric}; max|numeric| ${r.scale.toExponential(2)})`,
  ).join('\n');
}

/** Throws an Error listing every tensor when the worst error exceeds `tol` (for callers without chai). */
export function assertGradients(results: readonly GradCheckResult[], tol: number, label = 'gradcheck'): void {
  const worst = worstResult(results);
  if (!(worst.error <= tol)) {
    throw new Error(`${label}: worst relative error ${worst.error.toExponential(3)} in ${worst.name} exceeds ${tol}\n${formatResults(results)}`);
  }
}

export interface RecurrentGradcheckOptions extends GradCheckOptions {
  /** Seed of the random upstream tensors U, U_h, U_c (default 1). */
  upstreamSeed?: number;
  /** Per-row sequence lengths passed to every forward (variable-length batches). */
  lengths?: ArrayLike<number> | null;
}

/**
 * Finite-difference check of a float64 `Recurrent` stack: loss = Σ output⊙U + Σ h_n⊙U_h
 * (+ Σ c_n⊙U_c) with seeded N(0, 1) upstream tensors. Checks dx, dh0, dc0 (those given as
 * tensors) and every parameter's accumulated grad. x, h0, c0 must hold Float64Arrays; they
 * and the parameters are perturbed in place and restored.
 */
export function gradcheckRecurrent(
  net: Recurrent, x: Tensor, h0: Tensor | null = null, c0: Tensor | null = null,
  options: RecurrentGradcheckOptions = {},
): GradCheckResult[] {
  if (net.dtype !== 'float64') throw new TypeError(`gradcheckRecurrent: the net must be float64, got ${net.dtype}`);
  const lengths = options.lengths ?? null;
  const first = net.forward(x, h0, c0, lengths);
  const r = rng(options.upstreamSeed ?? 1);
  const U = normalTensor(r, first.output.shape);
  const Uh = normalTensor(r, first.hN.shape);
  const Uc = first.cN ? normalTensor(r, first.cN.shape) : null;
  const loss = (): number => {
    const { output, hN, cN } = net.forward(x, h0, c0, lengths);
    let l = dot(output.data, U.data) + dot(hN.data, Uh.data);
    if (cN && Uc) l += dot(cN.data, Uc.data);
    return l;
  };

  net.zeroGrad();
  loss();
  const g = net.backward(U, Uh, Uc);
  const targets: GradTarget[] = [{ name: 'x', data: x.data as Float64Array, grad: copy64(g.dx.data) }];
  if (h0) targets.push({ name: 'h0', data: h0.data as Float64Array, grad: copy64(g.dh0.data) });
  if (c0 && g.dc0) targets.push({ name: 'c0', data: c0.data as Float64Array, grad: copy64(g.dc0.data) });
  for (const p of net.params) targets.push({ name: p.name, data: p.value as Float64Array, grad: copy64(p.grad) });
  return finiteDifferenceCheck(loss, targets, options);
}
