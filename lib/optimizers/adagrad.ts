/**
 * Adagrad, exactly as PyTorch 1.13 `torch.optim.Adagrad` (dense gradients). At step
 * t = 1, 2, … for each parameter θ with gradient g:
 *
 *     g ← g + λ·θ                               L2 weight decay λ (default 0)
 *     clr = lr / (1 + (t − 1)·lrDecay)
 *     s ← s + g²                                s = sum, starting at initialAccumulatorValue
 *     std = sqrt(s) + eps
 *     θ ← θ − clr·g / std
 */
import type { Param } from '../param.js';
import { type HyperParameters, OptimizerBase, type Rule, nonNegative } from './optimizer.js';

export interface AdagradOptions {
  /** Learning rate, ≥ 0 (default 1e-2). */
  readonly lr?: number;
  /** ≥ 0 (default 0): the learning rate at step t is lr / (1 + (t − 1)·lrDecay). */
  readonly lrDecay?: number;
  /** ≥ 0 (default 1e-10). */
  readonly eps?: number;
  /** s at t = 0, ≥ 0 (default 0). */
  readonly initialAccumulatorValue?: number;
  /** λ ≥ 0: L2 penalty added to the gradient (default 0). */
  readonly weightDecay?: number;
}

export interface AdagradHyperParameters extends HyperParameters {
  readonly lr: number;
  readonly lrDecay: number;
  readonly eps: number;
  readonly initialAccumulatorValue: number;
  readonly weightDecay: number;
}

/** The options, their checks and PyTorch's defaults. */
export const ADAGRAD_RULES: Readonly<Record<keyof AdagradHyperParameters, Rule>> = {
  lr: nonNegative(1e-2),
  lrDecay: nonNegative(0),
  eps: nonNegative(1e-10),
  initialAccumulatorValue: nonNegative(0),
  weightDecay: nonNegative(0),
};

export class Adagrad extends OptimizerBase<AdagradHyperParameters> {
  constructor(params: Param[], options?: AdagradOptions) {
    super('Adagrad', params, ADAGRAD_RULES, options);
    for (const s of this.bufferArrays[0]) s.fill(this.hp.initialAccumulatorValue);
  }

  step(): void {
    const { lr, lrDecay, eps, weightDecay: wd } = this.hp;
    const t = ++this.t;
    const clr = lr / (1 + (t - 1) * lrDecay);
    for (let i = 0; i < this.params.length; i++) {
      const theta = this.params[i].value, g = this.params[i].grad, s = this.bufferArrays[0][i]; // sum
      for (let j = 0; j < theta.length; j++) {
        const gj = wd !== 0 ? g[j] + wd * theta[j] : g[j];
        const sj = s[j] + gj * gj;
        s[j] = sj;
        const std = Math.sqrt(sj) + eps;
        theta[j] += -clr * gj / std;
      }
    }
  }

  protected bufferNamesFor(): string[] {
    return ['sum'];
  }
}
