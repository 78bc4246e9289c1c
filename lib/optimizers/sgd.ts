/**
 * Stochastic gradient descent with optional momentum, dampening and Nesterov momentum, exactly
 * as PyTorch 1.13 `torch.optim.SGD`. For each parameter θ with gradient g:
 *
 *     g ← g + λ·θ                         L2 weight decay λ (default 0)
 *     if μ ≠ 0:
 *         b ← g                           at the first step (t = 0; no dampening applied)
 *         b ← μ·b + (1 − τ)·g             afterwards
 *         d = nesterov ? g + μ·b : b
 *     else:
 *         d = g
 *     θ ← θ − lr·d
 *
 * μ = momentum, τ = dampening, b = `momentum_buffer` (kept only when μ ≠ 0).
 */
import type { Param } from '../param.js';
import { checkBoolean } from '../validate.js';
import { type HyperParameters, OptimizerBase, type Rule, nonNegative, unitInterval } from './optimizer.js';

export interface SGDOptions {
  /** Learning rate, ≥ 0. Required (PyTorch has no default either). */
  readonly lr: number;
  /** μ ≥ 0 (default 0: plain SGD, no buffer). */
  readonly momentum?: number;
  /** τ in [0, 1] (default 0). */
  readonly dampening?: number;
  /** Nesterov momentum (default false); needs μ > 0 and τ = 0. */
  readonly nesterov?: boolean;
  /** λ ≥ 0: L2 penalty added to the gradient (default 0). */
  readonly weightDecay?: number;
}

export interface SGDHyperParameters extends HyperParameters {
  readonly lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
}

/** The options and their checks (PyTorch's defaults; lr has none). */
export const SGD_RULES: Readonly<Record<keyof SGDHyperParameters, Rule>> = {
  lr: nonNegative(),
  momentum: nonNegative(0),
  dampening: unitInterval(0),
  nesterov: [false, (op, name, v, { momentum, dampening }) => {
    if (checkBoolean(op, name, v) && ((momentum as number) <= 0 || dampening !== 0)) {
      throw new RangeError(`${op}: ${name} needs momentum > 0 and dampening = 0, got momentum ${momentum} and dampening ${dampening}`);
    }
    return v as boolean;
  }],
  weightDecay: nonNegative(0),
};

export class SGD extends OptimizerBase<SGDHyperParameters> {
  constructor(params: Param[], options: SGDOptions) {
    super('SGD', params, SGD_RULES, options);
  }

  step(): void {
    const { lr, momentum, dampening, nesterov, weightDecay: wd } = this.hp;
    const first = this.t === 0;
    for (let i = 0; i < this.params.length; i++) {
      const theta = this.params[i].value, g = this.params[i].grad;
      if (momentum !== 0) {
        const b = this.bufferArrays[0][i]; // momentum_buffer
        for (let j = 0; j < theta.length; j++) {
          const gj = wd !== 0 ? g[j] + wd * theta[j] : g[j];
          const bj = first ? gj : momentum * b[j] + (1 - dampening) * gj;
          b[j] = bj;
          const d = nesterov ? gj + momentum * bj : bj;
          theta[j] += -lr * d;
        }
      } else {
        for (let j = 0; j < theta.length; j++) theta[j] += -lr * (wd !== 0 ? g[j] + wd * theta[j] : g[j]);
      }
    }
    this.t++;
  }

  protected bufferNamesFor(hp: SGDHyperParameters): string[] {
    return hp.momentum !== 0 ? ['momentum_buffer'] : [];
  }
}
