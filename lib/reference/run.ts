/**
 * `runReference(fixture)`: recomputes a parsed `rnn-reference/1` fixture from its params and
 * inputs alone and returns an object of the same format holding rnnkit's results. No I/O.
 */
import type { DType } from '../tensor.js';
import { checkChoice } from '../validate.js';
import { type ReferenceFixture, checkFixture } from './fixture.js';
import { runLayerFixture } from './layer.js';

export interface RunReferenceOptions {
  /** Arithmetic width (default float32, the width the tolerance is defined for). */
  dtype?: DType;
}

/** Thrown for fixtures of a kind this version cannot run yet. */
export class NotSupportedError extends Error {
  override name = 'NotSupportedError';
}

export function runReference(fixture: unknown, options: RunReferenceOptions = {}): ReferenceFixture {
  const f = checkFixture(fixture);
  const dtype = checkChoice('runReference', 'dtype', options.dtype ?? 'float32', ['float32', 'float64'] as const);
  if (f.kind === 'layer') return runLayerFixture(f, dtype);
  throw new NotSupportedError(`runReference: kind "model" is not supported yet (fixture "${f.name}")`);
}
