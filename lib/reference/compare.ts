/**
 * Compares a computed fixture with the expected one, tensor by tensor, with the reference
 * tolerance measure:  max|computed − expected| / max(max|expected|, 1e-3).
 */
import type { FixtureTensor, ReferenceFixture } from './fixture.js';

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

export function compareFixture(computed: ReferenceFixture, expected: ReferenceFixture): Comparison {
  const errors: TensorError[] = [];
  const add = (tensor: string, c: FixtureTensor | number | undefined, e: FixtureTensor | number) => errors.push({ tensor, error: relativeError(c, e) });
  // every tensor of an expected map, looked up by name in the computed one
  const maps = (prefix: string, c: Record<string, FixtureTensor | number> | undefined, e: Record<string, FixtureTensor | number> | undefined) => {
    for (const name of Object.keys(e ?? {})) add(`${prefix}.${name}`, c?.[name], e![name]);
  };
  maps('expected', computed.expected, expected.expected);
  maps('grads', computed.grads, expected.grads);
  (expected.steps ?? []).forEach((s, i) => {
    const c = computed.steps?.[i];
    for (const k of ['loss', 'grad_norm'] as const) add(`steps[${i}].${k}`, c?.[k], s[k]);
    if (s.lr !== undefined) add(`steps[${i}].lr`, c?.lr, s.lr);
    for (const k of ['grads', 'clipped_grads', 'params_after'] as const) maps(`steps[${i}].${k}`, c?.[k], s[k]);
  });
  let worst = 0, worstTensor = '';
  for (const e of errors) if (!(e.error <= worst)) { worst = e.error; worstTensor = e.tensor; }
  return { worst, worstTensor, errors };
}
