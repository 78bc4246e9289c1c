/**
 * Stochastic gradient descent with optional momentum, dampening and Nesterov momentum, exactly
 * as PyTorch 1.13 `torch.optim.SGD` (without weight decay). For each parameter θ with gradient g:
 *
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
import type { FloatArray } from '../tensor.js';
import { checkBoolean, checkNumber } from '../validate.js';
import { type HyperParameters, OptimizerBase, checkOptionKeys } from './optimizer.js';

export interface SGDOptions {
  /** Learning rate, ≥ 0. Required (PyTorch has no default either). */
  readonly lr: number;
  /** μ ≥ 0 (default 0: plain SGD, no buffer). */
  readonly momentum?: number;
  /** τ in [0, 1] (default 0). */
  readonly dampening?: number;
  /** Nesterov momentum (default false); needs μ > 0 and τ = 0. */
  readonly nesterov?: boolean;
}

export interface SGDHyperParameters extends HyperParameters {
  readonly lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
}

const KEYS = ['lr', 'momentum', 'dampening', 'nesterov'] as const;

/** Validates SGD options, filling PyTorch's defaults unless `complete` (a checkpoint) is asked for. */
export function resolveSGDOptions(op: string, options: unknown, complete = false): SGDHyperParameters {
  const o = checkOptionKeys(op, complete ? 'state.hyperParameters' : 'options', options, KEYS, complete);
  if (o.lr === undefined) throw new TypeError(`${op}: lr is required (a finite number ≥ 0), got undefined`);
  const lr = checkNumber(op, 'lr', o.lr, 0);
  const momentum = o.momentum === undefined ? 0 : checkNumber(op, 'momentum', o.momentum, 0);
  const dampening = o.dampening === undefined ? 0 : checkNumber(op, 'dampening', o.dampening, 0, 1);
  const nesterov = o.nesterov === undefined ? false : checkBoolean(op, 'nesterov', o.nesterov);
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    throw new RangeError(`${op}: nesterov needs momentum > 0 and dampening = 0, got momentum ${momentum} and dampening ${dampening}`);
  }
  return { lr, momentum, dampening, nesterov };
}

export class SGD extends OptimizerBase<SGDHyperParameters> {
  /** b per parameter (empty when μ = 0). */
  private readonly momentumBuffer: FloatArray[];

  constructor(params: Param[], options: SGDOptions) {
    super('SGD', 'sgd', params, resolveSGDOptions('SGD', options));
    this.momentumBuffer = this.buffer('momentum_buffer');
  }

  step(): void {
    const { lr, momentum, dampening, nesterov } = this.hp;
    const first = this.t === 0;
    for (let i = 0; i < this.params.length; i++) {
      const theta = this.params[i].value, g = this.params[i].grad;
      if (momentum !== 0) {
        const b = this.momentumBuffer[i];
        for (let j = 0; j < theta.length; j++) {
          const gj = g[j];
          const bj = first ? gj : momentum * b[j] + (1 - dampening) * gj;
          b[j] = bj;
          const d = nesterov ? gj + momentum * bj : bj;
          theta[j] += -lr * d;
        }
      } else {
        for (let j = 0; j < theta.length; j++) theta[j] += -lr * g[j];
      }
    }
    this.t++;
  }

  protected resolve(op: string, raw: unknown): SGDHyperParameters {
    return resolveSGDOptions(op, raw, true);
  }

  protected bufferNamesFor(hp: SGDHyperParameters): string[] {
    return hp.momentum !== 0 ? ['momentum_buffer'] : [];
  }
}
