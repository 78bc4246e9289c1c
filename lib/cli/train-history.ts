/**
 * The training history `rnnkit train` keeps in its checkpoint, as float64 tensors (caller
 * tensors of the checkpoint, stored as `extra.history.*`) rather than metadata, so the
 * checkpoint's header stays small however long the run:
 *
 *   history.train           [n, 2]  step, training loss per character
 *   history.validation      [m, 2]  step, validation loss per character
 *   history.grad_norms      [k, T]  ‖∂L/∂a⟨t⟩‖ of the first layer, one row per evaluation
 *   history.grad_norm_steps [k]     the step of each row
 */
import type { Tensor } from '../tensor.js';
import type { TrainingHistory } from './train-plots.js';

const NAMES = ['history.train', 'history.validation', 'history.grad_norms', 'history.grad_norm_steps'] as const;

/** The history as tensors, for saveCheckpoint's `tensors`. */
export function historyTensors(h: TrainingHistory): Map<string, Tensor> {
  const T = h.gradNorms[0]?.length ?? 0;
  const rows = (r: readonly (readonly number[])[], width: number): Tensor => ({ data: Float64Array.from(r.flat()), shape: [r.length, width] });
  return new Map<string, Tensor>([
    [NAMES[0], rows(h.train, 2)],
    [NAMES[1], rows(h.validation, 2)],
    [NAMES[2], rows(h.gradNorms, T)],
    [NAMES[3], { data: Float64Array.from(h.gradNormSteps), shape: [h.gradNormSteps.length] }],
  ]);
}

/**
 * The history back from a checkpoint's tensors; null when the checkpoint has none, and an
 * Error naming the tensor when one is there but malformed.
 */
export function historyFromTensors(tensors: ReadonlyMap<string, Tensor>): TrainingHistory | null {
  if (!NAMES.some((n) => tensors.has(n))) return null;
  const get = (name: string, rank: number, width?: number): Tensor => {
    const t = tensors.get(name);
    if (!t || t.shape.length !== rank || (width !== undefined && t.shape[1] !== width)) {
      throw new Error(`tensor extra.${name} is missing or has shape [${t?.shape.join(', ') ?? ''}]`);
    }
    return t;
  };
  const rows = (t: Tensor): number[][] => Array.from({ length: t.shape[0] }, (_, i) => Array.from(t.data.subarray(i * t.shape[1], (i + 1) * t.shape[1])));
  const train = get(NAMES[0], 2, 2), validation = get(NAMES[1], 2, 2), norms = get(NAMES[2], 2), steps = get(NAMES[3], 1);
  if (steps.shape[0] !== norms.shape[0]) throw new Error(`tensors extra.${NAMES[2]} and extra.${NAMES[3]} disagree on the number of evaluations`);
  return {
    train: rows(train) as [number, number][],
    validation: rows(validation) as [number, number][],
    gradNorms: rows(norms),
    gradNormSteps: Array.from(steps.data),
  };
}
