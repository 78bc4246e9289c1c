/**
 * Predictions and accuracy of a classifier (a SequenceModel with the cross_entropy loss): the
 * most likely class of each row (many_to_one) or of each valid step (many_to_many).
 */
import type { SequenceInputs, SequenceModel } from '../models/sequence-model.js';
import type { Tensor } from '../tensor.js';
import { argmax } from '../generation/sample.js';
import { checkTensorLike } from '../validate.js';

/** Class indices: [B] for many_to_one, [T, B] for many_to_many (padded steps hold 0). */
export interface ClassPrediction {
  readonly data: Int32Array;
  readonly shape: number[];
}

/** The most likely class of each row (many_to_one) or step (many_to_many) of x [T, B, I]. */
export function predict(model: SequenceModel, x: Tensor, inputs: SequenceInputs = {}): ClassPrediction {
  checkClassifier('predict', model);
  const z = model.forward(x, inputs).z;
  const V = model.outputSize, rows = z.data.length / V;
  const data = new Int32Array(rows);
  const lengths = inputs.lengths, B = x.shape[1];
  for (let r = 0; r < rows; r++) {
    const padded = lengths && model.topology === 'many_to_many' && Math.floor(r / B) >= lengths[r % B];
    data[r] = padded ? 0 : argmax(z.data, r * V, V);
  }
  return { data, shape: z.shape.slice(0, -1) };
}

/**
 * The fraction of rows (many_to_one) or valid steps (many_to_many) whose most likely class is
 * the target's: target [B] or [T, B] of class indices, as lossAndGrad takes it.
 */
export function accuracy(model: SequenceModel, x: Tensor, target: { data: ArrayLike<number>; shape: readonly number[] }, inputs: SequenceInputs = {}): number {
  const { correct, total } = countCorrect('accuracy', model, x, target, inputs);
  return correct / total;
}

/** Correct predictions and predictions counted (padding excluded), for averaging over batches. Internal. */
export function countCorrect(op: string, model: SequenceModel, x: Tensor, target: { data: ArrayLike<number>; shape: readonly number[] }, inputs: SequenceInputs = {}): { correct: number; total: number } {
  checkClassifier(op, model);
  model.checkBatch(op, x, target, inputs); // shapes and class indices of the target too
  checkTensorLike(op, 'target', target);
  const p = predict(model, x, inputs);
  const lengths = inputs.lengths, B = x.shape[1];
  let correct = 0, total = 0;
  for (let r = 0; r < p.data.length; r++) {
    if (lengths && model.topology === 'many_to_many' && Math.floor(r / B) >= lengths[r % B]) continue;
    total++;
    if (p.data[r] === target.data[r]) correct++;
  }
  return { correct, total };
}

function checkClassifier(op: string, model: SequenceModel): void {
  if (model?.loss?.targets !== 'class') throw new TypeError(`${op}: the model must be a classifier (cross_entropy loss), got ${model?.loss?.name ?? String(model)}`);
}
