/**
 * Adam (optionally AMSGrad), exactly as PyTorch 1.13 `torch.optim.Adam` (single-tensor path),
 * and AdamW (`torch.optim.AdamW`, decoupled weight decay). At step t = 1, 2, … for each
 * parameter θ with gradient g:
 *
 *     Adam:  g ← g + λ·θ                          L2 weight decay λ (default 0)
 *     AdamW: θ ← θ·(1 − lr·λ)                     decoupled decay λ (default 1e-2); g unchanged
 *     m ← β1·m + (1 − β1)·g                       m = exp_avg
 *     v ← β2·v + (1 − β2)·g²                      v = exp_avg_sq
 *     biasCorrection1 = 1 − β1^t
 *     biasCorrection2 = 1 − β2^t
 *     stepSize = lr / biasCorrection1
 *     if amsgrad: vMax ← max(vMax, v);  v̂ = vMax  vMax = max_exp_avg_sq
 *     else:       v̂ = v
 *     denom = sqrt(v̂) / sqrt(biasCorrection2) + eps
 *     θ ← θ − stepSize·m / denom
 *
 * which is θ ← θ − lr·m̂/(sqrt(v̂/(1 − β2^t)) + eps) with m̂ = m/(1 − β1^t), eps added after
 * the bias-corrected square root as PyTorch does. AMSGrad keeps the maximum of the
 * uncorrected v.
 */
import type { Param } from '../param.js';
import { describe } from '../validate.js';
import { type HyperParameters, OptimizerBase, type Rule, checkUnitInterval, flag, nonNegative } from './optimizer.js';

export interface AdamOptions {
  /** Learning rate, ≥ 0 (default 1e-3). */
  readonly lr?: number;
  /** [β1, β2], each in [0, 1) (default [0.9, 0.999]). */
  readonly betas?: readonly [number, number] | readonly number[];
  /** ≥ 0 (default 1e-8). */
  readonly eps?: number;
  /** Use AMSGrad (default false). */
  readonly amsgrad?: boolean;
  /** λ ≥ 0: L2 penalty added to the gradient (default 0). */
  readonly weightDecay?: number;
}

export interface AdamWOptions extends AdamOptions {
  /** λ ≥ 0: decoupled decay θ ← θ·(1 − lr·λ) before the update (default 1e-2). */
  readonly weightDecay?: number;
}

export interface AdamHyperParameters extends HyperParameters {
  readonly lr: number;
  readonly betas: readonly [number, number];
  readonly eps: number;
  readonly amsgrad: boolean;
  readonly weightDecay: number;
}

/** The options, their checks and PyTorch's defaults. */
export const ADAM_RULES: Readonly<Record<keyof AdamHyperParameters, Rule>> = {
  lr: nonNegative(1e-3),
  betas: [[0.9, 0.999], (op, name, v) => {
    if (!Array.isArray(v) || v.length !== 2) throw new TypeError(`${op}: ${name} must be an array [beta1, beta2], got ${describe(v)}`);
    return v.map((b, i) => checkUnitInterval(op, `${name}[${i}]`, b));
  }],
  eps: nonNegative(1e-8),
  amsgrad: flag,
  weightDecay: nonNegative(0),
};

/** AdamW's options: Adam's, with PyTorch's default decay 1e-2. */
export const ADAMW_RULES: Readonly<Record<keyof AdamHyperParameters, Rule>> = { ...ADAM_RULES, weightDecay: nonNegative(1e-2) };

/** The update both share; the subclass names it and sets its defaults. */
abstract class AdamFamily extends OptimizerBase<AdamHyperParameters> {
  step(): void {
    const { lr, eps, amsgrad, weightDecay } = this.hp;
    // AdamW decays θ itself; Adam adds λ·θ to the gradient
    const decoupled = this.name === 'adamw';
    const l2 = decoupled ? 0 : weightDecay, shrink = decoupled ? 1 - lr * weightDecay : 1;
    const beta1 = this.hp.betas[0], beta2 = this.hp.betas[1];
    const t = ++this.t;
    const biasCorrection1 = 1 - beta1 ** t;
    const biasCorrection2 = 1 - beta2 ** t;
    const stepSize = lr / biasCorrection1;
    const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
    // buffers per parameter: [0] m (exp_avg), [1] v (exp_avg_sq), [2] vMax (max_exp_avg_sq, if amsgrad)
    const B = this.bufferArrays;
    for (let i = 0; i < this.params.length; i++) {
      const theta = this.params[i].value, g = this.params[i].grad;
      const m = B[0][i], v = B[1][i];
      const vMax = amsgrad ? B[2][i] : v;
      if (shrink !== 1) for (let j = 0; j < theta.length; j++) theta[j] *= shrink;
      for (let j = 0; j < theta.length; j++) {
        const gj = l2 !== 0 ? g[j] + l2 * theta[j] : g[j];
        const mj = beta1 * m[j] + (1 - beta1) * gj;
        const vj = beta2 * v[j] + (1 - beta2) * gj * gj;
        m[j] = mj;
        v[j] = vj;
        let vHat = vj;
        if (amsgrad) {
          vHat = Math.max(vMax[j], vj);
          vMax[j] = vHat;
        }
        const denom = Math.sqrt(vHat) / biasCorrection2Sqrt + eps;
        theta[j] += -stepSize * mj / denom;
      }
    }
  }

  protected bufferNamesFor(hp: AdamHyperParameters): string[] {
    return hp.amsgrad ? ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] : ['exp_avg', 'exp_avg_sq'];
  }
}

export class Adam extends AdamFamily {
  constructor(params: Param[], options?: AdamOptions) {
    super('Adam', params, ADAM_RULES, options);
  }
}

/** AdamW: Adam with decoupled weight decay (Loshchilov & Hutter), as `torch.optim.AdamW`. */
export class AdamW extends AdamFamily {
  constructor(params: Param[], options?: AdamWOptions) {
    super('AdamW', params, ADAMW_RULES, options);
  }
}
