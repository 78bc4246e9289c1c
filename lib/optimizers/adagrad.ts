/**
 * Adagrad, exactly as PyTorch 1.13 `torch.optim.Adagrad` (dense gradients, without weight
 * decay). At step t = 1, 2, … for each parameter θ with gradient g:
 *
 *     clr = lr / (1 + (t − 1)·lrDecay)
 *     s ← s + g²                                s = sum, starting at initialAccumulatorValue
 *     std = sqrt(s) + eps
 *     θ ← θ − clr·g / std
 */
import type { Param } from '../param.js';
import type { FloatArray } from '../tensor.js';
import { checkNumber } from '../validate.js';
import { type HyperParameters, OptimizerBase, checkOptionKeys } from './optimizer.js';

export interface AdagradOptions {
  /** Learning rate, ≥ 0 (default 1e-2). */
  readonly lr?: number;
  /** ≥ 0 (default 0): the learning rate at step t is lr / (1 + (t − 1)·lrDecay). */
  readonly lrDecay?: number;
  /** ≥ 0 (default 1e-10). */
  readonly eps?: number;
  /** s at t = 0, ≥ 0 (default 0). */
  readonly initialAccumulatorValue?: number;
}

export interface AdagradHyperParameters extends HyperParameters {
  readonly lr: number;
  readonly lrDecay: number;
  readonly eps: number;
  readonly initialAccumulatorValue: number;
}

const KEYS = ['lr', 'lrDecay', 'eps', 'initialAccumulatorValue'] as const;

/** Validates Adagrad options, filling PyTorch's defaults unless `complete` (a checkpoint) is asked for. */
export function resolveAdagradOptions(op: string, options: unknown, complete = false): AdagradHyperParameters {
  const o = checkOptionKeys(op, complete ? 'state.hyperParameters' : 'options', options, KEYS, complete);
  const lr = o.lr === undefined ? 1e-2 : checkNumber(op, 'lr', o.lr, 0);
  const lrDecay = o.lrDecay === undefined ? 0 : checkNumber(op, 'lrDecay', o.lrDecay, 0);
  const eps = o.eps === undefined ? 1e-10 : checkNumber(op, 'eps', o.eps, 0);
  const initialAccumulatorValue = o.initialAccumulatorValue === undefined ? 0 : checkNumber(op, 'initialAccumulatorValue', o.initialAccumulatorValue, 0);
  return { lr, lrDecay, eps, initialAccumulatorValue };
}

export class Adagrad extends OptimizerBase<AdagradHyperParameters> {
  /** s per parameter. */
  private readonly sum: FloatArray[];

  constructor(params: Param[], options: AdagradOptions = {}) {
    const hp = resolveAdagradOptions('Adagrad', options);
    super('Adagrad', 'adagrad', params, hp, { sum: hp.initialAccumulatorValue });
    this.sum = this.buffer('sum');
  }

  step(): void {
    const { lr, lrDecay, eps } = this.hp;
    const t = ++this.t;
    const clr = lr / (1 + (t - 1) * lrDecay);
    for (let i = 0; i < this.params.length; i++) {
      const theta = this.params[i].value, g = this.params[i].grad, s = this.sum[i];
      for (let j = 0; j < theta.length; j++) {
        const gj = g[j];
        const sj = s[j] + gj * gj;
        s[j] = sj;
        const std = Math.sqrt(sj) + eps;
        theta[j] += -clr * gj / std;
      }
    }
  }

  protected resolve(op: string, raw: unknown): AdagradHyperParameters {
    return resolveAdagradOptions(op, raw, true);
  }

  protected bufferNamesFor(): string[] {
    return ['sum'];
  }

  protected override nonNegativeBuffers(): readonly string[] {
    return ['sum'];
  }
}
