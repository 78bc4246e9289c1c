/**
 * A loss over a block of rows: each row r holds one prediction's V values z_r (the head's
 * output before g2 where the loss owns g2: softmax for cross-entropy, σ for binary
 * cross-entropy; the output itself for MSE). Every loss computes
 *
 *     L = scale · Σ_r w_r · ℓ(z_r, target_r)        and writes dL/dz_r into dz,
 *
 * where w_r is a per-row weight (0 for padded steps, 1 otherwise) and scale is 1/B, so the
 * loss is summed over time steps and outputs and averaged over the batch.
 */
import type { FloatArray } from '../tensor.js';

export type LossName = 'cross_entropy' | 'mse' | 'bce';

export interface Loss {
  readonly name: LossName;
  /** `class`: one integer label per row; `value`: V target values per row. */
  readonly targets: 'class' | 'value';
  lossAndGrad(
    dz: FloatArray, z: FloatArray, off: number, rows: number, V: number,
    target: ArrayLike<number>, tOff: number,
    weights: ArrayLike<number> | null, wOff: number, scale: number,
  ): number;
  /** The prediction g2(z) of one row, written to out (probabilities or values). */
  predict(out: FloatArray, oOff: number, z: FloatArray, zOff: number, V: number): void;
}
