/**
 * `runReference(fixture)`: recomputes a parsed `rnn-reference/1` fixture from its params and
 * inputs alone and returns an object of the same format holding rnnkit's results. No I/O.
 */
import type { DType } from '../tensor.js';
import { checkChoice } from '../validate.js';
import { OP, type ReferenceFixture, checkFixture } from './fixture.js';
import { runLayerFixture } from './layer.js';
import { runModelFixture } from './model.js';
import { runSeq2SeqFixture } from './seq2seq.js';

export interface RunReferenceOptions {
  /** Arithmetic width (default float32, the width the tolerance is defined for). */
  dtype?: DType;
}

export function runReference(fixture: unknown, options: RunReferenceOptions = {}): ReferenceFixture {
  const f = checkFixture(fixture);
  const dtype = checkChoice(OP, 'dtype', options.dtype ?? 'float32', ['float32', 'float64'] as const);
  return { layer: runLayerFixture, model: runModelFixture, seq2seq: runSeq2SeqFixture }[f.kind](f, dtype);
}
