/**
 * `gradcheck`: compares analytic gradients with central finite differences in float64, as
 * PyTorch's `torch.autograd.gradcheck` does, for any layer, model or encoder–decoder (and any
 * activation a user registered with its own derivative):
 *
 *     numeric_i = (L(θ + ε e_i) − L(θ − ε e_i)) / 2ε
 *     passes when |analytic_i − numeric_i| ≤ atol + rtol·|numeric_i| for every i
 *
 * with PyTorch's defaults ε = 1e-6, atol = 1e-5, rtol = 1e-3. Every value is restored bit for
 * bit after its two evaluations. The report gives, per tensor, the worst absolute and relative
 * error, where it is, and the two values there.
 *
 *     const model = new SequenceModel({ ..., dtype: 'float64' });
 *     const report = gradcheckParams(model.params, () => model.lossAndGrad(x, y));
 *     if (!report.passed) console.log(formatGradcheck(report));
 */
import type { Param } from '../param.js';
import { checkNumber, checkObject, checkKeys, describe } from '../validate.js';

export interface GradcheckTarget {
  /** Shown in the report, e.g. `weight_hh_l0` or `x`. */
  name: string;
  /** The values the loss reads, perturbed in place (float64). */
  value: Float64Array;
  /** The analytic dL/dvalue (copy it first if the loss overwrites it). */
  grad: ArrayLike<number>;
}

export interface GradcheckOptions {
  /** ε of the central differences (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
}

export interface GradcheckEntry {
  name: string;
  passed: boolean;
  /** max_i |analytic_i − numeric_i|. */
  maxAbsError: number;
  /** max_i |analytic_i − numeric_i| / |numeric_i| (over entries with numeric_i ≠ 0). */
  maxRelError: number;
  /** The entry where (|analytic − numeric| − atol − rtol·|numeric|) is largest, and its values. */
  index: number;
  analytic: number;
  numeric: number;
}

export interface GradcheckReport {
  passed: boolean;
  entries: GradcheckEntry[];
}

const OP = 'gradcheck';

/** Checks every target's analytic gradient against central differences of `loss`. */
export function gradcheck(loss: () => number, targets: readonly GradcheckTarget[], options: GradcheckOptions = {}): GradcheckReport {
  checkObject(OP, 'options', options);
  checkKeys(OP, 'options', options, ['eps', 'atol', 'rtol']);
  const eps = checkNumber(OP, 'eps', options.eps ?? 1e-6, Number.MIN_VALUE);
  const atol = checkNumber(OP, 'atol', options.atol ?? 1e-5, 0);
  const rtol = checkNumber(OP, 'rtol', options.rtol ?? 1e-3, 0);
  if (typeof loss !== 'function') throw new TypeError(`${OP}: loss must be a function, got ${describe(loss)}`);
  targets.forEach((t, k) => {
    if (!(t?.value instanceof Float64Array)) throw new TypeError(`${OP}: targets[${k}].value must be a Float64Array (gradients are checked in float64), got ${describe(t?.value)}`);
    if (t.grad?.length !== t.value.length) throw new RangeError(`${OP}: targets[${k}] ("${t.name}") has ${t.grad?.length} gradient entries but ${t.value.length} values`);
  });
  const entries = targets.map(({ name, value, grad }): GradcheckEntry => {
    const e: GradcheckEntry = { name, passed: true, maxAbsError: 0, maxRelError: 0, index: -1, analytic: 0, numeric: 0 };
    let worstExcess = -Infinity;
    for (let i = 0; i < value.length; i++) {
      const orig = value[i];
      value[i] = orig + eps;
      const up = value[i];
      const lp = loss();
      value[i] = orig - eps;
      const down = value[i];
      const lm = loss();
      value[i] = orig;
      const numeric = (lp - lm) / (up - down), analytic = grad[i];
      const abs = Math.abs(analytic - numeric);
      e.maxAbsError = Math.max(e.maxAbsError, abs);
      if (numeric !== 0) e.maxRelError = Math.max(e.maxRelError, abs / Math.abs(numeric));
      const excess = abs - atol - rtol * Math.abs(numeric);
      if (!(excess <= worstExcess)) {
        worstExcess = excess;
        Object.assign(e, { index: i, analytic, numeric });
      }
      if (!(excess <= 0)) e.passed = false; // NaN fails too
    }
    return e;
  });
  return { passed: entries.every((e) => e.passed), entries };
}

/**
 * gradcheck over a model's parameters: runs `lossAndGrad` once on zeroed gradients for the
 * analytic gradients, then checks each parameter (float64 models only).
 */
export function gradcheckParams(params: readonly Param[], lossAndGrad: () => number, options: GradcheckOptions = {}): GradcheckReport {
  for (const p of params) p.grad.fill(0);
  lossAndGrad();
  const targets = params.map((p) => ({ name: p.name, value: p.value as Float64Array, grad: Float64Array.from(p.grad) }));
  const report = gradcheck(lossAndGrad, targets, options);
  for (const p of params) p.grad.fill(0);
  return report;
}

/** One line per tensor: ok/FAIL, the worst errors and where they are. */
export function formatGradcheck(report: GradcheckReport): string {
  return report.entries.map((e) => `${e.passed ? 'ok  ' : 'FAIL'}  ${e.name}: max abs error ${e.maxAbsError.toExponential(2)}, max rel error ${e.maxRelError.toExponential(2)}` +
    (e.index >= 0 ? ` (worst at [${e.index}]: analytic ${e.analytic}, numeric ${e.numeric})` : '')).join('\n');
}
