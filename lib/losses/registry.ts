/** Losses by name. */
import { describe } from '../validate.js';
import { binaryCrossEntropy } from './binary-cross-entropy.js';
import { crossEntropy } from './cross-entropy.js';
import type { Loss, LossName } from './loss.js';
import { mse } from './mse.js';

const losses: Record<LossName, Loss> = { cross_entropy: crossEntropy, mse, bce: binaryCrossEntropy };

export function getLoss(name: string, op = 'getLoss'): Loss {
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(losses, name)) {
    throw new TypeError(`${op}: loss must be one of ${Object.keys(losses).map((n) => `"${n}"`).join(', ')}, got ${describe(name)}`);
  }
  return losses[name as LossName];
}
