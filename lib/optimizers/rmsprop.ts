/**
 * RMSprop, exactly as PyTorch 1.13 `torch.optim.RMSprop` (single-tensor path). For each
 * parameter θ with gradient g:
 *
 *     g ← g + λ·θ                                   L2 weight decay λ (default 0)
 *     v ← α·v + (1 − α)·g²                          v = square_avg
 *     if centered:
 *         gAvg ← α·gAvg + (1 − α)·g                 gAvg = grad_avg
 *         avg = sqrt(v − gAvg²) + eps
 *     else:
 *         avg = sqrt(v) + eps
 *     if μ > 0:
 *         b ← μ·b + g / avg                          b = momentum_buffer
 *         θ ← θ − lr·b
 *     else:
 *         θ ← θ − lr·g / avg
 *
 * eps is added after the square root (TensorFlow adds it inside). The momentum buffer starts
 * at zero (unlike SGD's, which starts at g).
 */
import type { Param } from '../param.js';
import { type HyperParameters, OptimizerBase, type Rule, flag, nonNegative, unitInterval } from './optimizer.js';

export interface RMSpropOptions {
  /** Learning rate, ≥ 0 (default 1e-2). */
  readonly lr?: number;
  /** Smoothing constant α in [0, 1] (default 0.99). */
  readonly alpha?: number;
  /** ≥ 0 (default 1e-8). */
  readonly eps?: number;
  /** μ ≥ 0 (default 0: no buffer). */
  readonly momentum?: number;
  /** Normalize by an estimate of the gradient's variance (default false). */
  readonly centered?: boolean;
  /** λ ≥ 0: L2 penalty added to the gradient (default 0). */
  readonly weightDecay?: number;
}

export interface RMSpropHyperParameters extends HyperParameters {
  readonly lr: number;
  readonly alpha: number;
  readonly eps: number;
  readonly momentum: number;
  readonly centered: boolean;
  readonly weightDecay: number;
}

/** The options, their checks and PyTorch's defaults. */
export const RMSPROP_RULES: Readonly<Record<keyof RMSpropHyperParameters, Rule>> = {
  lr: nonNegative(1e-2),
  alpha: unitInterval(0.99),
  eps: nonNegative(1e-8),
  momentum: nonNegative(0),
  centered: flag,
  weightDecay: nonNegative(0),
};

export class RMSprop extends OptimizerBase<RMSpropHyperParameters> {
  constructor(params: Param[], options?: RMSpropOptions) {
    super('RMSprop', params, RMSPROP_RULES, options);
  }

  step(): void {
    const { lr, alpha, eps, momentum, centered, weightDecay: wd } = this.hp;
    // buffers per parameter (see bufferNamesFor): [0] v (square_avg), then b (momentum_buffer)
    // if μ > 0, then gAvg (grad_avg, last) if centered
    const B = this.bufferArrays;
    for (let i = 0; i < this.params.length; i++) {
      const theta = this.params[i].value, g = this.params[i].grad;
      const v = B[0][i];
      const gAvg = centered ? B[B.length - 1][i] : v;
      const b = momentum > 0 ? B[1][i] : v;
      for (let j = 0; j < theta.length; j++) {
        const gj = wd !== 0 ? g[j] + wd * theta[j] : g[j];
        const vj = alpha * v[j] + (1 - alpha) * gj * gj;
        v[j] = vj;
        let avg: number;
        if (centered) {
          const gAvgj = alpha * gAvg[j] + (1 - alpha) * gj;
          gAvg[j] = gAvgj;
          avg = Math.sqrt(vj - gAvgj * gAvgj) + eps;
        } else {
          avg = Math.sqrt(vj) + eps;
        }
        if (momentum > 0) {
          const bj = momentum * b[j] + gj / avg;
          b[j] = bj;
          theta[j] += -lr * bj;
        } else {
          theta[j] += -lr * gj / avg;
        }
      }
    }
    this.t++;
  }

  protected bufferNamesFor(hp: RMSpropHyperParameters): string[] {
    const names = ['square_avg'];
    if (hp.momentum > 0) names.push('momentum_buffer');
    if (hp.centered) names.push('grad_avg');
    return names;
  }
}
