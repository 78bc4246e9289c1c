/**
 * Gradient clipping by value, as PyTorch 1.13 `torch.nn.utils.clip_grad_value_(params, v)`:
 *
 *     g ← min(max(g, −v), v) for every gradient entry
 *
 * NaN entries stay NaN. Gradients are modified in place. Never allocates.
 */
import type { Param } from '../param.js';
import { checkNumber } from '../validate.js';
import { checkGrads } from './clip-grad-norm.js';

/** Clamps every gradient entry to [−clipValue, clipValue]; clipValue is a finite number ≥ 0. */
export function clipGradValue(params: readonly Param[], clipValue: number): void {
  const op = 'clipGradValue';
  checkGrads(op, params);
  const v = checkNumber(op, 'clipValue', clipValue, 0);
  for (let i = 0; i < params.length; i++) {
    const g = params[i].grad;
    for (let j = 0; j < g.length; j++) {
      const x = g[j];
      if (x < -v) g[j] = -v;
      else if (x > v) g[j] = v;
    }
  }
}
