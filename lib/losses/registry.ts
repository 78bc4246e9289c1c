/** Losses by name. */
import { checkChoice } from '../validate.js';
import { binaryCrossEntropy } from './binary-cross-entropy.js';
import { crossEntropy } from './cross-entropy.js';
import type { Loss, LossName } from './loss.js';
import { mse } from './mse.js';

const losses: Record<LossName, Loss> = { cross_entropy: crossEntropy, mse, bce: binaryCrossEntropy };

/** The loss of that name; a TypeError under `op` lists the names otherwise. */
export function getLoss(name: string, op = 'getLoss'): Loss {
  return losses[checkChoice(op, 'loss', name, Object.keys(losses) as LossName[])];
}
