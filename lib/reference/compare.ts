/**
 * Compares a computed fixture with the expected one, tensor by tensor, with the reference
 * tolerance measure:  max|computed − expected| / max(max|expected|, 1e-3).
 */
import type { FixtureTensor, ReferenceFixture, TensorMap } from './fixture.js';

export interface TensorError {
  /** Where the tensor sits, e.g. `grads.weight_hh_l0` or `steps[2].params_after.head.bias`. */
  tensor: string;
  error: number;
}

export interface Comparison {
  /** The largest relative error over all tensors (Infinity if one is missing or misshapen). */
  worst: number;
  /** The tensor where `worst` occurs. */
  worstTensor: string;
  errors: TensorError[];
}

/** Relative error of one tensor (or scalar); Infinity when shapes differ or values are non-finite. */
export function relativeError(computed: FixtureTensor | number | undefined, expected: FixtureTensor | number): number {
  if (computed === undefined) return Infinity;
  const c = typeof computed === 'number' ? [computed] : computed.data;
  const e = typeof expected === 'number' ? [expected] : expected.data;
  if (typeof computed !== typeof expected || c.length !== e.length) return Infinity;
  if (typeof computed !== 'number' && typeof expected !== 'number' &&
      computed.shape.join() !== expected.shape.join()) return Infinity;
  let diff = 0, scale = 0;
  for (let i = 0; i < e.length; i++) {
    const d = Math.abs(c[i] - e[i]);
    if (!(d <= diff)) diff = d; // also catches NaN
    scale = Math.max(scale, Math.abs(e[i]));
  }
  return Number.isNaN(diff) ? Infinity : diff / Math.max(scale, 1e-3);
}

function compareMaps(out: TensorError[], prefix: string, computed: TensorMap | undefined, expected: TensorMap | undefined): void {
  if (!expected) return;
  for (const name of Object.keys(expected)) {
    const e = expected[name] as FixtureTensor | number;
    const c = computed ? (computed[name] as FixtureTensor | number | undefined) : undefined;
    out.push({ tensor: `${prefix}.${name}`, error: relativeError(c, e) });
  }
}

export function compareFixture(computed: ReferenceFixture, expected: ReferenceFixture): Comparison {
  const errors: TensorError[] = [];
  compareMaps(errors, 'expected', computed.expected, expected.expected);
  compareMaps(errors, 'grads', computed.grads, expected.grads);
  (expected.steps ?? []).forEach((s, i) => {
    const c = computed.steps?.[i];
    errors.push({ tensor: `steps[${i}].loss`, error: relativeError(c?.loss, s.loss) });
    errors.push({ tensor: `steps[${i}].grad_norm`, error: relativeError(c?.grad_norm, s.grad_norm) });
    compareMaps(errors, `steps[${i}].grads`, c?.grads, s.grads);
    compareMaps(errors, `steps[${i}].clipped_grads`, c?.clipped_grads, s.clipped_grads);
    compareMaps(errors, `steps[${i}].params_after`, c?.params_after, s.params_after);
  });
  let worst = 0, worstTensor = '';
  for (const e of errors) if (!(e.error <= worst)) { worst = e.error; worstTensor = e.tensor; }
  return { worst, worstTensor, errors };
}
